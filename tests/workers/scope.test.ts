import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoRows } from '../../core/demo/generate.ts';
import { dealerOf, ROLES_EMAIL, seedDemo, signIn } from './fixtures.ts';

let rows: DemoRows;
beforeAll(async () => { rows = await seedDemo(); });

type Page = { items: Array<{ id: string; regionId: string; parentId: string | null }>; total: number };
const ids = (p: Page) => p.items.map((d) => d.id).sort();

describe('each role sees its own slice of the network', () => {
  it('/api/me tells every role its scope and permissions', async () => {
    const expected = { hq_admin: 'all', regional_manager: 'regions', analyst: 'all', field_rep: 'assigned', dealer_admin: 'dealer_tree', dealer_staff: 'dealer', supplier: 'none' };
    for (const [role, email] of Object.entries(ROLES_EMAIL)) {
      const me = await (await (await signIn(email))('/api/me')).json<{ user: { role: string }; scope: { kind: string }; permissions: string[]; brand: { name: string } }>();
      expect(me.user.role).toBe(role);
      expect(me.scope.kind).toBe(expected[role as keyof typeof expected]);
      expect(me.brand.name).toBe('Northwind Paints');
    }
  });

  it('HQ sees every non-archived dealer; the filters narrow it', async () => {
    const hq = await signIn('hq@demo.test');
    const all = await (await hq('/api/dealers?pageSize=1')).json<Page>();
    expect(all.total).toBe(rows.dealers.filter((d) => d.status !== 'archived').length);
    const north = await (await hq('/api/dealers?region=reg_north&type=sub_dealer&pageSize=200')).json<Page>();
    expect(north.total).toBe(rows.dealers.filter((d) => d.region_id === 'reg_north' && d.type === 'sub_dealer').length);
    expect(north.items.every((d) => d.regionId === 'reg_north')).toBe(true);
    const p2 = await (await hq('/api/dealers?pageSize=20&page=2')).json<Page & { page: number }>();
    expect(p2.items).toHaveLength(20);
    expect(p2.page).toBe(2);
    const search = await (await hq(`/api/dealers?q=${encodeURIComponent(String(rows.dealers[5].code))}`)).json<Page>();
    expect(search.items.map((d) => d.id)).toContain(rows.dealers[5].id);
  });

  it('a regional manager sees only its regions and gets 404 for another region', async () => {
    const mgr = await signIn('manager@demo.test');
    const page = await (await mgr('/api/dealers?pageSize=200')).json<Page>();
    expect(page.total).toBe(rows.dealers.filter((d) => d.region_id === 'reg_north').length);
    const other = rows.dealers.find((d) => d.region_id === 'reg_south')!;
    const res = await mgr(`/api/dealers/${other.id}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(String(other.name));
  });

  it('a rep sees its assigned dealers only', async () => {
    const rep = await signIn('rep@demo.test');
    const mine = rows.rep_assignments.filter((a) => a.rep_id === 'usr_rep_01').map((a) => String(a.dealer_id)).sort();
    const page = await (await rep('/api/dealers?pageSize=200')).json<Page>();
    expect(ids(page)).toEqual(mine.filter((id) => rows.dealers.find((d) => d.id === id)!.status !== 'archived'));
    const notMine = rows.rep_assignments.find((a) => a.rep_id !== 'usr_rep_01')!;
    expect((await rep(`/api/dealers/${notMine.dealer_id}`)).status).toBe(404);
  });

  it('a dealer admin sees its dealer and sub-dealers, its staff only the dealer, and another dealer is 404', async () => {
    const own = dealerOf(rows);
    const subs = rows.dealers.filter((d) => d.parent_id === own).map((d) => String(d.id));
    const admin = await signIn('dealer@demo.test');
    const page = await (await admin('/api/dealers?pageSize=200')).json<Page>();
    expect(ids(page)).toEqual([own, ...subs].sort());
    const staff = await signIn('staff@demo.test');
    expect(ids(await (await staff('/api/dealers?pageSize=200')).json<Page>())).toEqual([own]);
    expect((await staff(`/api/dealers/${subs[0]}`)).status).toBe(404);
    const stranger = rows.dealers.find((d) => d.type === 'dealer' && d.id !== own)!;
    for (const api of [admin, staff]) {
      const res = await api(`/api/dealers/${stranger.id}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'Dealer was not found.' } });
    }
    // Refused reads are audited.
    const denied = await env.DB.prepare("select count(*) as n from audit_log where action = 'dealer.read' and outcome = 'denied' and entity_id = ?").bind(stranger.id).first('n');
    expect(denied).toBe(2);
  });

  it('the dealer page carries contacts, the parent chain root first, children, contracts, certifications and reps', async () => {
    const own = dealerOf(rows);
    const hq = await signIn('hq@demo.test');
    const d = await (await hq(`/api/dealers/${own}`)).json<{ parents: Array<{ type: string }>; children: unknown[]; contacts: unknown[]; contracts: unknown[]; reps: Array<{ email: string }> }>();
    expect(d.parents[0].type).toBe('maker');
    expect(d.children.length).toBe(rows.dealers.filter((x) => x.parent_id === own).length);
    expect(d.contacts.length).toBeGreaterThan(0);
    expect(d.contracts.length).toBe(1);
    expect(d.reps.map((r) => r.email)).toContain('rep@demo.test');
  });

  it('the supplier has no dealer access at all', async () => {
    const sup = await signIn('supplier@demo.test');
    expect((await sup('/api/dealers')).status).toBe(403);
  });
});

