// Two people edit one order in real Chromium, one of them offline; after it reconnects both
// see the merged order, and nothing typed offline is lost, even across closing the tab.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { baseUrl, newPhone, signIn, untilInstalled } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

const lineNames = (page: Page) => page.locator('tbody tr[data-line] th').allTextContents();

async function addLine(page: Page, productIndex: number, qty: string) {
  const select = page.getByLabel('Product');
  const value = await select.locator('option').nth(productIndex).getAttribute('value');
  await select.selectOption(value!);
  await page.getByLabel('Quantity', { exact: true }).fill(qty);
  await page.getByRole('button', { name: 'Add line' }).click();
  return (await select.locator('option').nth(productIndex).textContent())!;
}

it('merges an order edited online and offline, keeping offline work across a closed tab', async () => {
  const a = await newPhone(browser);
  const pa = await a.newPage();
  await signIn(pa, 'dealer@demo.test');
  await pa.waitForURL((u) => u.pathname.startsWith('/portal'));
  await pa.getByRole('button', { name: 'New order' }).click();
  await pa.waitForURL((u) => u.pathname.startsWith('/portal/orders/'));
  const orderPath = new URL(pa.url()).pathname;
  await expect.poll(() => pa.getByTestId('order-status').textContent(), { timeout: 15_000 }).toBe('Draft');
  const first = await addLine(pa, 0, '2');
  await expect.poll(() => pa.getByRole('status').filter({ hasText: /^Synced/ }).count(), { timeout: 15_000 }).toBeGreaterThan(0);

  // A colleague opens the same order on another phone, then loses the network.
  const b = await newPhone(browser);
  const pb = await b.newPage();
  await signIn(pb, 'staff@demo.test');
  await pb.waitForURL((u) => u.pathname.startsWith('/portal'));
  await pb.evaluate(async () => { await navigator.serviceWorker.ready; });
  await pb.goto(orderPath);
  await expect.poll(() => lineNames(pb), { timeout: 15_000 }).toEqual([first]);
  await untilInstalled(pb);

  await b.setOffline(true);
  const offlineLine = await addLine(pb, 3, '5');
  await pb.getByLabel('Notes').fill('Leave at the back door');
  await pb.getByLabel('Notes').blur();
  await expect.poll(() => pb.getByRole('status').filter({ hasText: /Offline/ }).count()).toBeGreaterThan(0);

  // Meanwhile the first phone keeps working online.
  const onlineLine = await addLine(pa, 5, '1');

  // The offline tab is closed and opened again, still offline: the work is on the device.
  await pb.close();
  const pb2 = await b.newPage();
  await pb2.goto(orderPath);
  await expect.poll(() => lineNames(pb2), { timeout: 15_000 }).toEqual(expect.arrayContaining([first, offlineLine]));
  expect(await pb2.getByLabel('Notes').inputValue()).toBe('Leave at the back door');

  await b.setOffline(false);
  await pb2.evaluate(() => window.dispatchEvent(new Event('online')));
  const all = [first, offlineLine, onlineLine].sort();
  await expect.poll(async () => (await lineNames(pb2)).sort(), { timeout: 20_000 }).toEqual(all);
  await expect.poll(async () => (await lineNames(pa)).sort(), { timeout: 20_000 }).toEqual(all);
  await expect.poll(() => pa.getByLabel('Notes').inputValue(), { timeout: 20_000 }).toBe('Leave at the back door');
  await a.close();
  await b.close();
});

it('catches up a closed document in the background when the network returns, and warns before sign-out throws work away', async () => {
  const ctx = await newPhone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'dealer@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/portal'));
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await page.getByRole('button', { name: 'New order' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/portal/orders/'));
  const docId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  await expect.poll(() => page.getByRole('status').filter({ hasText: /^Synced/ }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await untilInstalled(page);

  await ctx.setOffline(true);
  const offlineLine = await addLine(page, 2, '4');
  // Leave the order while still offline: its socket is gone, the edit is only on the device.
  await page.goto('/portal');
  await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).not.toBe('Order');

  // Signing out now would lose the edit: the app asks first (dismissed here).
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect.poll(() => asked).toMatch(/1 document has changes not yet sent/);
  expect(new URL(page.url()).pathname).toBe('/portal');

  await ctx.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  // The server has the line without the order ever being opened again.
  const check = await newPhone(browser);
  const other = await check.newPage();
  await signIn(other, 'staff@demo.test');
  await other.waitForURL((u) => u.pathname.startsWith('/portal'));
  await other.goto(`/portal/orders/${docId}`);
  await expect.poll(() => lineNames(other), { timeout: 20_000 }).toContain(offlineLine);
  await check.close();
  await ctx.close();
});

it('the service worker catches up changed documents through Background Sync with no tab of the app open', async () => {
  const ctx = await newPhone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'dealer@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/portal'));
  await page.getByRole('button', { name: 'New order' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/portal/orders/'));
  const docId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
  await expect.poll(() => page.getByRole('status').filter({ hasText: /^Synced/ }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await untilInstalled(page);

  await ctx.setOffline(true);
  const offlineLine = await addLine(page, 4, '3');
  await expect.poll(() => page.getByRole('status').filter({ hasText: /waiting/ }).count(), { timeout: 10_000 }).toBeGreaterThan(0);
  // Every tab of the app is closed, then the network comes back.
  await page.close();
  const blank = await ctx.newPage();
  await ctx.setOffline(false);

  // The browser's own Background Sync event, dispatched to the registered worker (what
  // Chromium does by itself when the network returns; here it is triggered deterministically).
  const cdp = await ctx.newCDPSession(blank);
  const registrations: Array<{ registrationId: string; scopeURL: string }> = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => { registrations.push(...e.registrations); });
  await cdp.send('ServiceWorker.enable');
  await expect.poll(() => registrations.length, { timeout: 10_000 }).toBeGreaterThan(0);
  const reg = registrations.find((r) => r.scopeURL.startsWith(new URL(baseUrl()).origin))!;
  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: new URL(baseUrl()).origin, registrationId: reg.registrationId, tag: 'fieldnet-catch-up', lastChance: false });

  const check = await newPhone(browser);
  const other = await check.newPage();
  await signIn(other, 'staff@demo.test');
  await other.waitForURL((u) => u.pathname.startsWith('/portal'));
  await other.goto(`/portal/orders/${docId}`);
  await expect.poll(() => lineNames(other), { timeout: 20_000 }).toContain(offlineLine);
  await check.close();
  await ctx.close();
});
