import { z } from 'zod';
import { idSchema, pageQuery } from './common.ts';

export const productListQuery = z.strictObject({
  q: z.string().trim().max(100).optional(),
  category: z.string().trim().max(80).optional(),
  dealer: idSchema.optional(),
  ...pageQuery,
});
export type ProductListQuery = z.infer<typeof productListQuery>;
