// After one online visit, the installed app opens with the network off: the service worker
// serves the shell, the read cache the signed-in user and their dealers.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, newPhone, signIn, untilInstalled } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

it('reloads offline and still shows the signed-in home and cached dealers', async () => {
  const rep = await apiSession('rep@demo.test');
  const mine = await (await rep('/api/dealers?pageSize=5')).json();
  const firstName: string = mine.items[0].name;

  const context = await newPhone(browser);
  const page = await context.newPage();
  await signIn(page, 'rep@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/field'));
  await expect.poll(() => page.getByText(firstName).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  // Wait until the service worker controls the page, so the reload can be answered offline.
  await untilInstalled(page);

  await context.setOffline(true);
  await page.reload();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent(), { timeout: 15_000 }).toBe('My dealers');
  await expect.poll(() => page.getByText(firstName).count()).toBeGreaterThan(0);
  await expect.poll(() => page.getByText(/offline/i).count()).toBeGreaterThan(0);

  // A fresh tab of the same installed app, still offline.
  const again = await context.newPage();
  await again.goto('/field');
  await expect.poll(() => again.getByText(firstName).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  await context.close();
});
