// Document rooms in workerd: the Yjs protocol through the Worker's authorised upgrade, the
// header and structure the room writes when it creates a document, write rules with
// corrections, bad messages, read-only sockets, persistence and batched catch-up.
import { env, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { Hono } from 'hono';
import { applyAwarenessUpdate, Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { body, initDoc, meta, order } from '../../core/docs/schema.ts';
import type { DemoRows } from '../../core/demo/generate.ts';
import { CLOSE_FORBIDDEN, CLOSE_MALFORMED, CLOSE_READ_ONLY, MESSAGE_AWARENESS, MESSAGE_SYNC, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE, syncMessage } from '../../durable-objects/protocol.ts';
import { makeDb } from '../../server/db.ts';
import { session } from '../../worker/middleware/session.ts';
import { docTarget } from '../../worker/sync/access.ts';
import type { AppEnv } from '../../worker/types.ts';
import { call, dealerOf, seedDemo, signIn } from './fixtures.ts';

let rows: DemoRows;
let ownDealer: string;
// Two products with the dealer's price, for the server's pricing.
let priced: Array<{ id: string; unitPrice: number }>;
beforeAll(async () => {
  rows = await seedDemo();
  ownDealer = dealerOf(rows);
  const api = await signIn('dealer@demo.test');
  const { items } = await (await api('/api/products?pageSize=50')).json<{ items: Array<{ id: string; wholeUnits: boolean; price: { unitPrice: number } | null }> }>();
  priced = items.filter((p) => p.price).slice(0, 2).map((p) => ({ id: p.id, unitPrice: p.price!.unitPrice }));
  expect(priced).toHaveLength(2);
});

const msg = syncMessage;

// A minimal y-websocket-style client: a Y.Doc kept in sync over one socket.
class Client {
  doc = new Y.Doc();
  awareness = new Awareness(this.doc);
  step1s = 0;
  closed: { code: number; reason: string } | null = null;
  ws: WebSocket;
  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.accept();
    // Messages arrive as Blobs here; a promise chain keeps them in order.
    let chain = Promise.resolve();
    ws.addEventListener('message', (ev) => { chain = chain.then(async () => this.onMessage(ev.data instanceof Blob ? await ev.data.arrayBuffer() : ev.data as ArrayBuffer)); });
    ws.addEventListener('close', (ev) => { this.closed = { code: ev.code, reason: ev.reason }; });
    this.doc.on('update', (u: Uint8Array, origin: unknown) => { if (origin !== 'remote') ws.send(msg(SYNC_UPDATE, u)); });
    ws.send(msg(SYNC_STEP_1, Y.encodeStateVector(this.doc)));
  }
  announce(state: Record<string, unknown>) {
    this.awareness.setLocalState(state);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
    this.ws.send(encoding.toUint8Array(e));
  }
  private onMessage(data: ArrayBuffer | string) {
    if (typeof data === 'string') return;
    const ws = this.ws;
    {
      const d = decoding.createDecoder(new Uint8Array(data));
      const type = decoding.readVarUint(d);
      if (type === MESSAGE_AWARENESS) { applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), 'remote'); return; }
      if (type !== MESSAGE_SYNC) return;
      const sub = decoding.readVarUint(d);
      if (sub === SYNC_STEP_1) this.step1s++;
      const payload = decoding.readVarUint8Array(d);
      if (sub === SYNC_STEP_1) ws.send(msg(SYNC_STEP_2, Y.encodeStateAsUpdate(this.doc, payload)));
      else Y.applyUpdate(this.doc, payload, 'remote');
    }
  }
}

async function connect(email: string, docId: string): Promise<Client> {
  const api = await signIn(email);
  const kind = docId.split('.')[0];
  const res = await call(api.cookie)(`/sync/${kind}/${docId}`, { headers: { upgrade: 'websocket' } });
  expect(res.status).toBe(101);
  return new Client(res.webSocket!);
}

