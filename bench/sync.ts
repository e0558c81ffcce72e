// `npm run bench:sync`: document sync figures, printed.
// - 50 clients × 100 offline edits reconnect to one room on wrangler dev: time until all converge;
// - catch-up of 300 documents after a week offline: requests, bytes, time;
// - room work per applied update (RoomCore with the write rules, in Node) and bytes after compaction.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { makeDocId, parseDocId } from '../core/docs/id.ts';
import { headerOf, initDoc, order } from '../core/docs/schema.ts';
import { DEMO_PASSWORD } from '../core/demo/users.ts';
import { RoomCore } from '../durable-objects/room-core.ts';
import { MemoryUpdateStore } from '../durable-objects/storage.ts';
import { applyMigrations, build, freePort, ROOT, seed, startDev } from '../scripts/local-stack.ts';
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';

const CLIENTS = 50;
const EDITS = 100;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

interface Converged { ms: number; openMs: number }

// 50 replicas of the seeded document, each with 100 lines added offline, connect at once; the
// time until every one holds all 5,000 lines.
async function converge(url: string, docId: string, seedDoc: Y.Doc, Ws: typeof WebSocket): Promise<Converged> {
  const docs = Array.from({ length: CLIENTS }, (_, i) => {
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.encodeStateAsUpdate(seedDoc));
    for (let e = 0; e < EDITS; e++) order.setLine(d, `c${i}-${e}`, { productId: `prd_${String((e % 150) + 1).padStart(3, '0')}`, quantity: 1 + (e % 5) });
    return d;
  });
  const t0 = performance.now();
  const providers = docs.map((d) => new WebsocketProvider(url, docId, d, { WebSocketPolyfill: Ws, disableBc: true }));
  let openMs = 0;
  let open = 0;
  for (const p of providers) p.on('status', ({ status }: { status: string }) => { if (status === 'connected' && ++open === CLIENTS) openMs = performance.now() - t0; });
  const total = CLIENTS * EDITS;
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('did not converge in 120 s')), 120_000);
      const check = () => { if (docs.every((d) => order.lines(d).size === total)) { clearTimeout(timer); resolve(); } else setTimeout(check, 5); };
      check();
    });
    return { ms: performance.now() - t0, openMs };
  } finally {
    for (const p of providers) p.destroy();
  }
}

function clientFloor(seedDoc: Y.Doc): number {
  const updates = Array.from({ length: CLIENTS }, (_, i) => {
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.encodeStateAsUpdate(seedDoc));
    for (let e = 0; e < EDITS; e++) order.setLine(d, `c${i}-${e}`, { productId: 'prd_001', quantity: 1 });
    return Y.encodeStateAsUpdate(d, Y.encodeStateVector(seedDoc));
  });
  const docs = updates.map(() => { const d = new Y.Doc(); Y.applyUpdate(d, Y.encodeStateAsUpdate(seedDoc)); return d; });
  const t = performance.now();
  for (const d of docs) for (const u of updates) Y.applyUpdate(d, u);
  return performance.now() - t;
}

if (!existsSync(`${ROOT}dist/client/index.html`)) build();
const persistTo = mkdtempSync(join(tmpdir(), 'fieldnet-bench-sync-'));
applyMigrations(persistTo);
seed(persistTo);
const dev = await startDev({ port: await freePort(), persistTo, quiet: true });

