import { sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { can } from '../../core/access/roles.ts';
import { makeDocId } from '../../core/docs/id.ts';
import { isDue, visitUid, type VisitPlan } from '../../core/field/schedule.ts';
import { dayQuery, periodQuery, taskBody, taskListQuery, visitPlanBody } from '../../core/validators/field.ts';
import { audit } from '../audit.ts';
import { inParts, newId, type Db } from '../../server/db.ts';
import { reachesDealer, reachSql } from '../../server/scope.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readId, readJson, readQuery } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import { fieldKpis } from '../field/kpis.ts';
import { fieldSettings } from '../field/settings.ts';
import type { AppEnv, SessionUser } from '../types.ts';

const today = () => new Date().toISOString().slice(0, 10);

interface PlanRow { dealerId: string; repId: string; frequency: VisitPlan['frequency']; weekdays: string; windowStart: string | null; windowEnd: string | null; durationMin: number; visitType: string }
export const toPlan = (r: PlanRow): VisitPlan => ({ ...r, weekdays: JSON.parse(r.weekdays) as number[] });

// Plans and tasks are set where the caller holds field_plan W on the dealer.
async function requireDealer(c: Context<AppEnv>, id: string) {
  const user = c.get('user')!;
  if (!(await reachesDealer(c.get('db'), user.role, 'field_plan', 'W', user, id))) {
    await audit(c, { action: 'field.dealer', entityType: 'dealer', entityId: id, outcome: 'denied' });
    throw notFound('Dealer');
  }
}

// A task for a rep at a dealer (the dealer's first-assigned rep unless one is named), also
// made when a support ticket is routed to the rep. The caller has checked the dealer's scope.
export async function createTask(db: Db, body: { dealerId: string; repId?: string; title: string; details: string; dueDate: string; ticketId?: string }, createdBy: string): Promise<{ id: string; repId: string }> {
  let repId = body.repId;
  if (!repId) {
    const a = await db.all<{ repId: string }>(sql`select rep_id as repId from rep_assignments where dealer_id = ${body.dealerId} order by since limit 1`);
    repId = a[0]?.repId;
  }
  if (!repId) throw new ApiError(422, 'invalid_input', 'Check repId: this dealer has no rep; choose one.', { repId: 'This dealer has no rep; choose one' });
  const rep = await db.all<{ id: string }>(sql`select id from users where id = ${repId} and role = 'field_rep' and status = 'active'`);
  if (!rep.length) throw new ApiError(422, 'invalid_input', 'Check repId: choose an active field rep.', { repId: 'Choose an active field rep' });
  if (body.ticketId) {
    const t = await db.all<{ id: string }>(sql`select id from tickets where id = ${body.ticketId} and dealer_id = ${body.dealerId}`);
    if (!t.length) throw new ApiError(422, 'invalid_input', 'Check ticketId: no such ticket for this dealer.', { ticketId: 'No such ticket for this dealer' });
  }
  const id = newId('tsk');
  await db.run(sql`insert into tasks (id, dealer_id, rep_id, title, details, due_date, ticket_id, created_by) values (${id}, ${body.dealerId}, ${repId}, ${body.title}, ${body.details}, ${body.dueDate}, ${body.ticketId ?? null}, ${createdBy})`);
  return { id, repId };
}

// Tasks and visits (row alias `alias`, its rep_id the owner) the caller reads: field reports at
// the dealer (HQ, managers, analysts), or the rep's own day.
const fieldRows = (user: SessionUser, alias: string) =>
  sql`(${reachSql(user.role, 'field_report', 'R', user, 'd', alias)} or ${reachSql(user.role, 'field_day', 'R', user, 'd', alias)})`;

export const fieldRoutes = new Hono<AppEnv>()
  // The rep's day as the phone caches it: planned stops, stops with open tasks due, the tasks,
  // every assigned dealer (to add a stop offline) and the settings check-ins are judged by.
  .get('/field/day', requires('field:work', { summary: 'A rep\'s day: planned stops, open tasks and assigned dealers', query: dayQuery }), async (c) => {
    const { date = today() } = readQuery(c, dayQuery);
    const user = c.get('user')!;
    const db = c.get('db');
    const [dealers, plans, tasks, settings] = await Promise.all([
      db.all<{ id: string; name: string; address: string | null; city: string | null; lat: number | null; lng: number | null; tier: string; segments: string }>(sql`
        select d.id, d.name, d.address, d.city, d.lat, d.lng, d.tier, d.segments from rep_assignments a join dealers d on d.id = a.dealer_id
        where a.rep_id = ${user.id} and d.status != 'archived' order by d.name`),
      db.all<PlanRow>(sql`select dealer_id as dealerId, rep_id as repId, frequency, weekdays, window_start as windowStart, window_end as windowEnd, duration_min as durationMin, visit_type as visitType from visit_plans where rep_id = ${user.id}`),
      db.all<{ id: string; dealerId: string; title: string; details: string; dueDate: string }>(sql`
        select id, dealer_id as dealerId, title, details, due_date as dueDate from tasks where rep_id = ${user.id} and status = 'open' order by due_date, id`),
      fieldSettings(db, user.id),
    ]);
    const planOf = new Map(plans.map((p) => [p.dealerId, toPlan(p)]));
    const stops = dealers.flatMap((d) => {
      const plan = planOf.get(d.id);
      const planned = !!plan && isDue(plan, date);
      const due = tasks.filter((t) => t.dealerId === d.id && t.dueDate <= date);
      if (!planned && !due.length) return [];
      return [{
        dealerId: d.id, visitId: makeDocId('visit', { repId: user.id, dealerId: d.id }, visitUid(date)),
        reason: planned ? (due.length ? 'plan_and_task' : 'plan') : 'task',
        windowStart: plan?.windowStart ?? null, windowEnd: plan?.windowEnd ?? null, durationMin: plan?.durationMin ?? 30, visitType: plan?.visitType ?? 'routine',
        // Overdue tasks first, then planned visits.
        priority: due.some((t) => t.dueDate < date) ? 3 : due.length ? 2 : 1,
      }];
    });
    return c.json({
      date, serverTime: new Date().toISOString(), settings, stops, tasks,
      dealers: dealers.map((d) => ({ ...d, segments: JSON.parse(d.segments) as string[] })),
    });
  })
  .get('/field/plans', requires('field:read', { summary: 'Visit plans in scope' }), async (c) => {
    const rows = await c.get('db').all<PlanRow & { dealerName: string; repName: string }>(sql`
      select p.dealer_id as dealerId, p.rep_id as repId, p.frequency, p.weekdays, p.window_start as windowStart, p.window_end as windowEnd,
        p.duration_min as durationMin, p.visit_type as visitType, d.name as dealerName, u.name as repName
      from visit_plans p join dealers d on d.id = p.dealer_id join users u on u.id = p.rep_id
      where ${reachSql(c.get('user')!.role, 'field_report', 'R', c.get('user')!, 'd', null)} order by d.name limit 5000`);
    return c.json({ items: rows.map((r) => ({ ...toPlan(r), dealerName: r.dealerName, repName: r.repName })) });
  })
  .put('/field/plans/:dealerId', requires('field:plan', { summary: 'Set how often a dealer is visited, when and by whom', body: visitPlanBody }), async (c) => {
    const dealerId = readId(c, 'dealerId', 'Dealer');
    await requireDealer(c, dealerId);
    const body = await readJson(c, visitPlanBody);
    const db = c.get('db');
    const rep = await db.all<{ id: string }>(sql`select id from users where id = ${body.repId} and role = 'field_rep' and status = 'active'`);
    if (!rep.length) throw new ApiError(422, 'invalid_input', 'Check repId: choose an active field rep.', { repId: 'Choose an active field rep' });
    const user = c.get('user')!;
    await db.run(sql`insert into visit_plans (dealer_id, rep_id, frequency, weekdays, window_start, window_end, duration_min, visit_type, updated_by, updated_at)
      values (${dealerId}, ${body.repId}, ${body.frequency}, ${JSON.stringify(body.weekdays)}, ${body.windowStart}, ${body.windowEnd}, ${body.durationMin}, ${body.visitType}, ${user.id}, ${new Date().toISOString()})
      on conflict (dealer_id) do update set rep_id = excluded.rep_id, frequency = excluded.frequency, weekdays = excluded.weekdays, window_start = excluded.window_start,
        window_end = excluded.window_end, duration_min = excluded.duration_min, visit_type = excluded.visit_type, updated_by = excluded.updated_by, updated_at = excluded.updated_at`);
    // The plan's rep is the dealer's rep: the day plan and the rep's scope follow it.
    await db.run(sql`insert or ignore into rep_assignments (rep_id, dealer_id) values (${body.repId}, ${dealerId})`);
    await audit(c, { action: 'field.plan', entityType: 'dealer', entityId: dealerId, outcome: 'ok', detail: body });
    return c.json({ dealerId, ...body });
  })
  .get('/field/tasks', requires('session', { summary: 'Tasks: a rep\'s own, or those in scope', query: taskListQuery }), async (c) => {
    const q = readQuery(c, taskListQuery);
    const user = c.get('user')!;
    if (!can(user.role, 'field:work') && !can(user.role, 'field:read')) throw new ApiError(403, 'forbidden', 'Your role does not see field tasks.');
    const mine = fieldRows(user, 't');
    const rows = await c.get('db').all(sql`
      select t.id, t.dealer_id as dealerId, d.name as dealerName, t.rep_id as repId, u.name as repName, t.title, t.details, t.due_date as dueDate,
        t.status, t.ticket_id as ticketId, t.created_at as createdAt, t.done_at as doneAt, t.done_visit_id as doneVisitId
      from tasks t join dealers d on d.id = t.dealer_id join users u on u.id = t.rep_id
      where ${mine} ${q.status ? sql`and t.status = ${q.status}` : sql``} ${q.rep ? sql`and t.rep_id = ${q.rep}` : sql``} ${q.dealer ? sql`and t.dealer_id = ${q.dealer}` : sql``}
      order by t.due_date, t.id limit 1000`);
    return c.json({ items: rows });
  })
  .post('/field/tasks', requires('field:plan', { summary: 'Give a rep a task at a dealer (from a support ticket, too)', body: taskBody }), async (c) => {
    const body = await readJson(c, taskBody);
    await requireDealer(c, body.dealerId);
    const { id, repId } = await createTask(c.get('db'), body, c.get('user')!.id);
    await audit(c, { action: 'field.task', entityType: 'task', entityId: id, outcome: 'ok' });
    return c.json({ id, ...body, repId, status: 'open' }, 201);
  })
  .get('/field/visits', requires('session', { summary: 'Visits in a period, with flags, answers and photos', query: periodQuery }), async (c) => {
    const q = readQuery(c, periodQuery);
    const user = c.get('user')!;
    if (!can(user.role, 'field:work') && !can(user.role, 'field:read')) throw new ApiError(403, 'forbidden', 'Your role does not see field visits.');
    const db = c.get('db');
    const mine = fieldRows(user, 'v');
    const visits = await db.all<Record<string, unknown> & { id: string }>(sql`
      select v.id, v.rep_id as repId, u.name as repName, v.dealer_id as dealerId, d.name as dealerName, d.lat as dealerLat, d.lng as dealerLng, v.status, v.visit_type as visitType,
        v.planned_start as plannedStart, v.check_in_at as checkInAt, v.check_out_at as checkOutAt, v.check_in_lat as lat, v.check_in_lng as lng,
        v.check_in_accuracy_m as accuracyM, v.check_in_distance_m as distanceM, v.check_in_verified as verified, v.check_in_reason as reason,
        v.clock_skew_ms as clockSkewMs, v.duration_min as durationMin, v.late_min as lateMin, v.notes, v.photo_count as photoCount
      from visits v join dealers d on d.id = v.dealer_id left join users u on u.id = v.rep_id
      where ${mine} and coalesce(substr(v.check_in_at, 1, 10), substr(v.planned_start, 1, 10)) between ${q.from} and ${q.to}
        ${q.rep ? sql`and v.rep_id = ${q.rep}` : sql``} ${q.dealer ? sql`and v.dealer_id = ${q.dealer}` : sql``} ${q.region ? sql`and d.region_id = ${q.region}` : sql``}
      order by coalesce(v.check_in_at, v.planned_start) desc limit 500`);
    const ids = visits.map((v) => v.id);
    const [photos, answers] = await Promise.all([
      inParts(ids, (part) => db.all<{ visitId: string; sha256: string; questionId: string | null }>(sql`select visit_id as visitId, sha256, question_id as questionId from visit_photos where visit_id in ${part}`)),
      inParts(ids, (part) => db.all<{ visitId: string; formId: string; formVersion: number; questionId: string; value: string }>(sql`select visit_id as visitId, form_id as formId, form_version as formVersion, question_id as questionId, value from visit_answers where visit_id in ${part}`)),
    ]);
    return c.json({
      items: visits.map((v) => ({
        ...v, verified: !!v.verified,
        photos: photos.filter((p) => p.visitId === v.id).map(({ sha256, questionId }) => ({ sha256, questionId })),
        answers: answers.filter((a) => a.visitId === v.id).map(({ formId, formVersion, questionId, value }) => ({ formId, formVersion, questionId, value: JSON.parse(value) as unknown })),
      })),
    });
  })
  .get('/field/kpis', requires('field:read', { summary: 'Field KPIs per rep for a period', query: periodQuery }), async (c) => {
    const q = readQuery(c, periodQuery);
    return c.json(await fieldKpis(c.get('db'), c.get('scope')!, q, today()));
  });
