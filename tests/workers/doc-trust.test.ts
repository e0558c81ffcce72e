// What a hostile client cannot do to a document, through the doors the app uses: a socket into
// the room and POST /api/sync. The client here never writes a header (the room does); it is a
// plain Yjs replica that writes whatever it likes. Each case is one the rooms used to let
// through: changing an order after the server decided it, the server's parts (shipments, status
// history, prices) written by a dealer, another creator named in an offline-born document,
// writing where the policy gives only read, creating what the policy gives no C on. Whatever is
// refused must not reach D1 either (orders, order_lines, order_shipments, tickets).
import { env, runDurableObjectAlarm } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { DemoRows } from '../../core/demo/generate.ts';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { body, initDoc, meta, order, ticket, type TicketMessage } from '../../core/docs/schema.ts';
import { CLOSE_READ_ONLY } from '../../durable-objects/protocol.ts';
import { call, dealerOf, DocSocket, seedDemo, signIn, type Api } from './fixtures.ts';

type Session = Api & { cookie: string };

let rows: DemoRows;
let dealerId: string;
let subDealerId: string;
let repDealerId: string;
let cheap: { id: string; unitPrice: number };
let dealer: Session;
let hq: Session;
let sub: Session;
beforeAll(async () => {
  rows = await seedDemo();
  dealerId = dealerOf(rows);
  subDealerId = String(rows.dealers.find((d) => d.parent_id === dealerId && d.type === 'sub_dealer')!.id);
  repDealerId = String(rows.rep_assignments.find((a) => a.rep_id === 'usr_rep_01')!.dealer_id);
  dealer = await signIn('dealer@demo.test');
  hq = await signIn('hq@demo.test');
  // The demo has no users at sub-dealers: one admin of a sub-dealer of the demo dealer.
  await env.DB.prepare(`insert or ignore into users (id, org_id, email, name, password_hash, role, dealer_id, status)
    select 'usr_trust_sub', org_id, 'sub@trust.test', 'Sub Dealer', password_hash, 'dealer_admin', ?, 'active' from users where id = 'usr_dealer_admin'`).bind(subDealerId).run();
  sub = await signIn('sub@trust.test');
  // The cheapest whole-unit product: one of it is approved at once.
  const { items } = await (await dealer('/api/products?pageSize=200')).json<{ items: Array<{ id: string; wholeUnits: boolean; price: { unitPrice: number } | null }> }>();
  cheap = items.filter((p) => p.price && p.wholeUnits).map((p) => ({ id: p.id, unitPrice: p.price!.unitPrice })).sort((a, b) => a.unitPrice - b.unitPrice)[0];
});

// --- a raw client (fixtures' DocSocket): a Y.Doc kept in sync over the room's socket, writing anything ---

type Client = DocSocket;

const upgrade = (api: Session, id: string) => call(api.cookie)(`/sync/${id.split('.')[0]}/${id}`, { headers: { upgrade: 'websocket' } });

// Connected, and holding what the room holds (its header came with it).
async function open(api: Session, id: string): Promise<Client> {
  const res = await upgrade(api, id);
  expect(res.status).toBe(101);
  const c = new DocSocket(res.webSocket!);
  await settle(() => typeof meta(c.doc).get('createdAt') === 'string');
  return c;
}

