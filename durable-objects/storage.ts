// Where a room keeps its document: an append-only log of updates, compacted into one
// snapshot. One interface, two implementations: in memory for fast tests of the logic, and
// the Durable Object's SQLite for real (sqlite-store.ts).
export interface UpdateStore {
  append(update: Uint8Array): void;
  loadAll(): Uint8Array[];
  // Replaces the whole log with one snapshot, atomically.
  compact(snapshot: Uint8Array): void;
  stats(): { count: number; bytes: number };
  // Which user writes under each Yjs client id: ids are chosen by clients, so the room binds
  // each to the first user it accepted items from.
  loadOwners(): Map<number, string>;
  addOwners(owners: Array<[number, string]>): void;
}

export class MemoryUpdateStore implements UpdateStore {
  private log: Uint8Array[] = [];
  append(update: Uint8Array) { this.log.push(update.slice()); }
  loadAll() { return [...this.log]; }
  compact(snapshot: Uint8Array) { this.log = [snapshot.slice()]; }
  stats() { return { count: this.log.length, bytes: this.log.reduce((n, u) => n + u.byteLength, 0) }; }
  private owners = new Map<number, string>();
  loadOwners() { return new Map(this.owners); }
  addOwners(owners: Array<[number, string]>) { for (const [c, u] of owners) this.owners.set(c, u); }
}

export interface CompactionPolicy { maxCount: number; maxBytes: number }
export const DEFAULT_COMPACTION: CompactionPolicy = { maxCount: 200, maxBytes: 1024 * 1024 };

export const needsCompaction = (s: { count: number; bytes: number }, p: CompactionPolicy) => s.count > 1 && (s.count > p.maxCount || s.bytes > p.maxBytes);
