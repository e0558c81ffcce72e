// A symmetric TSP solver for day routes: nearest-neighbour start, then local search with
// 2-opt and Or-opt over neighbour lists with don't-look bits, inside an iterated local search
// with double-bridge kicks. The budget is counted in iterations, not milliseconds, so the
// same input always gives the same tour.
import { rng } from '../demo/random.ts';

export interface TspOptions { seed?: number; iterations?: number; neighbours?: number }

export type DistanceMatrix = { n: number; d: Float64Array };

export function matrixFrom(n: number, dist: (i: number, j: number) => number): DistanceMatrix {
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) d[i * n + j] = d[j * n + i] = dist(i, j);
  return { n, d };
}

export function tourLength(m: DistanceMatrix, tour: ArrayLike<number>): number {
  let len = 0;
  for (let i = 0; i < tour.length; i++) len += m.d[tour[i] * m.n + tour[(i + 1) % tour.length]];
  return len;
}

function neighbourLists(m: DistanceMatrix, k: number): Int32Array[] {
  const { n, d } = m;
  const lists: Int32Array[] = [];
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < n; i++) {
    const sorted = idx.filter((j) => j !== i).sort((a, b) => d[i * n + a] - d[i * n + b] || a - b);
    lists.push(Int32Array.from(sorted.slice(0, k)));
  }
  return lists;
}

function nearestNeighbour(m: DistanceMatrix): Int32Array {
  const { n, d } = m;
  const tour = new Int32Array(n);
  const used = new Uint8Array(n);
  used[0] = 1;
  for (let i = 1; i < n; i++) {
    const last = tour[i - 1];
    let best = -1;
    for (let j = 0; j < n; j++) if (!used[j] && (best < 0 || d[last * n + j] < d[last * n + best])) best = j;
    tour[i] = best;
    used[best] = 1;
  }
  return tour;
}

// Array tour with a position index; reversals take the shorter way round the cycle.
class Tour {
  readonly pos: Int32Array;
  readonly t: Int32Array;
  constructor(t: Int32Array) {
    this.t = t;
    this.pos = new Int32Array(t.length);
    for (let i = 0; i < t.length; i++) this.pos[t[i]] = i;
  }
  next(c: number) { const p = this.pos[c] + 1; return this.t[p === this.t.length ? 0 : p]; }
  prev(c: number) { const p = this.pos[c] - 1; return this.t[p < 0 ? this.t.length - 1 : p]; }
  // Reverses the path from city a to city b (inclusive, walking forward).
  reverse(a: number, b: number) {
    const n = this.t.length;
    let i = this.pos[a];
    let j = this.pos[b];
    let len = j - i;
    if (len < 0) len += n;
    len += 1;
    if (len * 2 > n) { // reverse the complement instead: same cycle, fewer swaps
      const ni = j + 1 === n ? 0 : j + 1;
      const nj = i - 1 < 0 ? n - 1 : i - 1;
      i = ni; j = nj; len = n - len;
    }
    for (let s = 0; s < len >> 1; s++) {
      const ci = this.t[i];
      const cj = this.t[j];
      this.t[i] = cj; this.pos[cj] = i;
      this.t[j] = ci; this.pos[ci] = j;
      i = i + 1 === n ? 0 : i + 1;
      j = j - 1 < 0 ? n - 1 : j - 1;
    }
  }
}

// Or-opt move of the segment s1..s2 (forward) to between c and next(c), as three reversals.
function localSearch(m: DistanceMatrix, tour: Tour, nb: Int32Array[], dontLook: Uint8Array, queue: number[]): void {
  const { n, d } = m;
  const D = (a: number, b: number) => d[a * n + b];
  const inQueue = new Uint8Array(n);
  for (const c of queue) { inQueue[c] = 1; dontLook[c] = 0; }
  const push = (c: number) => { if (!inQueue[c]) { inQueue[c] = 1; queue.push(c); } dontLook[c] = 0; };
  while (queue.length) {
    const a = queue.shift()!;
    inQueue[a] = 0;
    if (dontLook[a]) continue;
    let improved = false;
    for (const dir of [0, 1]) {
      const b = dir === 0 ? tour.next(a) : tour.prev(a);
      const dab = D(a, b);
      for (const c of nb[a]) {
        const dac = D(a, c);
        if (dac >= dab) break;
        const e = dir === 0 ? tour.next(c) : tour.prev(c);
        if (c === b || e === a) continue;
        const gain = dab + D(c, e) - dac - D(b, e);
        if (gain > 1e-9) {
          // 2-opt: (a,b),(c,e) → (a,c),(b,e)
          if (dir === 0) tour.reverse(b, c); else tour.reverse(c, b);
          for (const x of [a, b, c, e]) push(x);
          improved = true;
          break;
        }
      }
      if (improved) break;
    }
    if (!improved) improved = orOpt(m, tour, nb, a, push);
    if (!improved) dontLook[a] = 1;
    else push(a);
  }
}

