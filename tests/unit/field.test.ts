// Pure field logic: which dealers are due on a day, position checks, the clock, and the shape
// of check-in records the room accepts.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { checkChange } from '../../core/docs/rules.ts';
import { headerOf, initDoc, snapshot, visit } from '../../core/docs/schema.ts';
import { reachOf } from '../../core/access/roles.ts';
import { RoomCore, type Writer } from '../../durable-objects/room-core.ts';
import { MemoryUpdateStore } from '../../durable-objects/storage.ts';
import { clockIsWrong, DEFAULT_FIELD_SETTINGS, trustedTime, verifyPosition } from '../../core/field/checkin.ts';
import { isDue, isoWeek, isoWeekday, occurrences, visitDate, visitUid, type VisitPlan } from '../../core/field/schedule.ts';
import { checkRecord } from '../../core/validators/field.ts';

const plan = (p: Partial<VisitPlan>): VisitPlan => ({ dealerId: 'dlr_1', repId: 'usr_r', frequency: 'weekly', weekdays: [3], windowStart: null, windowEnd: null, durationMin: 30, visitType: 'routine', ...p });

describe('visit schedule', () => {
  it('knows ISO weekdays and weeks', () => {
    expect(isoWeekday('2026-11-30')).toBe(1); // a Monday
    expect(isoWeekday('2026-11-29')).toBe(7);
    expect(isoWeek('2026-01-01')).toBe(1);
    expect(isoWeek('2027-01-01')).toBe(53);
    expect(isoWeek('2026-11-30')).toBe(49);
  });

  it('plans weekly, every other week and monthly visits on the preferred weekday', () => {
    const from = '2026-11-01';
    const to = '2027-01-31';
    const weekly = occurrences(plan({ frequency: 'weekly' }), from, to);
    const biweekly = occurrences(plan({ frequency: 'biweekly' }), from, to);
    const monthly = occurrences(plan({ frequency: 'monthly' }), from, to);
    expect(weekly).toHaveLength(13);
    expect(weekly.every((d) => isoWeekday(d) === 3)).toBe(true);
    expect(biweekly.length).toBeGreaterThanOrEqual(6);
    expect(biweekly.length).toBeLessThanOrEqual(7);
    for (let i = 1; i < biweekly.length; i++) expect(Date.parse(biweekly[i]) - Date.parse(biweekly[i - 1])).toBe(14 * 86_400_000);
    expect(monthly).toEqual(['2026-11-04', '2026-12-02', '2027-01-06']);
    // Without a preferred day the plan still lands on one working day a week.
    const free = occurrences(plan({ weekdays: [] }), from, to);
    expect(new Set(free.map(isoWeekday)).size).toBe(1);
    expect(isoWeekday(free[0])).toBeLessThanOrEqual(5);
    expect(isDue(plan({ weekdays: [1, 2, 3, 4, 5, 6, 7] }), '2026-11-29')).toBe(true);
  });

  it('names one visit per day and reads the day back', () => {
    expect(visitUid('2026-11-29')).toBe('d20261129');
    expect(visitDate('d20261129')).toBe('2026-11-29');
    expect(visitDate('abcdefgh12')).toBeNull();
  });
});

