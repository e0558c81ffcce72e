// An order: what a dealer (or its rep) writes — lines, notes, submit and cancel before the
// decision — and what only the room's commands write: status history, pricing, the credit
// check, the approval, shipments and deliveries.
import * as Y from 'yjs';
import { z } from 'zod';
import type { ApprovalLevel, Decision } from '../../orders/approval.ts';
import { deliveryProgress, type ShipmentRecord } from '../../validators/integrations.ts';
import { body, ORDER_STATUSES, type Json } from '../base.ts';
import { ANY_STATUS, same, zodCheck, type KindSpec, type Part, type Violation } from './spec.ts';

// A line as its author writes it. The server adds unitPrice when it prices the order; an author
// rewriting a priced line keeps that price as it is.
const line = z.strictObject({
  productId: z.string().min(1).max(64),
  quantity: z.number().positive('Quantity must be more than 0').max(1_000_000),
  note: z.string().max(500).optional(),
  unitPrice: z.number().nullable().optional(),
});

const BEFORE_DECISION = ['draft', 'submitted', 'held'] as const;
const author: Part = {
  fields: { lines: ['draft'], notes: BEFORE_DECISION },
  transitions: [
    { from: 'draft', to: 'submitted' },
    { from: 'draft', to: 'cancelled' },
    { from: 'submitted', to: 'cancelled' },
    { from: 'held', to: 'cancelled' },
  ],
};

export const ORDER: KindSpec = {
  initial: 'draft',
  statuses: ORDER_STATUSES,
  fields: {
    status: { shape: 'value', check: zodCheck(z.enum(ORDER_STATUSES)) },
    lines: { shape: 'map', entry: { key: /^[A-Za-z0-9_-]{1,64}$/, check: zodCheck(line) } },
    notes: { shape: 'text' },
    statusHistory: { shape: 'list' },
    approval: { shape: 'value' },
    creditCheck: { shape: 'value' },
    shipments: { shape: 'list' },
    total: { shape: 'value' },
  },
  parts: { dealer_admin: author, dealer_staff: author, field_rep: author },
  history: (doc, entry) => stampHistory(doc, entry),
  serverTransitions: [
    ['submitted', 'approved'], ['submitted', 'held'], ['submitted', 'draft'], ['submitted', 'rejected'],
    ['held', 'approved'], ['held', 'rejected'], ['approved', 'shipped'], ['approved', 'delivered'], ['shipped', 'delivered'],
  ],
  changeChecks: {
    lines: (_w, a, b) => {
      const la = (a ?? {}) as Record<string, { unitPrice?: number | null }>;
      const lb = (b ?? {}) as Record<string, { unitPrice?: number | null } | undefined>;
      return Object.keys(lb).filter((k) => lb[k] && !same(la[k]?.unitPrice, lb[k]!.unitPrice)).map((k): Violation => ({ path: `lines.${k}.unitPrice`, reason: 'Prices are set by the server' }));
    },
  },
};

// --- the room's commands: each reads and writes inside the room's single thread ---

export interface HistoryEntry { status: string; by: string; role: string; at: string; note?: string }
const history = (doc: Y.Doc) => body(doc, 'order').get('statusHistory') as Y.Array<Json>;

// A status step as the room saw it: who (as authenticated) and when (the server's clock).
export function stampHistory(doc: Y.Doc, entry: HistoryEntry): void {
  history(doc).push([{ ...entry } as unknown as Json]);
}

function step(doc: Y.Doc, status: string, by: string, role: string, at: string, note?: string) {
  const b = body(doc, 'order');
  if (b.get('status') !== status) b.set('status', status);
  stampHistory(doc, { status, by, role, at, ...(note ? { note } : {}) });
}

// Which submission an approval belongs to: an order sent back and submitted again is decided again.
export const submissionCount = (doc: Y.Doc) => (history(doc).toArray() as Array<{ status?: string }>).filter((h) => h?.status === 'submitted').length;

export function needsDecision(doc: Y.Doc): boolean {
  const b = body(doc, 'order');
  const approval = b.get('approval') as { forSubmission?: number } | undefined;
  return b.get('status') === 'submitted' && approval?.forSubmission !== submissionCount(doc);
}

// `decide`: the server's decision on a submitted order (priced from D1, credit-checked, approval
// rules applied), or sent back to draft naming the bad lines.
export function decide(doc: Y.Doc, d: Decision, at: string): void {
  const b = body(doc, 'order');
  const forSubmission = submissionCount(doc);
  if (d.kind === 'returned') {
    b.set('approval', { state: 'returned', problems: d.problems, at, forSubmission });
    step(doc, 'draft', 'server', 'server', at, d.problems.join(' '));
    return;
  }
  const lines = b.get('lines') as Y.Map<Record<string, Json>>;
  for (const [lineId, price] of Object.entries(d.prices)) {
    const l = lines.get(lineId);
    if (l && l.unitPrice !== price) lines.set(lineId, { ...l, unitPrice: price });
  }
  b.set('total', d.total);
  b.set('creditCheck', { ...d.credit, at });
  const o = d.outcome;
  if (o.status === 'approved') {
    b.set('approval', { state: 'approved', by: 'auto', at, forSubmission });
    step(doc, 'approved', 'server', 'server', at, 'Approved automatically');
  } else if (o.status === 'held') {
    b.set('approval', { state: 'held', level: o.level, reason: o.reason, at, forSubmission });
    step(doc, 'held', 'server', 'server', at, o.reason);
  } else {
    b.set('approval', { state: 'pending', level: o.level, ...(o.approverDealerId ? { approverDealerId: o.approverDealerId } : {}), at, forSubmission });
  }
}

