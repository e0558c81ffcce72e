import { asc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { regions, territories } from '../../core/db/schema.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';

export const regionRoutes = new Hono<AppEnv>()
  .get('/regions', requires('regions:read', { summary: 'Regions and their territories' }), async (c) => {
    const db = c.get('db');
    const [rs, ts] = await Promise.all([
      db.select().from(regions).where(eq(regions.orgId, c.get('user')!.orgId)).orderBy(asc(regions.name)),
      db.select().from(territories).orderBy(asc(territories.name)),
    ]);
    return c.json({
      items: rs.map((r) => ({ id: r.id, code: r.code, name: r.name, territories: ts.filter((t) => t.regionId === r.id).map(({ id, code, name }) => ({ id, code, name })) })),
    });
  });