const holds = (check: () => boolean) => { try { return check(); } catch { return false; } };
async function settle(check: () => boolean, ms = 3000) {
  const until = Date.now() + ms;
  while (!holds(check)) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const b64 = (u: Uint8Array) => btoa(String.fromCharCode(...u));
const stub = (id: string) => env.DOC_ROOM.get(env.DOC_ROOM.idFromName(id));
interface Snap { meta: Record<string, unknown>; body: Record<string, any> }
const snap = async (id: string) => (await stub(id).snapshotJson()) as unknown as Snap;

interface SyncResult { doc: string; diff?: string; corrected?: boolean; error?: { code: string; message: string } }
// POST /api/sync as a device sends it: its state vector and what it has that the room may lack.
async function push(api: Api, id: string, doc: Y.Doc | null, since: Uint8Array = Y.encodeStateVector(new Y.Doc())): Promise<SyncResult> {
  const entry = { doc: id, stateVector: b64(doc ? Y.encodeStateVector(doc) : since), ...(doc ? { update: b64(Y.encodeStateAsUpdate(doc, since)) } : {}) };
  const res = await api('/api/sync', { method: 'POST', json: { docs: [entry] } });
  expect(res.status).toBe(200);
  return (await res.json<{ results: SyncResult[] }>()).results[0];
}

// A copy of the room's document, to change and send back the difference.
async function copyOf(id: string): Promise<{ doc: Y.Doc; sv: Uint8Array }> {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, await stub(id).stateAsUpdate());
  return { doc, sv: Y.encodeStateVector(doc) };
}

// The room's alarm: the server's decision, then the projection (a decision schedules another).
async function alarms(id: string) {
  await new Promise((r) => setTimeout(r, 20));
  for (let i = 0; i < 5 && await runDurableObjectAlarm(stub(id)); i++);
}

// What D1 holds about a document, apart from when it was last projected.
async function d1(id: string) {
  const all = async (q: string) => (await env.DB.prepare(q).bind(id).all<Record<string, unknown>>()).results;
  const strip = (rs: Array<Record<string, unknown>>) => rs.map(({ updated_at: _, ...r }) => r);
  return {
    orders: strip(await all('select * from orders where id = ?')),
    lines: await all('select * from order_lines where order_id = ? order by line_id'),
    shipments: await all('select * from order_shipments where order_id = ? order by event_id'),
    tickets: strip(await all('select * from tickets where id = ?')),
  };
}
const registered = async (id: string) => Number(await env.DB.prepare('select count(*) as n from documents where id = ?').bind(id).first('n'));
const refusals = async (id: string) => Number(await env.DB.prepare("select count(*) as n from audit_log where action = 'doc.write_refused' and entity_id = ?").bind(id).first('n'));

let n = 0;
const uid = (tag: string) => `${tag}${String(++n).padStart(6, '0')}`;
const at = () => new Date().toISOString();

// A dealer's order, approved by the server: lines and submit over the socket, the alarm decides.
async function approvedOrder(): Promise<{ id: string; c: Client }> {
  const id = makeDocId('order', { dealerId }, uid('approved'));
  const c = await open(dealer, id);
  order.setLine(c.doc, 'l1', { productId: cheap.id, quantity: 1 });
  order.setStatus(c.doc, 'submitted');
  await settle(() => order.status(c.doc) === 'submitted' && (c.doc.getMap('order').get('statusHistory') as Y.Array<unknown>).length === 1);
  await alarms(id);
  await settle(() => order.status(c.doc) === 'approved');
  return { id, c };
}