function orOpt(m: DistanceMatrix, tour: Tour, nb: Int32Array[], s1: number, push: (c: number) => void): boolean {
  const { n, d } = m;
  const D = (a: number, b: number) => d[a * n + b];
  if (n < 8) return false;
  for (let len = 1; len <= 3; len++) {
    // Segment s1..s2 forward, with p before it and q after it.
    let s2 = s1;
    for (let k = 1; k < len; k++) s2 = tour.next(s2);
    const p = tour.prev(s1);
    const q = tour.next(s2);
    if (q === p || q === s1) continue;
    const removeGain = D(p, s1) + D(s2, q) - D(p, q);
    if (removeGain <= 1e-9) continue;
    for (const end of [s1, s2]) {
      for (const c of nb[end]) {
        if (D(end, c) >= removeGain) break;
        // c must be outside the segment and not p (inserting between p and q is no move).
        let inside = false;
        for (let x = s1, k = 0; k < len; k++, x = tour.next(x)) if (x === c) inside = true;
        if (inside) continue;
        for (const side of [0, 1]) {
          const c1 = side === 0 ? c : tour.prev(c);
          const c2 = side === 0 ? tour.next(c) : c;
          if (c1 === s2 || c2 === s1 || (c1 === p && c2 === q)) continue;
          if (c1 === p || c2 === q) continue;
          // Insert between c1 and c2; orientation chosen so `end` touches c.
          const forward = D(c1, s1) + D(s2, c2);
          const reversed = D(c1, s2) + D(s1, c2);
          const add = Math.min(forward, reversed) - D(c1, c2);
          if (removeGain - add > 1e-9) {
            applyOrOpt(tour, s1, s2, c1, reversed < forward);
            for (const x of [s1, s2, p, q, c1, c2]) push(x);
            return true;
          }
        }
      }
    }
  }
  return false;
}

// Moves segment s1..s2 between the adjacent cities c1 → c2 (both outside it). Rebuilding the
// order is O(n), as cheap as the reversals for the few hundred stops of a day.
function applyOrOpt(tour: Tour, s1: number, s2: number, c1: number, reversed: boolean) {
  const n = tour.t.length;
  const seg: number[] = [];
  for (let x = s1; ; x = tour.next(x)) { seg.push(x); if (x === s2) break; }
  if (reversed) seg.reverse();
  const out: number[] = [];
  for (let k = 0, x = tour.next(s2); k < n - seg.length; k++, x = tour.next(x)) {
    out.push(x);
    if (x === c1) out.push(...seg);
  }
  for (let i = 0; i < n; i++) { tour.t[i] = out[i]; tour.pos[out[i]] = i; }
}

export function solveTsp(m: DistanceMatrix, opts: TspOptions = {}): { tour: number[]; length: number } {
  const { n } = m;
  if (n <= 3) return { tour: Array.from({ length: n }, (_, i) => i), length: tourLength(m, Array.from({ length: n }, (_, i) => i)) };
  const r = rng(opts.seed ?? 1);
  const nb = neighbourLists(m, Math.min(n - 1, opts.neighbours ?? 10));
  const tour = new Tour(nearestNeighbour(m));
  const dontLook = new Uint8Array(n);
  localSearch(m, tour, nb, dontLook, Array.from(tour.t));
  let best = Int32Array.from(tour.t);
  let bestLen = tourLength(m, best);
  const iterations = opts.iterations ?? Math.max(300, Math.round(250_000 / n));
  for (let it = 0; it < iterations; it++) {
    // Double bridge on a local window keeps the kick cheap to repair.
    const cur = Int32Array.from(best);
    const w = Math.min(n - 1, 30 + r.int(0, 20));
    const base = r.int(0, n - 1);
    const cuts = [r.int(1, w - 2), r.int(1, w - 2), r.int(1, w - 2)].sort((a, b) => a - b);
    if (cuts[0] === cuts[1] || cuts[1] === cuts[2]) continue;
    const rot = Array.from({ length: n }, (_, i) => cur[(base + i) % n]);
    const [i, j, k] = cuts;
    const kicked = [...rot.slice(0, i), ...rot.slice(j, k), ...rot.slice(i, j), ...rot.slice(k)];
    const t = new Tour(Int32Array.from(kicked));
    const touched = [kicked[i - 1], kicked[i], kicked[i + k - j - 1], kicked[i + k - j], kicked[k - 1], kicked[k % n]];
    const dl = new Uint8Array(n).fill(1);
    localSearch(m, t, nb, dl, touched.filter((x) => x !== undefined));
    const len = tourLength(m, t.t);
    if (len < bestLen - 1e-9) { best = Int32Array.from(t.t); bestLen = len; }
  }
  // A canonical start (city 0) makes equal tours print equally.
  const z = best.indexOf(0);
  const out = Array.from({ length: n }, (_, i) => best[(z + i) % n]);
  return { tour: out, length: bestLen };
}
