import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { checkChange, correct, type Writer } from '../../../core/docs/rules.ts';
import { DocIdError, makeDocId, parseDocId } from '../../../core/docs/id.ts';
import { initDoc, migrate, order, snapshot, visit, body } from '../../../core/docs/schema.ts';

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

function newOrder() {
  const id = makeDocId('order', { dealerId: 'dlr_00012' }, 'abcdef123456');
  const doc = new Y.Doc();
  const birth = edit(doc, id, dealer, (d) => initDoc(d, parseDocId(id), 'usr_dealer_admin'));
  expect(birth.violations).toEqual([]);
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
    expect(edit(doc, id, dealer, (d) => order.setStatus(d, 'submitted', 'usr_dealer_admin', 'dealer_admin')).violations).toEqual([]);
    expect(order.status(doc)).toBe('submitted');
  });

  it('a dealer approving its order is corrected on every replica', () => {
    const { id, doc } = newOrder();
    edit(doc, id, dealer, (d) => order.setStatus(d, 'submitted', 'u', 'dealer_admin'));
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

  it('lines are frozen once submitted and history only grows', () => {
    const { id, doc } = newOrder();
    edit(doc, id, dealer, (d) => order.setStatus(d, 'submitted', 'u', 'dealer_admin'));
    expect(edit(doc, id, dealer, (d) => order.setLine(d, 'l9', { productId: 'p', quantity: 1 })).violations[0].reason).toMatch(/once the order is submitted/);
    const rewrite = edit(doc, id, dealer, (d) => (body(d, 'order').get('statusHistory') as Y.Array<unknown>).delete(0, 1));
    expect(rewrite.violations.map((v) => v.path)).toContain('statusHistory');
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

  it('a document must be born matching its id', () => {
    const id = makeDocId('order', { dealerId: 'dlr_00012' }, 'abcdef123456');
    const doc = new Y.Doc();
    const r = edit(doc, id, dealer, (d) => initDoc(d, { ...parseDocId(id), dealerId: 'dlr_99999' }, 'u'));
    expect(r.violations.map((v) => v.path)).toContain('meta.dealerId');
  });
});

describe('visit write rules', () => {
  it('only the rep named in the id writes its visit', () => {
    const id = makeDocId('visit', { dealerId: 'dlr_1', repId: 'usr_rep_01' }, 'visit0001');
    const doc = new Y.Doc();
    const owner: Writer = { role: 'field_rep', userId: 'usr_rep_01' };
    expect(edit(doc, id, owner, (d) => initDoc(d, parseDocId(id), 'usr_rep_01')).violations).toEqual([]);
    expect(edit(doc, id, owner, (d) => visit.set(d, 'status', 'in_progress')).violations).toEqual([]);
    const other = edit(doc, id, { role: 'field_rep', userId: 'usr_rep_02' }, (d) => visit.notes(d).insert(0, 'hijack'));
    expect(other.violations.map((v) => v.path)).toEqual(['notes']);
    correct(doc, 'visit', other.before, other.violations);
    expect(visit.notes(doc).toString()).toBe('');
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
