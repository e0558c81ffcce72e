// The hand-made network of fixtures.ts: every expectation here is written out by name, so a
// scope or price rule that drifts shows up as a plain difference of ids or cents.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, NET, NET_EMAIL, seedNetwork, signIn, tableDigest, type Api } from './fixtures.ts';

type Page = { items: Array<{ id: string }>; total: number; page: number; pageSize: number };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
type Products = { items: Array<{ id: string; category: string; price: { unitPrice: number; currency: string; priceListId: string; scope: string } | null }>; total: number };

const ALL_IDS = [NET.maker, NET.dist, NET.a, NET.a1, NET.a2, NET.b, NET.c, NET.d, NET.x];
const u = {} as Record<'hq' | 'mgr' | 'mgrS' | 'analyst' | 'rep' | 'dadmin' | 'dstaff' | 'distadmin' | 'supplier', Api>;

beforeAll(async () => {
  await seedNetwork();
  Object.assign(u, {
    hq: await signIn(NET_EMAIL.hq_admin), mgr: await signIn(NET_EMAIL.regional_manager), mgrS: await signIn('manager.s@t.test'),
    analyst: await signIn(NET_EMAIL.analyst), rep: await signIn(NET_EMAIL.field_rep), dadmin: await signIn(NET_EMAIL.dealer_admin),
    dstaff: await signIn(NET_EMAIL.dealer_staff), distadmin: await signIn('distadmin@t.test'), supplier: await signIn(NET_EMAIL.supplier),
  });
});

const list = async (api: Api, query = '') => {
  const res = await api(`/api/dealers?pageSize=200${query}`);
  expect(res.status, query).toBe(200);
  return (await res.json<Page>()).items.map((d) => d.id);
};

describe('dealer scope, role by role', () => {
  // Lists are in name order: Alpha Corner, Alpha Kiosk, Alpha Paints, Beta Colours, Delta Farben,
  // Distributor North, Gamma Decor, Maker Works (Old Shop is archived).
  const visible: Array<[keyof typeof u, string[], string[]]> = [
    // [who, list, detail reachable (archived included)]
    ['hq', [NET.a1, NET.a2, NET.a, NET.b, NET.d, NET.dist, NET.c, NET.maker], ALL_IDS],
    ['analyst', [NET.a1, NET.a2, NET.a, NET.b, NET.d, NET.dist, NET.c, NET.maker], ALL_IDS],
    ['mgr', [NET.a1, NET.a2, NET.a, NET.b, NET.dist], [NET.dist, NET.a, NET.a1, NET.a2, NET.b, NET.x]],
    ['mgrS', [NET.d, NET.c], [NET.c, NET.d]],
    ['rep', [NET.a, NET.c], [NET.a, NET.c]],
    ['dadmin', [NET.a1, NET.a2, NET.a], [NET.a, NET.a1, NET.a2]],
    ['dstaff', [NET.a], [NET.a]],
    ['distadmin', [NET.a1, NET.a2, NET.a, NET.b, NET.d, NET.dist, NET.c], [NET.dist, NET.a, NET.a1, NET.a2, NET.b, NET.c, NET.d, NET.x]],
  ];

  for (const [who, inList, reachable] of visible) {
    it(`${who}: lists exactly its dealers and gets 404 for every other id, same as a missing one`, async () => {
      expect(await list(u[who])).toEqual(inList);
      const missing = await (await u[who]('/api/dealers/dlr_does_not_exist')).json<ErrorBody>();
      for (const id of ALL_IDS) {
        const res = await u[who](`/api/dealers/${id}`);
        if (reachable.includes(id)) {
          expect(res.status, `${who} ${id}`).toBe(200);
        } else {
          expect(res.status, `${who} ${id}`).toBe(404);
          expect(await res.json(), `${who} ${id}`).toEqual(missing);
        }
      }
    });
  }

  it('supplier: no dealer routes at all', async () => {
    for (const path of ['/api/dealers', '/api/dealers/points', `/api/dealers/${NET.a}`]) expect((await u.supplier(path)).status).toBe(403);
  });

  it('a refused dealer read is audited with the actor', async () => {
    await u.rep(`/api/dealers/${NET.b}`);
    const row = await env.DB.prepare("select * from audit_log where action = 'dealer.read' and entity_id = ? and actor_id = 'u_rep' order by id desc").bind(NET.b).first();
    expect(row).toMatchObject({ outcome: 'denied', actor_role: 'field_rep', entity_type: 'dealer' });
  });

  it('map points: in-scope, not archived, with coordinates only', async () => {
    const points = async (api: Api) => (await (await api('/api/dealers/points')).json<{ items: Array<{ id: string; lat: number; lng: number }> }>()).items.map((p) => p.id).sort();
    expect(await points(u.hq)).toEqual([NET.maker, NET.dist, NET.a, NET.a1, NET.b, NET.c, NET.d].sort());
    expect(await points(u.dadmin)).toEqual([NET.a, NET.a1].sort());
    expect(await points(u.mgrS)).toEqual([NET.c, NET.d].sort());
  });
});

