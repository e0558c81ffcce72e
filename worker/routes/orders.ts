import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import * as Y from 'yjs';
import { DocIdError, parseDocId } from '../../core/docs/id.ts';
import { body, order, type Json } from '../../core/docs/schema.ts';
import { deliveryProgress } from '../../core/validators/integrations.ts';
import { DEFAULT_APPROVAL_RULES } from '../../core/orders/approval.ts';
import { approvalRulesBody, verdictBody } from '../../core/validators/orders.ts';
import { audit } from '../audit.ts';
import { dealerScopeSql } from '../../server/scope.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readJson } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import { docTarget, roomFor } from '../sync/access.ts';
import { serverCopy } from '../sync/server-copy.ts';
import type { AppEnv } from '../types.ts';
import { inParts } from '../../server/db.ts';

export const orderRoutes = new Hono<AppEnv>()
  // The approver's queue: orders waiting at the caller's level, in the caller's scope.
  .get('/orders/approvals', requires('orders:approve', { summary: 'Orders waiting for the caller\'s approval' }), async (c) => {
    const user = c.get('user')!;
    const level = user.role === 'hq_admin' ? sql``
      : user.role === 'dealer_admin' ? sql`and o.approval_level = 'network' and o.approver_dealer_id = ${user.dealerId ?? ''}`
      : sql`and o.approval_level = 'regional_manager'`;
    const rows = await c.get('db').all(sql`
      select o.id, o.dealer_id as dealerId, d.name as dealerName, o.status, o.total, o.line_count as lineCount, o.submitted_at as submittedAt,
        o.approval_state as approvalState, o.approval_level as approvalLevel
      from orders o join dealers d on d.id = o.dealer_id
      where o.approval_state in ('pending', 'held') and ${dealerScopeSql(c.get('scope')!)} ${level}
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
    const { access, hint } = await docTarget(c, id);
    if (!access) {
      await audit(c, { action: 'order.decide', entityType: 'order', entityId: id.id, outcome: 'denied' });
      throw notFound('Order');
    }
    const user = c.get('user')!;
    const res = await roomFor(c, id.id, hint).orderVerdict(id.id, { decision: body.decision, comment: body.comment, by: user.id, byName: user.name, role: user.role, dealerId: user.dealerId });
    if (res.error) throw new ApiError(409, 'not_waiting', res.error);
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
    const { access, hint } = await docTarget(c, id);
    if (!access) throw notFound('Order');
    const room = roomFor(c, id.id, hint);
    const { doc, commit } = await serverCopy(room, id.id);
    const b = body(doc, 'order');
    const approval = b.get('approval') as { level?: string; approverDealerId?: string } | undefined;
    if (approval?.level !== 'network' || !user.dealerId || approval.approverDealerId !== user.dealerId) throw new ApiError(409, 'not_yours', 'Only the dealer that approved this network order delivers it.');
    const status = order.status(doc);
    if (status !== 'approved' && status !== 'shipped') throw new ApiError(409, 'not_deliverable', `This order is ${status ?? 'not started'}; only approved orders can be delivered.`);
    const lines = Object.values(order.lines(doc).toJSON()) as Array<{ productId: unknown; quantity: unknown }>;
    const shipments = b.get('shipments') as Y.Array<Json>;
    const progress = deliveryProgress(lines, shipments.toArray());
    const at = new Date().toISOString();
    const items = Object.entries(progress.byProduct).filter(([, p]) => p.ordered > p.delivered).map(([productId, p]) => ({ productId, quantity: p.ordered - p.delivered }));
    doc.transact(() => {
      shipments.push([{ eventId: `own-${at}`, carrier: 'Own delivery', trackingNumber: '', status: 'delivered', eta: null, items, at, receivedAt: at, by: user.id }]);
      b.set('status', 'delivered');
      (b.get('statusHistory') as Y.Array<Json>).push([{ status: 'delivered', by: user.id, role: user.role, at }]);
    });
    await commit();
    await audit(c, { action: 'order.deliver', entityType: 'order', entityId: id.id, outcome: 'ok' });
    return c.json({ id: id.id, status: 'delivered' });
  })
  .get('/orders/approval-rules', requires('orders:approve', { summary: 'The approval rules for orders' }), async (c) => {
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
