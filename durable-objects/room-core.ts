// The room's logic without the platform: a Y.Doc, its update store and the write rules.
// DocRoom wraps it with sockets and SQLite; tests drive it directly with the memory store,
// so thousands of randomised runs take seconds.
import * as Y from 'yjs';
import type { DocId } from '../core/docs/id.ts';
import { checkChange, correct, type Snapshot, type Touched, type Violation, type WriterRole } from '../core/docs/rules.ts';
import { body, FIELD_SHAPES, meta, snapshot, type Json } from '../core/docs/schema.ts';
import { CLOSE_MALFORMED, CLOSE_READ_ONLY, CLOSE_TOO_LARGE, DEFAULT_MAX_DOC_BYTES } from './protocol.ts';
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

export interface Applied { stored: Uint8Array | null; correction: Uint8Array | null; violations: Violation[]; gap?: boolean }

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

  constructor(store: UpdateStore, docId: DocId) {
    this.store = store;
    this.docId = docId;
    this.load();
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
        if (type === root) { for (const k of keys) if (k !== null) mark(k, null); continue; }
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
  private capture(fn: () => void): { touched: Touched; update: Uint8Array | null } {
    const trs: Y.Transaction[] = [];
    const updates: Uint8Array[] = [];
    const onTr = (tr: Y.Transaction) => { trs.push(tr); };
    const onUpdate = (u: Uint8Array) => { updates.push(u); };
    this.doc.on('afterTransaction', onTr);
    this.doc.on('update', onUpdate);
    try { fn(); } finally { this.doc.off('afterTransaction', onTr); this.doc.off('update', onUpdate); }
    const update = updates.length === 0 ? null : updates.length === 1 ? updates[0] : Y.mergeUpdates(updates);
    return { touched: this.touched(trs), update };
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
    if (this.bytes + update.byteLength > this.maxDocBytes) throw new Refused(CLOSE_TOO_LARGE, `Documents are limited to ${this.maxDocBytes} bytes`);
    const sv = Y.decodeStateVector(Y.encodeStateVector(this.doc));
    if (hasGap(decoded, sv)) return { ...none, gap: true };
    const kind = this.docId.kind;
    // Only what the room lacks is stored and broadcast.
    const stored = Y.diffUpdate(update, Y.encodeStateVector(this.doc));
    const pre = this.view;
    const { touched } = this.capture(() => Y.applyUpdate(this.doc, update, writer));
    if (touched.size === 0 && isNoop(stored)) return none;
    this.store.append(stored);
    this.bytes += stored.byteLength;
    const before = this.restrict(pre, touched);
    this.refresh(touched);
    let correction: Uint8Array | null = null;
    const violations = checkChange(this.docId, { role: writer.role, userId: writer.userId }, before, this.restrict(this.view, touched));
    if (touched.has('*')) violations.push({ path: '*', reason: 'Only the header and the body are part of a document' });
    if (violations.length) {
      const fixed = this.capture(() => {
        correct(this.doc, kind, before, violations.filter((v) => v.path !== '*'), touched);
        if (touched.has('*')) this.clearForeignRoots();
      });
      this.refresh(fixed.touched);
      correction = fixed.update;
      if (correction) { this.store.append(correction); this.bytes += correction.byteLength; }
    }
    if (needsCompaction(this.store.stats(), this.compaction)) this.compact();
    return { stored, correction, violations };
  }

  // Emptied, not removed: a root type cannot be deleted, only its content. A root the room never
  // named is a bare AbstractType here, so its items are deleted directly.
  private clearForeignRoots() {
    this.doc.transact((tr) => {
      for (const [name, type] of this.doc.share) {
        if (name === 'meta' || name === this.docId.kind) continue;
        for (const item of type._map.values()) if (!item.deleted) item.delete(tr);
        for (let item = type._start; item; item = item.right) if (!item.deleted) item.delete(tr);
      }
    }, 'server');
  }

  compact() {
    if (this.store.stats().count <= 1) return;
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.store.compact(snapshot);
    this.bytes = snapshot.byteLength;
  }
}