describe('dealer list filters and pages', () => {
  it('filters by tier, type, status, parent, region and text, and they combine', async () => {
    expect(await list(u.hq, '&tier=gold')).toEqual([NET.a, NET.dist]);
    expect(await list(u.hq, '&type=sub_dealer')).toEqual([NET.a1, NET.a2]);
    expect(await list(u.hq, '&status=suspended')).toEqual([NET.d]);
    expect(await list(u.hq, '&status=archived')).toEqual([NET.x]);
    expect(await list(u.hq, '&status=prospect')).toEqual([NET.a2]);
    expect(await list(u.hq, `&parent=${NET.a}`)).toEqual([NET.a1, NET.a2]);
    expect(await list(u.hq, `&region=${NET.south}`)).toEqual([NET.d, NET.c]);
    expect(await list(u.hq, `&type=dealer&region=${NET.north}`)).toEqual([NET.a, NET.b]);
    expect(await list(u.hq, '&q=alpha')).toEqual([NET.a1, NET.a2, NET.a]);
    expect(await list(u.hq, '&q=D_C')).toEqual([NET.c]);
    expect(await list(u.hq, '&q=Gamma%20Decor%20City')).toEqual([NET.c]);
    // LIKE wildcards typed by a user are literal characters.
    expect(await list(u.hq, '&q=%25')).toEqual([]);
    expect(await list(u.hq, '&q=_')).toEqual([NET.a1, NET.a2, NET.a, NET.b, NET.d, NET.c]);
  });

  it('a filter narrows within scope and never widens it', async () => {
    expect(await list(u.mgr, `&region=${NET.south}`)).toEqual([]);
    expect(await list(u.rep, `&parent=${NET.dist}`)).toEqual([NET.a, NET.c]);
    expect(await list(u.dstaff, `&parent=${NET.a}`)).toEqual([]);
  });

  it('pages walk the whole list in order with a stable total', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 4; page++) {
      const p = await (await u.hq(`/api/dealers?pageSize=3&page=${page}`)).json<Page>();
      expect(p).toMatchObject({ total: 8, page, pageSize: 3 });
      expect(p.items.length).toBe(page < 3 ? 3 : page === 3 ? 2 : 0);
      seen.push(...p.items.map((d) => d.id));
    }
    expect(seen).toEqual(await list(u.hq));
  });

  it('the summary has the contract shape', async () => {
    const p = await (await u.hq(`/api/dealers?q=Alpha%20Paints`)).json<{ items: Array<Record<string, unknown>> }>();
    expect(p.items[0]).toEqual({
      id: NET.a, code: 'D_A', name: 'Alpha Paints', type: 'dealer', tier: 'gold', status: 'active', segments: ['retail'],
      regionId: NET.north, regionName: 'North', territoryId: NET.terNorth, city: 'Alpha Paints City', country: 'DE', lat: 52, lng: 13, parentId: NET.dist,
    });
  });
});

