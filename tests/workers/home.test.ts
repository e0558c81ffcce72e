// The dealer home against D1 rows made here, announcements and documents by audience, the
// notification list, and Web Push sent to a fake push service.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DemoRows } from '../../core/demo/generate.ts';
import { tierProgress } from '../../core/home/tiers.ts';
import { b64url, concat, fromB64url, hkdf } from '../../core/push/webpush.ts';
import { makeDb } from '../../server/db.ts';
import { notify } from '../../server/notify.ts';
import { dealerOf, seedDemo, signIn, type Api } from './fixtures.ts';

type Home = {
  dealer: { id: string; tier: string; regionId: string };
  year: number;
  sales: { total: number; target: number; targetToDate: number; months: Array<{ period: string; sales: number; target: number }> };
  openOrders: { count: number; items: Array<{ id: string; status: string }> };
  rank: { position: number; of: number };
  tier: ReturnType<typeof tierProgress>;
  documents: Array<{ id: string; title: string; url: string }>;
  announcements: Array<{ id: string; title: string }>;
};

let rows: DemoRows;
let dealer: Api;
let staff: Api;
let hq: Api;
let demo: { id: string; tier: string; region_id: string; type: string };
const year = new Date().getUTCFullYear();

const order = (id: string, dealerId: string, status: string, total: number, submittedAt: string | null) =>
  env.DB.prepare('insert into orders (id, dealer_id, status, total, submitted_at, updated_at, line_count) values (?, ?, ?, ?, ?, ?, 1)')
    .bind(id, dealerId, status, total, submittedAt, submittedAt ?? `${year}-01-01T00:00:00Z`);

beforeAll(async () => {
  rows = await seedDemo();
  [dealer, staff, hq] = await Promise.all([signIn('dealer@demo.test'), signIn('staff@demo.test'), signIn('hq@demo.test')]);
  const dealerId = dealerOf(rows);
  demo = rows.dealers.find((d) => d.id === dealerId) as unknown as typeof demo;
  const peers = rows.dealers.filter((d) => d.region_id === demo.region_id && d.type === demo.type && d.status === 'active' && d.id !== demo.id);
  await env.DB.prepare('delete from orders').run();
  await env.DB.batch([
    order('o_sold_1', demo.id, 'approved', 1_000_000, `${year}-01-15T10:00:00Z`),
    order('o_sold_2', demo.id, 'shipped', 500_000, `${year}-02-03T10:00:00Z`),
    order('o_sold_3', demo.id, 'delivered', 250_000, `${year}-02-20T10:00:00Z`),
    order('o_last_year', demo.id, 'delivered', 9_999_999, `${year - 1}-12-31T23:59:59Z`),
    order('o_rejected', demo.id, 'rejected', 7_000_000, `${year}-03-01T10:00:00Z`),
    order('o_draft', demo.id, 'draft', null as unknown as number, null),
    order('o_submitted', demo.id, 'submitted', 120_000, `${year}-01-20T10:00:00Z`),
    order('o_held', demo.id, 'held', 80_000, `${year}-01-21T10:00:00Z`),
    order('o_cancelled', demo.id, 'cancelled', 80_000, `${year}-01-22T10:00:00Z`),
    // One peer sells more, one less: the demo dealer is second.
    order('o_peer_top', peers[0].id as string, 'approved', 5_000_000, `${year}-01-10T10:00:00Z`),
    order('o_peer_low', peers[1].id as string, 'approved', 100_000, `${year}-01-10T10:00:00Z`),
  ]);
});