describe('check-in', () => {
  const dealer = { lat: 52.52, lng: 13.405 };
  it('verifies a position within the radius and with a good fix', () => {
    expect(verifyPosition({ ...dealer, accuracy: 10 }, dealer, DEFAULT_FIELD_SETTINGS)).toEqual({ distanceM: 0, verified: true, problem: null });
    const away = verifyPosition({ lat: dealer.lat + 400 / 111_320, lng: dealer.lng, accuracy: 10 }, dealer, DEFAULT_FIELD_SETTINGS);
    expect(away.problem).toBe('outside_radius');
    expect(Math.abs(away.distanceM! - 400)).toBeLessThan(3);
    expect(verifyPosition({ ...dealer, accuracy: 500 }, dealer, DEFAULT_FIELD_SETTINGS).problem).toBe('inaccurate');
    expect(verifyPosition({ ...dealer, accuracy: 5 }, { lat: null, lng: null }, DEFAULT_FIELD_SETTINGS).problem).toBe('no_dealer_location');
    expect(verifyPosition({ lat: dealer.lat + 400 / 111_320, lng: dealer.lng, accuracy: 10 }, dealer, { ...DEFAULT_FIELD_SETTINGS, radiusM: 500 }).verified).toBe(true);
  });

  it('shows a wrong phone clock and corrects times by the last known offset', () => {
    expect(clockIsWrong(null)).toBe(false);
    expect(clockIsWrong(60_000)).toBe(false);
    expect(clockIsWrong(-10 * 60_000)).toBe(true);
    expect(trustedTime('2026-11-29T10:00:00.000Z', 600_000)).toBe('2026-11-29T10:10:00.000Z');
    expect(trustedTime('2026-11-29T10:00:00.000Z', null)).toBe('2026-11-29T10:00:00.000Z');
  });

  it('takes a check-in outside the radius only with a reason, and never a position off the globe', () => {
    const base = { at: '2026-11-29T10:00:00Z', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: null, distanceM: 400 };
    expect(checkRecord.safeParse({ ...base, verified: true }).success).toBe(true);
    expect(checkRecord.safeParse({ ...base, verified: false }).success).toBe(false);
    expect(checkRecord.safeParse({ ...base, verified: false, reason: 'Road closed' }).success).toBe(true);
    expect(checkRecord.safeParse({ ...base, lat: 95, verified: true }).success).toBe(false);
    expect(checkRecord.safeParse({ ...base, accuracy: -1, verified: true }).success).toBe(false);
  });

  it('lets a rep write a whole visit offline, and refuses a bad check-in', () => {
    const id = parseDocId(makeDocId('visit', { repId: 'usr_a', dealerId: 'dlr_1' }, visitUid('2026-11-29')));
    // The phone starts the visit from the structure every device makes; the room creates the
    // same structure (and the header) when the visit first syncs.
    const doc = new Y.Doc();
    initDoc(doc, id);
    const before = snapshot(doc, 'visit');
    visit.checkIn(doc, { at: '2026-11-29T10:00:00Z', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true });
    visit.checkOut(doc, { at: '2026-11-29T10:30:00Z', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true });
    const after = snapshot(doc, 'visit');
    expect(checkChange(id, { role: 'field_rep', userId: 'usr_a' }, before, after)).toEqual([]);
    // Nobody but a rep has a part in a visit (and the policy gives W only to the rep it names).
    expect(checkChange(id, { role: 'regional_manager', userId: 'usr_m' }, before, after).length).toBeGreaterThan(0);
    expect(reachOf('field_rep', 'visit', (r) => r === 'assigned')).toBe('');
    const bad = new Y.Doc();
    initDoc(bad, id);
    visit.checkIn(bad, { at: 'yesterday', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true });
    expect(checkChange(id, { role: 'field_rep', userId: 'usr_a' }, before, snapshot(bad, 'visit')).map((v) => v.path)).toEqual(['checkIn']);
  });

  it('a visit done offline syncs into the room whole; a bad check-in leaves it planned', () => {
    const id = parseDocId(makeDocId('visit', { repId: 'usr_a', dealerId: 'dlr_1' }, visitUid('2026-11-30')));
    const rep: Writer = { userId: 'usr_a', role: 'field_rep', access: 'write' };
    const room = new RoomCore(new MemoryUpdateStore(), id);
    room.create(headerOf(id, 'usr_a', '2026-11-30T08:00:00.000Z'));
    const phone = new Y.Doc();
    initDoc(phone, id);
    visit.checkIn(phone, { at: '2026-11-30T10:00:00Z', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true });
    visit.setAnswers(phone, { formId: 'f1', version: 2, values: { q1: 'yes' } });
    visit.checkOut(phone, { at: '2026-11-30T10:30:00Z', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true });
    expect(room.apply(Y.encodeStateAsUpdate(phone), rep).violations).toEqual([]);
    expect(visit.status(room.doc)).toBe('done');
    expect(visit.answers(room.doc).get('f1')?.values).toEqual({ q1: 'yes' });

    const other = parseDocId(makeDocId('visit', { repId: 'usr_a', dealerId: 'dlr_1' }, visitUid('2026-12-01')));
    const room2 = new RoomCore(new MemoryUpdateStore(), other);
    room2.create(headerOf(other, 'usr_a', '2026-12-01T08:00:00.000Z'));
    const phone2 = new Y.Doc();
    initDoc(phone2, other);
    visit.checkIn(phone2, { at: 'yesterday', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true });
    const res = room2.apply(Y.encodeStateAsUpdate(phone2), rep);
    expect(res.violations.map((v) => v.path)).toEqual(['checkIn', 'status']);
    expect(visit.status(room2.doc)).toBe('planned');
  });
});
