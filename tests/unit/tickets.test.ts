// Support tickets as documents: who may open, answer, close and reopen one, that the thread only
// grows and is written in each author's own name, that routing is the server's, and what the
// projection reads as the SLA clock. A ticket starts from the structure and header the room
// writes; its opener's first change sets the category, the subject and the first message.
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { makeDocId, parseDocId } from '../../core/docs/id.ts';
import { project } from '../../core/docs/projection.ts';
import { checkChange, type Writer } from '../../core/docs/rules.ts';
import { routeTicket } from '../../core/docs/kinds/ticket.ts';
import { body, headerOf, initDoc, snapshot, ticket, writeHeader, type TicketMessage } from '../../core/docs/schema.ts';
import { RoomCore } from '../../durable-objects/room-core.ts';
import { MemoryUpdateStore } from '../../durable-objects/storage.ts';

const ID = makeDocId('ticket', { dealerId: 'dlr_00012' }, 'tkt0000000001');
const dealer: Writer = { role: 'dealer_admin', userId: 'usr_dealer_admin' };
const staff: Writer = { role: 'dealer_staff', userId: 'usr_dealer_staff' };
const hq: Writer = { role: 'hq_admin', userId: 'usr_hq' };
const manager: Writer = { role: 'regional_manager', userId: 'usr_mgr' };
const rep: Writer = { role: 'field_rep', userId: 'usr_rep_01' };

const msg = (w: Writer, text: string, at = '2026-01-05T09:00:00.000Z'): TicketMessage => ({ by: w.userId, byName: w.userId, role: w.role, text, photos: [], at });

function edit(doc: Y.Doc, writer: Writer, change: (d: Y.Doc) => void) {
  const before = snapshot(doc, 'ticket');
  change(doc);
  return checkChange(parseDocId(ID), writer, before, snapshot(doc, 'ticket'));
}

// The ticket as the room creates it: header and structure.
function created() {
  const doc = new Y.Doc();
  initDoc(doc, parseDocId(ID));
  writeHeader(doc, headerOf(parseDocId(ID), dealer.userId, '2026-01-05T08:59:00.000Z'));
  return doc;
}

function opened(by: Writer = dealer) {
  const doc = created();
  const v = edit(doc, by, (d) => ticket.open(d, parseDocId(ID), { category: 'delivery', subject: 'Pallet arrived damaged' }, { ...msg(by, 'Two buckets were crushed'), photos: ['a'.repeat(64)] }));
  return { doc, v };
}

describe('ticket write rules', () => {
  it('a dealer admin or staff opens a ticket with category, subject and a first message', () => {
    for (const w of [dealer, staff]) {
      const { doc, v } = opened(w);
      expect(v).toEqual([]);
      expect(ticket.status(doc)).toBe('open');
      expect(ticket.messages(doc).toArray()).toHaveLength(1);
    }
  });

  it('HQ, the regional manager and the rep answer; the dealer replies, closes and reopens', () => {
    for (const w of [hq, manager, rep]) {
      const { doc } = opened();
      expect(edit(doc, w, (d) => ticket.setStatus(d, 'answered', msg(w, 'A replacement is on its way')))).toEqual([]);
      expect(edit(doc, dealer, (d) => ticket.setStatus(d, 'open', msg(dealer, 'Still waiting')))).toEqual([]);
      expect(edit(doc, w, (d) => ticket.addMessage(d, msg(w, 'Tomorrow morning')))).toEqual([]);
    }
    const { doc } = opened();
    expect(edit(doc, hq, (d) => ticket.setStatus(d, 'answered', msg(hq, 'Sent')))).toEqual([]);
    expect(edit(doc, hq, (d) => ticket.setStatus(d, 'resolved', msg(hq, '')))).toEqual([]);
    expect(edit(doc, staff, (d) => ticket.setStatus(d, 'open', msg(staff, 'Not fixed after all')))).toEqual([]);
    expect(edit(doc, hq, (d) => ticket.setStatus(d, 'answered', msg(hq, 'Sorry, again')))).toEqual([]);
    expect(edit(doc, dealer, (d) => ticket.setStatus(d, 'closed', msg(dealer, 'Thanks')))).toEqual([]);
  });

  it('refuses a dealer answering its own ticket, routing it, or writing as someone else', () => {
    const { doc } = opened();
    expect(edit(doc, dealer, (d) => ticket.setStatus(d, 'answered', msg(dealer, 'answered myself'))).map((x) => x.path)).toContain('status');
    const { doc: d2 } = opened();
    expect(edit(d2, dealer, (d) => body(d, 'ticket').set('routedTo', { to: 'hq' })).map((x) => x.path)).toEqual(['routedTo']);
    const { doc: d3 } = opened();
    expect(edit(d3, dealer, (d) => ticket.addMessage(d, { ...msg(dealer, 'We answered you'), role: 'hq_admin' })).map((x) => x.path)).toEqual(['messages.1']);
    const { doc: d4 } = opened();
    expect(edit(d4, hq, (d) => ticket.addMessage(d, { ...msg(hq, 'x'), photos: ['not-a-sha'] })).map((x) => x.path)).toEqual(['messages.1']);
  });

  it('keeps the thread append-only and refuses a forged first message at birth', () => {
    const { doc } = opened();
    expect(edit(doc, hq, (d) => ticket.messages(d).delete(0, 1)).map((x) => x.path)).toContain('messages');
    const fresh = created();
    const v = edit(fresh, dealer, (d) => ticket.open(d, parseDocId(ID), { category: 'order', subject: 'x' }, { ...msg(dealer, 'hi'), by: 'usr_hq' }));
    expect(v.map((x) => x.path)).toEqual(['messages.0']);
  });
});

