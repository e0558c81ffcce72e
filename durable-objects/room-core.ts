// The room's logic without the platform: a Y.Doc, its update store and the write rules.
// DocRoom wraps it with sockets and SQLite; tests drive it directly with the memory store,
// so thousands of randomised runs take seconds.
import * as Y from 'yjs';
import type { DocId } from '../core/docs/id.ts';
import { KINDS } from '../core/docs/kinds/index.ts';
import { checkChange, correct, type Snapshot, type Touched, type Violation, type WriterRole } from '../core/docs/rules.ts';
import { body, FIELD_SHAPES, hasHeader, hasSkeleton, meta, SKELETON_CLIENT, skeletonUpdate, snapshot, writeHeader, type Header, type Json } from '../core/docs/schema.ts';
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

// A value as the rules and the projection read it: JSON, and nothing a JSON reader trips over
// (Yjs also carries bigints, bytes, NaN and objects whose "__proto__" key becomes a prototype).
function plainJson(v: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => plainJson(x, depth + 1));
  if (typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && Object.values(v).every((x) => plainJson(x, depth + 1));
}

// "__proto__" as a key, anywhere in an update (a map entry's key, an object's key in a value):
// reading it back assigns a prototype instead of a key, and not even the same way every time
// (the fuzz saw one decode drop the key and the next set the prototype), so replicas would read
// one update as different JSON. Found in the bytes (a length-prefixed string), before decoding.
const PROTO = [9, ...new TextEncoder().encode('__proto__')];
function namesProto(update: Uint8Array): boolean {
  outer: for (let i = update.indexOf(PROTO[0]); i !== -1 && i + PROTO.length <= update.length; i = update.indexOf(PROTO[0], i + 1)) {
    for (let j = 1; j < PROTO.length; j++) if (update[i + j] !== PROTO[j]) continue outer;
    return true;
  }
  return false;
}

