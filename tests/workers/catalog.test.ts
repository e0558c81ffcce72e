// The catalog at each dealer's price with running promotions and the brand's availability, the
// server charging the promoted price on a submitted order, and channel stock reports and alerts.
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DemoRows } from '../../core/demo/generate.ts';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { initDoc, order } from '../../core/docs/schema.ts';
import { dealerOf, seedDemo, signIn, tableDigest } from './fixtures.ts';

interface Item {
  id: string; category: string; wholeUnits: boolean; available: number | null;
  price: { unitPrice: number; listPrice: number; priceListId: string; scope: string } | null;
  promotion: { name: string; percentOff: number } | null;
}
let rows: DemoRows;
let dealerId: string;
beforeAll(async () => {
  rows = await seedDemo();
  dealerId = dealerOf(rows);
});
const segmentsOf = (id: unknown) => JSON.parse(String(rows.dealers.find((d) => d.id === id)!.segments)) as string[];
const catalog = async (api: Awaited<ReturnType<typeof signIn>>, query = '') =>
  (await (await api(`/api/products?pageSize=200${query}`)).json<{ items: Item[] }>()).items;

describe('catalog', () => {
  it('shows the dealer\'s promoted price next to its list price, and the brand\'s availability', async () => {
    const items = await catalog(await signIn('dealer@demo.test'));
    const brush = items.find((p) => p.category === 'Brushes & rollers' && p.price)!;
    expect(brush.promotion).toEqual({ name: 'Brush & roller weeks', percentOff: 15 });
    expect(brush.price!.unitPrice).toBe(Math.round(brush.price!.listPrice * 0.85));
    const featured = rows.promotions.find((p) => p.id === 'promo_featured')!;
    expect(items.find((p) => p.id === featured.product_id)!.promotion?.percentOff).toBe(20);
    for (const p of items) {
      expect(p.available).toBe(rows.brand_stock.find((s) => s.product_id === p.id)!.available);
      if (!p.promotion && p.price) expect(p.price.unitPrice).toBe(p.price.listPrice);
    }
  });

  it('ignores an expired promotion', async () => {
    const items = await catalog(await signIn('dealer@demo.test'), `&category=${encodeURIComponent('Interior paint')}`);
    expect(items.length).toBeGreaterThan(0);
    // The only promotion on interior paint has ended: every price is the list price.
    for (const p of items) {
      expect(p.promotion).toBeNull();
      if (p.price) expect(p.price.unitPrice).toBe(p.price.listPrice);
    }
    expect(items.every((p) => p.category === 'Interior paint')).toBe(true);
  });

  it('gives a segment\'s promotion to dealers of that segment only', async () => {
    const promo = rows.promotions.find((p) => p.id === 'promo_segment')!;
    const seg = String(promo.segment);
    const active = rows.dealers.filter((d) => d.type === 'dealer' && d.status === 'active');
    const member = active.find((d) => segmentsOf(d.id).includes(seg))!;
    const other = active.find((d) => !segmentsOf(d.id).includes(seg))!;
    const hq = await signIn('hq@demo.test');
    // A tool that is not the featured product: only the segment's promotion can apply to it.
    const pick = (items: Item[]) => items.find((p) => p.category === 'Tools' && p.id !== rows.promotions.find((x) => x.id === 'promo_featured')!.product_id && p.price)!;
    const mine = pick(await catalog(hq, `&dealer=${member.id}&category=Tools`));
    expect(mine.promotion).toEqual({ name: promo.name, percentOff: promo.percent_off });
    expect(mine.price!.unitPrice).toBe(Math.round(mine.price!.listPrice * (100 - Number(promo.percent_off)) / 100));
    const theirs = pick(await catalog(hq, `&dealer=${other.id}&category=Tools`));
    expect(theirs.promotion).toBeNull();
    expect(theirs.price!.unitPrice).toBe(theirs.price!.listPrice);
  });

  it('charges the promoted price when the server re-prices a submitted order', async () => {
    const items = await catalog(await signIn('dealer@demo.test'), `&category=${encodeURIComponent('Brushes & rollers')}`);
    const brush = items.find((p) => p.price && p.promotion)!;
    const api = await signIn('dealer@demo.test');
    const id = makeDocId('order', { dealerId }, 'promo00000001');
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(id), 'usr_dealer_admin');
    order.setLine(doc, 'l0', { productId: brush.id, quantity: 2 });
    order.setStatus(doc, 'submitted', 'usr_dealer_admin', 'dealer_admin');
    const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
    const res = await api('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(Y.encodeStateVector(new Y.Doc())), update: b64(Y.encodeStateAsUpdate(doc)) }] } });
    expect(res.status).toBe(200);
    const stub = env.DOC_ROOM.get(env.DOC_ROOM.idFromName(id));
    await runDurableObjectAlarm(stub);
    await runDurableObjectAlarm(stub);
    const s = ((await stub.snapshotJson()) as unknown as { body: { total?: number; lines: Record<string, { unitPrice?: number }> } }).body;
    expect(brush.price!.unitPrice).toBeLessThan(brush.price!.listPrice);
    expect(s.lines.l0.unitPrice).toBe(brush.price!.unitPrice);
    expect(s.total).toBe(Math.round(brush.price!.unitPrice * 2));
  });
});

