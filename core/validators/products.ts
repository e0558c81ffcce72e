import { z } from 'zod';
import { idSchema, pageQuery, searchTerm } from './common.ts';

export const productListQuery = z.strictObject({
  q: searchTerm,
  category: z.string().trim().max(80).optional(),
  dealer: idSchema.optional(),
  ...pageQuery,
});
export type ProductListQuery = z.infer<typeof productListQuery>;
