// The room's logic on its own: the server creates a document (header and structure) before
// anyone writes to it; half-delivered edits are not half applied; a correction puts back only
// what the rules refused; the header, the structure and foreign roots are refused whole and
// leave the store as it was; status steps are stamped by the room.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeDocId, parseDocId, type DocId } from '../../core/docs/id.ts';
import { decide } from '../../core/docs/kinds/order.ts';
import { body, headerOf, initDoc, order, SKELETON_CLIENT, ticket, visit } from '../../core/docs/schema.ts';
import { CLOSE_FORBIDDEN, CLOSE_READ_ONLY } from '../../durable-objects/protocol.ts';
import { Refused, RoomCore, type Writer } from '../../durable-objects/room-core.ts';
import { MemoryUpdateStore } from '../../durable-objects/storage.ts';

const id = parseDocId(makeDocId('order', { dealerId: 'dlr_1' }, 'roomcore0001'));
const dealer: Writer = { userId: 'u1', role: 'dealer_admin', access: 'write' };
const T0 = '2026-03-01T09:00:00.000Z';

function room(docId: DocId = id, createdBy = 'u1') {
  const store = new MemoryUpdateStore();
  const r = new RoomCore(store, docId);
  let tick = 0;
  r.now = () => new Date(Date.parse(T0) + 60_000 * ++tick).toISOString();
  r.create(headerOf(docId, createdBy, T0));
  return { store, room: r };
}

// A replica that starts from what the room holds.
function replica(r: RoomCore) {
  const d = new Y.Doc();
  Y.applyUpdate(d, Y.encodeStateAsUpdate(r.doc));
  return d;
}

// What the client sends the room: everything the room lacks.
const diff = (d: Y.Doc, r: RoomCore) => Y.encodeStateAsUpdate(d, Y.encodeStateVector(r.doc));
const log = (s: MemoryUpdateStore) => s.loadAll().map((u) => Buffer.from(u).toString('base64'));

function setup() {
  const { store, room: r } = room();
  const a = replica(r);
  order.setLine(a, 'l1', { productId: 'p1', quantity: 1 });
  order.setLine(a, 'l2', { productId: 'p2', quantity: 2 });
  expect(r.apply(diff(a, r), dealer).violations).toEqual([]);
  return { store, room: r, a };
}

// Replaces a string of the same length in an update's bytes (a hand-made update).
function patch(u: Uint8Array, from: string, to: string): Uint8Array {
  const [a, b] = [new TextEncoder().encode(from), new TextEncoder().encode(to)];
  const out = u.slice();
  for (let i = 0; i + a.length <= out.length; i++) if (a.every((x, j) => out[i + j] === x)) out.set(b, i);
  return out;
}

function refused(fn: () => unknown): Refused {
  try { fn(); } catch (err) { if (err instanceof Refused) return err; throw err; }
  throw new Error('expected the room to refuse the change');
}

describe('RoomCore: creation', () => {
  it('writes the header and the structure, once, and a document without them accepts nothing', () => {
    const store = new MemoryUpdateStore();
    const r = new RoomCore(store, id);
    expect(r.created).toBe(false);
    const early = new Y.Doc();
    initDoc(early, id);
    order.setLine(early, 'l1', { productId: 'p1', quantity: 1 });
    expect(refused(() => r.apply(Y.encodeStateAsUpdate(early), dealer)).code).toBe(CLOSE_FORBIDDEN);
    expect(store.stats().count).toBe(0);
    expect(r.create(headerOf(id, 'u1', T0))).not.toBeNull();
    expect(r.create(headerOf(id, 'someone_else', '2030-01-01T00:00:00.000Z'))).toBeNull();
    expect(r.doc.getMap('meta').toJSON()).toEqual({ kind: 'order', schemaVersion: 1, dealerId: 'dlr_1', repId: null, createdBy: 'u1', createdAt: T0 });
    expect(body(r.doc, 'order').toJSON()).toEqual({ status: 'draft', lines: {}, notes: '', statusHistory: [], shipments: [] });
    // The same after a restart.
    expect(new RoomCore(store, id).doc.getMap('meta').toJSON()).toEqual(r.doc.getMap('meta').toJSON());
  });

  it('merges a document started offline from the structure with the one the room created', () => {
    const { store, room: r } = room();
    const offline = new Y.Doc();
    initDoc(offline, id);
    order.setLine(offline, 'l1', { productId: 'p1', quantity: 3 });
    order.notes(offline).insert(0, 'Before noon');
    const res = r.apply(Y.encodeStateAsUpdate(offline), dealer);
    expect(res.violations).toEqual([]);
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(r.doc, Y.encodeStateVector(offline)));
    for (const d of [r.doc, offline, new RoomCore(store, id).doc]) {
      expect(order.lines(d).toJSON()).toEqual({ l1: { productId: 'p1', quantity: 3 } });
      expect(order.notes(d).toString()).toBe('Before noon');
      expect(d.getMap('meta').get('createdBy')).toBe('u1');
    }
  });

  it('refuses a write from a read-only connection (HQ reads orders, it does not write them)', () => {
    const { store, room: r } = room();
    const hq = replica(r);
    order.setLine(hq, 'l1', { productId: 'p1', quantity: 1 });
    expect(refused(() => r.apply(diff(hq, r), { userId: 'hq', role: 'hq_admin', access: 'read' })).code).toBe(CLOSE_READ_ONLY);
    expect(store.stats().count).toBe(1);
  });
});