describe('dealer home', () => {
  it('sums this year\'s sold orders against this year\'s dealer targets', async () => {
    const res = await dealer('/api/home');
    expect(res.status).toBe(200);
    const home = await res.json<Home>();
    expect(home.dealer.id).toBe(demo.id);
    expect(home.year).toBe(year);
    expect(home.sales.total).toBe(1_750_000);
    const target = rows.targets.filter((t) => t.subject_type === 'dealer' && t.subject_id === demo.id && String(t.period).startsWith(`${year}-`))
      .reduce((n, t) => n + Number(t.amount), 0);
    expect(home.sales.target).toBe(target);
    expect(home.sales.months).toHaveLength(12);
    expect(home.sales.months[0]).toMatchObject({ period: `${year}-01`, sales: 1_000_000 });
    expect(home.sales.months[1]).toMatchObject({ period: `${year}-02`, sales: 750_000 });
  });

  it('lists open orders (draft to shipped) and counts them', async () => {
    const home = await (await dealer('/api/home')).json<Home>();
    expect(home.openOrders.count).toBe(5);
    expect(home.openOrders.items.map((o) => o.id).sort()).toEqual(['o_draft', 'o_held', 'o_sold_1', 'o_sold_2', 'o_submitted']);
  });

  it('shows a dealer with sub-dealers its network\'s sales this year', async () => {
    const subs = rows.dealers.filter((d) => d.parent_id === demo.id);
    expect(subs.length).toBeGreaterThan(0);
    await env.DB.batch([
      order('o_net_1', String(subs[0].id), 'approved', 300_000, `${year}-03-01T10:00:00Z`),
      order('o_net_2', String(subs[0].id), 'rejected', 900_000, `${year}-03-02T10:00:00Z`),
    ]);
    const home = await (await dealer('/api/home')).json<Home & { network: { dealers: number; sales: number } | null }>();
    expect(home.network).toMatchObject({ dealers: subs.length + rows.dealers.filter((d) => subs.some((s) => s.id === d.parent_id)).length, sales: 300_000 });
    await env.DB.prepare("delete from orders where id in ('o_net_1', 'o_net_2')").run();
  });

  it('ranks the dealer in its region among dealers of its kind', async () => {
    const home = await (await dealer('/api/home')).json<Home>();
    const of = rows.dealers.filter((d) => d.region_id === demo.region_id && d.type === demo.type && (d.status === 'active' || d.id === demo.id)).length;
    expect(home.rank).toMatchObject({ position: 2, of });
  });

  it('shows the tier and the progress to the next', async () => {
    const home = await (await dealer('/api/home')).json<Home>();
    expect(home.tier).toEqual(tierProgress(demo.tier, 1_750_000));
  });

  it('shows only the announcements and documents meant for the dealer\'s tier, region or everyone', async () => {
    const other = demo.tier === 'gold' ? 'silver' : 'gold';
    const otherRegion = demo.region_id === 'reg_south' ? 'reg_north' : 'reg_south';
    for (const [title, audience] of [['For my tier', `tier:${demo.tier}`], ['For another tier', `tier:${other}`], ['For another region', `region:${otherRegion}`]]) {
      const res = await hq('/api/home/announcements', { method: 'POST', json: { title, body: 'Text', audience } });
      expect(res.status).toBe(201);
    }
    const home = await (await dealer('/api/home')).json<Home>();
    const titles = home.announcements.map((a) => a.title);
    expect(titles).toContain('For my tier');
    expect(titles).toContain('Spring colour collection');
    expect(titles).not.toContain('For another tier');
    expect(titles).not.toContain('For another region');
    expect(demo.region_id === 'reg_north').toBe(titles.includes('North: warehouse closed on Friday'));
    expect(home.documents.map((d) => d.title)).toEqual(expect.arrayContaining(['Price list 2026', 'Product catalog 2026']));
  });

  it('refuses a home to users without a dealer, and publishing to dealers', async () => {
    expect((await hq('/api/home')).status).toBe(403);
    const res = await dealer('/api/home/announcements', { method: 'POST', json: { title: 'Mine', body: 'x' } });
    expect(res.status).toBe(403);
    expect((await dealer('/api/home/documents?title=x', { method: 'PUT', body: 'x', headers: { 'content-type': 'text/plain' } })).status).toBe(403);
    const bad = await hq('/api/home/announcements', { method: 'POST', json: { title: '', body: 'x', audience: 'tier:tin' } });
    expect(bad.status).toBe(400);
    expect(Object.keys((await bad.json<{ error: { fields: Record<string, string> } }>()).error.fields).sort()).toEqual(['audience', 'title']);
  });
});