describe('dealer detail', () => {
  it('carries region, territory, contacts, the parent chain root first, children, contracts, certifications and reps', async () => {
    const d = await (await u.dadmin(`/api/dealers/${NET.a}`)).json<{
      dealer: Record<string, unknown>; region: unknown; territory: unknown; contacts: Array<Record<string, unknown>>; parents: Array<{ id: string }>;
      children: Array<{ id: string }>; contracts: Array<{ id: string }>; certifications: Array<{ id: string }>; reps: unknown[];
    }>();
    expect(d.dealer).toMatchObject({ id: NET.a, orgId: NET.org, parentId: NET.dist, creditLimit: 100_000, segments: ['retail'] });
    expect(d.region).toEqual({ id: NET.north, code: 'NORTH', name: 'North' });
    expect(d.territory).toEqual({ id: NET.terNorth, code: 'N-1', name: 'North 1' });
    expect(d.contacts).toEqual([{ id: 'ctc_a', name: 'Ada Alpha', role: 'Owner', email: 'ada@alpha.example', phone: '+49 1', isPrimary: true }]);
    expect(d.parents.map((p) => p.id)).toEqual([NET.maker, NET.dist]);
    expect(d.children.map((c) => c.id)).toEqual([NET.a1, NET.a2]);
    expect(d.contracts.map((c) => c.id)).toEqual(['ctr_a']);
    expect(d.certifications.map((c) => c.id)).toEqual(['crt_a']);
    expect(d.reps).toEqual([{ id: 'u_rep', name: 'field_rep u_rep', email: NET_EMAIL.field_rep }]);
  });

  it('children outside the caller\'s scope are not listed', async () => {
    const d = await (await u.dstaff(`/api/dealers/${NET.a}`)).json<{ children: unknown[] }>();
    expect(d.children).toEqual([]);
    const rep = await (await u.rep(`/api/dealers/${NET.a}`)).json<{ children: unknown[] }>();
    expect(rep.children).toEqual([]);
  });
});

describe('prices', () => {
  const prices = async (api: Api, query = '') => {
    const res = await api(`/api/products${query}`);
    expect(res.status, query).toBe(200);
    const body = await res.json<Products>();
    return Object.fromEntries(body.items.map((p) => [p.id, p.price && `${p.price.unitPrice} ${p.price.scope} ${p.price.priceListId}`]));
  };

  it('a dealer sees its own prices: its dealer list first, then the default list', async () => {
    expect(await prices(u.dadmin)).toEqual({ p1: '700 dealer pl_dealer_a', p2: '2000 default pl_default', p3: '2500 dealer pl_dealer_a' });
    expect(await prices(u.dstaff)).toEqual(await prices(u.dadmin));
  });

  it('tier beats region beats default; an expired list and one not yet valid are skipped', async () => {
    // Beta: silver tier; its own dealer list ended yesterday.
    expect(await prices(u.hq, `?dealer=${NET.b}`)).toEqual({ p1: '800 tier pl_tier_silver', p2: '2000 default pl_default', p3: '3000 default pl_default' });
    // Gamma: South region; its own dealer list starts tomorrow.
    expect(await prices(u.hq, `?dealer=${NET.c}`)).toEqual({ p1: '900 region pl_region_s', p2: '1900 region pl_region_s', p3: '3000 default pl_default' });
    // Delta: platinum (no list) in the South.
    expect(await prices(u.hq, `?dealer=${NET.d}`)).toEqual({ p1: '900 region pl_region_s', p2: '1900 region pl_region_s', p3: '3000 default pl_default' });
    expect(await prices(u.hq, `?dealer=${NET.a1}`)).toEqual({ p1: '800 tier pl_tier_silver', p2: '2000 default pl_default', p3: '3000 default pl_default' });
  });

  it('money comes as integer cents with the currency', async () => {
    const body = await (await u.dadmin('/api/products?q=P1')).json<Products>();
    expect(body.items).toEqual([{ id: 'p1', sku: 'P1', name: 'Product p1', category: 'Paint', unit: 'each', packSize: 1, wholeUnits: true,
      price: { unitPrice: 700, currency: 'EUR', priceListId: 'pl_dealer_a', scope: 'dealer' } }]);
  });

  it('without a dealer, staff roles see the catalogue without prices', async () => {
    expect(await prices(u.hq)).toEqual({ p1: null, p2: null, p3: null });
    expect(await prices(u.rep)).toEqual({ p1: null, p2: null, p3: null });
  });

  it('prices only for dealers in scope', async () => {
    expect((await u.rep(`/api/products?dealer=${NET.c}`)).status).toBe(200);
    expect((await u.rep(`/api/products?dealer=${NET.b}`)).status).toBe(404);
    expect((await u.dadmin(`/api/products?dealer=${NET.a1}`)).status).toBe(200);
    expect((await u.dstaff(`/api/products?dealer=${NET.a1}`)).status).toBe(404);
    expect((await u.mgr(`/api/products?dealer=${NET.c}`)).status).toBe(404);
    expect((await u.supplier('/api/products')).status).toBe(403);
  });

  it('discontinued products are left out; categories and filters', async () => {
    expect((await (await u.hq('/api/products/categories')).json<{ items: string[] }>()).items).toEqual(['Paint', 'Tools']);
    const tools = await (await u.hq('/api/products?category=Tools')).json<Products>();
    expect(tools.items.map((p) => p.id)).toEqual(['p3']);
    const paged = await (await u.hq('/api/products?pageSize=2&page=2')).json<Products & { page: number }>();
    expect(paged).toMatchObject({ total: 3, page: 2 });
    expect(paged.items.map((p) => p.id)).toEqual(['p3']);
  });
});

