// What every document kind shares: a 'meta' map (the header, written once at birth) and one map
// named after the kind holding its fields, each stored in one of a few shapes. The shapes are
// what lets the rules compare plain snapshots and the correction rebuild exactly what was there.
import * as Y from 'yjs';
import type { DocId, DocKind } from './id.ts';
import { isObject, type Json, type JsonObject } from './json.ts';

// Origin of every transaction the server writes (corrections, migrations, approvals), so a
// client can tell the server's hand from its own.
export const SERVER_ORIGIN = 'server';

// value: a plain value, replaced whole (last writer wins).
// text: shared Y.Text, merged by character.
// list: Y.Array of plain values, only ever appended to (history, messages, shipments).
// record: Y.Map with known keys, each written on its own (a check-in: the rep writes where, the
//   server writes whether it is verified, and neither overwrites the other).
// collection: Y.Map keyed by an id made where the entry was added, so entries added on two
//   devices both stay; entries are plain values or records (an order line is a record, so the
//   server pricing a line never undoes a quantity changed at the same time).
export type FieldShape =
  | { type: 'value' }
  | { type: 'text' }
  | { type: 'list' }
  | { type: 'record' }
  | { type: 'collection'; entry: 'value' | 'record' };

export const VALUE: FieldShape = { type: 'value' };
export const TEXT: FieldShape = { type: 'text' };
export const LIST: FieldShape = { type: 'list' };
export const RECORD: FieldShape = { type: 'record' };
export const COLLECTION_OF_VALUES: FieldShape = { type: 'collection', entry: 'value' };
export const COLLECTION_OF_RECORDS: FieldShape = { type: 'collection', entry: 'record' };

export type Fields = Record<string, FieldShape>;

export interface StatusEntry { status: string; by: string; role: string; at: string; note?: string }

export interface Header {
  kind: DocKind;
  schemaVersion: number;
  dealerId: string;
  repId: string | null;
  createdBy: string;
  createdAt: string;
}

export const meta = (doc: Y.Doc) => doc.getMap<Json>('meta');
export const body = (doc: Y.Doc, kind: DocKind) => doc.getMap<unknown>(kind);

export function header(doc: Y.Doc): Partial<Header> {
  return meta(doc).toJSON() as Partial<Header>;
}

export const isInitialised = (doc: Y.Doc) => meta(doc).get('kind') !== undefined;

export const now = () => new Date().toISOString();

// The empty structures of a fresh document: what a document looks like before anyone wrote.
export function blankBody(fields: Fields, initialStatus: string | null): JsonObject {
  const out: JsonObject = {};
  for (const [k, s] of Object.entries(fields)) {
    if (s.type === 'text') out[k] = '';
    else if (s.type === 'list') out[k] = [];
    else if (s.type === 'collection') out[k] = {};
  }
  if (initialStatus !== null) out.status = initialStatus;
  return out;
}

// A Y type (or plain value) holding `value` in the given shape, ready to be set into a map.
export function build(shape: FieldShape, value: Json | undefined): unknown {
  switch (shape.type) {
    case 'text': return new Y.Text(typeof value === 'string' ? value : '');
    case 'list': { const a = new Y.Array<Json>(); if (Array.isArray(value) && value.length) a.push(value); return a; }
    case 'record': return new Y.Map<Json>(isObject(value) ? Object.entries(value) : []);
    case 'collection': {
      const entries = isObject(value) ? Object.entries(value) : [];
      return new Y.Map<unknown>(shape.entry === 'record' ? entries.map(([k, v]) => [k, new Y.Map<Json>(isObject(v) ? Object.entries(v) : [])]) : entries);
    }
    default: return value;
  }
}

// Writes the header and the empty structures in one transaction. Returns false when the document
// was already born (here or on a replica this one has synced with), so a second call is harmless.
export function initDocument(doc: Y.Doc, id: DocId, o: { schemaVersion: number; fields: Fields; initialStatus: string | null; createdBy: string; at?: string }, values: Record<string, Json | undefined> = {}): boolean {
  if (isInitialised(doc)) return false;
  doc.transact(() => {
    const m = meta(doc);
    m.set('kind', id.kind);
    m.set('schemaVersion', o.schemaVersion);
    m.set('dealerId', id.dealerId);
    m.set('repId', id.repId);
    m.set('createdBy', o.createdBy);
    m.set('createdAt', o.at ?? now());
    const b = body(doc, id.kind);
    for (const [k, s] of Object.entries(o.fields)) if (s.type !== 'value' && s.type !== 'record') b.set(k, build(s, undefined));
    if (o.initialStatus !== null) b.set('status', o.initialStatus);
    for (const [k, v] of Object.entries(values)) {
      const s = o.fields[k];
      if (v !== undefined && s) b.set(k, build(s, v));
    }
  });
  return true;
}

