import { z } from 'zod';
import { faceOf } from '../access/roles.ts';
import { ROLES, USER_STATUSES, type Role } from '../db/schema.ts';
import { idSchema, pageQuery, searchTerm } from './common.ts';

export const userListQuery = z.strictObject({
  q: searchTerm,
  role: z.enum(ROLES).optional(),
  ...pageQuery,
});

// A dealer user is one whose face is the dealer portal (core/access).
const dealerUser = (role: Role) => faceOf(role) === 'portal';

export const userCreateBody = z.strictObject({
  email: z.string().trim().toLowerCase().email('Enter a valid email address').max(254),
  name: z.string().trim().min(1, 'Enter a name').max(120),
  role: z.enum(ROLES),
  dealerId: idSchema.nullable().optional(),
  regionIds: z.array(idSchema).max(20).optional(),
}).superRefine((v, ctx) => {
  if (dealerUser(v.role) && !v.dealerId) ctx.addIssue({ code: 'custom', path: ['dealerId'], message: 'A dealer user needs a dealer' });
  if (!dealerUser(v.role) && v.dealerId) ctx.addIssue({ code: 'custom', path: ['dealerId'], message: 'Only dealer users belong to a dealer' });
});
export type UserCreateBody = z.infer<typeof userCreateBody>;

export const userUpdateBody = z.strictObject({
  name: z.string().trim().min(1, 'Enter a name').max(120).optional(),
  role: z.enum(ROLES).optional(),
  status: z.enum(USER_STATUSES).optional(),
  regionIds: z.array(idSchema).max(20).optional(),
}).refine((v) => Object.keys(v).length > 0, { message: 'Name at least one field to change' });
export type UserUpdateBody = z.infer<typeof userUpdateBody>;
