// A document as the relational rows HQ queries: pure, so the room's projection is testable
// anywhere and the same document always gives the same rows.
import { DEFAULT_FIELD_SETTINGS, trustedTime, verifyPosition, type FieldSettings } from '../field/checkin.ts';
import type { DocId } from './id.ts';
import { fromSupportSide } from './kinds/ticket.ts';
import type { Json } from './schema.ts';

export interface Projection {
  deletes: Array<{ table: string; column: string }>;
  inserts: Array<{ table: string; row: Record<string, string | number | null> }>;
  // Rows the document changes but does not own (a task marked done in a visit).
  updates?: Array<{ sql: string; params: Array<string | number | null> }>;
}

// What the server knows that the document does not: where the dealer is and the field settings,
// so a position is judged against the stored location, not the phone's word.
export interface ProjectionContext { dealer: { lat: number | null; lng: number | null }; settings: FieldSettings }

const str = (v: Json | undefined) => (typeof v === 'string' ? v : null);
const num = (v: Json | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

const obj = (v: Json | undefined) => (v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, Json> : null);

export function project(id: DocId, body: Record<string, Json>, meta: Record<string, Json>, at: string, ctx?: ProjectionContext): Projection {
  switch (id.kind) {
    case 'order': {
      const lines = Object.entries((body.lines ?? {}) as Record<string, Record<string, Json>>).filter(([, l]) => l && typeof l.productId === 'string');
      const history = (body.statusHistory ?? []) as Array<Record<string, Json>>;
      const priced = lines.every(([, l]) => num(l.unitPrice) !== null);
      return {
        deletes: [{ table: 'order_lines', column: 'order_id' }, { table: 'order_shipments', column: 'order_id' }, { table: 'orders', column: 'id' }],
        inserts: [
          { table: 'orders', row: {
            id: id.id, dealer_id: id.dealerId, status: str(body.status) ?? 'draft', created_by: str(meta.createdBy), line_count: lines.length,
            quantity: lines.reduce((n, [, l]) => n + (num(l.quantity) ?? 0), 0),
            total: priced && lines.length ? lines.reduce((n, [, l]) => n + Math.round((num(l.unitPrice) ?? 0) * (num(l.quantity) ?? 0)), 0) : null,
            submitted_at: str(history.find((h) => h.status === 'submitted')?.at), updated_at: at,
            approval_state: str(obj(body.approval)?.state), approval_level: str(obj(body.approval)?.level), approver_dealer_id: str(obj(body.approval)?.approverDealerId),
          } },
          ...lines.map(([lineId, l]) => ({ table: 'order_lines', row: { order_id: id.id, line_id: lineId, product_id: String(l.productId), quantity: num(l.quantity) ?? 0, unit_price: num(l.unitPrice) } })),
          // Shipment events the ERP reported (server-only list); an event id counts once.
          ...(Array.isArray(body.shipments) ? body.shipments : []).map(obj).filter((e, i, all): e is Record<string, Json> => !!e && typeof e.eventId === 'string' && all.findIndex((x) => x?.eventId === e.eventId) === i)
            .map((e) => ({ table: 'order_shipments', row: { order_id: id.id, event_id: String(e.eventId), carrier: str(e.carrier), tracking_number: str(e.trackingNumber), status: str(e.status) ?? 'in_transit', eta: str(e.eta), at: str(e.at), items: JSON.stringify(Array.isArray(e.items) ? e.items : []) } })),
        ],
      };
    }
    case 'visit': {
      const ci = obj(body.checkIn);
      const co = obj(body.checkOut);
      const settings = ctx?.settings ?? DEFAULT_FIELD_SETTINGS;
      const judge = (r: Record<string, Json> | null) => {
        if (!r || num(r.lat) === null || num(r.lng) === null || num(r.accuracy) === null) return null;
        return verifyPosition({ lat: num(r.lat)!, lng: num(r.lng)!, accuracy: num(r.accuracy)! }, ctx?.dealer ?? { lat: null, lng: null }, settings);
      };
      const vin = judge(ci);
      const vout = judge(co);
      const inAt = str(ci?.at);
      const outAt = str(co?.at);
      const inTrusted = inAt ? trustedTime(inAt, num(ci?.offsetMs)) : null;
      const planned = str(body.plannedStart);
      const lateMin = inTrusted && planned && !Number.isNaN(Date.parse(planned)) ? Math.round((Date.parse(inTrusted) - Date.parse(planned)) / 60_000) : null;
      const answers = Object.values(obj(body.answers) ?? {}).map(obj).filter((a): a is Record<string, Json> => !!a && typeof a.formId === 'string');
      const photos = Object.entries(obj(body.photos) ?? {});
      const tasksDone = Object.entries(obj(body.tasksDone) ?? {});
      return {
        deletes: [{ table: 'visit_answers', column: 'visit_id' }, { table: 'visit_photos', column: 'visit_id' }, { table: 'visits', column: 'id' }],
        inserts: [
          { table: 'visits', row: {
            id: id.id, rep_id: id.repId ?? '', dealer_id: id.dealerId, status: str(body.status) ?? 'planned', visit_type: str(body.visitType),
            planned_start: planned, check_in_at: inAt, check_out_at: outAt,
            check_in_lat: num(ci?.lat), check_in_lng: num(ci?.lng), check_in_accuracy_m: num(ci?.accuracy),
            check_in_distance_m: vin?.distanceM ?? null, check_in_verified: vin?.verified ? 1 : 0, check_in_reason: str(ci?.reason),
            check_out_distance_m: vout?.distanceM ?? null, clock_skew_ms: num(ci?.offsetMs),
            duration_min: inAt && outAt ? Math.round((Date.parse(outAt) - Date.parse(inAt)) / 6_000) / 10 : null,
            late_min: lateMin, notes: typeof body.notes === 'string' ? body.notes : '', photo_count: photos.length, updated_at: at,
          } },
          ...answers.flatMap((a) => Object.entries(obj(a.values) ?? {}).map(([q, value]) => ({ table: 'visit_answers', row: { visit_id: id.id, form_id: String(a.formId), form_version: num(a.version) ?? 1, question_id: q, value: JSON.stringify(value) } }))),
          ...photos.map(([sha, p]) => ({ table: 'visit_photos', row: { visit_id: id.id, sha256: sha, form_id: str(obj(p)?.formId), question_id: str(obj(p)?.questionId), taken_at: str(obj(p)?.at) } })),
        ],
        // Only the rep's own open task for this dealer; done once, never undone by a replay.
        updates: tasksDone.map(([taskId, d]) => ({
          sql: "update tasks set status = 'done', done_at = ?, done_visit_id = ? where id = ? and rep_id = ? and dealer_id = ? and status = 'open'",
          params: [str(obj(d)?.at) ?? at, id.id, taskId, id.repId ?? '', id.dealerId],
        })),
      };
    }
    case 'ticket': {
      // The SLA clock, read from the thread: opened when the first message was written, first
      // response at the first message (or status change) by anyone who is not the dealer (the
      // server's own notes do not count), resolved at the last entry that moved the ticket to
      // resolved or closed, while it still is. Times are the authors' clocks, never later than now.
      const entries = (Array.isArray(body.messages) ? body.messages : []).map(obj).filter((m): m is Record<string, Json> => !!m && typeof m.at === 'string');
      const time = (m: Record<string, Json> | undefined) => { const t = str(m?.at); return t && !Number.isNaN(Date.parse(t)) ? (t > at ? at : t) : null; };
      const said = entries.filter((m) => (typeof m.text === 'string' && m.text.trim() !== '') || (Array.isArray(m.photos) && m.photos.length > 0));
      const status = str(body.status) ?? 'open';
      const done = status === 'resolved' || status === 'closed';
      const route = obj(body.routedTo);
      return {
        deletes: [{ table: 'tickets', column: 'id' }],
        inserts: [{ table: 'tickets', row: {
          id: id.id, dealer_id: id.dealerId, status, category: str(body.category), subject: str(body.subject), message_count: said.length, updated_at: at,
          opened_at: time(entries[0]), first_response_at: time(entries.find((m) => fromSupportSide(m.role))),
          resolved_at: done ? time(entries.findLast((m) => m.status === 'resolved' || m.status === 'closed')) : null,
          assigned_to: str(body.assignedTo), routed_to: str(route?.to) ?? str(body.routedTo), last_message_at: time(said.at(-1)),
        } }],
      };
    }
    default:
      return { deletes: [], inserts: [] };
  }
}