describe('ticket write rules, continued', () => {
  it('a message records only a status its writer may move the ticket to', () => {
    const { doc } = opened();
    // A dealer cannot resolve, so it cannot claim to have (resolved_at is read from such entries).
    expect(edit(doc, dealer, (d) => ticket.addMessage(d, { ...msg(dealer, 'done'), status: 'resolved' })).map((x) => x.path)).toEqual(['messages.1']);
    const { doc: d2 } = opened();
    expect(edit(d2, manager, (d) => ticket.addMessage(d, { ...msg(manager, 'closing'), status: 'closed' })).map((x) => x.path)).toEqual(['messages.1']);
    const { doc: d3 } = opened();
    expect(edit(d3, dealer, (d) => ticket.setStatus(d, 'closed', msg(dealer, 'never mind')))).toEqual([]);
  });

  it('routing and assignment are the server\'s (routeTicket), for every person', () => {
    for (const w of [dealer, staff, hq, manager, rep]) {
      const { doc } = opened();
      expect(edit(doc, w, (d) => body(d, 'ticket').set('assignedTo', w.userId)).map((x) => x.path), w.role).toEqual(['assignedTo']);
    }
    const { doc } = opened();
    expect(edit(doc, { role: 'server', userId: 'server' }, (d) => routeTicket(d, { to: 'rep', repId: 'usr_rep_01', taskId: 't1', dueDate: null, by: 'usr_hq', at: '2026-01-05T10:00:00.000Z' }))).toEqual([]);
    expect(ticket.assignedTo(doc)).toBe('usr_rep_01');
  });

  // Found by the forged-write fuzz: two replies written at once merge one before the other, and
  // the later-arriving one was refused ("only added to") and erased although both were permitted.
  it('two replies written at once both land', () => {
    const id = parseDocId(ID);
    const room = new RoomCore(new MemoryUpdateStore(), id);
    room.create(headerOf(id, dealer.userId, '2026-01-05T08:59:00.000Z'));
    const phone = new Y.Doc();
    Y.applyUpdate(phone, Y.encodeStateAsUpdate(room.doc));
    ticket.open(phone, id, { category: 'order', subject: 'Missing bucket' }, msg(dealer, 'One is missing'));
    expect(room.apply(Y.encodeStateAsUpdate(phone, Y.encodeStateVector(room.doc)), { ...dealer, access: 'write' }).violations).toEqual([]);
    // Both sides answer from the same state; the one with the smaller client id merges first.
    const a = new Y.Doc(); a.clientID = 9_000_002;
    const b = new Y.Doc(); b.clientID = 9_000_001;
    for (const d of [a, b]) Y.applyUpdate(d, Y.encodeStateAsUpdate(room.doc));
    ticket.setStatus(a, 'answered', msg(hq, 'Sending one today'));
    ticket.addMessage(b, msg(dealer, 'Also the lid'));
    const ra = room.apply(Y.encodeStateAsUpdate(a, Y.encodeStateVector(room.doc)), { ...hq, access: 'write' });
    const rb = room.apply(Y.encodeStateAsUpdate(b, Y.encodeStateVector(room.doc)), { ...dealer, access: 'write' });
    expect([...ra.violations, ...rb.violations]).toEqual([]);
    expect(ticket.messages(room.doc).toArray().map((m) => m.text).sort()).toEqual(['Also the lid', 'One is missing', 'Sending one today']);
    expect(ticket.status(room.doc)).toBe('answered');
  });
});

