// The UI offers only what the access policy allows: each demo role's navigation shows exactly
// its links (written out here, not read off the policy), each link opens for that role, and a
// direct visit to a page the role may not use lands on its home.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDocId } from '../../core/docs/id.ts';
import { launchChromium } from './support/chromium.ts';
import { apiSession, newPhone, signIn } from './support/session.ts';

let browser: Browser;
beforeAll(async () => { browser = await launchChromium(); });
afterAll(async () => { await browser?.close(); });

type Link = [label: string, href: string];
interface Expected { home: string; nav: Link[]; denied: string[] }

const HQ_ALL: Link[] = [
  ['Dealers', '/hq'], ['Map', '/hq/map'], ['Field', '/hq/field'], ['Approvals', '/hq/approvals'], ['Forms', '/hq/forms'],
  ['Announcements', '/hq/announcements'], ['Tickets', '/hq/tickets'], ['Integrations', '/hq/integrations'], ['Stock', '/hq/stock'],
];
const without = (links: Link[], ...labels: string[]) => links.filter(([l]) => !labels.includes(l));
const someTicket = makeDocId('ticket', { dealerId: 'no-such-dealer' }, 'navpolicy0001');
const someOrder = makeDocId('order', { dealerId: 'no-such-dealer' }, 'navpolicy0002');

const EXPECTED: Record<string, Expected> = {
  'hq@demo.test': {
    home: '/hq', nav: HQ_ALL,
    denied: ['/portal', '/portal/approvals', `/portal/tickets/${someTicket}`, `/portal/orders/${someOrder}`, '/field/today', '/supplier'],
  },
  'manager@demo.test': {
    home: '/hq', nav: without(HQ_ALL, 'Announcements', 'Integrations'),
    denied: ['/hq/integrations', '/hq/announcements', '/portal/approvals', '/field'],
  },
  'analyst@demo.test': {
    home: '/hq', nav: without(HQ_ALL, 'Approvals', 'Announcements', 'Integrations'),
    denied: ['/hq/approvals', '/hq/integrations', '/hq/announcements', '/hq/forms/new', `/portal/orders/${someOrder}`],
  },
  'rep@demo.test': {
    home: '/field', nav: [['Today', '/field/today'], ['My dealers', '/field']],
    denied: ['/hq', '/hq/approvals', '/portal', '/portal/tickets', '/portal/approvals'],
  },
  'dealer@demo.test': {
    home: '/portal', nav: [['My dealer', '/portal'], ['Network orders', '/portal/approvals'], ['Support', '/portal/tickets'], ['Catalog', '/portal/catalog'], ['Stock', '/portal/stock']],
    denied: ['/hq', '/hq/approvals', '/field/today', '/supplier'],
  },
  'staff@demo.test': {
    home: '/portal', nav: [['My dealer', '/portal'], ['Support', '/portal/tickets'], ['Catalog', '/portal/catalog'], ['Stock', '/portal/stock']],
    denied: ['/portal/approvals', '/hq', '/field'],
  },
  'supplier@demo.test': {
    home: '/supplier', nav: [['Purchase orders', '/supplier']],
    denied: ['/hq', '/portal', '/field', `/portal/orders/${someOrder}`],
  },
};

const mainNav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
const path = (page: Page) => new URL(page.url()).pathname;

async function navLinks(page: Page): Promise<Link[]> {
  await mainNav(page).getByRole('link').first().waitFor();
  return mainNav(page).getByRole('link').evaluateAll((as) => as.map((a) => [a.textContent ?? '', new URL((a as HTMLAnchorElement).href).pathname] as [string, string]));
}

// The Shell draws its header only for a user who may use the page; a page refused sends the
// user home first, so a header seen at a path means that path was allowed.
async function openedAt(page: Page, href: string): Promise<string> {
  await page.goto(href);
  try {
    await mainNav(page).waitFor({ timeout: 15_000 });
  } catch (err) {
    throw new Error(`${href}: no header at ${path(page)} (${(err as Error).message.split('\n')[0]})`);
  }
  return path(page);
}

describe('each role sees only the links it may use', () => {
  for (const [email, want] of Object.entries(EXPECTED)) {
    it(`${email}: its links, each of them opens, refused pages go home`, async () => {
      const context = await newPhone(browser);
      const page = await context.newPage();
      await signIn(page, email);
      await page.waitForURL((u) => u.pathname === want.home);
      expect(await navLinks(page)).toEqual(want.nav);
      // Mobile-first: the whole header fits at 360 px, nothing scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      // Keyboard: past the skip link, Tab walks the links in order.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
      for (const [label] of want.nav) {
        await page.keyboard.press('Tab');
        expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(label);
      }

      for (const [, href] of want.nav) expect(await openedAt(page, href), `${email} opens ${href}`).toBe(href);
      for (const href of want.denied) {
        expect(await openedAt(page, href), `${email} is sent home from ${href}`).toBe(want.home);
        expect(await navLinks(page)).toEqual(want.nav);
      }
      await context.close();
    });
  }
});

describe('shared document pages', () => {
  it('a rep reaches the order and ticket pages of its dealers, under its own links', async () => {
    const rep = await apiSession('rep@demo.test');
    const dealers = await (await rep('/api/dealers?pageSize=1')).json() as { items: Array<{ id: string }> };
    const dealerId = dealers.items[0].id;
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signIn(page, 'rep@demo.test');
    await page.waitForURL((u) => u.pathname === '/field');
    for (const id of [makeDocId('order', { dealerId }, `navrep${Date.now()}`), makeDocId('ticket', { dealerId }, `navrep${Date.now()}`)]) {
      const href = `/portal/${id.startsWith('order') ? 'orders' : 'tickets'}/${id}`;
      expect(await openedAt(page, href)).toBe(href);
      expect(await navLinks(page)).toEqual(EXPECTED['rep@demo.test'].nav);
    }
    // The ticket page's way back is the rep's own list of dealers.
    await expect.poll(() => page.getByRole('main').getByRole('link', { name: 'My dealers' }).count()).toBe(1);
    await context.close();
  });

  it('a dealer user reads a ticket under the portal links, with a way back to all tickets', async () => {
    const staff = await apiSession('staff@demo.test');
    const me = await (await staff('/api/me')).json() as { user: { dealerId: string } };
    const context = await newPhone(browser);
    const page = await context.newPage();
    await signIn(page, 'staff@demo.test');
    await page.waitForURL((u) => u.pathname === '/portal');
    const href = `/portal/tickets/${makeDocId('ticket', { dealerId: me.user.dealerId }, `navstaff${Date.now()}`)}`;
    expect(await openedAt(page, href)).toBe(href);
    expect(await navLinks(page)).toEqual(EXPECTED['staff@demo.test'].nav);
    await expect.poll(() => page.getByRole('main').getByRole('link', { name: 'All tickets' }).count()).toBe(1);
    await context.close();
  });
});
