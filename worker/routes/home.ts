// The dealer's home (sales against target, open orders, rank, tier, documents, announcements),
// HQ publishing announcements and documents, and each user's notifications and push subscriptions.
import { and, desc, eq, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { faceOf } from '../../core/access/roles.ts';
import { announcements, dealerDocuments, notifications, pushSubscriptions } from '../../core/db/schema.ts';
import { tierProgress } from '../../core/home/tiers.ts';
import { announcementBody, DOCUMENT_TYPES, documentTypeOf, documentUploadQuery, isDocumentType, MAX_DOCUMENT_BYTES, pushSubscribeBody, pushUnsubscribeBody, readNotificationsBody } from '../../core/validators/home.ts';
import { audit } from '../audit.ts';
import { newId, readBatch } from '../../server/db.ts';
import { ApiError, notFound, parseWith } from '../http/errors.ts';
import { readId, readJson } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import { markRead, vapidOf } from '../../server/notify.ts';
import type { AppEnv } from '../types.ts';

// Orders that count as sold, and orders still on their way.
export const SOLD_STATUSES = ['approved', 'shipped', 'delivered'] as const;
export const OPEN_STATUSES = ['draft', 'submitted', 'held', 'approved', 'shipped'] as const;
const inList = (xs: readonly string[]) => sql.join(xs.map((x) => sql`${x}`), sql`, `);

interface DealerRow { id: string; orgId: string; name: string; type: string; tier: string; regionId: string | null; regionName: string | null }

const audienceSql = (d: { tier: string; regionId: string | null }) => sql`audience in ('all', ${`tier:${d.tier}`}, ${`region:${d.regionId ?? ''}`})`;

async function ownDealer(c: Context<AppEnv>): Promise<DealerRow> {
  const user = c.get('user')!;
  if (faceOf(user.role) !== 'portal' || !user.dealerId) throw new ApiError(403, 'forbidden', 'The home page is for dealer users; your account has no dealer.');
  const rows = await c.get('db').all<DealerRow>(sql`select d.id, d.org_id as orgId, d.name, d.type, d.tier, d.region_id as regionId, r.name as regionName
    from dealers d left join regions r on r.id = d.region_id where d.id = ${user.dealerId}`);
  if (!rows[0]) throw notFound('Your dealer');
  return rows[0];
}

const documentView = (d: typeof dealerDocuments.$inferSelect) => ({
  id: d.id, title: d.title, kind: d.kind, bytes: d.bytes, contentType: d.contentType, audience: d.audience, createdAt: d.createdAt, url: `/api/home/documents/${d.id}`,
});

const safeName = (s: string) => s.replace(/[^A-Za-z0-9 ._-]+/g, '').trim().slice(0, 80) || 'document';

// Published files are downloaded, never opened as a page of the app's origin: whatever one
// holds, it runs no script and reaches nothing there.
const DOCUMENT_CSP = "sandbox; default-src 'none'";
function attachment(title: string, type: string): string {
  const ext = isDocumentType(type) ? DOCUMENT_TYPES[type].ext : null;
  const name = safeName(title);
  return `attachment; filename="${ext && !name.toLowerCase().endsWith(`.${ext}`) ? `${name}.${ext}` : name}"`;
}

export const homeRoutes = new Hono<AppEnv>()
  .get('/home', requires('session', { summary: 'A dealer user\'s home: sales this year against target, open orders, rank in its region, tier progress, documents and announcements' }), async (c) => {
    const d = await ownDealer(c);
    const year = new Date().getUTCFullYear();
    const from = `${year}-01-01`;
    const to = `${year + 1}-01-01`;
    const month = new Date().toISOString().slice(0, 7);
    const sold = inList(SOLD_STATUSES);
    const [salesRows, targetRows, openCount, openList, rankRows, docs, news] = await readBatch<[
      { period: string; sales: number }, { period: string; target: number }, { n: number },
      { id: string; status: string; total: number | null; lineCount: number; submittedAt: string | null; updatedAt: string },
      { rank: number; of: number }, typeof dealerDocuments.$inferSelect, typeof announcements.$inferSelect,
    ]>(c.get('db'), [
      sql`select substr(submitted_at, 1, 7) as period, coalesce(sum(total), 0) as sales from orders
        where dealer_id = ${d.id} and status in (${sold}) and submitted_at >= ${from} and submitted_at < ${to} group by 1 order by 1`,
      sql`select period, coalesce(sum(amount), 0) as target from targets
        where subject_type = 'dealer' and subject_id = ${d.id} and period >= ${`${year}-01`} and period <= ${`${year}-12`} group by period order by period`,
      sql`select count(*) as n from orders where dealer_id = ${d.id} and status in (${inList(OPEN_STATUSES)})`,
      sql`select id, status, total, line_count as lineCount, submitted_at as submittedAt, updated_at as updatedAt from orders
        where dealer_id = ${d.id} and status in (${inList(OPEN_STATUSES)}) order by updated_at desc, id limit 20`,
      // Same region, same kind of business (dealers with dealers, sub-dealers with sub-dealers);
      // equal sales share a rank.
      sql`with s as (
          select x.id, coalesce((select sum(o.total) from orders o where o.dealer_id = x.id and o.status in (${sold})
            and o.submitted_at >= ${from} and o.submitted_at < ${to}), 0) as sales
          from dealers x where x.region_id is ${d.regionId} and x.type = ${d.type} and (x.status = 'active' or x.id = ${d.id}))
        select (select count(*) from s where sales > (select sales from s where id = ${d.id})) + 1 as rank, (select count(*) from s) as "of"`,
      sql`select id, org_id as orgId, title, kind, r2_key as r2Key, bytes, content_type as contentType, audience, created_at as createdAt
        from dealer_documents where org_id = ${d.orgId} and ${audienceSql(d)} order by created_at desc, id limit 50`,
      sql`select id, org_id as orgId, title, body, audience, published_at as publishedAt, created_by as createdBy
        from announcements where org_id = ${d.orgId} and ${audienceSql(d)} order by published_at desc, id limit 20`,
    ]);
    // A dealer with a network below it (a distributor, a dealer with sub-dealers) sees its network's sales.
    const network = (await c.get('db').all<{ dealers: number; sales: number; pending: number }>(sql`
      with recursive tree(id) as (select id from dealers where parent_id = ${d.id} union all select x.id from dealers x join tree on x.parent_id = tree.id)
      select (select count(*) from tree) as dealers,
        coalesce((select sum(o.total) from orders o where o.dealer_id in (select id from tree) and o.status in (${sold}) and o.submitted_at >= ${from} and o.submitted_at < ${to}), 0) as sales,
        (select count(*) from orders o where o.approver_dealer_id = ${d.id} and o.approval_state = 'pending') as pending`))[0];
    const salesBy = new Map(salesRows.map((r) => [r.period, Number(r.sales)]));
    const targetBy = new Map(targetRows.map((r) => [r.period, Number(r.target)]));
    const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`)
      .map((period) => ({ period, sales: salesBy.get(period) ?? 0, target: targetBy.get(period) ?? 0 }));
    const sales = months.reduce((n, m) => n + m.sales, 0);
    const target = months.reduce((n, m) => n + m.target, 0);
    const targetToDate = months.filter((m) => m.period <= month).reduce((n, m) => n + m.target, 0);
    return c.json({
      dealer: { id: d.id, name: d.name, type: d.type, tier: d.tier, regionId: d.regionId, regionName: d.regionName },
      year,
      sales: { total: sales, target, targetToDate, percentOfTarget: target ? Math.round((sales / target) * 100) : null, months },
      openOrders: { count: Number(openCount[0]?.n ?? 0), items: openList },
      rank: { position: Number(rankRows[0]?.rank ?? 1), of: Number(rankRows[0]?.of ?? 1), regionName: d.regionName },
      tier: tierProgress(d.tier, sales),
      network: network && Number(network.dealers) > 0 ? { dealers: Number(network.dealers), sales: Number(network.sales), waitingForYou: Number(network.pending) } : null,
      documents: docs.map(documentView),
      announcements: news.map((a) => ({ id: a.id, title: a.title, body: a.body, audience: a.audience, publishedAt: a.publishedAt })),
    });
  })
  .get('/home/content', requires('home:read:all', { summary: 'Every announcement and document of the brand, for HQ to manage' }), async (c) => {
    const orgId = c.get('user')!.orgId;
    const db = c.get('db');
    const [news, docs] = await Promise.all([
      db.select().from(announcements).where(eq(announcements.orgId, orgId)).orderBy(desc(announcements.publishedAt)).limit(200),
      db.select().from(dealerDocuments).where(eq(dealerDocuments.orgId, orgId)).orderBy(desc(dealerDocuments.createdAt)).limit(200),
    ]);
    return c.json({ announcements: news, documents: docs.map(documentView) });
  })
  .post('/home/announcements', requires('home:manage', { summary: 'Publish an announcement to all dealers, a tier or a region', body: announcementBody }), async (c) => {
    const body = await readJson(c, announcementBody);
    const user = c.get('user')!;
    const [row] = await c.get('db').insert(announcements).values({ id: newId('ann'), orgId: user.orgId, title: body.title, body: body.body, audience: body.audience as typeof announcements.$inferInsert.audience, createdBy: user.id, publishedAt: new Date().toISOString() }).returning();
    await audit(c, { action: 'home.announcement', entityType: 'announcement', entityId: row.id, detail: { audience: row.audience } });
    return c.json(row, 201);
  })
  .put('/home/documents', requires('home:manage', { summary: 'Upload a document for dealers (price list, catalog): the raw file as the body with title, kind and audience in the query, or multipart/form-data with a file field', query: documentUploadQuery }), async (c) => {
    const type = c.req.header('content-type') ?? '';
    let bytes: Uint8Array;
    let contentType: string;
    let fields: Record<string, string>;
    if (type.startsWith('multipart/form-data')) {
      const form = await c.req.formData().catch(() => { throw new ApiError(400, 'invalid_input', 'The multipart body could not be read.'); });
      const file = form.get('file');
      if (!file || typeof file === 'string') throw new ApiError(400, 'invalid_input', 'Attach the document as the "file" field.', { file: 'Required' });
      bytes = new Uint8Array(await file.arrayBuffer());
      contentType = file.type || 'application/octet-stream';
      fields = Object.fromEntries([...form.entries()].filter(([k, v]) => k !== 'file' && typeof v === 'string') as [string, string][]);
    } else {
      if (type.includes('application/json')) throw new ApiError(415, 'unsupported_media_type', 'Send the file itself as the body (or multipart/form-data), not JSON.');
      bytes = new Uint8Array(await c.req.arrayBuffer());
      contentType = type.split(';')[0].trim() || 'application/octet-stream';
      fields = c.req.query();
    }
    const meta = parseWith(documentUploadQuery, fields);
    if (!bytes.byteLength) throw new ApiError(400, 'invalid_input', 'The document is empty.', { file: 'Empty' });
    if (bytes.byteLength > MAX_DOCUMENT_BYTES) throw new ApiError(413, 'too_large', `The document is larger than ${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB.`);
    const checked = documentTypeOf(contentType, bytes);
    if ('error' in checked) throw new ApiError(400, 'invalid_input', `Check file: ${checked.error}.`, { file: checked.error });
    contentType = checked.type;
    const user = c.get('user')!;
    const id = newId('doc');
    const key = `documents/${id}`;
    await c.env.FILES.put(key, bytes, { httpMetadata: { contentType, contentDisposition: attachment(meta.title, contentType) } });
    const [row] = await c.get('db').insert(dealerDocuments).values({ id, orgId: user.orgId, title: meta.title, kind: meta.kind, r2Key: key, bytes: bytes.byteLength, contentType, audience: meta.audience as typeof dealerDocuments.$inferInsert.audience, createdAt: new Date().toISOString() }).returning();
    await audit(c, { action: 'home.document', entityType: 'dealer_document', entityId: id, detail: { bytes: bytes.byteLength, audience: meta.audience } });
    return c.json(documentView(row), 201);
  })
  .get('/home/documents/:id', requires('home:read', { summary: 'A document\'s file, for the dealers it was published to (and HQ, reps and managers)' }), async (c) => {
    const id = readId(c, 'id', 'Document');
    const user = c.get('user')!;
    const db = c.get('db');
    const doc = (await db.select().from(dealerDocuments).where(and(eq(dealerDocuments.id, id), eq(dealerDocuments.orgId, user.orgId))).limit(1))[0];
    if (!doc || faceOf(user.role) === 'supplier') throw notFound('Document');
    if (faceOf(user.role) === 'portal') {
      const d = await ownDealer(c);
      const ok = await db.all(sql`select 1 from dealer_documents where id = ${id} and ${audienceSql(d)}`);
      if (!ok.length) throw notFound('Document');
    }
    const object = await c.env.FILES.get(doc.r2Key);
    if (!object) throw new ApiError(404, 'not_found', 'This document\'s file has not been uploaded yet. HQ can upload it again under Announcements.');
    // A file published before types were checked is served as bytes, never as what it claimed.
    const type = isDocumentType(doc.contentType) ? doc.contentType : 'application/octet-stream';
    return c.body(object.body, 200, {
      'content-type': type, 'content-length': String(object.size), 'cache-control': 'private, max-age=300',
      'content-disposition': attachment(doc.title, type), 'x-content-type-options': 'nosniff', 'content-security-policy': DOCUMENT_CSP,
    });
  })
  .get('/notifications', requires('session', { summary: 'The signed-in user\'s notifications, newest first, and how many are unread' }), async (c) => {
    const userId = c.get('user')!.id;
    const [items, unread] = await readBatch<[typeof notifications.$inferSelect, { n: number }]>(c.get('db'), [
      sql`select id, user_id as userId, kind, title, body, url, created_at as createdAt, read_at as readAt from notifications where user_id = ${userId} order by created_at desc, id desc limit 50`,
      sql`select count(*) as n from notifications where user_id = ${userId} and read_at is null`,
    ]);
    return c.json({ items, unread: Number(unread[0]?.n ?? 0) });
  })
  .post('/notifications/read', requires('session', { summary: 'Mark some ({ids}) or all ({all: true}) of one\'s notifications read', body: readNotificationsBody }), async (c) => {
    const body = await readJson(c, readNotificationsBody);
    const userId = c.get('user')!.id;
    const marked = await markRead(c.get('db'), userId, 'all' in body ? 'all' : body.ids);
    const unread = (await c.get('db').all<{ n: number }>(sql`select count(*) as n from notifications where user_id = ${userId} and read_at is null`))[0];
    return c.json({ marked, unread: Number(unread?.n ?? 0) });
  })
  .get('/push/key', requires('session', { summary: 'The VAPID public key to subscribe to Web Push with' }), (c) => {
    const vapid = vapidOf(c.env);
    if (!vapid) throw new ApiError(404, 'not_configured', 'Push notifications are not configured on this server.');
    return c.json({ publicKey: vapid.publicKey });
  })
  .post('/push/subscribe', requires('session', { summary: 'Store this browser\'s Web Push subscription for the signed-in user', body: pushSubscribeBody }), async (c) => {
    const body = await readJson(c, pushSubscribeBody);
    const userId = c.get('user')!.id;
    const db = c.get('db');
    // An endpoint belongs to one browser: signing in as someone else there moves it to them.
    await db.insert(pushSubscriptions).values({ id: newId('psh'), userId, endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth, createdAt: new Date().toISOString() })
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId, p256dh: body.keys.p256dh, auth: body.keys.auth } });
    return c.json({ subscribed: true }, 201);
  })
  .delete('/push/subscribe', requires('session', { summary: 'Forget one of the signed-in user\'s push subscriptions', body: pushUnsubscribeBody }), async (c) => {
    const body = await readJson(c, pushUnsubscribeBody);
    const gone = await c.get('db').delete(pushSubscriptions).where(and(eq(pushSubscriptions.endpoint, body.endpoint), eq(pushSubscriptions.userId, c.get('user')!.id))).returning({ id: pushSubscriptions.id });
    return c.json({ removed: gone.length });
  });

