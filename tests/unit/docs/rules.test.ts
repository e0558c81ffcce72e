// The write rules on their own: a change (before → after) against each role's part of a kind.
// Documents start from the structure the server writes (skeletonUpdate, applied by initDoc),
// with the header the room writes; a client never writes either.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { reachOf } from '../../../core/access/roles.ts';
import { checkChange, correct, type Writer } from '../../../core/docs/rules.ts';
import { DocIdError, makeDocId, parseDocId } from '../../../core/docs/id.ts';
import { stampHistory } from '../../../core/docs/kinds/order.ts';
import { headerOf, initDoc, migrate, order, snapshot, visit, body, writeHeader } from '../../../core/docs/schema.ts';

const dealer: Writer = { role: 'dealer_admin', userId: 'usr_dealer_admin' };
const server: Writer = { role: 'server', userId: 'server' };

// Applies a change on a replica the way the room sees it: before, update, after, verdict.
function edit(doc: Y.Doc, idStr: string, writer: Writer, change: (d: Y.Doc) => void) {
  const id = parseDocId(idStr);
  const before = snapshot(doc, id.kind);
  const sv = Y.encodeStateVector(doc);
  change(doc);
  const update = Y.encodeStateAsUpdate(doc, sv);
  const violations = checkChange(id, writer, before, snapshot(doc, id.kind));
  return { update, violations, before, id };
}

// An order as the room creates it: its header and its structure.
function newOrder() {
  const id = makeDocId('order', { dealerId: 'dlr_00012' }, 'abcdef123456');
  const doc = new Y.Doc();
  initDoc(doc, parseDocId(id));
  writeHeader(doc, headerOf(parseDocId(id), 'usr_dealer_admin', '2026-01-05T09:00:00.000Z'));
  return { id, doc };
}

describe('document ids', () => {
  it('round-trip and carry the owner', () => {
    expect(parseDocId(makeDocId('visit', { dealerId: 'dlr_1', repId: 'usr_rep_01' }, 'u1234567'))).toMatchObject({ kind: 'visit', repId: 'usr_rep_01', dealerId: 'dlr_1' });
    expect(parseDocId('order.dlr_00012.abcdef123456')).toMatchObject({ kind: 'order', dealerId: 'dlr_00012', repId: null });
  });
  it('refuse garbage', () => {
    for (const bad of ['', 'order', 'order.dlr.short', 'invoice.dlr_1.abcdefgh12', 'visit.dlr_1.abcdefgh12', 'order.a/b.abcdefgh12', 'order.dlr.abc.def']) {
      expect(() => parseDocId(bad), bad).toThrow(DocIdError);
    }
  });
});

