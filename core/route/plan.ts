// A rep's day: which stops, in which order, at what times. Straight-line distance times a road
// factor at a set speed; time windows, visit durations, priorities and a maximum working day.
// The plan never breaks a window or the day: a stop that cannot fit is left out and named with
// the reason. Identical input gives an identical plan.
export interface LatLng { lat: number; lng: number }
export interface Window { open: number; close: number }
import { matrixFrom, solveTsp } from './tsp.ts';

export interface PlanStop extends LatLng { id: string; durationMin: number; priority?: number; window?: Window }
export interface PlanInput {
  start: LatLng;
  end?: LatLng;
  dayStartMin: number;
  maxDayMin: number;
  stops: PlanStop[];
  roadFactor?: number;
  speedKmh?: number;
}
export interface PlannedStop { id: string; arrivalMin: number; waitMin: number; startMin: number; departureMin: number; travelKm: number }
export type UnassignedReason = 'window_unreachable' | 'day_too_long' | 'no_slot';
export interface PlanResult {
  stops: PlannedStop[];
  unassigned: Array<{ id: string; reason: UnassignedReason; message: string }>;
  totalKm: number;
  endMin: number;
}

export class PlanInputError extends Error {
  readonly field: string;
  constructor(field: string, message: string) { super(message); this.field = field; }
}

const R = 6371.0088;
export function haversineKm(a: LatLng, b: LatLng): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

function validPoint(p: LatLng | undefined, field: string) {
  if (!p || !Number.isFinite(p.lat) || !Number.isFinite(p.lng) || Math.abs(p.lat) > 90 || Math.abs(p.lng) > 180) throw new PlanInputError(field, `${field} needs a latitude between -90 and 90 and a longitude between -180 and 180`);
}

export function validatePlanInput(input: PlanInput): void {
  validPoint(input.start, 'start');
  if (input.end) validPoint(input.end, 'end');
  if (!Number.isFinite(input.dayStartMin) || input.dayStartMin < 0 || input.dayStartMin >= 24 * 60) throw new PlanInputError('dayStartMin', 'The day starts between 00:00 and 23:59');
  if (!Number.isFinite(input.maxDayMin) || input.maxDayMin <= 0) throw new PlanInputError('maxDayMin', 'The working day must be longer than zero minutes');
  if ((input.roadFactor ?? 1.3) < 1) throw new PlanInputError('roadFactor', 'The road factor is 1 or more');
  if ((input.speedKmh ?? 30) <= 0) throw new PlanInputError('speedKmh', 'The speed must be above zero');
  const seen = new Set<string>();
  input.stops.forEach((s, i) => {
    if (!s.id || seen.has(s.id)) throw new PlanInputError(`stops.${i}.id`, 'Each stop needs its own id');
    seen.add(s.id);
    validPoint(s, `stops.${i}`);
    if (!Number.isFinite(s.durationMin) || s.durationMin <= 0) throw new PlanInputError(`stops.${i}.durationMin`, 'A visit lasts more than zero minutes');
    if (s.window && !(Number.isFinite(s.window.open) && Number.isFinite(s.window.close) && s.window.open <= s.window.close)) throw new PlanInputError(`stops.${i}.window`, 'A time window opens before it closes');
  });
}

