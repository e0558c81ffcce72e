// The demo generator, run inside workerd on a small made-up city list: the Worker tests see
// the same shape of network that `npm start` loads, without reading files.
import { env, exports } from 'cloudflare:workers';
import { hashPassword } from '../../core/auth/password.ts';
import { generateDemo, toSql, type City, type DemoRows } from '../../core/demo/generate.ts';
import { DEMO_PASSWORD } from '../../core/demo/users.ts';

const CITIES: City[] = Array.from({ length: 40 }, (_, i) => ({
  name: `Town ${i}`, country: 'DE', lat: 47.5 + (i % 8) * 0.8, lng: 6.5 + Math.floor(i / 8) * 1.6,
}));

let rows: DemoRows | null = null;
export const ORIGIN = 'http://localhost';

export async function seedDemo(): Promise<DemoRows> {
  const db = (env as unknown as { DB: D1Database }).DB;
  const existing = await db.prepare('select count(*) as n from organisations').first<{ n: number }>();
  rows ??= generateDemo({ seed: 7, scale: 'demo', cities: CITIES, passwordHash: await hashPassword(DEMO_PASSWORD), today: new Date().toISOString().slice(0, 10) });
  if (!existing?.n) await db.batch(toSql(rows).map((s) => db.prepare(s)));
  return rows;
}