async function signIn(email: string) {
  const res = await fetch(`${dev.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin: dev.url }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  return { cookie: (res.headers.get('set-cookie') ?? '').split(';')[0], me: await res.json() };
}
const withCookie = (cookie: string) => class extends WebSocket {
  constructor(url: string | URL, protocols?: string | string[]) { super(url, { protocols, headers: { cookie } } as unknown as string[]); }
};

try {
  const { cookie, me } = await signIn('dealer@demo.test');
  const dealerId: string = me.user.dealerId;

  // --- 50 clients × 100 offline edits, then all reconnect ---
  const docId = makeDocId('order', { dealerId }, `bench${Date.now()}`);
  const seedDoc = new Y.Doc();
  initDoc(seedDoc, parseDocId(docId), me.user.id);
  const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');
  await fetch(`${dev.url}/api/sync`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: dev.url }, body: JSON.stringify({ docs: [{ doc: docId, stateVector: b64(Y.encodeStateVector(new Y.Doc())), update: b64(Y.encodeStateAsUpdate(seedDoc)) }] }) });
  const ours = await converge(`${dev.url.replace('http', 'ws')}/sync/order`, docId, seedDoc, withCookie(cookie) as unknown as typeof WebSocket);

  // The same workload against the stock Node server, in its own process as wrangler dev is.
  const stock = spawn(process.execPath, [join(ROOT, 'bench/stock-yjs-server.ts'), String(await freePort())], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    stock.stdout.on('data', (b: Buffer) => { const m = /listening (\d+)/.exec(String(b)); if (m) resolve(m[1]); });
    stock.on('exit', (code) => reject(new Error(`stock server exited with ${code}`)));
  });
  let theirs: Converged;
  try {
    const url = `ws://127.0.0.1:${port}`;
    const seeder = new WebsocketProvider(url, docId, seedDoc, { disableBc: true });
    await new Promise<void>((resolve) => seeder.once('sync', () => resolve()));
    seeder.destroy();
    theirs = await converge(url, docId, seedDoc, WebSocket);
  } finally {
    stock.kill();
  }
  // The clients' own Yjs work, with no network or server at all: a floor under both figures.
  const floor = clientFloor(seedDoc);
  console.log(`\n${CLIENTS} clients × ${EDITS} offline edits reconnect to one document and converge (target < 1500 ms):`);
  console.log(`  DocRoom on wrangler dev:            ${ours.ms.toFixed(0)} ms (all sockets open after ${ours.openMs.toFixed(0)} ms)`);
  console.log(`  stock Node server (@y/websocket-server): ${theirs.ms.toFixed(0)} ms (all sockets open after ${theirs.openMs.toFixed(0)} ms)`);
  console.log(`  ratio DocRoom / stock: ${(ours.ms / theirs.ms).toFixed(2)}; the 50 clients' own Yjs work in this process: ${floor.toFixed(0)} ms`);

  // --- catch-up of 300 documents after a week offline ---
  const ids = Array.from({ length: 300 }, (_, i) => makeDocId('order', { dealerId }, `week${Date.now()}${String(i).padStart(3, '0')}`));
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100).map((id) => {
      const d = new Y.Doc();
      initDoc(d, parseDocId(id), me.user.id);
      for (let e = 0; e < 5; e++) order.setLine(d, `l${e}`, { productId: 'prd_001', quantity: e + 1 });
      return { doc: id, stateVector: b64(Y.encodeStateVector(new Y.Doc())), update: b64(Y.encodeStateAsUpdate(d)) };
    });
    const res = await fetch(`${dev.url}/api/sync`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: dev.url }, body: JSON.stringify({ docs: batch }) });
    if (!res.ok) throw new Error(`seeding the week's documents failed: ${res.status} ${(await res.text()).slice(0, 300)}`);
  }
  const c0 = performance.now();
  let requests = 0;
  let bytesUp = 0;
  let bytesDown = 0;
  const list = await fetch(`${dev.url}/api/docs?limit=1000`, { headers: { cookie } });
  requests++;
  const listBody = await list.text();
  bytesDown += listBody.length;
  const known = (JSON.parse(listBody).items as Array<{ id: string }>).map((d) => d.id).filter((id) => ids.includes(id));
  for (let i = 0; i < known.length; i += 100) {
    const body = JSON.stringify({ docs: known.slice(i, i + 100).map((doc) => ({ doc, stateVector: b64(Y.encodeStateVector(new Y.Doc())) })) });
    bytesUp += body.length;
    const res = await fetch(`${dev.url}/api/sync`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, origin: dev.url }, body });
    requests++;
    bytesDown += (await res.text()).length;
  }
  console.log(`catch-up of ${known.length} documents: ${requests} requests, ${(bytesUp / 1024).toFixed(1)} KiB up, ${(bytesDown / 1024).toFixed(1)} KiB down, ${(performance.now() - c0).toFixed(0)} ms`);
} finally {
  await dev.stop();
  rmSync(persistTo, { recursive: true, force: true });
}

// --- room work per update, in Node: the same RoomCore the Durable Object runs ---
const id = parseDocId(makeDocId('order', { dealerId: 'dlr_1' }, 'cpubench0001'));
const store = new MemoryUpdateStore();
const room = new RoomCore(store, id);
room.create(headerOf(id, 'u', new Date().toISOString()));
const client = new Y.Doc();
const updates: Uint8Array[] = [];
client.on('update', (u: Uint8Array) => updates.push(u));
initDoc(client, id, 'u');
for (let e = 0; e < 2000; e++) order.setLine(client, `l${e % 300}`, { productId: 'prd_001', quantity: e });
const times: number[] = [];
for (const u of updates) {
  const s = performance.now();
  room.apply(u, { userId: 'u', role: 'dealer_admin', access: 'write' });
  times.push(performance.now() - s);
}
room.compact();
console.log(`room work per applied update (rules included, Node): p50 ${pct(times, 50).toFixed(3)} ms, p99 ${pct(times, 99).toFixed(3)} ms over ${times.length} updates`);
console.log(`stored bytes for a 300-line order after 2,000 edits and compaction: ${store.stats().bytes} B in ${store.stats().count} row`);
process.exit(0);
