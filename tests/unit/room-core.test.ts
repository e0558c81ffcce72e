// The room's logic on its own: half-delivered edits are not half applied, and a correction puts
// back only what the rules refused.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { initDoc, order } from '../../core/docs/schema.ts';
import { RoomCore, type Writer } from '../../durable-objects/room-core.ts';
import { MemoryUpdateStore } from '../../durable-objects/storage.ts';

const id = parseDocId(makeDocId('order', { dealerId: 'dlr_1' }, 'roomcore0001'));
const dealer: Writer = { userId: 'u1', role: 'dealer_admin', access: 'write' };

function setup() {
  const store = new MemoryUpdateStore();
  const room = new RoomCore(store, id);
  const a = new Y.Doc();
  initDoc(a, id, 'u1');
  order.setLine(a, 'l1', { productId: 'p1', quantity: 1 });
  order.setLine(a, 'l2', { productId: 'p2', quantity: 2 });
  expect(room.apply(Y.encodeStateAsUpdate(a), dealer).violations).toEqual([]);
  return { store, room, a };
}

describe('RoomCore', () => {
  it('does not apply an update that builds on a lost message, and takes the whole diff', () => {
    const { room, a } = setup();
    const updates: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => updates.push(u));
    order.notes(a).insert(0, 'first'); // this message is lost
    order.setLine(a, 'l1', { productId: 'p1', quantity: 5 }); // an overwrite: a new item and a delete
    const r = room.apply(updates[1], dealer);
    expect(r.gap).toBe(true);
    expect(r.stored).toBeNull();
    // The overwrite's delete was not applied on its own: the line is still there.
    expect(order.lines(room.doc).get('l1')).toEqual({ productId: 'p1', quantity: 1 });
    // What a client sends in answer to step 1.
    const whole = room.apply(Y.encodeStateAsUpdate(a, Y.encodeStateVector(room.doc)), dealer);
    expect(whole.gap).toBeFalsy();
    expect(order.lines(room.doc).get('l1')).toEqual({ productId: 'p1', quantity: 5 });
    expect(order.notes(room.doc).toString()).toBe('first');
  });

  it('corrects only the refused entries of a change and keeps the permitted rest', () => {
    const { room, a } = setup();
    const sv = Y.encodeStateVector(room.doc);
    a.transact(() => {
      order.setLine(a, 'l1', { productId: 'p1', quantity: 7 });
      order.setLine(a, 'l2', { productId: 'p2', quantity: 2, unitPrice: 0.01 });
    });
    const r = room.apply(Y.encodeStateAsUpdate(a, sv), dealer);
    expect(r.violations.map((v) => v.path)).toEqual(['lines.l2.unitPrice']);
    Y.applyUpdate(a, r.correction!);
    for (const d of [room.doc, a]) {
      expect(order.lines(d).get('l1')).toEqual({ productId: 'p1', quantity: 7 });
      expect(order.lines(d).get('l2')).toEqual({ productId: 'p2', quantity: 2 });
    }
  });

  it('checks each change against the document as stored, however it was loaded', () => {
    const { store, room, a } = setup();
    order.setStatus(a, 'submitted', 'u1', 'dealer_admin');
    room.apply(Y.encodeStateAsUpdate(a, Y.encodeStateVector(room.doc)), dealer);
    room.compact();
    const reloaded = new RoomCore(store, id);
    const sv = Y.encodeStateVector(reloaded.doc);
    order.setLine(a, 'l3', { productId: 'p3', quantity: 1 });
    const r = reloaded.apply(Y.encodeStateAsUpdate(a, sv), dealer);
    expect(r.violations.map((v) => v.path)).toEqual(['lines']);
    expect(order.lines(reloaded.doc).has('l3')).toBe(false);
    expect(order.lines(reloaded.doc).size).toBe(2);
  });

  it('refuses changes outside the header and the body', () => {
    const { room, a } = setup();
    const sv = Y.encodeStateVector(room.doc);
    a.getMap('elsewhere').set('x', 1);
    const r = room.apply(Y.encodeStateAsUpdate(a, sv), dealer);
    expect(r.violations.map((v) => v.path)).toEqual(['*']);
    Y.applyUpdate(a, r.correction!);
    for (const d of [room.doc, a]) expect(d.getMap('elsewhere').size).toBe(0);
    expect(order.lines(room.doc).size).toBe(2);
  });
});