describe('order write rules', () => {
  it('a dealer fills and submits its own draft', () => {
    const { id, doc } = newOrder();
    expect(edit(doc, id, dealer, (d) => order.setLine(d, 'l1', { productId: 'prd_001', quantity: 3 })).violations).toEqual([]);
    expect(edit(doc, id, dealer, (d) => order.notes(d).insert(0, 'Deliver before noon')).violations).toEqual([]);
    expect(edit(doc, id, dealer, (d) => order.setStatus(d, 'submitted')).violations).toEqual([]);
    expect(order.status(doc)).toBe('submitted');
  });

  it('a dealer approving its order is corrected on every replica', () => {
    const { id, doc } = newOrder();
    edit(doc, id, dealer, (d) => order.setStatus(d, 'submitted'));
    // Two other replicas in sync before the forbidden change.
    const r1 = new Y.Doc(); const r2 = new Y.Doc();
    Y.applyUpdate(r1, Y.encodeStateAsUpdate(doc)); Y.applyUpdate(r2, Y.encodeStateAsUpdate(doc));
    const attempt = edit(doc, id, dealer, (d) => body(d, 'order').set('status', 'approved'));
    expect(attempt.violations.map((v) => v.path)).toEqual(['status']);
    Y.applyUpdate(r1, attempt.update); Y.applyUpdate(r2, attempt.update);
    const sv = Y.encodeStateVector(doc);
    correct(doc, 'order', attempt.before, attempt.violations);
    const correction = Y.encodeStateAsUpdate(doc, sv);
    Y.applyUpdate(r1, correction); Y.applyUpdate(r2, correction);
    for (const d of [doc, r1, r2]) expect(order.status(d)).toBe('submitted');
    expect(Y.encodeStateAsUpdate(r1)).toEqual(Y.encodeStateAsUpdate(r2));
  });

  it('server-only fields and prices are refused for every person, allowed for the server', () => {
    const { id, doc } = newOrder();
    for (const role of ['dealer_admin', 'dealer_staff', 'field_rep', 'regional_manager', 'analyst', 'hq_admin'] as const) {
      const w = { role, userId: 'x' };
      const r = edit(doc, id, w, (d) => body(d, 'order').set('approval', { state: 'approved' }));
      expect(r.violations.length, role).toBeGreaterThan(0);
      correct(doc, 'order', r.before, r.violations);
    }
    edit(doc, id, dealer, (d) => order.setLine(d, 'l1', { productId: 'p', quantity: 1 }));
    const priced = edit(doc, id, dealer, (d) => order.setLine(d, 'l1', { productId: 'p', quantity: 1, unitPrice: 1 }));
    expect(priced.violations.map((v) => v.path)).toEqual(['lines.l1.unitPrice']);
    correct(doc, 'order', priced.before, priced.violations);
    expect(order.lines(doc).get('l1')?.unitPrice).toBeUndefined();
    expect(edit(doc, id, server, (d) => order.setLine(d, 'l1', { productId: 'p', quantity: 1, unitPrice: 1250 })).violations).toEqual([]);
  });

  it('lines are frozen once submitted, and the history is the room\'s alone', () => {
    const { id, doc } = newOrder();
    edit(doc, id, dealer, (d) => order.setStatus(d, 'submitted'));
    // The room stamps the step (a server write).
    expect(edit(doc, id, server, (d) => stampHistory(d, { status: 'submitted', by: 'usr_dealer_admin', role: 'dealer_admin', at: '2026-01-05T09:01:00.000Z' })).violations).toEqual([]);
    expect(edit(doc, id, dealer, (d) => order.setLine(d, 'l9', { productId: 'p', quantity: 1 })).violations[0].reason).toMatch(/once the order is submitted/);
    const history = (d: Y.Doc) => body(d, 'order').get('statusHistory') as Y.Array<unknown>;
    const rewrite = edit(doc, id, dealer, (d) => history(d).delete(0, 1));
    expect(rewrite.violations.map((v) => v.path)).toContain('statusHistory');
    correct(doc, 'order', rewrite.before, rewrite.violations);
    // Not even an entry in the dealer's own name, nor a back-dated one in the server's.
    for (const entry of [{ status: 'submitted', by: 'usr_dealer_admin', role: 'dealer_admin', at: '2026-01-05T09:00:00.000Z' }, { status: 'approved', by: 'server', role: 'server', at: '2020-01-01T00:00:00.000Z' }]) {
      const forged = edit(doc, id, dealer, (d) => history(d).push([entry]));
      expect(forged.violations.map((v) => v.path)).toEqual(['statusHistory']);
      correct(doc, 'order', forged.before, forged.violations);
    }
    expect(history(doc).length).toBe(1);
  });

  it('shipments, approvals and totals are the room\'s commands\' alone', () => {
    const { id, doc } = newOrder();
    for (const [field, change] of [
      ['shipments', (d: Y.Doc) => (body(d, 'order').get('shipments') as Y.Array<unknown>).push([{ eventId: 'e1', status: 'delivered', items: [] }])],
      ['approval', (d: Y.Doc) => body(d, 'order').set('approval', { state: 'approved', by: 'auto' })],
      ['total', (d: Y.Doc) => body(d, 'order').set('total', 1)],
      ['creditCheck', (d: Y.Doc) => body(d, 'order').set('creditCheck', { ok: true })],
    ] as const) {
      for (const role of ['dealer_admin', 'dealer_staff', 'field_rep'] as const) {
        const r = edit(doc, id, { role, userId: 'x' }, change);
        expect(r.violations.map((v) => v.path), `${role} ${field}`).toEqual([field]);
        correct(doc, 'order', r.before, r.violations);
      }
    }
    expect(body(doc, 'order').toJSON()).toEqual({ status: 'draft', lines: {}, notes: '', statusHistory: [], shipments: [] });
  });

  // Found by the forged-write fuzz: field names were looked up through Object.prototype, so
  // "constructor" passed as a field and the rules threw on it (and the room had stored it).
  it('a name on Object.prototype is no field', () => {
    const { id, doc } = newOrder();
    for (const key of ['constructor', 'toString', 'hasOwnProperty', '__defineGetter__']) {
      const r = edit(doc, id, dealer, (d) => body(d, 'order').set(key, { v: 1 }));
      expect(r.violations, key).toEqual([{ path: key, reason: 'Not a field of this document' }]);
      correct(doc, 'order', r.before, r.violations);
      expect(body(doc, 'order').has(key)).toBe(false);
    }
  });

  // Found by the forged-write fuzz: null where there was nothing counted as no change, so a null
  // line (on which the server's decision throws, leaving the order undecided and unprojected), a
  // null approval or total, or a null answer under a key no form allows were kept unchecked.
  it('null written where there was nothing is a change, and checked', () => {
    const { id, doc } = newOrder();
    const line = edit(doc, id, dealer, (d) => order.lines(d).set('l1', null as never));
    expect(line.violations.map((v) => v.path)).toEqual(['lines.l1']);
    correct(doc, 'order', line.before, line.violations);
    expect(order.lines(doc).has('l1')).toBe(false);
    for (const f of ['approval', 'total', 'creditCheck']) {
      const r = edit(doc, id, dealer, (d) => body(d, 'order').set(f, null));
      expect(r.violations.map((v) => v.path)).toEqual([f]);
      correct(doc, 'order', r.before, r.violations);
      expect(body(doc, 'order').has(f)).toBe(false);
    }
    const form = makeDocId('form', { dealerId: 'dlr_00012', repId: 'usr_rep_01' }, 'form000001');
    const fdoc = new Y.Doc();
    initDoc(fdoc, parseDocId(form));
    const rep: Writer = { role: 'field_rep', userId: 'usr_rep_01' };
    const answers = (d: Y.Doc) => body(d, 'form').get('answers') as Y.Map<unknown>;
    expect(edit(fdoc, form, rep, (d) => answers(d).set('bad key!', null)).violations.map((v) => v.path)).toEqual(['answers.bad key!']);
    answers(fdoc).delete('bad key!');
    // A null answer is an answer: once submitted, deleting it is put back (the correction took
    // the missing entry for the null one and left it deleted, so the room never settled).
    expect(edit(fdoc, form, rep, (d) => answers(d).set('q1', null)).violations).toEqual([]);
    edit(fdoc, form, rep, (d) => d.transact(() => { body(d, 'form').set('formId', 'f1'); body(d, 'form').set('status', 'submitted'); }));
    const removed = edit(fdoc, form, rep, (d) => answers(d).delete('q1'));
    expect(removed.violations.map((v) => v.path)).toEqual(['answers']);
    correct(fdoc, 'form', removed.before, removed.violations);
    expect(answers(fdoc).has('q1')).toBe(true);
    expect(answers(fdoc).get('q1')).toBeNull();
  });

  it('a line carries a product, a quantity and a note, nothing else', () => {
    const { id, doc } = newOrder();
    const r = edit(doc, id, dealer, (d) => order.lines(d).set('l1', { productId: 'p', quantity: 1, discount: 50 } as never));
    expect(r.violations.map((v) => v.path)).toEqual(['lines.l1']);
    expect(edit(doc, id, dealer, (d) => order.lines(d).set('bad key!', { productId: 'p', quantity: 1 })).violations.map((v) => v.path)).toEqual(['lines.bad key!']);
  });

  it('status steps follow each role\'s transitions', () => {
    for (const [to, ok] of [['submitted', true], ['cancelled', true], ['approved', false], ['held', false], ['shipped', false], ['delivered', false], ['bogus', false]] as const) {
      const { id, doc } = newOrder();
      expect(edit(doc, id, dealer, (d) => body(d, 'order').set('status', to)).violations.length === 0, `draft → ${to}`).toBe(ok);
    }
    const { id, doc } = newOrder();
    edit(doc, id, server, (d) => body(d, 'order').set('status', 'approved'));
    expect(edit(doc, id, dealer, (d) => body(d, 'order').set('status', 'cancelled')).violations.map((v) => v.path)).toEqual(['status']);
    expect(edit(doc, id, dealer, (d) => body(d, 'order').set('status', 'draft')).violations.map((v) => v.path)).toEqual(['status']);
  });

  it('concurrent permitted edits of different lines merge', () => {
    const { doc } = newOrder();
    const a = new Y.Doc(); const b = new Y.Doc();
    Y.applyUpdate(a, Y.encodeStateAsUpdate(doc)); Y.applyUpdate(b, Y.encodeStateAsUpdate(doc));
    order.setLine(a, 'la', { productId: 'p1', quantity: 1 });
    order.setLine(b, 'lb', { productId: 'p2', quantity: 2 });
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b)); Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect([...order.lines(a).keys()].sort()).toEqual(['la', 'lb']);
    expect(order.lines(a).toJSON()).toEqual(order.lines(b).toJSON());
  });

  it('the header is the server\'s: any change to it is refused', () => {
    const { id, doc } = newOrder();
    expect(doc.getMap('meta').toJSON()).toEqual({ kind: 'order', schemaVersion: 1, dealerId: 'dlr_00012', repId: null, createdBy: 'usr_dealer_admin', createdAt: '2026-01-05T09:00:00.000Z' });
    const r = edit(doc, id, dealer, (d) => d.getMap('meta').set('dealerId', 'dlr_99999'));
    expect(r.violations.map((v) => v.path)).toEqual(['meta.dealerId']);
    expect(edit(doc, id, dealer, (d) => d.getMap('meta').set('createdBy', 'usr_other')).violations.map((v) => v.path)).toContain('meta.createdBy');
  });

  it('every device makes the same structure, so an order started offline merges with the room\'s', () => {
    const id = parseDocId(makeDocId('order', { dealerId: 'dlr_00012' }, 'abcdef123456'));
    const phone = new Y.Doc(); const room = new Y.Doc();
    initDoc(phone, id); initDoc(room, id);
    order.setLine(phone, 'l1', { productId: 'p', quantity: 1 });
    Y.applyUpdate(room, Y.encodeStateAsUpdate(phone));
    expect(order.lines(room).toJSON()).toEqual({ l1: { productId: 'p', quantity: 1 } });
  });
});

