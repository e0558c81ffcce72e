// Support tickets: the queue read from the ticket projection with each category's response-time
// targets (breaches computed against now), and routing a ticket to its dealer's rep as a task
// or to the HQ queue. The thread itself lives in the ticket document and syncs like any other.
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { parseDocId, type DocId } from '../../core/docs/id.ts';
import type { TicketRoute } from '../../core/docs/schema.ts';
import { ticketListQuery, ticketRouteBody } from '../../core/validators/tickets.ts';
import { audit } from '../audit.ts';
import { reachSql } from '../../server/scope.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readJson, readQuery } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import { docTarget, roomFor } from '../sync/access.ts';
import type { AppEnv } from '../types.ts';
import { createTask } from './field.ts';

interface TicketRow {
  id: string; dealerId: string; dealerName: string; status: string; category: string | null; subject: string | null; messageCount: number;
  openedAt: string | null; firstResponseAt: string | null; resolvedAt: string | null; lastMessageAt: string | null; updatedAt: string;
  assignedTo: string | null; assignedName: string | null; routedTo: string | null;
  firstResponseHours: number | null; resolveHours: number | null; firstResponseDue: string | null; resolveDue: string | null;
  firstResponseBreached: number; resolveBreached: number;
}

const addDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

// A target is breached when what it waits for came after its due time, or has not come and
// the due time has passed. A ticket resolved or closed without an answer stops both clocks.
function slaSql(now: string) {
  const frDue = sql`(julianday(t.opened_at) + s.first_response_hours / 24.0)`;
  const resDue = sql`(julianday(t.opened_at) + s.resolve_hours / 24.0)`;
  return {
    frDue, resDue,
    frBreached: sql`(t.opened_at is not null and s.first_response_hours is not null and julianday(coalesce(t.first_response_at, t.resolved_at, ${now})) > ${frDue})`,
    resBreached: sql`(t.opened_at is not null and s.resolve_hours is not null and julianday(coalesce(t.resolved_at, ${now})) > ${resDue})`,
  };
}