describe('channel stock', () => {
  const products = () => rows.products.slice(0, 3).map((p) => String(p.id));

  it('a dealer reports its stock; bad input is refused with nothing changed', async () => {
    const api = await signIn('staff@demo.test');
    const [a, b, c] = products();
    const ok = await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: a, quantity: 40 }, { productId: b, quantity: 2, reorderPoint: 10 }] } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, saved: 2, source: 'dealer' });
    expect(await env.DB.prepare('select quantity, reorder_point as rp, source, reported_by as by from channel_stock where dealer_id = ? and product_id = ?').bind(dealerId, b).first())
      .toEqual({ quantity: 2, rp: 10, source: 'dealer', by: 'usr_dealer_staff' });
    const before = await tableDigest('channel_stock');
    const neg = await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: c, quantity: 5 }, { productId: a, quantity: -1 }] } });
    expect(neg.status).toBe(400);
    expect((await neg.json<{ error: { fields: Record<string, string> } }>()).error.fields['items.1.quantity']).toMatch(/negative/);
    const frac = await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: a, quantity: 1.5 }] } });
    expect(frac.status).toBe(400);
    expect((await frac.json<{ error: { fields: Record<string, string> } }>()).error.fields['items.0.quantity']).toMatch(/whole/);
    const unknown = await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: c, quantity: 5 }, { productId: 'prd_nope', quantity: 1 }] } });
    expect(unknown.status).toBe(422);
    expect((await unknown.json<{ error: { fields: Record<string, string> } }>()).error.fields['items.1.productId']).toBeTruthy();
    expect((await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [] } })).status).toBe(400);
    expect((await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: a, quantity: 1 }, { productId: a, quantity: 2 }] } })).status).toBe(400);
    expect(await tableDigest('channel_stock')).toBe(before);
  });

  it('a dealer cannot report for another dealer, a rep only for its dealers (as an audit)', async () => {
    const [a] = products();
    const sub = rows.dealers.find((d) => d.parent_id === dealerId)!;
    const stranger = rows.dealers.find((d) => d.type === 'dealer' && d.id !== dealerId)!;
    const before = await tableDigest('channel_stock');
    for (const email of ['dealer@demo.test', 'staff@demo.test']) {
      const api = await signIn(email);
      expect((await api(`/api/stock/${stranger.id}`, { method: 'PUT', json: { items: [{ productId: a, quantity: 1 }] } })).status).toBe(404);
      expect((await api(`/api/stock/${sub.id}`, { method: 'PUT', json: { items: [{ productId: a, quantity: 1 }] } })).status).toBe(404);
    }
    const rep = await signIn('rep@demo.test');
    const notMine = rows.rep_assignments.find((x) => x.rep_id !== 'usr_rep_01')!;
    expect((await rep(`/api/stock/${notMine.dealer_id}`, { method: 'PUT', json: { items: [{ productId: a, quantity: 1 }] } })).status).toBe(404);
    expect((await (await signIn('analyst@demo.test'))(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: a, quantity: 1 }] } })).status).toBe(403);
    expect(await tableDigest('channel_stock')).toBe(before);
    const audited = await rep(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: a, quantity: 33 }] } });
    expect(audited.status).toBe(200);
    expect(await env.DB.prepare('select quantity, source from channel_stock where dealer_id = ? and product_id = ?').bind(dealerId, a).first()).toEqual({ quantity: 33, source: 'audit' });
  });

  it('HQ sees stock per product and region across the channel, and the low rows', async () => {
    const [, b] = products();
    const region = String(rows.dealers.find((d) => d.id === dealerId)!.region_id);
    const hq = await signIn('hq@demo.test');
    const res = await (await hq(`/api/stock?region=${region}&product=${b}`)).json<{ byProduct: Array<{ productId: string; regionId: string; quantity: number; dealers: number }>; low: Array<{ dealerId: string; productId: string; quantity: number }> }>();
    const expected = await env.DB.prepare('select sum(cs.quantity) as q, count(*) as n from channel_stock cs join dealers d on d.id = cs.dealer_id where cs.product_id = ? and d.region_id = ?').bind(b, region).first<{ q: number; n: number }>();
    expect(res.byProduct).toEqual([expect.objectContaining({ productId: b, regionId: region, quantity: expected!.q, dealers: expected!.n })]);
    expect(res.low).toContainEqual(expect.objectContaining({ dealerId, productId: b, quantity: 2 }));
    const all = await (await hq('/api/stock')).json<{ byProduct: Array<{ regionId: string }> }>();
    expect(new Set(all.byProduct.map((r) => r.regionId)).size).toBeGreaterThan(0);
    expect((await hq('/api/stock?region=bad id')).status).toBe(400);
    expect((await (await signIn('supplier@demo.test'))('/api/stock')).status).toBe(403);
  });

  it('low-stock alerts reach the dealer and its rep, not other dealers', async () => {
    const [, b] = products();
    const dealer = await (await (await signIn('dealer@demo.test'))('/api/stock/alerts')).json<{ items: Array<{ dealerId: string; productId: string; low: boolean }> }>();
    expect(dealer.items).toContainEqual(expect.objectContaining({ dealerId, productId: b, low: true }));
    expect(dealer.items.every((r) => r.dealerId === dealerId)).toBe(true);
    const rep = await (await (await signIn('rep@demo.test'))('/api/stock/alerts')).json<{ items: Array<{ dealerId: string; productId: string }> }>();
    expect(rep.items).toContainEqual(expect.objectContaining({ dealerId, productId: b }));
    const mine = new Set(rows.rep_assignments.filter((a) => a.rep_id === 'usr_rep_01').map((a) => a.dealer_id));
    expect(rep.items.every((r) => mine.has(r.dealerId))).toBe(true);
    // Reported back above the reorder point, the alert is gone.
    expect((await (await signIn('dealer@demo.test'))(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: b, quantity: 50 }] } })).status).toBe(200);
    const after = await (await (await signIn('dealer@demo.test'))('/api/stock/alerts')).json<{ items: Array<{ productId: string }> }>();
    expect(after.items.map((r) => r.productId)).not.toContain(b);
  });

  it('tells the dealer and its rep when a product drops to its reorder point, once', async () => {
    const d = String(rows.products[5].id);
    const api = await signIn('dealer@demo.test');
    const rep = await signIn('rep@demo.test');
    const lows = async (who: typeof api) => (await (await who('/api/notifications')).json<{ items: Array<{ kind: string; title: string }> }>()).items.filter((n) => n.kind === 'low_stock').length;
    const [dealerBefore, repBefore] = [await lows(api), await lows(rep)];
    expect((await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: d, quantity: 30, reorderPoint: 5 }] } })).status).toBe(200);
    expect(await lows(api)).toBe(dealerBefore);
    expect((await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: d, quantity: 1 }] } })).status).toBe(200);
    await expect.poll(() => lows(api), { timeout: 5000 }).toBe(dealerBefore + 1);
    await expect.poll(() => lows(rep), { timeout: 5000 }).toBe(repBefore + 1);
    // Still low: no second alert.
    expect((await api(`/api/stock/${dealerId}`, { method: 'PUT', json: { items: [{ productId: d, quantity: 0 }] } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(await lows(api)).toBe(dealerBefore + 1);
  });
});
