import { describe, expect, it } from 'vitest';
import { rng } from '../../../core/demo/random.ts';
import { planDay, PlanInputError, type PlanInput, type PlanResult, type PlanStop } from '../../../core/route/plan.ts';

const office = { lat: 52.52, lng: 13.405 };

function randomDay(seed: number, n: number, windows: boolean): PlanInput {
  const r = rng(seed);
  const stops: PlanStop[] = Array.from({ length: n }, (_, i) => {
    const open = 8 * 60 + r.int(0, 6) * 60;
    return {
      id: `s${i}`, lat: office.lat + (r.next() - 0.5) * 0.3, lng: office.lng + (r.next() - 0.5) * 0.5,
      durationMin: r.int(10, 40), priority: r.int(0, 3), ...(windows && r.chance(0.5) ? { window: { open, close: open + r.int(60, 180) } } : {}),
    };
  });
  return { start: office, dayStartMin: 8 * 60, maxDayMin: 10 * 60, stops };
}

// Independent check of what a plan promises.
function assertFeasible(input: PlanInput, plan: PlanResult) {
  const byId = new Map(input.stops.map((s) => [s.id, s]));
  let t = input.dayStartMin;
  for (const p of plan.stops) {
    const s = byId.get(p.id)!;
    expect(p.arrivalMin).toBeGreaterThanOrEqual(t - 1e-6);
    if (s.window) {
      expect(p.startMin).toBeGreaterThanOrEqual(s.window.open - 1e-6);
      expect(p.arrivalMin).toBeLessThanOrEqual(s.window.close + 1e-6);
    }
    expect(p.departureMin - p.startMin).toBeCloseTo(s.durationMin);
    t = p.departureMin;
  }
  expect(plan.endMin).toBeLessThanOrEqual(input.dayStartMin + input.maxDayMin + 1e-6);
  expect(plan.stops.length + plan.unassigned.length).toBe(input.stops.length);
}

function permutations<T>(xs: T[]): T[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}

describe('planDay', () => {
  it('never breaks a window and visits every stop when some order allows it (brute force check)', () => {
    let feasibleCases = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const input = randomDay(seed, 6, true);
      input.maxDayMin = 7 * 60;
      const plan = planDay(input);
      assertFeasible(input, plan);
      // Brute force: is there an order visiting all six within the windows and the day?
      const exists = permutations(input.stops.map((_, i) => i)).some((order) => feasibleOrder(input, order));
      if (exists) { feasibleCases++; expect(plan.unassigned).toEqual([]); }
    }
    expect(feasibleCases).toBeGreaterThan(5);
  });

  it('names the stops it cannot fit, with the reason', () => {
    const input: PlanInput = {
      start: office, dayStartMin: 8 * 60, maxDayMin: 8 * 60,
      stops: [
        { id: 'early', lat: 52.9, lng: 13.4, durationMin: 30, window: { open: 0, close: 8 * 60 + 5 } },
        { id: 'far', lat: 48.1, lng: 11.6, durationMin: 30 },
        { id: 'ok', lat: 52.53, lng: 13.41, durationMin: 30 },
      ],
    };
    const plan = planDay(input);
    expect(plan.stops.map((s) => s.id)).toEqual(['ok']);
    expect(plan.unassigned.map((u) => [u.id, u.reason])).toEqual([['early', 'window_unreachable'], ['far', 'day_too_long']]);
    expect(plan.unassigned[0].message).toMatch(/before its window closes/);
  });

  it('keeps the important stops when the day is too short for all', () => {
    const input = randomDay(5, 30, false);
    input.maxDayMin = 3 * 60;
    input.stops[7].priority = 99;
    const plan = planDay(input);
    assertFeasible(input, plan);
    expect(plan.stops.map((s) => s.id)).toContain('s7');
    expect(plan.unassigned.every((u) => u.reason === 'no_slot' || u.reason === 'day_too_long')).toBe(true);
  });

  it('gives an identical plan for identical input', () => {
    const input = randomDay(9, 40, true);
    expect(planDay(input)).toEqual(planDay(structuredClone(input)));
  });

  it('plans 150 stops', () => {
    const input = randomDay(11, 150, false);
    input.maxDayMin = 24 * 60 - input.dayStartMin;
    input.speedKmh = 60;
    input.stops.forEach((s) => { s.durationMin = 3; });
    const plan = planDay(input);
    assertFeasible(input, plan);
    expect(plan.stops.length).toBe(150);
  });

  it('refuses bad input with the field named', () => {
    const bad = (patch: Partial<PlanInput>) => { try { planDay({ ...randomDay(1, 3, false), ...patch }); return null; } catch (e) { return e as PlanInputError; } };
    expect(bad({ start: { lat: 95, lng: 0 } })?.field).toBe('start');
    expect(bad({ maxDayMin: 0 })?.field).toBe('maxDayMin');
    expect(bad({ stops: [{ id: 'a', lat: 1, lng: 1, durationMin: -5 }] })?.field).toBe('stops.0.durationMin');
    expect(bad({ stops: [{ id: 'a', lat: 1, lng: 1, durationMin: 5, window: { open: 600, close: 500 } }] })?.field).toBe('stops.0.window');
    expect(bad({ stops: [{ id: 'a', lat: 1, lng: 1, durationMin: 5 }, { id: 'a', lat: 1, lng: 1, durationMin: 5 }] })?.field).toBe('stops.1.id');
  });
});

function feasibleOrder(input: PlanInput, order: number[]): boolean {
  const speed = 30, factor = 1.3;
  const km = (a: { lat: number; lng: number }, b: { lat: number; lng: number }) => {
    const rad = Math.PI / 180;
    const h = Math.sin(((b.lat - a.lat) * rad) / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(((b.lng - a.lng) * rad) / 2) ** 2;
    return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h))) * factor;
  };
  let t = input.dayStartMin;
  let at = input.start;
  for (const i of order) {
    const s = input.stops[i];
    t += (km(at, s) / speed) * 60;
    if (s.window && t > s.window.close) return false;
    t = Math.max(t, s.window?.open ?? t) + s.durationMin;
    at = s;
  }
  t += (km(at, input.end ?? input.start) / speed) * 60;
  return t <= input.dayStartMin + input.maxDayMin;
}
