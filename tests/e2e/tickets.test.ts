// A dealer opens a support ticket with a photo on a phone in real Chromium; HQ finds it in the
// queue, answers it, and the dealer sees the answer arrive in the open thread.
import { crc32, deflateSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, baseUrl, newPhone, signIn, untilInstalled } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

// A small solid-colour PNG, made here so the test needs no fixture file.
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x40)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

it('a dealer opens a ticket, HQ answers it from the queue, and the dealer sees the answer', async () => {
  const subject = `Crushed buckets ${Date.now().toString(36)}`;
  const phone = await newPhone(browser);
  const dp = await phone.newPage();
  await signIn(dp, 'dealer@demo.test');
  await dp.waitForURL((u) => u.pathname.startsWith('/portal'));
  await dp.getByRole('link', { name: 'Support' }).click();
  await dp.waitForURL((u) => u.pathname === '/portal/tickets');
  await dp.getByRole('button', { name: 'New ticket' }).click();
  await dp.getByLabel('Category').selectOption('delivery');
  await expect.poll(() => dp.getByText(/We answer Delivery tickets within 8 hours/).count(), { timeout: 10_000 }).toBe(1);
  await dp.getByLabel('Subject').fill(subject);
  await dp.getByLabel('Message').fill('Two buckets of primer arrived crushed.');
  await dp.getByLabel('Photos (optional)').setInputFiles({ name: 'damage.png', mimeType: 'image/png', buffer: png(40, 30) });
  await dp.getByRole('button', { name: 'Send ticket' }).click();
  await dp.waitForURL((u) => u.pathname.startsWith('/portal/tickets/ticket.'));
  const ticketId = decodeURIComponent(new URL(dp.url()).pathname.split('/').pop()!);
  await expect.poll(() => dp.getByTestId('ticket-status').textContent(), { timeout: 15_000 }).toBe('Open');
  await expect.poll(() => dp.getByRole('status').filter({ hasText: /^Synced/ }).count(), { timeout: 15_000 }).toBeGreaterThan(0);
  expect(await dp.getByRole('heading', { name: subject }).count()).toBe(1);
  await expect.poll(() => dp.locator('.ticket-photo img').count(), { timeout: 10_000 }).toBe(1);

  // HQ, on a desktop, finds it in the queue once the room has projected it.
  const desk = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1280, height: 900 } });
  const hp = await desk.newPage();
  await signIn(hp, 'hq@demo.test');
  await hp.waitForURL((u) => u.pathname.startsWith('/hq'));
  await hp.goto('/hq/tickets');
  const row = hp.locator(`li[data-ticket="${ticketId}"]`);
  await expect.poll(async () => { if (!(await row.count())) await hp.reload(); return row.count(); }, { timeout: 20_000, interval: 1000 }).toBe(1);
  expect(await row.textContent()).toMatch(/Delivery/);
  expect(await row.textContent()).toMatch(/Answer by/);
  await row.getByRole('button', { name: subject }).click();
  await expect.poll(() => hp.getByText('Two buckets of primer arrived crushed.').count(), { timeout: 15_000 }).toBe(1);
  // The dealer's photo is uploaded and shown to HQ from the server.
  await expect.poll(() => hp.locator('.ticket-photo img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0).catch(() => false), { timeout: 15_000 }).toBe(true);
  await hp.getByLabel('Reply').fill('A replacement ships today.');
  await hp.getByRole('button', { name: 'Send reply' }).click();
  await expect.poll(() => hp.getByTestId('ticket-status').textContent(), { timeout: 10_000 }).toBe('Answered');

  // The dealer's open thread shows the answer as it arrives.
  await expect.poll(() => dp.getByText('A replacement ships today.').count(), { timeout: 15_000 }).toBe(1);
  expect(await dp.getByTestId('ticket-status').textContent()).toBe('Answered');
  // And the queue shows the first response recorded.
  await expect.poll(async () => { await hp.reload(); return hp.locator(`li[data-ticket="${ticketId}"]`).textContent(); }, { timeout: 20_000, interval: 1000 }).toMatch(/Answered/);
  await phone.close();
  await desk.close();
});

it('a ticket opened with the network off waits on the device and reaches HQ when it returns', async () => {
  const subject = `Offline ticket ${Date.now().toString(36)}`;
  const phone = await newPhone(browser);
  const dp = await phone.newPage();
  await signIn(dp, 'staff@demo.test');
  await dp.waitForURL((u) => u.pathname.startsWith('/portal'));
  await dp.getByRole('link', { name: 'Support' }).click();
  await dp.waitForURL((u) => u.pathname === '/portal/tickets');
  await untilInstalled(dp);

  await phone.setOffline(true);
  await dp.evaluate(() => window.dispatchEvent(new Event('offline')));
  await dp.getByRole('button', { name: 'New ticket' }).click();
  await dp.getByLabel('Category').selectOption('order');
  await dp.getByLabel('Subject').fill(subject);
  await dp.getByLabel('Message').fill('Order arrived without the invoice.');
  await dp.getByRole('button', { name: 'Send ticket' }).click();
  await dp.waitForURL((u) => u.pathname.startsWith('/portal/tickets/ticket.'));
  const ticketId = decodeURIComponent(new URL(dp.url()).pathname.split('/').pop()!);
  await expect.poll(() => dp.getByTestId('ticket-status').textContent(), { timeout: 15_000 }).toBe('Open');
  await expect.poll(() => dp.getByRole('status').filter({ hasText: /^Offline/ }).count()).toBeGreaterThan(0);
  await dp.getByRole('link', { name: 'All tickets' }).click();
  await expect.poll(() => dp.locator('.ticket-list li').filter({ hasText: subject }).textContent(), { timeout: 10_000 }).toMatch(/Not sent yet/);

  await phone.setOffline(false);
  await dp.evaluate(() => window.dispatchEvent(new Event('online')));
  const hq = await apiSession('hq@demo.test');
  await expect.poll(async () => {
    const { items } = await (await hq('/api/tickets?category=order')).json() as { items: Array<{ id: string; subject: string }> };
    return items.find((t) => t.id === ticketId)?.subject;
  }, { timeout: 20_000, interval: 1000 }).toBe(subject);
  await phone.close();
});
