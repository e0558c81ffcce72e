import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';

// `__Host-` needs Secure, which browsers accept over https and on localhost; a plain-http
// host elsewhere (a LAN test box) falls back to an unprefixed name.
function secureContext(c: Context): boolean {
  const url = new URL(c.req.url);
  return url.protocol === 'https:' || url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]';
}

const SECURE_NAME = '__Host-sid';
const PLAIN_NAME = 'sid';

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SECURE_NAME) ?? getCookie(c, PLAIN_NAME) ?? getCookie(c, SECURE_NAME, 'host');
}

export function writeSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  if (secureContext(c)) {
    setCookie(c, SECURE_NAME, token, { path: '/', httpOnly: true, secure: true, sameSite: 'Lax', maxAge: maxAgeSeconds });
  } else {
    setCookie(c, PLAIN_NAME, token, { path: '/', httpOnly: true, sameSite: 'Lax', maxAge: maxAgeSeconds });
  }
}

export function clearSessionCookie(c: Context): void {
  if (secureContext(c)) deleteCookie(c, SECURE_NAME, { path: '/', secure: true, httpOnly: true, sameSite: 'Lax' });
  else deleteCookie(c, PLAIN_NAME, { path: '/', httpOnly: true, sameSite: 'Lax' });
}
