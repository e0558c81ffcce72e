import { sql, type SQL } from 'drizzle-orm';

// The price a dealer pays is its most specific list valid today: its own, then its tier's,
// then its region's, then the default list.
export function priceSubquery(dealer: { id: string; tier: string; regionId: string | null } | null, today: string, column: string): SQL {
  if (!dealer) return sql.raw('null');
  return sql`(select ${sql.raw(column)} from price_list_items pli join price_lists pl on pl.id = pli.price_list_id
    where pli.product_id = p.id
      and (pl.valid_from is null or pl.valid_from <= ${today}) and (pl.valid_to is null or pl.valid_to >= ${today})
      and ((pl.scope = 'dealer' and pl.dealer_id = ${dealer.id}) or (pl.scope = 'tier' and pl.tier = ${dealer.tier})
        or (pl.scope = 'region' and pl.region_id = ${dealer.regionId}) or pl.scope = 'default')
    order by case pl.scope when 'dealer' then 0 when 'tier' then 1 when 'region' then 2 else 3 end, pl.id limit 1)`;
}

