// Promotions on top of the price lists: the largest discount that applies to a product for a
// dealer on a day. Pure and shared, so the catalog shows exactly what the server charges.
export interface PromotionRule {
  name: string;
  percentOff: number;
  productId: string | null;
  category: string | null;
  segment: string | null;
  validFrom: string;
  validTo: string;
}

// A promotion applies when every condition it names holds (product, category, dealer segment)
// and today (YYYY-MM-DD) is within its dates, both ends included. Of several, the largest wins;
// ties go to the first given.
export function bestPromotion<P extends PromotionRule>(product: { id: string; category: string }, dealer: { segments: readonly string[] | null | undefined }, promos: readonly P[], today: string): P | null {
  let best: P | null = null;
  const segments = dealer.segments ?? [];
  for (const p of promos) {
    if (!(p.percentOff > 0 && p.percentOff <= 90)) continue;
    if (p.validFrom > today || p.validTo < today) continue;
    if (p.productId != null && p.productId !== product.id) continue;
    if (p.category != null && p.category !== product.category) continue;
    if (p.segment != null && !segments.includes(p.segment)) continue;
    if (!best || p.percentOff > best.percentOff) best = p;
  }
  return best;
}

// The price after the discount, in minor units (cents), rounded to the nearest cent.
export function promoPrice(listPrice: number, percent: number | null | undefined): number {
  if (!percent) return listPrice;
  return Math.round(listPrice * (100 - percent) / 100);
}

// A dealer's segments as stored (a JSON array in D1), tolerant of anything malformed.
export function parseSegments(raw: unknown): string[] {
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === 'string');
  if (typeof raw !== 'string') return [];
  try {
    const v = JSON.parse(raw);
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

// How the catalog shows the brand's stock: out at zero, low up to LOW_AVAILABLE units.
export const LOW_AVAILABLE = 20;
export type Availability = 'in_stock' | 'low' | 'out' | 'unknown';
export function availabilityOf(available: number | null | undefined): Availability {
  if (available === null || available === undefined) return 'unknown';
  return available <= 0 ? 'out' : available <= LOW_AVAILABLE ? 'low' : 'in_stock';
}
