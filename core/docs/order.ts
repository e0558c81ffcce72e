// An order: lines a dealer (or a rep for it) puts together offline, submitted for the server to
// price, credit-check, approve and ship. Everything the server decides lives in fields only the
// server writes (see rules.ts), so the UI can show them but a device cannot forge them.
import * as Y from 'yjs';
import type { DocId } from './id.ts';
import {
  body, COLLECTION_OF_RECORDS, compatibility, ensure, ensureStructures, initDocument, isYArray, isYMap, isYText, LIST, now, pushStatus,
  runMigrations, SERVER_ORIGIN, statusHistory as historyOf, TEXT, VALUE, type Fields, type Migration, type StatusEntry,
} from './doc.ts';
import { isObject, same, type Json, type JsonObject } from './json.ts';

export const KIND = 'order';
export const SCHEMA_VERSION = 1;

export const STATUSES = ['draft', 'submitted', 'on_hold', 'approved', 'rejected', 'shipped', 'delivered', 'cancelled'] as const;
export type OrderStatus = (typeof STATUSES)[number];
export const INITIAL_STATUS: OrderStatus = 'draft';

export const FIELDS = {
  status: VALUE,
  statusHistory: LIST,
  lines: COLLECTION_OF_RECORDS,
  notes: TEXT,
  // Server-only: what the server decided and what the ERP reported.
  currency: VALUE,
  approval: VALUE,
  creditCheck: VALUE,
  shipments: LIST,
} satisfies Fields;

// Quantities may be fractional (kg, litres); prices are integer minor units in `currency`.
export interface OrderLine { productId: string; quantity: number; unitPrice?: number | null; note?: string }
export interface OrderLineEntry extends OrderLine { lineId: string }
export interface Approval { state: 'approved' | 'rejected' | 'on_hold'; by: string; at: string; comment?: string }
export interface CreditCheck { ok: boolean; limit: number; exposure: number; at?: string }
export interface ShipmentEvent {
  id: string;
  at: string;
  status: 'packed' | 'shipped' | 'in_transit' | 'delivered' | 'returned';
  carrier?: string;
  tracking?: string;
  lines?: Array<{ lineId: string; quantity: number }>;
}

export interface OrderInit { id: DocId; createdBy: string; at?: string }

export function init(doc: Y.Doc, f: OrderInit): boolean {
  if (f.id.kind !== KIND) throw new Error(`Not an order id: ${f.id.id}`);
  return initDocument(doc, f.id, { schemaVersion: SCHEMA_VERSION, fields: FIELDS, initialStatus: INITIAL_STATUS, createdBy: f.createdBy, at: f.at });
}

const map = (doc: Y.Doc) => body(doc, KIND);

export const status = (doc: Y.Doc) => map(doc).get('status') as OrderStatus | undefined;

// ---- lines ---------------------------------------------------------------------------------

const linesMap = (doc: Y.Doc) => ensure(doc, KIND, 'lines', FIELDS.lines, isYMap);

// A line as stored: a Y.Map, or a plain object in documents from before schema version 1.
function readLine(v: unknown): OrderLine | null {
  const o = v instanceof Y.Map ? (v.toJSON() as JsonObject) : isObject(v) ? v : null;
  return o && typeof o.productId === 'string' ? (o as unknown as OrderLine) : null;
}

// Lines by id, with `toJSON` so it can stand in for the map it reads.
export class LineMap extends Map<string, OrderLine> {
  toJSON(): Record<string, OrderLine> { return Object.fromEntries(this); }
}

export function lines(doc: Y.Doc): LineMap {
  const out = new LineMap();
  const m = map(doc).get('lines');
  if (!isYMap(m)) return out;
  for (const [k, v] of m.entries()) { const l = readLine(v); if (l) out.set(k, l); }
  return out;
}

// Lines in the order they were added (ids from `newLineId` sort by time).
export function lineList(doc: Y.Doc): OrderLineEntry[] {
  return [...lines(doc).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([lineId, l]) => ({ lineId, ...l }));
}