// Found by the forged-write fuzz: the room creates a ticket empty when its opener connects; a
// step taken on it before the opening arrived (HQ "answering" the empty ticket it lists) locked
// the opening out, since subject and category change only while open and a thread needs a subject.
it('a ticket does not move before it is opened, so its opening lands whole', () => {
  const id = parseDocId(ID);
  const room = new RoomCore(new MemoryUpdateStore(), id);
  room.create(headerOf(id, dealer.userId, '2026-01-05T08:59:00.000Z'));
  const phone = new Y.Doc();
  initDoc(phone, id);
  ticket.open(phone, id, { category: 'delivery', subject: 'Pallet arrived damaged' }, msg(dealer, 'Two buckets were crushed'));
  const desk = new Y.Doc();
  Y.applyUpdate(desk, Y.encodeStateAsUpdate(room.doc));
  ticket.setStatus(desk, 'answered', msg(hq, 'What is this about?'));
  expect(room.apply(Y.encodeStateAsUpdate(desk, Y.encodeStateVector(room.doc)), { ...hq, access: 'write' }).violations.map((v) => v.path)).toEqual(['status', 'messages']);
  expect(room.apply(Y.encodeStateAsUpdate(phone, Y.encodeStateVector(room.doc)), { ...dealer, access: 'write' }).violations).toEqual([]);
  expect(ticket.subject(room.doc)).toBe('Pallet arrived damaged');
  expect(ticket.status(room.doc)).toBe('open');
  expect(ticket.messages(room.doc).toArray().map((m) => m.text)).toEqual(['Two buckets were crushed']);
});

describe('ticket projection', () => {
  const row = (doc: Y.Doc, at = '2026-01-09T00:00:00.000Z') => project(parseDocId(ID), body(doc, 'ticket').toJSON() as never, {}, at).inserts[0].row;

  it('reads the SLA clock from the thread', () => {
    const { doc } = opened();
    expect(row(doc)).toMatchObject({ status: 'open', category: 'delivery', opened_at: '2026-01-05T09:00:00.000Z', first_response_at: null, resolved_at: null, message_count: 1 });
    ticket.addMessage(doc, msg(dealer, 'Any news?', '2026-01-05T12:00:00.000Z'));
    ticket.setStatus(doc, 'answered', msg(hq, 'On its way', '2026-01-05T15:00:00.000Z'));
    ticket.setStatus(doc, 'resolved', msg(hq, '', '2026-01-06T10:00:00.000Z'));
    expect(row(doc)).toMatchObject({ status: 'resolved', first_response_at: '2026-01-05T15:00:00.000Z', resolved_at: '2026-01-06T10:00:00.000Z', last_message_at: '2026-01-05T15:00:00.000Z', message_count: 3 });
    // Reopened: no longer resolved.
    ticket.setStatus(doc, 'open', msg(dealer, 'It broke again', '2026-01-07T10:00:00.000Z'));
    expect(row(doc)).toMatchObject({ status: 'open', resolved_at: null, last_message_at: '2026-01-07T10:00:00.000Z' });
  });

  it('never takes a time later than the projection itself', () => {
    const { doc } = opened();
    expect(row(doc, '2026-01-01T00:00:00.000Z').opened_at).toBe('2026-01-01T00:00:00.000Z');
  });
});
