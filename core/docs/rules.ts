// Write rules per document kind and role, run by the room after each update. A change outside
// them is not kept: the room applies `correct` with origin 'server', and since the correction
// is itself a Yjs update, every replica that saw the forbidden change converges back.
import * as Y from 'yjs';
import type { Role } from '../db/schema.ts';
import type { DocId, DocKind } from './id.ts';
import { z } from 'zod';
import { checkRecord } from '../validators/field.ts';
import { body, FIELD_SHAPES, meta, ORDER_STATUSES, snapshot, TICKET_STATUSES, VISIT_STATUSES, type Json } from './schema.ts';

export type WriterRole = Role | 'server';
export interface Writer { role: WriterRole; userId: string }
export interface Violation { path: string; reason: string }
export type Snapshot = ReturnType<typeof snapshot>;

const AUTHORS = ['dealer_admin', 'dealer_staff', 'field_rep', 'hq_admin'] as const;
type FieldRule = { writers: readonly WriterRole[] | 'owner_rep'; whileStatus?: readonly string[] };

// Who may change which field. 'owner_rep' is the rep named in the document's id.
const FIELD_RULES: Record<DocKind, Record<string, FieldRule>> = {
  order: {
    status: { writers: AUTHORS }, lines: { writers: AUTHORS, whileStatus: ['draft'] }, notes: { writers: AUTHORS },
    statusHistory: { writers: AUTHORS }, approval: { writers: [] }, creditCheck: { writers: [] }, shipments: { writers: [] }, total: { writers: [] },
  },
  visit: {
    status: { writers: 'owner_rep' }, plannedStart: { writers: 'owner_rep' }, visitType: { writers: 'owner_rep' }, checkIn: { writers: 'owner_rep' }, checkOut: { writers: 'owner_rep' },
    answers: { writers: 'owner_rep' }, photos: { writers: 'owner_rep' }, tasksDone: { writers: 'owner_rep' }, notes: { writers: 'owner_rep' }, flags: { writers: [] },
  },
  form: { formId: { writers: 'owner_rep' }, formVersion: { writers: 'owner_rep' }, answers: { writers: 'owner_rep', whileStatus: ['draft'] }, status: { writers: 'owner_rep' } },
  ticket: {
    status: { writers: ['dealer_admin', 'dealer_staff', 'field_rep', 'hq_admin', 'regional_manager'] }, category: { writers: ['dealer_admin', 'dealer_staff', 'hq_admin'] },
    subject: { writers: ['dealer_admin', 'dealer_staff'], whileStatus: ['open'] }, messages: { writers: ['dealer_admin', 'dealer_staff', 'field_rep', 'hq_admin', 'regional_manager'] },
    assignedTo: { writers: ['hq_admin', 'regional_manager'] }, routedTo: { writers: [] },
  },
};

// Status changes a person may make; every other change of status is the server's.
const TRANSITIONS: Record<DocKind, Partial<Record<string, Record<string, readonly WriterRole[] | 'owner_rep'>>>> = {
  order: {
    draft: { submitted: ['dealer_admin', 'dealer_staff', 'field_rep', 'hq_admin'], cancelled: ['dealer_admin', 'dealer_staff', 'field_rep', 'hq_admin'] },
    submitted: { cancelled: ['dealer_admin', 'hq_admin'] },
  },
  visit: { planned: { in_progress: 'owner_rep' }, in_progress: { done: 'owner_rep' } },
  form: { draft: { submitted: 'owner_rep' } },
  ticket: {
    open: { answered: ['field_rep', 'hq_admin', 'regional_manager'], closed: ['dealer_admin', 'dealer_staff'] },
    answered: { open: ['dealer_admin', 'dealer_staff'], resolved: ['field_rep', 'hq_admin', 'regional_manager'], closed: ['dealer_admin', 'dealer_staff'] },
    resolved: { closed: ['dealer_admin', 'dealer_staff', 'hq_admin'], open: ['dealer_admin', 'dealer_staff'] },
  },
};

