// The field API in workerd: a rep's day from the visit plans and tasks, plans and tasks set by
// HQ, a visit written as a document and judged by the server (distance from the dealer's stored
// location, clock, lateness), its projection into D1 and the KPIs read from it.
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DemoRows } from '../../core/demo/generate.ts';
import { parseDocId } from '../../core/docs/id.ts';
import { initDoc, visit } from '../../core/docs/schema.ts';
import { isDue, type VisitPlan } from '../../core/field/schedule.ts';
import { seedDemo, signIn } from './fixtures.ts';

let rows: DemoRows;
beforeAll(async () => { rows = await seedDemo(); });

const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
const today = new Date().toISOString().slice(0, 10);
// The visit below starts 40 minutes ago, which may be yesterday.
const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const offset = (lat: number, metres: number) => lat + metres / 111_320;

interface Day { date: string; stops: Array<{ dealerId: string; visitId: string; reason: string; durationMin: number }>; tasks: Array<{ id: string; dealerId: string; dueDate: string }>; dealers: Array<{ id: string; lat: number; lng: number }>; settings: { radiusM: number } }

async function pushVisit(api: Awaited<ReturnType<typeof signIn>>, doc: Y.Doc, id: string) {
  const res = await api('/api/sync', { method: 'POST', json: { docs: [{ doc: id, stateVector: b64(Y.encodeStateVector(new Y.Doc())), update: b64(Y.encodeStateAsUpdate(doc)) }] } });
  expect(res.status).toBe(200);
  const { results } = await res.json<{ results: Array<{ corrected?: boolean; error?: unknown; diff?: string }> }>();
  expect(results[0].error).toBeUndefined();
  await runDurableObjectAlarm(env.DOC_ROOM.get(env.DOC_ROOM.idFromName(id)));
  return results[0];
}

