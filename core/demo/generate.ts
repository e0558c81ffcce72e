// The demo network, generated deterministically: the same seed, cities and date give the
// same rows, so demos, tests and benchmarks all see one known network.
import { addDemoForms } from './forms.ts';
import { addDemoHome } from './home.ts';
import { addDemoCatalog } from './catalog.ts';
import { DEMO_USERS } from './users.ts';
import { rng, type Rng } from './random.ts';

export interface City { name: string; country: string; lat: number; lng: number }
export interface DemoOptions { seed: number; scale: 'demo' | 'bench'; cities: readonly City[]; passwordHash: string; today: string }
export type Row = Record<string, string | number | null>;
export type DemoRows = Record<string, Row[]>;

// FK-safe insert order.
export const TABLE_ORDER = ['organisations', 'regions', 'territories', 'dealers', 'dealer_contacts', 'users', 'user_regions',
  'rep_assignments', 'products', 'price_lists', 'price_list_items', 'targets', 'contracts', 'certifications', 'visit_plans', 'tasks',
  'forms', 'form_versions', 'form_assignments', 'announcements', 'dealer_documents', 'promotions', 'brand_stock', 'channel_stock'] as const;

const REGIONS = [
  { code: 'NORTH', name: 'North', hint: 'weur' },
  { code: 'SOUTH', name: 'South', hint: 'weur' },
  { code: 'EAST', name: 'East', hint: 'eeur' },
  { code: 'WEST', name: 'West', hint: 'weur' },
];
const CATEGORIES = ['Interior paint', 'Exterior paint', 'Primers', 'Varnish & stains', 'Brushes & rollers', 'Tools', 'Adhesives', 'Protective gear'];
const UNITS: Array<[string, boolean]> = [['each', true], ['box', true], ['litre', false], ['kg', false]];
const SEGMENTS = ['retail', 'trade', 'urban', 'rural', 'premium', 'online', 'hardware', 'decor'];
const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Karla', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul', 'Rita', 'Sven', 'Tina', 'Uwe'];
const LAST = ['Bauer', 'Fischer', 'Hoffmann', 'Koch', 'Lang', 'Maier', 'Neumann', 'Schulz', 'Vogel', 'Wolf', 'Zimmer', 'Keller', 'Berg', 'Roth', 'Frank'];
const SHOP = ['Farben', 'Malerbedarf', 'Baumarkt', 'Color', 'Deko', 'Handwerk', 'Paint Center', 'Raumdesign'];
const pad = (n: number, w = 4) => String(n).padStart(w, '0');

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
function monthsBack(iso: string, n: number): string {
  const d = new Date(`${iso.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 7);
}
const person = (r: Rng) => `${r.pick(FIRST)} ${r.pick(LAST)}`;
const slug = (s: string) => s.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '');

export function generateDemo(opts: DemoOptions): DemoRows {
  if (opts.cities.length < 20) throw new Error('generateDemo needs at least 20 cities');
  const r = rng(opts.seed);
  const out: DemoRows = Object.fromEntries(TABLE_ORDER.map((t) => [t, []]));
  const orgId = 'org_demo';
  out.organisations.push({ id: orgId, name: 'Northwind Paints', short_name: 'Northwind', primary_color: '#0f5f8c', background_color: '#ffffff', logo_url: null, currency: 'EUR', locale: 'en', timezone: 'Europe/Berlin' });

  // Regions by geography: split the cities at the median latitude, then each half at its median longitude.
  const cities = [...opts.cities].sort((a, b) => a.lat - b.lat || a.lng - b.lng || a.name.localeCompare(b.name));
  const midLat = cities[Math.floor(cities.length / 2)].lat;
  const medLng = (xs: City[]) => [...xs].sort((a, b) => a.lng - b.lng)[Math.floor(xs.length / 2)]?.lng ?? 0;
  const north = cities.filter((c) => c.lat >= midLat);
  const south = cities.filter((c) => c.lat < midLat);
  const nLng = medLng(north);
  const sLng = medLng(south);
  // NORTH: north-west, EAST: north-east, WEST: south-west, SOUTH: south-east.
  const regionCities: Record<string, City[]> = {
    NORTH: north.filter((c) => c.lng < nLng), EAST: north.filter((c) => c.lng >= nLng),
    WEST: south.filter((c) => c.lng < sLng), SOUTH: south.filter((c) => c.lng >= sLng),
  };
  const regionId = (code: string) => `reg_${code.toLowerCase()}`;
  const territoriesOf: Record<string, string[]> = {};
  for (const reg of REGIONS) {
    out.regions.push({ id: regionId(reg.code), org_id: orgId, code: reg.code, name: reg.name, location_hint: reg.hint });
    const n = r.int(2, 4);
    territoriesOf[reg.code] = [];
    for (let i = 1; i <= n; i++) {
      const id = `ter_${reg.code.toLowerCase()}_${i}`;
      territoriesOf[reg.code].push(id);
      out.territories.push({ id, region_id: regionId(reg.code), code: `${reg.code}-${i}`, name: `${reg.name} ${i}` });
    }
  }

  const big = opts.scale === 'bench';
  const counts = big ? { distributors: 40, dealers: 4000, subDealers: 5960 } : { distributors: 10, dealers: 200, subDealers: 300 };
  let seq = 0;
  const dealerRegion = new Map<string, string>();
  const place = (code: string) => {
    const city = r.pick(regionCities[code].length ? regionCities[code] : cities);
    return { city, lat: +(city.lat + (r.next() - 0.5) * 0.04).toFixed(5), lng: +(city.lng + (r.next() - 0.5) * 0.06).toFixed(5) };
  };
  const addDealer = (type: string, parentId: string | null, code: string, tier?: string) => {
    seq++;
    const id = `dlr_${pad(seq, 5)}`;
    const { city, lat, lng } = place(code);
    const name = type === 'maker' ? 'Northwind Paints GmbH'
      : type === 'distributor' ? `${city.name} ${r.pick(['Trade', 'Supply', 'Distribution'])} ${pad(seq, 3)}`
      : `${r.pick(SHOP)} ${r.pick(LAST)} ${city.name}`;
    const status = type === 'maker' ? 'active' : r.chance(0.9) ? 'active' : r.chance(0.6) ? 'prospect' : 'suspended';
    out.dealers.push({
      id, org_id: orgId, parent_id: parentId, type, code: `${type === 'sub_dealer' ? 'S' : type[0].toUpperCase()}${pad(seq, 5)}`, name,
      tier: tier ?? r.pick(['platinum', 'gold', 'gold', 'silver', 'silver', 'silver', 'bronze', 'bronze']),
      segments: JSON.stringify([...new Set([r.pick(SEGMENTS), r.pick(SEGMENTS)])].sort()),
      region_id: regionId(code), territory_id: r.pick(territoriesOf[code]),
      address: `${r.pick(['Haupt', 'Bahnhof', 'Markt', 'Garten', 'Linden'])}straße ${r.int(1, 180)}, ${city.name}`,
      city: city.name, country: city.country, lat, lng, status,
      credit_limit: type === 'distributor' ? r.int(200, 800) * 100_000 : type === 'dealer' ? r.int(20, 150) * 100_000 : r.int(2, 30) * 100_000,
      phone: `+49 ${r.int(30, 999)} ${r.int(100000, 9999999)}`, email: `orders@${slug(name).slice(0, 24)}.example`,
    });
    dealerRegion.set(id, code);
    const contacts = r.int(1, 3);
    for (let i = 0; i < contacts; i++) {
      const nm = person(r);
      out.dealer_contacts.push({ id: `ctc_${id.slice(4)}_${i}`, dealer_id: id, name: nm, role: i === 0 ? 'Owner' : r.pick(['Buyer', 'Store manager', 'Accounts']), email: `${slug(nm)}@${slug(name).slice(0, 16)}.example`, phone: `+49 ${r.int(150, 179)} ${r.int(1000000, 9999999)}`, is_primary: i === 0 ? 1 : 0 });
    }
    return id;
  };

  const maker = addDealer('maker', null, 'NORTH', 'platinum');
  const distributors: string[] = [];
  for (let i = 0; i < counts.distributors; i++) distributors.push(addDealer('distributor', maker, REGIONS[i % 4].code, r.pick(['platinum', 'gold'])));
  const dealerIds: string[] = [];
  for (let i = 0; i < counts.dealers; i++) {
    // Most dealers buy through a distributor of their region; some directly from the maker.
    const code = REGIONS[i % 4].code;
    const regional = distributors.filter((d) => dealerRegion.get(d) === code);
    dealerIds.push(addDealer('dealer', r.chance(0.15) ? maker : r.pick(regional), code));
  }
  for (let i = 0; i < counts.subDealers; i++) {
    const parent = r.pick(dealerIds);
    addDealer('sub_dealer', parent, dealerRegion.get(parent)!);
  }

  // Users: HQ, one manager per region, 20 reps (5 per region), dealer users, a supplier.
  const user = (id: string, email: string, name: string, role: string, dealerId: string | null = null) =>
    out.users.push({ id, org_id: orgId, email, name, password_hash: opts.passwordHash, role, dealer_id: dealerId, status: 'active' });
  const demo = (role: string) => DEMO_USERS.find((u) => u.role === role)!;
  user('usr_hq', demo('hq_admin').email, demo('hq_admin').name, 'hq_admin');
  user('usr_analyst', demo('analyst').email, demo('analyst').name, 'analyst');
  user('usr_supplier', demo('supplier').email, demo('supplier').name, 'supplier');
  for (const reg of REGIONS) {
    const id = `usr_mgr_${reg.code.toLowerCase()}`;
    if (reg.code === 'NORTH') user(id, demo('regional_manager').email, demo('regional_manager').name, 'regional_manager');
    else user(id, `manager.${reg.code.toLowerCase()}@demo.test`, person(r), 'regional_manager');
    out.user_regions.push({ user_id: id, region_id: regionId(reg.code) });
  }
  const repsByRegion: Record<string, string[]> = {};
  for (let i = 0; i < 20; i++) {
    const code = REGIONS[i % 4].code;
    const id = `usr_rep_${pad(i + 1, 2)}`;
    if (i === 0) user(id, demo('field_rep').email, demo('field_rep').name, 'field_rep');
    else user(id, `rep${pad(i + 1, 2)}@demo.test`, person(r), 'field_rep');
    out.user_regions.push({ user_id: id, region_id: regionId(code) });
    (repsByRegion[code] ??= []).push(id);
  }
  // Every non-maker dealer gets the rep of its region in turn; the demo rep keeps ~25 dealers.
  const nonMaker = out.dealers.filter((d) => d.type !== 'maker');
  const demoRep = 'usr_rep_01';
  const turn: Record<string, number> = {};
  for (const d of nonMaker) {
    const code = dealerRegion.get(d.id as string)!;
    const reps = repsByRegion[code];
    let rep = reps[(turn[code] = (turn[code] ?? 0) + 1) % reps.length];
    if (rep === demoRep && out.rep_assignments.filter((a) => a.rep_id === demoRep).length >= 25) rep = reps[1];
    out.rep_assignments.push({ rep_id: rep, dealer_id: d.id, since: addDays(opts.today, -r.int(30, 700)) });
  }
  // The demo dealer: an active NORTH dealer with sub-dealers, assigned to the demo rep.
  const subCount = new Map<string, number>();
  for (const d of out.dealers) if (d.type === 'sub_dealer') subCount.set(d.parent_id as string, (subCount.get(d.parent_id as string) ?? 0) + 1);
  const demoDealer = out.dealers.find((d) => d.type === 'dealer' && d.status === 'active' && dealerRegion.get(d.id as string) === 'NORTH' && (subCount.get(d.id as string) ?? 0) >= 2)
    ?? out.dealers.find((d) => d.type === 'dealer')!;
  demoDealer.status = 'active';
  // The demo dealer runs its own sub-dealers' orders (multi-tier); everyone else orders from the brand.
  for (const d of out.dealers) d.handles_network_orders = d.id === demoDealer.id ? 1 : 0;
  const a = out.rep_assignments.find((x) => x.dealer_id === demoDealer.id)!;
  if (a.rep_id !== demoRep) {
    const mine = out.rep_assignments.filter((x) => x.rep_id === demoRep);
    if (mine.length >= 25) mine[mine.length - 1].rep_id = a.rep_id;
    a.rep_id = demoRep;
  }
  user('usr_dealer_admin', demo('dealer_admin').email, demo('dealer_admin').name, 'dealer_admin', demoDealer.id as string);
  user('usr_dealer_staff', demo('dealer_staff').email, demo('dealer_staff').name, 'dealer_staff', demoDealer.id as string);

  // Products and price lists.
  const productIds: string[] = [];
  for (let i = 1; i <= 150; i++) {
    const category = CATEGORIES[(i - 1) % CATEGORIES.length];
    const [unit, whole] = category.includes('paint') || category === 'Primers' || category === 'Varnish & stains' ? UNITS[2] : r.pick([UNITS[0], UNITS[1], UNITS[3]]);
    const id = `prd_${pad(i, 3)}`;
    productIds.push(id);
    out.products.push({ id, org_id: orgId, sku: `NW-${pad(i, 4)}`, name: `${category.split(' ')[0]} ${r.pick(['Classic', 'Pro', 'Eco', 'Max', 'Satin', 'Matt', 'Ultra'])} ${r.pick(['White', 'Grey', 'Blue', 'Green', 'Oak', 'Clear', '5', '10', 'XL'])} ${i}`,
      category, unit, pack_size: unit === 'box' ? r.pick([6, 10, 12, 24]) : 1, whole_units: whole ? 1 : 0, status: 'active', description: null });
  }
  const base = new Map(productIds.map((p) => [p, r.int(3, 250) * 100 + r.pick([0, 49, 99])]));
  const list = (id: string, name: string, scope: string, extra: Row, factor: number, share: number, validFrom: string | null = null, validTo: string | null = null) => {
    out.price_lists.push({ id, org_id: orgId, name, scope, region_id: null, tier: null, dealer_id: null, currency: 'EUR', valid_from: validFrom, valid_to: validTo, ...extra });
    for (const p of productIds) if (share >= 1 || r.chance(share)) out.price_list_items.push({ price_list_id: id, product_id: p, unit_price: Math.round(base.get(p)! * factor) });
  };
  list('pl_default', 'Default 2026', 'default', {}, 1, 1, addDays(opts.today, -365), null);
  list('pl_expired', 'Default 2024 (expired)', 'default', {}, 0.5, 1, addDays(opts.today, -900), addDays(opts.today, -400));
  for (const reg of REGIONS) list(`pl_region_${reg.code.toLowerCase()}`, `${reg.name} regional`, 'region', { region_id: regionId(reg.code) }, 0.97, 0.3);
  for (const [tier, f] of [['platinum', 0.85], ['gold', 0.9], ['silver', 0.95]] as const) list(`pl_tier_${tier}`, `${tier[0].toUpperCase()}${tier.slice(1)} tier`, 'tier', { tier }, f, 0.6);
  list('pl_dealer_demo', `${demoDealer.name} contract prices`, 'dealer', { dealer_id: demoDealer.id }, 0.8, 0.2, addDays(opts.today, -60), addDays(opts.today, 300));
  for (let i = 0; i < 4; i++) {
    const d = r.pick(dealerIds);
    if (out.price_lists.some((pl) => pl.dealer_id === d)) continue;
    list(`pl_dealer_${i}`, `Contract ${i + 1}`, 'dealer', { dealer_id: d }, 0.82, 0.15, addDays(opts.today, -30), null);
  }

  // Twelve months of targets ending with this month: per region, per rep and per dealer.
  const months = Array.from({ length: 12 }, (_, i) => monthsBack(opts.today, 11 - i));
  let t = 0;
  const target = (subjectType: string, subjectId: string, category: string | null, amount: number) => {
    for (const period of months) out.targets.push({ id: `tgt_${pad(++t, 6)}`, subject_type: subjectType, subject_id: subjectId, period, category, amount: Math.round(amount * (0.8 + r.next() * 0.4)) * 100, quantity: Math.round(amount / 40) });
  };
  for (const reg of REGIONS) for (const cat of CATEGORIES) target('region', regionId(reg.code), cat, 60_000);
  for (const reps of Object.values(repsByRegion)) for (const rep of reps) target('rep', rep, null, 40_000);
  const targetDealers = big ? dealerIds.slice(0, 400) : dealerIds;
  for (const d of targetDealers) target('dealer', d, null, 4_000);

  // Contracts and certifications, some about to expire or expired.
  let c = 0;
  for (const d of out.dealers) {
    if (d.type === 'maker') continue;
    const start = addDays(opts.today, -r.int(60, 1400));
    const endIn = r.chance(0.08) ? r.int(1, 30) : r.chance(0.05) ? -r.int(1, 90) : r.int(60, 900);
    out.contracts.push({ id: `ctr_${pad(++c, 5)}`, dealer_id: d.id, type: d.type === 'distributor' ? 'distribution_agreement' : 'dealer_agreement', start_date: start, end_date: addDays(opts.today, endIn), status: endIn < 0 ? 'expired' : 'active', file_key: null });
    if (d.type !== 'sub_dealer' || r.chance(0.3)) {
      const exp = r.chance(0.1) ? r.int(1, 30) : r.chance(0.05) ? -r.int(1, 60) : r.int(60, 700);
      out.certifications.push({ id: `crt_${pad(c, 5)}`, dealer_id: d.id, kind: r.pick(['Authorised retailer', 'Colour mixing', 'Safety training', 'Premium partner']), issued_on: addDays(opts.today, exp - 730), expires_on: addDays(opts.today, exp) });
    }
  }

  // Visit plans: every assigned dealer, more often the higher its tier. The demo rep's dealers
  // are spread over all seven days so a demo on any day has a route to show.
  const tierOf = new Map(out.dealers.map((d) => [d.id as string, d.tier as string]));
  let demoIndex = 0;
  for (const a of out.rep_assignments) {
    const tier = tierOf.get(a.dealer_id as string);
    const isDemoRep = a.rep_id === demoRep;
    const windowed = r.chance(0.3);
    const start = r.pick(['08:00', '09:00', '10:00', '13:00']);
    out.visit_plans.push({
      dealer_id: a.dealer_id, rep_id: a.rep_id,
      frequency: isDemoRep ? 'weekly' : tier === 'gold' || tier === 'platinum' ? 'weekly' : tier === 'silver' ? 'biweekly' : 'monthly',
      weekdays: JSON.stringify(isDemoRep ? [(demoIndex++ % 7) + 1] : [r.int(1, 5)]),
      window_start: windowed ? start : null, window_end: windowed ? `${String(Number(start.slice(0, 2)) + 4).padStart(2, '0')}:00` : null,
      duration_min: r.pick([20, 30, 30, 45]), visit_type: 'routine', updated_by: null,
    });
  }
  let taskNo = 0;
  const TASKS = ['Set up the new display', 'Check the colour-mixing machine', 'Collect the signed contract', 'Count the winter stock', 'Train staff on the new primer'];
  for (const a of out.rep_assignments.filter((x) => x.rep_id === demoRep).slice(0, 4)) {
    out.tasks.push({ id: `tsk_${pad(++taskNo, 5)}`, dealer_id: a.dealer_id, rep_id: demoRep, title: TASKS[taskNo % TASKS.length], details: '', due_date: addDays(opts.today, taskNo - 2), status: 'open', ticket_id: null, created_by: 'usr_hq', done_at: null, done_visit_id: null });
  }
  addDemoForms(out);
  addDemoHome(out, opts.today);
  addDemoCatalog(out, opts);
  return out;
}

const lit = (v: string | number | null) => v === null ? 'NULL' : typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;

// Multi-row INSERTs in chunks small enough for D1's statement size limit.
export function toSql(rows: DemoRows, chunk = 50): string[] {
  const stmts: string[] = [];
  for (const table of TABLE_ORDER) {
    const list = rows[table] ?? [];
    if (!list.length) continue;
    const cols = Object.keys(list[0]);
    for (let i = 0; i < list.length; i += chunk) {
      const values = list.slice(i, i + chunk).map((row) => `(${cols.map((k) => lit(row[k] ?? null)).join(', ')})`);
      stmts.push(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values.join(', ')};`);
    }
  }
  return stmts;
}
