// Two people edit one order in real Chromium, one of them offline; after it reconnects both
// see the merged order, and nothing typed offline is lost, even across closing the tab.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { newPhone, signIn } from './support/session.ts';

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
  await expect.poll(() => pb.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15_000 }).toBe(true);

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