export interface Verdict { decision: 'approve' | 'reject'; comment: string; by: string; byName: string; role: string; dealerId: string | null }
export type MayDecide = (who: { role: string; dealerId: string | null }, level: ApprovalLevel, approverDealerId?: string | null) => boolean;

// `verdict`: an approver's decision on an order waiting for them; an error when it is not theirs.
export function verdict(doc: Y.Doc, v: Verdict, at: string, mayDecide: MayDecide): string | null {
  const b = body(doc, 'order');
  const approval = b.get('approval') as { state?: string; level?: ApprovalLevel; approverDealerId?: string } | undefined;
  const status = b.get('status');
  if (!approval || !(approval.state === 'pending' || approval.state === 'held') || !(status === 'submitted' || status === 'held')) return 'This order is not waiting for a decision.';
  if (!approval.level || !mayDecide({ role: v.role, dealerId: v.dealerId }, approval.level, approval.approverDealerId)) return 'This order needs a decision from someone else.';
  const state = v.decision === 'approve' ? 'approved' : 'rejected';
  b.set('approval', { ...approval, state, by: v.by, byName: v.byName, role: v.role, comment: v.comment, at });
  step(doc, state, v.by, v.role, at, v.comment || undefined);
  return null;
}

const SHIPPABLE = new Set(['approved', 'shipped', 'delivered']);
export type ShipmentEvent = Omit<ShipmentRecord, 'receivedAt'>;
export type ShipmentResult =
  | { ok: true; duplicate: boolean; status: string; delivered: number; ordered: number }
  | { ok: false; code: 'not_shippable' | 'unknown_items'; status: string; unknown: Array<{ index: number; productId: string }> };

const orderLines = (doc: Y.Doc) => Object.values((body(doc, 'order').get('lines') as Y.Map<Json>).toJSON()) as Array<{ productId: unknown; quantity: unknown }>;
const shipments = (doc: Y.Doc) => body(doc, 'order').get('shipments') as Y.Array<Json>;

// `recordShipment`: an ERP's shipment event, once per event id however often it arrives.
export function recordShipment(doc: Y.Doc, e: ShipmentEvent, at: string): ShipmentResult {
  const status = String(body(doc, 'order').get('status') ?? 'draft');
  const recorded = shipments(doc).toArray() as unknown as ShipmentRecord[];
  const lines = orderLines(doc);
  if (recorded.some((r) => r?.eventId === e.eventId)) return { ok: true, duplicate: true, status, ...deliveryProgress(lines, recorded) };
  if (!SHIPPABLE.has(status)) return { ok: false, code: 'not_shippable', status, unknown: [] };
  const onOrder = new Set(lines.map((l) => l.productId));
  const unknown = e.items.map((it, index) => ({ index, productId: it.productId })).filter((it) => !onOrder.has(it.productId));
  if (unknown.length) return { ok: false, code: 'unknown_items', status, unknown };
  const record: ShipmentRecord = { ...e, items: e.items.map((it) => ({ productId: it.productId, quantity: it.quantity })), receivedAt: at };
  const progress = deliveryProgress(lines, [...recorded, record]);
  const next = progress.complete ? 'delivered' : status === 'approved' ? 'shipped' : status;
  shipments(doc).push([record as unknown as Json]);
  if (next !== status) step(doc, next, e.by, 'server', at);
  return { ok: true, duplicate: false, status: next, delivered: progress.delivered, ordered: progress.ordered };
}

// `deliver`: a network's parent delivers what is left of an order it approved, from its own stock.
export function deliver(doc: Y.Doc, who: { userId: string; role: string; dealerId: string | null }, at: string): { ok: true } | { ok: false; code: 'not_yours' | 'not_deliverable'; message: string } {
  const b = body(doc, 'order');
  const approval = b.get('approval') as { level?: string; approverDealerId?: string } | undefined;
  if (approval?.level !== 'network' || !who.dealerId || approval.approverDealerId !== who.dealerId) return { ok: false, code: 'not_yours', message: 'Only the dealer that approved this network order delivers it.' };
  const status = String(b.get('status') ?? '');
  if (status !== 'approved' && status !== 'shipped') return { ok: false, code: 'not_deliverable', message: `This order is ${status || 'not started'}; only approved orders can be delivered.` };
  const progress = deliveryProgress(orderLines(doc), shipments(doc).toArray());
  const items = Object.entries(progress.byProduct).filter(([, p]) => p.ordered > p.delivered).map(([productId, p]) => ({ productId, quantity: p.ordered - p.delivered }));
  shipments(doc).push([{ eventId: `own-${at}`, carrier: 'Own delivery', trackingNumber: '', status: 'delivered', eta: null, items, at, receivedAt: at, by: who.userId }]);
  step(doc, 'delivered', who.userId, who.role, at);
  return { ok: true };
}

export { ANY_STATUS };
