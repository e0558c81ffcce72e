// The room's logic without the platform: a Y.Doc, its update store and the write rules.
// DocRoom wraps it with sockets and SQLite; tests drive it directly with the memory store,
// so thousands of randomised runs take seconds.
import * as Y from 'yjs';
import type { DocId } from '../core/docs/id.ts';
import { KINDS } from '../core/docs/kinds/index.ts';
import { checkChange, correct, type Snapshot, type Touched, type Violation, type WriterRole } from '../core/docs/rules.ts';
import { body, FIELD_SHAPES, hasHeader, hasSkeleton, meta, skeletonUpdate, snapshot, writeHeader, type Header, type Json } from '../core/docs/schema.ts';
import { CLOSE_FORBIDDEN, CLOSE_MALFORMED, CLOSE_READ_ONLY, CLOSE_TOO_LARGE, DEFAULT_MAX_DOC_BYTES } from './protocol.ts';
import { DEFAULT_COMPACTION, needsCompaction, type CompactionPolicy, type UpdateStore } from './storage.ts';

export interface Writer { userId: string; role: WriterRole; access: 'read' | 'write' }

export class Refused extends Error {
  readonly code: number;
  constructor(code: number, message: string) { super(message); this.code = code; }
}

type Decoded = ReturnType<typeof Y.decodeUpdate>;

const noop = ({ structs, ds }: Decoded) => structs.length === 0 && ds.clients.size === 0;

export const isNoop = (update: Uint8Array) => noop(Y.decodeUpdate(update));

// An update the room cannot integrate whole: it starts past what the room has of some client,
// or points at (or deletes) items the room has never seen. Yjs would keep the structs pending
// but apply the deletions at once, so the room would hold half an edit (an overwrite's delete
// without its new value); the rules cannot judge half an edit and the store must not keep one.
// Such an update only comes from a lost message, and the sender's answer to a step 1 closes
// the gap with one whole diff.
function hasGap({ structs, ds }: Decoded, sv: Map<number, number>): boolean {
  const known = new Map(sv);
  const have = (id: Y.ID | null) => id === null || id.clock < (known.get(id.client) ?? 0);
  for (const s of structs) {
    const next = known.get(s.id.client) ?? 0;
    if (s.id.clock + s.length <= next) continue;
    // Skip is a hole inside the update itself.
    if (s.id.clock > next || s.constructor.name === 'Skip') return true;
    known.set(s.id.client, s.id.clock + s.length);
  }
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue;
    if (!have(s.origin) || !have(s.rightOrigin)) return true;
    if (s.parent && typeof s.parent === 'object' && 'clock' in s.parent && !have(s.parent as Y.ID)) return true;
  }
  for (const [client, ranges] of ds.clients) {
    const upTo = known.get(client) ?? 0;
    for (const r of ranges) if (r.clock + r.len > upTo) return true;
  }
  return false;
}

// `correction`: the server's own update that follows the client's (what the rules put back, and
// the history entry for a status step), to be broadcast to everyone.
export interface Applied { stored: Uint8Array | null; correction: Uint8Array | null; violations: Violation[]; gap?: boolean }

export interface CommandResult<T> { result: T; update: Uint8Array | null }

const plain = (v: unknown): Json => (v instanceof Y.AbstractType ? v.toJSON() : (v ?? null)) as Json;

export class RoomCore {
  doc = new Y.Doc();
  readonly store: UpdateStore;
  readonly docId: DocId;
  maxDocBytes = DEFAULT_MAX_DOC_BYTES;
  compaction: CompactionPolicy = DEFAULT_COMPACTION;
  // The document as the rules see it (plain JSON), kept up to date field by field and entry by
  // entry, so checking an update costs what the update touches.
  private view: Snapshot = { meta: {}, body: {} };
  // Stored bytes, kept as a running count so the size limit costs nothing per update.
  private bytes = 0;

  // The room's clock (history entries, command times); tests pass their own.
  now: () => string = () => new Date().toISOString();

  constructor(store: UpdateStore, docId: DocId) {
    this.store = store;
    this.docId = docId;
    this.load();
  }

  get created(): boolean { return hasHeader(this.doc, this.docId.kind); }