describe('me, brand and regions', () => {
  it('/api/me carries scope, permissions and the brand of the organisation', async () => {
    const me = async (api: Api) => (await api('/api/me')).json<{ user: { id: string; dealerId: string | null }; scope: { kind: string; regionIds: string[]; dealerId: string | null }; permissions: string[]; brand: Record<string, unknown>; config: { tileUrl: string } }>();
    const mgr = await me(u.mgr);
    expect(mgr.scope).toEqual({ kind: 'regions', regionIds: [NET.north], dealerId: null });
    expect(mgr.permissions).toContain('dealers:write');
    expect(mgr.permissions).not.toContain('users:manage');
    expect(mgr.brand).toEqual({ name: 'Testco Coatings', shortName: 'Testco', primaryColor: '#123456', backgroundColor: '#fafafa', logoUrl: 'https://cdn.example/testco.png', currency: 'EUR', locale: 'de', timezone: 'Europe/Berlin' });
    expect(mgr.config.tileUrl).toBe(env.TILE_URL);
    const admin = await me(u.dadmin);
    expect(admin.scope).toEqual({ kind: 'dealer_tree', regionIds: [], dealerId: NET.a });
    expect(admin.user.dealerId).toBe(NET.a);
    expect((await me(u.supplier)).permissions).toEqual(['session']);
  });

  it('regions list their territories', async () => {
    const body = await (await u.rep('/api/regions')).json<{ items: unknown[] }>();
    expect(body.items).toEqual([
      { id: NET.north, code: 'NORTH', name: 'North', territories: [{ id: NET.terNorth, code: 'N-1', name: 'North 1' }] },
      { id: NET.south, code: 'SOUTH', name: 'South', territories: [{ id: NET.terSouth, code: 'S-1', name: 'South 1' }] },
    ]);
  });

  it('the manifest and icons follow the organisation row', async () => {
    const m = await (await call()('/manifest.webmanifest')).json<Record<string, unknown>>();
    expect(m).toMatchObject({ name: 'Testco Coatings', short_name: 'Testco', theme_color: '#123456', background_color: '#fafafa', display: 'standalone', start_url: '/', scope: '/' });
    expect(m.icons).toEqual([
      { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
      { src: '/icons/maskable.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'maskable' },
      { src: 'https://cdn.example/testco.png', sizes: 'any', purpose: 'any' },
    ]);
    const svg = await (await call()('/icons/icon.svg')).text();
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('fill="#123456"');
    expect(svg).toContain('>T</text>');
  });
});

describe('writes in scope', () => {
  const DATA = ['dealers', 'dealer_contacts'];

  it('a manager cannot touch another region\'s dealer: 404, nothing changed', async () => {
    const before = await tableDigest(...DATA);
    expect((await u.mgrS(`/api/dealers/${NET.b}`, { method: 'PATCH', json: { name: 'Taken over' } })).status).toBe(404);
    expect((await u.mgrS(`/api/dealers/${NET.b}/archive`, { method: 'POST' })).status).toBe(404);
    const res = await u.mgrS('/api/dealers', { method: 'POST', json: { code: 'S-NEW', name: 'Under North', type: 'dealer', parentId: NET.dist, regionId: NET.south } });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error.fields).toEqual({ parentId: 'No such parent dealer' });
    expect(await tableDigest(...DATA)).toBe(before);
  });

  it('a manager updates a dealer of its region whose distributor is outside it', async () => {
    const res = await u.mgrS(`/api/dealers/${NET.c}`, { method: 'PATCH', json: { name: 'Gamma Decor Süd', tier: 'silver' } });
    expect(res.status).toBe(200);
    expect((await res.json<{ dealer: { name: string; parentId: string } }>()).dealer).toMatchObject({ name: 'Gamma Decor Süd', parentId: NET.dist });
    // …but cannot move it under a parent it cannot see.
    const move = await u.mgrS(`/api/dealers/${NET.c}`, { method: 'PATCH', json: { parentId: NET.maker } });
    expect(move.status).toBe(422);
  });

  it('a manager creates in its region; the write is audited', async () => {
    const res = await u.mgr('/api/dealers', { method: 'POST', json: { code: 'N-NEW', name: 'New North', type: 'sub_dealer', parentId: NET.b, regionId: NET.north, territoryId: NET.terNorth, segments: ['trade'], lat: 53.1, lng: 8.8 } });
    expect(res.status).toBe(201);
    const { dealer } = await res.json<{ dealer: { id: string; status: string; tier: string; orgId: string } }>();
    expect(dealer).toMatchObject({ status: 'active', tier: 'bronze', orgId: NET.org });
    const row = await env.DB.prepare("select * from audit_log where action = 'dealer.create' and entity_id = ?").bind(dealer.id).first();
    expect(row).toMatchObject({ actor_id: 'u_mgr', actor_role: 'regional_manager', outcome: 'ok' });
    expect(await list(u.mgr, `&parent=${NET.b}`)).toEqual([dealer.id]);
  });

  it('the hierarchy and the map make sense', async () => {
    const bad = async (json: Record<string, unknown>, field: string, message: RegExp) => {
      const res = await u.hq('/api/dealers', { method: 'POST', json: { code: `BAD-${field}`, name: 'Bad', ...json } });
      expect(res.status, JSON.stringify(json)).toBe(422);
      expect((await res.json<ErrorBody>()).error.fields?.[field], JSON.stringify(json)).toMatch(message);
    };
    await bad({ type: 'dealer', parentId: NET.a1, regionId: NET.north }, 'parentId', /cannot sit under a sub-dealer/);
    await bad({ type: 'distributor', parentId: NET.dist, regionId: NET.north }, 'parentId', /cannot sit under/);
    await bad({ type: 'maker', parentId: NET.maker }, 'parentId', /no parent/);
    await bad({ type: 'dealer', regionId: NET.north }, 'parentId', /Choose the parent/);
    await bad({ type: 'dealer', parentId: NET.dist, regionId: NET.north, territoryId: NET.terSouth }, 'territoryId', /another region/);
    await bad({ type: 'dealer', parentId: NET.dist, regionId: 'reg_mars' }, 'regionId', /No such region/);
    const self = await u.hq(`/api/dealers/${NET.b}`, { method: 'PATCH', json: { parentId: NET.b } });
    expect((await self.json<ErrorBody>()).error.fields?.parentId).toMatch(/own parent/);
    const demote = await u.hq(`/api/dealers/${NET.a}`, { method: 'PATCH', json: { type: 'sub_dealer' } });
    expect(demote.status).toBe(422);
    expect((await demote.json<ErrorBody>()).error.fields?.type).toMatch(/cannot have a sub-dealer below it/);
    const lng = await u.hq('/api/dealers', { method: 'POST', json: { code: 'BAD-LNG', name: 'Bad', type: 'dealer', parentId: NET.dist, lng: -181 } });
    expect(lng.status).toBe(400);
    expect((await lng.json<ErrorBody>()).error.fields?.lng).toMatch(/-180 and 180/);
  });

  it('archiving keeps the row, hides it from lists and refuses a dealer with active sub-dealers', async () => {
    expect((await u.hq(`/api/dealers/${NET.a}/archive`, { method: 'POST' })).status).toBe(409);
    const res = await u.hq(`/api/dealers/${NET.a2}/archive`, { method: 'POST' });
    expect(res.status).toBe(200);
    expect((await res.json<{ dealer: { status: string } }>()).dealer.status).toBe('archived');
    expect(await list(u.dadmin)).toEqual([NET.a1, NET.a]);
    expect(await list(u.dadmin, '&status=archived')).toEqual([NET.a2]);
    expect(await env.DB.prepare("select count(*) as n from audit_log where action = 'dealer.archive' and entity_id = ?").bind(NET.a2).first('n')).toBe(1);
  });

  it('a dealer admin edits its own profile fields only; staff and reps edit nothing', async () => {
    const ok = await u.dadmin(`/api/dealers/${NET.a}`, { method: 'PATCH', json: { email: 'shop@alpha.example', contacts: [{ name: 'Bo Buyer', role: 'Buyer' }, { name: 'Cy Clerk' }] } });
    expect(ok.status).toBe(200);
    const d = await (await u.dadmin(`/api/dealers/${NET.a}`)).json<{ dealer: { email: string }; contacts: Array<{ name: string; isPrimary: boolean }> }>();
    expect(d.dealer.email).toBe('shop@alpha.example');
    expect(d.contacts.map((ct) => [ct.name, ct.isPrimary])).toEqual([['Bo Buyer', true], ['Cy Clerk', false]]);
    const before = await tableDigest(...DATA);
    expect((await u.dadmin(`/api/dealers/${NET.a1}`, { method: 'PATCH', json: { phone: '1' } })).status).toBe(403);
    expect((await u.dstaff(`/api/dealers/${NET.a}`, { method: 'PATCH', json: { phone: '1' } })).status).toBe(403);
    expect((await u.rep(`/api/dealers/${NET.a}`, { method: 'PATCH', json: { phone: '1' } })).status).toBe(403);
    expect((await u.rep(`/api/dealers/${NET.b}`, { method: 'PATCH', json: { phone: '1' } })).status).toBe(404);
    expect((await u.analyst('/api/dealers', { method: 'POST', json: { code: 'AN', name: 'An', type: 'dealer', parentId: NET.dist } })).status).toBe(403);
    expect((await u.dadmin(`/api/dealers/${NET.a}/archive`, { method: 'POST' })).status).toBe(403);
    expect(await tableDigest(...DATA)).toBe(before);
  });
});

describe('users and invitations', () => {
  const invite = async (json: Record<string, unknown>) => {
    const res = await u.hq('/api/users', { method: 'POST', json });
    expect(res.status).toBe(201);
    const body = await res.json<{ user: { id: string; status: string; regionIds: string[] }; inviteUrl: string }>();
    return { ...body, token: body.inviteUrl.split('/invite/')[1] };
  };
  const accept = (token: string, password = 'long-enough-password') => call()('/api/invitations/accept', { method: 'POST', json: { token, password } });

  it('the invitation link is one-time and the new user lands in the list with its regions', async () => {
    const { user, inviteUrl, token } = await invite({ email: 'Mgr.New@T.test', name: 'New Manager', role: 'regional_manager', regionIds: [NET.south] });
    expect(inviteUrl).toMatch(/^http:\/\/localhost\/invite\/[\w-]{40,}$/);
    expect(user).toMatchObject({ status: 'invited', regionIds: [NET.south] });
    // Stored only as a hash.
    expect(await env.DB.prepare('select count(*) as n from invitations where token_hash = ?').bind(token).first('n')).toBe(0);
    const listed = await (await u.hq('/api/users?q=mgr.new')).json<{ items: Array<{ email: string; status: string; regionIds: string[] }> }>();
    expect(listed.items).toEqual([expect.objectContaining({ email: 'mgr.new@t.test', status: 'invited', regionIds: [NET.south] })]);
    const res = await accept(token);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-sid=/);
    const again = await accept(token, 'another-long-password');
    expect(again.status).toBe(400);
    expect((await again.json<ErrorBody>()).error).toMatchObject({ code: 'invalid_invitation', message: expect.stringMatching(/already used/) });
    // The first password stands.
    expect((await call()('/api/session', { method: 'POST', json: { email: 'mgr.new@t.test', password: 'another-long-password' }, headers: { 'cf-connecting-ip': '10.8.0.1' } })).status).toBe(401);
  });

  it('an expired link, a made-up link and a link of a user disabled since are refused, changing nothing', async () => {
    const expired = await invite({ email: 'late@t.test', name: 'Late', role: 'analyst' });
    await env.DB.prepare("update invitations set expires_at = '2000-01-01T00:00:00.000Z' where user_id = ?").bind(expired.user.id).run();
    const disabled = await invite({ email: 'gone@t.test', name: 'Gone', role: 'analyst' });
    expect((await u.hq(`/api/users/${disabled.user.id}`, { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(200);
    const before = await tableDigest('users', 'invitations', 'sessions');
    for (const [token, message] of [[expired.token, /expired/], ['x'.repeat(43), /not valid/], [disabled.token, /no longer valid/]] as const) {
      const res = await accept(token);
      expect(res.status).toBe(400);
      expect((await res.json<ErrorBody>()).error.message).toMatch(message);
      expect(res.headers.get('set-cookie')).toBeNull();
    }
    expect(await tableDigest('users', 'invitations', 'sessions')).toBe(before);
    expect(await env.DB.prepare("select count(*) as n from audit_log where action = 'invitation.accept' and outcome = 'denied'").first('n')).toBeGreaterThanOrEqual(3);
  });

  it('a role change keeps users consistent with dealers', async () => {
    const res = await u.hq('/api/users/u_analyst', { method: 'PATCH', json: { role: 'dealer_staff' } });
    expect(res.status).toBe(422);
    expect((await res.json<ErrorBody>()).error.fields).toHaveProperty('role');
    const moved = await u.hq('/api/users/u_distadmin', { method: 'PATCH', json: { role: 'analyst' } });
    expect((await moved.json<{ user: { role: string; dealerId: string | null } }>()).user).toMatchObject({ role: 'analyst', dealerId: null });
    // Its old session went with the old role.
    expect((await u.distadmin('/api/me')).status).toBe(401);
    expect(await env.DB.prepare("select count(*) as n from audit_log where action = 'user.update' and entity_id = 'u_distadmin'").first('n')).toBe(1);
  });

  it('the analyst reads users but manages none; others neither', async () => {
    expect((await u.analyst('/api/users')).status).toBe(200);
    expect((await u.analyst('/api/users', { method: 'POST', json: { email: 'a@t.test', name: 'A', role: 'analyst' } })).status).toBe(403);
    for (const api of [u.mgr, u.rep, u.dadmin, u.dstaff, u.supplier]) expect((await api('/api/users')).status).toBe(403);
  });
});