export function planDay(input: PlanInput): PlanResult {
  validatePlanInput(input);
  const stops = input.stops;
  const n = stops.length;
  const factor = input.roadFactor ?? 1.3;
  const speed = input.speedKmh ?? 30;
  const end = input.end ?? input.start;
  const dayEnd = input.dayStartMin + input.maxDayMin;
  // Nodes: 0..n-1 stops, n start, n+1 end.
  const pts: LatLng[] = [...stops, input.start, end];
  const N = n + 2;
  const km = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) km[i * N + j] = km[j * N + i] = haversineKm(pts[i], pts[j]) * factor;
  const mins = (i: number, j: number) => (km[i * N + j] / speed) * 60;
  const open = (i: number) => stops[i].window?.open ?? -Infinity;
  const close = (i: number) => stops[i].window?.close ?? Infinity;

  // Simulates a route; returns its end time, or NaN when it breaks a window or the day.
  const simulate = (route: number[]): number => {
    let t = input.dayStartMin;
    let prev = n;
    for (const s of route) {
      t += mins(prev, s);
      if (t > close(s) + 1e-9) return NaN;
      t = Math.max(t, open(s)) + stops[s].durationMin;
      prev = s;
    }
    t += mins(prev, n + 1);
    return t <= dayEnd + 1e-9 ? t : NaN;
  };
  const cost = (route: number[]) => {
    let c = 0;
    let prev = n;
    for (const s of route) { c += km[prev * N + s]; prev = s; }
    return c + km[prev * N + n + 1];
  };

  const unassigned: PlanResult['unassigned'] = [];
  const candidates: number[] = [];
  for (let i = 0; i < n; i++) {
    const alone = simulate([i]);
    if (!Number.isNaN(alone)) { candidates.push(i); continue; }
    const arrive = input.dayStartMin + mins(n, i);
    if (arrive > close(i)) unassigned.push({ id: stops[i].id, reason: 'window_unreachable', message: `Cannot reach ${stops[i].id} before its window closes, even going there first` });
    else unassigned.push({ id: stops[i].id, reason: 'day_too_long', message: `A visit to ${stops[i].id} does not fit in the working day` });
  }
  // Important stops first, then the tightest windows, then the id for a stable order.
  candidates.sort((a, b) => (stops[b].priority ?? 0) - (stops[a].priority ?? 0) || (close(a) - open(a)) - (close(b) - open(b)) || (stops[a].id < stops[b].id ? -1 : 1));

  const insertAll = (route: number[], pool: number[]): number[] => {
    const left: number[] = [];
    for (const s of pool) {
      let best = -1;
      let bestCost = Infinity;
      for (let p = 0; p <= route.length; p++) {
        const trial = [...route.slice(0, p), s, ...route.slice(p)];
        if (Number.isNaN(simulate(trial))) continue;
        const c = cost(trial);
        if (c < bestCost - 1e-9) { bestCost = c; best = p; }
      }
      if (best >= 0) route.splice(best, 0, s);
      else left.push(s);
    }
    return left;
  };

  // Several construction orders, the best kept: no single greedy order wins on every day.
  const weight = (list: number[]) => list.reduce((w, i) => w + 1000 + (stops[i].priority ?? 0) * 100_000, 0);
  const tspOrder = (() => {
    if (candidates.length < 4) return [...candidates];
    const m = matrixFrom(candidates.length + 1, (a, b) => km[(a === 0 ? n : candidates[a - 1]) * N + (b === 0 ? n : candidates[b - 1])]);
    const { tour } = solveTsp(m, { iterations: 200 });
    return tour.filter((x) => x !== 0).map((x) => candidates[x - 1]);
  })();
  const orders = [
    candidates,
    [...candidates].sort((a, b) => (stops[b].priority ?? 0) - (stops[a].priority ?? 0) || close(a) - close(b) || a - b),
    [...candidates].sort((a, b) => (stops[b].priority ?? 0) - (stops[a].priority ?? 0) || open(a) - open(b) || a - b),
    tspOrder,
  ];
  let route: number[] = [];
  let left: number[] = candidates;
  let bestScore = -Infinity;
  for (const order of orders) {
    const r: number[] = [];
    // Sequential orders are tried as built, then by cheapest insertion.
    const l = insertAll(r, order);
    const score = weight(r) - cost(r) * 1e-3;
    if (score > bestScore) { bestScore = score; route = r; left = l; }
  }
  // Small days get an exact answer to "can every stop fit?".
  if (left.length && candidates.length <= 8) {
    const perms = (xs: number[]): number[][] => xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    let best: number[] | null = null;
    for (const p of perms([...candidates].sort((a, b) => a - b))) {
      if (!Number.isNaN(simulate(p)) && (!best || cost(p) < cost(best) - 1e-9)) best = p;
    }
    if (best) { route = best; left = []; }
  }
  // Feasibility-keeping improvement: move one stop (relocate) or reverse a stretch (2-opt).
  const improve = () => {
    let improved = true;
    let rounds = 0;
    while (improved && rounds++ < 50) {
      improved = false;
      const base = cost(route);
      outer: for (let i = 0; i < route.length; i++) {
        for (let j = 0; j < route.length; j++) {
          if (i === j) continue;
          const trial = [...route];
          const [s] = trial.splice(i, 1);
          trial.splice(j, 0, s);
          if (cost(trial) < base - 1e-9 && !Number.isNaN(simulate(trial))) { route = trial; improved = true; break outer; }
        }
        for (let j = i + 2; j < route.length; j++) {
          const trial = [...route.slice(0, i), ...route.slice(i, j + 1).reverse(), ...route.slice(j + 1)];
          if (cost(trial) < base - 1e-9 && !Number.isNaN(simulate(trial))) { route = trial; improved = true; break outer; }
        }
      }
    }
  };
  improve();
  left = insertAll(route, left);
  improve();
  for (const s of left) unassigned.push({ id: stops[s].id, reason: 'no_slot', message: `No place in today's route keeps every time window and the working day with ${stops[s].id} in it` });

  // The schedule, and a last check that it keeps every promise.
  const endMin = simulate(route);
  if (Number.isNaN(endMin)) throw new Error('planDay produced an infeasible route');
  const planned: PlannedStop[] = [];
  let t = input.dayStartMin;
  let prev = n;
  for (const s of route) {
    const arrival = t + mins(prev, s);
    const startMin = Math.max(arrival, open(s));
    planned.push({ id: stops[s].id, arrivalMin: arrival, waitMin: startMin - arrival, startMin, departureMin: startMin + stops[s].durationMin, travelKm: km[prev * N + s] });
    t = startMin + stops[s].durationMin;
    prev = s;
  }
  unassigned.sort((a, b) => (a.id < b.id ? -1 : 1));
  return { stops: planned, unassigned, totalKm: cost(route), endMin };
}
