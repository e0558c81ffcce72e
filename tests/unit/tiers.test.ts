import { describe, expect, it } from 'vitest';
import { TIER_THRESHOLDS, tierForSales, tierProgress } from '../../core/home/tiers.ts';

describe('tiers', () => {
  it('thresholds ascend from bronze to platinum, starting at zero', () => {
    expect(TIER_THRESHOLDS.map((t) => t.tier)).toEqual(['bronze', 'silver', 'gold', 'platinum']);
    expect(TIER_THRESHOLDS[0].min).toBe(0);
    for (let i = 1; i < TIER_THRESHOLDS.length; i++) expect(TIER_THRESHOLDS[i].min).toBeGreaterThan(TIER_THRESHOLDS[i - 1].min);
  });

  it('earns the highest tier whose threshold the sales reach', () => {
    expect(tierForSales(0)).toBe('bronze');
    expect(tierForSales(2_499_999)).toBe('bronze');
    expect(tierForSales(2_500_000)).toBe('silver');
    expect(tierForSales(6_000_000)).toBe('gold');
    expect(tierForSales(50_000_000)).toBe('platinum');
  });

  it('measures progress from the current tier to the next', () => {
    expect(tierProgress('bronze', 1_250_000)).toEqual({ tier: 'bronze', earned: 'bronze', next: 'silver', nextAt: 2_500_000, remaining: 1_250_000, percent: 50 });
    expect(tierProgress('silver', 2_500_000)).toMatchObject({ next: 'gold', remaining: 3_500_000, percent: 0 });
    expect(tierProgress('gold', 9_000_000)).toMatchObject({ next: 'platinum', nextAt: 12_000_000, remaining: 3_000_000, percent: 50 });
  });

  it('clamps: below the current tier is 0 %, past the next is 100 % with nothing remaining', () => {
    expect(tierProgress('gold', 100)).toMatchObject({ percent: 0, remaining: 11_999_900, earned: 'bronze' });
    expect(tierProgress('bronze', 7_000_000)).toMatchObject({ percent: 100, remaining: 0, earned: 'gold', next: 'silver' });
  });

  it('platinum is the top: no next tier', () => {
    expect(tierProgress('platinum', 1)).toEqual({ tier: 'platinum', earned: 'bronze', next: null, nextAt: null, remaining: 0, percent: 100 });
  });

  it('an unknown tier counts as the lowest', () => {
    expect(tierProgress('tin', 0)).toMatchObject({ tier: 'bronze', next: 'silver' });
  });
});
