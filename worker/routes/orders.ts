import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { DocIdError, parseDocId } from '../../core/docs/id.ts';
import { APPROVAL_LEVELS, DEFAULT_APPROVAL_RULES, mayDecide } from '../../core/orders/approval.ts';
import { approvalRulesBody, verdictBody } from '../../core/validators/orders.ts';
import { audit } from '../audit.ts';
import { dealerScopeSql, reachSql } from '../../server/scope.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readJson } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import { docTarget, roomFor } from '../sync/access.ts';
import type { AppEnv } from '../types.ts';
import { inParts } from '../../server/db.ts';

export const orderRoutes = new Hono<AppEnv>()
  // The approver's queue: orders waiting at the caller's level, in the caller's scope.
  .get('/orders/approvals', requires('orders:approve', { summary: 'Orders waiting for the caller\'s approval' }), async (c) => {
    const user = c.get('user')!;
    // The levels this caller decides (core/orders/approval.ts); a network's orders only its own.
    const levels = APPROVAL_LEVELS.filter((l) => mayDecide({ role: user.role, dealerId: user.dealerId }, l, user.dealerId));
    if (!levels.length) return c.json({ items: [] });
    const level = sql`and o.approval_level in ${levels} and (o.approval_level <> 'network' or o.approver_dealer_id = ${user.dealerId ?? ''})`;
    const rows = await c.get('db').all(sql`
      select o.id, o.dealer_id as dealerId, d.name as dealerName, o.status, o.total, o.line_count as lineCount, o.submitted_at as submittedAt,
        o.approval_state as approvalState, o.approval_level as approvalLevel
      from orders o join dealers d on d.id = o.dealer_id
      where o.approval_state in ('pending', 'held') and ${reachSql(user.role, 'order', 'D', user)} ${level}
      order by o.submitted_at, o.id limit 500`) as Array<Record<string, unknown> & { id: string }>;
    // The lines, so an approver sees what is ordered without opening the document.
    const lines = await inParts(rows.map((r) => r.id), (part) => c.get('db').all<{ orderId: string; productId: string; name: string; quantity: number; unitPrice: number | null }>(sql`
      select l.order_id as orderId, l.product_id as productId, coalesce(p.name, l.product_id) as name, l.quantity, l.unit_price as unitPrice
      from order_lines l left join products p on p.id = l.product_id where l.order_id in ${part} order by l.line_id`));
    return c.json({ items: rows.map((r) => ({ ...r, lines: lines.filter((l) => l.orderId === r.id) })) });
  })
  .post('/orders/:id/decision', requires('orders:approve', { summary: 'Approve or reject an order waiting for the caller', body: verdictBody }), async (c) => {
    let id;
    try { id = parseDocId(c.req.param('id')); } catch (err) { if (err instanceof DocIdError) throw notFound('Order'); throw err; }
    if (id.kind !== 'order') throw notFound('Order');
    const body = await readJson(c, verdictBody);
    const { letters, registered, hint } = await docTarget(c, id);
    if (!letters.includes('D') || !registered) {
      await audit(c, { action: 'order.decide', entityType: 'order', entityId: id.id, outcome: 'denied' });
      throw notFound('Order');
    }
    const user = c.get('user')!;
    const verdict = { decision: body.decision, comment: body.comment, by: user.id, byName: user.name, role: user.role, dealerId: user.dealerId };
    const res = await roomFor(c, id.id, hint).command(id.id, { name: 'verdict', verdict });
    if (!res.ok) throw res.code === 'not_found' ? notFound('Order') : new ApiError(409, 'not_waiting', res.message);
    await audit(c, { action: `order.${body.decision}`, entityType: 'order', entityId: id.id, outcome: 'ok', detail: { comment: body.comment } });
    return c.json({ id: id.id, status: res.status });
  })
  // A network's parent fulfils the orders it approved for its network: its own delivery, recorded
  // in the order like an ERP's shipment.
  .get('/orders/network', requires('orders:approve', { summary: 'Orders a network dealer approved and has to deliver' }), async (c) => {
    const user = c.get('user')!;
    const rows = await c.get('db').all(sql`
      select o.id, o.dealer_id as dealerId, d.name as dealerName, o.status, o.total, o.line_count as lineCount, o.submitted_at as submittedAt
      from orders o join dealers d on d.id = o.dealer_id
      where o.approver_dealer_id = ${user.dealerId ?? ''} and o.status in ('approved', 'shipped') and ${dealerScopeSql(c.get('scope')!)}
      order by o.submitted_at, o.id limit 500`);
    return c.json({ items: rows });
  })
  .post('/orders/:id/deliver', requires('orders:approve', { summary: 'A network dealer records that it delivered an order of its network' }), async (c) => {
    let id;
    try { id = parseDocId(c.req.param('id')); } catch (err) { if (err instanceof DocIdError) throw notFound('Order'); throw err; }
    if (id.kind !== 'order') throw notFound('Order');
    const user = c.get('user')!;
    const { letters, registered, hint } = await docTarget(c, id);
    if (!letters.includes('D') || !registered) throw notFound('Order');
    const res = await roomFor(c, id.id, hint).command(id.id, { name: 'deliver', who: { userId: user.id, role: user.role, dealerId: user.dealerId } });
    if (!res.ok) throw res.code === 'not_found' ? notFound('Order') : new ApiError(409, res.code, res.message);
    await audit(c, { action: 'order.deliver', entityType: 'order', entityId: id.id, outcome: 'ok' });
    return c.json({ id: id.id, status: 'delivered' });
  })
  .get('/orders/approval-rules', requires('orders:rules:read', { summary: 'The approval rules for orders' }), async (c) => {
    const rows = await c.get('db').all<{ autoApproveMax: number; managerMax: number }>(sql`select auto_approve_max as autoApproveMax, manager_max as managerMax from approval_rules where org_id = ${c.get('user')!.orgId}`);
    return c.json(rows[0] ?? DEFAULT_APPROVAL_RULES);
  })
  .put('/orders/approval-rules', requires('orders:rules', { summary: 'Set the approval rules for orders', body: approvalRulesBody }), async (c) => {
    const body = await readJson(c, approvalRulesBody);
    const user = c.get('user')!;
    await c.get('db').run(sql`insert into approval_rules (org_id, auto_approve_max, manager_max, updated_by, updated_at) values (${user.orgId}, ${body.autoApproveMax}, ${body.managerMax}, ${user.id}, ${new Date().toISOString()})
      on conflict (org_id) do update set auto_approve_max = excluded.auto_approve_max, manager_max = excluded.manager_max, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
    await audit(c, { action: 'order.rules', entityType: 'organisation', entityId: user.orgId, outcome: 'ok', detail: body });
    return c.json(body);
  });
