// HQ's side of field work in real Chromium: the field page shows the KPI totals, the table per
// rep and the visits (list and map); on a dealer's page HQ sets the visit plan (a server field
// error shows next to its field) and gives the rep a task. A dealer outside the demo rep's route
// is used so the other browser tests' day plans stay as seeded.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, baseUrl, newPhone, signIn } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

const DEMO_REP = 'usr_rep_01';
const KPIS = ['kpi-done', 'kpi-planned', 'kpi-missed', 'kpi-coverage', 'kpi-avg-length', 'kpi-on-time', 'kpi-out-of-radius', 'kpi-task-completion'];

interface Plan { dealerId: string; repId: string; frequency: string; weekdays: number[]; windowStart: string | null; windowEnd: string | null; durationMin: number; visitType: string }

it('HQ sees the field KPIs, the reps and the visits, and filters the visits by rep', async () => {
  const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, 'hq@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/hq'));
  await page.getByRole('link', { name: 'Field', exact: true }).click();
  await page.waitForURL((u) => u.pathname === '/hq/field');
  await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe('Field work');

  for (const id of KPIS) await expect.poll(() => page.getByTestId(id).textContent(), { timeout: 15_000 }).toMatch(/\S/);
  // The seeded plans make visits planned in the last seven days.
  expect(Number(await page.getByTestId('kpi-planned').textContent())).toBeGreaterThan(0);

  const table = page.getByRole('table', { name: /Field KPIs per rep/ });
  await expect.poll(() => table.locator('tbody tr[data-rep]').count()).toBeGreaterThan(0);
  const first = table.locator('tbody tr[data-rep]').first();
  const repName = (await first.getByRole('button').textContent())!.trim();
  const repId = (await first.getAttribute('data-rep'))!;
  const visitsLoaded = page.waitForResponse((r) => r.url().includes('/api/field/visits') && r.url().includes(`rep=${repId}`));
  await first.getByRole('button').click();
  await expect.poll(() => first.getByRole('button').getAttribute('aria-pressed')).toBe('true');
  await expect.poll(() => page.getByRole('heading', { level: 2, name: `Visits by ${repName}` }).count()).toBe(1);
  await visitsLoaded;

  // The quick periods set the dates; the map shows with Leaflet loaded only now.
  await page.getByRole('button', { name: 'Last 30 days' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Last 30 days' }).getAttribute('aria-pressed')).toBe('true');
  expect(await page.evaluate(() => !!document.querySelector('.leaflet-container'))).toBe(false);
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await expect.poll(() => page.locator('.leaflet-container').count(), { timeout: 20_000 }).toBe(1);
  await context.close();
});

it('the field page fits a phone', async () => {
  const context = await newPhone(browser);
  const page = await context.newPage();
  await signIn(page, 'manager@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/hq'));
  await page.goto('/hq/field');
  await expect.poll(() => page.getByTestId('kpi-done').count(), { timeout: 15_000 }).toBe(1);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await context.close();
});

it('HQ sets a dealer\'s visit plan and gives the rep a task from the dealer page', async () => {
  const hq = await apiSession('hq@demo.test');
  const rep = await apiSession('rep@demo.test');
  const routeDealers = new Set(((await (await rep('/api/field/day')).json()) as { dealers: Array<{ id: string }> }).dealers.map((d) => d.id));
  const plans = ((await (await hq('/api/field/plans')).json()) as { items: Plan[] }).items;
  const before = plans.find((p) => p.repId !== DEMO_REP && !routeDealers.has(p.dealerId))!;
  expect(before).toBeTruthy();
  const users = ((await (await hq('/api/users?role=field_rep&pageSize=200')).json()) as { items: Array<{ id: string; name: string; status: string }> }).items;
  const newRep = users.find((u) => u.status === 'active' && u.id !== DEMO_REP && u.id !== before.repId)!;

  const context = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await signIn(page, 'hq@demo.test');
  await page.waitForURL((u) => u.pathname.startsWith('/hq'));
  await page.goto(`/hq/dealers/${before.dealerId}`);
  await expect.poll(() => page.getByRole('heading', { level: 2, name: /^Visits/ }).count(), { timeout: 15_000 }).toBe(1);
  await expect.poll(() => page.getByTestId('plan-summary').textContent(), { timeout: 15_000 }).not.toMatch(/Loading|No visit plan/);

  const form = page.locator('form[aria-labelledby="plan-h"]');
  await expect.poll(() => form.getByLabel('Rep').inputValue()).toBe(before.repId);
  await form.getByLabel('Rep').selectOption(newRep.id);
  await form.getByLabel('Frequency').selectOption('biweekly');
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) await form.getByLabel(day, { exact: true }).setChecked(day === 'Tuesday' || day === 'Thursday');
  await form.getByLabel('Duration (minutes)').fill('45');
  await form.getByLabel('Visit type').selectOption('training');
  // A window that ends before it starts: the server's message shows at "Window end".
  await form.getByLabel('Window start').fill('12:00');
  await form.getByLabel('Window end').fill('09:00');
  await form.getByRole('button', { name: 'Save visit plan' }).click();
  await expect.poll(() => form.locator('#plan-windowEnd-err').textContent()).toMatch(/end after it starts/);
  expect(await form.getByLabel('Window end').getAttribute('aria-invalid')).toBe('true');

  await form.getByLabel('Window start').fill('09:00');
  await form.getByLabel('Window end').fill('12:00');
  await form.getByRole('button', { name: 'Save visit plan' }).click();
  await expect.poll(() => form.getByRole('status').textContent()).toBe('Visit plan saved.');
  expect(await form.locator('.field-error').count()).toBe(0);

  const saved = ((await (await hq('/api/field/plans')).json()) as { items: Plan[] }).items.find((p) => p.dealerId === before.dealerId)!;
  expect(saved).toMatchObject({ repId: newRep.id, frequency: 'biweekly', weekdays: [2, 4], windowStart: '09:00', windowEnd: '12:00', durationMin: 45, visitType: 'training' });
  await expect.poll(() => page.getByTestId('plan-summary').textContent()).toContain(newRep.name);

  // A task for the dealer's (new) rep, listed with the open tasks.
  const title = `Check the display ${Date.now()}`;
  const taskForm = page.locator('form[aria-labelledby="new-task-h"]');
  await taskForm.getByLabel('Title').fill(title);
  await taskForm.getByLabel('Details').fill('Photograph the front shelf.');
  await taskForm.getByLabel('Due date').fill('2030-01-15');
  await taskForm.getByLabel('Rep').selectOption(newRep.id);
  await taskForm.getByRole('button', { name: 'Create task' }).click();
  await expect.poll(() => taskForm.getByRole('status').textContent()).toContain('created');
  await expect.poll(() => page.locator('ul.tasks li', { hasText: title }).count()).toBe(1);
  await expect.poll(() => taskForm.getByLabel('Title').inputValue()).toBe('');

  const tasks = ((await (await hq(`/api/field/tasks?dealer=${before.dealerId}`)).json()) as { items: Array<{ title: string; repId: string; dueDate: string; status: string; details: string }> }).items;
  expect(tasks.find((t) => t.title === title)).toMatchObject({ repId: newRep.id, dueDate: '2030-01-15', status: 'open', details: 'Photograph the front shelf.' });
  await context.close();
});
