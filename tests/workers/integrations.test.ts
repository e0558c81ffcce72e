// Integrations: HQ's API keys with scopes, and an ERP reporting shipments for an order with
// one. The events go into the order document through its room's command, partial deliveries
// add up to 'delivered', a replayed event changes nothing (even copies sent at the same moment),
// and every refusal leaves document and D1 as they were.
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DemoRows } from '../../core/demo/generate.ts';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { initDoc, order } from '../../core/docs/schema.ts';
import { dealerOf, ORIGIN, seedDemo, signIn } from './fixtures.ts';

let rows: DemoRows;
let dealerId: string;
let products: Array<{ id: string; unitPrice: number }>;
let hq: Awaited<ReturnType<typeof signIn>>;

beforeAll(async () => {
  rows = await seedDemo();
  dealerId = dealerOf(rows);
  const api = await signIn('dealer@demo.test');
  const { items } = await (await api('/api/products?pageSize=200')).json<{ items: Array<{ id: string; wholeUnits: boolean; price: { unitPrice: number } | null }> }>();
  // The two cheapest priced products, so a small order is approved at once.
  products = items.filter((x) => x.price && x.wholeUnits).map((p) => ({ id: p.id, unitPrice: p.price!.unitPrice })).sort((a, b) => a.unitPrice - b.unitPrice).slice(0, 2);
  expect(products).toHaveLength(2);
  hq = await signIn('hq@demo.test');
});

const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
const stub = (id: string) => env.DOC_ROOM.get(env.DOC_ROOM.idFromName(id));
interface Shipment { eventId: string; carrier: string; trackingNumber: string; status: string; eta: string | null; items: Array<{ productId: string; quantity: number }>; at: string; by: string }
interface OrderBody { status: string; shipments?: Shipment[]; statusHistory: Array<{ status: string; by: string; role: string }> }
const snap = async (id: string) => (await stub(id).snapshotJson()) as unknown as { body: OrderBody; log: { count: number } };
let n = 0;

