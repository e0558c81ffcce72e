import { z } from 'zod';

const base64 = z.string().max(1_400_000).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Must be base64');

// One catch-up call carries many documents: a device back online after a week sends each
// document's state vector (and what it wrote offline) and gets back what it lacks.
export const syncBatchBody = z.strictObject({
  docs: z.array(z.strictObject({
    doc: z.string().min(1).max(200),
    stateVector: base64,
    update: base64.optional(),
  })).min(1, 'Send at least one document').max(100, 'At most 100 documents per request'),
});
export type SyncBatchBody = z.infer<typeof syncBatchBody>;

export const docsListQuery = z.strictObject({
  since: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(500),
});
