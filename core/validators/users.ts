import { z } from 'zod';
import { ROLES, USER_STATUSES } from '../db/schema.ts';
import { idSchema, pageQuery, searchTerm } from './common.ts';

export const userListQuery = z.strictObject({
  q: searchTerm,
  role: z.enum(ROLES).optional(),
  ...pageQuery,
});

const DEALER_ROLES = ['dealer_admin', 'dealer_staff'];

export const userCreateBody = z.strictObject({
  email: z.string().trim().toLowerCase().email('Enter a valid email address').max(254),
  name: z.string().trim().min(1, 'Enter a name').max(120),
  role: z.enum(ROLES),
  dealerId: idSchema.nullable().optional(),
  regionIds: z.array(idSchema).max(20).optional(),
}).superRefine((v, ctx) => {
  if (DEALER_ROLES.includes(v.role) && !v.dealerId) ctx.addIssue({ code: 'custom', path: ['dealerId'], message: 'A dealer user needs a dealer' });
  if (!DEALER_ROLES.includes(v.role) && v.dealerId) ctx.addIssue({ code: 'custom', path: ['dealerId'], message: 'Only dealer users belong to a dealer' });
});
export type UserCreateBody = z.infer<typeof userCreateBody>;

export const userUpdateBody = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name').max(120).optional(),
  role: z.enum(ROLES).optional(),
  status: z.enum(USER_STATUSES).optional(),
  regionIds: z.array(idSchema).max(20).optional(),
}).refine((v) => Object.keys(v).length > 0, { message: 'Name at least one field to change' });
export type UserUpdateBody = z.infer<typeof userUpdateBody>;