describe('RoomCore: updates', () => {
  it('does not apply an update that builds on a lost message, and takes the whole diff', () => {
    const { room: r, a } = setup();
    const updates: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => updates.push(u));
    order.notes(a).insert(0, 'first'); // this message is lost
    order.setLine(a, 'l1', { productId: 'p1', quantity: 5 }); // an overwrite: a new item and a delete
    const res = r.apply(updates[1], dealer);
    expect(res.gap).toBe(true);
    expect(res.stored).toBeNull();
    // The overwrite's delete was not applied on its own: the line is still there.
    expect(order.lines(r.doc).get('l1')).toEqual({ productId: 'p1', quantity: 1 });
    // What a client sends in answer to step 1.
    const whole = r.apply(diff(a, r), dealer);
    expect(whole.gap).toBeFalsy();
    expect(order.lines(r.doc).get('l1')).toEqual({ productId: 'p1', quantity: 5 });
    expect(order.notes(r.doc).toString()).toBe('first');
  });

  it('corrects only the refused entries of a change and keeps the permitted rest', () => {
    const { room: r, a } = setup();
    const sv = Y.encodeStateVector(r.doc);
    a.transact(() => {
      order.setLine(a, 'l1', { productId: 'p1', quantity: 7 });
      order.setLine(a, 'l2', { productId: 'p2', quantity: 2, unitPrice: 0.01 });
    });
    const res = r.apply(Y.encodeStateAsUpdate(a, sv), dealer);
    expect(res.violations.map((v) => v.path)).toEqual(['lines.l2.unitPrice']);
    Y.applyUpdate(a, res.correction!);
    for (const d of [r.doc, a]) {
      expect(order.lines(d).get('l1')).toEqual({ productId: 'p1', quantity: 7 });
      expect(order.lines(d).get('l2')).toEqual({ productId: 'p2', quantity: 2 });
    }
  });

  it('checks each change against the document as stored, however it was loaded', () => {
    const { store, room: r, a } = setup();
    order.setStatus(a, 'submitted');
    r.apply(diff(a, r), dealer);
    r.compact();
    const reloaded = new RoomCore(store, id);
    const sv = Y.encodeStateVector(reloaded.doc);
    order.setLine(a, 'l3', { productId: 'p3', quantity: 1 });
    const res = reloaded.apply(Y.encodeStateAsUpdate(a, sv), dealer);
    expect(res.violations.map((v) => v.path)).toEqual(['lines']);
    expect(order.lines(reloaded.doc).has('l3')).toBe(false);
    expect(order.lines(reloaded.doc).size).toBe(2);
  });

  it('stamps a person\'s status step with the name it authenticated and its own clock, and refuses a forged history', () => {
    const { room: r } = setup();
    // Another user's device (a client id is bound to the user who first wrote under it).
    const a = replica(r);
    const forged = { status: 'submitted', by: 'server', role: 'server', at: '2020-01-01T00:00:00.000Z' };
    a.transact(() => {
      order.setStatus(a, 'submitted');
      (body(a, 'order').get('statusHistory') as Y.Array<unknown>).push([forged]);
    });
    const res = r.apply(diff(a, r), { ...dealer, userId: 'u7' });
    expect(res.violations.map((v) => v.path)).toEqual(['statusHistory']);
    Y.applyUpdate(a, res.correction!);
    for (const d of [r.doc, a]) {
      expect(order.status(d)).toBe('submitted');
      expect((body(d, 'order').get('statusHistory') as Y.Array<unknown>).toJSON()).toEqual([{ status: 'submitted', by: 'u7', role: 'dealer_admin', at: '2026-03-01T09:01:00.000Z' }]);
    }
  });
});

