import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { Hono } from 'hono';
import { MANAGED_ROLES, relationsWith, type Letter, type Relation, type RelationKey } from '../../core/access/index.ts';
import { randomToken, sha256Hex } from '../../core/auth/password.ts';
import { dealers, invitations, regions, sessions, userRegions, users, type Role } from '../../core/db/schema.ts';
import { userCreateBody, userListQuery, userUpdateBody } from '../../core/validators/users.ts';
import { audit } from '../audit.ts';
import { newId, runBatch, type Db } from '../../server/db.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readId, readJson, readQuery } from '../http/input.ts';
import { textMatch } from '../dealers/queries.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv, SessionUser } from '../types.ts';

const INVITE_DAYS = 7;


const view = { id: users.id, email: users.email, name: users.name, role: users.role, dealerId: users.dealerId, status: users.status };

// How a user row stands to the caller, for the relations the policy's users row grants. A user
// is in a region through its dealer, or through its own regions (managers, reps).
function userRelationSql(rel: Relation, me: SessionUser): SQL {
  const mine = sql`(select region_id from user_regions where user_id = ${me.id})`;
  switch (rel) {
    case 'any': return sql`1 = 1`;
    case 'own_dealer': return me.dealerId ? sql`${users.dealerId} = ${me.dealerId}` : sql`1 = 0`;
    case 'region': return sql`(${users.id} in (select user_id from user_regions where region_id in ${mine})
      or ${users.dealerId} in (select id from dealers where region_id in ${mine}))`;
    default: return sql`1 = 0`;
  }
}

// The users the caller reaches with a letter, read off the policy (core/access).
function reachSql(me: SessionUser, letter: Letter): SQL {
  const keys = relationsWith(me.role, 'users', letter);
  const one = (key: RelationKey) => sql.join((key.split('&') as Relation[]).map((r) => userRelationSql(r, me)), sql` and `);
  return and(eq(users.orgId, me.orgId), keys.length ? sql`(${sql.join(keys.map(one), sql` or `)})` : sql`1 = 0`)!;
}

const reachesAll = (me: SessionUser, letter: Letter) => relationsWith(me.role, 'users', letter).includes('any');

// Whoever manages users short of the whole organisation (a dealer admin) gives only staff roles,
// at its own dealer, without regions; forged fields are refused by name, not quietly corrected.
function checkStaffOnly(me: SessionUser, letter: Letter, next: { role?: Role; dealerId?: string | null; regionIds?: string[] }) {
  if (reachesAll(me, letter)) return;
  const fields: Record<string, string> = {};
  if (next.role && !(MANAGED_ROLES[me.role] ?? []).includes(next.role)) fields.role = `You may give only the ${(MANAGED_ROLES[me.role] ?? []).join(', ')} role`;
  if (next.dealerId !== undefined && next.dealerId !== me.dealerId) fields.dealerId = 'You may manage only your own dealer\'s users';
  if (next.regionIds?.length) fields.regionIds = 'Dealer users have no regions';
  if (Object.keys(fields).length) throw new ApiError(403, 'forbidden', `Check ${Object.keys(fields).join(', ')}: ${Object.values(fields)[0]}.`, fields);
}

async function checkRegions(db: Db, regionIds: string[] | undefined) {
  if (!regionIds?.length) return;
  const found = await db.select({ id: regions.id }).from(regions).where(inArray(regions.id, regionIds));
  if (found.length !== new Set(regionIds).size) throw new ApiError(422, 'invalid_input', 'Check regionIds: no such region.', { regionIds: 'No such region' });
}

