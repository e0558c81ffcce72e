// What a room does beyond storing and checking, per document kind: the facts its projection
// needs from D1, the server's own decisions on its alarm, and who hears of a change. The room
// calls these whatever made the change (a person, a command or the server), so a notification
// or a decision never depends on which route wrote.
import * as Y from 'yjs';
import type { DocId, DocKind } from '../core/docs/id.ts';
import { decide, needsDecision } from '../core/docs/kinds/order.ts';
import { fromSupportSide } from '../core/docs/kinds/ticket.ts';
import type { ProjectionContext } from '../core/docs/projection.ts';
import { DEFAULT_FIELD_SETTINGS } from '../core/field/checkin.ts';
import { decideOrder } from '../core/orders/approval.ts';
import { makeDb } from '../server/db.ts';
import type { ServerEnv } from '../server/env.ts';
import { notify, type NotifyInput } from '../server/notify.ts';
import { loadOrderFacts } from '../server/order-facts.ts';
import type { CommandResult } from './room-core.ts';

export interface HookRoom {
  env: ServerEnv;
  id: DocId;
  doc: Y.Doc;
  command<T>(fn: (doc: Y.Doc, at: string) => T): CommandResult<T>;
  waitUntil(p: Promise<unknown>): void;
}

// What a kind remembers of the document before a change, to tell what the change did.
type Mark = { status: unknown; messages: number };

export interface KindHooks {
  projectionContext?(room: HookRoom): Promise<ProjectionContext | undefined>;
  // Server steps the alarm takes before projecting (an order's decision).
  onAlarm?(room: HookRoom): Promise<void>;
  afterChange?(room: HookRoom, before: Mark): void;
}

const bodyOf = (room: HookRoom) => room.doc.getMap(room.id.kind);
export const markOf = (room: { doc: Y.Doc; docId: DocId }): Mark => {
  const b = room.doc.getMap(room.docId.kind);
  return { status: b.get('status'), messages: (b.get('messages') as Y.Array<unknown> | undefined)?.length ?? 0 };
};

function tell(room: HookRoom, input: NotifyInput) {
  room.waitUntil(notify(room.env, makeDb(room.env.DB), input).then(() => undefined));
}

const ORDER_STEPS = {
  approved: { kind: 'order_approved', title: 'Your order was approved' },
  rejected: { kind: 'order_rejected', title: 'Your order was rejected' },
  shipped: { kind: 'order_shipped', title: 'Your order is on its way' },
} as const;

const order: KindHooks = {
  // Prices every line from D1, checks credit and applies the approval rules. The facts are read
  // first; the decision is taken inside one command, after checking the order still needs it.
  async onAlarm(room) {
    if (!needsDecision(room.doc)) return;
    const lines = (doc: Y.Doc) => ((doc.getMap('order').get('lines') as Y.Map<{ productId: unknown; quantity: unknown }>).toJSON()) as Record<string, { productId: unknown; quantity: unknown }>;
    const facts = await loadOrderFacts(makeDb(room.env.DB), room.id.dealerId, room.id.id, Object.values(lines(room.doc)).map((l) => String(l.productId)));
    if (!facts) return;
    // The lines as the command finds them (they cannot change while the order is submitted).
    room.command((doc, at) => { if (needsDecision(doc)) decide(doc, decideOrder(lines(doc), facts), at); });
  },
  afterChange(room, before) {
    const status = bodyOf(room).get('status');
    const step = ORDER_STEPS[status as keyof typeof ORDER_STEPS];
    if (status === before.status || !step) return;
    tell(room, { dealerId: room.id.dealerId, kind: step.kind, title: step.title, body: `Order ${room.id.uid.slice(0, 6)}`, url: `/portal/orders/${room.id.id}` });
  },
};

const ticket: KindHooks = {
  // A reply from the brand's side (HQ, a manager, the rep) reaches the dealer's users.
  afterChange(room, before) {
    const added = ((bodyOf(room).get('messages') as Y.Array<{ role?: string; text?: string }> | undefined)?.toArray() ?? []).slice(before.messages);
    const answer = added.find((m) => m.text && fromSupportSide(m.role));
    if (!answer) return;
    const subject = String(bodyOf(room).get('subject') ?? 'your ticket');
    tell(room, { dealerId: room.id.dealerId, kind: 'ticket_answered', title: `Answer on "${subject.slice(0, 60)}"`, body: String(answer.text).slice(0, 140), url: `/portal/tickets/${room.id.id}` });
  },
};

const visit: KindHooks = {
  // Positions are judged against the dealer's stored location and the brand's settings.
  async projectionContext(room) {
    const row = await room.env.DB.prepare('select d.lat, d.lng, o.checkin_radius_m as radiusM, o.checkin_max_accuracy_m as maxAccuracyM, o.late_after_min as lateAfterMin from dealers d join organisations o on o.id = d.org_id where d.id = ?')
      .bind(room.id.dealerId).first<{ lat: number | null; lng: number | null; radiusM: number; maxAccuracyM: number; lateAfterMin: number }>();
    return { dealer: { lat: row?.lat ?? null, lng: row?.lng ?? null }, settings: row ? { radiusM: row.radiusM, maxAccuracyM: row.maxAccuracyM, lateAfterMin: row.lateAfterMin } : DEFAULT_FIELD_SETTINGS };
  },
};

export const HOOKS: Record<DocKind, KindHooks> = { order, ticket, visit, form: {} };