// The nested type of a field, created if a document lacks it (a document born by an older app).
export function ensure<T>(doc: Y.Doc, kind: DocKind, field: string, shape: FieldShape, isType: (v: unknown) => v is T): T {
  const b = body(doc, kind);
  const cur = b.get(field);
  if (isType(cur)) return cur;
  const made = build(shape, undefined);
  b.set(field, made);
  return made as T;
}
// Creates the shared structures a document lacks (one born by an older app). Only the server
// calls this, in a migration: two devices creating the same field at once would each make their
// own, and one of them (with whatever was written into it) would lose.
export function ensureStructures(doc: Y.Doc, kind: DocKind, fields: Fields): void {
  const b = body(doc, kind);
  for (const [k, s] of Object.entries(fields)) if (s.type !== 'value' && s.type !== 'record' && b.get(k) === undefined) b.set(k, build(s, undefined));
}

export const isYMap = (v: unknown): v is Y.Map<unknown> => v instanceof Y.Map;
export const isYText = (v: unknown): v is Y.Text => v instanceof Y.Text;
export const isYArray = (v: unknown): v is Y.Array<Json> => v instanceof Y.Array;

export const plain = (v: unknown): Json | undefined =>
  v instanceof Y.AbstractType ? (v.toJSON() as Json) : (v as Json | undefined);

// A status change and its line in the history, in one transaction: the rules check the two
// together, and a document changed offline carries its whole path (planned, started, done).
export function pushStatus(doc: Y.Doc, kind: DocKind, entry: StatusEntry): void {
  doc.transact(() => {
    const b = body(doc, kind);
    b.set('status', entry.status);
    ensure(doc, kind, 'statusHistory', LIST, isYArray).push([{ ...entry } as unknown as Json]);
  });
}

export function statusHistory(doc: Y.Doc, kind: DocKind): StatusEntry[] {
  const h = body(doc, kind).get('statusHistory');
  return isYArray(h) ? (h.toArray() as unknown as StatusEntry[]) : [];
}

// ---- snapshots: plain JSON of what the rules look at --------------------------------------

export type TypeTag = 'value' | 'text' | 'array' | 'map' | 'other';
export interface Snapshot {
  kind: DocKind;
  meta: JsonObject;
  body: JsonObject;
  // How each field (and each entry of a map field) is stored: JSON alone cannot tell a shared
  // text from a plain string, and a field swapped for the wrong type would break every reader.
  types: Record<string, { tag: TypeTag; entries?: Record<string, TypeTag> }>;
}

export function tagOf(v: unknown): TypeTag {
  if (v instanceof Y.Text) return 'text';
  if (v instanceof Y.Array) return 'array';
  if (v instanceof Y.Map) return 'map';
  if (v instanceof Y.AbstractType) return 'other';
  return 'value';
}

export function snapshot(doc: Y.Doc, kind: DocKind): Snapshot {
  const b = body(doc, kind);
  const types: Snapshot['types'] = {};
  for (const [k, v] of b.entries()) {
    const t: { tag: TypeTag; entries?: Record<string, TypeTag> } = { tag: tagOf(v) };
    if (v instanceof Y.Map) {
      t.entries = {};
      for (const [ek, ev] of v.entries()) t.entries[ek] = tagOf(ev);
    }
    types[k] = t;
  }
  return { kind, meta: meta(doc).toJSON() as JsonObject, body: b.toJSON() as JsonObject, types };
}

// ---- migrations --------------------------------------------------------------------------

// Step i brings a document from version i to i + 1. Steps run in the room as the server (the
// rules let no one else touch the header), once, before anyone is served the document.
export type Migration = (doc: Y.Doc) => void;

export type Compatibility = 'current' | 'migrate' | 'newer' | 'unborn';

export function compatibility(doc: Y.Doc, current: number): Compatibility {
  const v = meta(doc).get('schemaVersion');
  if (!isInitialised(doc)) return 'unborn';
  if (typeof v !== 'number' || v < current) return 'migrate';
  // Written by a newer app than this one: show it, but do not edit what this code does not know.
  return v > current ? 'newer' : 'current';
}

export function runMigrations(doc: Y.Doc, current: number, steps: readonly Migration[]): number {
  if (!isInitialised(doc)) return 0;
  const m = meta(doc);
  const raw = m.get('schemaVersion');
  let v = typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 ? raw : 0;
  if (v >= current) return v;
  doc.transact(() => {
    while (v < current) {
      const step = steps[v];
      if (!step) throw new Error(`No migration from version ${v}`);
      step(doc);
      v += 1;
      m.set('schemaVersion', v);
    }
  }, SERVER_ORIGIN);
  return v;
}