const holds = (check: () => boolean) => { try { return check(); } catch { return false; } };
const settle = async (check: () => boolean, ms = 3000) => {
  const until = Date.now() + ms;
  while (!holds(check)) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const stub = (docId: string) => env.DOC_ROOM.get(env.DOC_ROOM.idFromName(docId));
interface Snap { docId: string | null; meta: Record<string, unknown>; body: Record<string, unknown>; log: { count: number; bytes: number } }
const room = (docId: string) => ({ snapshotJson: async () => (await stub(docId).snapshotJson()) as unknown as Snap });
let n = 0;
const freshOrderId = () => makeDocId('order', { dealerId: ownDealer }, `roomtest${String(++n).padStart(4, '0')}`);

describe('DocRoom', () => {
  it('two sockets converge, and the room stores before it broadcasts', async () => {
    const id = freshOrderId();
    const a = await connect('dealer@demo.test', id);
    const b = await connect('rep@demo.test', id);
    initDoc(a.doc, parseDocId(id), 'usr_dealer_admin');
    order.setLine(a.doc, 'l1', { productId: 'prd_001', quantity: 2 });
    await settle(() => order.lines(b.doc).get('l1')?.quantity === 2);
    order.setLine(b.doc, 'l2', { productId: 'prd_002', quantity: 5 });
    await settle(() => order.lines(a.doc).size === 2);
    const snap = await room(id).snapshotJson();
    expect(Object.keys((snap.body as { lines: object }).lines).sort()).toEqual(['l1', 'l2']);
    expect(snap.log.count).toBeGreaterThan(0);
    const registered = await env.DB.prepare('select dealer_id, kind from documents where id = ?').bind(id).first();
    expect(registered).toEqual({ dealer_id: ownDealer, kind: 'order' });
  });

  it('a dealer approving its own order is corrected on every replica and audited', async () => {
    const id = freshOrderId();
    const a = await connect('dealer@demo.test', id);
    const b = await connect('hq@demo.test', id);
    initDoc(a.doc, parseDocId(id), 'usr_dealer_admin');
    order.setStatus(a.doc, 'submitted', 'usr_dealer_admin', 'dealer_admin');
    await settle(() => order.status(b.doc) === 'submitted');
    body(a.doc, 'order').set('status', 'approved');
    await settle(() => order.status(a.doc) === 'submitted' && order.status(b.doc) === 'submitted');
    expect((await room(id).snapshotJson()).body).toMatchObject({ status: 'submitted' });
    const audit = await env.DB.prepare("select actor_id, outcome from audit_log where action = 'doc.write_refused' and entity_id = ?").bind(id).first();
    expect(audit).toEqual({ actor_id: 'usr_dealer_admin', outcome: 'denied' });
  });

  it('a malformed message closes only its own socket; the document and the others carry on', async () => {
    const id = freshOrderId();
    const good = await connect('dealer@demo.test', id);
    const bad = await connect('staff@demo.test', id);
    initDoc(good.doc, parseDocId(id), 'usr_dealer_admin');
    await settle(() => order.status(bad.doc) === 'draft');
    bad.ws.send(new Uint8Array([0, 2, 200, 1, 2]));
    await settle(() => bad.closed !== null);
    expect(bad.closed!.code).toBe(CLOSE_MALFORMED);
    order.setLine(good.doc, 'l1', { productId: 'prd_001', quantity: 1 });
    let snap: Snap | null = null;
    for (let i = 0; i < 100 && !(snap?.body.lines as Record<string, unknown> | undefined)?.l1; i++) {
      await new Promise((r) => setTimeout(r, 20));
      snap = await room(id).snapshotJson();
    }
    expect(good.closed).toBeNull();
    expect(snap!.body).toMatchObject({ status: 'draft', lines: { l1: { productId: 'prd_001', quantity: 1 } } });
  });

  it('a read-only connection that writes is closed with 4403 and nothing is kept', async () => {
    const id = freshOrderId();
    const writer = await connect('dealer@demo.test', id);
    initDoc(writer.doc, parseDocId(id), 'usr_dealer_admin');
    await new Promise((r) => setTimeout(r, 50));
    const analyst = await connect('analyst@demo.test', id);
    await settle(() => order.status(analyst.doc) === 'draft');
    order.notes(analyst.doc).insert(0, 'analyst was here');
    await settle(() => analyst.closed !== null);
    expect(analyst.closed!.code).toBe(CLOSE_READ_ONLY);
    expect(((await room(id).snapshotJson()).body as { notes: string }).notes).toBe('');
  });

  it('another dealer\'s document is refused before the upgrade', async () => {
    const other = rows.dealers.find((d) => d.type === 'dealer' && d.id !== ownDealer)!;
    const api = await signIn('dealer@demo.test');
    const id = makeDocId('order', { dealerId: String(other.id) }, 'intruder0001');
    const res = await call(api.cookie)(`/sync/order/${id}`, { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(404);
    expect(await env.DB.prepare('select count(*) as n from documents where id = ?').bind(id).first('n')).toBe(0);
  });

  it('a document survives the room being restarted', async () => {
    const id = freshOrderId();
    const a = await connect('dealer@demo.test', id);
    initDoc(a.doc, parseDocId(id), 'usr_dealer_admin');
    order.setLine(a.doc, 'keep', { productId: 'prd_003', quantity: 7 });
    await new Promise((r) => setTimeout(r, 100));
    const before = await room(id).snapshotJson();
    // A new instance loads from the room's SQLite only.
    await runInDurableObject(stub(id), async (instance) => { (instance as unknown as { load: () => void }).load(); });
    const after = await room(id).snapshotJson();
    expect(after.body).toEqual(before.body);
    expect((after.body as { lines: Record<string, { quantity: number }> }).lines.keep.quantity).toBe(7);
  });

  it('sockets survive the room being evicted: they re-sync, keep editing, and a leaver\'s presence is cleared', async () => {
    const id = freshOrderId();
    const a = await connect('dealer@demo.test', id);
    const b = await connect('staff@demo.test', id);
    initDoc(a.doc, parseDocId(id), 'usr_dealer_admin');
    a.announce({ user: 'Dana', line: 'l1' });
    await settle(() => (b.awareness.getStates().get(a.doc.clientID) as { user?: string } | undefined)?.user === 'Dana');
    const step1s = b.step1s;
    // Hibernation: the instance goes, its memory with it; the sockets stay open.
    await evictDurableObject(stub(id));
    order.setLine(a.doc, 'after', { productId: 'prd_004', quantity: 3 });
    await settle(() => order.lines(b.doc).get('after')?.quantity === 3);
    // The woken room asked every surviving socket for what it might have missed.
    expect(b.step1s).toBeGreaterThan(step1s);
    expect(a.closed).toBeNull();
    // Which awareness client ids a socket spoke for lived in its attachment, not in memory.
    a.ws.close(1000, 'bye');
    await settle(() => !b.awareness.getStates().has(a.doc.clientID));
  });

  it('names the dealer region\'s location hint for a new room, and registers a document once', async () => {
    const api = await signIn('dealer@demo.test');
    const id = freshOrderId();
    const region = await env.DB.prepare('select r.location_hint as hint from dealers d join regions r on r.id = d.region_id where d.id = ?').bind(ownDealer).first<{ hint: string }>();
    expect(region?.hint).toBeTruthy();
    const app = new Hono<AppEnv>()
      .use('*', async (c, next) => { c.set('db', makeDb(c.env.DB)); await next(); })
      .use('*', session())
      .get('/target/:id', async (c) => c.json(await docTarget(c, parseDocId(c.req.param('id')))));
    const first = await app.request(`/target/${id}`, { headers: { cookie: api.cookie } }, env);
    // Not registered yet: reached only because a dealer admin may create its dealer's orders,
    // and the caller would be its creator.
    expect(await first.json()).toEqual({ access: 'write', letters: 'RCW', hint: region!.hint, registered: false, birth: { createdBy: 'usr_dealer_admin', createdAt: expect.any(String) } });
    await connect('dealer@demo.test', id);
    const again = await app.request(`/target/${id}`, { headers: { cookie: api.cookie } }, env);
    const registered = await env.DB.prepare('select created_by as createdBy, created_at as createdAt from documents where id = ?').bind(id).first();
    expect(await again.json()).toMatchObject({ registered: true, birth: registered });
    // Someone else's dealer: no access, and nothing about it leaks.
    const other = await env.DB.prepare("select id from dealers where id != ? and parent_id is not null limit 1").bind(ownDealer).first<{ id: string }>();
    const theirs = makeDocId('order', { dealerId: other!.id }, 'targettest01');
    const refused = await app.request(`/target/${theirs}`, { headers: { cookie: api.cookie } }, env);
    expect(await refused.json()).toEqual({ access: null, letters: '', registered: false });
  });

  it('compacts the log into one snapshot past the threshold, without changing the document', async () => {
    const id = freshOrderId();
    const a = await connect('dealer@demo.test', id);
    initDoc(a.doc, parseDocId(id), 'usr_dealer_admin');
    for (let i = 0; i < 260; i++) order.notes(a.doc).insert(0, 'x');
    await new Promise((r) => setTimeout(r, 300));
    const snap = await room(id).snapshotJson();
    expect(snap.log.count).toBeLessThan(200);
    expect((snap.body as { notes: string }).notes).toHaveLength(260);
  });

  it('catches up many documents in one request, and refuses what is out of scope', async () => {
    const ids = [freshOrderId(), freshOrderId()];
    const writer = await connect('dealer@demo.test', ids[0]);
    initDoc(writer.doc, parseDocId(ids[0]), 'usr_dealer_admin');
    order.setLine(writer.doc, 'l1', { productId: 'prd_001', quantity: 4 });
    await new Promise((r) => setTimeout(r, 100));
    // The second document was written offline and arrives with the batch.
    const offline = new Y.Doc();
    initDoc(offline, parseDocId(ids[1]), 'usr_dealer_admin');
    order.setLine(offline, 'off', { productId: 'prd_009', quantity: 9 });
    const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
    const other = rows.dealers.find((d) => d.type === 'dealer' && d.id !== ownDealer)!;
    const api = await signIn('dealer@demo.test');
    const res = await api('/api/sync', { method: 'POST', json: { docs: [
      { doc: ids[0], stateVector: b64(Y.encodeStateVector(new Y.Doc())) },
      { doc: ids[1], stateVector: b64(Y.encodeStateVector(offline)), update: b64(Y.encodeStateAsUpdate(offline)) },
      { doc: makeDocId('order', { dealerId: String(other.id) }, 'notmine00001'), stateVector: 'AA==' },
      { doc: 'garbage', stateVector: 'AA==' },
    ] } });
    expect(res.status).toBe(200);
    const { results } = await res.json<{ results: Array<{ doc: string; diff?: string; error?: { code: string } }> }>();
    const first = new Y.Doc();
    Y.applyUpdate(first, Uint8Array.from(atob(results[0].diff!), (c) => c.charCodeAt(0)));
    expect(order.lines(first).get('l1')?.quantity).toBe(4);
    expect(((await room(ids[1]).snapshotJson()).body as { lines: Record<string, unknown> }).lines.off).toBeTruthy();
    expect(results[2].error?.code).toBe('not_found');
    expect(results[3].error?.code).toBe('invalid_doc');
    const listed = await (await api('/api/docs')).json<{ items: Array<{ id: string }> }>();
    expect(listed.items.map((d) => d.id)).toEqual(expect.arrayContaining(ids));
  });

  it('projects the order into D1 rows that equal the document, idempotently, and the server\'s prices reach every replica', async () => {
    const id = freshOrderId();
    const a = await connect('dealer@demo.test', id);
    const b = await connect('rep@demo.test', id);
    initDoc(a.doc, parseDocId(id), 'usr_dealer_admin');
    order.setLine(a.doc, 'l1', { productId: priced[0].id, quantity: 2 });
    await settle(() => order.lines(b.doc).size === 1);
    order.setLine(b.doc, 'l2', { productId: priced[1].id, quantity: 3 });
    await settle(() => order.lines(a.doc).size === 2 && order.lines(b.doc).size === 2);
    await new Promise((r) => setTimeout(r, 50));
    const rowsNow = async () => ({
      order: await env.DB.prepare('select dealer_id, status, created_by, line_count, quantity, total from orders where id = ?').bind(id).first(),
      lines: (await env.DB.prepare('select line_id, product_id, quantity, unit_price from order_lines where order_id = ? order by line_id').bind(id).all()).results,
    });
    expect(await runDurableObjectAlarm(stub(id))).toBe(true);
    const first = await rowsNow();
    expect(first.order).toEqual({ dealer_id: ownDealer, status: 'draft', created_by: 'usr_dealer_admin', line_count: 2, quantity: 5, total: null });
    expect(first.lines.map((l) => l.line_id)).toEqual(['l1', 'l2']);
    // A retry writes the same rows.
    await runInDurableObject(stub(id), async (instance) => { await (instance as unknown as { alarm: () => Promise<void> }).alarm(); });
    expect(await rowsNow()).toEqual(first);

    // Submitted: the room's alarm prices the lines from D1 as the server, and every replica sees it.
    order.setStatus(a.doc, 'submitted');
    await settle(() => order.status(b.doc) === 'submitted');
    await runDurableObjectAlarm(stub(id));
    await settle(() => order.lines(a.doc).get('l1')?.unitPrice === priced[0].unitPrice && order.lines(b.doc).get('l2')?.unitPrice === priced[1].unitPrice);
    await runDurableObjectAlarm(stub(id));
    const total = 2 * priced[0].unitPrice + 3 * priced[1].unitPrice;
    expect((await rowsNow()).order).toMatchObject({ total });
    expect((await rowsNow()).lines.map((l) => l.unit_price)).toEqual([priced[0].unitPrice, priced[1].unitPrice]);
  });

  it('creates the document itself: the header names the authorised caller, the structure is the one every device makes', async () => {
    const id = freshOrderId();
    const before = Date.now();
    const a = await connect('dealer@demo.test', id);
    // Nothing written by the client: the room sent its header and structure.
    await settle(() => meta(a.doc).get('createdBy') === 'usr_dealer_admin');
    expect(meta(a.doc).toJSON()).toEqual({ kind: 'order', schemaVersion: 1, dealerId: ownDealer, repId: null, createdBy: 'usr_dealer_admin', createdAt: expect.any(String) });
    expect(Date.parse(String(meta(a.doc).get('createdAt')))).toBeGreaterThanOrEqual(before - 1000);
    expect(body(a.doc, 'order').toJSON()).toEqual({ status: 'draft', lines: {}, notes: '', statusHistory: [], shipments: [] });
    expect(await env.DB.prepare('select created_by as createdBy from documents where id = ?').bind(id).first()).toEqual({ createdBy: 'usr_dealer_admin' });
    // A device that built the same structure offline merges with it instead of replacing it.
    const offline = new Y.Doc();
    initDoc(offline, parseDocId(id));
    order.setLine(offline, 'off', { productId: priced[0].id, quantity: 1 });
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(offline));
    expect(order.lines(a.doc).get('off')?.quantity).toBe(1);
    let snap: Snap | null = null;
    for (let i = 0; i < 100 && !(snap?.body.lines as Record<string, unknown> | undefined)?.off; i++) {
      await new Promise((r) => setTimeout(r, 20));
      snap = await room(id).snapshotJson();
    }
    expect(snap!.body).toMatchObject({ status: 'draft', lines: { off: { productId: priced[0].id, quantity: 1 } } });
    expect(a.closed).toBeNull();
  });

  it('refuses a change to the header, the structure or a foreign root type whole, with 4403', async () => {
    const id = freshOrderId();
    const owner = await connect('dealer@demo.test', id);
    await settle(() => order.status(owner.doc) === 'draft');
    const attempts: Array<[string, (doc: Y.Doc) => void]> = [
      ['header', (doc) => meta(doc).set('createdBy', 'usr_hq')],
      ['structure', (doc) => body(doc, 'order').set('lines', new Y.Map())],
      ['foreign root', (doc) => doc.getMap('evil').set('x', 1)],
    ];
    for (const [what, change] of attempts) {
      const c = await connect('staff@demo.test', id);
      await settle(() => order.status(c.doc) === 'draft');
      // A permitted edit in the same transaction goes with it.
      c.doc.transact(() => { order.notes(c.doc).insert(0, what); change(c.doc); });
      await settle(() => c.closed !== null);
      expect(c.closed!.code, what).toBe(CLOSE_FORBIDDEN);
      const snap = await room(id).snapshotJson();
      expect(snap.meta, what).toMatchObject({ createdBy: 'usr_dealer_admin' });
      expect((snap.body as { notes: string }).notes, what).toBe('');
    }
    expect(owner.closed).toBeNull();
    const snap = await room(id).snapshotJson();
    expect(snap.body).toEqual({ status: 'draft', lines: {}, notes: '', statusHistory: [], shipments: [] });
  });
});