describe('field work', () => {
  it('plans the rep\'s day from the visit plans and open tasks, with one known visit id per stop', async () => {
    const rep = await signIn('rep@demo.test');
    const res = await rep(`/api/field/day?date=${today}`);
    expect(res.status).toBe(200);
    const day = await res.json<Day>();
    const plans = rows.visit_plans.filter((p) => p.rep_id === 'usr_rep_01').map((p) => ({ dealerId: String(p.dealer_id), repId: 'usr_rep_01', frequency: p.frequency as VisitPlan['frequency'], weekdays: JSON.parse(String(p.weekdays)) as number[], windowStart: null, windowEnd: null, durationMin: 30, visitType: 'routine' }));
    const planned = plans.filter((p) => isDue(p, today)).map((p) => p.dealerId);
    const withTasks = rows.tasks.filter((t) => t.rep_id === 'usr_rep_01' && String(t.due_date) <= today).map((t) => String(t.dealer_id));
    expect(day.stops.map((s) => s.dealerId).sort()).toEqual([...new Set([...planned, ...withTasks])].sort());
    expect(day.stops.length).toBeGreaterThanOrEqual(3);
    for (const s of day.stops) expect(s.visitId).toBe(`visit.usr_rep_01~${s.dealerId}.d${today.replaceAll('-', '')}`);
    expect(day.settings.radiusM).toBe(150);
    expect(day.dealers.length).toBe(rows.rep_assignments.filter((a) => a.rep_id === 'usr_rep_01').length);
    // A dealer sees no field day.
    expect((await (await signIn('dealer@demo.test'))(`/api/field/day`)).status).toBe(403);
    expect((await rep('/api/field/day?date=2026-02-30')).status).toBe(400);
  });

  it('lets HQ set a visit plan and give tasks; bad input changes nothing', async () => {
    const hq = await signIn('hq@demo.test');
    const dealer = String(rows.rep_assignments.find((a) => a.rep_id === 'usr_rep_01')!.dealer_id);
    const before = await env.DB.prepare('select * from visit_plans where dealer_id = ?').bind(dealer).first();
    const bad = await hq(`/api/field/plans/${dealer}`, { method: 'PUT', json: { repId: 'usr_rep_01', frequency: 'daily', windowStart: '25:00' } });
    expect(bad.status).toBe(400);
    const body = await bad.json<{ error: { fields: Record<string, string> } }>();
    expect(Object.keys(body.error.fields)).toEqual(expect.arrayContaining(['frequency', 'windowStart']));
    expect(await env.DB.prepare('select * from visit_plans where dealer_id = ?').bind(dealer).first()).toEqual(before);
    const ok = await hq(`/api/field/plans/${dealer}`, { method: 'PUT', json: { repId: 'usr_rep_01', frequency: 'weekly', weekdays: [1, 2, 3, 4, 5, 6, 7], windowStart: '08:00', windowEnd: '12:00', durationMin: 40 } });
    expect(ok.status).toBe(200);
    const rep = await signIn('rep@demo.test');
    const day = await (await rep(`/api/field/day?date=${today}`)).json<Day>();
    expect(day.stops.find((s) => s.dealerId === dealer)?.durationMin).toBe(40);

    const task = await hq('/api/field/tasks', { method: 'POST', json: { dealerId: dealer, title: 'Fix the shelf label', dueDate: today } });
    expect(task.status).toBe(201);
    const { id } = await task.json<{ id: string }>();
    const mine = await (await rep('/api/field/tasks?status=open')).json<{ items: Array<{ id: string }> }>();
    expect(mine.items.map((t) => t.id)).toContain(id);
    // A rep cannot plan, and a task needs a real date.
    expect((await rep('/api/field/tasks', { method: 'POST', json: { dealerId: dealer, title: 'x', dueDate: today } })).status).toBe(403);
    expect((await hq('/api/field/tasks', { method: 'POST', json: { dealerId: dealer, title: 'x', dueDate: 'tomorrow' } })).status).toBe(400);
  });

  it('judges a visit from the dealer\'s stored location, closes its task, and counts it in the KPIs', async () => {
    const rep = await signIn('rep@demo.test');
    const day = await (await rep(`/api/field/day?date=${today}`)).json<Day>();
    const stop = day.stops[0];
    const dealer = day.dealers.find((d) => d.id === stop.dealerId)!;
    const task = day.tasks.find((t) => t.dealerId === stop.dealerId);
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(stop.visitId));
    const start = new Date(Date.now() - 40 * 60_000).toISOString();
    // The phone said it was inside the radius; it was 400 m away, with a clock 10 minutes slow.
    visit.checkIn(doc, { at: start, lat: offset(dealer.lat, 400), lng: dealer.lng, accuracy: 12, offsetMs: 600_000, distanceM: 20, verified: false, reason: 'Parked across the road' });
    visit.setAnswers(doc, { formId: 'frm_store_check', version: 1, values: { display: true, rating: 4 } });
    visit.addPhoto(doc, 'a'.repeat(64), { formId: 'frm_store_check', questionId: 'photo', at: start });
    if (task) visit.markTaskDone(doc, task.id);
    visit.notes(doc).insert(0, 'Owner wants the spring range early');
    visit.checkOut(doc, { at: new Date().toISOString(), lat: dealer.lat, lng: dealer.lng, accuracy: 8, offsetMs: 600_000, distanceM: 0, verified: true });
    const r = await pushVisit(rep, doc, stop.visitId);
    expect(r.corrected).toBe(false);

    const row = await env.DB.prepare('select status, check_in_distance_m as d, check_in_verified as v, check_in_reason as reason, clock_skew_ms as skew, duration_min as mins, photo_count as photos, notes from visits where id = ?').bind(stop.visitId).first<Record<string, unknown>>();
    expect(row).toMatchObject({ status: 'done', v: 0, reason: 'Parked across the road', skew: 600_000, photos: 1, notes: 'Owner wants the spring range early' });
    expect(Math.abs(Number(row!.d) - 400)).toBeLessThan(5);
    expect(Number(row!.mins)).toBeCloseTo(40, 0);
    const answers = (await env.DB.prepare('select question_id, value from visit_answers where visit_id = ? order by question_id').bind(stop.visitId).all()).results;
    expect(answers).toEqual([{ question_id: 'display', value: 'true' }, { question_id: 'rating', value: '4' }]);
    if (task) expect(await env.DB.prepare('select status, done_visit_id from tasks where id = ?').bind(task.id).first()).toEqual({ status: 'done', done_visit_id: stop.visitId });

    const hq = await signIn('hq@demo.test');
    const kpis = await (await hq(`/api/field/kpis?from=${yesterday}&to=${today}&rep=usr_rep_01`)).json<{ reps: Array<{ repId: string; done: number; planned: number; outOfRadiusRate: number; coverage: number; avgDurationMin: number }> }>();
    const mine = kpis.reps.find((x) => x.repId === "usr_rep_01")!;
    expect(mine.done).toBe(1);
    expect(mine.outOfRadiusRate).toBe(1);
    expect(mine.avgDurationMin).toBeCloseTo(40, 0);
    expect(mine.coverage).toBeGreaterThan(0);
    const list = await (await hq(`/api/field/visits?from=${yesterday}&to=${today}&dealer=${stop.dealerId}`)).json<{ items: Array<{ id: string; verified: boolean; photos: Array<{ sha256: string }> }> }>();
    expect(list.items.find((v) => v.id === stop.visitId)).toMatchObject({ verified: false, photos: [{ sha256: 'a'.repeat(64) }] });
    // A rep does not get the KPIs; a dealer does not see the visits.
    expect((await rep(`/api/field/kpis?from=${today}&to=${today}`)).status).toBe(403);
    expect((await (await signIn('dealer@demo.test'))(`/api/field/visits?from=${today}&to=${today}`)).status).toBe(403);

    // The room wrote the header in the rep's name. HQ reads the visit and cannot change it, and
    // another rep cannot start a visit in this rep's name.
    const room = env.DOC_ROOM.get(env.DOC_ROOM.idFromName(stop.visitId));
    expect(((await room.snapshotJson()) as unknown as { meta: Record<string, unknown> }).meta).toMatchObject({ kind: 'visit', repId: 'usr_rep_01', dealerId: stop.dealerId, createdBy: 'usr_rep_01' });
    const copy = new Y.Doc();
    Y.applyUpdate(copy, await room.stateAsUpdate());
    const sv = Y.encodeStateVector(copy);
    visit.notes(copy).insert(0, 'HQ was here. ');
    const hqWrite = await hq('/api/sync', { method: 'POST', json: { docs: [{ doc: stop.visitId, stateVector: b64(sv), update: b64(Y.encodeStateAsUpdate(copy, sv)) }] } });
    expect((await hqWrite.json<{ results: Array<{ error?: { code: string } }> }>()).results[0].error?.code).toBe('read_only');
    const otherRep = rows.users.find((u) => u.role === 'field_rep' && u.id !== 'usr_rep_01')!;
    const theirs = await signIn(String(otherRep.email));
    const forged = `visit.usr_rep_01~${stop.dealerId}.d20200102`;
    const res = await theirs('/api/sync', { method: 'POST', json: { docs: [{ doc: forged, stateVector: b64(Y.encodeStateVector(new Y.Doc())) }] } });
    expect((await res.json<{ results: Array<{ error?: { code: string } }> }>()).results[0].error?.code).toBe('not_found');
    expect(await env.DB.prepare('select count(*) as n from documents where id = ?').bind(forged).first('n')).toBe(0);
  });

  it('refuses a position off the globe or a check-in outside the radius with no reason, keeping the rest', async () => {
    const rep = await signIn('rep@demo.test');
    const day = await (await rep(`/api/field/day?date=${today}`)).json<Day>();
    const stop = day.stops[1];
    const id = stop.visitId.replace(/\.d\d+$/, '.d20200101');
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(id));
    visit.notes(doc).insert(0, 'kept');
    visit.set(doc, 'checkIn', { at: new Date().toISOString(), lat: 123, lng: 10, accuracy: 5, offsetMs: 0, distanceM: 0, verified: true });
    const r = await pushVisit(rep, doc, id);
    expect(r.corrected).toBe(true);
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Uint8Array.from(atob(r.diff!), (ch) => ch.charCodeAt(0)));
    expect(visit.get(copy, 'checkIn')).toBeUndefined();
    expect(visit.notes(copy).toString()).toBe('kept');
    const audit = await env.DB.prepare("select detail from audit_log where action = 'doc.write_refused' and entity_id = ? order by id desc").bind(id).first<{ detail: string }>();
    expect(audit!.detail).toMatch(/Latitude is between -90 and 90/);
  });
});
