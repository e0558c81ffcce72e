import type { MiddlewareHandler } from 'hono';
import { audit } from '../audit.ts';
import { ApiError } from '../http/errors.ts';
import type { AppEnv } from '../types.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

// State-changing requests must come from our own origin (or a configured one): a cookie
// alone proves nothing, since a browser sends it along with cross-site form posts.
export const csrf = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  if (SAFE.has(c.req.method)) return next();
  // Integration endpoints called server to server: they ignore the cookie and authenticate an
  // API key sent as `Authorization: Bearer`, which a browser never attaches cross-site.
  if (c.req.path === '/api/integrations/shipments') return next();
  const origin = c.req.header('origin');
  const own = new URL(c.req.url).origin;
  const extra = (c.env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (!origin || (origin !== own && !extra.includes(origin))) {
    await audit(c, { action: 'request.bad_origin', outcome: 'denied', detail: { origin: origin ?? null, path: new URL(c.req.url).pathname } });
    throw new ApiError(403, 'bad_origin', 'This request did not come from the app. Reload the page and try again.');
  }
  return next();
};