describe('documents', () => {
  it('a demo document without a file answers 404 with a message', async () => {
    const res = await dealer('/api/home/documents/doc_demo_pricelist');
    expect(res.status).toBe(404);
    expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(/not been uploaded/);
  });

  it('HQ uploads a file (raw or multipart) and the dealers it is for download it', async () => {
    const text = '%PDF-1.4\n% price list placeholder\n';
    const res = await hq(`/api/home/documents?title=${encodeURIComponent('Price list Q1')}&kind=price_list&audience=all`, { method: 'PUT', body: text, headers: { 'content-type': 'application/pdf' } });
    expect(res.status).toBe(201);
    const doc = await res.json<{ id: string; url: string; bytes: number }>();
    expect(doc.bytes).toBe(text.length);
    const got = await dealer(doc.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(new TextDecoder().decode(await got.arrayBuffer())).toBe(text);

    const form = new FormData();
    form.set('file', new File(['catalog'], 'c.txt', { type: 'text/plain' }));
    form.set('title', 'Other tier catalog');
    form.set('kind', 'catalog');
    form.set('audience', `tier:${demo.tier === 'gold' ? 'silver' : 'gold'}`);
    const multi = await hq('/api/home/documents', { method: 'PUT', body: form });
    expect(multi.status).toBe(201);
    const hidden = await multi.json<{ url: string }>();
    expect((await dealer(hidden.url)).status).toBe(404);
    expect((await hq(hidden.url)).status).toBe(200);
  });

  it('refuses an empty upload and one over 8 MiB', async () => {
    expect((await hq('/api/home/documents?title=x', { method: 'PUT', body: '', headers: { 'content-type': 'text/plain' } })).status).toBe(400);
    const big = await hq('/api/home/documents?title=x', { method: 'PUT', body: new Uint8Array(8 * 1024 * 1024 + 1), headers: { 'content-type': 'application/pdf' } });
    expect(big.status).toBe(413);
  });
});

// A browser's subscription keys, so the test can read what the push service receives.
async function browser() {
  const pair = await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits']) as CryptoKeyPair;
  const pub = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey) as ArrayBuffer);
  const auth = crypto.getRandomValues(new Uint8Array(16));
  return { pair, pub, auth, keys: { p256dh: b64url(pub), auth: b64url(auth) } };
}

async function decrypt(body: Uint8Array, b: Awaited<ReturnType<typeof browser>>): Promise<unknown> {
  const enc = new TextEncoder();
  const salt = body.slice(0, 16);
  const asPublic = body.slice(21, 21 + body[20]);
  const asKey = await crypto.subtle.importKey('raw', asPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const secret = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: asKey } as unknown as Parameters<typeof crypto.subtle.deriveBits>[0], b.pair.privateKey, 256));
  const ikm = await hkdf(b.auth, secret, concat(enc.encode('WebPush: info\0'), b.pub, asPublic), 32);
  const key = await crypto.subtle.importKey('raw', await hkdf(salt, ikm, enc.encode('Content-Encoding: aes128gcm\0'), 16), 'AES-GCM', false, ['decrypt']);
  const plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: await hkdf(salt, ikm, enc.encode('Content-Encoding: nonce\0'), 12) }, key, body.slice(21 + body[20])));
  return JSON.parse(new TextDecoder().decode(plain.slice(0, -1)));
}

