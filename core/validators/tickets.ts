import { z } from 'zod';
import { TICKET_STATUSES } from '../docs/schema.ts';
import { idSchema } from './common.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Not a real date');

// The support queue: every filter optional; breached=1 keeps tickets past either SLA target.
export const ticketListQuery = z.strictObject({
  status: z.union([z.enum(TICKET_STATUSES), z.literal('active')], { message: 'Choose open, answered, resolved, closed or active' }).optional(),
  category: z.string().trim().min(1).max(40).optional(),
  breached: z.enum(['1', '0'], { message: 'Use breached=1 or breached=0' }).optional(),
  routed: z.enum(['rep', 'hq', 'none'], { message: 'Choose rep, hq or none' }).optional(),
  dealer: idSchema.optional(),
});

// Where a ticket goes next: a task for the dealer's rep (due on dueDate, tomorrow by default),
// or the HQ queue.
export const ticketRouteBody = z.strictObject({
  to: z.enum(['rep', 'hq'], { message: 'Route to "rep" or "hq"' }),
  dueDate: isoDate.optional(),
});
