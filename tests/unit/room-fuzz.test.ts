// Convergence fuzz (seeded, reproducible): the room creates an order (header and structure), then
// 5 to 8 clients edit it while messages are delayed, reordered, duplicated and dropped; some
// start from the room's state, some from the structure offline (the same items, so they merge);
// clients go offline and come back, reload from their saved state (IndexedDB's role), the room
// restarts from its store and compacts. HQ reads orders and never writes them. At the end every
// replica and the room's storage agree, every edit the room acknowledged is there, and nothing a
// rule forbids survives. (Forged writes of every kind: forged-fuzz.test.ts.)
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { rng, type Rng } from '../../core/demo/random.ts';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { body, headerOf, initDoc, order } from '../../core/docs/schema.ts';
import { RoomCore, type Writer } from '../../durable-objects/room-core.ts';
import { MemoryUpdateStore } from '../../durable-objects/storage.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const STEPS = 120;
// HQ reads orders (the policy gives it R and D, no W): its connection is read-only and the app
// offers it no edit, so it only receives.
const ROLES: Writer['role'][] = ['dealer_admin', 'dealer_staff', 'field_rep', 'hq_admin'];
const T0 = '2026-03-01T09:00:00.000Z';

interface Client { id: number; doc: Y.Doc; saved: Uint8Array; online: boolean; writer: Writer; n: number }
// `sv`: the room's sync step 1, asking the client for everything the room lacks.
interface Msg { to: number | 'room'; from: number; update: Uint8Array; sv?: Uint8Array }

// Map key order in toJSON follows local insertion order, which replicas need not share.
function canonical(doc: Y.Doc): string {
  const sort = (v: unknown): unknown => Array.isArray(v) ? v.map(sort)
    : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, sort(x)])) : v;
  return JSON.stringify(sort({ meta: doc.getMap('meta').toJSON(), order: doc.getMap('order').toJSON() }));
}

