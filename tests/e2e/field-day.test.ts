// A rep's day in real Chromium with the position emulated: the day is loaded online, then three
// visits are done offline (two checked in at the dealer, one 900 m away with a reason), with a
// form, a photo and a shelf audit; the app is closed and reopened offline; back online the
// visits, the flag, the photo and the KPIs reach HQ.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, newPhone, signIn, untilInstalled } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const today = () => { const d = new Date(); return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`; };

interface Day { stops: Array<{ dealerId: string; visitId: string }>; dealers: Array<{ id: string; name: string; lat: number; lng: number }>; tasks: Array<{ id: string; dealerId: string }> }

async function checkIn(page: Page, ctx: BrowserContext, at: { lat: number; lng: number }, button: 'Check in' | 'Check out') {
  await ctx.setGeolocation({ latitude: at.lat, longitude: at.lng, accuracy: 15 });
  await page.getByRole('button', { name: button, exact: true }).click();
}

it('a rep does three visits offline and HQ sees them, the flag, the photo and the KPIs', async () => {
  const repApi = await apiSession('rep@demo.test');
  const date = today();
  const plan = await (await repApi(`/api/field/day?date=${date}`)).json() as Day;
  expect(plan.stops.length).toBeGreaterThanOrEqual(3);
  const stops = plan.stops.slice(0, 3).map((s) => ({ ...s, dealer: plan.dealers.find((d) => d.id === s.dealerId)! }));

  const ctx = await newPhone(browser, { permissions: ['geolocation'], geolocation: { latitude: stops[0].dealer.lat, longitude: stops[0].dealer.lng, accuracy: 15 } });
  const page = await ctx.newPage();
  await signIn(page, 'rep@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/field'));
  await untilInstalled(page);
  await page.goto('/field/today');
  await expect.poll(() => page.locator('ol.stops > li').count(), { timeout: 20_000 }).toBe(plan.stops.length);
  // The optimiser (in its Web Worker) put an arrival time on the stops.
  await expect.poll(() => page.getByText(/^Arrive \d\d:\d\d/).count(), { timeout: 20_000 }).toBeGreaterThan(0);
  // Let the day's forms and products reach the device's cache.
  await page.waitForLoadState('networkidle');

  await ctx.setOffline(true);
  const openVisit = async (visitId: string) => {
    await page.locator(`ol.stops a[href="/field/visits/${encodeURIComponent(visitId)}"]`).click();
    await expect.poll(() => page.getByTestId('visit-status').textContent(), { timeout: 15_000 }).toBe('Planned');
  };

  // 1. At the dealer: check in, fill the store check with a photo and a shelf audit, check out.
  await openVisit(stops[0].visitId);
  await checkIn(page, ctx, stops[0].dealer, 'Check in');
  await expect.poll(() => page.getByTestId('visit-status').textContent()).toBe('In progress');
  const form = page.locator('section[data-form="frm_store_check"]');
  await form.getByRole('radio', { name: 'Yes' }).check();
  await form.locator('[data-question="impression"]').getByRole('radio', { name: '4' }).check();
  await form.getByLabel('Photos of the display and the shelf').setInputFiles({ name: 'shelf.png', mimeType: 'image/png', buffer: PNG });
  await expect.poll(() => form.locator('img.thumb').count(), { timeout: 15_000 }).toBe(1);
  const shelfRow = form.locator('table.shelf tbody tr').first();
  await shelfRow.getByRole('checkbox').first().check();
  // A wrong answer is refused with a message and nothing else is lost.
  const price = shelfRow.getByRole('textbox').first();
  await price.fill('cheap');
  await price.blur();
  await expect.poll(() => form.locator('[data-question="shelf"] .field-error').textContent()).toBeTruthy();
  await price.fill('12.5');
  await price.blur();
  await expect.poll(() => form.locator('[data-question="shelf"] .field-error').count()).toBe(0);
  await form.getByRole('button', { name: /Complete/ }).click();
  await expect.poll(() => form.getByText('completed').count()).toBe(1);
  const task = plan.tasks.find((t) => t.dealerId === stops[0].dealerId);
  if (task) await page.getByRole('group', { name: 'Tasks at this dealer' }).getByRole('checkbox').first().check();
  await page.getByLabel('Visit notes').fill('Display moved to the entrance');
  await page.getByLabel('Visit notes').blur();
  await checkIn(page, ctx, stops[0].dealer, 'Check out');
  await expect.poll(() => page.getByTestId('visit-status').textContent()).toBe('Done');

  // 2. 900 m away: the check-in needs a reason and the visit is flagged.
  await page.getByRole('link', { name: '← Today' }).click();
  await openVisit(stops[1].visitId);
  await checkIn(page, ctx, { lat: stops[1].dealer.lat + 900 / 111_320, lng: stops[1].dealer.lng }, 'Check in');
  await expect.poll(() => page.getByRole('heading', { name: /outside the dealer's check-in radius/ }).count()).toBe(1);
  await page.getByRole('button', { name: 'Check in anyway' }).click();
  // No reason, no check-in.
  expect(await page.getByLabel('Reason').evaluate((el) => (el as HTMLTextAreaElement).validity.valueMissing)).toBe(true);
  expect(await page.getByTestId('visit-status').textContent()).toBe('Planned');
  await page.getByLabel('Reason').fill('Road closed, met the owner at the depot');
  await page.getByRole('button', { name: 'Check in anyway' }).click();
  await expect.poll(() => page.getByTestId('visit-status').textContent()).toBe('In progress');
  await checkIn(page, ctx, stops[1].dealer, 'Check out');
  await expect.poll(() => page.getByTestId('visit-status').textContent()).toBe('Done');

  // 3. A short visit at the dealer.
  await page.getByRole('link', { name: '← Today' }).click();
  await openVisit(stops[2].visitId);
  await checkIn(page, ctx, stops[2].dealer, 'Check in');
  await expect.poll(() => page.getByTestId('visit-status').textContent()).toBe('In progress');
  // A stock count needs the network: offline it is kept in the form and the rep is told.
  await page.getByLabel('Units on hand').fill('7');
  await page.getByRole('button', { name: 'Add count' }).click();
  await page.getByRole('button', { name: 'Save stock count' }).click();
  await expect.poll(() => page.getByText(/Not sent: you are offline/).count()).toBe(1);
  await expect.poll(() => page.getByRole('button', { name: 'Save stock count' }).count()).toBe(1);
  await checkIn(page, ctx, stops[2].dealer, 'Check out');
  await expect.poll(() => page.getByTestId('visit-status').textContent()).toBe('Done');

  // The app is closed and opened again, still offline: the visits are on the device.
  await page.close();
  const again = await ctx.newPage();
  await again.goto(`/field/visits/${encodeURIComponent(stops[0].visitId)}`);
  await expect.poll(() => again.getByTestId('visit-status').textContent(), { timeout: 15_000 }).toBe('Done');
  await expect.poll(() => again.locator('img.thumb').count(), { timeout: 15_000 }).toBe(1);
  expect(await again.getByLabel('Visit notes').inputValue()).toBe('Display moved to the entrance');

  // Back online: the documents and the photo go up without opening anything else.
  await ctx.setOffline(false);
  await again.evaluate(() => window.dispatchEvent(new Event('online')));

  const hq = await apiSession('hq@demo.test');
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  type Visit = { id: string; status: string; verified: boolean; reason: string | null; distanceM: number | null; photos: Array<{ sha256: string }>; answers: Array<{ questionId: string; value: unknown }>; notes: string };
  const visits = async () => ((await (await hq(`/api/field/visits?from=${yesterday}&to=${tomorrow}&rep=usr_rep_01`)).json()) as { items: Visit[] }).items
    .filter((v) => stops.some((s) => s.visitId === v.id));
  await expect.poll(async () => (await visits()).filter((v) => v.status === 'done').length, { timeout: 30_000, interval: 500 }).toBe(3);
  const got = await visits();
  const first = got.find((v) => v.id === stops[0].visitId)!;
  const away = got.find((v) => v.id === stops[1].visitId)!;
  expect(first.verified).toBe(true);
  expect(first.notes).toBe('Display moved to the entrance');
  expect(first.answers.find((a) => a.questionId === 'display_ok')?.value).toBe(true);
  expect(first.answers.find((a) => a.questionId === 'shelf')?.value).toMatchObject({ [Object.keys((first.answers.find((a) => a.questionId === 'shelf')!.value as object))[0]]: { present: true, price: 12.5 } });
  expect(away.verified).toBe(false);
  expect(away.reason).toBe('Road closed, met the owner at the depot');
  expect(away.distanceM).toBeGreaterThan(800);
  // The photo reached R2 and is served to HQ.
  const sha = first.photos[0].sha256;
  await expect.poll(async () => (await hq(`/api/photos/${sha}`)).status, { timeout: 30_000, interval: 500 }).toBe(200);
  expect((await hq(`/api/photos/${sha}`)).headers.get('content-type')).toMatch(/^image\//);
  if (task) await expect.poll(async () => ((await (await hq(`/api/field/tasks?dealer=${stops[0].dealerId}`)).json()) as { items: Array<{ id: string; status: string }> }).items.find((t) => t.id === task.id)?.status).toBe('done');

  const kpis = (await (await hq(`/api/field/kpis?from=${yesterday}&to=${tomorrow}&rep=usr_rep_01`)).json()) as { reps: Array<{ repId: string; done: number; outOfRadiusRate: number }> };
  const mine = kpis.reps.find((r) => r.repId === 'usr_rep_01')!;
  expect(mine.done).toBeGreaterThanOrEqual(3);
  expect(mine.outOfRadiusRate).toBeGreaterThan(0);
  await ctx.close();
}, 180_000);
