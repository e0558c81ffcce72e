import { and, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { randomToken, sha256Hex } from '../../core/auth/password.ts';
import { dealers, invitations, regions, sessions, userRegions, users } from '../../core/db/schema.ts';
import { userCreateBody, userListQuery, userUpdateBody } from '../../core/validators/users.ts';
import { audit } from '../audit.ts';
import { newId, runBatch, type Db } from '../../server/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readId, readJson, readQuery } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';

const INVITE_DAYS = 7;

async function checkRegions(db: Db, regionIds: string[] | undefined) {
  if (!regionIds?.length) return;
  const found = await db.select({ id: regions.id }).from(regions).where(inArray(regions.id, regionIds));
  if (found.length !== new Set(regionIds).size) throw new ApiError(422, 'invalid_input', 'Check regionIds: no such region.', { regionIds: 'No such region' });
}

export const userRoutes = new Hono<AppEnv>()
  .get('/users', requires('users:read', { summary: 'Users of the organisation', query: userListQuery }), async (c) => {
    const q = readQuery(c, userListQuery);
    const db = c.get('db');
    const where: SQL[] = [eq(users.orgId, c.get('user')!.orgId)];
    if (q.role) where.push(eq(users.role, q.role));
    if (q.q) where.push(or(like(users.email, `%${q.q}%`), like(users.name, `%${q.q}%`))!);
    const cond = and(...where);
    const [rows, count] = await Promise.all([
      db.select({ id: users.id, email: users.email, name: users.name, role: users.role, dealerId: users.dealerId, status: users.status, lastLoginAt: users.lastLoginAt })
        .from(users).where(cond).orderBy(users.name).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
      db.select({ n: sql<number>`count(*)` }).from(users).where(cond),
    ]);
    const regionRows = rows.length ? await db.select().from(userRegions).where(inArray(userRegions.userId, rows.map((r) => r.id))) : [];
    const items = rows.map((u) => ({ ...u, regionIds: regionRows.filter((r) => r.userId === u.id).map((r) => r.regionId) }));
    return c.json({ items, total: count[0]?.n ?? 0, page: q.page, pageSize: q.pageSize });
  })
  .post('/users', requires('users:manage', { summary: 'Create a user and a one-time invitation link', body: userCreateBody }), async (c) => {
    const body = await readJson(c, userCreateBody);
    const db = c.get('db');
    const me = c.get('user')!;
    if ((await db.select({ id: users.id }).from(users).where(eq(users.email, body.email)).limit(1)).length) {
      throw new ApiError(409, 'conflict', `There is already a user with the email ${body.email}.`, { email: 'Already used' });
    }
    if (body.dealerId && !(await db.select({ id: dealers.id }).from(dealers).where(eq(dealers.id, body.dealerId)).limit(1)).length) {
      throw new ApiError(422, 'invalid_input', 'Check dealerId: no such dealer.', { dealerId: 'No such dealer' });
    }
    await checkRegions(db, body.regionIds);
    const id = newId('usr');
    const token = randomToken();
    const expiresAt = new Date(Date.now() + INVITE_DAYS * 86_400_000).toISOString();
    await runBatch(db, [
      db.insert(users).values({ id, orgId: me.orgId, email: body.email, name: body.name, role: body.role, dealerId: body.dealerId ?? null, status: 'invited' }),
      db.insert(invitations).values({ id: newId('inv'), userId: id, tokenHash: await sha256Hex(token), createdBy: me.id, expiresAt }),
      ...(body.regionIds ?? []).map((regionId) => db.insert(userRegions).values({ userId: id, regionId })),
    ]);
    await audit(c, { action: 'user.invite', entityType: 'user', entityId: id, detail: { email: body.email, role: body.role } });
    const user = (await db.select({ id: users.id, email: users.email, name: users.name, role: users.role, dealerId: users.dealerId, status: users.status }).from(users).where(eq(users.id, id)))[0];
    return c.json({ user: { ...user, regionIds: body.regionIds ?? [] }, inviteUrl: `${new URL(c.req.url).origin}/invite/${token}`, expiresAt }, 201);
  })
  .patch('/users/:id', requires('users:manage', { summary: 'Change a user\'s name, role, status or regions', body: userUpdateBody }), async (c) => {
    const id = readId(c, 'id', 'User');
    const body = await readJson(c, userUpdateBody);
    const db = c.get('db');
    const me = c.get('user')!;
    const target = (await db.select().from(users).where(and(eq(users.id, id), eq(users.orgId, me.orgId))).limit(1))[0];
    if (!target) throw notFound('User');
    if (id === me.id && (body.role && body.role !== me.role || body.status && body.status !== 'active')) {
      throw new ApiError(422, 'invalid_input', 'You cannot change your own role or disable yourself.', { role: 'Not for yourself' });
    }
    await checkRegions(db, body.regionIds);
    const { regionIds, ...set } = body;
    const stmts: unknown[] = [];
    if (Object.keys(set).length) stmts.push(db.update(users).set(set).where(eq(users.id, id)));
    if (regionIds) {
      stmts.push(db.delete(userRegions).where(eq(userRegions.userId, id)));
      for (const regionId of regionIds) stmts.push(db.insert(userRegions).values({ userId: id, regionId }));
    }
    // A disabled user or a changed role must not keep old sessions.
    if (set.status === 'disabled' || (set.role && set.role !== target.role)) stmts.push(db.delete(sessions).where(eq(sessions.userId, id)));
    await runBatch(db, stmts);
    await audit(c, { action: 'user.update', entityType: 'user', entityId: id, detail: { fields: Object.keys(body) } });
    const user = (await db.select({ id: users.id, email: users.email, name: users.name, role: users.role, dealerId: users.dealerId, status: users.status }).from(users).where(eq(users.id, id)))[0];
    const rs = await db.select().from(userRegions).where(eq(userRegions.userId, id));
    return c.json({ user: { ...user, regionIds: rs.map((r) => r.regionId) } });
  });
