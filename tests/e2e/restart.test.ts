// A document outlives `wrangler dev` itself: written through the room, the process stopped and
// started again on the same local state, the room and its D1 projection still hold it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import { DEMO_PASSWORD } from '../../core/demo/users.ts';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { initDoc, order } from '../../core/docs/schema.ts';
import { applyMigrations, freePort, seed, startDev, type DevServer } from '../../scripts/local-stack.ts';

const persistTo = mkdtempSync(join(tmpdir(), 'fieldnet-restart-'));
let dev: DevServer | null = null;
afterAll(async () => {
  await dev?.stop();
  rmSync(persistTo, { recursive: true, force: true });
});

const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

async function signIn(url: string) {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email: 'dealer@demo.test', password: DEMO_PASSWORD }) });
  expect(res.status).toBe(200);
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], me: await res.json() as { user: { id: string; dealerId: string } } };
}

async function sync(url: string, cookie: string, doc: string, update?: Uint8Array) {
  const res = await fetch(`${url}/api/sync`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: url },
    body: JSON.stringify({ docs: [{ doc, stateVector: b64(Y.encodeStateVector(new Y.Doc())), ...(update ? { update: b64(update) } : {}) }] }),
  });
  expect(res.status).toBe(200);
  const [r] = (await res.json()).results as Array<{ diff?: string; error?: unknown }>;
  expect(r.error).toBeUndefined();
  const copy = new Y.Doc();
  Y.applyUpdate(copy, unb64(r.diff!));
  return copy;
}

it('a document persists across a wrangler dev restart', async () => {
  applyMigrations(persistTo);
  seed(persistTo);
  dev = await startDev({ port: await freePort(), persistTo, quiet: true });
  const { cookie, me } = await signIn(dev.url);
  const id = makeDocId('order', { dealerId: me.user.dealerId }, 'restart0001');
  const doc = new Y.Doc();
  initDoc(doc, parseDocId(id), me.user.id);
  order.setLine(doc, 'kept', { productId: 'prd_002', quantity: 6 });
  order.notes(doc).insert(0, 'deliver before noon');
  await sync(dev.url, cookie, id, Y.encodeStateAsUpdate(doc));
  // The projection is written on the room's alarm, about a second after the change.
  const projected = async (url: string, c: string) => {
    const res = await fetch(`${url}/api/docs?limit=1000`, { headers: { cookie: c } });
    return ((await res.json()).items as Array<{ id: string; updatedAt: string }>).find((d) => d.id === id);
  };
  await new Promise((r) => setTimeout(r, 2500));
  const before = await projected(dev.url, cookie);
  expect(before).toBeDefined();

  await dev.stop();
  dev = await startDev({ port: await freePort(), persistTo, quiet: true });
  const again = await signIn(dev.url);
  const copy = await sync(dev.url, again.cookie, id);
  expect(order.lines(copy).get('kept')).toEqual({ productId: 'prd_002', quantity: 6 });
  expect(order.notes(copy).toString()).toBe('deliver before noon');
  expect(await projected(dev.url, again.cookie)).toEqual(before);
}, 180_000);