// What a value or a map entry must look like, beyond who may write it. A malformed one (a
// position off the globe, a quantity of -3) is refused like a forbidden change.
type ValueCheck = (v: Json) => string | null;
const zodCheck = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string; path: PropertyKey[] }> } } }): ValueCheck => (v) => {
  const r = schema.safeParse(v);
  if (r.success) return null;
  const issue = r.error!.issues[0];
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
};
const orderLine = z.looseObject({ productId: z.string().min(1).max(64), quantity: z.number().positive('Quantity must be more than 0').max(1_000_000) });
const answerSet = z.strictObject({ formId: z.string().min(1).max(64), version: z.number().int().min(1), values: z.record(z.string(), z.unknown()), submittedAt: z.string().optional() });
const photoEntry = z.strictObject({ formId: z.string().max(64).nullable(), questionId: z.string().max(64).nullable(), at: z.string(), lat: z.number().optional(), lng: z.number().optional() });
const taskDone = z.strictObject({ at: z.string() });
const VALUE_CHECKS: Partial<Record<DocKind, Record<string, ValueCheck>>> = {
  order: { status: zodCheck(z.enum(ORDER_STATUSES)) },
  visit: { status: zodCheck(z.enum(VISIT_STATUSES)), checkIn: zodCheck(checkRecord.nullable()), checkOut: zodCheck(checkRecord.nullable()), plannedStart: zodCheck(z.string().max(40).nullable()) },
  ticket: { status: zodCheck(z.enum(TICKET_STATUSES)), category: zodCheck(z.string().min(1).max(40)), subject: zodCheck(z.string().trim().min(1, 'Enter a subject').max(200)) },
};
// A ticket message is written in its author's own name and role (the SLA clock reads the role).
const ticketMessage = z.strictObject({
  by: z.string().min(1).max(64), byName: z.string().max(120), role: z.string().max(40), text: z.string().max(4000),
  photos: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'Photos are named by their SHA-256')).max(10), at: z.string().datetime({ offset: true }), status: z.enum(TICKET_STATUSES).optional(),
}).refine((m) => m.text.trim().length > 0 || m.photos.length > 0 || m.status !== undefined, 'A message needs text, a photo or a status');
function ticketMessageViolations(writer: Writer, a: Json | undefined, b: Json | undefined): Violation[] {
  const la = Array.isArray(a) ? a : [];
  const lb = Array.isArray(b) ? b : [];
  return lb.slice(la.length).flatMap((m, i): Violation[] => {
    const path = `messages.${la.length + i}`;
    const r = zodCheck(ticketMessage)(m);
    if (r) return [{ path, reason: r }];
    const e = m as Record<string, Json>;
    return e.by === writer.userId && e.role === writer.role ? [] : [{ path, reason: 'A message is written in its author\'s own name and role' }];
  });
}
const ENTRY_CHECKS: Partial<Record<DocKind, Record<string, { key?: RegExp; check: ValueCheck }>>> = {
  order: { lines: { check: zodCheck(orderLine) } },
  visit: { answers: { check: zodCheck(answerSet) }, photos: { key: /^[0-9a-f]{64}$/, check: zodCheck(photoEntry) }, tasksDone: { check: zodCheck(taskDone) } },
};

function valueViolations(kind: DocKind, key: string, a: Json | undefined, b: Json | undefined): Violation[] {
  const single = VALUE_CHECKS[kind]?.[key];
  if (single && b !== undefined) { const m = single(b); return m ? [{ path: key, reason: m }] : []; }
  const entry = ENTRY_CHECKS[kind]?.[key];
  if (!entry || !b || typeof b !== 'object' || Array.isArray(b)) return [];
  const before = (a && typeof a === 'object' && !Array.isArray(a) ? a : {}) as Record<string, Json>;
  const out: Violation[] = [];
  for (const [k, v] of Object.entries(b)) {
    if (same(before[k], v)) continue;
    if (entry.key && !entry.key.test(k)) { out.push({ path: `${key}.${k}`, reason: `"${k}" is not a valid key for ${key}` }); continue; }
    const m = entry.check(v);
    if (m) out.push({ path: `${key}.${k}`, reason: m });
  }
  return out;
}

const INITIAL_STATUS: Record<DocKind, string> = { order: 'draft', visit: 'planned', form: 'draft', ticket: 'open' };

const allowed = (who: readonly WriterRole[] | 'owner_rep', writer: Writer, id: DocId) =>
  who === 'owner_rep' ? (writer.role === 'field_rep' && writer.userId === id.repId) || writer.role === 'hq_admin' : who.includes(writer.role);