describe('an order after the server decided it', () => {
  it('its dealer cannot raise quantities, add a delivered shipment or cancel it, and D1 keeps the approved order', async () => {
    const { id, c } = await approvedOrder();
    await alarms(id);
    const before = await d1(id);
    expect(before.orders).toMatchObject([{ status: 'approved', created_by: 'usr_dealer_admin', quantity: 1, total: cheap.unitPrice, approval_state: 'approved' }]);
    const kept = await snap(id);

    // More of it, after the price and the credit check were done for one.
    order.setLine(c.doc, 'l1', { productId: cheap.id, quantity: 500, unitPrice: cheap.unitPrice });
    await settle(() => order.lines(c.doc).get('l1')?.quantity === 1);
    // A line added next to it.
    order.setLine(c.doc, 'l2', { productId: cheap.id, quantity: 7 });
    await settle(() => order.lines(c.doc).size === 1);
    // Delivered, says the dealer: the ERP never said so.
    (body(c.doc, 'order').get('shipments') as Y.Array<unknown>).push([{ eventId: 'fake-1', carrier: 'Own', trackingNumber: '', status: 'delivered', eta: null, items: [{ productId: cheap.id, quantity: 1 }], at: at(), receivedAt: at(), by: 'erp:key_x' }]);
    await settle(() => (body(c.doc, 'order').get('shipments') as Y.Array<unknown>).length === 0);
    c.doc.transact(() => {
      (body(c.doc, 'order').get('shipments') as Y.Array<unknown>).push([{ eventId: 'fake-2', status: 'delivered', items: [] }]);
      order.setStatus(c.doc, 'delivered');
    });
    await settle(() => order.status(c.doc) === 'approved' && (body(c.doc, 'order').get('shipments') as Y.Array<unknown>).length === 0);
    // Cancelled once the brand has approved it.
    order.setStatus(c.doc, 'cancelled');
    await settle(() => order.status(c.doc) === 'approved');

    expect(c.closed).toBeNull();
    expect((await snap(id)).body).toEqual(kept.body);
    expect(await refusals(id)).toBeGreaterThanOrEqual(5);
    await alarms(id);
    expect(await d1(id)).toEqual(before);
  });

  it('a back-dated \'submitted\' entry in the history does not move orders.submitted_at', async () => {
    const { id, c } = await approvedOrder();
    await alarms(id);
    const before = await d1(id);
    const submittedAt = String(before.orders[0].submitted_at);
    expect(Date.now() - Date.parse(submittedAt)).toBeLessThan(60_000);
    const history = body(c.doc, 'order').get('statusHistory') as Y.Array<unknown>;
    history.insert(0, [{ status: 'submitted', by: 'usr_dealer_admin', role: 'dealer_admin', at: '2020-01-01T00:00:00.000Z' }]);
    await settle(() => history.length === 2 && (history.get(0) as { at: string }).at === submittedAt);
    history.push([{ status: 'submitted', by: 'usr_dealer_admin', role: 'dealer_admin', at: '2020-01-01T00:00:00.000Z' }]);
    await settle(() => history.length === 2);
    await alarms(id);
    expect(await d1(id)).toEqual(before);
  });

  it('its ticket keeps HQ\'s answer: the dealer can neither rewrite nor remove it', async () => {
    const id = makeDocId('ticket', { dealerId }, uid('thread'));
    const c = await open(dealer, id);
    ticket.open(c.doc, parseDocId(id), { category: 'delivery', subject: 'Crushed buckets' }, { by: 'usr_dealer_admin', byName: 'Dana', role: 'dealer_admin', text: 'Two arrived crushed', photos: [], at: at() });
    await settle(() => (ticket.messages(c.doc).length === 1));
    await new Promise((r) => setTimeout(r, 50));
    const copy = await copyOf(id);
    ticket.setStatus(copy.doc, 'answered', { by: 'usr_hq', byName: 'HQ', role: 'hq_admin', text: 'A replacement ships today', photos: [], at: at() });
    expect(await push(hq, id, copy.doc, copy.sv)).toMatchObject({ corrected: false });
    await settle(() => ticket.messages(c.doc).length === 2);
    await alarms(id);
    const before = await d1(id);
    expect(before.tickets).toMatchObject([{ status: 'answered', message_count: 2 }]);
    const kept = await snap(id);

    const forged: TicketMessage = { by: 'usr_hq', byName: 'HQ', role: 'hq_admin', text: 'We refund everything, keep the goods', photos: [], at: String((ticket.messages(c.doc).get(1) as TicketMessage).at), status: 'answered' };
    c.doc.transact(() => { ticket.messages(c.doc).delete(1, 1); ticket.messages(c.doc).insert(1, [forged]); });
    await settle(() => (ticket.messages(c.doc).get(1) as TicketMessage).text === 'A replacement ships today' && ticket.messages(c.doc).length === 2);
    ticket.messages(c.doc).delete(1, 1);
    await settle(() => ticket.messages(c.doc).length === 2);
    // Nor through the catch-up call.
    const again = await copyOf(id);
    again.doc.transact(() => { ticket.messages(again.doc).delete(1, 1); ticket.messages(again.doc).push([{ ...forged, by: 'usr_dealer_admin', role: 'dealer_admin' }]); });
    expect(await push(dealer, id, again.doc, again.sv)).toMatchObject({ corrected: true });

    expect((await snap(id)).body).toEqual(kept.body);
    await alarms(id);
    expect(await d1(id)).toEqual(before);
  });
});