// A dealer's order sent with the catch-up call; the room's alarm prices, approves and projects it.
async function placeOrder(lines: Array<{ productId: string; quantity: number }>, submit = true): Promise<string> {
  const api = await signIn('dealer@demo.test');
  const id = makeDocId('order', { dealerId }, `shiptest${String(++n).padStart(4, '0')}`);
  const doc = new Y.Doc();
  initDoc(doc, parseDocId(id));
  lines.forEach((l, i) => order.setLine(doc, `l${i}`, l));
  if (submit) order.setStatus(doc, 'submitted');
  const res = await api('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(Y.encodeStateVector(new Y.Doc())), update: b64(Y.encodeStateAsUpdate(doc)) }] } });
  expect(res.status).toBe(200);
  await runDurableObjectAlarm(stub(id));
  await runDurableObjectAlarm(stub(id));
  return id;
}

async function createKey(name: string, scopes: string[]): Promise<{ id: string; secret: string; prefix: string; scopes: string[] }> {
  const res = await hq('/api/integrations/keys', { method: 'POST', json: { name, scopes } });
  expect(res.status).toBe(201);
  return res.json();
}

// The ERP calls server to server: no cookie and no Origin header, only its key.
function erp(secret: string | null, json: unknown, raw?: string): Promise<Response> {
  const headers = new Headers({ 'content-type': 'application/json' });
  if (secret !== null) headers.set('authorization', `Bearer ${secret}`);
  return exports.default.fetch(`${ORIGIN}/api/integrations/shipments`, { method: 'POST', headers, body: raw ?? JSON.stringify(json) });
}

const event = (orderId: string, eventId: string, status: string, items: Array<{ productId: string; quantity: number }>, extra: Record<string, unknown> = {}) => ({
  orderId, eventId, carrier: 'DHL', trackingNumber: `JD0146${eventId}`, status, items, at: new Date().toISOString(), ...extra,
});

// Everything D1 holds about one order and the keys, and the room's document.
async function state(orderId: string) {
  const q = async (s: string, ...p: unknown[]) => JSON.stringify((await env.DB.prepare(s).bind(...p).all()).results);
  const s = await snap(orderId);
  return [
    await q('select * from orders where id = ?', orderId), await q('select * from order_lines where order_id = ? order by line_id', orderId),
    await q('select * from order_shipments where order_id = ? order by event_id', orderId), await q('select * from documents where id = ?', orderId),
    await q('select * from api_keys order by id'), JSON.stringify(s.body), s.log.count,
  ];
}

describe('API keys', () => {
  it('HQ creates a key whose secret is shown once; other roles cannot manage keys', async () => {
    const key = await createKey('ERP test', ['shipments:write']);
    expect(key.secret).toMatch(/^fnk_[A-Za-z0-9_-]{40,}$/);
    expect(key.prefix).toBe(key.secret.slice(0, 8));
    expect(key.scopes).toEqual(['shipments:write']);
    const stored = await env.DB.prepare('select key_hash, prefix, scopes, created_by from api_keys where id = ?').bind(key.id).first<{ key_hash: string; prefix: string; scopes: string; created_by: string }>();
    expect(stored!.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored!.key_hash).not.toContain(key.secret);
    expect(JSON.parse(stored!.scopes)).toEqual(['shipments:write']);
    const list = await (await hq('/api/integrations/keys')).json<{ items: Array<Record<string, unknown>> }>();
    const listed = list.items.find((k) => k.id === key.id)!;
    expect(listed).toMatchObject({ name: 'ERP test', prefix: key.prefix, revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(key.secret);
    expect(listed).not.toHaveProperty('secret');
    expect(await env.DB.prepare("select actor_id from audit_log where action = 'apikey.create' and entity_id = ?").bind(key.id).first()).toEqual({ actor_id: 'usr_hq' });

    const rep = await signIn('rep@demo.test');
    expect((await rep('/api/integrations/keys', { method: 'POST', json: { name: 'mine', scopes: ['shipments:write'] } })).status).toBe(403);
    const manager = await signIn('manager@demo.test');
    expect((await manager('/api/integrations/keys')).status).toBe(403);
    expect((await rep(`/api/integrations/keys/${key.id}`, { method: 'DELETE' })).status).toBe(403);

    const bad = await hq('/api/integrations/keys', { method: 'POST', json: { name: '', scopes: ['everything'] } });
    expect(bad.status).toBe(400);
    const { error } = await bad.json<{ error: { fields: Record<string, string> } }>();
    expect(Object.keys(error.fields)).toEqual(expect.arrayContaining(['name', 'scopes.0']));
    expect((await hq('/api/integrations/keys/key_nosuchkey', { method: 'DELETE' })).status).toBe(404);
  });
});

describe('ERP shipments', () => {
  it('a partial delivery, then the rest: the document shows both events and the order ends delivered', async () => {
    const [a, b] = products;
    const orderId = await placeOrder([{ productId: a.id, quantity: 3 }, { productId: b.id, quantity: 2 }]);
    expect((await snap(orderId)).body.status).toBe('approved');
    const key = await createKey('ERP', ['shipments:write']);

    // First truck: all of product a.
    const first = event(orderId, 'evt-1001', 'delivered', [{ productId: a.id, quantity: 3 }], { eta: '2026-12-01T10:00:00Z' });
    const r1 = await erp(key.secret, first);
    expect(r1.status).toBe(201);
    expect(await r1.json()).toMatchObject({ recorded: true, orderStatus: 'shipped', delivered: 3, ordered: 5 });
    let s = await snap(orderId);
    expect(s.body.status).toBe('shipped');
    expect(s.body.shipments).toHaveLength(1);
    expect(s.body.shipments![0]).toMatchObject({ eventId: 'evt-1001', carrier: 'DHL', status: 'delivered', eta: '2026-12-01T10:00:00Z', items: [{ productId: a.id, quantity: 3 }], by: `erp:${key.id}` });

    // The ERP retries the same event: answered, nothing changes.
    const before = await state(orderId);
    const replay = await erp(key.secret, { ...first, carrier: 'UPS' });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toMatchObject({ recorded: false, duplicate: true, orderStatus: 'shipped' });
    expect(await state(orderId)).toEqual(before);

    // In transit, then the second truck delivers the rest.
    expect((await erp(key.secret, event(orderId, 'evt-1002', 'in_transit', [{ productId: b.id, quantity: 2 }]))).status).toBe(201);
    expect((await snap(orderId)).body.status).toBe('shipped');
    const r3 = await erp(key.secret, event(orderId, 'evt-1003', 'delivered', [{ productId: b.id, quantity: 2 }]));
    expect(r3.status).toBe(201);
    expect(await r3.json()).toMatchObject({ recorded: true, orderStatus: 'delivered', delivered: 5, ordered: 5 });

    s = await snap(orderId);
    expect(s.body.status).toBe('delivered');
    expect(s.body.shipments!.map((e) => e.eventId)).toEqual(['evt-1001', 'evt-1002', 'evt-1003']);
    expect(s.body.statusHistory.map((h) => h.status)).toEqual(['submitted', 'approved', 'shipped', 'delivered']);
    expect(s.body.statusHistory.slice(-2)).toEqual([
      expect.objectContaining({ status: 'shipped', by: `erp:${key.id}`, role: 'server' }),
      expect.objectContaining({ status: 'delivered', by: `erp:${key.id}`, role: 'server' }),
    ]);

    // The room's projection brings D1 in line with the document.
    await runDurableObjectAlarm(stub(orderId));
    expect(await env.DB.prepare('select status from orders where id = ?').bind(orderId).first()).toEqual({ status: 'delivered' });
    const projected = (await env.DB.prepare('select event_id, carrier, status, items from order_shipments where order_id = ? order by event_id').bind(orderId).all()).results;
    expect(projected).toEqual([
      { event_id: 'evt-1001', carrier: 'DHL', status: 'delivered', items: JSON.stringify([{ productId: a.id, quantity: 3 }]) },
      { event_id: 'evt-1002', carrier: 'DHL', status: 'in_transit', items: JSON.stringify([{ productId: b.id, quantity: 2 }]) },
      { event_id: 'evt-1003', carrier: 'DHL', status: 'delivered', items: JSON.stringify([{ productId: b.id, quantity: 2 }]) },
    ]);
    const audited = (await env.DB.prepare("select actor_id, actor_role from audit_log where action = 'shipment.record' and entity_id = ?").bind(orderId).all()).results;
    expect(audited).toHaveLength(3);
    expect(audited[0]).toEqual({ actor_id: `apikey:${key.id}`, actor_role: 'apikey' });
    expect((await env.DB.prepare('select last_used_at from api_keys where id = ?').bind(key.id).first<{ last_used_at: string | null }>())!.last_used_at).toBeTruthy();
  });

  it('refuses a bad key, a revoked key, a key without the scope, an unknown order or product and a bad body, changing nothing', async () => {
    const [a, b] = products;
    const orderId = await placeOrder([{ productId: a.id, quantity: 1 }]);
    expect((await snap(orderId)).body.status).toBe('approved');
    const good = await createKey('ERP good', ['shipments:write']);
    const revoked = await createKey('ERP old', ['shipments:write']);
    const scopeless = await createKey('Reporting only', []);
    const revoke = await hq(`/api/integrations/keys/${revoked.id}`, { method: 'DELETE' });
    expect(revoke.status).toBe(200);
    expect((await revoke.json<{ revokedAt: string | null }>()).revokedAt).toBeTruthy();
    expect(await env.DB.prepare("select count(*) as n from audit_log where action = 'apikey.revoke' and entity_id = ?").bind(revoked.id).first()).toEqual({ n: 1 });

    const ok = event(orderId, 'evt-2001', 'in_transit', [{ productId: a.id, quantity: 1 }]);
    const before = await state(orderId);
    const refusals: Array<[string, () => Promise<Response>, number, string]> = [
      ['no key', () => erp(null, ok), 401, 'Authorization'],
      ['wrong key', () => erp('fnk_thisisnotakeyatall0000000000000000000000', ok), 401, 'not valid'],
      ['revoked key', () => erp(revoked.secret, ok), 401, 'revoked'],
      ['key without the scope', () => erp(scopeless.secret, ok), 403, 'shipments:write'],
      ['unknown order', () => erp(good.secret, { ...ok, orderId: makeDocId('order', { dealerId }, 'nosuchorder0001') }), 404, 'No such order'],
      ['not an order id', () => erp(good.secret, { ...ok, orderId: makeDocId('ticket', { dealerId }, 'someticket0001') }), 400, 'orderId'],
      ['unknown product', () => erp(good.secret, { ...ok, items: [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }] }), 422, b.id],
      ['bad body', () => erp(good.secret, { ...ok, carrier: '', status: 'lost', items: [], at: 'yesterday' }), 400, 'carrier'],
      ['zero quantity', () => erp(good.secret, { ...ok, items: [{ productId: a.id, quantity: 0 }] }), 400, 'items.0.quantity'],
      ['unknown field', () => erp(good.secret, { ...ok, secretField: 1 }), 400, 'secretField'],
      ['malformed JSON', () => erp(good.secret, null, '{"orderId":'), 400, 'JSON'],
    ];
    for (const [what, send, status, mention] of refusals) {
      const res = await send();
      expect(res.status, what).toBe(status);
      const { error } = await res.json<{ error: { code: string; message: string; fields?: Record<string, string> } }>();
      expect(`${error.message} ${Object.keys(error.fields ?? {}).join(' ')}`, what).toContain(mention);
      expect(await state(orderId), what).toEqual(before);
    }
    const bad = await (await erp(good.secret, { ...ok, carrier: '', status: 'lost', items: [], at: 'yesterday' })).json<{ error: { fields: Record<string, string> } }>();
    expect(Object.keys(bad.error.fields).sort()).toEqual(['at', 'carrier', 'items', 'status']);
    const denied = await env.DB.prepare("select count(*) as n from audit_log where action = 'apikey.refused' and actor_id = ?").bind(`apikey:${scopeless.id}`).first<{ n: number }>();
    expect(denied!.n).toBeGreaterThan(0);

    // The same event with the right key is taken.
    expect((await erp(good.secret, ok)).status).toBe(201);
    expect((await snap(orderId)).body.shipments).toHaveLength(1);
  });

  it('copies of one event sent at the same moment are recorded once, in the document and in D1', async () => {
    const [a, b] = products;
    const orderId = await placeOrder([{ productId: a.id, quantity: 4 }, { productId: b.id, quantity: 1 }]);
    expect((await snap(orderId)).body.status).toBe('approved');
    const key = await createKey('ERP retries', ['shipments:write']);
    const first = event(orderId, 'evt-4001', 'in_transit', [{ productId: a.id, quantity: 4 }]);
    const second = event(orderId, 'evt-4002', 'in_transit', [{ productId: b.id, quantity: 1 }]);
    // Five copies of one event, then three each of two events, all at once.
    const once = await Promise.all(Array.from({ length: 5 }, () => erp(key.secret, first)));
    expect(once.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const bodies = await Promise.all(once.map((r) => r.json<{ recorded: boolean; duplicate: boolean }>()));
    expect(bodies.filter((x) => x.recorded)).toHaveLength(1);
    expect(bodies.filter((x) => x.duplicate)).toHaveLength(4);
    const mixed = await Promise.all([first, second, second, first, second, first].map((e) => erp(key.secret, e)));
    expect(mixed.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);

    const s = await snap(orderId);
    expect(s.body.shipments!.map((e) => e.eventId).sort()).toEqual(['evt-4001', 'evt-4002']);
    expect(s.body.statusHistory.map((h) => h.status)).toEqual(['submitted', 'approved', 'shipped']);
    await runDurableObjectAlarm(stub(orderId));
    const projected = (await env.DB.prepare('select event_id from order_shipments where order_id = ? order by event_id').bind(orderId).all()).results;
    expect(projected).toEqual([{ event_id: 'evt-4001' }, { event_id: 'evt-4002' }]);
    expect(await env.DB.prepare('select status from orders where id = ?').bind(orderId).first()).toEqual({ status: 'shipped' });
    const audited = await env.DB.prepare("select count(*) as n from audit_log where action = 'shipment.record' and entity_id = ?").bind(orderId).first('n');
    expect(audited).toBe(2);
  });

  it('refuses shipments for an order not yet approved', async () => {
    const orderId = await placeOrder([{ productId: products[0].id, quantity: 1 }], false);
    expect((await snap(orderId)).body.status).toBe('draft');
    const key = await createKey('ERP draft', ['shipments:write']);
    const before = await state(orderId);
    const res = await erp(key.secret, event(orderId, 'evt-3001', 'in_transit', [{ productId: products[0].id, quantity: 1 }]));
    expect(res.status).toBe(409);
    expect((await res.json<{ error: { message: string } }>()).error.message).toContain('draft');
    expect(await state(orderId)).toEqual(before);
  });
});
