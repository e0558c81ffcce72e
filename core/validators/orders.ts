import { z } from 'zod';

export const verdictBody = z.strictObject({
  decision: z.enum(['approve', 'reject'], { message: 'Choose approve or reject' }),
  comment: z.string().trim().max(1000, 'At most 1000 characters').default(''),
}).refine((v) => v.decision === 'approve' || v.comment.length > 0, { message: 'Say why the order is rejected', path: ['comment'] });

const cents = z.number().int('Use whole cents').min(0, 'Cannot be negative').max(1_000_000_000);
export const approvalRulesBody = z.strictObject({ autoApproveMax: cents, managerMax: cents })
  .refine((r) => r.managerMax >= r.autoApproveMax, { message: 'The manager limit must be at least the automatic approval limit', path: ['managerMax'] });
