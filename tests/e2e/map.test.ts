// Maps load Leaflet only when shown, draw the network clustered, and take tiles from the
// configured tile URL (here the fake tile server).
import type { Browser, Request } from 'playwright-core';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { newPhone, signIn } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

async function tileRequests(): Promise<number> {
  return (await (await fetch(inject('tileCountUrl'))).json()).count;
}

it('HQ map clusters the network on tiles from configuration; the table screen never loads Leaflet', async () => {
  const context = await browser.newContext({ baseURL: inject('baseUrl'), viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const scripts: string[] = [];
  page.on('request', (r: Request) => { if (r.resourceType() === 'script') scripts.push(r.url()); });
  await signIn(page, 'hq@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/hq'));
  await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe('Dealers');
  const leafletLoaded = () => page.evaluate(() => !!document.querySelector('.leaflet-container'));
  expect(await leafletLoaded()).toBe(false);
  const beforeMap = scripts.length;

  const tilesBefore = await tileRequests();
  await page.goto('/hq/map');
  await expect.poll(() => page.locator('.marker-cluster').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  expect(scripts.length).toBeGreaterThan(beforeMap);
  await expect.poll(tileRequests, { timeout: 10_000 }).toBeGreaterThan(tilesBefore);
  await context.close();
});

it('a rep sees the assigned dealers on a map at phone width', async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await signIn(page, 'rep@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/field'));
  await page.getByRole('button', { name: /map/i }).first().click();
  await expect.poll(() => page.locator('.leaflet-container').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  await expect.poll(() => page.locator('.marker-cluster, .leaflet-interactive').count(), { timeout: 20_000 }).toBeGreaterThan(0);
  await context.close();
});
