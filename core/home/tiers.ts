// Dealer tiers by annual sales. Pure: the thresholds and the progress a dealer's home shows.
// Amounts are in minor units (cents), like every amount in D1.
import { DEALER_TIERS } from '../db/schema.ts';

export type Tier = (typeof DEALER_TIERS)[number];

// Lowest annual sales (this calendar year, approved or later orders) for each tier, ascending.
export const TIER_THRESHOLDS: ReadonlyArray<{ tier: Tier; min: number }> = [
  { tier: 'bronze', min: 0 },
  { tier: 'silver', min: 2_500_000 },   // 25,000.00
  { tier: 'gold', min: 6_000_000 },     // 60,000.00
  { tier: 'platinum', min: 12_000_000 }, // 120,000.00
];

export interface TierProgress {
  tier: Tier;
  // The tier this year's sales alone would earn.
  earned: Tier;
  next: Tier | null;
  nextAt: number | null;
  // Still to sell to reach the next tier (0 when already past it or at the top).
  remaining: number;
  // 0..100, from the current tier's threshold to the next one's.
  percent: number;
}

const rank = (t: Tier) => TIER_THRESHOLDS.findIndex((x) => x.tier === t);

export function tierForSales(sales: number): Tier {
  let tier: Tier = TIER_THRESHOLDS[0].tier;
  for (const t of TIER_THRESHOLDS) if (sales >= t.min) tier = t.tier;
  return tier;
}

// Progress from the dealer's current tier to the one above it. An unknown tier counts as the lowest.
export function tierProgress(current: string, sales: number): TierProgress {
  const i = Math.max(0, rank(current as Tier));
  const tier = TIER_THRESHOLDS[i].tier;
  const earned = tierForSales(Math.max(0, sales));
  const above = TIER_THRESHOLDS[i + 1];
  if (!above) return { tier, earned, next: null, nextAt: null, remaining: 0, percent: 100 };
  const from = TIER_THRESHOLDS[i].min;
  const span = above.min - from;
  const percent = Math.max(0, Math.min(100, Math.floor(((sales - from) / span) * 100)));
  return { tier, earned, next: above.tier, nextAt: above.min, remaining: Math.max(0, above.min - sales), percent };
}
