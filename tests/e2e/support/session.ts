import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect, inject } from 'vitest';
import { DEMO_PASSWORD } from '../../../core/demo/users.ts';

export const baseUrl = () => inject('baseUrl');

export async function newPhone(browser: Browser, extra: Parameters<Browser['newContext']>[0] = {}): Promise<BrowserContext> {
  return browser.newContext({ baseURL: baseUrl(), viewport: { width: 360, height: 740 }, ...extra });
}

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// Cookie-carrying API calls from Node, for checks that do not need a page.
export async function apiSession(email: string, password = DEMO_PASSWORD): Promise<(path: string, init?: RequestInit) => Promise<Response>> {
  const res = await fetch(`${baseUrl()}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl() },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return (path, init = {}) => fetch(`${baseUrl()}${path}`, { ...init, headers: { cookie, origin: baseUrl(), ...(init.headers ?? {}) } });
}

// Until the service worker controls the page: from then on the app opens with the network off.
export async function untilInstalled(page: Page): Promise<void> {
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15_000 }).toBe(true);
}