describe('writes within scope', () => {
  it('a manager creates, updates and archives a dealer in its region, not elsewhere', async () => {
    const mgr = await signIn('manager@demo.test');
    const parent = rows.dealers.find((d) => d.type === 'dealer' && d.region_id === 'reg_north' && d.status === 'active')!;
    const created = await mgr('/api/dealers', { method: 'POST', json: { code: 'NEW-1', name: 'New Shop', type: 'sub_dealer', parentId: parent.id, regionId: 'reg_north', lat: 52.5, lng: 13.4 } });
    expect(created.status).toBe(201);
    const { dealer } = await created.json<{ dealer: { id: string } }>();
    const upd = await mgr(`/api/dealers/${dealer.id}`, { method: 'PATCH', json: { tier: 'gold', contacts: [{ name: 'Ola Owner', email: 'ola@shop.example' }] } });
    expect(upd.status).toBe(200);
    expect((await upd.json<{ dealer: { tier: string } }>()).dealer.tier).toBe('gold');
    const arch = await mgr(`/api/dealers/${dealer.id}/archive`, { method: 'POST' });
    expect((await arch.json<{ dealer: { status: string } }>()).dealer.status).toBe('archived');
    expect(await env.DB.prepare('select count(*) as n from dealers where id = ?').bind(dealer.id).first('n')).toBe(1);

    const south = await mgr('/api/dealers', { method: 'POST', json: { code: 'NEW-2', name: 'Elsewhere', type: 'sub_dealer', parentId: parent.id, regionId: 'reg_south' } });
    expect(south.status).toBe(422);
    expect((await south.json<{ error: { fields: Record<string, string> } }>()).error.fields.regionId).toMatch(/own regions/);
  });

  it('the hierarchy only nests downwards', async () => {
    const hq = await signIn('hq@demo.test');
    const sub = rows.dealers.find((d) => d.type === 'sub_dealer')!;
    const res = await hq('/api/dealers', { method: 'POST', json: { code: 'BAD-1', name: 'Bad', type: 'distributor', parentId: sub.id, regionId: sub.region_id } });
    expect(res.status).toBe(422);
    expect((await res.json<{ error: { fields: Record<string, string> } }>()).error.fields.parentId).toMatch(/cannot sit under/);
  });

  it('a dealer admin edits its own contact fields only; the analyst writes nothing', async () => {
    const own = dealerOf(rows);
    const admin = await signIn('dealer@demo.test');
    const ok = await admin(`/api/dealers/${own}`, { method: 'PATCH', json: { phone: '+49 30 1234567' } });
    expect(ok.status).toBe(200);
    const tier = await admin(`/api/dealers/${own}`, { method: 'PATCH', json: { tier: 'platinum' } });
    expect(tier.status).toBe(400);
    expect((await tier.json<{ error: { fields: Record<string, string> } }>()).error.fields.tier).toBe('Unknown field');
    const analyst = await signIn('analyst@demo.test');
    expect((await analyst(`/api/dealers/${own}`, { method: 'PATCH', json: { phone: '1' } })).status).toBe(403);
  });
});

describe('prices', () => {
  it('each product carries the most specific valid price for the dealer; the expired list is never used', async () => {
    const own = dealerOf(rows);
    const dealer = rows.dealers.find((d) => d.id === own)!;
    const admin = await signIn('dealer@demo.test');
    const res = await (await admin('/api/products?pageSize=200')).json<{ items: Array<{ id: string; price: { unitPrice: number; listPrice: number; scope: string; priceListId: string } | null }> }>();
    expect(res.items).toHaveLength(150);
    const listsFor = (pid: string) => rows.price_list_items.filter((i) => i.product_id === pid).map((i) => ({ unit_price: i.unit_price, list: rows.price_lists.find((l) => l.id === i.price_list_id)! }));
    for (const p of res.items) {
      const candidates = listsFor(p.id).filter(({ list }) => list.id !== 'pl_expired' && (
        (list.scope === 'dealer' && list.dealer_id === own) || (list.scope === 'tier' && list.tier === dealer.tier) ||
        (list.scope === 'region' && list.region_id === dealer.region_id) || list.scope === 'default'));
      const order = ['dealer', 'tier', 'region', 'default'];
      candidates.sort((a, b) => order.indexOf(String(a.list.scope)) - order.indexOf(String(b.list.scope)));
      expect(p.price?.priceListId).toBe(candidates[0].list.id);
      // The price list's own price; unitPrice is that less any running promotion (tests/workers/catalog.test.ts).
      expect(p.price?.listPrice).toBe(candidates[0].unit_price);
    }
    expect(res.items.some((p) => p.price?.scope === 'dealer')).toBe(true);
    expect(res.items.every((p) => p.price?.priceListId !== 'pl_expired')).toBe(true);
  });

  it('a rep may price for an assigned dealer only', async () => {
    const rep = await signIn('rep@demo.test');
    const mine = rows.rep_assignments.find((a) => a.rep_id === 'usr_rep_01')!;
    expect((await rep(`/api/products?dealer=${mine.dealer_id}&pageSize=1`)).status).toBe(200);
    const other = rows.rep_assignments.find((a) => a.rep_id !== 'usr_rep_01')!;
    expect((await rep(`/api/products?dealer=${other.dealer_id}`)).status).toBe(404);
  });
});
