// Shape of each document kind. A doc holds a 'meta' map (the header: kind, owner, creator,
// schema version, created at), written by the server alone, and one map named after its kind.
// Collections that several people edit at once are maps keyed by a stable id (order lines,
// answers, photos) so concurrent edits of different entries merge, and each entry is replaced
// whole, so a correction can put back exactly what was there.
import * as Y from 'yjs';
import type { DocId, DocKind } from './id.ts';
import { body, meta, SCHEMA_VERSION, type Json, type TicketRoute, type TicketStatus } from './base.ts';
import { KINDS } from './kinds/index.ts';

export * from './base.ts';

export interface OrderLine { productId: string; quantity: number; unitPrice?: number | null; note?: string }

// Fields of the kind's map and how they are stored: a plain value, a map of entries, shared
// text, or an append-only list (read off the kinds).
export const FIELD_SHAPES = Object.fromEntries(Object.entries(KINDS).map(([k, spec]) => [k, Object.fromEntries(Object.entries(spec.fields).map(([f, x]) => [f, x.shape]))])) as Record<DocKind, Record<string, 'value' | 'map' | 'text' | 'list'>>;

// The body's structure (its empty maps, texts and lists, and the first status) is written by
// one fixed client with the same operations everywhere, so a document started offline on a
// phone and the same document started by its room hold the very same items: they merge
// instead of replacing each other's maps. The largest client id also wins any concurrent
// write of the same key.
export const SKELETON_CLIENT = 0xffffffff;
const skeletons = new Map<DocKind, Uint8Array>();
export function skeletonUpdate(kind: DocKind): Uint8Array {
  let u = skeletons.get(kind);
  if (!u) {
    const d = new Y.Doc();
    d.clientID = SKELETON_CLIENT;
    const b = body(d, kind);
    d.transact(() => {
      b.set('status', KINDS[kind].initial);
      for (const [k, f] of Object.entries(KINDS[kind].fields)) {
        if (f.shape === 'map') b.set(k, new Y.Map());
        else if (f.shape === 'text') b.set(k, new Y.Text());
        else if (f.shape === 'list') b.set(k, new Y.Array());
      }
    });
    u = Y.encodeStateAsUpdate(d);
    skeletons.set(kind, u);
  }
  return u;
}

export const hasSkeleton = (doc: Y.Doc, kind: DocKind) => body(doc, kind).has('status');

// A document on this device: its structure (idempotent), then the fields its author sets at
// once. The header comes from the server.
// (Not one transaction: Yjs marks a transaction that applies an update as remote, and local
// writes in it would make it think another client uses this one's id.)
export function initDoc(doc: Y.Doc, id: DocId, _createdBy?: string, fields: Record<string, Json> = {}): void {
  if (!hasSkeleton(doc, id.kind)) Y.applyUpdate(doc, skeletonUpdate(id.kind));
  const b = body(doc, id.kind);
  doc.transact(() => { for (const [k, v] of Object.entries(fields)) if (FIELD_SHAPES[id.kind][k] === 'value') b.set(k, v); });
}

export interface Header { kind: DocKind; schemaVersion: number; dealerId: string; repId: string | null; createdBy: string; createdAt: string }
export const headerOf = (id: DocId, createdBy: string, createdAt: string): Header =>
  ({ kind: id.kind, schemaVersion: SCHEMA_VERSION[id.kind], dealerId: id.dealerId, repId: id.repId, createdBy, createdAt });

// Only the room writes this, from the authorised id and the caller that registered it.
export function writeHeader(doc: Y.Doc, h: Header): void {
  doc.transact(() => {
    const m = meta(doc);
    for (const [k, v] of Object.entries(h)) if (m.get(k) !== v) m.set(k, v);
  }, 'server');
}
export const hasHeader = (doc: Y.Doc, kind: DocKind) => meta(doc).get('kind') === kind && typeof meta(doc).get('createdAt') === 'string';

type OrderStatus = (typeof import('./base.ts').ORDER_STATUSES)[number];
type VisitStatus = (typeof import('./base.ts').VISIT_STATUSES)[number];

// Plain snapshot of everything the write rules look at.
export function snapshot(doc: Y.Doc, kind: DocKind): { meta: Record<string, Json>; body: Record<string, Json> } {
  return { meta: meta(doc).toJSON() as Record<string, Json>, body: body(doc, kind).toJSON() as Record<string, Json> };
}

// Typed accessors for orders; the UI never touches raw map keys.
export const order = {
  status: (doc: Y.Doc) => body(doc, 'order').get('status') as OrderStatus | undefined,
  lines: (doc: Y.Doc) => body(doc, 'order').get('lines') as Y.Map<OrderLine>,
  setLine(doc: Y.Doc, lineId: string, line: OrderLine) { order.lines(doc).set(lineId, { ...line }); },
  removeLine(doc: Y.Doc, lineId: string) { order.lines(doc).delete(lineId); },
  // The room records the step in the history, in the name it authenticated, at its own time.
  setStatus(doc: Y.Doc, status: OrderStatus, ..._ignored: unknown[]) { body(doc, 'order').set('status', status); },
  notes: (doc: Y.Doc) => body(doc, 'order').get('notes') as Y.Text,
};

