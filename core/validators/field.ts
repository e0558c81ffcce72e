import { z } from 'zod';
import { FREQUENCIES } from '../field/schedule.ts';
import { idSchema } from './common.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date as YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'Not a real date');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use a time as HH:MM');

export const position = z.strictObject({
  lat: z.number().min(-90, 'Latitude is between -90 and 90').max(90, 'Latitude is between -90 and 90'),
  lng: z.number().min(-180, 'Longitude is between -180 and 180').max(180, 'Longitude is between -180 and 180'),
  accuracy: z.number().positive('Accuracy must be more than 0 m').max(100_000, 'Accuracy is at most 100 km'),
});

// A check-in or check-out as the phone writes it into the visit document.
export const checkRecord = position.extend({
  at: z.string().datetime({ offset: true, message: 'Use an ISO date and time' }),
  // Server time minus device time when the phone was last online; null if never measured.
  offsetMs: z.number().int().nullable(),
  distanceM: z.number().min(0).nullable(),
  verified: z.boolean(),
  reason: z.string().trim().max(500).optional(),
}).refine((r) => r.verified || (r.reason ?? '').length > 0, { message: 'Give a reason when the check is outside the dealer\'s radius', path: ['reason'] });
export type CheckRecord = z.infer<typeof checkRecord>;

export const visitPlanBody = z.strictObject({
  repId: idSchema,
  frequency: z.enum(FREQUENCIES, { message: 'Choose weekly, biweekly or monthly' }),
  weekdays: z.array(z.number().int().min(1).max(7, 'Weekdays are 1 (Monday) to 7 (Sunday)')).max(7).default([]),
  windowStart: clock.nullable().default(null),
  windowEnd: clock.nullable().default(null),
  durationMin: z.number().int().min(5, 'At least 5 minutes').max(480, 'At most 8 hours').default(30),
  visitType: z.string().trim().min(1).max(40).default('routine'),
}).refine((p) => !p.windowStart || !p.windowEnd || p.windowStart < p.windowEnd, { message: 'The window must end after it starts', path: ['windowEnd'] });
export type VisitPlanBody = z.infer<typeof visitPlanBody>;

export const taskBody = z.strictObject({
  dealerId: idSchema,
  repId: idSchema.optional(),
  title: z.string().trim().min(1, 'Enter a title').max(200),
  details: z.string().trim().max(4000).default(''),
  dueDate: isoDate,
  ticketId: z.string().max(200).optional(),
});

export const taskListQuery = z.strictObject({
  status: z.enum(['open', 'done', 'cancelled']).optional(),
  rep: idSchema.optional(),
  dealer: idSchema.optional(),
});

export const dayQuery = z.strictObject({ date: isoDate.optional() });

export const periodQuery = z.strictObject({
  from: isoDate,
  to: isoDate,
  rep: idSchema.optional(),
  region: idSchema.optional(),
  dealer: idSchema.optional(),
}).refine((q) => q.from <= q.to, { message: 'The period must end after it starts', path: ['to'] });
