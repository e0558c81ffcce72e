// The room's commands: the only way the server's parts of a document are written. Each runs
// inside the room's single thread (check and write with nothing in between), so two copies of
// one ERP event, or two approvers at once, cannot both pass a check.
import type * as Y from 'yjs';
import { mayDecide } from '../../orders/approval.ts';
import type { DocKind } from '../id.ts';
import type { TicketRoute } from '../base.ts';
import { deliver, recordShipment, verdict, type ShipmentEvent, type ShipmentResult, type Verdict } from './order.ts';
import { routeTicket } from './ticket.ts';

export type RoomCommand =
  | { name: 'verdict'; verdict: Verdict }
  | { name: 'recordShipment'; event: ShipmentEvent }
  | { name: 'deliver'; who: { userId: string; role: string; dealerId: string | null } }
  | { name: 'routeTicket'; route: TicketRoute };

export type CommandOutcome =
  | { ok: true; status: string | null; shipment?: ShipmentResult }
  | { ok: false; code: string; message: string; status: string | null; shipment?: ShipmentResult };

const KIND_OF: Record<RoomCommand['name'], DocKind> = { verdict: 'order', recordShipment: 'order', deliver: 'order', routeTicket: 'ticket' };

export function runCommand(doc: Y.Doc, kind: DocKind, cmd: RoomCommand, at: string): CommandOutcome {
  const status = () => (doc.getMap(kind).get('status') as string | undefined) ?? null;
  if (KIND_OF[cmd.name] !== kind) return { ok: false, code: 'wrong_kind', message: `${cmd.name} is not a step of a ${kind}`, status: status() };
  switch (cmd.name) {
    case 'verdict': {
      const error = verdict(doc, cmd.verdict, at, mayDecide);
      return error ? { ok: false, code: 'not_waiting', message: error, status: status() } : { ok: true, status: status() };
    }
    case 'recordShipment': {
      const r = recordShipment(doc, cmd.event, at);
      return r.ok ? { ok: true, status: r.status, shipment: r } : { ok: false, code: r.code, message: r.code, status: r.status, shipment: r };
    }
    case 'deliver': {
      const r = deliver(doc, cmd.who, at);
      return r.ok ? { ok: true, status: status() } : { ok: false, code: r.code, message: r.message, status: status() };
    }
    case 'routeTicket': {
      const r = routeTicket(doc, cmd.route);
      return r.ok ? { ok: true, status: status() } : { ok: false, code: 'closed', message: r.message, status: status() };
    }
  }
}