// What a person may put into the document's structure: plain values into its maps and lists,
// characters into its texts. Never a type of its own (a line as a Y.Map would let later edits
// reach inside a value the rules judge whole, and the server's commands read values as JSON),
// a subdocument, formatting or embeds, list content in a map or map entries in a list.
// An item the same update deleted holds nothing any more (its content is collected), but it
// still names its place, and a key like "__proto__" misleads whoever reads the change as JSON.
function misplaced(item: Y.Item): string | null {
  const { content: c, parent: p, parentSub: key } = item;
  const live = !item.deleted;
  if (key === '__proto__') return 'Not a valid key';
  if (p instanceof Y.Map) { if (key === null || (live && !(c instanceof Y.ContentAny))) return 'A map holds plain values under keys'; }
  else if (p instanceof Y.Array) { if (key !== null || (live && !(c instanceof Y.ContentAny))) return 'A list holds plain values'; }
  else if (p instanceof Y.Text) { if (key !== null || (live && !(c instanceof Y.ContentString))) return 'A text holds characters'; }
  else if (live) return 'Only the document\'s own maps, texts and lists hold content';
  if (live && c instanceof Y.ContentAny && !c.arr.every((v) => plainJson(v))) return 'Values are plain JSON';
  return null;
}

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
    // Two transactions: one that applies an update is remote to Yjs, the header's is local.
    const { update, touched } = this.capture(() => {
      if (!hasSkeleton(this.doc, this.docId.kind)) Y.applyUpdate(this.doc, skeletonUpdate(this.docId.kind), 'server');
      writeHeader(this.doc, header);
    });
    if (update) { this.store.append(update); this.bytes += update.byteLength; this.claim([[this.doc.clientID, 'server']]); }
    this.refresh(touched);
    return update;
  }

  // A server step run inside the room's single thread: it reads and writes the document with no
  // await in between, so two calls never both pass a check one of them makes stale.
  command<T>(fn: (doc: Y.Doc, at: string) => T): CommandResult<T> {
    if (!this.created) throw new Refused(CLOSE_FORBIDDEN, 'This document does not exist');
    let result!: T;
    let captured: ReturnType<RoomCore['capture']>;
    // A command that throws half way has changed the doc but not the store: back to the store.
    try { captured = this.capture(() => this.doc.transact(() => { result = fn(this.doc, this.now()); }, 'server')); } catch (err) { this.load(); throw err; }
    const { update, touched } = captured;
    if (update) { this.store.append(update); this.bytes += update.byteLength; this.claim([[this.doc.clientID, 'server']]); }
    this.refresh(touched);
    if (needsCompaction(this.store.stats(), this.compaction)) this.compact();
    return { result, update };
  }

  // Client id → the user whose items the room accepted under it ('server' for the room's own).
  private owners = new Map<number, string>();

  load() {
    this.owners = this.store.loadOwners();
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
  // Taken before `refresh`, which changes a keyed map's entries in place: the copy keeps the old ones.
  private restrict(view: Snapshot, touched: Touched): Snapshot {
    const b: Record<string, Json> = {};
    if (view.body.status !== undefined) b.status = view.body.status;
    for (const [field, keys] of touched) {
      if (field === 'meta' || field === '*') continue;
      const v = Object.hasOwn(view.body, field) ? view.body[field] : undefined;
      if (keys && v && typeof v === 'object' && !Array.isArray(v)) {
        const part: Record<string, Json> = {};
        for (const k of keys) if (Object.hasOwn(v, k)) part[k] = (v as Record<string, Json>)[k];
        b[field] = part;
      } else if (v !== undefined) b[field] = v;
    }
    return { meta: view.meta, body: b };
  }

  // In place, so an update costs what it touched, not the document's size: callers take what
  // they need of the earlier view (`restrict`) before refreshing, and fields are replaced, never
  // changed, except a keyed map's own object of entries.
  private refresh(touched: Touched) {
    const root = body(this.doc, this.docId.kind);
    for (const [field, keys] of touched) {
      if (field === '*') continue;
      if (field === 'meta') { this.view.meta = meta(this.doc).toJSON() as Record<string, Json>; continue; }
      const cur = root.get(field);
      const old = Object.hasOwn(this.view.body, field) ? this.view.body[field] : undefined;
      if (keys && cur instanceof Y.Map && FIELD_SHAPES[this.docId.kind][field] === 'map' && old && typeof old === 'object' && !Array.isArray(old)) {
        const entries = old as Record<string, Json>;
        for (const k of keys) { if (cur.has(k)) entries[k] = plain(cur.get(k)); else delete entries[k]; }
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
    const replaced = [...rootKeys].find((k) => Object.hasOwn(shapes, k) && shapes[k] !== 'value');
    return replaced ? `The structure of ${replaced} is the server's` : null;
  }

  // The items an update added (past `sv`), as integrated: where they sit and what they hold.
  private contentViolation(decoded: Decoded, sv: Map<number, number>): string | null {
    const clients = new Set(decoded.structs.map((s) => s.id.client));
    for (const client of clients) {
      const list = this.doc.store.clients.get(client);
      const from = sv.get(client) ?? 0;
      const last = list?.at(-1);
      if (!list || !last || last.id.clock + last.length <= from) continue;
      // The structure's items are the same on every device, and nobody adds to them.
      if (client === SKELETON_CLIENT) return 'The structure of the document is the server\'s';
      for (let i = Y.findIndexSS(list, from); i < list.length; i++) {
        const s = list[i];
        if (!(s instanceof Y.Item)) continue;
        const why = misplaced(s);
        if (why) return why;
      }
    }
    return null;
  }

  // Whether the room already holds everything in an update: every struct, and every deletion.
  private addsNothing({ structs, ds }: Decoded): boolean {
    const store = this.doc.store.clients;
    const has = (client: number) => { const l = store.get(client)?.at(-1); return l ? l.id.clock + l.length : 0; };
    for (const s of structs) if (s.id.clock + s.length > has(s.id.client) && s.constructor.name !== 'Skip') return false;
    for (const [client, ranges] of ds.clients) {
      const list = store.get(client);
      for (const r of ranges) {
        if (!list || r.clock + r.len > has(client)) return false;
        for (let i = Y.findIndexSS(list, r.clock); i < list.length && list[i].id.clock < r.clock + r.len; i++) if (!list[i].deleted) return false;
      }
    }
    return true;
  }

  // The touched parts of the document as it stands now (inside a correction), like `restrict`.
  private live(touched: Touched): Snapshot {
    const root = body(this.doc, this.docId.kind);
    const b: Record<string, Json> = {};
    const status = root.get('status');
    if (status !== undefined) b.status = plain(status);
    for (const [field, keys] of touched) {
      if (field === 'meta' || field === '*' || field === 'status') continue;
      const cur = root.get(field);
      if (keys && cur instanceof Y.Map) {
        const part: Record<string, Json> = {};
        for (const k of keys) if (cur.has(k)) part[k] = plain(cur.get(k));
        b[field] = part;
      } else if (cur !== undefined) b[field] = plain(cur);
    }
    return { meta: this.view.meta, body: b };
  }

  // Checks, applies and stores one client update. Whatever is returned has been stored, so the
  // caller may acknowledge and broadcast it. `gap`: nothing was applied; ask the sender for a
  // whole diff (sync step 1).
  apply(update: Uint8Array, writer: Writer): Applied {
    let decoded: Decoded;
    try { decoded = Y.decodeUpdate(update); } catch { throw new Refused(CLOSE_MALFORMED, 'Undecodable update'); }
    const none: Applied = { stored: null, correction: null, violations: [] };
    if (noop(decoded)) return none;
    // A replica answering sync step 1 sends its whole delete set, and items the room has when it
    // answers a step 1 the room sent before it took another update: nothing new, from a reader too.
    if (this.addsNothing(decoded)) return none;
    if (writer.access !== 'write') throw new Refused(CLOSE_READ_ONLY, 'This connection is read-only');
    // A document without a server header accepts nothing.
    if (!this.created) throw new Refused(CLOSE_FORBIDDEN, 'This document has not been created');
    if (this.bytes + update.byteLength > this.maxDocBytes) throw new Refused(CLOSE_TOO_LARGE, `Documents are limited to ${this.maxDocBytes} bytes`);
    if (writer.role !== 'server' && namesProto(update)) throw new Refused(CLOSE_FORBIDDEN, 'Not a valid key: "__proto__"');
    const svBytes = Y.encodeStateVector(this.doc);
    const sv = Y.decodeStateVector(svBytes);
    if (hasGap(decoded, sv)) return { ...none, gap: true };
    // New items under a client id another user (or the server) writes with would take the clocks
    // that user's device will use next, and the room would drop that device's real edits as known.
    const claims = this.claimsOf(decoded, sv, writer.userId);
    if (claims === null) throw new Refused(CLOSE_FORBIDDEN, 'This client id belongs to another writer');
    // Only what the room lacks is stored and broadcast.
    const stored = Y.diffUpdate(update, svBytes);
    const pre = this.view;
    const { touched, rootKeys } = this.capture(() => Y.applyUpdate(this.doc, update, writer));
    if (touched.size === 0 && isNoop(stored)) return none;
    // Judged whole before anything is stored: a change refused whole, or one the rules cannot
    // judge, leaves the store as it was, and the room goes back to it.
    let violations: Violation[] = [];
    let correction: Uint8Array | null = null;
    try {
      const refused = writer.role === 'server' ? null : this.structureViolation(touched, rootKeys) ?? this.contentViolation(decoded, sv);
      if (refused) throw new Refused(CLOSE_FORBIDDEN, refused);
      const before = this.restrict(pre, touched);
      this.refresh(touched);
      const who = { role: writer.role, userId: writer.userId };
      let found = checkChange(this.docId, who, before, this.restrict(this.view, touched), (f) => this.view.body[f]);
      violations = [...found];
      const statusBefore = before.body.status;
      const fixed = this.capture(() => this.doc.transact(() => {
        // What is kept of a change must pass as a whole: a guard or check that read a field the
        // correction put back (a visit started on a refused check-in) is asked again.
        for (let round = 0; found.length; round++) {
          if (round > touched.size + 8) throw new Error('The correction did not settle');
          correct(this.doc, this.docId.kind, before, found, touched);
          const root = body(this.doc, this.docId.kind);
          found = checkChange(this.docId, who, before, this.live(touched), (f) => plain(root.get(f)));
          violations.push(...found);
        }
        const status = body(this.doc, this.docId.kind).get('status');
        // A status step is recorded by the room, in the name it authenticated, at its own time.
        const stamp = KINDS[this.docId.kind].history;
        if (stamp && writer.role !== 'server' && status !== statusBefore) stamp(this.doc, { status: String(status), by: writer.userId, role: writer.role, at: this.now() });
      }, 'server'));
      this.refresh(fixed.touched);
      correction = fixed.update;
    } catch (err) {
      this.load();
      if (err instanceof Refused) throw err;
      throw Object.assign(new Refused(CLOSE_MALFORMED, 'This change could not be checked'), { cause: err });
    }
    this.store.append(stored);
    this.bytes += stored.byteLength;
    this.claim(claims);
    if (correction) { this.store.append(correction); this.bytes += correction.byteLength; this.claim([[this.doc.clientID, 'server']]); }
    if (needsCompaction(this.store.stats(), this.compaction)) this.compact();
    return { stored, correction, violations };
  }

  // The client ids an update brings new items under, each to be bound to `userId`; null when one
  // is bound to someone else already.
  private claimsOf({ structs }: Decoded, sv: Map<number, number>, userId: string): Array<[number, string]> | null {
    const out = new Map<number, string>();
    for (const s of structs) {
      // (The structure's own id is refused as such, with its own reason, further on.)
      if (s.id.clock + s.length <= (sv.get(s.id.client) ?? 0) || s.constructor.name === 'Skip' || s.id.client === SKELETON_CLIENT) continue;
      const owner = this.owners.get(s.id.client) ?? (s.id.client === this.doc.clientID ? 'server' : undefined);
      if (owner !== undefined && owner !== userId) return null;
      if (owner === undefined) out.set(s.id.client, userId);
    }
    return [...out];
  }

  private claim(owners: Array<[number, string]>) {
    const fresh = owners.filter(([c]) => !this.owners.has(c));
    if (!fresh.length) return;
    for (const [c, u] of fresh) this.owners.set(c, u);
    this.store.addOwners(fresh);
  }

  compact() {
    if (this.store.stats().count <= 1) return;
    const snapshot = Y.encodeStateAsUpdate(this.doc);
    this.store.compact(snapshot);
    this.bytes = snapshot.byteLength;
  }
}
