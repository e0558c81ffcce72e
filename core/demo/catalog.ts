// Demo promotions, brand stock and some channel stock. Drawn from its own random stream
// (seed + 1) after every other demo row, so adding these never changes the rest of the network.
import type { DemoOptions, DemoRows } from './generate.ts';
import { rng } from './random.ts';

const SEGMENTS = ['retail', 'trade', 'urban', 'rural', 'premium', 'online', 'hardware', 'decor'];

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function addDemoCatalog(out: DemoRows, opts: Pick<DemoOptions, 'seed' | 'today'>): void {
  const r = rng(opts.seed + 1);
  const orgId = String(out.organisations[0]?.id ?? 'org_demo');
  const demoDealerId = out.users.find((u) => u.id === 'usr_dealer_admin')?.dealer_id as string | undefined;
  const demoDealer = out.dealers.find((d) => d.id === demoDealerId);
  const demoSegments: string[] = demoDealer ? JSON.parse(String(demoDealer.segments)) : [];
  // A segment the demo dealer does not have: its promotion shows for other dealers only.
  const otherSegment = SEGMENTS.find((s) => !demoSegments.includes(s)) ?? 'trade';
  const products = out.products;
  const featured = products.find((p) => p.category === 'Tools') ?? products[0];
  const promo = (id: string, name: string, percentOff: number, extra: { product_id?: string | null; category?: string | null; segment?: string | null }, from: number, to: number) =>
    out.promotions.push({ id, org_id: orgId, name, percent_off: percentOff, product_id: null, category: null, segment: null, ...extra,
      valid_from: addDays(opts.today, from), valid_to: addDays(opts.today, to), created_by: 'usr_hq' });
  promo('promo_brushes', 'Brush & roller weeks', 15, { category: 'Brushes & rollers' }, -7, 21);
  promo('promo_segment', `${otherSegment[0].toUpperCase()}${otherSegment.slice(1)} partner discount`, 8, { segment: otherSegment }, -3, 30);
  if (featured) promo('promo_featured', `Featured: ${featured.name}`, 20, { product_id: featured.id as string }, -1, 14);
  promo('promo_expired', 'Summer paint sale (ended)', 30, { category: 'Interior paint' }, -60, -30);

  // The brand's stock: most products plenty, some low, a few out.
  const updatedAt = `${opts.today}T06:00:00.000Z`;
  for (const p of products) {
    const roll = r.next();
    const available = roll < 0.07 ? 0 : roll < 0.2 ? r.int(1, 20) : r.int(21, 900);
    out.brand_stock.push({ product_id: p.id, available, updated_at: updatedAt });
  }

  // Stock at the demo dealer (reported by it) and at a few of the demo rep's dealers (audits).
  const repDealers = out.rep_assignments.filter((a) => a.rep_id === 'usr_rep_01' && a.dealer_id !== demoDealerId).slice(0, 5).map((a) => String(a.dealer_id));
  const reporters: Array<[string, string, 'dealer' | 'audit']> = [
    ...(demoDealerId ? [[demoDealerId, 'usr_dealer_admin', 'dealer'] as [string, string, 'dealer']] : []),
    ...repDealers.map((d) => [d, 'usr_rep_01', 'audit'] as [string, string, 'audit']),
  ];
  for (const [dealerId, by, source] of reporters) {
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const p = String(r.pick(products).id);
      if (seen.has(p)) continue;
      seen.add(p);
      out.channel_stock.push({ dealer_id: dealerId, product_id: p, quantity: r.chance(0.25) ? r.int(0, 5) : r.int(6, 80), reorder_point: r.pick([5, 5, 10, 20]),
        reported_by: by, reported_at: `${addDays(opts.today, -r.int(0, 20))}T09:00:00.000Z`, source });
    }
  }
}