describe('RoomCore: refused whole', () => {
  // Each of these leaves the store exactly as it was and the room as its store says.
  function refusedWhole(change: (d: Y.Doc) => void, writer: Writer = dealer, craft: (u: Uint8Array) => Uint8Array = (u) => u) {
    const { store, room: r, a } = setup();
    const before = log(store);
    const state = Buffer.from(Y.encodeStateAsUpdate(r.doc)).toString('base64');
    change(a);
    const err = refused(() => r.apply(craft(diff(a, r)), writer));
    expect(err.code).toBe(CLOSE_FORBIDDEN);
    expect(log(store)).toEqual(before);
    expect(Buffer.from(Y.encodeStateAsUpdate(r.doc)).toString('base64')).toBe(state);
    expect(order.lines(r.doc).size).toBe(2);
    return err.message;
  }

  it('refuses changes outside the header and the body', () => {
    expect(refusedWhole((a) => a.getMap('elsewhere').set('x', 1))).toMatch(/header and the body/);
    // List content in the body itself (no Yjs API writes it; a forger calls the list's insert on the map).
    expect(refusedWhole((a) => Y.Array.prototype.insert.call(body(a, 'order') as never, 0, ['x']))).toMatch(/header and the body/);
  });

  it('refuses a change to the header, even alongside a permitted edit', () => {
    expect(refusedWhole((a) => a.transact(() => { order.setLine(a, 'l3', { productId: 'p3', quantity: 1 }); a.getMap('meta').set('dealerId', 'dlr_2'); }))).toMatch(/header/);
    expect(refusedWhole((a) => a.getMap('meta').delete('createdBy'))).toMatch(/header/);
  });

  it('refuses a replaced or deleted structure', () => {
    expect(refusedWhole((a) => body(a, 'order').set('lines', new Y.Map()))).toMatch(/structure of lines/);
    expect(refusedWhole((a) => body(a, 'order').delete('statusHistory'))).toMatch(/structure of statusHistory/);
  });

  // Found by the forged-write fuzz: these were stored (and the room's commands then read them).
  it('refuses types, list content and odd values inside the structure', () => {
    // A line as a Y.Map: accepted before, and the server's decision then spread the Y.Map's
    // internals into the line and threw half way, leaving the room unlike its store.
    expect(refusedWhole((a) => { const m = new Y.Map(); m.set('productId', 'p9'); m.set('quantity', 1); order.lines(a).set('l9', m as never); })).toMatch(/plain values/);
    expect(refusedWhole((a) => order.lines(a).set('l9', new Y.Doc() as never))).toMatch(/plain values/);
    expect(refusedWhole((a) => order.lines(a).set('l9', new Uint8Array([1, 2]) as never))).toMatch(/plain values|plain JSON/);
    // A bigint: the rules threw on it after it was stored, so a restart brought it back.
    expect(refusedWhole((a) => body(a, 'order').set('total', 5n as never))).toMatch(/plain JSON/);
    expect(refusedWhole((a) => order.lines(a).set('l9', { productId: 'p9', quantity: 10n } as never))).toMatch(/plain JSON/);
    // "__proto__": invisible to toJSON, so the rules never saw a forged price under that key.
    expect(refusedWhole((a) => order.lines(a).set('__proto__', { productId: 'p9', quantity: 1, unitPrice: 1 } as never))).toMatch(/key/);
    // (In a value's own keys too; a hand-made update, since what a JS object with such a key
    // encodes to is not even stable.)
    expect(refusedWhole((a) => order.lines(a).set('l9', { productId: 'p9', quantity: 1, __protx__: { unitPrice: 1 } } as never), dealer, (u) => patch(u, '__protx__', '__proto__'))).toMatch(/key/);
    // Found by the forged-write fuzz: written and deleted in one update, "__proto__" passed the
    // content check and the correction, reading the change as JSON, wrote Object.prototype there.
    expect(refusedWhole((a) => a.transact(() => { order.lines(a).set('__proto__', { productId: 'p9', quantity: 1 } as never); order.lines(a).delete('__proto__'); }))).toMatch(/key/);
    expect(refusedWhole((a) => order.notes(a).insertEmbed(0, { image: 'x' }))).toMatch(/characters/);
    expect(refusedWhole((a) => { order.notes(a).insert(0, 'x'); order.notes(a).format(0, 1, { bold: true }); })).toMatch(/characters/);
  });

  it('refuses list content written into a map of the body', () => {
    const { store, room: r } = setup();
    const before = log(store);
    // No Yjs API writes list content into a map: the update is made by hand, as a forger would.
    const a = replica(r);
    Y.Array.prototype.insert.call(order.lines(a) as never, 0, [{ productId: 'p1', quantity: 1, unitPrice: 1 }]);
    expect(refused(() => r.apply(diff(a, r), dealer)).message).toMatch(/map holds plain values/);
    expect(log(store)).toEqual(before);
  });

  it('refuses items written as the structure\'s own client', () => {
    const { store, room: r } = setup();
    const before = log(store);
    const forger = replica(r);
    forger.clientID = SKELETON_CLIENT;
    order.setLine(forger, 'l9', { productId: 'p9', quantity: 1 });
    expect(refused(() => r.apply(diff(forger, r), dealer)).message).toMatch(/structure/);
    expect(log(store)).toEqual(before);
  });
});

