// A dealer user cannot reach another dealer: 404 from the API, nothing shown in the UI.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, newPhone, signIn } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

async function someOtherDealer(ownId: string): Promise<{ id: string; name: string }> {
  const hq = await apiSession('hq@demo.test');
  const list = await (await hq(`/api/dealers?type=dealer&pageSize=50`)).json();
  const other = list.items.find((d: { id: string; parentId: string | null }) => d.id !== ownId && d.parentId !== ownId);
  return other;
}

it('another dealer id answers 404 through the API and shows nothing in the UI', async () => {
  const dealer = await apiSession('dealer@demo.test');
  const me = await (await dealer('/api/me')).json();
  const other = await someOtherDealer(me.user.dealerId);

  const res = await dealer(`/api/dealers/${other.id}`);
  expect(res.status).toBe(404);
  const body = await res.json();
  expect(body.error.code).toBe('not_found');
  expect(JSON.stringify(body)).not.toContain(other.name);

  const context = await newPhone(browser);
  const page = await context.newPage();
  await signIn(page, 'dealer@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/portal'));
  await page.goto(`/portal/dealers/${other.id}`);
  await expect.poll(() => page.getByText('Dealer not found').count()).toBeGreaterThan(0);
  expect(await page.content()).not.toContain(other.name);
  await context.close();
});

it('a dealer sees its own sub-dealers but a staff member sees only its own dealer', async () => {
  const admin = await apiSession('dealer@demo.test');
  const me = await (await admin('/api/me')).json();
  const tree = await (await admin('/api/dealers?pageSize=200')).json();
  expect(tree.items.some((d: { id: string }) => d.id === me.user.dealerId)).toBe(true);
  expect(tree.items.some((d: { parentId: string | null }) => d.parentId === me.user.dealerId)).toBe(true);

  const staff = await apiSession('staff@demo.test');
  const own = await (await staff('/api/dealers?pageSize=200')).json();
  expect(own.items.map((d: { id: string }) => d.id)).toEqual([me.user.dealerId]);
});