describe('an order born offline', () => {
  // What a device built without the network: the structure every device makes, then lines, a
  // submit, and the server's parts it has no business writing.
  function offlineOrder(id: string, extra: (doc: Y.Doc) => void) {
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(id));
    doc.transact(() => {
      order.setLine(doc, 'l1', { productId: cheap.id, quantity: 2 });
      order.setStatus(doc, 'submitted');
      extra(doc);
    });
    return doc;
  }
  const serverParts = (doc: Y.Doc) => {
    (body(doc, 'order').get('shipments') as Y.Array<unknown>).push([{ eventId: 'erp-offline', carrier: 'DHL', trackingNumber: 'X', status: 'delivered', eta: null, items: [{ productId: cheap.id, quantity: 2 }], at: '2026-01-01T00:00:00.000Z', receivedAt: '2026-01-01T00:00:00.000Z', by: 'erp:key_x' }]);
    (body(doc, 'order').get('statusHistory') as Y.Array<unknown>).push([
      { status: 'submitted', by: 'usr_dealer_admin', role: 'dealer_admin', at: '2020-01-01T00:00:00.000Z' },
      { status: 'approved', by: 'server', role: 'server', at: '2020-01-01T00:00:01.000Z', note: 'Approved automatically' },
    ]);
    body(doc, 'order').set('approval', { state: 'approved', by: 'auto', at: '2020-01-01T00:00:01.000Z', forSubmission: 1 });
    body(doc, 'order').set('total', 1);
  };

  it('naming another creator in its header is refused whole: the header names the caller, nothing else is kept or projected', async () => {
    const id = makeDocId('order', { dealerId }, uid('offline'));
    const doc = offlineOrder(id, (d) => { serverParts(d); meta(d).set('createdBy', 'usr_hq'); meta(d).set('createdAt', '2020-01-01T00:00:00.000Z'); });
    const r = await push(dealer, id, doc);
    expect(r.error?.code).toBe('refused');
    expect(r.error?.message).toMatch(/header/);
    const s = await snap(id);
    expect(s.meta).toMatchObject({ kind: 'order', dealerId, createdBy: 'usr_dealer_admin' });
    expect(Date.parse(String(s.meta.createdAt))).toBeGreaterThan(Date.now() - 60_000);
    expect(s.body).toEqual({ status: 'draft', lines: {}, notes: '', statusHistory: [], shipments: [] });
    expect(await env.DB.prepare('select created_by as createdBy from documents where id = ?').bind(id).first()).toEqual({ createdBy: 'usr_dealer_admin' });
    await alarms(id);
    const rowsNow = await d1(id);
    expect(rowsNow.orders).toMatchObject([{ status: 'draft', created_by: 'usr_dealer_admin', line_count: 0, submitted_at: null, approval_state: null }]);
    expect(rowsNow.lines).toEqual([]);
    expect(rowsNow.shipments).toEqual([]);
  });

  it('its shipments, history in the server\'s name and approval are put back; the room stamps the submit and decides itself', async () => {
    const id = makeDocId('order', { dealerId }, uid('offline'));
    const t0 = Date.now();
    const r = await push(dealer, id, offlineOrder(id, serverParts));
    expect(r.error).toBeUndefined();
    expect(r.corrected).toBe(true);
    let s = await snap(id);
    expect(s.body.shipments).toEqual([]);
    expect(s.body.approval).toBeUndefined();
    expect(s.body.total).toBeUndefined();
    expect(s.body.statusHistory).toEqual([{ status: 'submitted', by: 'usr_dealer_admin', role: 'dealer_admin', at: expect.any(String) }]);
    expect(Date.parse(s.body.statusHistory[0].at)).toBeGreaterThanOrEqual(t0 - 1000);
    // The lines and the submit were the dealer's to write: kept, and decided by the server.
    await alarms(id);
    s = await snap(id);
    expect(s.body.status).toBe('approved');
    expect(s.body.statusHistory.map((h: { status: string; by: string }) => `${h.status}:${h.by}`)).toEqual(['submitted:usr_dealer_admin', 'approved:server']);
    const rowsNow = await d1(id);
    expect(rowsNow.orders).toMatchObject([{ status: 'approved', created_by: 'usr_dealer_admin', quantity: 2, total: 2 * cheap.unitPrice }]);
    expect(Date.parse(String(rowsNow.orders[0].submitted_at))).toBeGreaterThanOrEqual(t0 - 1000);
    expect(rowsNow.shipments).toEqual([]);
  });

  it('lines with fields a line does not have are put back; the rest of the change stays', async () => {
    const id = makeDocId('order', { dealerId }, uid('lines'));
    const c = await open(dealer, id);
    c.doc.transact(() => {
      order.setLine(c.doc, 'good', { productId: cheap.id, quantity: 2 });
      order.lines(c.doc).set('extra', { productId: cheap.id, quantity: 1, discountPercent: 90 } as never);
      order.lines(c.doc).set('priced', { productId: cheap.id, quantity: 1, unitPrice: 1 });
      order.notes(c.doc).insert(0, 'Deliver to the back door');
    });
    await settle(() => order.lines(c.doc).size === 1);
    const s = await snap(id);
    expect(s.body.lines).toEqual({ good: { productId: cheap.id, quantity: 2 } });
    expect(s.body.notes).toBe('Deliver to the back door');
    const audit = await env.DB.prepare("select detail from audit_log where action = 'doc.write_refused' and entity_id = ?").bind(id).first<{ detail: string }>();
    expect(audit!.detail).toMatch(/discountPercent/);
    await alarms(id);
    expect((await d1(id)).lines).toEqual([{ order_id: id, line_id: 'good', product_id: cheap.id, quantity: 2, unit_price: null }]);
  });

  // The rules judge a line by its JSON: a line written as a Y.Map of its own would pass them,
  // let later edits reach inside it, and break the server's decision (which reads lines as JSON).
  it('a line written as a shared type of its own instead of a value is not kept, and the order is still decided', async () => {
    const id = makeDocId('order', { dealerId }, uid('nested'));
    const c = await open(dealer, id);
    const line = new Y.Map<unknown>();
    c.doc.transact(() => { order.lines(c.doc).set('l1', line as never); line.set('productId', cheap.id); line.set('quantity', 1); });
    await settle(() => c.closed !== null || order.lines(c.doc).get('l1') === undefined);
    expect((await snap(id)).body.lines).toEqual({});
    // The dealer's next, ordinary order goes through the server's decision as usual.
    const next = new Y.Doc();
    Y.applyUpdate(next, await stub(id).stateAsUpdate());
    const sv = Y.encodeStateVector(next);
    order.setLine(next, 'l2', { productId: cheap.id, quantity: 1 });
    order.setStatus(next, 'submitted');
    expect(await push(dealer, id, next, sv)).toMatchObject({ corrected: false });
    await alarms(id);
    expect((await snap(id)).body.status).toBe('approved');
    expect((await d1(id)).lines).toEqual([{ order_id: id, line_id: 'l2', product_id: cheap.id, quantity: 1, unit_price: cheap.unitPrice }]);
  });
});