  // Creates the document as the server: its structure (the same items every device makes) and
  // its header, from the authorised id and the caller that registered it. A document made before
  // headers were the server's gets one now; its structure stays as it is.
  create(header: Header): Uint8Array | null {
    if (this.created) return null;
    const { update, touched } = this.capture(() => this.doc.transact(() => {
      if (!hasSkeleton(this.doc, this.docId.kind)) Y.applyUpdate(this.doc, skeletonUpdate(this.docId.kind), 'server');
      writeHeader(this.doc, header);
    }, 'server'));
    if (update) { this.store.append(update); this.bytes += update.byteLength; }
    this.refresh(touched);
    return update;
  }

  // A server step run inside the room's single thread: it reads and writes the document with no
  // await in between, so two calls never both pass a check one of them makes stale.
  command<T>(fn: (doc: Y.Doc, at: string) => T): CommandResult<T> {
    if (!this.created) throw new Refused(CLOSE_FORBIDDEN, 'This document does not exist');
    let result!: T;
    const { update, touched } = this.capture(() => this.doc.transact(() => { result = fn(this.doc, this.now()); }, 'server'));
    if (update) { this.store.append(update); this.bytes += update.byteLength; }
    this.refresh(touched);
    if (needsCompaction(this.store.stats(), this.compaction)) this.compact();
    return { result, update };
  }

  load() {
    this.doc = new Y.Doc();
    this.bytes = 0;
    for (const u of this.store.loadAll()) { Y.applyUpdate(this.doc, u, 'storage'); this.bytes += u.byteLength; }
    this.view = snapshot(this.doc, this.docId.kind);
  }

  // What a transaction changed, as rule fields and map entries.
  private touched(trs: Y.Transaction[]): Touched {
    const out: Touched = new Map();
    const root = body(this.doc, this.docId.kind) as unknown as Y.AbstractType<any>;
    const header = meta(this.doc) as unknown as Y.AbstractType<any>;
    const mark = (field: string, keys: Set<string> | null) => {
      if (!out.has(field)) out.set(field, keys ? new Set(keys) : null);
      else if (keys === null) out.set(field, null);
      else { const cur = out.get(field); if (cur) for (const k of keys) cur.add(k); }
    };
    for (const tr of trs) {
      for (const [type, keys] of tr.changed) {
        if (type === header) { mark('meta', null); continue; }
        // A key-less change of the body (list content in a map) is nothing the rules know.
        if (type === root) { for (const k of keys) mark(k ?? '*', null); continue; }
        let child: Y.AbstractType<any> = type;
        while (child._item && child._item.parent !== root) child = child._item.parent as Y.AbstractType<any>;
        const field = child._item?.parentSub;
        // A root type other than the header and the body: nothing the rules know.
        if (!field) { mark('*', null); continue; }
        const entries = child === type && type instanceof Y.Map ? new Set([...keys].filter((k): k is string => k !== null)) : null;
        mark(field, entries && entries.size ? entries : null);
      }
    }
    return out;
  }

  // The parts of the view a change touched (the header and status always: the rules read them).
  // `view` may be an earlier one: refresh replaces the view's objects instead of changing them.
  private restrict(view: Snapshot, touched: Touched): Snapshot {
    const b: Record<string, Json> = {};
    if (view.body.status !== undefined) b.status = view.body.status;
    for (const [field, keys] of touched) {
      if (field === 'meta' || field === '*') continue;
      const v = view.body[field];
      if (keys && v && typeof v === 'object' && !Array.isArray(v)) {
        const part: Record<string, Json> = {};
        for (const k of keys) if (k in v) part[k] = (v as Record<string, Json>)[k];
        b[field] = part;
      } else if (v !== undefined) b[field] = v;
    }
    return { meta: view.meta, body: b };
  }

  private refresh(touched: Touched) {
    const root = body(this.doc, this.docId.kind);
    this.view = { meta: this.view.meta, body: { ...this.view.body } };
    for (const [field, keys] of touched) {
      if (field === '*') continue;
      if (field === 'meta') { this.view.meta = meta(this.doc).toJSON() as Record<string, Json>; continue; }
      const cur = root.get(field);
      const old = this.view.body[field];
      if (keys && cur instanceof Y.Map && FIELD_SHAPES[this.docId.kind][field] === 'map' && old && typeof old === 'object' && !Array.isArray(old)) {
        const next = { ...(old as Record<string, Json>) };
        for (const k of keys) { if (cur.has(k)) next[k] = plain(cur.get(k)); else delete next[k]; }
        this.view.body[field] = next;
      } else if (cur === undefined) delete this.view.body[field];
      else this.view.body[field] = plain(cur);
    }
  }

