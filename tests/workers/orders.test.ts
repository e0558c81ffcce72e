// The order lifecycle on the server: a submitted order is re-priced from D1 (a price in the
// document is never charged), credit-checked and approved automatically, by the regional
// manager or by HQ as the rules say; approvers decide through the room's commands, so every
// replica sees it, and two at once cannot both decide. HQ reads orders but never writes them.
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DemoRows } from '../../core/demo/generate.ts';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { body, initDoc, order } from '../../core/docs/schema.ts';
import { dealerOf, seedDemo, signIn, type Api } from './fixtures.ts';

let rows: DemoRows;
let dealerId: string;
let product: { id: string; unitPrice: number };
beforeAll(async () => {
  rows = await seedDemo();
  dealerId = dealerOf(rows);
  const api = await signIn('dealer@demo.test');
  const { items } = await (await api('/api/products?pageSize=50')).json<{ items: Array<{ id: string; wholeUnits: boolean; price: { unitPrice: number } | null }> }>();
  const p = items.find((x) => x.price && x.wholeUnits)!;
  product = { id: p.id, unitPrice: p.price!.unitPrice };
});

const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
const stub = (id: string) => env.DOC_ROOM.get(env.DOC_ROOM.idFromName(id));
let n = 0;

// A dealer's order written offline and submitted, sent with the catch-up call; then the room's
// alarm runs the server's decision and the projection.
async function submit(lines: Array<{ productId: string; quantity: number; unitPrice?: number }>) {
  const api = await signIn('dealer@demo.test');
  const id = makeDocId('order', { dealerId }, `lifecycle${String(++n).padStart(4, '0')}`);
  const doc = new Y.Doc();
  initDoc(doc, parseDocId(id));
  lines.forEach((l, i) => order.setLine(doc, `l${i}`, { productId: l.productId, quantity: l.quantity }));
  order.setStatus(doc, 'submitted');
  const res = await api('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(Y.encodeStateVector(new Y.Doc())), update: b64(Y.encodeStateAsUpdate(doc)) }] } });
  expect(res.status).toBe(200);
  await runDurableObjectAlarm(stub(id));
  await runDurableObjectAlarm(stub(id));
  return id;
}
// The demo has no users at sub-dealers: one is added here, an admin of the given sub-dealer.
async function subDealerAdmin(subDealerId: string): Promise<Api> {
  const email = `sub.${subDealerId}@orders.test`;
  await env.DB.prepare(`insert or ignore into users (id, org_id, email, name, password_hash, role, dealer_id, status)
    select ?, org_id, ?, 'Sub Dealer', password_hash, 'dealer_admin', ?, 'active' from users where id = 'usr_dealer_admin'`).bind(`usr_sub_${subDealerId}`, email, subDealerId).run();
  return signIn(email);
}

const state = async (id: string) => ((await stub(id).snapshotJson()) as unknown as { body: unknown }).body as { status: string; total?: number; approval?: { state: string; level?: string; reason?: string; problems?: string[]; comment?: string }; lines: Record<string, { unitPrice?: number }>; statusHistory: Array<{ status: string; role: string }> };

describe('order lifecycle', () => {
  it('re-prices a small order from the dealer\'s price list and approves it at once', async () => {
    const id = await submit([{ productId: product.id, quantity: 1 }]);
    const s = await state(id);
    expect(s.status).toBe('approved');
    expect(s.lines.l0.unitPrice).toBe(product.unitPrice);
    expect(s.total).toBe(product.unitPrice);
    expect(s.approval?.state).toBe('approved');
    expect(s.statusHistory.map((h) => h.status)).toEqual(['submitted', 'approved']);
    expect(await env.DB.prepare('select status, total, approval_state from orders where id = ?').bind(id).first()).toEqual({ status: 'approved', total: product.unitPrice, approval_state: 'approved' });
  });

  it('never charges a price the document claims, and never keeps an approval a dealer wrote', async () => {
    const api = await signIn('dealer@demo.test');
    const id = makeDocId('order', { dealerId }, 'tampered0001');
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(id));
    order.setLine(doc, 'l0', { productId: product.id, quantity: 2, unitPrice: 1 });
    body(doc, 'order').set('status', 'approved');
    const res = await api('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(Y.encodeStateVector(new Y.Doc())), update: b64(Y.encodeStateAsUpdate(doc)) }] } });
    const { results } = await res.json<{ results: Array<{ corrected: boolean }> }>();
    expect(results[0].corrected).toBe(true);
    const s = await state(id);
    expect(s.status).toBe('draft');
    expect(s.lines.l0?.unitPrice).toBeUndefined();
    const audited = await env.DB.prepare("select count(*) as n from audit_log where action = 'doc.write_refused' and entity_id = ?").bind(id).first<{ n: number }>();
    expect(audited!.n).toBeGreaterThan(0);
  });

  it('sends a larger order to the regional manager, who approves it; the dealer sees each step', async () => {
    const qty = Math.ceil(150_000 / product.unitPrice);
    const id = await submit([{ productId: product.id, quantity: qty }]);
    expect((await state(id)).approval).toMatchObject({ state: 'pending', level: 'regional_manager' });
    const manager = await signIn('manager@demo.test');
    const queue = await (await manager('/api/orders/approvals')).json<{ items: Array<{ id: string; total: number }> }>();
    expect(queue.items.find((o) => o.id === id)?.total).toBe(qty * product.unitPrice);
    // Rejecting needs a reason; a bad body changes nothing.
    expect((await manager(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'reject' } })).status).toBe(400);
    expect((await manager(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'maybe' } })).status).toBe(400);
    expect((await state(id)).status).toBe('submitted');
    // The dealer itself, its staff or an analyst cannot decide (the dealer may create and write
    // its orders, never decide them: to its admin the order is not there to decide).
    expect((await (await signIn('dealer@demo.test'))(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'approve' } })).status).toBe(404);
    expect((await (await signIn('staff@demo.test'))(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'approve' } })).status).toBe(403);
    expect((await (await signIn('analyst@demo.test'))(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'approve' } })).status).toBe(403);
    const ok = await manager(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'approve', comment: 'Fine for the season' } });
    expect(ok.status).toBe(200);
    const s = await state(id);
    expect(s.status).toBe('approved');
    expect(s.approval).toMatchObject({ state: 'approved', comment: 'Fine for the season' });
    expect(s.statusHistory.map((h) => `${h.status}:${h.role}`)).toEqual(['submitted:dealer_admin', 'approved:regional_manager']);
    // Decided once: a second verdict is refused.
    expect((await manager(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'reject', comment: 'no' } })).status).toBe(409);
  });

  it('holds an order over the credit limit for HQ, which a manager cannot release', async () => {
    const limit = Number(rows.dealers.find((d) => d.id === dealerId)!.credit_limit);
    const id = await submit([{ productId: product.id, quantity: Math.ceil((limit + 1) / product.unitPrice) }]);
    const s = await state(id);
    expect(s.status).toBe('held');
    expect(s.approval).toMatchObject({ state: 'held', level: 'hq_admin' });
    expect(s.approval?.reason).toMatch(/credit limit/);
    const manager = await signIn('manager@demo.test');
    expect((await manager(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'approve' } })).status).toBe(409);
    const hq = await signIn('hq@demo.test');
    expect((await (await hq('/api/orders/approvals')).json<{ items: Array<{ id: string }> }>()).items.map((o) => o.id)).toContain(id);
    expect((await hq(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'reject', comment: 'Settle the open invoices first' } })).status).toBe(200);
    expect((await state(id)).status).toBe('rejected');
  });

  it('sends back an order with an unknown product or a fractional quantity of a whole unit, naming the line', async () => {
    const id = await submit([{ productId: 'prd_nope', quantity: 1 }, { productId: product.id, quantity: 1.5 }]);
    const s = await state(id);
    expect(s.status).toBe('draft');
    expect(s.approval?.state).toBe('returned');
    expect(s.approval?.problems?.join(' ')).toMatch(/no such product/);
    expect(s.approval?.problems?.join(' ')).toMatch(/whole units/);
    expect(s.total).toBeUndefined();
  });

  it('sends a sub-dealer\'s order to the dealer above it, which approves it for its network', async () => {
    const sub = rows.dealers.find((d) => d.parent_id === dealerId && d.type === 'sub_dealer')!;
    const api = await signIn('dealer@demo.test');
    const id = makeDocId('order', { dealerId: String(sub.id) }, 'network00001');
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(id));
    order.setLine(doc, 'l0', { productId: product.id, quantity: 3 });
    order.setStatus(doc, 'submitted');
    const send = (who: Api) => who('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(Y.encodeStateVector(new Y.Doc())), update: b64(Y.encodeStateAsUpdate(doc)) }] } });
    // The network's parent decides its sub-dealers' orders; it does not place them.
    const notYours = await (await send(api)).json<{ results: Array<{ error?: { code: string } }> }>();
    expect(notYours.results[0].error?.code).toBe('not_found');
    expect(await env.DB.prepare('select count(*) as n from documents where id = ?').bind(id).first('n')).toBe(0);
    const placed = await (await send(await subDealerAdmin(String(sub.id)))).json<{ results: Array<{ error?: unknown; corrected?: boolean }> }>();
    expect(placed.results[0]).toMatchObject({ corrected: false });
    await runDurableObjectAlarm(stub(id));
    await runDurableObjectAlarm(stub(id));
    expect((await state(id)).approval).toMatchObject({ state: 'pending', level: 'network', approverDealerId: dealerId });
    const queue = await (await api('/api/orders/approvals')).json<{ items: Array<{ id: string }> }>();
    expect(queue.items.map((o) => o.id)).toContain(id);
    // Not the brand's manager's to decide, and not the sub-dealer's staff's.
    expect((await (await signIn('manager@demo.test'))(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'approve' } })).status).toBe(409);
    expect((await (await signIn('staff@demo.test'))(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'approve' } })).status).toBe(403);
    expect((await api(`/api/orders/${id}/decision`, { method: 'POST', json: { decision: 'approve', comment: 'From our stock' } })).status).toBe(200);
    expect((await state(id)).status).toBe('approved');
    // It delivers from its own stock; the brand's manager cannot record that for it.
    await runDurableObjectAlarm(stub(id));
    expect((await (await api('/api/orders/network')).json<{ items: Array<{ id: string }> }>()).items.map((o) => o.id)).toContain(id);
    expect((await (await signIn('manager@demo.test'))(`/api/orders/${id}/deliver`, { method: 'POST' })).status).toBe(409);
    expect((await api(`/api/orders/${id}/deliver`, { method: 'POST' })).status).toBe(200);
    const done = (await stub(id).snapshotJson()) as unknown as { body: { status: string; shipments: Array<{ carrier: string; items: Array<{ quantity: number }> }> } };
    expect(done.body.status).toBe('delivered');
    expect(done.body.shipments).toMatchObject([{ carrier: 'Own delivery', items: [{ quantity: 3 }] }]);
    expect((await api(`/api/orders/${id}/deliver`, { method: 'POST' })).status).toBe(409);
  });

  it('two approvers deciding at once: one decision is taken, the others get 409, and D1 says the same', async () => {
    const qty = Math.ceil(150_000 / product.unitPrice);
    const id = await submit([{ productId: product.id, quantity: qty }]);
    expect((await state(id)).approval).toMatchObject({ state: 'pending', level: 'regional_manager' });
    const [manager, hq, hq2] = await Promise.all([signIn('manager@demo.test'), signIn('hq@demo.test'), signIn('hq@demo.test')]);
    const decisions = [
      { api: manager, json: { decision: 'approve', comment: 'Manager says yes' } },
      { api: hq, json: { decision: 'reject', comment: 'HQ says no' } },
      { api: hq2, json: { decision: 'approve', comment: 'HQ says yes' } },
    ];
    const answers = await Promise.all(decisions.map((d) => d.api(`/api/orders/${id}/decision`, { method: 'POST', json: d.json })));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(2);
    const winner = decisions[statuses.indexOf(200)].json;
    const decided = winner.decision === 'approve' ? 'approved' : 'rejected';
    const s = await state(id);
    expect(s.status).toBe(decided);
    expect(s.approval).toMatchObject({ state: decided, comment: winner.comment });
    expect(s.statusHistory.map((h) => h.status)).toEqual(['submitted', decided]);
    await runDurableObjectAlarm(stub(id));
    expect(await env.DB.prepare('select status, approval_state as approvalState from orders where id = ?').bind(id).first()).toEqual({ status: decided, approvalState: decided });
    const audited = (await env.DB.prepare("select action from audit_log where entity_id = ? and action in ('order.approve', 'order.reject')").bind(id).all<{ action: string }>()).results;
    expect(audited).toEqual([{ action: `order.${winner.decision}` }]);
  });

  it('HQ reads orders but does not write or create them', async () => {
    const id = await submit([{ productId: product.id, quantity: Math.ceil(150_000 / product.unitPrice) }]);
    const hq = await signIn('hq@demo.test');
    const before = JSON.stringify(await state(id));
    const copy = new Y.Doc();
    Y.applyUpdate(copy, await stub(id).stateAsUpdate());
    const sv = Y.encodeStateVector(copy);
    order.setStatus(copy, 'cancelled');
    const res = await hq('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(sv), update: b64(Y.encodeStateAsUpdate(copy, sv)) }] } });
    expect((await res.json<{ results: Array<{ error?: { code: string } }> }>()).results[0].error?.code).toBe('read_only');
    expect(JSON.stringify(await state(id))).toBe(before);
    // Reading is fine; a new order in HQ's name is not.
    const read = await (await hq('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(Y.encodeStateVector(new Y.Doc())) }] } })).json<{ results: Array<{ diff?: string; error?: unknown }> }>();
    expect(read.results[0].error).toBeUndefined();
    expect(read.results[0].diff).toBeTruthy();
    const fresh = makeDocId('order', { dealerId }, 'hqorder00001');
    const created = await (await hq('/api/sync', { method: 'POST', json: { docs: [{ doc: fresh, stateVector: b64(Y.encodeStateVector(new Y.Doc())) }] } })).json<{ results: Array<{ error?: { code: string } }> }>();
    expect(created.results[0].error?.code).toBe('not_found');
    expect(await env.DB.prepare('select count(*) as n from documents where id = ?').bind(fresh).first('n')).toBe(0);
  });

  it('lets HQ set the approval rules, refusing limits that contradict each other', async () => {
    const hq = await signIn('hq@demo.test');
    expect((await hq('/api/orders/approval-rules', { method: 'PUT', json: { autoApproveMax: 500, managerMax: 100 } })).status).toBe(400);
    expect(await (await hq('/api/orders/approval-rules')).json()).toEqual({ autoApproveMax: 100_000, managerMax: 500_000 });
    expect((await (await signIn('manager@demo.test'))('/api/orders/approval-rules', { method: 'PUT', json: { autoApproveMax: 0, managerMax: 0 } })).status).toBe(403);
    expect((await hq('/api/orders/approval-rules', { method: 'PUT', json: { autoApproveMax: 0, managerMax: 100 } })).status).toBe(200);
    const id = await submit([{ productId: product.id, quantity: 1 }]);
    expect((await state(id)).approval).toMatchObject({ state: 'pending' });
    await hq('/api/orders/approval-rules', { method: 'PUT', json: { autoApproveMax: 100_000, managerMax: 500_000 } });
  });
});

describe('order notifications', () => {
  it('tells the dealer\'s users in the app when an order is approved', async () => {
    await submit([{ productId: product.id, quantity: 1 }]);
    const api = await signIn('dealer@demo.test');
    await expect.poll(async () => (await (await api('/api/notifications')).json<{ items: Array<{ kind: string; url: string }> }>()).items.some((n) => n.kind === 'order_approved' && n.url.startsWith('/portal/orders/')), { timeout: 5000 }).toBe(true);
  });
});