// Sorts by creation time; the random tail keeps two devices adding at once apart.
export function newLineId(at = Date.now()): string {
  const rnd = crypto.getRandomValues(new Uint8Array(5));
  return `${at.toString(36).padStart(9, '0')}-${[...rnd].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function addLine(doc: Y.Doc, line: OrderLine, lineId = newLineId()): string {
  setLine(doc, lineId, line);
  return lineId;
}

// Adds the line or changes the given fields of it; fields left out (or undefined) are kept, so a
// quantity edit never undoes a price the server set meanwhile. null removes a field.
export function setLine(doc: Y.Doc, lineId: string, patch: Partial<OrderLine>): void {
  doc.transact(() => {
    const all = linesMap(doc);
    const cur = all.get(lineId);
    if (!(cur instanceof Y.Map)) {
      const prev = isObject(cur) ? cur : {};
      const next: JsonObject = { ...prev };
      for (const [k, v] of Object.entries(patch)) if (v === null) delete next[k]; else if (v !== undefined) next[k] = v as Json;
      all.set(lineId, new Y.Map<Json>(Object.entries(next)));
      return;
    }
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) continue;
      if (v === null) { if (cur.has(k)) cur.delete(k); }
      else if (!same(cur.get(k), v)) cur.set(k, v);
    }
  });
}

export function removeLine(doc: Y.Doc, lineId: string): void {
  const all = map(doc).get('lines');
  if (isYMap(all) && all.has(lineId)) all.delete(lineId);
}

// Sum of the priced lines in minor units; null until every line has a price.
export function total(doc: Y.Doc): number | null {
  const ls = [...lines(doc).values()];
  if (!ls.length || ls.some((l) => typeof l.unitPrice !== 'number')) return null;
  return ls.reduce((n, l) => n + Math.round((l.unitPrice as number) * l.quantity), 0);
}

// ---- notes and status ----------------------------------------------------------------------

export const notes = (doc: Y.Doc) => ensure(doc, KIND, 'notes', FIELDS.notes, isYText);

export const statusHistory = (doc: Y.Doc) => historyOf(doc, KIND);

export function setStatus(doc: Y.Doc, next: OrderStatus, by: string, role: string, at = now(), note?: string): void {
  const entry: StatusEntry = { status: next, by, role, at };
  if (note) entry.note = note;
  pushStatus(doc, KIND, entry);
}

export const submit = (doc: Y.Doc, by: string, role: string, at?: string) => setStatus(doc, 'submitted', by, role, at);
export const cancel = (doc: Y.Doc, by: string, role: string, at?: string, reason?: string) => setStatus(doc, 'cancelled', by, role, at, reason);

// ---- server-decided facts (the rules refuse these from anyone but the server) ----------------

export const currency = (doc: Y.Doc) => map(doc).get('currency') as string | undefined;
export const approval = (doc: Y.Doc) => (map(doc).get('approval') ?? null) as Approval | null;
export const creditCheck = (doc: Y.Doc) => (map(doc).get('creditCheck') ?? null) as CreditCheck | null;
export function shipments(doc: Y.Doc): ShipmentEvent[] {
  const s = map(doc).get('shipments');
  return isYArray(s) ? (s.toArray() as unknown as ShipmentEvent[]) : [];
}

export function priceLines(doc: Y.Doc, currencyCode: string, prices: Record<string, number>): void {
  doc.transact(() => {
    if (map(doc).get('currency') !== currencyCode) map(doc).set('currency', currencyCode);
    for (const [lineId, unitPrice] of Object.entries(prices)) if (lines(doc).has(lineId)) setLine(doc, lineId, { unitPrice });
  }, SERVER_ORIGIN);
}

export function decide(doc: Y.Doc, a: Approval): void {
  doc.transact(() => {
    map(doc).set('approval', { ...a } as unknown as Json);
    setStatus(doc, a.state, a.by, 'server', a.at, a.comment);
  }, SERVER_ORIGIN);
}

export function setCreditCheck(doc: Y.Doc, c: CreditCheck): void {
  doc.transact(() => map(doc).set('creditCheck', { ...c } as unknown as Json), SERVER_ORIGIN);
}

export function addShipment(doc: Y.Doc, e: ShipmentEvent): void {
  doc.transact(() => ensure(doc, KIND, 'shipments', FIELDS.shipments, isYArray).push([{ ...e } as unknown as Json]), SERVER_ORIGIN);
}

// ---- migrations ----------------------------------------------------------------------------

// v0 (the prototype) kept lines as plain objects; v1 keeps each line as a Y.Map so a price and
// a quantity written at the same time both survive.
export const MIGRATIONS: readonly Migration[] = [
  (doc) => {
    ensureStructures(doc, KIND, FIELDS);
    const all = map(doc).get('lines');
    if (!isYMap(all)) return;
    for (const [lineId, v] of [...all.entries()]) if (!(v instanceof Y.Map) && isObject(v)) all.set(lineId, new Y.Map<Json>(Object.entries(v)));
  },
];

export const migrate = (doc: Y.Doc, steps: readonly Migration[] = MIGRATIONS) => runMigrations(doc, SCHEMA_VERSION, steps);
export const compatible = (doc: Y.Doc) => compatibility(doc, SCHEMA_VERSION);
