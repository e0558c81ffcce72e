// Channel stock: what each dealer holds, reported by its own users or recorded by its rep in an
// audit; HQ reads it per product and region across the channel, and low-stock rows (quantity
// at or under the row's reorder point) reach the dealer and its rep as alerts.
import { sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { channelStock } from '../../core/db/schema.ts';
import { stockQuery, stockReportBody } from '../../core/validators/stock.ts';
import { audit } from '../audit.ts';
import { inParts, nowIso, runBatch } from '../../server/db.ts';
import { notify } from '../../server/notify.ts';
import { reachesDealer, reachSql } from '../../server/scope.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readId, readJson, readQuery } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv, SessionUser } from '../types.ts';

export interface StockRow {
  dealerId: string; dealerName: string; regionId: string | null; regionName: string | null;
  productId: string; sku: string; productName: string; category: string;
  quantity: number; reorderPoint: number; reportedAt: string; source: 'dealer' | 'audit'; low: boolean;
}

// The dealers whose stock the caller reads, by the policy's stock grant (a dealer's users their
// own dealer, its rep its dealers, managers their regions, HQ and analysts all).
const readable = (u: SessionUser) => reachSql(u.role, 'stock', 'R', u, 'd', null);

const ROW_COLUMNS = sql`cs.dealer_id as dealerId, d.name as dealerName, d.region_id as regionId, r.name as regionName,
  cs.product_id as productId, p.sku, p.name as productName, p.category, cs.quantity, cs.reorder_point as reorderPoint,
  cs.reported_at as reportedAt, cs.source, (cs.quantity <= cs.reorder_point) as low`;
const ROW_FROM = sql`channel_stock cs join dealers d on d.id = cs.dealer_id join products p on p.id = cs.product_id left join regions r on r.id = d.region_id`;
const toRow = (r: Omit<StockRow, 'low'> & { low: number }): StockRow => ({ ...r, low: !!r.low });

export const stockRoutes = new Hono<AppEnv>()
  // Low rows of the dealers whose stock the caller reads.
  .get('/stock/alerts', requires('stock:read', { summary: 'Low-stock rows for the signed-in user\'s dealer(s)' }), async (c) => {
    const user = c.get('user')!;
    const who = readable(user);
    const rows = await c.get('db').all<Omit<StockRow, 'low'> & { low: number }>(sql`
      select ${ROW_COLUMNS} from ${ROW_FROM}
      where d.org_id = ${user.orgId} and ${who} and cs.quantity <= cs.reorder_point
      order by d.name, cs.quantity, p.name limit 500`);
    return c.json({ items: rows.map(toRow) });
  })
  // Across the channel: quantity per product and region (summed over dealers) and the low rows.
  .get('/stock', requires('stock:read', { summary: 'Channel stock per product and region, and low-stock rows', query: stockQuery }), async (c) => {
    const q = readQuery(c, stockQuery);
    const user = c.get('user')!;
    const where: SQL[] = [sql`d.org_id = ${user.orgId}`, readable(user)];
    if (q.region) where.push(sql`d.region_id = ${q.region}`);
    if (q.product) where.push(sql`cs.product_id = ${q.product}`);
    const cond = sql.join(where, sql` and `);
    const db = c.get('db');
    const [byProduct, low] = await Promise.all([
      db.all<{ productId: string; sku: string; productName: string; category: string; regionId: string | null; regionName: string | null; quantity: number; dealers: number; lowCount: number }>(sql`
        select cs.product_id as productId, p.sku, p.name as productName, p.category, d.region_id as regionId, r.name as regionName,
          sum(cs.quantity) as quantity, count(*) as dealers, sum(cs.quantity <= cs.reorder_point) as lowCount
        from ${ROW_FROM} where ${cond}
        group by cs.product_id, d.region_id order by p.category, p.name, r.name limit 2000`),
      db.all<Omit<StockRow, 'low'> & { low: number }>(sql`
        select ${ROW_COLUMNS} from ${ROW_FROM} where ${cond} and cs.quantity <= cs.reorder_point
        order by cs.quantity, d.name, p.name limit 500`),
    ]);
    return c.json({ byProduct, low: low.map(toRow) });
  })
  // One dealer's stock as last reported, for its stock page or its rep's audit.
  .get('/stock/:dealerId', requires('stock:read', { summary: 'A dealer\'s reported stock' }), async (c) => {
    const dealerId = readId(c, 'dealerId', 'Dealer');
    const user = c.get('user')!;
    if (!(await reachesDealer(c.get('db'), user.role, 'stock', 'R', user, dealerId))) throw notFound('Dealer');
    const rows = await c.get('db').all<Omit<StockRow, 'low'> & { low: number }>(sql`
      select ${ROW_COLUMNS} from ${ROW_FROM} where cs.dealer_id = ${dealerId} order by p.category, p.name`);
    return c.json({ dealerId, items: rows.map(toRow) });
  })
  // A stock count. All of it is kept or none of it: any bad row refuses the whole report.
  .put('/stock/:dealerId', requires('stock:report', { summary: 'Report a dealer\'s stock (its users) or record it in an audit (its rep)', body: stockReportBody }), async (c) => {
    const dealerId = readId(c, 'dealerId', 'Dealer');
    const user = c.get('user')!;
    const db = c.get('db');
    // A dealer's users report for their own dealer only, its rep for the rep's dealers (stock C).
    if (!(await reachesDealer(db, user.role, 'stock', 'C', user, dealerId))) {
      await audit(c, { action: 'stock.report', entityType: 'dealer', entityId: dealerId, outcome: 'denied' });
      throw notFound('Dealer');
    }
    const body = await readJson(c, stockReportBody);
    const ids = body.items.map((i) => i.productId);
    const known = new Set((await inParts(ids, (part) => db.all<{ id: string }>(sql`select id from products where org_id = ${user.orgId} and status = 'active' and id in ${part}`))).map((r) => r.id));
    const fields: Record<string, string> = {};
    body.items.forEach((it, i) => { if (!known.has(it.productId)) fields[`items.${i}.productId`] = 'There is no such product'; });
    if (Object.keys(fields).length) throw new ApiError(422, 'unknown_product', `Check ${Object.keys(fields).join(', ')}: there is no such product.`, fields);
    const source = user.dealerId === dealerId ? 'dealer' : 'audit';
    const at = nowIso();
    // What was already low, so only a product that has just dropped to its reorder point alerts.
    const wasLow = new Set((await db.all<{ productId: string }>(sql`select product_id as productId from channel_stock where dealer_id = ${dealerId} and quantity <= reorder_point`)).map((r) => r.productId));
    await runBatch(db, body.items.map((it) => db.insert(channelStock)
      .values({ dealerId, productId: it.productId, quantity: it.quantity, reorderPoint: it.reorderPoint ?? 5, reportedBy: user.id, reportedAt: at, source })
      .onConflictDoUpdate({
        target: [channelStock.dealerId, channelStock.productId],
        set: { quantity: it.quantity, reportedBy: user.id, reportedAt: at, source, ...(it.reorderPoint === undefined ? {} : { reorderPoint: it.reorderPoint }) },
      })));
    await audit(c, { action: 'stock.report', entityType: 'dealer', entityId: dealerId, detail: { source, products: ids.length } });
    const low = await db.all<Omit<StockRow, 'low'> & { low: number }>(sql`
      select ${ROW_COLUMNS} from ${ROW_FROM} where cs.dealer_id = ${dealerId} and cs.quantity <= cs.reorder_point order by cs.quantity, p.name`);
    const fresh = low.filter((r) => !wasLow.has(r.productId));
    if (fresh.length) {
      // The dealer and its rep hear of it, in the app and by Web Push.
      const reps = (await db.all<{ repId: string }>(sql`select rep_id as repId from rep_assignments where dealer_id = ${dealerId}`)).map((r) => r.repId);
      const title = fresh.length === 1 ? `Low stock: ${fresh[0].productName}` : `Low stock: ${fresh.length} products`;
      const text = fresh.slice(0, 5).map((r) => `${r.productName} (${r.quantity})`).join(', ');
      const send = Promise.all([
        notify(c.env, db, { dealerId, kind: 'low_stock', title, body: text, url: '/portal/stock' }),
        reps.length ? notify(c.env, db, { userIds: reps, kind: 'low_stock', title: `${title} at ${fresh[0].dealerName}`, body: text, url: '/field' }) : null,
      ]);
      try { c.executionCtx.waitUntil(send); } catch { await send; }
    }
    return c.json({ ok: true, saved: body.items.length, source, reportedAt: at, low: low.map(toRow) });
  });
