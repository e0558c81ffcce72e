import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../types.ts';

function tileOrigin(tileUrl: string | undefined): string {
  try {
    // The template's braces are not valid in a hostname of URL(), so take the origin by hand.
    const m = /^(https?:\/\/[^/]+)/.exec(tileUrl ?? '');
    return m ? m[1].replace(/\{s\}\./, '*.') : '';
  } catch {
    return '';
  }
}

// On every response, assets included (run_worker_first sends them through here).
export const securityHeaders = (): MiddlewareHandler<AppEnv> => async (c, next) => {
  await next();
  const tiles = tileOrigin(c.env.TILE_URL);
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob:${tiles ? ` ${tiles}` : ''}`,
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  // Asset responses carry immutable headers: copy them before adding ours.
  c.res = new Response(c.res.body, c.res);
  // A route's own policy (a published file's sandbox) is kept as a second header: browsers
  // enforce both, so it can only narrow the app's.
  const own = c.res.headers.get('Content-Security-Policy');
  c.res.headers.set('Content-Security-Policy', csp);
  if (own) c.res.headers.append('Content-Security-Policy', own);
  c.res.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  c.res.headers.set('X-Content-Type-Options', 'nosniff');
  c.res.headers.set('X-Frame-Options', 'DENY');
  c.res.headers.set('Permissions-Policy', 'geolocation=(self), camera=(self), microphone=()');
  c.res.headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  if (new URL(c.req.url).protocol === 'https:') c.res.headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
};
