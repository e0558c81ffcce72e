// A document as the relational rows HQ queries: pure, so the room's projection is testable
// anywhere and the same document always gives the same rows.
import type { DocId } from './id.ts';
import type { Json } from './schema.ts';

export interface Projection { deletes: Array<{ table: string; column: string }>; inserts: Array<{ table: string; row: Record<string, string | number | null> }> }

const str = (v: Json | undefined) => (typeof v === 'string' ? v : null);
const num = (v: Json | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function project(id: DocId, body: Record<string, Json>, meta: Record<string, Json>, at: string): Projection {
  switch (id.kind) {
    case 'order': {
      const lines = Object.entries((body.lines ?? {}) as Record<string, Record<string, Json>>).filter(([, l]) => l && typeof l.productId === 'string');
      const history = (body.statusHistory ?? []) as Array<Record<string, Json>>;
      const priced = lines.every(([, l]) => num(l.unitPrice) !== null);
      return {
        deletes: [{ table: 'order_lines', column: 'order_id' }, { table: 'orders', column: 'id' }],
        inserts: [
          { table: 'orders', row: {
            id: id.id, dealer_id: id.dealerId, status: str(body.status) ?? 'draft', created_by: str(meta.createdBy), line_count: lines.length,
            quantity: lines.reduce((n, [, l]) => n + (num(l.quantity) ?? 0), 0),
            total: priced && lines.length ? lines.reduce((n, [, l]) => n + Math.round((num(l.unitPrice) ?? 0) * (num(l.quantity) ?? 0)), 0) : null,
            submitted_at: str(history.find((h) => h.status === 'submitted')?.at), updated_at: at,
          } },
          ...lines.map(([lineId, l]) => ({ table: 'order_lines', row: { order_id: id.id, line_id: lineId, product_id: String(l.productId), quantity: num(l.quantity) ?? 0, unit_price: num(l.unitPrice) } })),
        ],
      };
    }
    case 'visit': {
      const ci = (body.checkIn ?? null) as Record<string, Json> | null;
      const co = (body.checkOut ?? null) as Record<string, Json> | null;
      return {
        deletes: [{ table: 'visits', column: 'id' }],
        inserts: [{ table: 'visits', row: { id: id.id, rep_id: id.repId ?? '', dealer_id: id.dealerId, status: str(body.status) ?? 'planned', planned_start: str(body.plannedStart), check_in_at: str(ci?.at), check_out_at: str(co?.at), updated_at: at } }],
      };
    }
    case 'ticket':
      return {
        deletes: [{ table: 'tickets', column: 'id' }],
        inserts: [{ table: 'tickets', row: { id: id.id, dealer_id: id.dealerId, status: str(body.status) ?? 'open', category: str(body.category), subject: str(body.subject), message_count: ((body.messages ?? []) as Json[]).length, updated_at: at } }],
      };
    default:
      return { deletes: [], inserts: [] };
  }
}