describe('visit write rules', () => {
  const id = makeDocId('visit', { dealerId: 'dlr_1', repId: 'usr_rep_01' }, 'visit0001');
  const owner: Writer = { role: 'field_rep', userId: 'usr_rep_01' };
  const check = { at: '2026-11-29T10:00:00Z', lat: 52.5, lng: 13.4, accuracy: 12, offsetMs: 0, distanceM: 10, verified: true };

  it('only the rep named in the id writes its visit (the policy gives no one else W)', () => {
    const mine = (r: string) => r === 'own' || r === 'assigned';
    expect(reachOf('field_rep', 'visit', mine)).toBe('RCW');
    expect(reachOf('field_rep', 'visit', (r) => r === 'assigned')).toBe('');
    for (const role of ['hq_admin', 'regional_manager', 'analyst'] as const) expect(reachOf(role, 'visit', () => true)).toBe('R');
  });

  it('starts with a check-in and ends with a check-out', () => {
    const doc = new Y.Doc();
    initDoc(doc, parseDocId(id));
    expect(edit(doc, id, owner, (d) => visit.set(d, 'status', 'in_progress')).violations.map((v) => v.reason)).toEqual(['A visit starts with a check-in']);
    body(doc, 'visit').set('status', 'planned');
    expect(edit(doc, id, owner, (d) => visit.checkIn(d, check)).violations).toEqual([]);
    expect(edit(doc, id, owner, (d) => visit.set(d, 'status', 'done')).violations.map((v) => v.reason)).toEqual(['A visit ends with a check-out']);
    body(doc, 'visit').set('status', 'in_progress');
    expect(edit(doc, id, owner, (d) => visit.checkOut(d, check)).violations).toEqual([]);
    expect(edit(doc, id, owner, (d) => visit.set(d, 'status', 'missed')).violations.map((v) => v.path)).toEqual(['status']);
    expect(edit(doc, id, owner, (d) => visit.set(d, 'flags', { late: false })).violations.map((v) => v.path)).toEqual(['flags']);
  });
});

describe('migrations', () => {
  it('bring an older document up to date through the steps', () => {
    const doc = new Y.Doc();
    doc.getMap('meta').set('schemaVersion', 0);
    const v = migrate(doc, 'order', [(d) => { d.getMap('order').set('status', 'draft'); }]);
    expect(v).toBe(1);
    expect(doc.getMap('order').get('status')).toBe('draft');
  });
});
