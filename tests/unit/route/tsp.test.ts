import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matrixFrom, solveTsp, tourLength } from '../../../core/route/tsp.ts';
import { parseTsplib, tsplibDistance, tsplibMatrix } from '../../../core/route/tsplib.ts';

// Public TSPLIB instances, copied from ../shared/bench/tsplib so the tests stand alone.
const dir = new URL('./fixtures/', import.meta.url);
const load = (name: string) => parseTsplib(readFileSync(new URL(`${name}.tsp`, dir), 'utf8'));

describe('TSPLIB', () => {
  it('parses coordinates and computes distances as TSPLIB defines them', () => {
    const eil51 = load('eil51');
    expect(eil51.type).toBe('EUC_2D');
    expect(eil51.coords).toHaveLength(51);
    expect(tsplibDistance('EUC_2D')([0, 0], [3, 4])).toBe(5);
    expect(tsplibDistance('EUC_2D')([0, 0], [1, 1])).toBe(1);
    expect(tsplibDistance('ATT')([0, 0], [10, 0])).toBe(4); // sqrt(10) = 3.16 → rounds up
    expect(tsplibDistance('GEO')([0, 0], [0, 0])).toBe(1);
  });

  it('refuses unsupported or empty files', () => {
    expect(() => parseTsplib('NAME: x\nEDGE_WEIGHT_TYPE: EXPLICIT\nEOF')).toThrow(/not supported/);
    expect(() => parseTsplib('NAME: x\nEDGE_WEIGHT_TYPE: EUC_2D\nEOF')).toThrow(/NODE_COORD_SECTION/);
  });

  it('reaches the known optimum within 1 % on TSPLIB instances', () => {
    for (const [name, opt] of [['eil51', 426], ['berlin52', 7542], ['kroA100', 21282]] as const) {
      const m = tsplibMatrix(load(name));
      const { tour, length } = solveTsp(m);
      expect(new Set(tour).size).toBe(m.n);
      expect(length).toBe(tourLength(m, tour));
      expect((length - opt) / opt).toBeLessThanOrEqual(0.01);
    }
  });

  it('gives an identical tour for identical input', () => {
    const m = tsplibMatrix(load('st70'));
    expect(solveTsp(m).tour).toEqual(solveTsp(m).tour);
  });

  it('handles tiny inputs', () => {
    const m = matrixFrom(3, (i, j) => Math.abs(i - j));
    expect(solveTsp(m).tour).toEqual([0, 1, 2]);
  });
});