export const ticketRoutes = new Hono<AppEnv>()
  .get('/tickets/sla', requires('tickets:read', { summary: 'Response-time targets per ticket category' }), async (c) => {
    const rows = await c.get('db').all<{ category: string; firstResponseHours: number; resolveHours: number }>(sql`
      select category, first_response_hours as firstResponseHours, resolve_hours as resolveHours from ticket_sla order by category`);
    return c.json({ items: rows });
  })
  // Dealer users see their dealer's tickets, reps their dealers', managers their regions', HQ all.
  // A ticket is listed once it is opened, by its first message: the room creates a ticket's
  // document when its dealer connects, and one never written to (or whose first message was
  // refused, say for want of a subject) is nothing to answer.
  .get('/tickets', requires('tickets:read', { summary: 'Support tickets in scope with SLA targets and breach flags', query: ticketListQuery }), async (c) => {
    const q = readQuery(c, ticketListQuery);
    const now = new Date().toISOString();
    const { frDue, resDue, frBreached, resBreached } = slaSql(now);
    const rows = await c.get('db').all<TicketRow>(sql`
      select t.id, t.dealer_id as dealerId, d.name as dealerName, t.status, t.category, t.subject, t.message_count as messageCount,
        t.opened_at as openedAt, t.first_response_at as firstResponseAt, t.resolved_at as resolvedAt, t.last_message_at as lastMessageAt, t.updated_at as updatedAt,
        t.assigned_to as assignedTo, u.name as assignedName, t.routed_to as routedTo,
        s.first_response_hours as firstResponseHours, s.resolve_hours as resolveHours,
        strftime('%Y-%m-%dT%H:%M:%fZ', ${frDue}) as firstResponseDue, strftime('%Y-%m-%dT%H:%M:%fZ', ${resDue}) as resolveDue,
        ${frBreached} as firstResponseBreached, ${resBreached} as resolveBreached
      from tickets t join dealers d on d.id = t.dealer_id left join ticket_sla s on s.category = t.category left join users u on u.id = t.assigned_to
      where ${reachSql(c.get('user')!.role, 'ticket', 'R', c.get('user')!, 'd', null)} and t.opened_at is not null
        ${q.status === 'active' ? sql`and t.status in ('open', 'answered')` : q.status ? sql`and t.status = ${q.status}` : sql``}
        ${q.category ? sql`and t.category = ${q.category}` : sql``}
        ${q.dealer ? sql`and t.dealer_id = ${q.dealer}` : sql``}
        ${q.routed === 'none' ? sql`and t.routed_to is null` : q.routed ? sql`and t.routed_to = ${q.routed}` : sql``}
        ${q.breached === '1' ? sql`and (${frBreached} or ${resBreached})` : q.breached === '0' ? sql`and not (${frBreached} or ${resBreached})` : sql``}
      order by case when t.status in ('resolved', 'closed') then 1 else 0 end, coalesce(t.opened_at, t.updated_at) desc, t.id
      limit 500`);
    return c.json({
      now,
      items: rows.map(({ firstResponseHours, resolveHours, firstResponseBreached, resolveBreached, ...r }) => ({
        ...r,
        sla: firstResponseHours == null || resolveHours == null ? null : { firstResponseHours, resolveHours },
        breach: { firstResponse: !!firstResponseBreached, resolve: !!resolveBreached },
        breached: !!firstResponseBreached || !!resolveBreached,
      })),
    });
  })
  .post('/tickets/:id/route', requires('tickets:manage', { summary: 'Route a ticket to the dealer\'s rep (as a task) or to the HQ queue', body: ticketRouteBody }), async (c) => {
    const body = await readJson(c, ticketRouteBody);
    let id: DocId;
    try { id = parseDocId(c.req.param('id')); } catch { throw notFound('Ticket'); }
    if (id.kind !== 'ticket') throw notFound('Ticket');
    const { letters, registered, hint } = await docTarget(c, id);
    const db = c.get('db');
    const found = letters.includes('D') && registered ? await db.all<{ status: string; subject: string | null }>(sql`select status, subject from tickets where id = ${id.id} and dealer_id = ${id.dealerId}`) : [];
    if (!found.length) {
      await audit(c, { action: 'ticket.route', entityType: 'ticket', entityId: id.id, outcome: 'denied' });
      throw notFound('Ticket');
    }
    if (found[0].status === 'closed') throw new ApiError(409, 'closed', 'This ticket is closed; the dealer can open a new one.');
    const user = c.get('user')!;
    let route: TicketRoute = { to: 'hq', repId: null, taskId: null, dueDate: null, by: user.id, at: new Date().toISOString() };
    if (body.to === 'rep') {
      const dueDate = body.dueDate ?? addDays(1);
      // Routing again while the rep's task is still open keeps that task.
      const open = await db.all<{ id: string; repId: string; dueDate: string }>(sql`select id, rep_id as repId, due_date as dueDate from tasks where ticket_id = ${id.id} and status = 'open' limit 1`);
      const task = open[0] ?? await createTask(db, {
        dealerId: id.dealerId, title: `Support ticket: ${found[0].subject ?? 'dealer request'}`.slice(0, 200),
        details: `Follow up support ticket ${id.id} at the dealer.`, dueDate, ticketId: id.id,
      }, user.id);
      route = { ...route, to: 'rep', repId: task.repId, taskId: task.id, dueDate: open[0]?.dueDate ?? dueDate };
    }
    const res = await roomFor(c, id.id, hint).command(id.id, { name: 'routeTicket', route });
    if (!res.ok) throw res.code === 'not_found' ? notFound('Ticket') : new ApiError(409, res.code, res.message);
    await audit(c, { action: 'ticket.route', entityType: 'ticket', entityId: id.id, outcome: 'ok', detail: { to: route.to, taskId: route.taskId } });
    return c.json({ id: id.id, routedTo: route });
  });