describe('notifications and Web Push', () => {
  it('gives the VAPID public key', async () => {
    expect(await (await dealer('/api/push/key')).json()).toEqual({ publicKey: env.VAPID_PUBLIC_KEY });
  });

  it('refuses a bad subscription body', async () => {
    for (const json of [{}, { endpoint: 'http://push.example.test/x', keys: { p256dh: 'a'.repeat(87), auth: 'b'.repeat(22) } }, { endpoint: 'https://push.example.test/x', keys: { p256dh: 'short', auth: 'b'.repeat(22) } }]) {
      expect((await dealer('/api/push/subscribe', { method: 'POST', json })).status).toBe(400);
    }
  });

  it('notify() stores a notification per dealer user and pushes a signed, encrypted message to each subscription; gone ones are dropped', async () => {
    const live = await browser();
    const gone = await browser();
    expect((await dealer('/api/push/subscribe', { method: 'POST', json: { endpoint: 'https://push.example.test/live', expirationTime: null, keys: live.keys } })).status).toBe(201);
    expect((await staff('/api/push/subscribe', { method: 'POST', json: { endpoint: 'https://push.example.test/gone', keys: gone.keys } })).status).toBe(201);

    // The push service, faked: records what arrives, and says the staff's subscription is gone.
    const received: Array<{ url: string; headers: Headers; body: Uint8Array }> = [];
    const fakePushService = async (url: string, init: RequestInit) => {
      received.push({ url, headers: new Headers(init.headers), body: init.body as Uint8Array });
      return new Response(null, { status: url.endsWith('/gone') ? 410 : 201 });
    };
    const result = await notify(env, makeDb(env.DB), { dealerId: demo.id, kind: 'order_approved', title: 'Order approved', body: 'Your order was approved.', url: '/portal/orders/x' }, { fetch: fakePushService });
    expect(result).toEqual({ notified: 2, pushed: 1, expired: 1, failed: 0 });

    expect(received.map((r) => r.url).sort()).toEqual(['https://push.example.test/gone', 'https://push.example.test/live']);
    const sent = received.find((r) => r.url.endsWith('/live'))!;
    expect(sent.headers.get('content-encoding')).toBe('aes128gcm');
    expect(Number(sent.headers.get('ttl'))).toBeGreaterThan(0);
    const auth = /^vapid t=([\w-]+)\.([\w-]+)\.([\w-]+), k=([\w-]+)$/.exec(sent.headers.get('authorization') ?? '');
    expect(auth).toBeTruthy();
    expect(auth![4]).toBe(env.VAPID_PUBLIC_KEY);
    expect(JSON.parse(new TextDecoder().decode(fromB64url(auth![2])))).toMatchObject({ aud: 'https://push.example.test', sub: env.VAPID_SUBJECT });
    const pub = await crypto.subtle.importKey('raw', fromB64url(env.VAPID_PUBLIC_KEY!), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, pub, fromB64url(auth![3]), new TextEncoder().encode(`${auth![1]}.${auth![2]}`))).toBe(true);
    expect(await decrypt(sent.body, live)).toMatchObject({ kind: 'order_approved', title: 'Order approved', body: 'Your order was approved.', url: '/portal/orders/x' });

    const left = await env.DB.prepare('select endpoint from push_subscriptions order by endpoint').all<{ endpoint: string }>();
    expect(left.results.map((r) => r.endpoint)).toEqual(['https://push.example.test/live']);
  });

  it('never throws: a push service that fails is counted, the notification still stored', async () => {
    const failing = async () => { throw new Error('network down'); };
    const result = await notify(env, makeDb(env.DB), { userIds: ['usr_dealer_admin'], kind: 'order_shipped', title: 'Order shipped' }, { fetch: failing });
    expect(result).toMatchObject({ notified: 1, pushed: 0, failed: 1 });
    expect(await notify(env, makeDb(env.DB), { role: 'regional_manager', regionId: 'reg_north', kind: 'ticket_answered', title: 'x' }, { fetch: failing })).toMatchObject({ notified: 1 });
  });

  it('lists one\'s own notifications newest first with the unread count, and marks them read', async () => {
    const list = await (await dealer('/api/notifications')).json<{ items: Array<{ id: string; title: string; readAt: string | null }>; unread: number }>();
    expect(list.items.map((n) => n.title)).toEqual(['Order shipped', 'Order approved']);
    expect(list.unread).toBe(2);
    const one = await dealer('/api/notifications/read', { method: 'POST', json: { ids: [list.items[0].id] } });
    expect(await one.json()).toEqual({ marked: 1, unread: 1 });
    // Someone else's id changes nothing.
    const staffList = await (await staff('/api/notifications')).json<{ items: Array<{ id: string }>; unread: number }>();
    expect(staffList.unread).toBe(1);
    expect(await (await staff('/api/notifications/read', { method: 'POST', json: { ids: [list.items[1].id] } })).json()).toEqual({ marked: 0, unread: 1 });
    expect(await (await dealer('/api/notifications/read', { method: 'POST', json: { all: true } })).json()).toEqual({ marked: 1, unread: 0 });
    expect((await dealer('/api/notifications/read', { method: 'POST', json: {} })).status).toBe(400);
  });

  it('unsubscribes', async () => {
    const res = await dealer('/api/push/subscribe', { method: 'DELETE', json: { endpoint: 'https://push.example.test/live' } });
    expect(await res.json()).toEqual({ removed: 1 });
  });
});
