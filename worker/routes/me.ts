import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { allowedActions, permissionsOf, scopeOf } from '../../core/access/roles.ts';
import { organisations, userRegions } from '../../core/db/schema.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';

export async function brandOf(c: Context<AppEnv>, orgId?: string) {
  const db = c.get('db');
  const org = (orgId
    ? await db.select().from(organisations).where(eq(organisations.id, orgId)).limit(1)
    : await db.select().from(organisations).limit(1))[0];
  return {
    name: org?.name ?? 'FieldNet',
    shortName: org?.shortName ?? 'FieldNet',
    primaryColor: org?.primaryColor ?? '#0f766e',
    backgroundColor: org?.backgroundColor ?? '#ffffff',
    logoUrl: org?.logoUrl ?? null,
    currency: org?.currency ?? 'EUR',
    locale: org?.locale ?? 'en',
    timezone: org?.timezone ?? 'UTC',
  };
}

export async function mePayload(c: Context<AppEnv>) {
  const user = c.get('user')!;
  const kind = scopeOf(user.role);
  const regionIds = (await c.get('db').select({ id: userRegions.regionId }).from(userRegions).where(eq(userRegions.userId, user.id))).map((r) => r.id);
  return {
    user: { id: user.id, email: user.email, name: user.name, role: user.role, dealerId: user.dealerId },
    scope: { kind, regionIds, dealerId: user.dealerId },
    permissions: permissionsOf(user.role),
    // Per resource, the letters (R/C/W/D) the role holds somewhere: what the UI may offer.
    allowedActions: allowedActions(user.role),
    brand: await brandOf(c, user.orgId),
    config: { tileUrl: c.env.TILE_URL, tileAttribution: c.env.TILE_ATTRIBUTION },
  };
}

export const meRoutes = new Hono<AppEnv>()
  .get('/me', requires('session', { summary: 'The signed-in user, role, scope, brand and map configuration' }), async (c) => c.json(await mePayload(c)));
