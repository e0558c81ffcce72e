import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { sha256Hex, verifyPassword, hashPassword } from '../../core/auth/password.ts';
import { invitations, users } from '../../core/db/schema.ts';
import { acceptInvitationBody, signInBody } from '../../core/validators/session.ts';
import { audit, clientIp } from '../audit.ts';
import { clearSessionCookie } from '../auth/cookies.ts';
import { endSession, startSession } from '../auth/sessions.ts';
import { lockedFor, settleSuccess, takeAttempt, throttleKeys } from '../auth/throttle.ts';
import { ApiError } from '../http/errors.ts';
import { readJson } from '../http/input.ts';
import { publicRoute, requires } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';
import { mePayload } from './me.ts';

export const sessionRoutes = new Hono<AppEnv>()
  .post('/session', publicRoute({ summary: 'Sign in with email and password', body: signInBody }), async (c) => {
    const { email, password } = await readJson(c, signInBody);
    const db = c.get('db');
    const keys = throttleKeys(email, clientIp(c));
    const wait = (await lockedFor(db, keys)) || (await takeAttempt(db, keys));
    if (wait > 0) {
      await audit(c, { action: 'session.sign_in', outcome: 'denied', detail: { email, reason: 'rate_limited' } });
      throw new ApiError(429, 'rate_limited', `Too many failed sign-ins. Try again in ${wait} seconds.`, undefined, { 'Retry-After': String(wait) });
    }
    const user = (await db.select().from(users).where(eq(users.email, email)).limit(1))[0];
    const ok = await verifyPassword(password, user?.passwordHash);
    if (!user || !ok || user.status !== 'active') {
      // Already counted by takeAttempt.
      await audit(c, { action: 'session.sign_in', outcome: 'failed', actorId: user?.id ?? null, actorRole: user?.role ?? null, detail: { email } });
      throw new ApiError(401, 'invalid_credentials', 'That email or password is not right.');
    }
    await settleSuccess(db, keys);
    await startSession(c, user.id, c.get('sessionId'));
    await audit(c, { action: 'session.sign_in', actorId: user.id, actorRole: user.role, entityType: 'user', entityId: user.id });
    c.set('user', { id: user.id, email: user.email, name: user.name, role: user.role, dealerId: user.dealerId, orgId: user.orgId });
    return c.json(await mePayload(c));
  })
  .delete('/session', requires('session', { summary: 'Sign out' }), async (c) => {
    const sessionId = c.get('sessionId');
    if (sessionId) await endSession(c.get('db'), sessionId);
    clearSessionCookie(c);
    await audit(c, { action: 'session.sign_out' });
    return c.body(null, 204);
  })
  .post('/invitations/accept', publicRoute({ summary: 'Accept an invitation: set a password and sign in', body: acceptInvitationBody }), async (c) => {
    const { token, password } = await readJson(c, acceptInvitationBody);
    const db = c.get('db');
    const now = new Date().toISOString();
    const invite = (await db.select().from(invitations).where(eq(invitations.tokenHash, await sha256Hex(token))).limit(1))[0];
    const invitee = invite && (await db.select({ status: users.status }).from(users).where(eq(users.id, invite.userId)).limit(1))[0];
    if (invitee?.status === 'disabled') throw await disabledAccount(c, invite.userId);
    if (!invite || invite.usedAt || invite.revokedAt || invite.expiresAt <= now) throw await invalidInvitation(c);
    const hash = await hashPassword(password);
    // Single use is decided by this update alone: of parallel accepts of one link exactly one
    // changes the row, and only that one goes on to set its password.
    const claimed = await db.update(invitations).set({ usedAt: now })
      .where(and(eq(invitations.id, invite.id), isNull(invitations.usedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now)))
      .returning({ id: invitations.id });
    if (!claimed.length) throw await invalidInvitation(c);
    // A user disabled meanwhile stays disabled: an invitation never turns an account back on.
    const activated = await db.update(users).set({ passwordHash: hash, status: 'active' })
      .where(and(eq(users.id, invite.userId), ne(users.status, 'disabled'))).returning();
    if (!activated.length) throw await disabledAccount(c, invite.userId);
    const user = activated[0];
    await startSession(c, user.id, c.get('sessionId'));
    c.set('user', { id: user.id, email: user.email, name: user.name, role: user.role, dealerId: user.dealerId, orgId: user.orgId });
    await audit(c, { action: 'invitation.accept', entityType: 'user', entityId: user.id });
    return c.json(await mePayload(c));
  });

async function invalidInvitation(c: Context<AppEnv>): Promise<ApiError> {
  await audit(c, { action: 'invitation.accept', outcome: 'denied' });
  return new ApiError(400, 'invalid_invitation', 'This invitation link has expired or was already used. Ask your administrator for a new one.');
}

async function disabledAccount(c: Context<AppEnv>, userId: string): Promise<ApiError> {
  await audit(c, { action: 'invitation.accept', entityType: 'user', entityId: userId, outcome: 'denied', detail: { reason: 'disabled' } });
  return new ApiError(409, 'account_disabled', 'This account has been disabled, so its invitation no longer works. Ask your administrator.');
}
