// HQ builds a visit form in the app: question types, a condition, a shelf audit, assignments;
// a second save publishes version 2 while version 1 stays as it was; a bad draft is not saved.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.ts';
import { apiSession, newPhone, signIn } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

interface Product { id: string; sku: string; name: string }
interface Question { id: string; label: string; type: string; required?: boolean; min?: number; max?: number; products?: string[]; options?: string[]; showIf?: { question: string; equals: unknown } }

const question = (page: Page, n: number) => page.getByRole('group', { name: `Question ${n}`, exact: true });

async function pickProduct(page: Page, n: number, p: Product) {
  const q = question(page, n);
  await q.getByLabel('Find a product').fill(p.sku);
  await q.getByRole('checkbox', { name: p.name }).first().check();
  await q.getByLabel('Find a product').fill('');
}

describe('the HQ forms builder', () => {
  it('builds a form, publishes a second version and refuses a bad draft', async () => {
    const api = await apiSession('hq@demo.test');
    const products = ((await (await api('/api/products?pageSize=2')).json()) as { items: Product[] }).items;
    expect(products).toHaveLength(2);

    const context = await newPhone(browser);
    const page = await context.newPage();
    await signIn(page, 'hq@demo.test');
    await page.waitForURL((u) => u.pathname.startsWith('/hq'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forms', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/hq/forms');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).first().textContent()).toBe('Forms');
    await page.getByRole('link', { name: 'New form' }).click();
    await page.waitForURL((u) => u.pathname === '/hq/forms/new');

    const title = `Shelf audit ${Date.now()}`;
    await page.getByLabel('Title (shown on the phone)').fill(title);

    // 1: yes/no, required; the id follows the label.
    await question(page, 1).getByLabel('Question text').fill('Is the display set up?');
    await question(page, 1).getByLabel('Answer type').selectOption('yesno');
    await question(page, 1).getByLabel('Required').check();
    expect(await question(page, 1).getByLabel(/^Id/).inputValue()).toBe('is_the_display_set_up');

    // 2: text, shown only when 1 is answered no.
    await page.getByRole('button', { name: 'Add question' }).click();
    await question(page, 2).getByLabel('Question text').fill('Why not?');
    await question(page, 2).getByLabel('Show only if').selectOption({ label: '1. Is the display set up?' });
    await question(page, 2).getByLabel('equals', { exact: true }).selectOption('false');

    // 3: number from 0 to 100.
    await page.getByRole('button', { name: 'Add question' }).click();
    await question(page, 3).getByLabel('Question text').fill('Facings counted');
    await question(page, 3).getByLabel('Answer type').selectOption('number');
    await question(page, 3).getByLabel('Minimum').fill('0');
    await question(page, 3).getByLabel('Maximum').fill('100');

    // 4: a shelf audit over two products.
    await page.getByRole('button', { name: 'Add question' }).click();
    await question(page, 4).getByLabel('Question text').fill('Shelf');
    await question(page, 4).getByLabel('Answer type').selectOption('shelf');
    for (const p of products) await pickProduct(page, 4, p);

    await page.getByLabel('Visit types, comma-separated').fill('audit');

    // The live preview follows the draft, condition included.
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.getByText('Facings counted').count()).toBe(1);
    expect(await preview.getByText('Why not?').count()).toBe(0);
    await preview.getByRole('radio', { name: 'No' }).check();
    await expect.poll(() => preview.getByText('Why not?').count()).toBe(1);
    await expect.poll(() => preview.locator('table.shelf tbody tr').count()).toBe(2);

    // Mobile-first: nothing scrolls sideways at 360 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

    await page.getByRole('button', { name: 'Save form' }).click();
    await page.waitForURL((u) => /^\/hq\/forms\/(?!new)[^/]+$/.test(u.pathname));
    const formId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'version 1' }).count()).toBe(1);

    const v1 = await (await api(`/api/forms/${formId}/versions/1`)).json();
    expect(v1.definition.title).toBe(title);
    const q1 = v1.definition.questions as Question[];
    expect(q1.map((q) => q.type)).toEqual(['yesno', 'text', 'number', 'shelf']);
    expect(q1[0]).toMatchObject({ id: 'is_the_display_set_up', required: true });
    expect(q1[1].showIf).toEqual({ question: 'is_the_display_set_up', equals: false });
    expect(q1[2]).toMatchObject({ min: 0, max: 100 });
    expect(q1[3].products).toEqual(products.map((p) => p.id));
    const listed = ((await (await api('/api/forms')).json()) as { items: Array<{ id: string; latestVersion: number; assignments: unknown[] }> }).items.find((f) => f.id === formId);
    expect(listed).toMatchObject({ latestVersion: 1, assignments: [{ kind: 'visit_type', target: 'audit' }] });

    // Edit: the draft opens from version 1; one more question publishes version 2.
    await expect.poll(() => question(page, 1).getByLabel('Question text').inputValue()).toBe('Is the display set up?');
    await expect.poll(() => page.getByText('Saving publishes version 2; visits already filled in keep their version.').count()).toBe(1);
    await page.getByRole('button', { name: 'Add question' }).click();
    await question(page, 5).getByLabel('Question text').fill('Store rating');
    await question(page, 5).getByLabel('Answer type').selectOption('rating');
    await page.getByRole('button', { name: 'Save as version 2' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Version 2 is published' }).count()).toBe(1);

    const again1 = await (await api(`/api/forms/${formId}/versions/1`)).json();
    expect((again1.definition.questions as Question[]).map((q) => q.id)).toEqual(q1.map((q) => q.id));
    const v2 = await (await api(`/api/forms/${formId}/versions/2`)).json();
    expect((v2.definition.questions as Question[]).map((q) => q.id)).toEqual([...q1.map((q) => q.id), 'store_rating']);
    expect((v2.definition.questions as Question[])[4]).toMatchObject({ type: 'rating', label: 'Store rating' });

    // The history shows version 1 as it was.
    await page.getByRole('button', { name: 'Version 1', exact: true }).click();
    const history = page.getByRole('region', { name: 'Versions' });
    await expect.poll(() => history.getByText('Facings counted').count()).toBe(1);
    expect(await history.getByText('Store rating').count()).toBe(0);

    // A choice question without options: the error is shown next to it and nothing is saved.
    await page.getByRole('button', { name: 'Add question' }).click();
    await question(page, 6).getByLabel('Question text').fill('Favourite colour');
    await question(page, 6).getByLabel('Answer type').selectOption('single');
    await page.getByRole('button', { name: 'Save as version 3' }).click();
    await expect.poll(() => question(page, 6).getByText('List the options to choose from').count()).toBe(1);
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'Not saved' }).count()).toBe(1);
    expect((await api(`/api/forms/${formId}/versions/3`)).status).toBe(404);
    const after = ((await (await api('/api/forms')).json()) as { items: Array<{ id: string; latestVersion: number }> }).items.find((f) => f.id === formId);
    expect(after?.latestVersion).toBe(2);

    // The list shows it with its latest version and assignment.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Forms', exact: true }).click();
    const row = page.locator(`tr[data-form="${formId}"]`);
    await expect.poll(() => row.textContent()).toContain('Visit types: audit');
    expect(await row.locator('td').first().textContent()).toBe('2');
    await context.close();
  });
});
