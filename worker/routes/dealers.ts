import { and, eq, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { can } from '../../core/access/roles.ts';
import { certifications, contracts, dealerContacts, dealers, DEALER_TYPES, regions, repAssignments, territories, users, type Dealer } from '../../core/db/schema.ts';
import { dealerCreateBody, dealerListQuery, dealerProfileBody, dealerUpdateBody, type DealerProfileBody } from '../../core/validators/dealers.ts';
import { audit } from '../audit.ts';
import { newId, nowIso, runBatch, type Db } from '../../server/db.ts';
import { dealerScopeSql } from '../../server/scope.ts';
import { dealerPoints, inScope, listDealers, parentChain, summariesWhere } from '../dealers/queries.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readId, readJson, readQuery } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv, Scope } from '../types.ts';

const rank = (type: (typeof DEALER_TYPES)[number]) => DEALER_TYPES.indexOf(type);

async function requireInScope(c: Context<AppEnv>, id: string): Promise<Dealer> {
  const db = c.get('db');
  const scope = c.get('scope')!;
  if (!(await inScope(db, scope, id))) {
    await audit(c, { action: 'dealer.read', entityType: 'dealer', entityId: id, outcome: 'denied' });
    throw notFound('Dealer');
  }
  return (await db.select().from(dealers).where(eq(dealers.id, id)).limit(1))[0];
}

// The hierarchy only nests downwards (maker > distributor > dealer > sub-dealer) and a
// manager can place dealers only in their own regions under parents they can see.
async function checkPlacement(c: Context<AppEnv>, next: { type: Dealer['type']; parentId: string | null; regionId: string | null; territoryId: string | null }, selfId?: string) {
  const db = c.get('db');
  const scope = c.get('scope')!;
  const fields: Record<string, string> = {};
  if (next.type === 'maker' && next.parentId) fields.parentId = 'A maker has no parent';
  if (next.type !== 'maker' && !next.parentId) fields.parentId = 'Choose the parent in the network';
  if (next.parentId) {
    if (next.parentId === selfId) fields.parentId = 'A dealer cannot be its own parent';
    const parent = (await db.select().from(dealers).where(eq(dealers.id, next.parentId)).limit(1))[0];
    if (!parent || !(await inScope(db, scope, parent.id))) fields.parentId = 'No such parent dealer';
    else if (rank(parent.type) >= rank(next.type)) fields.parentId = `A ${next.type.replace('_', '-')} cannot sit under a ${parent.type.replace('_', '-')}`;
    else if (selfId) {
      const loop = await db.all<{ id: string }>(sql`with recursive down(id) as (select ${selfId} union all select c.id from dealers c join down on c.parent_id = down.id) select id from down where id = ${next.parentId}`);
      if (loop.length) fields.parentId = 'That parent sits below this dealer';
    }
  }
  if (next.regionId) {
    const region = (await db.select().from(regions).where(eq(regions.id, next.regionId)).limit(1))[0];
    if (!region) fields.regionId = 'No such region';
    else if (scope.kind === 'regions' && !scope.regionIds.includes(region.id)) fields.regionId = 'You can place dealers only in your own regions';
  } else if (scope.kind === 'regions') fields.regionId = 'Choose one of your regions';
  if (next.territoryId) {
    const t = (await db.select().from(territories).where(eq(territories.id, next.territoryId)).limit(1))[0];
    if (!t) fields.territoryId = 'No such territory';
    else if (t.regionId !== next.regionId) fields.territoryId = 'The territory belongs to another region';
  }
  if (Object.keys(fields).length) throw new ApiError(422, 'invalid_input', `Check ${Object.keys(fields).join(', ')}: ${Object.values(fields)[0]}.`, fields);
}

function contactRows(dealerId: string, contacts: NonNullable<DealerProfileBody['contacts']>) {
  return contacts.map((ct, i) => ({ id: newId('ctc'), dealerId, name: ct.name, role: ct.role ?? null, email: ct.email ?? null, phone: ct.phone ?? null, isPrimary: ct.isPrimary ?? i === 0 }));
}

async function writeDealer(db: Db, id: string, set: Partial<Dealer>, contacts?: DealerProfileBody['contacts']) {
  const stmts: unknown[] = [db.update(dealers).set({ ...set, updatedAt: nowIso() }).where(eq(dealers.id, id))];
  if (contacts) {
    stmts.push(db.delete(dealerContacts).where(eq(dealerContacts.dealerId, id)));
    const rows = contactRows(id, contacts);
    if (rows.length) stmts.push(db.insert(dealerContacts).values(rows));
  }
  await runBatch(db, stmts);
}

async function dealerDetail(db: Db, dealer: Dealer, scope: Scope) {
  const [contacts, parents, children, ctrs, certs, reps, region, territory] = await Promise.all([
    db.select().from(dealerContacts).where(eq(dealerContacts.dealerId, dealer.id)),
    parentChain(db, dealer.id),
    summariesWhere(db, sql`d.parent_id = ${dealer.id} and d.status != 'archived' and d.id in (select d.id from dealers d where ${dealerScopeSql(scope)})`),
    db.select().from(contracts).where(eq(contracts.dealerId, dealer.id)),
    db.select().from(certifications).where(eq(certifications.dealerId, dealer.id)),
    db.select({ id: users.id, name: users.name, email: users.email }).from(repAssignments).innerJoin(users, eq(users.id, repAssignments.repId)).where(eq(repAssignments.dealerId, dealer.id)),
    dealer.regionId ? db.select({ id: regions.id, code: regions.code, name: regions.name }).from(regions).where(eq(regions.id, dealer.regionId)) : Promise.resolve([]),
    dealer.territoryId ? db.select({ id: territories.id, code: territories.code, name: territories.name }).from(territories).where(eq(territories.id, dealer.territoryId)) : Promise.resolve([]),
  ]);
  return {
    dealer,
    region: region[0] ?? null,
    territory: territory[0] ?? null,
    contacts: contacts.map(({ dealerId: _d, ...ct }) => ct),
    parents, children, contracts: ctrs, certifications: certs, reps,
  };
}

export const dealerRoutes = new Hono<AppEnv>()
  .get('/dealers', requires('dealers:read', { summary: 'Dealers in scope: search, filters, pagination', query: dealerListQuery }), async (c) => {
    const q = readQuery(c, dealerListQuery);
    return c.json(await listDealers(c.get('db'), c.get('scope')!, q));
  })
  .get('/dealers/points', requires('dealers:read', { summary: 'Every in-scope dealer with coordinates, for the map' }), async (c) => {
    c.header('Cache-Control', 'private, max-age=60');
    return c.json({ items: await dealerPoints(c.get('db'), c.get('scope')!) });
  })
  .get('/dealers/:id', requires('dealers:read', { summary: 'One dealer with contacts, parent chain, children, contracts, certifications and reps' }), async (c) => {
    const dealer = await requireInScope(c, readId(c, 'id', 'Dealer'));
    return c.json(await dealerDetail(c.get('db'), dealer, c.get('scope')!));
  })
  .post('/dealers', requires('dealers:write', { summary: 'Create a dealer', body: dealerCreateBody }), async (c) => {
    const body = await readJson(c, dealerCreateBody);
    const db = c.get('db');
    const user = c.get('user')!;
    const next = { type: body.type, parentId: body.parentId ?? null, regionId: body.regionId ?? null, territoryId: body.territoryId ?? null };
    await checkPlacement(c, next);
    const taken = await db.select({ id: dealers.id }).from(dealers).where(and(eq(dealers.orgId, user.orgId), eq(dealers.code, body.code))).limit(1);
    if (taken.length) throw new ApiError(409, 'conflict', `The code ${body.code} is already used by another dealer.`, { code: 'Already used' });
    const id = newId('dlr');
    const { contacts, ...fields } = body;
    await runBatch(db, [
      db.insert(dealers).values({ ...fields, ...next, id, orgId: user.orgId }),
      ...(contacts?.length ? [db.insert(dealerContacts).values(contactRows(id, contacts))] : []),
    ]);
    await audit(c, { action: 'dealer.create', entityType: 'dealer', entityId: id, detail: { code: body.code } });
    const dealer = (await db.select().from(dealers).where(eq(dealers.id, id)))[0];
    return c.json({ dealer }, 201);
  })
  .patch('/dealers/:id', requires('dealers:read', { summary: 'Update a dealer (HQ and managers: any field; a dealer admin: its own contact fields)', body: dealerUpdateBody }), async (c) => {
    const id = readId(c, 'id', 'Dealer');
    const user = c.get('user')!;
    const current = await requireInScope(c, id);
    const db = c.get('db');
    if (can(user.role, 'dealers:write')) {
      const body = await readJson(c, dealerUpdateBody);
      const next = {
        type: body.type ?? current.type,
        parentId: body.parentId === undefined ? current.parentId : body.parentId,
        regionId: body.regionId === undefined ? current.regionId : body.regionId,
        territoryId: body.territoryId === undefined ? current.territoryId : body.territoryId,
      };
      await checkPlacement(c, next, id);
      if (body.code && body.code !== current.code) {
        const taken = await db.select({ id: dealers.id }).from(dealers).where(and(eq(dealers.orgId, current.orgId), eq(dealers.code, body.code))).limit(1);
        if (taken.length) throw new ApiError(409, 'conflict', `The code ${body.code} is already used by another dealer.`, { code: 'Already used' });
      }
      const { contacts, ...set } = body;
      await writeDealer(db, id, set as Partial<Dealer>, contacts);
      await audit(c, { action: 'dealer.update', entityType: 'dealer', entityId: id, detail: { fields: Object.keys(body) } });
    } else if (can(user.role, 'dealers:profile') && user.dealerId === id) {
      const body = await readJson(c, dealerProfileBody);
      const { contacts, ...set } = body;
      await writeDealer(db, id, set as Partial<Dealer>, contacts);
      await audit(c, { action: 'dealer.update_profile', entityType: 'dealer', entityId: id, detail: { fields: Object.keys(body) } });
    } else {
      await audit(c, { action: 'dealer.update', entityType: 'dealer', entityId: id, outcome: 'denied' });
      throw new ApiError(403, 'forbidden', 'Your role may not change this dealer.');
    }
    return c.json({ dealer: (await db.select().from(dealers).where(eq(dealers.id, id)))[0] });
  })
  .post('/dealers/:id/archive', requires('dealers:write', { summary: 'Archive a dealer (kept, hidden from lists)' }), async (c) => {
    const id = readId(c, 'id', 'Dealer');
    await requireInScope(c, id);
    const db = c.get('db');
    const open = await db.select({ id: dealers.id }).from(dealers).where(and(eq(dealers.parentId, id), sql`${dealers.status} != 'archived'`)).limit(1);
    if (open.length) throw new ApiError(409, 'conflict', 'Archive or move its sub-dealers first.');
    await writeDealer(db, id, { status: 'archived' });
    await audit(c, { action: 'dealer.archive', entityType: 'dealer', entityId: id });
    return c.json({ dealer: (await db.select().from(dealers).where(eq(dealers.id, id)))[0] });
  });