// Whether the writer could have moved a new document from its first status to `target` through
// its own transitions, one step at a time (a visit done entirely offline arrives as done).
function reachable(id: DocId, writer: Writer, from: string, target: string): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === target) return true;
    for (const [next, who] of Object.entries(TRANSITIONS[id.kind][at] ?? {})) {
      if (!seen.has(next) && allowed(who, writer, id)) { seen.add(next); queue.push(next); }
    }
  }
  return false;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function checkChange(id: DocId, writer: Writer, before: Snapshot, after: Snapshot): Violation[] {
  if (writer.role === 'server') return [];
  const v: Violation[] = [];
  const fresh = before.meta.kind === undefined;
  // meta is written once, at birth, and must match the id; nobody rewrites it.
  for (const key of new Set([...Object.keys(before.meta), ...Object.keys(after.meta)])) {
    if (same(before.meta[key], after.meta[key])) continue;
    const expected: Record<string, Json> = { kind: id.kind, dealerId: id.dealerId, repId: id.repId };
    if (!fresh) v.push({ path: `meta.${key}`, reason: 'The document header cannot change' });
    else if (key in expected && !same(after.meta[key], expected[key])) v.push({ path: `meta.${key}`, reason: 'The document header must match its id' });
  }
  const rules = FIELD_RULES[id.kind];
  const shapes = FIELD_SHAPES[id.kind];
  const statusBefore = String(before.body.status ?? '');
  for (const key of new Set([...Object.keys(before.body), ...Object.keys(after.body)])) {
    const a = before.body[key];
    const b = after.body[key];
    if (same(a, b)) continue;
    const rule = rules[key];
    if (!rule) { v.push({ path: key, reason: 'Not a field of this document' }); continue; }
    if (fresh && key === 'status') {
      // A document born offline may arrive already moved on, but only along the writer's own transitions.
      if (!reachable(id, writer, INITIAL_STATUS[id.kind], String(b))) v.push({ path: 'status', reason: `A new ${id.kind} cannot start as ${String(b)}` });
    } else if (!(fresh && shapes[key] !== 'value')) {
      // (At birth the empty maps, texts and lists are structure, not edits.)
      if (!allowed(rule.writers, writer, id)) { v.push({ path: key, reason: `A ${writer.role} may not change ${key}` }); continue; }
      if (rule.whileStatus && !fresh && !rule.whileStatus.includes(statusBefore)) { v.push({ path: key, reason: `${key} cannot change once the ${id.kind} is ${statusBefore}` }); continue; }
      if (shapes[key] === 'list' && !fresh) {
        const la = (a as Json[] | undefined) ?? [];
        const lb = (b as Json[] | undefined) ?? [];
        if (lb.length < la.length || !same(lb.slice(0, la.length), la)) v.push({ path: key, reason: `${key} can only be added to` });
      }
      if (key === 'status' && !fresh) {
        const who = TRANSITIONS[id.kind][statusBefore]?.[String(b)];
        if (!who || !allowed(who, writer, id)) v.push({ path: 'status', reason: `A ${writer.role} may not move a ${id.kind} from ${statusBefore} to ${String(b)}` });
      }
    }
    v.push(...valueViolations(id.kind, key, a, b));
    if (id.kind === 'ticket' && key === 'messages') v.push(...ticketMessageViolations(writer, a, b));
    if (id.kind === 'order' && key === 'lines') {
      const la = (a ?? {}) as Record<string, { unitPrice?: number | null }>;
      const lb = (b ?? {}) as Record<string, { unitPrice?: number | null }>;
      for (const lineId of Object.keys(lb)) {
        if (!same(la[lineId]?.unitPrice, lb[lineId]?.unitPrice)) v.push({ path: `lines.${lineId}.unitPrice`, reason: 'Prices are set by the server' });
      }
    }
  }
  return v;
}

// Which parts of a document one change touched: body fields, and for map fields the entry keys
// (null: the whole field). The room checks and corrects only these, so the cost of an update
// follows its size, not the document's.
export type Touched = Map<string, Set<string> | null>;

// Puts back, as the server, every field a violation names (whole field: value, map, text or
// list). With `touched`, a map field is put back only in the entries the change touched, which
// `before` then needs to hold, and nothing else.
export function correct(doc: Y.Doc, kind: DocKind, before: Snapshot, violations: Violation[], touched?: Touched): void {
  const fields = new Set(violations.map((x) => x.path.split('.')[0] === 'meta' ? x.path : x.path.split('.')[0]));
  // Where every violation of a map field names its entry, only those entries go back, so the
  // permitted rest of the same change stays.
  const scope: Touched = new Map(touched);
  for (const f of fields) {
    const named = violations.filter((x) => x.path.split('.')[0] === f).map((x) => x.path.split('.')[1]);
    if (FIELD_SHAPES[kind][f] === 'map' && named.length && named.every(Boolean)) scope.set(f, new Set(named));
  }
  doc.transact(() => {
    for (const f of fields) {
      if (f.startsWith('meta.')) {
        const key = f.slice(5);
        if (before.meta[key] === undefined) meta(doc).delete(key);
        else meta(doc).set(key, before.meta[key]);
        continue;
      }
      const b = body(doc, kind);
      const prev = before.body[f];
      const shape = FIELD_SHAPES[kind][f];
      const cur = b.get(f);
      if (shape === 'map' && cur instanceof Y.Map) {
        const want = (prev ?? {}) as Record<string, Json>;
        const entries = scope.get(f);
        if (entries) {
          for (const k of entries) {
            if (!(k in want)) { if (cur.has(k)) cur.delete(k); } else if (!same(cur.get(k), want[k])) cur.set(k, want[k]);
          }
          continue;
        }
        for (const k of [...cur.keys()]) if (!(k in want)) cur.delete(k);
        for (const [k, val] of Object.entries(want)) if (!same(cur.get(k), val)) cur.set(k, val);
      } else if (shape === 'text' && cur instanceof Y.Text) {
        cur.delete(0, cur.length);
        cur.insert(0, String(prev ?? ''));
      } else if (shape === 'list' && cur instanceof Y.Array) {
        cur.delete(0, cur.length);
        cur.insert(0, (prev ?? []) as Json[]);
      } else if (prev === undefined) {
        // A document is never without a status: one born with a forbidden one starts over.
        if (f === 'status') b.set(f, INITIAL_STATUS[kind]); else b.delete(f);
      } else b.set(f, prev);
    }
  }, 'server');
}