export type Api = (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;

export function call(cookie = ''): Api {
  return (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    if (!headers.has('origin') && init.method && init.method !== 'GET') headers.set('origin', ORIGIN);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return exports.default.fetch(`${ORIGIN}${path}`, { ...init, headers, body });
  };
}

export async function signIn(email: string, password = DEMO_PASSWORD, ip = `10.0.0.${Math.floor(Math.random() * 250)}`): Promise<Api & { cookie: string }> {
  const res = await call()('/api/session', { method: 'POST', json: { email, password }, headers: { 'cf-connecting-ip': ip } });
  if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return Object.assign(call(cookie), { cookie });
}

export const ROLES_EMAIL = {
  hq_admin: 'hq@demo.test', regional_manager: 'manager@demo.test', analyst: 'analyst@demo.test', field_rep: 'rep@demo.test',
  dealer_admin: 'dealer@demo.test', dealer_staff: 'staff@demo.test', supplier: 'supplier@demo.test',
} as const;

export async function tableDigest(...tables: string[]): Promise<string> {
  const db = (env as unknown as { DB: D1Database }).DB;
  const parts: string[] = [];
  for (const t of tables) parts.push(JSON.stringify((await db.prepare(`select * from ${t} order by rowid`).all()).results));
  return parts.join('|');
}

// A small network written out by hand, so a test can name exactly what each role must see and
// what each dealer pays without re-deriving it from generated rows.
//
//   mk  Maker (no region)
//   └ dist  Distributor (N, gold)                      ← distadmin@t.test (dealer_admin)
//     ├ d_a  Alpha Paints (N, gold, own price list)   ← dadmin@t.test, dstaff@t.test; rep@t.test
//     │ ├ s_a1  Alpha Corner (N, silver)
//     │ └ s_a2  Alpha Kiosk (N, bronze, prospect, no coordinates)
//     ├ d_b  Beta Colours (N, silver; its dealer list expired)
//     ├ d_c  Gamma Decor (S, bronze; its dealer list starts tomorrow)  ← rep@t.test
//     ├ d_d  Delta Farben (S, platinum, suspended)
//     └ d_x  Old Shop (N, archived)
//   manager@t.test manages N; manager.s@t.test manages S.
export const NET = {
  org: 'org_t', north: 'reg_n', south: 'reg_s', terNorth: 'ter_n1', terSouth: 'ter_s1',
  maker: 'mk', dist: 'dist', a: 'd_a', a1: 's_a1', a2: 's_a2', b: 'd_b', c: 'd_c', d: 'd_d', x: 'd_x',
} as const;

export const NET_EMAIL = {
  hq_admin: 'hq@t.test', regional_manager: 'manager@t.test', analyst: 'analyst@t.test', field_rep: 'rep@t.test',
  dealer_admin: 'dadmin@t.test', dealer_staff: 'dstaff@t.test', supplier: 'supplier@t.test',
} as const;

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

export async function seedNetwork(): Promise<void> {
  const db = (env as unknown as { DB: D1Database }).DB;
  if ((await db.prepare('select count(*) as n from organisations').first<{ n: number }>())?.n) return;
  const hash = await hashPassword(DEMO_PASSWORD);
  const rows: Array<[string, Record<string, unknown>]> = [];
  const add = (table: string, row: Record<string, unknown>) => rows.push([table, row]);

  add('organisations', { id: NET.org, name: 'Testco Coatings', short_name: 'Testco', primary_color: '#123456', background_color: '#fafafa', logo_url: 'https://cdn.example/testco.png', currency: 'EUR', locale: 'de', timezone: 'Europe/Berlin' });
  add('regions', { id: NET.north, org_id: NET.org, code: 'NORTH', name: 'North', location_hint: 'weur' });
  add('regions', { id: NET.south, org_id: NET.org, code: 'SOUTH', name: 'South', location_hint: 'weur' });
  add('territories', { id: NET.terNorth, region_id: NET.north, code: 'N-1', name: 'North 1' });
  add('territories', { id: NET.terSouth, region_id: NET.south, code: 'S-1', name: 'South 1' });
  const dealer = (id: string, parent: string | null, type: string, name: string, region: string | null, tier: string, status = 'active', at: [number, number] | null = [52, 13]) =>
    add('dealers', { id, org_id: NET.org, parent_id: parent, type, code: id.toUpperCase(), name, tier, segments: JSON.stringify(['retail']), region_id: region,
      territory_id: region === NET.north ? NET.terNorth : region === NET.south ? NET.terSouth : null, city: `${name} City`, country: 'DE',
      lat: at?.[0] ?? null, lng: at?.[1] ?? null, status, credit_limit: 100_000 });
  dealer(NET.maker, null, 'maker', 'Maker Works', null, 'platinum');
  dealer(NET.dist, NET.maker, 'distributor', 'Distributor North', NET.north, 'gold');
  dealer(NET.a, NET.dist, 'dealer', 'Alpha Paints', NET.north, 'gold');
  dealer(NET.a1, NET.a, 'sub_dealer', 'Alpha Corner', NET.north, 'silver');
  dealer(NET.a2, NET.a, 'sub_dealer', 'Alpha Kiosk', NET.north, 'bronze', 'prospect', null);
  dealer(NET.b, NET.dist, 'dealer', 'Beta Colours', NET.north, 'silver');
  dealer(NET.c, NET.dist, 'dealer', 'Gamma Decor', NET.south, 'bronze', 'active', [48, 11]);
  dealer(NET.d, NET.dist, 'dealer', 'Delta Farben', NET.south, 'platinum', 'suspended', [48.5, 11.5]);
  dealer(NET.x, NET.dist, 'dealer', 'Old Shop', NET.north, 'bronze', 'archived');
  add('dealer_contacts', { id: 'ctc_a', dealer_id: NET.a, name: 'Ada Alpha', role: 'Owner', email: 'ada@alpha.example', phone: '+49 1', is_primary: 1 });

  const user = (id: string, email: string, role: string, dealerId: string | null = null) =>
    add('users', { id, org_id: NET.org, email, name: `${role} ${id}`, password_hash: hash, role, dealer_id: dealerId, status: 'active' });
  user('u_hq', NET_EMAIL.hq_admin, 'hq_admin');
  user('u_mgr', NET_EMAIL.regional_manager, 'regional_manager');
  user('u_mgr_s', 'manager.s@t.test', 'regional_manager');
  user('u_analyst', NET_EMAIL.analyst, 'analyst');
  user('u_rep', NET_EMAIL.field_rep, 'field_rep');
  user('u_dadmin', NET_EMAIL.dealer_admin, 'dealer_admin', NET.a);
  user('u_dstaff', NET_EMAIL.dealer_staff, 'dealer_staff', NET.a);
  user('u_distadmin', 'distadmin@t.test', 'dealer_admin', NET.dist);
  user('u_supplier', NET_EMAIL.supplier, 'supplier');
  add('user_regions', { user_id: 'u_mgr', region_id: NET.north });
  add('user_regions', { user_id: 'u_mgr_s', region_id: NET.south });
  add('user_regions', { user_id: 'u_rep', region_id: NET.north });
  add('rep_assignments', { rep_id: 'u_rep', dealer_id: NET.a, since: day(-100) });
  add('rep_assignments', { rep_id: 'u_rep', dealer_id: NET.c, since: day(-100) });

  const product = (id: string, category: string, status = 'active') =>
    add('products', { id, org_id: NET.org, sku: id.toUpperCase(), name: `Product ${id}`, category, unit: 'each', pack_size: 1, whole_units: 1, status });
  product('p1', 'Paint');
  product('p2', 'Paint');
  product('p3', 'Tools');
  product('p4', 'Tools', 'discontinued');
  const list = (id: string, scope: string, extra: Record<string, unknown>, prices: Record<string, number>, validFrom: string | null = null, validTo: string | null = null) => {
    add('price_lists', { id, org_id: NET.org, name: id, scope, region_id: null, tier: null, dealer_id: null, currency: 'EUR', valid_from: validFrom, valid_to: validTo, ...extra });
    for (const [productId, unitPrice] of Object.entries(prices)) add('price_list_items', { price_list_id: id, product_id: productId, unit_price: unitPrice });
  };
  list('pl_default', 'default', {}, { p1: 1000, p2: 2000, p3: 3000, p4: 4000 }, day(-365));
  list('pl_default_old', 'default', {}, { p1: 5, p2: 5, p3: 5 }, day(-900), day(-400));
  list('pl_region_s', 'region', { region_id: NET.south }, { p1: 900, p2: 1900 });
  list('pl_tier_silver', 'tier', { tier: 'silver' }, { p1: 800 });
  list('pl_dealer_a', 'dealer', { dealer_id: NET.a }, { p1: 700, p3: 2500 }, day(-30), day(30));
  list('pl_dealer_b_expired', 'dealer', { dealer_id: NET.b }, { p1: 1, p2: 1, p3: 1 }, day(-60), day(-1));
  list('pl_dealer_c_future', 'dealer', { dealer_id: NET.c }, { p1: 2, p2: 2, p3: 2 }, day(1));

  add('targets', { id: 'tgt_a', subject_type: 'dealer', subject_id: NET.a, period: day(0).slice(0, 7), category: null, amount: 500_000, quantity: 100 });
  add('targets', { id: 'tgt_rep', subject_type: 'rep', subject_id: 'u_rep', period: day(0).slice(0, 7), category: 'Paint', amount: 900_000, quantity: 300 });
  add('contracts', { id: 'ctr_a', dealer_id: NET.a, type: 'distribution', start_date: day(-300), end_date: day(65), status: 'active', file_key: null });
  add('certifications', { id: 'crt_a', dealer_id: NET.a, kind: 'Colour expert', issued_on: day(-200), expires_on: day(165) });

  await db.batch(rows.map(([table, row]) => {
    const cols = Object.keys(row);
    return db.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`).bind(...cols.map((k) => row[k] ?? null));
  }));
}
