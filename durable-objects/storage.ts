// Where a room keeps its document: an append-only log of updates, compacted into one
// snapshot. One interface, two implementations: in memory for fast tests of the logic, and
// the Durable Object's SQLite for real (sqlite-store.ts).
export interface UpdateStore {
  append(update: Uint8Array): void;
  loadAll(): Uint8Array[];
  // Replaces the whole log with one snapshot, atomically.
  compact(snapshot: Uint8Array): void;
  stats(): { count: number; bytes: number };
}

export class MemoryUpdateStore implements UpdateStore {
  private log: Uint8Array[] = [];
  append(update: Uint8Array) { this.log.push(update.slice()); }
  loadAll() { return [...this.log]; }
  compact(snapshot: Uint8Array) { this.log = [snapshot.slice()]; }
  stats() { return { count: this.log.length, bytes: this.log.reduce((n, u) => n + u.byteLength, 0) }; }
}

export interface CompactionPolicy { maxCount: number; maxBytes: number }
export const DEFAULT_COMPACTION: CompactionPolicy = { maxCount: 200, maxBytes: 1024 * 1024 };

export const needsCompaction = (s: { count: number; bytes: number }, p: CompactionPolicy) => s.count > 1 && (s.count > p.maxCount || s.bytes > p.maxBytes);
