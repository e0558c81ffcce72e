import { eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { scopeOf } from '../../core/access/roles.ts';
import { userRegions } from '../../core/db/schema.ts';
import { readSessionCookie } from '../auth/cookies.ts';
import { loadSession } from '../auth/sessions.ts';
import type { AppEnv } from '../types.ts';

// Resolves the cookie to a user and the slice of the network that user sees. Whether the
// route needs a user at all is decided by its access rule, not here.
export const session = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  c.set('user', null);
  c.set('sessionId', null);
  c.set('scope', null);
  const token = readSessionCookie(c);
  if (token && token.length <= 200) {
    const found = await loadSession(c.get('db'), token);
    if (found) {
      const { user } = found;
      const kind = scopeOf(user.role);
      const regionIds = kind === 'regions'
        ? (await c.get('db').select({ id: userRegions.regionId }).from(userRegions).where(eq(userRegions.userId, user.id))).map((r) => r.id)
        : [];
      c.set('user', user);
      c.set('sessionId', found.sessionId);
      c.set('scope', { kind, userId: user.id, regionIds, dealerId: user.dealerId });
    }
  }
  await next();
};
