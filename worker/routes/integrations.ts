// Integrations: API keys HQ creates for outside systems, each with scopes, and the first
// integration that uses them: an ERP reporting shipment events for orders. The event goes into
// the order document through its room (as the server), so every replica and the dealer's
// timeline see it, and the room's projection writes the D1 rows.
import { desc, eq, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { randomToken, sha256Hex } from '../../core/auth/password.ts';
import { apiKeys, type ApiKey } from '../../core/db/schema.ts';
import { parseDocId } from '../../core/docs/id.ts';
import { apiKeyCreateBody, shipmentEventBody, type ApiScope } from '../../core/validators/integrations.ts';
import { audit } from '../audit.ts';
import { newId, readBatch } from '../../server/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readId, readJson } from '../http/input.ts';
import { publicRoute, requires } from '../middleware/access.ts';
import { roomFor } from '../sync/access.ts';
import type { AppEnv } from '../types.ts';

const SECRET_PREFIX = 'fnk_';

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

    // Checked and written inside the room in one step, so a retry racing the first copy of an
    // event finds it recorded: each event id counts once.
    const now = new Date().toISOString();
    const shipmentEvent = {
      eventId: event.eventId, carrier: event.carrier, trackingNumber: event.trackingNumber, status: event.status, eta: event.eta ?? null,
      items: event.items.map((it) => ({ productId: it.productId, quantity: it.quantity })), at: event.at, by: `erp:${key.id}`,
    };
    const res = await roomFor(c, id.id).command(id.id, { name: 'recordShipment', event: shipmentEvent });
    const r = res.shipment;
    if (!r) throw noOrder();
    if (!r.ok && r.code === 'not_shippable') throw new ApiError(409, 'not_shippable', `Order ${id.id} is ${r.status}; only approved orders can be shipped.`, { orderId: `The order is ${r.status}` });
    if (!r.ok) {
      const names = [...new Set(r.unknown.map((u) => u.productId))];
      throw new ApiError(422, 'unknown_items', `Not on order ${id.id}: ${names.join(', ')}.`, Object.fromEntries(r.unknown.map((u) => [`items.${u.index}.productId`, `${u.productId} is not on this order`])));
    }
    // The ERP sending an event again (a retry) is answered as before and changes nothing.
    if (r.duplicate) return c.json({ orderId: id.id, eventId: event.eventId, recorded: false, duplicate: true, orderStatus: r.status, delivered: r.delivered, ordered: r.ordered });
    const next = r.status;
    await db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id));
    await audit(c, {
      action: 'shipment.record', entityType: 'order', entityId: id.id, actorId: actor, actorRole: 'apikey',
      detail: { eventId: event.eventId, status: event.status, carrier: event.carrier, trackingNumber: event.trackingNumber, orderStatus: next },
    });
    return c.json({ orderId: id.id, eventId: event.eventId, recorded: true, duplicate: false, orderStatus: next, delivered: r.delivered, ordered: r.ordered }, 201);
  });