export const userRoutes = new Hono<AppEnv>()
  .get('/users', requires('users:read', { summary: 'Users the caller reaches: HQ all, a manager its regions\' users, a dealer admin its dealer\'s users', query: userListQuery }), async (c) => {
    const q = readQuery(c, userListQuery);
    const db = c.get('db');
    const where: SQL[] = [reachSql(c.get('user')!, 'R')];
    if (q.role) where.push(eq(users.role, q.role));
    if (q.q) where.push(textMatch(q.q, [sql`${users.email}`, sql`${users.name}`]));
    const cond = and(...where);
    const [rows, count] = await Promise.all([
      db.select({ ...view, lastLoginAt: users.lastLoginAt }).from(users).where(cond).orderBy(users.name).limit(q.pageSize).offset((q.page - 1) * q.pageSize),
      db.select({ n: sql<number>`count(*)` }).from(users).where(cond),
    ]);
    const regionRows = rows.length ? await db.select().from(userRegions).where(inArray(userRegions.userId, rows.map((r) => r.id))) : [];
    const items = rows.map((u) => ({ ...u, regionIds: regionRows.filter((r) => r.userId === u.id).map((r) => r.regionId) }));
    return c.json({ items, total: count[0]?.n ?? 0, page: q.page, pageSize: q.pageSize });
  })
  .post('/users', requires('users:manage', { summary: 'Create a user and a one-time invitation link (a dealer admin: staff of its own dealer)', body: userCreateBody }), async (c) => {
    const body = await readJson(c, userCreateBody);
    const db = c.get('db');
    const me = c.get('user')!;
    checkStaffOnly(me, 'C', { role: body.role, dealerId: body.dealerId ?? null, regionIds: body.regionIds });
    if ((await db.select({ id: users.id }).from(users).where(eq(users.email, body.email)).limit(1)).length) {
      throw new ApiError(409, 'conflict', `There is already a user with the email ${body.email}.`, { email: 'Already used' });
    }
    if (body.dealerId && !(await db.select({ id: dealers.id }).from(dealers).where(and(eq(dealers.id, body.dealerId), eq(dealers.orgId, me.orgId))).limit(1)).length) {
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
    const user = (await db.select(view).from(users).where(eq(users.id, id)))[0];
    return c.json({ user: { ...user, regionIds: body.regionIds ?? [] }, inviteUrl: `${new URL(c.req.url).origin}/invite/${token}`, expiresAt }, 201);
  })
  .patch('/users/:id', requires('users:manage', { summary: 'Change a user\'s name, role, status or regions (a dealer admin: its own dealer\'s staff)', body: userUpdateBody }), async (c) => {
    const id = readId(c, 'id', 'User');
    const body = await readJson(c, userUpdateBody);
    const db = c.get('db');
    const me = c.get('user')!;
    const target = (await db.select().from(users).where(and(eq(users.id, id), reachSql(me, 'W'))).limit(1))[0];
    if (!target) {
      await audit(c, { action: 'user.update', entityType: 'user', entityId: id, outcome: 'denied' });
      throw notFound('User');
    }
    if (id === me.id && (body.role && body.role !== me.role || body.status && body.status !== 'active')) {
      throw new ApiError(422, 'invalid_input', 'You cannot change your own role or disable yourself.', { role: 'Not for yourself' });
    }
    if (id !== me.id && !reachesAll(me, 'W') && !(MANAGED_ROLES[me.role] ?? []).includes(target.role)) {
      throw new ApiError(403, 'forbidden', 'You may change only your own dealer\'s staff.');
    }
    checkStaffOnly(me, 'W', { role: body.role, regionIds: body.regionIds });
    await checkRegions(db, body.regionIds);
    const { regionIds, ...set } = body;
    const stmts: unknown[] = [];
    if (Object.keys(set).length) stmts.push(db.update(users).set(set).where(eq(users.id, id)));
    if (regionIds) {
      stmts.push(db.delete(userRegions).where(eq(userRegions.userId, id)));
      for (const regionId of regionIds) stmts.push(db.insert(userRegions).values({ userId: id, regionId }));
    }
    // A disabled user or a changed role must not keep old sessions, and a disabled user's
    // unused invitation links stop working.
    if (set.status === 'disabled' || (set.role && set.role !== target.role)) stmts.push(db.delete(sessions).where(eq(sessions.userId, id)));
    if (set.status === 'disabled') {
      stmts.push(db.update(invitations).set({ revokedAt: new Date().toISOString() })
        .where(and(eq(invitations.userId, id), isNull(invitations.usedAt), isNull(invitations.revokedAt))));
    }
    await runBatch(db, stmts);
    await audit(c, { action: 'user.update', entityType: 'user', entityId: id, detail: { fields: Object.keys(body) } });
    const user = (await db.select(view).from(users).where(eq(users.id, id)))[0];
    const rs = await db.select().from(userRegions).where(eq(userRegions.userId, id));
    return c.json({ user: { ...user, regionIds: rs.map((r) => r.regionId) } });
  });
