import { sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { dealers } from '../../core/db/schema.ts';
import { productListQuery } from '../../core/validators/products.ts';
import { audit } from '../audit.ts';
import { readBatch } from '../../server/db.ts';
import { textMatch } from '../dealers/queries.ts';
import { reachesDealer } from '../../server/scope.ts';
import { notFound } from '../http/errors.ts';
import { readQuery } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';
import { priceSubquery } from '../../server/pricing.ts';
import { eq } from 'drizzle-orm';
import { bestPromotion, parseSegments, promoPrice, type PromotionRule } from '../../core/orders/promotions.ts';

interface ProductRow {
  id: string; sku: string; name: string; category: string; unit: string; packSize: number; wholeUnits: number;
  unitPrice: number | null; priceListId: string | null; priceScope: string | null; currency: string | null;
}

export const productRoutes = new Hono<AppEnv>()
  .get('/products', requires('products:read', { summary: 'Products, with the price the given dealer pays', query: productListQuery }), async (c) => {
    const q = readQuery(c, productListQuery);
    const db = c.get('db');
    const user = c.get('user')!;
    const dealerId = q.dealer ?? user.dealerId ?? null;
    let dealer: { id: string; tier: string; regionId: string | null; segments: unknown } | null = null;
    if (dealerId) {
      if (!(await reachesDealer(db, user.role, 'catalog', 'R', user, dealerId))) {
        await audit(c, { action: 'products.price_for', entityType: 'dealer', entityId: dealerId, outcome: 'denied' });
        throw notFound('Dealer');
      }
      dealer = (await db.select({ id: dealers.id, tier: dealers.tier, regionId: dealers.regionId, segments: dealers.segments }).from(dealers).where(eq(dealers.id, dealerId)))[0] ?? null;
    }
    const today = new Date().toISOString().slice(0, 10);
    const where: SQL[] = [sql`p.org_id = ${user.orgId}`, sql`p.status = 'active'`];
    if (q.q) where.push(textMatch(q.q, [sql`p.name`, sql`p.sku`]));
    if (q.category) where.push(sql`p.category = ${q.category}`);
    const cond = sql.join(where, sql` and `);
    const offset = (q.page - 1) * q.pageSize;
    const priceRef = priceSubquery(dealer, today, `pli.unit_price || '|' || pl.id || '|' || pl.scope || '|' || pl.currency`);
    const [rows, count, promos] = await readBatch<[Omit<ProductRow, 'unitPrice' | 'priceListId' | 'priceScope' | 'currency'> & { price: string | null; available: number | null }, { n: number }, PromotionRule]>(db, [
      sql`
        select p.id, p.sku, p.name, p.category, p.unit, p.pack_size as packSize, p.whole_units as wholeUnits, ${priceRef} as price,
          (select bs.available from brand_stock bs where bs.product_id = p.id) as available
        from products p where ${cond} order by p.category, p.name limit ${q.pageSize} offset ${offset}`,
      sql`select count(*) as n from products p where ${cond}`,
      // Promotions running today: the largest that applies is taken off the price-list price.
      sql`select name, percent_off as percentOff, product_id as productId, category, segment, valid_from as validFrom, valid_to as validTo
        from promotions where org_id = ${user.orgId} and valid_from <= ${today} and valid_to >= ${today} order by id`,
    ]);
    const segments = parseSegments(dealer?.segments);
    const items = rows.map(({ price, wholeUnits, ...p }) => {
      const [unitPrice, priceListId, scope, currency] = price ? price.split('|') : [];
      const promo = price && dealer ? bestPromotion(p, { segments }, promos, today) : null;
      const listPrice = Number(unitPrice);
      return { ...p, wholeUnits: !!wholeUnits, available: p.available ?? null,
        price: price ? { unitPrice: promoPrice(listPrice, promo?.percentOff), listPrice, currency, priceListId, scope } : null,
        promotion: promo ? { name: promo.name, percentOff: promo.percentOff } : null };
    });
    return c.json({ items, total: count[0]?.n ?? 0, page: q.page, pageSize: q.pageSize, dealerId });
  })
  .get('/products/categories', requires('products:read', { summary: 'Product categories' }), async (c) => {
    const rows = await c.get('db').all<{ category: string }>(sql`select distinct category from products where org_id = ${c.get('user')!.orgId} and status = 'active' order by category`);
    return c.json({ items: rows.map((r) => r.category) });
  });
