/// <reference types="vite/client" />
// Defects found by attacking the API directly: raw requests that skip the UI, forged fields,
// and requests raced in parallel. Expected answers come from the seeded rows and plain
// JavaScript over raw table reads, never from the code under test.
import { env } from 'cloudflare:test';
import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../core/db/schema.ts';
import type { DemoRows } from '../../core/demo/generate.ts';
import { makeDb } from '../../server/db.ts';
import { FORGET_AFTER_MS, lockedFor, takeAttempt } from '../../worker/auth/throttle.ts';
import { call, dealerOf, seedDemo, signIn, type Api } from './fixtures.ts';

type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };
type UserItem = { id: string; email: string; name: string; role: string; dealerId: string | null; status: string };

let rows: DemoRows;
let hq: Api;
let orgId: string;
let demoDealer: string;

const raw = async <T>(query: string, ...params: unknown[]) => (await env.DB.prepare(query).bind(...params).all<T>()).results;
const ip = () => `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

beforeAll(async () => {
  rows = await seedDemo();
  hq = await signIn('hq@demo.test');
  orgId = String(rows.organisations[0].id);
  demoDealer = dealerOf(rows);
});

async function invite(by: Api, body: Record<string, unknown>): Promise<{ res: Response; id?: string; token?: string }> {
  const res = await by('/api/users', { method: 'POST', json: body });
  if (res.status !== 201) return { res };
  const { user, inviteUrl } = await res.clone().json<{ user: { id: string }; inviteUrl: string }>();
  return { res, id: user.id, token: inviteUrl.split('/invite/')[1] };
}

const accept = (token: string, password: string) => call()('/api/invitations/accept', { method: 'POST', json: { token, password } });
const signInStatus = async (email: string, password: string) =>
  (await call()('/api/session', { method: 'POST', json: { email, password }, headers: { 'cf-connecting-ip': ip() } })).status;

describe('invitations are single use, and never reopen a disabled account', () => {
  it('8 parallel accepts of one link (4 links raced at once): exactly one wins each, and only its password works', async () => {
    const links = await Promise.all([0, 1, 2, 3].map((n) => invite(hq, { email: `race${n}@demo.test`, name: `Race ${n}`, role: 'analyst' })));
    const passwords = links.map((_, n) => Array.from({ length: 8 }, (_, i) => `racer-password-${n}-${i}`));
    const answers = await Promise.all(links.map(({ token }, n) => Promise.all(passwords[n].map((p) => accept(token!, p)))));
    for (const [n, link] of links.entries()) {
      const statuses = answers[n].map((r) => r.status);
      expect(statuses.filter((s) => s === 200), `link ${n}: ${statuses}`).toHaveLength(1);
      for (const r of answers[n].filter((a) => a.status !== 200)) {
        expect([400, 409]).toContain(r.status);
        expect((await r.json<ErrorBody>()).error.message).toMatch(/expired or was already used/);
      }
      const winner = passwords[n][statuses.indexOf(200)];
      expect(await signInStatus(`race${n}@demo.test`, winner)).toBe(200);
      expect(await signInStatus(`race${n}@demo.test`, passwords[n].find((p) => p !== winner)!)).toBe(401);
      expect((await raw<{ n: number }>('select count(*) as n from invitations where user_id = ? and used_at is not null', link.id))[0].n).toBe(1);
    }
  });

  it('disabling a user withdraws its link: accepting is refused and the user stays disabled', async () => {
    const { id, token } = await invite(hq, { email: 'gone@demo.test', name: 'Gone', role: 'field_rep' });
    expect((await hq(`/api/users/${id}`, { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(200);
    const res = await accept(token!, 'a-long-password');
    expect(res.status).toBe(409);
    expect((await res.json<ErrorBody>()).error.code).toBe('account_disabled');
    expect(res.headers.get('set-cookie')).toBeNull();
    const [user] = await raw<{ status: string; password_hash: string | null }>('select status, password_hash from users where id = ?', id);
    expect(user).toEqual({ status: 'disabled', password_hash: null });
    expect(await signInStatus('gone@demo.test', 'a-long-password')).toBe(401);
  });

  it('a disabled user\'s link still unused in the table (made before links were withdrawn) does not reactivate it', async () => {
    const { id, token } = await invite(hq, { email: 'stale@demo.test', name: 'Stale', role: 'field_rep' });
    await env.DB.prepare("update users set status = 'disabled' where id = ?").bind(id).run();
    const res = await accept(token!, 'a-long-password');
    expect(res.status).toBe(409);
    expect((await raw<{ status: string }>('select status from users where id = ?', id))[0].status).toBe('disabled');
  });
});

// A little bytes helper: text as UTF-8, numbers as bytes.
const bytes = (...parts: Array<string | number[]>) => {
  const enc = new TextEncoder();
  const chunks = parts.map((p) => (typeof p === 'string' ? enc.encode(p) : new Uint8Array(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
};
const HTML = '<!DOCTYPE html><html><body><script>fetch("/api/users").then((r) => r.text()).then(alert)</script></body></html>';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const zipWith = (...names: string[]) => bytes([0x50, 0x4b, 0x03, 0x04], ...names.flatMap((n) => [[0, 0, 0, 0], n]));

describe('published files', () => {
  const upload = (body: Uint8Array | string, type: string, title = 'Doc') =>
    hq(`/api/home/documents?title=${encodeURIComponent(title)}`, { method: 'PUT', body, headers: { 'content-type': type } });
  const count = async () => (await raw<{ n: number }>('select count(*) as n from dealer_documents'))[0].n;

  it('refuses an HTML page whatever type it claims, naming the file field, and stores nothing', async () => {
    const before = await count();
    for (const type of ['application/pdf', 'text/html', 'text/plain', 'application/octet-stream', 'image/svg+xml', DOCX]) {
      const res = await upload(HTML, type);
      expect(res.status, type).toBe(400);
      const body = await res.json<ErrorBody>();
      expect(body.error.code).toBe('invalid_input');
      expect(Object.keys(body.error.fields ?? {})).toEqual(['file']);
    }
    const form = new FormData();
    form.set('file', new File([HTML], 'price-list.pdf', { type: 'application/pdf' }));
    form.set('title', 'Sneaky');
    const multi = await hq('/api/home/documents', { method: 'PUT', body: form });
    expect(multi.status).toBe(400);
    expect((await multi.json<ErrorBody>()).error.fields?.file).toBeTruthy();
    expect(await count()).toBe(before);
  });

  it('accepts the allow-listed types when the bytes match, and takes a generic type from the bytes', async () => {
    const ok: Array<[Uint8Array | string, string, string]> = [
      ['%PDF-1.7\n1 0 obj\n', 'application/pdf', 'application/pdf'],
      [bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'image/png', 'image/png'],
      [bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16]), 'image/jpeg', 'image/jpeg'],
      [bytes('RIFF', [0, 0, 0, 0], 'WEBPVP8 '), 'image/webp', 'image/webp'],
      ['sku;price\nA-1;12.50\n', 'text/csv', 'text/csv'],
      ['sku;price\nA-1;12.50\n', 'application/vnd.ms-excel', 'text/csv'],
      ['Prices change on 1 March.', 'text/plain; charset=utf-8', 'text/plain'],
      [zipWith('[Content_Types].xml', 'word/document.xml'), DOCX, DOCX],
      ['%PDF-1.4\n', 'application/octet-stream', 'application/pdf'],
    ];
    for (const [body, type, stored] of ok) {
      const res = await upload(body, type);
      expect(res.status, type).toBe(201);
      expect((await res.json<{ contentType: string }>()).contentType).toBe(stored);
    }
    const refused: Array<[Uint8Array | string, string]> = [
      [bytes([0xff, 0xd8, 0xff]), 'application/pdf'],
      ['%PDF-1.4', 'image/png'],
      [zipWith('[Content_Types].xml', 'xl/workbook.xml'), DOCX],
      [bytes([0xc3, 0x28, 0x41]), 'text/plain'],
      ['plain words', 'application/octet-stream'],
      [bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'application/vnd.ms-excel'],
      ['#!/bin/sh\n', 'application/x-sh'],
    ];
    for (const [body, type] of refused) expect((await upload(body, type)).status, type).toBe(400);
  });

  it('is served as a download, sandboxed and never sniffed, to the dealers it is for', async () => {
    const res = await upload('%PDF-1.4\n% list\n', 'application/pdf', 'Price list Q2');
    const { url } = await res.json<{ url: string }>();
    const dealer = await signIn('dealer@demo.test');
    const got = await dealer(url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-disposition')).toBe('attachment; filename="Price list Q2.pdf"');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-type')).toBe('application/pdf');
  });

  // The route sends `Content-Security-Policy: sandbox`, but worker/middleware/security-headers.ts
  // (not this change's file) sets the app's policy over every response's. It needs to keep a
  // route's own policy as a second header (browsers enforce both); then drop `.fails` here.
  it('is served with a sandbox policy', async () => {
    const res = await upload('%PDF-1.4\n% list\n', 'application/pdf', 'Sandboxed');
    const got = await hq((await res.json<{ url: string }>()).url);
    const csp = (got.headers.get('content-security-policy') ?? '').split(/\s*[;,]\s*/);
    expect(csp).toContain('sandbox');
  });

  it('a file stored under a type outside the list before the check is served as bytes to download', async () => {
    await env.FILES.put('documents/doc_old_html', HTML);
    await env.DB.prepare("insert into dealer_documents (id, org_id, title, kind, r2_key, bytes, content_type, audience) values ('doc_old_html', ?, 'Old', 'other', 'documents/doc_old_html', ?, 'text/html', 'all')")
      .bind(orgId, HTML.length).run();
    const got = await hq('/api/home/documents/doc_old_html');
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
  });
});

describe('search terms: long, unicode, and % and _ taken literally', () => {
  const LONG = `Long Name Trading ${'Company '.repeat(6)}Ltd`;
  beforeAll(async () => {
    const dealer = (id: string, code: string, name: string, city: string | null = null) =>
      env.DB.prepare("insert into dealers (id, org_id, type, code, name, city, region_id, parent_id, status) values (?, ?, 'dealer', ?, ?, ?, 'reg_north', ?, 'active')")
        .bind(id, orgId, code, name, city, demoDealer);
    const product = (id: string, sku: string, name: string) =>
      env.DB.prepare("insert into products (id, org_id, sku, name, category) values (?, ?, ?, ?, 'Search')").bind(id, orgId, sku, name);
    await env.DB.batch([
      dealer('dlr_s_pct', 'PCT-1', 'Save 100% Paints'),
      dealer('dlr_s_und', 'UND-1', 'Under_Score Paints'),
      dealer('dlr_s_uni', 'UNI-1', 'Ürün Boya İstanbul 東京', 'Şişli'),
      dealer('dlr_s_long', 'LONG-1', LONG),
      product('prd_s_pct', 'SKU-PCT', 'Primer 50% off'),
      product('prd_s_und', 'SKU_UND', 'Plain primer'),
      product('prd_s_uni', 'SKU-UNI', 'Farbe Weiß Ölbasis'),
    ]);
    expect((await invite(hq, { email: 'pct.user@demo.test', name: 'Zoë 100% Müller', role: 'analyst' })).res.status).toBe(201);
  });

  // Every row whose columns hold the term, by plain JavaScript over the raw table.
  const holding = (all: Array<Record<string, string | null>>, cols: string[], term: string) =>
    all.filter((r) => cols.some((c) => (r[c] ?? '').toLowerCase().includes(term.toLowerCase()))).map((r) => String(r.id)).sort();
  const search = async (api: Api, path: string, q: string) => {
    const res = await api(`${path}${path.includes('?') ? '&' : '?'}pageSize=200&q=${encodeURIComponent(q)}`);
    expect(res.status, `${path} q=${q}`).toBe(200);
    const page = await res.json<{ items: Array<{ id: string }>; total: number }>();
    return page.items.map((i) => i.id).sort();
  };

  const lists = [
    { path: '/api/dealers', table: "select id, name, code, city from dealers where status != 'archived'", cols: ['name', 'code', 'city'] },
    { path: '/api/products', table: "select id, name, sku from products where status = 'active'", cols: ['name', 'sku'] },
    { path: '/api/users', table: 'select id, name, email from users', cols: ['name', 'email'] },
  ];

  for (const { path, table, cols } of lists) {
    it(`${path}: % and _ match only themselves, unicode and a long term work, and over 100 characters is a 400 naming q`, async () => {
      const all = await raw<Record<string, string | null>>(table);
      for (const term of ['%', '_', '100%', '50% off', 'SKU_', 'Ürün Boya', 'Şişli', '東京', 'Weiß Öl', 'Zoë 100%', LONG, 'ü'.repeat(40), 'x'.repeat(100)]) {
        expect(await search(hq, path, term), `${path} q=${term}`).toEqual(holding(all, cols, term));
      }
      const tooLong = await hq(`${path}?q=${'y'.repeat(101)}`);
      expect(tooLong.status).toBe(400);
      expect(Object.keys((await tooLong.json<ErrorBody>()).error.fields ?? {})).toEqual(['q']);
    });
  }

  it('the literal matches are not empty (the cases above test something)', async () => {
    expect(await search(hq, '/api/dealers', '%')).toEqual(['dlr_s_pct']);
    expect(await search(hq, '/api/dealers', LONG)).toEqual(['dlr_s_long']);
    expect(await search(hq, '/api/products', '_')).toEqual(['prd_s_und']);
    expect((await search(hq, '/api/users', '%'))).toHaveLength(1);
  });
});

describe('sign-in failures decay, sustained guessing still escalates', () => {
  const db = () => makeDb(env.DB);
  const T0 = Date.parse('2030-01-01T00:00:00.000Z');

  it('locks after 5 failures, doubles the lock for each failure as a lock ends, and forgets after a quiet hour', async () => {
    const keys = ['email:clock@demo.test', 'ip:10.66.0.1'];
    let t = T0;
    for (let i = 0; i < 5; i++) expect(await takeAttempt(db(), keys, t += 1000)).toBe(0);
    expect(await lockedFor(db(), keys, t)).toBe(30);
    expect(await takeAttempt(db(), keys, t + 10_000)).toBe(20);
    const locks: number[] = [];
    for (let i = 0; i < 7; i++) {
      t += (await lockedFor(db(), keys, t)) * 1000;
      expect(await takeAttempt(db(), keys, t)).toBe(0);
      locks.push(await lockedFor(db(), keys, t));
    }
    expect(locks).toEqual([60, 120, 240, 480, 900, 900, 900]);
    // Just short of an hour after the lock ends, the failures still count.
    t += 900_000 + FORGET_AFTER_MS - 1000;
    expect(await takeAttempt(db(), keys, t)).toBe(0);
    expect(await lockedFor(db(), keys, t)).toBe(900);
    // A quiet hour after the lock: five free attempts again.
    t += 900_000 + FORGET_AFTER_MS;
    for (let i = 0; i < 4; i++) {
      expect(await takeAttempt(db(), keys, t += 1000)).toBe(0);
      expect(await lockedFor(db(), keys, t)).toBe(0);
    }
    expect(await takeAttempt(db(), keys, t += 1000)).toBe(0);
    expect(await lockedFor(db(), keys, t)).toBe(30);
  });

  it('20 parallel attempts on one key: exactly 5 go through', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => takeAttempt(db(), ['email:burst@demo.test'], T0)));
    expect(results.filter((w) => w === 0)).toHaveLength(5);
    expect((await raw<{ failures: number }>("select failures from login_throttle where key = 'email:burst@demo.test'"))[0].failures).toBe(5);
  });

  const attempt = (email: string, password: string, from: string) =>
    call()('/api/session', { method: 'POST', json: { email, password }, headers: { 'cf-connecting-ip': from } });

  it('over HTTP: 12 parallel wrong guesses at one account from 12 addresses, at most 5 are checked', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt('manager.south@demo.test', `guess-${i}`, `10.88.0.${i}`)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(7);
    expect((await attempt('manager.south@demo.test', 'Demo-2026!', '10.88.1.1')).status).toBe(429);
  });

  it('over HTTP: once the lock has ended and an hour has passed, the account and address start afresh', async () => {
    const from = '10.89.0.1';
    for (let i = 0; i < 5; i++) expect((await attempt('manager.east@demo.test', 'wrong-password', from)).status).toBe(401);
    expect((await attempt('manager.east@demo.test', 'Demo-2026!', from)).status).toBe(429);
    // Two hours pass (the rows are moved back rather than the test waiting).
    const shift = (iso: string | null) => (iso ? new Date(Date.parse(iso) - 2 * 3_600_000).toISOString() : null);
    for (const r of await raw<{ key: string; last_failure_at: string; locked_until: string | null }>("select * from login_throttle where key in ('email:manager.east@demo.test', 'ip:10.89.0.1')")) {
      await env.DB.prepare('update login_throttle set last_failure_at = ?, locked_until = ? where key = ?').bind(shift(r.last_failure_at), shift(r.locked_until), r.key).run();
    }
    expect((await attempt('manager.east@demo.test', 'wrong-again', from)).status).toBe(401);
    expect((await attempt('manager.east@demo.test', 'Demo-2026!', from)).status).toBe(200);
  });

  it('a successful sign-in gives the address its attempt back', async () => {
    const from = '10.90.0.1';
    for (let i = 0; i < 4; i++) expect((await attempt(`nobody${i}@demo.test`, 'x', from)).status).toBe(401);
    for (let i = 0; i < 3; i++) expect((await attempt('analyst@demo.test', 'Demo-2026!', from)).status).toBe(200);
    expect((await raw<{ failures: number; locked_until: string | null }>(`select failures, locked_until from login_throttle where key = 'ip:${from}'`))[0])
      .toEqual({ failures: 4, locked_until: null });
  });
});

describe('users per the access policy', () => {
  // Who each role should see, by plain JavaScript over the raw tables.
  async function expectedFor(role: 'regional_manager' | 'dealer_admin', me: string) {
    const [users, links, dealers] = await Promise.all([
      raw<{ id: string; dealer_id: string | null }>('select id, dealer_id from users'),
      raw<{ user_id: string; region_id: string }>('select user_id, region_id from user_regions'),
      raw<{ id: string; region_id: string | null }>('select id, region_id from dealers'),
    ]);
    const self = users.find((u) => u.id === me)!;
    if (role === 'dealer_admin') return users.filter((u) => u.dealer_id === self.dealer_id).map((u) => u.id).sort();
    const mine = new Set(links.filter((l) => l.user_id === me).map((l) => l.region_id));
    const regionOf = new Map(dealers.map((d) => [d.id, d.region_id]));
    return users.filter((u) => links.some((l) => l.user_id === u.id && mine.has(l.region_id)) || (u.dealer_id && mine.has(regionOf.get(u.dealer_id) ?? '')))
      .map((u) => u.id).sort();
  }
  const listed = async (api: Api, query = '') => {
    const res = await api(`/api/users?pageSize=200${query}`);
    expect(res.status).toBe(200);
    const page = await res.json<{ items: UserItem[]; total: number }>();
    expect(page.total).toBe(page.items.length);
    return page.items.map((u) => u.id).sort();
  };
  const userCount = async () => (await raw<{ n: number }>('select count(*) as n from users'))[0].n;
  let otherDealerUser: string;
  let otherDealer: string;
  let secondAdmin: string;

  beforeAll(async () => {
    otherDealer = String(rows.dealers.find((d) => d.type === 'dealer' && d.id !== demoDealer && d.region_id !== 'reg_north')!.id);
    otherDealerUser = (await invite(hq, { email: 'elsewhere@demo.test', name: 'Else Where', role: 'dealer_staff', dealerId: otherDealer })).id!;
    secondAdmin = (await invite(hq, { email: 'admin2@demo.test', name: 'Second Admin', role: 'dealer_admin', dealerId: demoDealer })).id!;
  });

  it('a regional manager lists the users of its regions only, and manages none', async () => {
    const manager = await signIn('manager@demo.test');
    const expected = await expectedFor('regional_manager', 'usr_mgr_north');
    expect(expected).toContain('usr_dealer_staff');
    expect(expected).not.toContain('usr_hq');
    expect(await listed(manager)).toEqual(expected);
    expect(await listed(manager, '&role=hq_admin')).toEqual([]);
    const before = await userCount();
    expect((await manager('/api/users', { method: 'POST', json: { email: 'm1@demo.test', name: 'M', role: 'field_rep', regionIds: ['reg_north'] } })).status).toBe(403);
    expect((await manager('/api/users/usr_dealer_staff', { method: 'PATCH', json: { name: 'Renamed' } })).status).toBe(403);
    expect(await userCount()).toBe(before);
  });

  it('a dealer admin lists its own dealer\'s users only', async () => {
    const admin = await signIn('dealer@demo.test');
    const expected = await expectedFor('dealer_admin', 'usr_dealer_admin');
    expect(expected).toEqual(expect.arrayContaining(['usr_dealer_admin', 'usr_dealer_staff', secondAdmin]));
    expect(await listed(admin)).toEqual(expected);
    expect(await listed(admin, `&q=${encodeURIComponent('Else Where')}`)).toEqual([]);
  });

  it('a dealer admin invites staff of its own dealer; a forged role, dealer or regions is refused by name', async () => {
    const admin = await signIn('dealer@demo.test');
    const before = await userCount();
    const forged: Array<[Record<string, unknown>, string]> = [
      [{ email: 'f1@demo.test', name: 'F', role: 'dealer_admin', dealerId: demoDealer }, 'role'],
      [{ email: 'f2@demo.test', name: 'F', role: 'dealer_staff', dealerId: otherDealer }, 'dealerId'],
      [{ email: 'f3@demo.test', name: 'F', role: 'field_rep', regionIds: ['reg_north'] }, 'role'],
      [{ email: 'f4@demo.test', name: 'F', role: 'dealer_staff', dealerId: demoDealer, regionIds: ['reg_north'] }, 'regionIds'],
    ];
    for (const [body, field] of forged) {
      const res = await admin('/api/users', { method: 'POST', json: body });
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect((await res.json<ErrorBody>()).error.fields?.[field], JSON.stringify(body)).toBeTruthy();
    }
    const hqRole = await admin('/api/users', { method: 'POST', json: { email: 'f5@demo.test', name: 'F', role: 'hq_admin' } });
    expect(hqRole.status).toBe(403);
    expect(await userCount()).toBe(before);

    const made = await invite(admin, { email: 'new.staff@demo.test', name: 'New Staff', role: 'dealer_staff', dealerId: demoDealer });
    expect(made.res.status).toBe(201);
    expect((await raw<{ role: string; dealer_id: string }>('select role, dealer_id from users where id = ?', made.id))[0]).toEqual({ role: 'dealer_staff', dealer_id: demoDealer });
  });

  it('a dealer admin changes its own staff only, never to another role, and others\' users are 404', async () => {
    const admin = await signIn('dealer@demo.test');
    const staffId = (await invite(hq, { email: 'staff2@demo.test', name: 'Staff Two', role: 'dealer_staff', dealerId: demoDealer })).id!;
    const snapshot = async () => JSON.stringify(await raw('select id, name, role, status, dealer_id from users order by id'));
    const before = await snapshot();
    for (const target of [otherDealerUser, 'usr_hq', 'usr_mgr_north', 'usr_rep_01']) {
      expect((await admin(`/api/users/${target}`, { method: 'PATCH', json: { name: 'Hijacked' } })).status, target).toBe(404);
    }
    for (const role of ['dealer_admin', 'hq_admin', 'regional_manager']) {
      const res = await admin(`/api/users/${staffId}`, { method: 'PATCH', json: { role } });
      expect(res.status, role).toBe(403);
      expect((await res.json<ErrorBody>()).error.fields?.role).toBeTruthy();
    }
    expect((await admin(`/api/users/${staffId}`, { method: 'PATCH', json: { regionIds: ['reg_north'] } })).status).toBe(403);
    expect((await admin(`/api/users/${secondAdmin}`, { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(403);
    expect((await admin('/api/users/usr_dealer_admin', { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(422);
    expect(await snapshot()).toBe(before);

    const renamed = await admin(`/api/users/${staffId}`, { method: 'PATCH', json: { name: 'Staff 2' } });
    expect(renamed.status).toBe(200);
    expect((await admin(`/api/users/${staffId}`, { method: 'PATCH', json: { status: 'disabled' } })).status).toBe(200);
    expect((await raw<{ name: string; status: string }>('select name, status from users where id = ?', staffId))[0]).toEqual({ name: 'Staff 2', status: 'disabled' });
  });

  it('HQ and the analyst see everyone; reps, staff and suppliers see no users', async () => {
    const everyone = (await raw<{ id: string }>('select id from users')).map((u) => u.id).sort();
    expect(await listed(hq)).toEqual(everyone);
    expect(await listed(await signIn('analyst@demo.test'))).toEqual(everyone);
    for (const email of ['rep@demo.test', 'staff@demo.test', 'supplier@demo.test']) {
      expect((await (await signIn(email))('/api/users')).status, email).toBe(403);
    }
  });
});

describe('the drizzle migration history matches the SQL migrations', () => {
  const journal = import.meta.glob<{ entries: Array<{ idx: number; tag: string }> }>('../../migrations/meta/_journal.json', { eager: true, import: 'default' });
  const snapshots = import.meta.glob<Snapshot>('../../migrations/meta/*_snapshot.json', { eager: true, import: 'default' });
  type Snapshot = { tables: Record<string, { columns: Record<string, { name: string; notNull: boolean; primaryKey: boolean }>; indexes: Record<string, { columns: string[]; isUnique: boolean }>; foreignKeys: Record<string, { columnsFrom: string[]; tableTo: string }>; compositePrimaryKeys: Record<string, { columns: string[] }>; checkConstraints: Record<string, unknown> }> };

  type Shape = Record<string, { columns: string[]; notNull: string[]; pk: string[]; indexes: string[]; fks: string[]; checks: number }>;
  const sorted = (xs: string[]) => [...xs].sort();

  // The database the SQL files built, read from SQLite itself.
  async function fromDatabase(): Promise<Shape> {
    const out: Shape = {};
    const tables = await raw<{ name: string; sql: string }>("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '_cf_%' and name != 'd1_migrations'");
    for (const t of tables) {
      const cols = await raw<{ name: string; notnull: number; pk: number }>(`pragma table_info('${t.name}')`);
      const idx = await raw<{ name: string; unique: number; origin: string }>(`pragma index_list('${t.name}')`);
      const indexes: string[] = [];
      for (const i of idx.filter((x) => x.origin === 'c')) {
        const parts = await raw<{ name: string }>(`pragma index_info('${i.name}')`);
        indexes.push(`${i.name}(${parts.map((p) => p.name).join(',')})${i.unique ? ' unique' : ''}`);
      }
      const fks = await raw<{ from: string; table: string }>(`pragma foreign_key_list('${t.name}')`);
      out[t.name] = {
        columns: sorted(cols.map((c) => c.name)),
        notNull: sorted(cols.filter((c) => c.notnull).map((c) => c.name)),
        pk: cols.filter((c) => c.pk).sort((a, b) => a.pk - b.pk).map((c) => c.name),
        indexes: sorted(indexes),
        fks: sorted(fks.map((f) => `${f.from}->${f.table}`)),
        checks: (t.sql.match(/\bCHECK\s*\(/gi) ?? []).length,
      };
    }
    return out;
  }

  function fromSnapshot(s: Snapshot): Shape {
    const out: Shape = {};
    for (const [name, t] of Object.entries(s.tables)) {
      const cols = Object.values(t.columns);
      out[name] = {
        columns: sorted(cols.map((c) => c.name)),
        notNull: sorted(cols.filter((c) => c.notNull).map((c) => c.name)),
        pk: Object.values(t.compositePrimaryKeys)[0]?.columns ?? cols.filter((c) => c.primaryKey).map((c) => c.name),
        indexes: sorted(Object.entries(t.indexes).map(([n, i]) => `${n}(${i.columns.join(',')})${i.isUnique ? ' unique' : ''}`)),
        fks: sorted(Object.values(t.foreignKeys).map((f) => `${f.columnsFrom[0]}->${f.tableTo}`)),
        checks: Object.keys(t.checkConstraints).length,
      };
    }
    return out;
  }

  function fromSchema(): Shape {
    const out: Shape = {};
    const tables = (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => is(v, SQLiteTable));
    for (const table of tables) {
      const c = getTableConfig(table);
      out[c.name] = {
        columns: sorted(c.columns.map((col) => col.name)),
        notNull: sorted(c.columns.filter((col) => col.notNull).map((col) => col.name)),
        pk: c.primaryKeys[0]?.columns.map((col) => col.name) ?? c.columns.filter((col) => col.primary).map((col) => col.name),
        indexes: sorted(c.indexes.map((i) => `${i.config.name}(${i.config.columns.map((col) => (col as { name: string }).name).join(',')})${i.config.unique ? ' unique' : ''}`)),
        fks: sorted(c.foreignKeys.map((f) => { const r = f.reference(); return `${r.columns[0].name}->${getTableConfig(r.foreignTable).name}`; })),
        checks: c.checks.length,
      };
    }
    return out;
  }

  it('every SQL file is in the journal, in order', () => {
    const tags = Object.values(journal)[0].entries.map((e) => e.tag);
    expect(tags).toEqual(env.TEST_MIGRATIONS.map((m) => m.name.replace(/\.sql$/, '')));
    expect(Object.keys(snapshots)).toHaveLength(tags.length);
  });

  it('the latest snapshot and schema.ts both describe the database the SQL files build', async () => {
    const db = await fromDatabase();
    const entries = Object.values(journal)[0].entries;
    const latest = snapshots[`../../migrations/meta/${String(entries.at(-1)!.idx).padStart(4, '0')}_snapshot.json`];
    expect(fromSnapshot(latest)).toEqual(db);
    expect(fromSchema()).toEqual(db);
  });
});
