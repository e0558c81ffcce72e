import { z } from 'zod';
import { idSchema } from './common.ts';

const count = (what: string) => z.number({ message: `${what} must be a number` }).int(`${what} must be a whole number`).min(0, `${what} cannot be negative`).max(10_000_000, `${what} is too large`);

// A dealer's stock count: one row per product, each product once. Up to 200 products a report.
export const stockReportBody = z.strictObject({
  items: z.array(z.strictObject({
    productId: idSchema,
    quantity: count('The quantity'),
    reorderPoint: count('The reorder point').optional(),
  }), { message: 'Send items as a list' }).min(1, 'Report at least one product').max(200, 'At most 200 products a report')
    .superRefine((items, ctx) => {
      const seen = new Set<string>();
      items.forEach((it, i) => {
        if (seen.has(it.productId)) ctx.addIssue({ code: 'custom', path: [i, 'productId'], message: 'This product is listed twice' });
        seen.add(it.productId);
      });
    }),
});
export type StockReportBody = z.infer<typeof stockReportBody>;

export const stockQuery = z.strictObject({
  region: idSchema.optional(),
  product: idSchema.optional(),
});