  // Applies `fn` to the doc and returns what it changed, and its update.
  private capture(fn: () => void): { touched: Touched; update: Uint8Array | null; rootKeys: Set<string> } {
    const trs: Y.Transaction[] = [];
    const updates: Uint8Array[] = [];
    const onTr = (tr: Y.Transaction) => { trs.push(tr); };
    const onUpdate = (u: Uint8Array) => { updates.push(u); };
    this.doc.on('afterTransaction', onTr);
    this.doc.on('update', onUpdate);
    try { fn(); } finally { this.doc.off('afterTransaction', onTr); this.doc.off('update', onUpdate); }
    const update = updates.length === 0 ? null : updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
    const root = body(this.doc, this.docId.kind) as unknown as Y.AbstractType<any>;
    const rootKeys = new Set(trs.flatMap((tr) => [...(tr.changed.get(root) ?? [])].filter((k): k is string => k !== null)));
    return { touched: this.touched(trs), update, rootKeys };
  }

  // Why an applied change cannot be kept at all: the header, the document's structure (a body
  // map, text or list replaced or deleted) and root types other than the body are the server's.
  // Corrections cannot undo those (a deleted map cannot come back with its items), so the room
  // drops the change whole.
  private structureViolation(touched: Touched, rootKeys: Set<string>): string | null {
    if (touched.has('meta')) return 'The document header is written by the server';
    if (touched.has('*')) return 'Only the header and the body are part of a document';
    const shapes = FIELD_SHAPES[this.docId.kind];
    const replaced = [...rootKeys].find((k) => shapes[k] && shapes[k] !== 'value');
    return replaced ? `The structure of ${replaced} is the server's` : null;
  }

  // Checks, applies and stores one client update. Whatever is returned has been stored, so the
  // caller may acknowledge and broadcast it. `gap`: nothing was applied; ask the sender for a
  // whole diff (sync step 1).
  apply(update: Uint8Array, writer: Writer): Applied {
    let decoded: Decoded;
    try { decoded = Y.decodeUpdate(update); } catch { throw new Refused(CLOSE_MALFORMED, 'Undecodable update'); }
    const none: Applied = { stored: null, correction: null, violations: [] };
    if (noop(decoded)) return none;
    if (writer.access !== 'write') throw new Refused(CLOSE_READ_ONLY, 'This connection is read-only');
    // A document without a server header accepts nothing.
    if (!this.created) throw new Refused(CLOSE_FORBIDDEN, 'This document has not been created');
    if (this.bytes + update.byteLength > this.maxDocBytes) throw new Refused(CLOSE_TOO_LARGE, `Documents are limited to ${this.maxDocBytes} bytes`);
    const svBytes = Y.encodeStateVector(this.doc);
    if (hasGap(decoded, Y.decodeStateVector(svBytes))) return { ...none, gap: true };
    // Only what the room lacks is stored and broadcast.
    const stored = Y.diffUpdate(update, svBytes);
    const pre = this.view;
    const { touched, rootKeys } = this.capture(() => Y.applyUpdate(this.doc, update, writer));
    if (touched.size === 0 && isNoop(stored)) return none;
    const refused = writer.role === 'server' ? null : this.structureViolation(touched, rootKeys);
    if (refused) {
      // Not stored, so the store still holds the document as it was before this update.
      this.load();
      throw new Refused(CLOSE_FORBIDDEN, refused);
    }
    this.store.append(stored);
    this.bytes += stored.byteLength;
    const before = this.restrict(pre, touched);
    this.refresh(touched);
    const who = { role: writer.role, userId: writer.userId };
    const violations = checkChange(this.docId, who, before, this.restrict(this.view, touched), (f) => this.view.body[f]);
    const statusBefore = before.body.status;
    const fixed = this.capture(() => this.doc.transact(() => {
      if (violations.length) correct(this.doc, this.docId.kind, before, violations, touched);
      const status = body(this.doc, this.docId.kind).get('status');
      // A status step is recorded by the room, in the name it authenticated, at its own time.
      const stamp = KINDS[this.docId.kind].history;
      if (stamp && writer.role !== 'server' && status !== statusBefore) stamp(this.doc, { status: String(status), by: writer.userId, role: writer.role, at: this.now() });
    }, 'server'));
    this.refresh(fixed.touched);
    const correction = fixed.update;
    if (correction) { this.store.append(correction); this.bytes += correction.byteLength; }
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
