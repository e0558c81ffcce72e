// Field KPIs per rep for a period, from the visit projections, the plans and the tasks in D1.
// What was planned is recomputed from the plans (core/field/schedule), so nothing has to be
// written for a visit that never happened for it to count as missed.
import { sql } from 'drizzle-orm';
import { makeDocId } from '../../core/docs/id.ts';
import { occurrences, visitUid, type VisitPlan } from '../../core/field/schedule.ts';
import type { Db } from '../../server/db.ts';
import { dealerScopeSql } from '../../server/scope.ts';
import type { Scope } from '../types.ts';
import { fieldSettings } from './settings.ts';

export interface KpiRow {
  repId: string; repName: string;
  planned: number; plannedToDate: number; done: number; missed: number; late: number;
  visitedDealers: number; assignedDealers: number; coverage: number | null;
  avgDurationMin: number | null; onTimeRate: number | null; outOfRadiusRate: number | null;
  tasksDue: number; tasksDone: number; taskCompletion: number | null; avgResolveHours: number | null;
}

const ratio = (a: number, b: number) => (b ? Math.round((a / b) * 1000) / 1000 : null);

export async function fieldKpis(db: Db, scope: Scope, q: { from: string; to: string; rep?: string; region?: string }, today: string) {
  const where = sql`${dealerScopeSql(scope)} ${q.region ? sql`and d.region_id = ${q.region}` : sql``}`;
  const rep = (col: string) => (q.rep ? sql`and ${sql.raw(col)} = ${q.rep}` : sql``);
  const settings = await fieldSettings(db, scope.userId);
  const [plans, visits, assigned, tasks, reps] = await Promise.all([
    db.all<{ dealerId: string; repId: string; frequency: VisitPlan['frequency']; weekdays: string }>(sql`
      select p.dealer_id as dealerId, p.rep_id as repId, p.frequency, p.weekdays from visit_plans p join dealers d on d.id = p.dealer_id
      where ${where} ${rep('p.rep_id')} and d.status != 'archived'`),
    db.all<{ id: string; repId: string; dealerId: string; durationMin: number | null; lateMin: number | null; plannedStart: string | null; verified: number }>(sql`
      select v.id, v.rep_id as repId, v.dealer_id as dealerId, v.duration_min as durationMin, v.late_min as lateMin, v.planned_start as plannedStart, v.check_in_verified as verified
      from visits v join dealers d on d.id = v.dealer_id
      where ${where} ${rep('v.rep_id')} and v.status = 'done' and substr(v.check_in_at, 1, 10) between ${q.from} and ${q.to}`),
    db.all<{ repId: string; n: number }>(sql`select a.rep_id as repId, count(*) as n from rep_assignments a join dealers d on d.id = a.dealer_id where ${where} ${rep('a.rep_id')} and d.status != 'archived' group by a.rep_id`),
    db.all<{ repId: string; due: number; done: number; hours: number | null }>(sql`
      select t.rep_id as repId, count(*) as due, sum(t.status = 'done') as done,
        avg(case when t.status = 'done' then (julianday(t.done_at) - julianday(t.created_at)) * 24 end) as hours
      from tasks t join dealers d on d.id = t.dealer_id where ${where} ${rep('t.rep_id')} and t.due_date between ${q.from} and ${q.to} and t.status != 'cancelled' group by t.rep_id`),
    db.all<{ id: string; name: string }>(sql`select id, name from users where role = 'field_rep'`),
  ]);
  const doneIds = new Set(visits.map((v) => v.id));
  const rows = new Map<string, KpiRow>();
  const row = (repId: string) => {
    let r = rows.get(repId);
    if (!r) {
      r = { repId, repName: reps.find((x) => x.id === repId)?.name ?? repId, planned: 0, plannedToDate: 0, done: 0, missed: 0, late: 0, visitedDealers: 0, assignedDealers: 0, coverage: null, avgDurationMin: null, onTimeRate: null, outOfRadiusRate: null, tasksDue: 0, tasksDone: 0, taskCompletion: null, avgResolveHours: null };
      rows.set(repId, r);
    }
    return r;
  };
  for (const p of plans) {
    const r = row(p.repId);
    for (const date of occurrences({ ...p, weekdays: JSON.parse(p.weekdays) as number[], windowStart: null, windowEnd: null, durationMin: 0, visitType: '' }, q.from, q.to)) {
      r.planned++;
      if (date >= today) continue;
      r.plannedToDate++;
      if (!doneIds.has(makeDocId('visit', { repId: p.repId, dealerId: p.dealerId }, visitUid(date)))) r.missed++;
    }
  }
  const byRep = new Map<string, typeof visits>();
  for (const v of visits) byRep.set(v.repId, [...(byRep.get(v.repId) ?? []), v]);
  for (const [repId, vs] of byRep) {
    const r = row(repId);
    r.done = vs.length;
    r.visitedDealers = new Set(vs.map((v) => v.dealerId)).size;
    const timed = vs.filter((v) => v.durationMin !== null);
    r.avgDurationMin = timed.length ? Math.round((timed.reduce((n, v) => n + v.durationMin!, 0) / timed.length) * 10) / 10 : null;
    const scheduled = vs.filter((v) => v.plannedStart && v.lateMin !== null);
    r.late = scheduled.filter((v) => v.lateMin! > settings.lateAfterMin).length;
    r.onTimeRate = ratio(scheduled.length - r.late, scheduled.length);
    r.outOfRadiusRate = ratio(vs.filter((v) => !v.verified).length, vs.length);
  }
  for (const a of assigned) row(a.repId).assignedDealers = a.n;
  for (const t of tasks) {
    const r = row(t.repId);
    r.tasksDue = t.due;
    r.tasksDone = t.done;
    r.taskCompletion = ratio(t.done, t.due);
    r.avgResolveHours = t.hours === null ? null : Math.round(t.hours * 10) / 10;
  }
  for (const r of rows.values()) r.coverage = ratio(r.visitedDealers, r.assignedDealers);
  const list = [...rows.values()].sort((a, b) => a.repName.localeCompare(b.repName));
  const sum = (k: keyof KpiRow) => list.reduce((n, r) => n + (r[k] as number), 0);
  const allVisits = visits.length;
  const scheduledAll = visits.filter((v) => v.plannedStart && v.lateMin !== null);
  const lateAll = scheduledAll.filter((v) => v.lateMin! > settings.lateAfterMin).length;
  const timedAll = visits.filter((v) => v.durationMin !== null);
  return {
    period: { from: q.from, to: q.to }, settings,
    totals: {
      planned: sum('planned'), plannedToDate: sum('plannedToDate'), done: sum('done'), missed: sum('missed'), late: lateAll,
      coverage: ratio(sum('visitedDealers'), sum('assignedDealers')),
      avgDurationMin: timedAll.length ? Math.round((timedAll.reduce((n, v) => n + v.durationMin!, 0) / timedAll.length) * 10) / 10 : null,
      onTimeRate: ratio(scheduledAll.length - lateAll, scheduledAll.length),
      outOfRadiusRate: ratio(visits.filter((v) => !v.verified).length, allVisits),
      taskCompletion: ratio(sum('tasksDone'), sum('tasksDue')),
    },
    reps: list,
  };
}
