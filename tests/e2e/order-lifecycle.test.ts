// The order lifecycle in real Chromium: a dealer reorders a past order offline and adds a line,
// submits it while still offline ("waiting to send"), comes online; the server prices it and,
// being over the automatic approval amount, it waits for the regional manager, who approves it
// in the HQ app; an ERP posts a partial shipment with an API key; the dealer sees approved and
// shipped.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, baseUrl, newPhone, signIn, untilInstalled } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

interface Product { id: string; name: string; wholeUnits: boolean; price: { unitPrice: number } | null }

async function addLine(page: Page, productId: string, qty: number) {
  await page.getByLabel('Product').selectOption(productId);
  await page.getByLabel('Quantity', { exact: true }).fill(String(qty));
  await page.getByRole('button', { name: 'Add line' }).click();
}
const status = (page: Page) => page.getByTestId('order-status').textContent();

it('reorder offline, approval by the regional manager, a partial shipment from the ERP', async () => {
  const dealerApi = await apiSession('dealer@demo.test');
  const { items } = await (await dealerApi('/api/products?pageSize=200')).json() as { items: Product[] };
  const priced = items.filter((p) => p.price && p.wholeUnits);
  const small = priced[0];
  const big = priced[1];

  const ctx = await newPhone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'dealer@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/portal'));
  await untilInstalled(page);

  // A past order: one small line, approved at once.
  await page.getByRole('button', { name: 'New order' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/portal/orders/'));
  await expect.poll(() => status(page), { timeout: 15_000 }).toBe('Draft');
  await addLine(page, small.id, 1);
  await page.getByRole('button', { name: 'Submit order' }).click();
  await expect.poll(() => status(page), { timeout: 20_000 }).toBe('Approved');
  const pastUrl = page.url();

  // Offline: order it again, add a line that takes it over the automatic approval amount.
  await ctx.setOffline(true);
  await page.goto(pastUrl);
  await page.getByRole('button', { name: 'Order again' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/portal/orders/') && u.href !== pastUrl);
  await expect.poll(() => page.locator('tbody tr[data-line]').count(), { timeout: 15_000 }).toBe(1);
  const qty = Math.ceil(150_000 / big.price!.unitPrice);
  await addLine(page, big.id, qty);
  await expect.poll(() => page.locator('tbody tr[data-line]').count()).toBe(2);
  await page.getByRole('button', { name: 'Submit order' }).click();
  await expect.poll(() => page.getByTestId('waiting-to-send').count(), { timeout: 10_000 }).toBe(1);
  const orderId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);

  // Back online: the server prices it and sends it to the regional manager.
  await ctx.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect.poll(() => page.getByTestId('approval-waiting').textContent(), { timeout: 30_000 }).toMatch(/regional manager/);
  const expected = small.price!.unitPrice + qty * big.price!.unitPrice;
  await expect.poll(() => page.getByTestId('order-total').textContent()).toBeTruthy();

  // The regional manager approves it in the HQ app.
  const desk = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1280, height: 900 } });
  const mgr = await desk.newPage();
  await signIn(mgr, 'manager@demo.test');
  await mgr.waitForURL((u) => u.pathname.startsWith('/hq'));
  await mgr.goto('/hq/approvals');
  const card = mgr.locator(`li[data-order="${orderId}"]`);
  await expect.poll(() => card.count(), { timeout: 20_000 }).toBe(1);
  await card.getByLabel('Comment').fill('Approved for the spring campaign');
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect.poll(() => mgr.getByRole('status').filter({ hasText: 'Approved' }).count()).toBeGreaterThan(0);
  await expect.poll(() => status(page), { timeout: 20_000 }).toBe('Approved');

  // The ERP ships part of it, authenticated with a key HQ created for shipments.
  const hq = await apiSession('hq@demo.test');
  const key = await (await hq('/api/integrations/keys', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ERP', scopes: ['shipments:write'] }) })).json() as { secret: string };
  const shipment = await fetch(`${baseUrl()}/api/integrations/shipments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key.secret}` },
    body: JSON.stringify({ orderId, eventId: 'erp-1', carrier: 'DHL', trackingNumber: 'JD0001', status: 'in_transit', eta: new Date(Date.now() + 2 * 86_400_000).toISOString(), items: [{ productId: big.id, quantity: Math.floor(qty / 2) || 1 }], at: new Date().toISOString() }),
  });
  expect(shipment.status).toBeLessThan(300);
  await expect.poll(() => status(page), { timeout: 20_000 }).toBe('Shipped');
  await expect.poll(() => page.getByText('JD0001').count(), { timeout: 10_000 }).toBeGreaterThan(0);
  // The total is the server's: the dealer's prices, never what the device had.
  expect((await page.getByTestId('order-total').textContent())!.replace(/\D/g, '')).toBe(String(expected));
  await desk.close();
  await ctx.close();
}, 180_000);
