import { z } from 'zod';
import { DocIdError, parseDocId } from '../docs/id.ts';

// What an API key may be used for. More scopes come with the next integrations.
export const API_SCOPES = ['shipments:write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export const SHIPMENT_STATUSES = ['in_transit', 'out_for_delivery', 'delivered', 'exception'] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

// HQ creates a key: a name to recognise it by and the scopes it carries (none is allowed: a
// key that can do nothing yet).
export const apiKeyCreateBody = z.strictObject({
  name: z.string({ message: 'Give the key a name' }).trim().min(1, 'Give the key a name').max(100, 'At most 100 characters'),
  scopes: z.array(z.enum(API_SCOPES, { message: `Choose from ${API_SCOPES.join(', ')}` }), { message: 'A list of scopes' }).max(API_SCOPES.length)
    .refine((s) => new Set(s).size === s.length, 'Each scope once'),
});
export type ApiKeyCreate = z.infer<typeof apiKeyCreateBody>;

const isoDateTime = (what: string) => z.string({ message: `${what} as an ISO date-time` })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, `${what} as an ISO date-time, e.g. 2026-05-01T14:00:00Z`)
  .refine((s) => !Number.isNaN(Date.parse(s)), 'Not a real date-time');

const text = (what: string, max: number) => z.string({ message: `${what} is required` }).trim().min(1, `${what} is required`).max(max, `At most ${max} characters`);

// One shipment event from the ERP. `eventId` is the ERP's own id: the same event sent twice
// is recorded once.
export const shipmentEventBody = z.strictObject({
  orderId: z.string({ message: 'The order document id' }).superRefine((v, ctx) => {
    try {
      if (parseDocId(v).kind !== 'order') ctx.addIssue({ code: 'custom', message: 'Not an order id (order.<dealerId>.<uid>)' });
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof DocIdError ? err.message : 'Not an order id' });
    }
  }),
  eventId: text('eventId', 128),
  carrier: text('carrier', 100),
  trackingNumber: text('trackingNumber', 100),
  status: z.enum(SHIPMENT_STATUSES, { message: `One of ${SHIPMENT_STATUSES.join(', ')}` }),
  eta: isoDateTime('eta').optional(),
  items: z.array(z.strictObject({
    productId: text('productId', 64),
    quantity: z.number({ message: 'A number' }).positive('Above zero').max(1_000_000, 'Too large'),
  }), { message: 'A list of { productId, quantity }' }).min(1, 'At least one item').max(500, 'At most 500 items'),
  at: isoDateTime('at'),
});
export type ShipmentEvent = z.infer<typeof shipmentEventBody>;

// A shipment event as the order document keeps it (body 'order', list 'shipments'), written
// only by the server.
export interface ShipmentRecord {
  eventId: string; carrier: string; trackingNumber: string; status: ShipmentStatus; eta: string | null;
  items: Array<{ productId: string; quantity: number }>; at: string; receivedAt: string; by: string;
}

export interface DeliveryProgress { ordered: number; delivered: number; complete: boolean; byProduct: Record<string, { ordered: number; delivered: number }> }

// How much of an order has been delivered: quantities from 'delivered' events (each event id
// once) against the ordered quantities per product. Shared by the server (to move the order to
// 'delivered') and the dealer's timeline ("3 of 5 delivered").
export function deliveryProgress(lines: Iterable<{ productId: unknown; quantity: unknown }>, shipments: Iterable<unknown>): DeliveryProgress {
  const byProduct: Record<string, { ordered: number; delivered: number }> = {};
  for (const l of lines) {
    if (typeof l?.productId !== 'string') continue;
    const q = typeof l.quantity === 'number' && Number.isFinite(l.quantity) ? l.quantity : 0;
    (byProduct[l.productId] ??= { ordered: 0, delivered: 0 }).ordered += q;
  }
  const seen = new Set<string>();
  for (const raw of shipments) {
    const e = raw as Partial<ShipmentRecord> | null;
    if (!e || typeof e.eventId !== 'string' || seen.has(e.eventId)) continue;
    seen.add(e.eventId);
    if (e.status !== 'delivered' || !Array.isArray(e.items)) continue;
    for (const it of e.items) {
      const p = byProduct[it?.productId];
      if (p && typeof it.quantity === 'number' && Number.isFinite(it.quantity)) p.delivered += it.quantity;
    }
  }
  const all = Object.values(byProduct);
  const ordered = all.reduce((n, p) => n + p.ordered, 0);
  // Delivered beyond what was ordered does not count twice towards the total.
  const delivered = all.reduce((n, p) => n + Math.min(p.delivered, p.ordered), 0);
  return { ordered, delivered, complete: ordered > 0 && all.every((p) => p.delivered >= p.ordered), byProduct };
}
