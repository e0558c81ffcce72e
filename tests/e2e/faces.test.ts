// Each demo role signs in through the real UI and lands on its own face.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, baseUrl, newPhone, signIn } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

async function ownDealerName(email: string): Promise<string> {
  const api = await apiSession(email);
  const me = await (await api('/api/me')).json();
  const detail = await (await api(`/api/dealers/${me.user.dealerId}`)).json();
  return detail.dealer.name;
}

describe('sign-in lands each role on its home', () => {
  const cases: Array<[string, string, () => Promise<string> | string]> = [
    ['hq@demo.test', '/hq', () => 'Dealers'],
    ['manager@demo.test', '/hq', () => 'Dealers'],
    ['analyst@demo.test', '/hq', () => 'Dealers'],
    ['rep@demo.test', '/field', () => 'My dealers'],
    ['dealer@demo.test', '/portal', () => ownDealerName('dealer@demo.test')],
    ['staff@demo.test', '/portal', () => ownDealerName('staff@demo.test')],
  ];
  for (const [email, path, heading] of cases) {
    it(`${email} sees ${path}`, async () => {
      const context = await newPhone(browser);
      const page = await context.newPage();
      await signIn(page, email);
      await page.waitForURL((u) => u.pathname.startsWith(path));
      await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe(await heading());
      // Mobile-first: nothing scrolls sideways at 360 px.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      await context.close();
    });
  }

  it('the supplier signs in to its own (empty for now) home', async () => {
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signIn(page, 'supplier@demo.test');
    await page.waitForURL((u) => u.pathname.startsWith('/supplier'));
    await context.close();
  });

  it('a wrong password shows the server message and stays on sign-in', async () => {
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signIn(page, 'hq@demo.test', 'not-the-password');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/email or password/i);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('signing out returns to sign-in and the API refuses the old session', async () => {
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signIn(page, 'hq@demo.test');
    await page.waitForURL((u) => u.pathname.startsWith('/hq'));
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((u) => u.pathname === '/login');
    const status = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(status).toBe(401);
    await context.close();
  });
});

describe('/api/me says what the UI may offer', () => {
  // Per resource, the letters the role holds (R read, C create, W write, D decide); absent: none.
  const cases: Array<[string, Record<string, string | undefined>]> = [
    ['hq@demo.test', { order: 'RD', ticket: 'RWD', integrations: 'RCW', visit: 'R' }],
    ['analyst@demo.test', { order: 'R', ticket: 'R', integrations: undefined, approval_rules: undefined }],
    ['rep@demo.test', { order: 'RCW', ticket: 'RW', visit: 'RCW', field_day: 'RW', users: undefined }],
    ['dealer@demo.test', { order: 'RCWD', ticket: 'RCW', users: 'RCW', visit: undefined }],
    ['staff@demo.test', { order: 'RCW', ticket: 'RCW', users: undefined }],
    ['supplier@demo.test', { purchase_order: 'RW', order: undefined, ticket: undefined }],
  ];
  for (const [email, want] of cases) {
    it(`${email}`, async () => {
      const me = await (await (await apiSession(email))('/api/me')).json() as { permissions: string[]; allowedActions: Record<string, string> };
      expect(me.permissions).toContain('session');
      for (const [resource, letters] of Object.entries(want)) expect(me.allowedActions[resource], resource).toBe(letters);
    });
  }
});

describe('the document and the manifest', () => {
  it('serves the shell with security headers', async () => {
    const res = await fetch(`${baseUrl()}/hq`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBeTruthy();
  });

  it('builds the web app manifest from the brand settings', async () => {
    const api = await apiSession('hq@demo.test');
    const me = await (await api('/api/me')).json();
    const manifest = await (await fetch(`${baseUrl()}/manifest.webmanifest`)).json();
    expect(manifest.name).toBe(me.brand.name);
    expect(manifest.theme_color).toBe(me.brand.primaryColor);
    expect(manifest.display).toBe('standalone');
    expect(manifest.icons.some((i: { purpose?: string }) => i.purpose?.includes('maskable'))).toBe(true);
  });
});