describe('RoomCore: corrections settle', () => {
  it('corrects a field named like Object.prototype\'s properties instead of failing on it', () => {
    const { store, room: r, a } = setup();
    a.transact(() => { body(a, 'order').set('constructor', { v: 1 }); body(a, 'order').set('toString', 1); order.setLine(a, 'l3', { productId: 'p3', quantity: 1 }); });
    const res = r.apply(diff(a, r), dealer);
    expect(res.violations.map((v) => v.path).sort()).toEqual(['constructor', 'toString']);
    Y.applyUpdate(a, res.correction!);
    for (const d of [r.doc, a, new RoomCore(store, id).doc]) {
      expect(body(d, 'order').has('constructor') || body(d, 'order').has('toString')).toBe(false);
      expect(order.lines(d).has('l3')).toBe(true);
    }
  });

  // Found by the forged-write fuzz: the guard read the refused check-in, so the visit stayed
  // started once its check-in was put back.
  it('does not start a visit whose check-in it refused', () => {
    const vid = parseDocId(makeDocId('visit', { repId: 'rep_1', dealerId: 'dlr_1' }, 'visit00001'));
    const { store, room: r } = room(vid, 'rep_1');
    const rep: Writer = { userId: 'rep_1', role: 'field_rep', access: 'write' };
    const a = replica(r);
    visit.checkIn(a, { at: 'yesterday', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true });
    const res = r.apply(diff(a, r), rep);
    expect(res.violations.map((v) => v.path)).toEqual(['checkIn', 'status']);
    Y.applyUpdate(a, res.correction!);
    for (const d of [r.doc, a, new RoomCore(store, vid).doc]) {
      expect(visit.status(d)).toBe('planned');
      expect(visit.get(d, 'checkIn')).toBeUndefined();
    }
    // A good check-in starts it.
    visit.checkIn(a, { at: '2026-03-01T10:00:00Z', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true });
    expect(r.apply(diff(a, r), rep).violations).toEqual([]);
    expect(visit.status(r.doc)).toBe('in_progress');
  });

  it('does not keep a thread whose subject it refused', () => {
    const tid = parseDocId(makeDocId('ticket', { dealerId: 'dlr_1' }, 'ticket00001'));
    const { room: r } = room(tid);
    const a = replica(r);
    ticket.open(a, tid, { category: 'order', subject: 'x'.repeat(300) }, { by: 'u1', byName: 'U', role: 'dealer_admin', text: 'hello', photos: [], at: T0 });
    const res = r.apply(diff(a, r), dealer);
    expect(res.violations.map((v) => v.path)).toEqual(['subject', 'messages']);
    expect(ticket.messages(r.doc).length).toBe(0);
  });
});

describe('RoomCore: commands', () => {
  it('writes the server\'s part and stamps the steps it takes', () => {
    const { room: r, a } = setup();
    order.setStatus(a, 'submitted');
    Y.applyUpdate(a, r.apply(diff(a, r), dealer).correction!);
    const { update } = r.command((doc, at) => decide(doc, { kind: 'priced', prices: { l1: 100, l2: 250 }, total: 600, credit: { limit: 10_000, exposure: 0, total: 600, ok: true }, outcome: { status: 'approved', by: 'auto' } }, at));
    Y.applyUpdate(a, update!);
    expect(order.status(a)).toBe('approved');
    expect(order.lines(a).get('l2')).toEqual({ productId: 'p2', quantity: 2, unitPrice: 250 });
    expect((body(a, 'order').get('statusHistory') as Y.Array<{ status: string; by: string }>).toArray().map((h) => `${h.status}:${h.by}`)).toEqual(['submitted:u1', 'approved:server']);
  });

  // Found by the forged-write fuzz: a command that threw half way left its writes in the room's
  // doc (and so in what it served and projected) but not in its store.
  it('leaves the room as its store says when a command throws half way', () => {
    const { store, room: r } = setup();
    expect(() => r.command((doc) => { body(doc, 'order').set('total', 1); throw new Error('half way'); })).toThrow('half way');
    expect(body(r.doc, 'order').get('total')).toBeUndefined();
    expect(Y.encodeStateAsUpdate(r.doc)).toEqual(Y.encodeStateAsUpdate(new RoomCore(store, id).doc));
  });
});

