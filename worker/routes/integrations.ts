// Integrations: API keys HQ creates for outside systems, each with scopes, and the first
// integration that uses them: an ERP reporting shipment events for orders. The event goes into
// the order document through its room (as the server), so every replica and the dealer's
// timeline see it, and the room's projection writes the D1 rows.
import { desc, eq, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import * as Y from 'yjs';
import { randomToken, sha256Hex } from '../../core/auth/password.ts';
import { apiKeys, type ApiKey } from '../../core/db/schema.ts';
import { parseDocId } from '../../core/docs/id.ts';
import { body as docBody, order, type Json } from '../../core/docs/schema.ts';
import { apiKeyCreateBody, deliveryProgress, shipmentEventBody, type ApiScope, type ShipmentRecord } from '../../core/validators/integrations.ts';
import { audit } from '../audit.ts';
import { newId, readBatch } from '../../server/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readId, readJson } from '../http/input.ts';
import { publicRoute, requires } from '../middleware/access.ts';
import { roomFor } from '../sync/access.ts';
import type { AppEnv } from '../types.ts';
import { serverCopy } from '../sync/server-copy.ts';

const SECRET_PREFIX = 'fnk_';
// Orders the ERP may report shipments for: decided (approved) and on their way or done.
const SHIPPABLE = new Set(['approved', 'shipped', 'delivered']);

const keyView = (k: ApiKey) => ({
  id: k.id, name: k.name, scopes: k.scopes ?? [], prefix: k.prefix, createdBy: k.createdBy, createdAt: k.createdAt, lastUsedAt: k.lastUsedAt, revokedAt: k.revokedAt,
});

// `Authorization: Bearer fnk_…`: the key must exist, be live and carry the scope. An API key
// call has no session; its audit rows name the key as the actor ('apikey:<id>').
async function authenticateKey(c: Context<AppEnv>, scope: ApiScope): Promise<ApiKey> {
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  const challenge = { 'WWW-Authenticate': 'Bearer realm="integrations"' };
  const path = new URL(c.req.url).pathname;
  if (!match) {
    await audit(c, { action: 'apikey.refused', outcome: 'denied', actorRole: 'apikey', detail: { path, reason: 'missing' } });
    throw new ApiError(401, 'unauthenticated', 'Send the API key as "Authorization: Bearer <key>".', undefined, challenge);
  }
  const secret = match[1];
  const found = secret.length <= 200 && secret.startsWith(SECRET_PREFIX)
    ? await c.get('db').select().from(apiKeys).where(eq(apiKeys.keyHash, await sha256Hex(secret))).limit(1)
    : [];
  const key = found[0];
  if (!key || key.revokedAt) {
    await audit(c, { action: 'apikey.refused', outcome: 'denied', actorId: key ? `apikey:${key.id}` : null, actorRole: 'apikey', detail: { path, reason: key ? 'revoked' : 'unknown' } });
    throw new ApiError(401, 'invalid_api_key', key ? 'This API key has been revoked. Ask HQ for a new one.' : 'This API key is not valid. Check the key, or ask HQ for a new one.', undefined, challenge);
  }
  if (!(key.scopes ?? []).includes(scope)) {
    await audit(c, { action: 'apikey.refused', outcome: 'denied', actorId: `apikey:${key.id}`, actorRole: 'apikey', detail: { path, reason: 'scope', scope } });
    throw new ApiError(403, 'missing_scope', `This API key does not have the "${scope}" scope. HQ can create a key with it.`);
  }
  return key;
}

export const integrationRoutes = new Hono<AppEnv>()
  .get('/integrations/keys', requires('integrations:manage', { summary: 'API keys for integrations (never their secrets)' }), async (c) => {
    const rows = await c.get('db').select().from(apiKeys).orderBy(desc(apiKeys.createdAt), apiKeys.id);
    return c.json({ items: rows.map(keyView) });
  })
  .post('/integrations/keys', requires('integrations:manage', { summary: 'Create an API key with scopes; its secret is in this answer only', body: apiKeyCreateBody }), async (c) => {
    const input = await readJson(c, apiKeyCreateBody);
    const user = c.get('user')!;
    const secret = SECRET_PREFIX + randomToken();
    const [key] = await c.get('db').insert(apiKeys).values({
      id: newId('key'), name: input.name, keyHash: await sha256Hex(secret), prefix: secret.slice(0, 8), scopes: [...input.scopes], createdBy: user.id,
    }).returning();
    await audit(c, { action: 'apikey.create', entityType: 'api_key', entityId: key.id, detail: { name: key.name, scopes: key.scopes, prefix: key.prefix } });
    return c.json({ ...keyView(key), secret }, 201);
  })
  .delete('/integrations/keys/:id', requires('integrations:manage', { summary: 'Revoke an API key: it stops working at once' }), async (c) => {
    const id = readId(c, 'id', 'API key');
    const db = c.get('db');
    const [key] = await db.select().from(apiKeys).where(eq(apiKeys.id, id)).limit(1);
    if (!key) throw notFound('API key');
    // Revoking twice keeps the first revocation's time.
    if (key.revokedAt) return c.json(keyView(key));
    const [revoked] = await db.update(apiKeys).set({ revokedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))` }).where(eq(apiKeys.id, id)).returning();
    await audit(c, { action: 'apikey.revoke', entityType: 'api_key', entityId: id, detail: { name: key.name, prefix: key.prefix } });
    return c.json(keyView(revoked));
  })
  .post('/integrations/shipments', publicRoute({ summary: 'ERP: a shipment event for an order (API key with shipments:write, as Authorization: Bearer)', body: shipmentEventBody }), async (c) => {
    const key = await authenticateKey(c, 'shipments:write');
    const event = await readJson(c, shipmentEventBody);
    const id = parseDocId(event.orderId);
    const actor = `apikey:${key.id}`;
    const db = c.get('db');
    const noOrder = () => new ApiError(404, 'not_found', `No such order: ${event.orderId}.`, { orderId: 'No such order' });
    const [docRows, orderRows] = await readBatch<[{ kind: string }, { status: string }]>(db, [
      sql`select kind from documents where id = ${id.id}`,
      sql`select status from orders where id = ${id.id}`,
    ]);
    if (docRows[0]?.kind !== 'order' || !orderRows.length) throw noOrder();

    // The room's current state, changed as the server: 'shipments' is the server's list alone.
    const room = roomFor(c, id.id);
    const { doc, commit } = await serverCopy(room, id.id);
    if (doc.getMap('meta').get('kind') !== 'order') throw noOrder();
    const b = docBody(doc, 'order');
    const list = b.get('shipments') as Y.Array<Json> | undefined;
    const recorded = (list?.toArray() ?? []) as unknown as ShipmentRecord[];
    const status = order.status(doc) ?? 'draft';
    const lines = Object.values(order.lines(doc)?.toJSON() ?? {}) as Array<{ productId: unknown; quantity: unknown }>;

    // The ERP sending an event again (a retry) is answered as before and changes nothing.
    if (recorded.some((e) => e?.eventId === event.eventId)) {
      const progress = deliveryProgress(lines, recorded);
      return c.json({ orderId: id.id, eventId: event.eventId, recorded: false, duplicate: true, orderStatus: status, delivered: progress.delivered, ordered: progress.ordered });
    }
    if (!SHIPPABLE.has(status)) {
      throw new ApiError(409, 'not_shippable', `Order ${id.id} is ${status}; only approved orders can be shipped.`, { orderId: `The order is ${status}` });
    }
    const onOrder = new Set(lines.map((l) => l.productId).filter((p): p is string => typeof p === 'string'));
    const strangers: Record<string, string> = {};
    event.items.forEach((it, i) => { if (!onOrder.has(it.productId)) strangers[`items.${i}.productId`] = `${it.productId} is not on this order`; });
    if (Object.keys(strangers).length) {
      const names = [...new Set(event.items.filter((it) => !onOrder.has(it.productId)).map((it) => it.productId))];
      throw new ApiError(422, 'unknown_items', `Not on order ${id.id}: ${names.join(', ')}.`, strangers);
    }

    const now = new Date().toISOString();
    const record: ShipmentRecord = {
      eventId: event.eventId, carrier: event.carrier, trackingNumber: event.trackingNumber, status: event.status, eta: event.eta ?? null,
      items: event.items.map((it) => ({ productId: it.productId, quantity: it.quantity })), at: event.at, receivedAt: now, by: `erp:${key.id}`,
    };
    const progress = deliveryProgress(lines, [...recorded, record]);
    const next = progress.complete ? 'delivered' : status === 'approved' ? 'shipped' : status;
    doc.transact(() => {
      let shipments = list;
      if (!shipments) { shipments = new Y.Array<Json>(); b.set('shipments', shipments); }
      shipments.push([{ ...record, items: record.items.map((it) => ({ ...it })) } as unknown as Json]);
      if (next !== status) {
        b.set('status', next);
        let history = b.get('statusHistory') as Y.Array<Json> | undefined;
        if (!history) { history = new Y.Array<Json>(); b.set('statusHistory', history); }
        history.push([{ status: next, by: `erp:${key.id}`, role: 'server', at: now }]);
      }
    });
    await commit();
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id));
    await audit(c, {
      action: 'shipment.record', entityType: 'order', entityId: id.id, actorId: actor, actorRole: 'apikey',
      detail: { eventId: event.eventId, status: event.status, carrier: event.carrier, trackingNumber: event.trackingNumber, orderStatus: next },
    });
    return c.json({ orderId: id.id, eventId: event.eventId, recorded: true, duplicate: false, orderStatus: next, delivered: progress.delivered, ordered: progress.ordered }, 201);
  });
