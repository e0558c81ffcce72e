import { z } from 'zod';

export const signInBody = z.strictObject({
  email: z.string().trim().toLowerCase().email('Enter a valid email address').max(254),
  password: z.string().min(1, 'Enter your password').max(200),
});
export type SignInBody = z.infer<typeof signInBody>;

export const acceptInvitationBody = z.strictObject({
  token: z.string().min(20, 'This invitation link is incomplete').max(200),
  password: z.string().min(10, 'Use at least 10 characters').max(200),
});
export type AcceptInvitationBody = z.infer<typeof acceptInvitationBody>;
