import { describe, expect, it } from 'vitest';
import { bestPromotion, parseSegments, promoPrice, type PromotionRule } from '../../core/orders/promotions.ts';
import { generateDemo } from '../../core/demo/generate.ts';

const promo = (p: Partial<PromotionRule> & { name: string; percentOff: number }): PromotionRule =>
  ({ productId: null, category: null, segment: null, validFrom: '2026-11-01', validTo: '2026-11-30', ...p });
const paint = { id: 'prd_1', category: 'Paint' };
const today = '2026-11-15';

describe('bestPromotion', () => {
  it('matches by product, category or segment and takes the largest', () => {
    const promos = [promo({ name: 'cat', percentOff: 10, category: 'Paint' }), promo({ name: 'prod', percentOff: 20, productId: 'prd_1' }), promo({ name: 'seg', percentOff: 15, segment: 'trade' })];
    expect(bestPromotion(paint, { segments: ['trade'] }, promos, today)?.name).toBe('prod');
    expect(bestPromotion({ id: 'prd_2', category: 'Paint' }, { segments: ['trade'] }, promos, today)?.name).toBe('seg');
    expect(bestPromotion({ id: 'prd_2', category: 'Paint' }, { segments: ['retail'] }, promos, today)?.name).toBe('cat');
    expect(bestPromotion({ id: 'prd_2', category: 'Tools' }, { segments: ['retail'] }, promos, today)).toBeNull();
  });

  it('requires every condition it names', () => {
    const promos = [promo({ name: 'both', percentOff: 25, category: 'Paint', segment: 'trade' })];
    expect(bestPromotion(paint, { segments: ['trade'] }, promos, today)?.name).toBe('both');
    expect(bestPromotion(paint, { segments: ['retail'] }, promos, today)).toBeNull();
    expect(bestPromotion({ id: 'x', category: 'Tools' }, { segments: ['trade'] }, promos, today)).toBeNull();
    expect(bestPromotion(paint, { segments: null }, promos, today)).toBeNull();
  });

  it('applies only on its dates, both ends included', () => {
    const promos = [promo({ name: 'p', percentOff: 10, validFrom: '2026-11-10', validTo: '2026-11-20' })];
    expect(bestPromotion(paint, { segments: [] }, promos, '2026-11-10')?.name).toBe('p');
    expect(bestPromotion(paint, { segments: [] }, promos, '2026-11-20')?.name).toBe('p');
    expect(bestPromotion(paint, { segments: [] }, promos, '2026-11-09')).toBeNull();
    expect(bestPromotion(paint, { segments: [] }, promos, '2026-11-21')).toBeNull();
  });

  it('ignores impossible percentages', () => {
    expect(bestPromotion(paint, { segments: [] }, [promo({ name: 'zero', percentOff: 0 }), promo({ name: 'huge', percentOff: 95 })], today)).toBeNull();
  });
});

describe('promoPrice', () => {
  it('takes the percentage off and rounds to the cent', () => {
    expect(promoPrice(1000, 15)).toBe(850);
    expect(promoPrice(1099, 15)).toBe(934);
    expect(promoPrice(999, 12.5)).toBe(874);
    expect(promoPrice(1000, null)).toBe(1000);
    expect(promoPrice(1000, 0)).toBe(1000);
  });
});

describe('parseSegments', () => {
  it('reads the stored JSON array and tolerates anything else', () => {
    expect(parseSegments('["retail","trade"]')).toEqual(['retail', 'trade']);
    expect(parseSegments(['a', 1])).toEqual(['a']);
    expect(parseSegments('nope')).toEqual([]);
    expect(parseSegments(null)).toEqual([]);
  });
});

describe('demo catalog', () => {
  const cities = Array.from({ length: 24 }, (_, i) => ({ name: `C${i}`, country: 'DE', lat: 48 + (i % 6), lng: 7 + Math.floor(i / 6) }));
  const opts = { seed: 42, scale: 'demo' as const, cities, passwordHash: 'h', today: '2026-11-28' };
  it('adds promotions, brand stock for every product and channel stock, deterministically', () => {
    const a = generateDemo(opts);
    expect(a.promotions.map((p) => p.id).sort()).toEqual(['promo_brushes', 'promo_expired', 'promo_featured', 'promo_segment']);
    expect(a.brand_stock).toHaveLength(a.products.length);
    expect(a.channel_stock.length).toBeGreaterThan(0);
    expect(generateDemo(opts).brand_stock).toEqual(a.brand_stock);
  });
});
