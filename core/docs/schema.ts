// Shape of each document kind. A doc holds a 'meta' map (kind, schemaVersion, owner) and one
// map named after its kind. Collections that several people edit at once are maps keyed by a
// stable id (order lines, answers, photos) so concurrent edits of different entries merge, and
// each entry is replaced whole, so a correction can put back exactly what was there.
import * as Y from 'yjs';
import type { DocId, DocKind } from './id.ts';

export const SCHEMA_VERSION: Record<DocKind, number> = { order: 1, visit: 1, form: 1, ticket: 1 };

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export const ORDER_STATUSES = ['draft', 'submitted', 'held', 'approved', 'rejected', 'shipped', 'delivered', 'cancelled'] as const;
export const VISIT_STATUSES = ['planned', 'in_progress', 'done', 'missed'] as const;
export const TICKET_STATUSES = ['open', 'answered', 'resolved', 'closed'] as const;

export interface OrderLine { productId: string; quantity: number; unitPrice?: number | null; note?: string }

export const meta = (doc: Y.Doc) => doc.getMap<Json>('meta');
export const body = (doc: Y.Doc, kind: DocKind) => doc.getMap<unknown>(kind);

// Fields of the kind's map and how they are stored: a plain value, a map of entries, shared
// text, or an append-only list.
export const FIELD_SHAPES: Record<DocKind, Record<string, 'value' | 'map' | 'text' | 'list'>> = {
  order: { status: 'value', lines: 'map', notes: 'text', statusHistory: 'list', approval: 'value', creditCheck: 'value', shipments: 'list', total: 'value' },
  visit: { status: 'value', plannedStart: 'value', visitType: 'value', checkIn: 'value', checkOut: 'value', answers: 'map', photos: 'map', tasksDone: 'map', notes: 'text', flags: 'value' },
  form: { formId: 'value', formVersion: 'value', answers: 'map', status: 'value' },
  ticket: { status: 'value', category: 'value', subject: 'value', messages: 'list', assignedTo: 'value', routedTo: 'value' },
};

export function initDoc(doc: Y.Doc, id: DocId, createdBy: string, fields: Record<string, Json> = {}): void {
  doc.transact(() => {
    const m = meta(doc);
    m.set('kind', id.kind);
    m.set('schemaVersion', SCHEMA_VERSION[id.kind]);
    m.set('dealerId', id.dealerId);
    m.set('repId', id.repId);
    m.set('createdBy', createdBy);
    const b = body(doc, id.kind);
    const shapes = FIELD_SHAPES[id.kind];
    for (const [k, shape] of Object.entries(shapes)) {
      if (shape === 'map') b.set(k, new Y.Map());
      else if (shape === 'text') b.set(k, new Y.Text());
      else if (shape === 'list') b.set(k, new Y.Array());
    }
    const initialStatus = { order: 'draft', visit: 'planned', form: 'draft', ticket: 'open' }[id.kind];
    b.set('status', initialStatus);
    for (const [k, v] of Object.entries(fields)) if (shapes[k] === 'value') b.set(k, v);
  });
}

// Plain snapshot of everything the write rules look at.
export function snapshot(doc: Y.Doc, kind: DocKind): { meta: Record<string, Json>; body: Record<string, Json> } {
  return { meta: meta(doc).toJSON() as Record<string, Json>, body: body(doc, kind).toJSON() as Record<string, Json> };
}

// Typed accessors for orders; the UI never touches raw map keys.
export const order = {
  status: (doc: Y.Doc) => body(doc, 'order').get('status') as (typeof ORDER_STATUSES)[number] | undefined,
  lines: (doc: Y.Doc) => body(doc, 'order').get('lines') as Y.Map<OrderLine>,
  setLine(doc: Y.Doc, lineId: string, line: OrderLine) { order.lines(doc).set(lineId, { ...line }); },
  removeLine(doc: Y.Doc, lineId: string) { order.lines(doc).delete(lineId); },
  setStatus(doc: Y.Doc, status: (typeof ORDER_STATUSES)[number], by: string, role: string, at = new Date().toISOString()) {
    doc.transact(() => {
      body(doc, 'order').set('status', status);
      (body(doc, 'order').get('statusHistory') as Y.Array<Json>).push([{ status, by, role, at }]);
    });
  },
  notes: (doc: Y.Doc) => body(doc, 'order').get('notes') as Y.Text,
};

// One form filled in during a visit, kept whole at the version it was filled in.
export interface AnswerSet { formId: string; version: number; values: Record<string, Json>; submittedAt?: string }
export interface VisitPhoto { formId: string | null; questionId: string | null; at: string; lat?: number; lng?: number }

export const visit = {
  status: (doc: Y.Doc) => body(doc, 'visit').get('status') as (typeof VISIT_STATUSES)[number] | undefined,
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
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_CATEGORIES = ['order', 'product', 'delivery', 'other'] as const;
export interface TicketMessage { by: string; byName: string; role: string; text: string; photos: string[]; at: string; status?: TicketStatus }
export interface TicketRoute { to: 'rep' | 'hq'; repId: string | null; taskId: string | null; dueDate: string | null; by: string; at: string }
export const DEALER_ROLES: readonly string[] = ['dealer_admin', 'dealer_staff'];

export const ticket = {
  status: (doc: Y.Doc) => body(doc, 'ticket').get('status') as TicketStatus | undefined,
  category: (doc: Y.Doc) => body(doc, 'ticket').get('category') as string | undefined,
  subject: (doc: Y.Doc) => body(doc, 'ticket').get('subject') as string | undefined,
  assignedTo: (doc: Y.Doc) => (body(doc, 'ticket').get('assignedTo') as string | null | undefined) ?? null,
  routedTo: (doc: Y.Doc) => (body(doc, 'ticket').get('routedTo') as TicketRoute | null | undefined) ?? null,
  messages: (doc: Y.Doc) => body(doc, 'ticket').get('messages') as Y.Array<TicketMessage>,
  // A new ticket and its first message in one transaction, so it syncs as one birth.
  open(doc: Y.Doc, id: DocId, fields: { category: string; subject: string }, first: TicketMessage) {
    doc.transact(() => { initDoc(doc, id, first.by, fields); ticket.addMessage(doc, first); });
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