// One form filled in during a visit, kept whole at the version it was filled in.
export interface AnswerSet { formId: string; version: number; values: Record<string, Json>; submittedAt?: string }
export interface VisitPhoto { formId: string | null; questionId: string | null; at: string; lat?: number; lng?: number }

export const visit = {
  status: (doc: Y.Doc) => body(doc, 'visit').get('status') as VisitStatus | undefined,
  set(doc: Y.Doc, field: 'status' | 'checkIn' | 'checkOut' | 'plannedStart' | 'flags', value: Json) { body(doc, 'visit').set(field, value); },
  get: (doc: Y.Doc, field: 'checkIn' | 'checkOut' | 'plannedStart' | 'flags') => body(doc, 'visit').get(field) as Json | undefined,
  checkIn(doc: Y.Doc, record: Json) {
    doc.transact(() => { body(doc, 'visit').set('checkIn', record); body(doc, 'visit').set('status', 'in_progress'); });
  },
  checkOut(doc: Y.Doc, record: Json) {
    doc.transact(() => { body(doc, 'visit').set('checkOut', record); body(doc, 'visit').set('status', 'done'); });
  },
  answers: (doc: Y.Doc) => body(doc, 'visit').get('answers') as Y.Map<AnswerSet>,
  setAnswers(doc: Y.Doc, set: AnswerSet) { visit.answers(doc).set(set.formId, { ...set, values: { ...set.values } }); },
  photos: (doc: Y.Doc) => body(doc, 'visit').get('photos') as Y.Map<VisitPhoto>,
  addPhoto(doc: Y.Doc, sha: string, photo: VisitPhoto) { visit.photos(doc).set(sha, { ...photo }); },
  tasksDone: (doc: Y.Doc) => body(doc, 'visit').get('tasksDone') as Y.Map<{ at: string }>,
  markTaskDone(doc: Y.Doc, taskId: string, at = new Date().toISOString()) { visit.tasksDone(doc).set(taskId, { at }); },
  notes: (doc: Y.Doc) => body(doc, 'visit').get('notes') as Y.Text,
};

// A support ticket's thread is an append-only list. An entry with `status` also records a
// status change (who moved it, when), which is where the projection reads resolved_at from;
// such an entry may carry no text.
export const TICKET_CATEGORIES = ['order', 'product', 'delivery', 'other'] as const;
export interface TicketMessage { by: string; byName: string; role: string; text: string; photos: string[]; at: string; status?: TicketStatus }

export const ticket = {
  status: (doc: Y.Doc) => body(doc, 'ticket').get('status') as TicketStatus | undefined,
  category: (doc: Y.Doc) => body(doc, 'ticket').get('category') as string | undefined,
  subject: (doc: Y.Doc) => body(doc, 'ticket').get('subject') as string | undefined,
  assignedTo: (doc: Y.Doc) => (body(doc, 'ticket').get('assignedTo') as string | null | undefined) ?? null,
  routedTo: (doc: Y.Doc) => (body(doc, 'ticket').get('routedTo') as TicketRoute | null | undefined) ?? null,
  messages: (doc: Y.Doc) => body(doc, 'ticket').get('messages') as Y.Array<TicketMessage>,
  // A new ticket: its structure, then subject, category and first message in one transaction,
  // so the room never sees a thread without a subject.
  open(doc: Y.Doc, id: DocId, fields: { category: string; subject: string }, first: TicketMessage) {
    initDoc(doc, id);
    doc.transact(() => {
      for (const [k, v] of Object.entries(fields)) body(doc, 'ticket').set(k, v);
      ticket.addMessage(doc, first);
    });
  },
  addMessage(doc: Y.Doc, m: TicketMessage) {
    ticket.messages(doc).push([{ by: m.by, byName: m.byName, role: m.role, text: m.text, photos: [...m.photos], at: m.at, ...(m.status ? { status: m.status } : {}) }]);
  },
  // A reply that also moves the status (answer, reopen), or a bare status change (resolve, close).
  setStatus(doc: Y.Doc, status: TicketStatus, m: Omit<TicketMessage, 'status'>) {
    doc.transact(() => { body(doc, 'ticket').set('status', status); ticket.addMessage(doc, { ...m, status }); });
  },
};

// Later schema versions add a step here; a document keeps working at the version it was born.
const MIGRATIONS: Record<DocKind, Array<(doc: Y.Doc) => void>> = { order: [], visit: [], form: [], ticket: [] };

export function migrate(doc: Y.Doc, kind: DocKind, steps = MIGRATIONS[kind]): number {
  const m = meta(doc);
  let v = Number(m.get('schemaVersion') ?? 0);
  const target = Math.max(SCHEMA_VERSION[kind], steps.length);
  doc.transact(() => {
    while (v < target && steps[v]) { steps[v](doc); v++; m.set('schemaVersion', v); }
  }, 'server');
  return v;
}