describe('what the policy gives only read on', () => {
  it('a dealer admin cannot edit or cancel its sub-dealer\'s order nor write its tickets, but approves the order for its network', async () => {
    // The sub-dealer places an order and opens a ticket.
    const orderId = makeDocId('order', { dealerId: subDealerId }, uid('network'));
    const placed = new Y.Doc();
    initDoc(placed, parseDocId(orderId));
    order.setLine(placed, 'l1', { productId: cheap.id, quantity: 2 });
    order.setStatus(placed, 'submitted');
    expect(await push(sub, orderId, placed)).toMatchObject({ corrected: false });
    await alarms(orderId);
    expect((await snap(orderId)).body.approval).toMatchObject({ state: 'pending', level: 'network', approverDealerId: dealerId });
    const ticketId = makeDocId('ticket', { dealerId: subDealerId }, uid('network'));
    const opened = new Y.Doc();
    ticket.open(opened, parseDocId(ticketId), { category: 'order', subject: 'Where is it?' }, { by: 'usr_trust_sub', byName: 'Sub', role: 'dealer_admin', text: 'Still waiting', photos: [], at: at() });
    expect(await push(sub, ticketId, opened)).toMatchObject({ corrected: false });
    await alarms(ticketId);
    const beforeOrder = await snap(orderId);
    const beforeTicket = await snap(ticketId);
    const beforeRows = [await d1(orderId), await d1(ticketId)];

    // The parent reads both; over the socket any write closes it (read-only).
    const edits: Array<[string, string, (doc: Y.Doc) => void]> = [
      ['more of it', orderId, (doc) => order.setLine(doc, 'l1', { productId: cheap.id, quantity: 20 })],
      ['cancelled', orderId, (doc) => order.setStatus(doc, 'cancelled')],
      ['a note', orderId, (doc) => order.notes(doc).insert(0, 'from the parent')],
      ['a reply', ticketId, (doc) => ticket.addMessage(doc, { by: 'usr_dealer_admin', byName: 'Dana', role: 'dealer_admin', text: 'On its way', photos: [], at: at() })],
      ['closed', ticketId, (doc) => ticket.setStatus(doc, 'closed', { by: 'usr_dealer_admin', byName: 'Dana', role: 'dealer_admin', text: '', photos: [], at: at() })],
    ];
    for (const [what, id, edit] of edits) {
      const c = await open(dealer, id);
      edit(c.doc);
      await settle(() => c.closed !== null);
      expect(c.closed!.code, what).toBe(CLOSE_READ_ONLY);
      // And through the catch-up call.
      const copy = await copyOf(id);
      edit(copy.doc);
      expect((await push(dealer, id, copy.doc, copy.sv)).error?.code, what).toBe('read_only');
    }
    expect((await snap(orderId)).body).toEqual(beforeOrder.body);
    expect((await snap(ticketId)).body).toEqual(beforeTicket.body);
    await alarms(orderId);
    await alarms(ticketId);
    expect([await d1(orderId), await d1(ticketId)]).toEqual(beforeRows);

    // Deciding is what its dealer does for the network.
    const decided = await dealer(`/api/orders/${orderId}/decision`, { method: 'POST', json: { decision: 'approve', comment: 'From our stock' } });
    expect(decided.status).toBe(200);
    const s = await snap(orderId);
    expect(s.body.status).toBe('approved');
    expect(s.body.statusHistory.at(-1)).toMatchObject({ status: 'approved', by: 'usr_dealer_admin', role: 'dealer_admin' });
    await alarms(orderId);
    expect((await d1(orderId)).orders).toMatchObject([{ status: 'approved', approval_state: 'approved', approver_dealer_id: dealerId, created_by: 'usr_trust_sub' }]);
  });

  it('reps, managers and HQ answer tickets but do not open them; a dealer does not open one without a subject', async () => {
    const [rep, manager] = await Promise.all([signIn('rep@demo.test'), signIn('manager@demo.test')]);
    for (const [who, api, dealerOf] of [['field_rep', rep, repDealerId], ['regional_manager', manager, dealerId], ['hq_admin', hq, dealerId]] as const) {
      const id = makeDocId('ticket', { dealerId: dealerOf }, uid('notmine'));
      const doc = new Y.Doc();
      ticket.open(doc, parseDocId(id), { category: 'other', subject: 'Opened by the brand' }, { by: 'x', byName: 'X', role: who, text: 'Hello', photos: [], at: at() });
      expect((await push(api, id, doc)).error?.code, who).toBe('not_found');
      expect((await upgrade(api, id)).status, who).toBe(404);
      expect(await registered(id), who).toBe(0);
      expect((await d1(id)).tickets, who).toEqual([]);
    }
    // A first message with no subject: the message is not kept, so no ticket is opened.
    const id = makeDocId('ticket', { dealerId }, uid('nosubject'));
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(id), undefined, { category: 'order' });
    ticket.addMessage(doc, { by: 'usr_dealer_admin', byName: 'Dana', role: 'dealer_admin', text: 'Help', photos: [], at: at() });
    const r = await push(dealer, id, doc);
    expect(r.corrected).toBe(true);
    const s = await snap(id);
    expect(s.body.messages).toEqual([]);
    expect(s.body.subject).toBeUndefined();
    await alarms(id);
    const rowsNow = (await d1(id)).tickets;
    // Whether an empty ticket has a row is the projection's choice; an opened one it is not,
    // and no queue lists it.
    for (const t of rowsNow) expect(t).toMatchObject({ subject: null, message_count: 0, opened_at: null });
    for (const api of [dealer, hq]) {
      const { items } = await (await api('/api/tickets')).json<{ items: Array<{ id: string }> }>();
      expect(items.map((t) => t.id)).not.toContain(id);
    }
  });

  it('roles that only read an unknown document register nothing', async () => {
    const [analyst, manager] = await Promise.all([signIn('analyst@demo.test'), signIn('manager@demo.test')]);
    const cases: Array<[string, Session, string]> = [
      ['analyst order', analyst, makeDocId('order', { dealerId }, uid('ghost'))],
      ['analyst ticket', analyst, makeDocId('ticket', { dealerId }, uid('ghost'))],
      ['analyst visit', analyst, makeDocId('visit', { dealerId: repDealerId, repId: 'usr_rep_01' }, uid('ghost'))],
      ['analyst form', analyst, makeDocId('form', { dealerId: repDealerId, repId: 'usr_rep_01' }, uid('ghost'))],
      ['HQ order', hq, makeDocId('order', { dealerId }, uid('ghost'))],
      ['HQ visit', hq, makeDocId('visit', { dealerId: repDealerId, repId: 'usr_rep_01' }, uid('ghost'))],
      ['manager order', manager, makeDocId('order', { dealerId }, uid('ghost'))],
      ['dealer admin, its sub-dealer\'s order', dealer, makeDocId('order', { dealerId: subDealerId }, uid('ghost'))],
      ['dealer admin, its sub-dealer\'s ticket', dealer, makeDocId('ticket', { dealerId: subDealerId }, uid('ghost'))],
      ['manager visit', manager, makeDocId('visit', { dealerId, repId: 'usr_rep_01' }, uid('ghost'))],
    ];
    for (const [what, api, id] of cases) {
      expect((await upgrade(api, id)).status, what).toBe(404);
      expect((await push(api, id, null)).error?.code, what).toBe('not_found');
      expect(await registered(id), what).toBe(0);
    }
  });
});

describe('races', () => {
  it('two users creating one document at once: the room\'s header and D1 name the same creator', async () => {
    const staff = await signIn('staff@demo.test');
    const ids = Array.from({ length: 6 }, () => makeDocId('order', { dealerId }, uid('twin')));
    await Promise.all(ids.flatMap((id) => [push(dealer, id, null), push(staff, id, null), push(dealer, id, null), push(staff, id, null)]));
    for (const id of ids) {
      const doc = await env.DB.prepare('select created_by as createdBy, created_at as createdAt from documents where id = ?').bind(id).first<{ createdBy: string; createdAt: string }>();
      const s = await snap(id);
      expect({ createdBy: s.meta.createdBy, createdAt: s.meta.createdAt }, id).toEqual(doc);
    }
  });
});
