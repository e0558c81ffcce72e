import { sql } from 'drizzle-orm';
import { DEFAULT_APPROVAL_RULES, type OrderFacts, type PriceFact } from '../core/orders/approval.ts';
import { inParts, type Db } from './db.ts';
import { priceSubquery } from './pricing.ts';
import { bestPromotion, parseSegments, promoPrice, type PromotionRule } from '../core/orders/promotions.ts';

// Everything the server needs from D1 to decide a submitted order: the dealer's price for each
// product named, its credit limit and what it already owes, and its organisation's rules.
export async function loadOrderFacts(db: Db, dealerId: string, orderId: string, productIds: string[]): Promise<OrderFacts | null> {
  const dealer = (await db.all<{ id: string; tier: string; regionId: string | null; creditLimit: number; orgId: string; networkApprover: string | null; segments: string | null }>(sql`
    select d.id, d.tier, d.region_id as regionId, d.credit_limit as creditLimit, d.org_id as orgId, d.segments,
      (select p.id from dealers p where p.id = d.parent_id and p.handles_network_orders = 1 and p.status = 'active') as networkApprover
    from dealers d where d.id = ${dealerId}`))[0];
  if (!dealer) return null;
  const today = new Date().toISOString().slice(0, 10);
  const prices = new Map<string, PriceFact>();
  const ids = [...new Set(productIds.filter((p) => typeof p === 'string'))];
  // Running promotions are charged as the catalog shows them (core/orders/promotions.ts).
  const promos = await db.all<PromotionRule>(sql`
    select name, percent_off as percentOff, product_id as productId, category, segment, valid_from as validFrom, valid_to as validTo
    from promotions where org_id = ${dealer.orgId} and valid_from <= ${today} and valid_to >= ${today} order by id`);
  const segments = parseSegments(dealer.segments);
  const rows = await inParts(ids, (part) => db.all<{ id: string; name: string; category: string; wholeUnits: number; price: number | null }>(sql`
    select p.id, p.name, p.category, p.whole_units as wholeUnits, ${priceSubquery(dealer, today, 'pli.unit_price')} as price
    from products p where p.org_id = ${dealer.orgId} and p.status = 'active' and p.id in ${part}`));
  for (const r of rows) prices.set(r.id, { name: r.name, wholeUnits: !!r.wholeUnits, unitPrice: r.price === null ? null : promoPrice(r.price, bestPromotion(r, { segments }, promos, today)?.percentOff) });
  const [exposure, rules] = await Promise.all([
    db.all<{ n: number | null }>(sql`select sum(total) as n from orders where dealer_id = ${dealerId} and id != ${orderId} and status in ('approved', 'shipped')`),
    db.all<{ autoApproveMax: number; managerMax: number }>(sql`select auto_approve_max as autoApproveMax, manager_max as managerMax from approval_rules where org_id = ${dealer.orgId}`),
  ]);
  return { prices, creditLimit: dealer.creditLimit, exposure: exposure[0]?.n ?? 0, rules: rules[0] ?? DEFAULT_APPROVAL_RULES, networkApprover: dealer.networkApprover };
}
