// The room's logic without the platform: a Y.Doc, its update store and the write rules.
// DocRoom wraps it with sockets and SQLite; tests drive it directly with the memory store,
// so thousands of randomised runs take seconds.
import * as Y from 'yjs';
import type { DocId } from '../core/docs/id.ts';
import { checkChange, correct, type Violation, type WriterRole } from '../core/docs/rules.ts';
import { snapshot } from '../core/docs/schema.ts';
import { CLOSE_MALFORMED, CLOSE_READ_ONLY, CLOSE_TOO_LARGE, DEFAULT_MAX_DOC_BYTES } from './protocol.ts';
import { DEFAULT_COMPACTION, needsCompaction, type CompactionPolicy, type UpdateStore } from './storage.ts';

export interface Writer { userId: string; role: WriterRole; access: 'read' | 'write' }

export class Refused extends Error {
  readonly code: number;
  constructor(code: number, message: string) { super(message); this.code = code; }
}

export const isNoop = (update: Uint8Array) => {
  const { structs, ds } = Y.decodeUpdate(update);
  return structs.length === 0 && ds.clients.size === 0;
};

export interface Applied { stored: Uint8Array | null; correction: Uint8Array | null; violations: Violation[] }

export class RoomCore {
  doc = new Y.Doc();
  readonly store: UpdateStore;
  readonly docId: DocId;
  maxDocBytes = DEFAULT_MAX_DOC_BYTES;
  compaction: CompactionPolicy = DEFAULT_COMPACTION;

  constructor(store: UpdateStore, docId: DocId) {
    this.store = store;
    this.docId = docId;
    this.load();
  }

  // Stored bytes, kept as a running count so the size limit costs nothing per update.
  private bytes = 0;

  load() {
    this.doc = new Y.Doc();
    this.bytes = 0;
    for (const u of this.store.loadAll()) { Y.applyUpdate(this.doc, u, 'storage'); this.bytes += u.byteLength; }
  }

  // Checks, applies and stores one client update. Whatever is returned has been stored, so the
  // caller may acknowledge and broadcast it.
  apply(update: Uint8Array, writer: Writer): Applied {
    try { Y.decodeUpdate(update); } catch { throw new Refused(CLOSE_MALFORMED, 'Undecodable update'); }
    const none: Applied = { stored: null, correction: null, violations: [] };
    if (isNoop(update)) return none;
    if (writer.access !== 'write') throw new Refused(CLOSE_READ_ONLY, 'This connection is read-only');
    if (this.bytes + update.byteLength > this.maxDocBytes) throw new Refused(CLOSE_TOO_LARGE, `Documents are limited to ${this.maxDocBytes} bytes`);
    const kind = this.docId.kind;
    const before = snapshot(this.doc, kind);
    const sv = Y.encodeStateVector(this.doc);
    Y.applyUpdate(this.doc, update, writer);
    const stored = Y.encodeStateAsUpdate(this.doc, sv);
    if (isNoop(stored)) return none;
    this.store.append(stored);
    this.bytes += stored.byteLength;
    let correction: Uint8Array | null = null;
    const violations = checkChange(this.docId, { role: writer.role, userId: writer.userId }, before, snapshot(this.doc, kind));
    if (violations.length) {
      const sv2 = Y.encodeStateVector(this.doc);
      correct(this.doc, kind, before, violations);
      correction = Y.encodeStateAsUpdate(this.doc, sv2);
      this.store.append(correction);
      this.bytes += correction.byteLength;
    }
    if (needsCompaction(this.store.stats(), this.compaction)) this.compact();
    return { stored, correction, violations };
  }

  compact() {
    if (this.store.stats().count <= 1) return;
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.store.compact(snapshot);
    this.bytes = snapshot.byteLength;
  }
}
