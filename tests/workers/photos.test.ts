// Field photos: stored once under their content hash, read only within scope, and a bad upload
// is refused with a reason while nothing is stored.
import { env } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DemoRows } from '../../core/demo/generate.ts';
import { imageTypeOf, MAX_PHOTO_BYTES } from '../../core/validators/photos.ts';
import { MAX_PHOTO_BODY_BYTES } from '../../worker/app.ts';
import { dealerOf, seedDemo, signIn, tableDigest, type Api } from './fixtures.ts';

// A real 1x1 PNG. Bytes after IEND are ignored by decoders, which makes distinct photos.
const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='), (ch) => ch.charCodeAt(0));
const photo = (tag: string) => new Uint8Array([...PNG, ...new TextEncoder().encode(tag)]);

async function sha(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function put(api: Api, bytes: Uint8Array, query: string, name?: string): Promise<Response> {
  return api(`/api/photos/${name ?? await sha(bytes)}?${query}`, { method: 'PUT', body: bytes, headers: { 'content-type': 'image/png' } });
}

type Stored = { sha256: string; dealerId: string; lat: number | null; lng: number | null; width: number | null; contentType: string; bytes: number; url: string };
type ErrorBody = { error: { code: string; message: string; fields?: Record<string, string> } };

const stored = async () => `${await tableDigest('photos')}|${(await env.FILES.list({ prefix: 'photos/' })).objects.map((o) => o.key).sort().join(',')}`;

let rows: DemoRows;
let rep: Api;
let mine: string[];
let notMine: string;
beforeAll(async () => {
  rows = await seedDemo();
  rep = await signIn('rep@demo.test');
  const live = new Set(rows.dealers.filter((d) => d.status !== 'archived').map((d) => String(d.id)));
  mine = rows.rep_assignments.filter((a) => a.rep_id === 'usr_rep_01' && live.has(String(a.dealer_id))).map((a) => String(a.dealer_id));
  notMine = [...live].find((id) => !mine.includes(id))!;
});

afterEach(async () => { await env.DB.prepare(`update organisations set photo_location = 'keep'`).run(); });

describe('photo upload', () => {
  it('stores a photo once: 201, then the same answer with 200; GET and HEAD return it', async () => {
    const bytes = photo('first');
    const name = await sha(bytes);
    expect((await rep(`/api/photos/${name}`, { method: 'HEAD' })).status).toBe(404);

    const first = await put(rep, bytes, `dealer=${mine[0]}&lat=48.1&lng=11.5&w=1&h=1`);
    expect(first.status).toBe(201);
    const body = await first.json<Stored>();
    expect(body).toMatchObject({ sha256: name, dealerId: mine[0], contentType: 'image/png', bytes: bytes.length, lat: 48.1, lng: 11.5, width: 1, url: `/api/photos/${name}` });

    const again = await put(rep, bytes, `dealer=${mine[0]}&lat=48.1&lng=11.5&w=1&h=1`);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(body);
    expect((await env.DB.prepare('select count(*) as n from photos where sha256 = ?').bind(name).first<{ n: number }>())?.n).toBe(1);

    const got = await rep(`/api/photos/${name}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(got.headers.get('etag')).toBe(`"${name}"`);
    expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
    expect((await rep(`/api/photos/${name}?thumb=1`)).headers.get('content-type')).toBe('image/png');
    expect((await rep(`/api/photos/${name}`, { headers: { 'if-none-match': `"${name}"` } })).status).toBe(304);

    const head = await rep(`/api/photos/${name}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await env.FILES.head(`photos/${name}`))?.httpMetadata?.contentType).toBe('image/png');
  });

  it('drops the location when the brand says strip', async () => {
    await env.DB.prepare(`update organisations set photo_location = 'strip'`).run();
    const bytes = photo('stripped');
    const res = await put(rep, bytes, `dealer=${mine[0]}&lat=48.1&lng=11.5`);
    expect(res.status).toBe(201);
    expect(await res.json<Stored>()).toMatchObject({ lat: null, lng: null });
    const row = await env.DB.prepare('select lat, lng from photos where sha256 = ?').bind(await sha(bytes)).first();
    expect(row).toEqual({ lat: null, lng: null });
  });

  it('tells JPEG, PNG and WebP from anything else by their first bytes', () => {
    expect(imageTypeOf(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(imageTypeOf(PNG)).toBe('image/png');
    expect(imageTypeOf(new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(imageTypeOf(new TextEncoder().encode('GIF89a'))).toBeNull();
    expect(imageTypeOf(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(imageTypeOf(new Uint8Array())).toBeNull();
  });
});

describe('a refused photo stores nothing', () => {
  const big = () => { const b = new Uint8Array(MAX_PHOTO_BYTES + 1); b.set(PNG); return b; };
  const cases: Array<{ name: string; send: () => Promise<Response>; status: number; code: string; field?: string }> = [
    { name: 'not an image', send: () => put(rep, new TextEncoder().encode('just some text'), `dealer=${mine[0]}`), status: 415, code: 'not_an_image' },
    { name: 'an SVG sent as image/png', send: () => put(rep, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), `dealer=${mine[0]}`), status: 415, code: 'not_an_image' },
    { name: 'one byte over the limit', send: () => put(rep, big(), `dealer=${mine[0]}`), status: 413, code: 'too_large' },
    { name: 'far over the limit', send: () => put(rep, new Uint8Array(MAX_PHOTO_BODY_BYTES + 1), `dealer=${mine[0]}`, 'a'.repeat(64)), status: 413, code: 'too_large' },
    { name: 'hash does not match', send: () => put(rep, photo('damaged'), `dealer=${mine[0]}`, 'b'.repeat(64)), status: 422, code: 'hash_mismatch' },
    { name: 'a dealer outside the rep\'s scope', send: () => put(rep, photo('elsewhere'), `dealer=${notMine}`), status: 404, code: 'not_found' },
    { name: 'a dealer that does not exist', send: () => put(rep, photo('nowhere'), 'dealer=dlr_99999'), status: 404, code: 'not_found' },
    { name: 'no dealer', send: () => put(rep, photo('orphan'), ''), status: 400, code: 'invalid_input', field: 'dealer' },
    { name: 'latitude without longitude', send: () => put(rep, photo('half'), `dealer=${mine[0]}&lat=10`), status: 400, code: 'invalid_input', field: 'lng' },
    { name: 'latitude out of range', send: () => put(rep, photo('pole'), `dealer=${mine[0]}&lat=91&lng=0`), status: 400, code: 'invalid_input', field: 'lat' },
    { name: 'a visit of another dealer', send: () => put(rep, photo('visit'), `dealer=${mine[0]}&visit=visit.usr_rep_01~${notMine}.abcdefgh12`), status: 400, code: 'invalid_input', field: 'visit' },
    { name: 'a name that is not a SHA-256', send: () => put(rep, photo('badname'), `dealer=${mine[0]}`, 'ABC'), status: 400, code: 'invalid_input', field: 'sha' },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.status} ${c.code}`, async () => {
      const before = await stored();
      const res = await c.send();
      expect(res.status).toBe(c.status);
      const body = await res.json<ErrorBody>();
      expect(body.error.code).toBe(c.code);
      expect(body.error.message.length).toBeGreaterThan(10);
      if (c.field) expect(Object.keys(body.error.fields ?? {})).toContain(c.field);
      expect(await stored()).toBe(before);
    });
  }

  it('the same bytes for a second dealer are refused out loud, the first stays', async () => {
    const bytes = photo('shared');
    expect((await put(rep, bytes, `dealer=${mine[0]}`)).status).toBe(201);
    const before = await stored();
    const res = await put(rep, bytes, `dealer=${mine[1]}`);
    expect(res.status).toBe(409);
    expect((await res.json<ErrorBody>()).error.code).toBe('conflict');
    expect(await stored()).toBe(before);
  });
});

describe('photo reads stay in scope', () => {
  it('outside the caller\'s scope a photo reads as missing, HEAD included', async () => {
    const hq = await signIn('hq@demo.test');
    const bytes = photo('hq-only');
    const name = await sha(bytes);
    expect((await put(hq, bytes, `dealer=${notMine}`)).status).toBe(201);
    expect((await hq(`/api/photos/${name}`)).status).toBe(200);
    const res = await rep(`/api/photos/${name}`);
    expect(res.status).toBe(404);
    expect((await res.json<ErrorBody>()).error.code).toBe('not_found');
    expect((await rep(`/api/photos/${name}`, { method: 'HEAD' })).status).toBe(404);

    const region = rows.dealers.find((d) => d.id === notMine)!.region_id;
    const manager = await signIn('manager@demo.test');
    expect((await manager(`/api/photos/${name}`)).status).toBe(region === 'reg_north' ? 200 : 404);
  });

  it('a dealer login cannot read another dealer\'s photo', async () => {
    const own = dealerOf(rows);
    const tree = new Set([own]);
    for (let grew = true; grew;) {
      grew = false;
      for (const d of rows.dealers) if (d.parent_id && tree.has(String(d.parent_id)) && !tree.has(String(d.id))) tree.add(String(d.id)), grew = true;
    }
    const other = mine.find((id) => !tree.has(id))!;
    const bytes = photo('other-dealer');
    expect((await put(rep, bytes, `dealer=${other}`)).status).toBe(201);
    const dealer = await signIn('dealer@demo.test');
    const res = await dealer(`/api/photos/${await sha(bytes)}`);
    // The policy lets a dealer's users read their own dealer's photos: another dealer's is not found.
    expect(res.status).toBe(404);
    expect(mine).toContain(own);
    const theirs = photo('own-dealer');
    expect((await put(rep, theirs, `dealer=${own}`)).status).toBe(201);
    expect((await dealer(`/api/photos/${await sha(theirs)}`)).status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
  });

  it('a malformed name is simply not found', async () => {
    expect((await rep('/api/photos/not-a-hash')).status).toBe(404);
  });
});