describe('RoomCore: client ids', () => {
  // Yjs client ids are chosen by the client: a writer who copies another device's client id (any
  // replica shows it) and writes ahead of that device's clock would make the room drop that
  // device's later edits as already known. The room binds each id to the first user it accepted
  // items from, and remembers it across restarts.
  it('refuses items written under a client id that belongs to another writer, and keeps the victim\'s edits', () => {
    const { store, room: r } = room();
    const victim = replica(r);
    order.setLine(victim, 'v1', { productId: 'prd_1', quantity: 1 });
    r.apply(diff(victim, r), dealer);
    // The thief copies the victim's id and writes at the clocks the victim uses next.
    const thief = replica(r);
    thief.clientID = victim.clientID;
    order.setLine(thief, 'x1', { productId: 'prd_9', quantity: 9 });
    const staff: Writer = { userId: 'u2', role: 'dealer_staff', access: 'write' };
    expect(() => r.apply(diff(thief, r), staff)).toThrow(expect.objectContaining({ code: CLOSE_FORBIDDEN }));
    // After a restart too.
    const again = new RoomCore(store, id);
    expect(() => again.apply(diff(thief, again), staff)).toThrow(expect.objectContaining({ code: CLOSE_FORBIDDEN }));
    order.setLine(victim, 'v2', { productId: 'prd_2', quantity: 2 });
    again.apply(diff(victim, again), dealer);
    expect([...order.lines(again.doc).keys()].sort()).toEqual(['v1', 'v2']);
  });

  it('lets one user write from several devices, and nobody write under the server\'s id', () => {
    const { room: r } = room();
    const phone = replica(r);
    const laptop = replica(r);
    order.setLine(phone, 'p1', { productId: 'prd_1', quantity: 1 });
    order.setLine(laptop, 'l1', { productId: 'prd_2', quantity: 1 });
    r.apply(diff(phone, r), dealer);
    r.apply(diff(laptop, r), dealer);
    expect(order.lines(r.doc).size).toBe(2);
    const forger = replica(r);
    forger.clientID = r.doc.clientID;
    order.setLine(forger, 'f1', { productId: 'prd_3', quantity: 1 });
    expect(() => r.apply(diff(forger, r), dealer)).toThrow(expect.objectContaining({ code: CLOSE_FORBIDDEN }));
  });
});

describe('RoomCore: readers', () => {
  // Found by the convergence fuzz: a replica answering the room's sync step 1 sends its whole
  // delete set even when it has nothing new, so every reader of a document with a deletion
  // (any overwritten line or status) was closed as if it had written.
  it('takes a reader\'s step 2 that brings nothing new, and closes a reader that writes', () => {
    const { room: r, a } = setup();
    order.setLine(a, 'l1', { productId: 'p1', quantity: 4 }); // an overwrite: a deletion
    r.apply(diff(a, r), dealer);
    const hq = replica(r);
    const reader: Writer = { userId: 'hq', role: 'hq_admin', access: 'read' };
    expect(r.apply(Y.encodeStateAsUpdate(hq, Y.encodeStateVector(r.doc)), reader)).toEqual({ stored: null, correction: null, violations: [] });
    // Its answer to an older step 1: items the room has had since.
    const old = Y.encodeStateVector(r.doc);
    order.setLine(a, 'l2', { productId: 'p2', quantity: 9 });
    r.apply(diff(a, r), dealer);
    Y.applyUpdate(hq, Y.encodeStateAsUpdate(r.doc, Y.encodeStateVector(hq)));
    expect(r.apply(Y.encodeStateAsUpdate(hq, old), reader).stored).toBeNull();
    order.lines(hq).delete('l2');
    expect(refused(() => r.apply(Y.encodeStateAsUpdate(hq, Y.encodeStateVector(r.doc)), reader)).code).toBe(CLOSE_READ_ONLY);
    expect(order.lines(r.doc).has('l2')).toBe(true);
  });
});