function run(seed: number, forbidden: boolean) {
  const r: Rng = rng(seed);
  const docId = parseDocId(makeDocId('order', { dealerId: 'dlr_1' }, `fuzz${String(seed).padStart(6, '0')}`));
  const store = new MemoryUpdateStore();
  // Client ids from the seed, so concurrent writes of one key resolve the same way every run.
  let nextClient = 1000 + seed * 64;
  const fresh = (d: Y.Doc) => { d.clientID = nextClient++; return d; };
  const restart = () => {
    const core = new RoomCore(store, docId);
    fresh(core.doc);
    core.compaction = { maxCount: r.int(5, 40), maxBytes: 1 << 20 };
    return core;
  };
  let room = restart();
  room.create(headerOf(docId, 'u0', T0));
  fresh(room.doc); // Yjs picks a new id after a transaction that applied the structure
  const clients: Client[] = Array.from({ length: r.int(5, 8) }, (_, i) => {
    const role = ROLES[i % ROLES.length];
    const doc = fresh(new Y.Doc());
    // Half start from the room's state, half from the structure, offline.
    if (r.chance(0.5)) Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc), 'net'); else initDoc(doc, docId);
    return { id: i, doc, saved: Y.encodeStateAsUpdate(doc), online: true, n: 0, writer: { userId: `u${i}`, role, access: role === 'hq_admin' ? 'read' : 'write' } };
  });
  const net: Msg[] = [];
  const acked = new Set<string>();

  const save = (c: Client) => { c.saved = Y.encodeStateAsUpdate(c.doc); };
  const toRoom = (c: Client, update: Uint8Array) => { if (c.online) net.push({ to: 'room', from: c.id, update }); };
  for (const c of clients) {
    c.doc.on('update', (u: Uint8Array, origin: unknown) => { if (origin !== 'net') toRoom(c, u); save(c); });
  }
  const deliverToRoom = (m: Msg) => {
    const c = clients[m.from];
    const { stored, correction, gap } = room.apply(m.update, c.writer);
    if (gap) { if (c.online) net.push({ to: c.id, from: -1, update: new Uint8Array(), sv: Y.encodeStateVector(room.doc) }); return; }
    // What the room holds once it has stored an update is acknowledged.
    for (const k of order.lines(room.doc)?.keys() ?? []) acked.add(k);
    for (const other of clients) {
      if (!other.online) continue;
      if (stored && other.id !== c.id) net.push({ to: other.id, from: -1, update: stored });
      if (correction) net.push({ to: other.id, from: -1, update: correction });
    }
  };
  // What y-protocols' step 1 / step 2 exchange does on (re)connect.
  const resync = (c: Client) => {
    const fromClient = Y.encodeStateAsUpdate(c.doc, Y.encodeStateVector(room.doc));
    deliverToRoom({ to: 'room', from: c.id, update: fromClient });
    Y.applyUpdate(c.doc, Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(c.doc)), 'net');
  };

  for (let step = 0; step < STEPS; step++) {
    const c = clients[r.int(0, clients.length - 1)];
    const roll = r.next();
    if (roll < 0.35) {
      // A permitted-or-not edit, as a person would try it.
      const what = forbidden ? r.int(0, 9) : r.int(0, 5);
      if (c.writer.access === 'read') continue;
      if (what <= 4) order.setLine(c.doc, `c${c.id}-${c.n++}`, { productId: `p${r.int(1, 50)}`, quantity: r.int(1, 9) });
      else if (what === 5) order.notes(c.doc).insert(r.int(0, order.notes(c.doc).length), `n${c.id}`);
      else if (what === 6) body(c.doc, 'order').set('status', 'approved'); // forbidden for everyone but the server
      else if (what === 7) order.setStatus(c.doc, 'submitted'); // permitted from draft; the room stamps it
      else if (what === 8) { const k = [...order.lines(c.doc).keys()][0]; if (k) order.setLine(c.doc, k, { ...order.lines(c.doc).get(k)!, unitPrice: 1 }); }
      else body(c.doc, 'order').set('approval', { state: 'approved' });
    } else if (roll < 0.75 && net.length) {
      // Deliver a random message: reordering; sometimes keep it (duplicate) or lose it (drop).
      const i = r.int(0, net.length - 1);
      const m = net[i];
      const fate = r.next();
      if (fate < 0.85) net.splice(i, 1);
      if (fate > 0.95) continue; // dropped (when also spliced) or delivered later again
      if (m.to === 'room') deliverToRoom(m);
      else if (!clients[m.to].online) continue;
      else if (m.sv) net.push({ to: 'room', from: m.to, update: Y.encodeStateAsUpdate(clients[m.to].doc, m.sv) });
      else Y.applyUpdate(clients[m.to].doc, m.update, 'net');
    } else if (roll < 0.85) {
      c.online = !c.online;
      if (c.online) resync(c);
    } else if (roll < 0.92) {
      // The app is closed and opened again: only what was saved on the device comes back.
      c.doc.destroy();
      c.doc = fresh(new Y.Doc());
      Y.applyUpdate(c.doc, c.saved, 'net');
      c.doc.on('update', (u: Uint8Array, origin: unknown) => { if (origin !== 'net') toRoom(c, u); save(c); });
      if (c.online) resync(c);
    } else if (roll < 0.96) {
      room = restart(); // eviction or restart: the room reloads from storage
    } else {
      room.compact();
    }
  }
  // Everyone comes back online and syncs until nothing moves.
  for (const c of clients) c.online = true;
  for (let round = 0; round < 4; round++) for (const c of clients) resync(c);

  const expected = canonical(room.doc);
  const reloaded = new RoomCore(store, docId);
  expect(canonical(reloaded.doc)).toBe(expected);
  for (const c of clients) expect(canonical(c.doc), `client ${c.id}, seed ${seed}`).toBe(expected);
  const final = room.doc.getMap('order').toJSON() as { status: string; approval?: unknown; lines: Record<string, { unitPrice?: number }>; statusHistory: Array<{ status: string; by: string; role: string }> };
  expect(room.doc.getMap('meta').toJSON()).toEqual(headerOf(docId, 'u0', T0));
  expect(final.status).not.toBe('approved');
  if (!forbidden) expect(final.status).toBe('draft');
  expect(final.approval).toBeUndefined();
  expect(Object.values(final.lines).every((l) => l.unitPrice === undefined)).toBe(true);
  // Every step in the history is one the room stamped for a writer it authenticated.
  for (const h of final.statusHistory) expect(clients.some((c) => c.writer.userId === h.by && c.writer.role === h.role && c.writer.access === 'write'), `seed ${seed}`).toBe(true);
  expect(final.statusHistory.at(-1)?.status ?? 'draft').toBe(final.status);
  for (const k of acked) expect(Object.keys(final.lines), `acked line ${k}, seed ${seed}`).toContain(k);
}

describe('convergence fuzz', () => {
  it(`${RUNS} seeded runs of permitted edits converge with nothing acknowledged lost`, () => {
    for (let seed = 1; seed <= RUNS; seed++) run(seed, false);
  }, 240_000);

  // With forbidden edits in the mix every replica and the store still converge, no forbidden
  // status, approval or price sticks, and no acknowledged line is lost to a correction.
  it(`${RUNS} seeded runs with forbidden edits converge, nothing acknowledged is lost, and no forbidden status, approval or price is kept`, () => {
    for (let seed = 1; seed <= RUNS; seed++) run(seed, true);
  }, 240_000);
});
