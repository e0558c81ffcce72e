// The dealer's catalog on a phone: search, a promoted price with the list price struck through,
// and a cart filled with the network off that becomes a draft order document.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, newPhone, signIn, untilInstalled } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

interface Product { id: string; name: string; category: string; price: { unitPrice: number; listPrice: number } | null; promotion: { percentOff: number } | null }

it('searches, sees a promotion, and adds to the cart offline', async () => {
  const api = await apiSession('dealer@demo.test');
  const { items } = await (await api('/api/products?pageSize=200')).json() as { items: Product[] };
  const promo = items.find((p) => p.promotion && p.price && p.price.unitPrice < p.price.listPrice && p.category === 'Brushes & rollers')!;
  expect(promo).toBeTruthy();

  const ctx = await newPhone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'dealer@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/portal'));
  await untilInstalled(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalog', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/portal/catalog');
  await expect.poll(() => page.locator('[data-product]').count(), { timeout: 15_000 }).toBeGreaterThan(100);

  await page.getByLabel('Search products').fill(promo.name);
  const card = page.locator(`[data-product="${promo.id}"]`);
  await expect.poll(() => card.count()).toBe(1);
  await expect.poll(() => card.getByTestId('list-price').count()).toBe(1);
  await expect.poll(() => card.getByText(`−${promo.promotion!.percentOff}%`).count()).toBe(1);

  // With the network off, the catalog still opens and filters from the last sync.
  await ctx.setOffline(true);
  await page.reload();
  await expect.poll(() => page.locator('[data-product]').count(), { timeout: 15_000 }).toBeGreaterThan(100);
  await page.getByLabel('Category').selectOption('Brushes & rollers');
  await page.getByLabel('Search products').fill(promo.name);
  await expect.poll(() => card.count()).toBe(1);
  await card.getByLabel(/Quantity/).fill('3');
  await card.getByRole('button', { name: 'Add to cart' }).click();
  await expect.poll(() => page.getByTestId('cart-count').textContent()).toBe('1');
  // The cart is on the device: it survives a reload.
  await page.reload();
  await expect.poll(() => page.getByTestId('cart-count').textContent(), { timeout: 15_000 }).toBe('1');
  await page.getByRole('button', { name: 'Review order' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/portal/orders/'), { timeout: 15_000 });
  await expect.poll(() => page.locator('tbody tr[data-line]').count(), { timeout: 15_000 }).toBe(1);
  await ctx.close();
});

it('the dealer reports its stock and sees its low-stock alert', async () => {
  const api = await apiSession('dealer@demo.test');
  const { items } = await (await api('/api/products?pageSize=200')).json() as { items: Product[] };
  const product = items[items.length - 1];
  const ctx = await newPhone(browser);
  const page = await ctx.newPage();
  await signIn(page, 'dealer@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/portal'));
  await page.goto('/portal/stock');
  await page.getByLabel('Find a product').fill(product.name);
  const row = page.locator(`tr[data-product="${product.id}"]`);
  await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
  await row.getByLabel(/^In stock/).fill('-2');
  await page.getByRole('button', { name: /Save stock/ }).click();
  await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/Nothing was saved/);
  await row.getByLabel(/^In stock/).fill('1');
  await row.getByLabel(/^Reorder point/).fill('4');
  await page.getByRole('button', { name: /Save stock/ }).click();
  await expect.poll(() => page.getByText(/Saved 1 product/).count(), { timeout: 10_000 }).toBe(1);
  await expect.poll(() => page.getByTestId('low-stock').getByText(product.name).count(), { timeout: 10_000 }).toBe(1);
  await ctx.close();
});
