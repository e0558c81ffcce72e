// What every response carries, and the brand's installable app.
import { env } from 'cloudflare:test';
import { beforeAll, expect, it } from 'vitest';
import { call, seedDemo, signIn } from './fixtures.ts';

beforeAll(async () => { await seedDemo(); });

function expectSecurityHeaders(res: Response) {
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain('https://tile.openstreetmap.org');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

it('puts security headers on API answers, errors, assets and the app shell', async () => {
  const hq = await signIn('hq@demo.test');
  for (const res of [await hq('/api/me'), await call()('/api/me'), await call()('/api/nope'), await call()('/hq/dealers/x'), await call()('/manifest.webmanifest')]) {
    expectSecurityHeaders(res);
  }
});

it('builds the manifest and icons from the brand settings, so a rebrand needs no rebuild', async () => {
  const m = await (await call()('/manifest.webmanifest')).json<{ name: string; short_name: string; theme_color: string; display: string; icons: Array<{ src: string; purpose: string }> }>();
  expect(m).toMatchObject({ name: 'Northwind Paints', short_name: 'Northwind', theme_color: '#0f5f8c', display: 'standalone' });
  expect(m.icons.map((i) => i.purpose)).toEqual(['any', 'maskable']);
  await env.DB.prepare("update organisations set name = 'Acme Tools', short_name = 'Acme', primary_color = '#aa3300'").run();
  const m2 = await (await call()('/manifest.webmanifest')).json<{ name: string; theme_color: string }>();
  expect(m2).toMatchObject({ name: 'Acme Tools', theme_color: '#aa3300' });
  const icon = await call()('/icons/maskable.svg');
  expect(icon.headers.get('content-type')).toBe('image/svg+xml');
  const svg = await icon.text();
  expect(svg).toContain('#aa3300');
  expect(svg).toContain('>A<');
});

it('document sockets need a session before any upgrade', async () => {
  const res = await call()('/sync/order/order.dlr_00012.abcdefgh1234', { headers: { upgrade: 'websocket' } });
  expect(res.status).toBe(401);
});
