// Forged-write fuzz (fast-check: seeded, reproducible, shrinks to a short sequence and prints
// its seed). The room creates an order, a ticket, a visit or a survey response; 2 to 5 devices of the people the
// policy lets reach it work on it, some honest (what the app does), some hostile (hand-made
// updates: the header, foreign root types, list content and types inside the body, replaced
// structures, history entries in anyone's name and back-dated, shipments, approvals, prices,
// extra fields on lines, messages in another's name, status jumps, values no JSON reader takes),
// online or started offline from the structure and synced later, while the room runs its
// commands (decide, verdict, recordShipment with repeated event ids, deliver, routeTicket),
// restarts over its store and compacts.
//
// The oracle is written here, apart from core/docs/kinds: after every step the room's change is
// judged against the test's own table of who may change what in which status and which status
// steps each role and each command may take, every history entry against the step the test saw
// (author as authenticated, time from the room's clock), shipments against the accepted events,
// and every honest edit the room acknowledged must still be there unless a later permitted change
// replaced it. At the end every replica and a reload of the store equal the room, and neither they
// nor the projection (the rows the room writes to D1) hold anything the policy forbids.
//
// FUZZ_RUNS sets the number of runs (default 2000), FUZZ_SEED the seed (a failure prints its
// seed, path and shrunk counterexample; FUZZ_PATH with the seed, or FUZZ_REPLAY with the
// counterexample's JSON, runs it again).
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Relation } from '../../core/access/policy.ts';
import { reachOf } from '../../core/access/roles.ts';
import type { Role } from '../../core/db/schema.ts';
import { makeDocId, parseDocId, type DocId, type DocKind } from '../../core/docs/id.ts';
import { runCommand, type RoomCommand } from '../../core/docs/kinds/commands.ts';
import { decide, needsDecision } from '../../core/docs/kinds/order.ts';
import { project } from '../../core/docs/projection.ts';
import { body, headerOf, initDoc, order, SKELETON_CLIENT, ticket, visit, type Json, type TicketMessage } from '../../core/docs/schema.ts';
import type { Decision } from '../../core/orders/approval.ts';
import { checkRecord } from '../../core/validators/field.ts';
import { Refused, RoomCore, type Writer } from '../../durable-objects/room-core.ts';
import { MemoryUpdateStore } from '../../durable-objects/storage.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const T0 = '2026-03-01T08:00:00.000Z';
const NET = Symbol('net');

type Kind = DocKind;
type Obj = Record<string, Json>;
type Body = Record<string, Json>;

// --- the cast: who reaches each kind of document, and with what access (from the policy) ---

interface Actor { userId: string; name: string; role: Role; dealerId: string | null; rel: Relation[] }
const DEALER = 'd1';
const PARENT = 'd0';
const A = {
  da: { userId: 'u_da', name: 'Dealer admin', role: 'dealer_admin', dealerId: DEALER, rel: ['own_dealer'] },
  ds: { userId: 'u_ds', name: 'Dealer staff', role: 'dealer_staff', dealerId: DEALER, rel: ['own_dealer'] },
  rep: { userId: 'u_rep', name: 'Rep', role: 'field_rep', dealerId: null, rel: ['assigned', 'own'] },
  hq: { userId: 'u_hq', name: 'HQ', role: 'hq_admin', dealerId: null, rel: ['any'] },
  rm: { userId: 'u_rm', name: 'Manager', role: 'regional_manager', dealerId: null, rel: ['region'] },
  an: { userId: 'u_an', name: 'Analyst', role: 'analyst', dealerId: null, rel: ['any'] },
  // The dealer above: its network's orders come to it (RD), its sub-dealer's tickets it reads.
  pa: { userId: 'u_pa', name: 'Parent admin', role: 'dealer_admin', dealerId: PARENT, rel: ['sub_dealer', 'network'] },
} satisfies Record<string, Actor>;
const CAST: Record<Kind, Actor[]> = {
  order: [A.da, A.ds, A.rep, A.hq, A.rm, A.an, A.pa],
  ticket: [A.da, A.ds, A.rep, A.hq, A.rm, A.an, A.pa],
  visit: [A.rep, A.hq, A.rm, A.an],
  form: [A.rep, A.da, A.ds, A.hq, A.rm, A.an],
};
// Who creates each document: the first device, honest.
const CREATOR: Record<Kind, Actor> = { order: A.da, ticket: A.da, visit: A.rep, form: A.rep };

function accessOf(kind: Kind, a: Actor): 'read' | 'write' | null {
  const letters = reachOf(a.role, kind, (r) => a.rel.includes(r));
  if (!letters.includes('R')) return null;
  return letters.includes('W') || letters.includes('C') ? 'write' : 'read';
}

// --- the oracle's own tables: who may change what, and which status steps ---

interface PartSpec { fields: Record<string, readonly string[] | 'any'>; steps: ReadonlyArray<readonly [string, string]> }
const AUTHOR: PartSpec = { fields: { lines: ['draft'], notes: ['draft', 'submitted', 'held'] }, steps: [['draft', 'submitted'], ['draft', 'cancelled'], ['submitted', 'cancelled'], ['held', 'cancelled']] };
const DEALER_SIDE: PartSpec = { fields: { category: ['open'], subject: ['open'], messages: 'any' }, steps: [['open', 'closed'], ['answered', 'open'], ['answered', 'closed'], ['resolved', 'closed'], ['resolved', 'open']] };
const SUPPORT: PartSpec = { fields: { messages: 'any' }, steps: [['open', 'answered'], ['answered', 'resolved']] };
const HQ_SUPPORT: PartSpec = { fields: { messages: 'any' }, steps: [...SUPPORT.steps, ['resolved', 'closed']] };
const REP: PartSpec = { fields: Object.fromEntries(['plannedStart', 'visitType', 'checkIn', 'checkOut', 'answers', 'photos', 'tasksDone', 'notes'].map((f) => [f, 'any' as const])), steps: [['planned', 'in_progress'], ['in_progress', 'done']] };
const RESPONDENT: PartSpec = { fields: { formId: ['draft'], formVersion: ['draft'], answers: ['draft'] }, steps: [['draft', 'submitted']] };
const PARTS: Record<Kind, Partial<Record<Role, PartSpec>>> = {
  form: { field_rep: RESPONDENT, dealer_admin: RESPONDENT, dealer_staff: RESPONDENT },
  order: { dealer_admin: AUTHOR, dealer_staff: AUTHOR, field_rep: AUTHOR },
  ticket: { dealer_admin: DEALER_SIDE, dealer_staff: DEALER_SIDE, field_rep: SUPPORT, regional_manager: SUPPORT, hq_admin: HQ_SUPPORT },
  visit: { field_rep: REP },
};
const FIELDS: Record<Kind, string[]> = {
  order: ['status', 'lines', 'notes', 'statusHistory', 'approval', 'creditCheck', 'shipments', 'total'],
  ticket: ['status', 'category', 'subject', 'messages', 'assignedTo', 'routedTo'],
  visit: ['status', 'plannedStart', 'visitType', 'checkIn', 'checkOut', 'answers', 'photos', 'tasksDone', 'notes', 'flags'],
  form: ['status', 'formId', 'formVersion', 'answers'],
};
const STRUCTURE: Record<Kind, string[]> = { order: ['lines', 'notes', 'statusHistory', 'shipments'], ticket: ['messages'], visit: ['answers', 'photos', 'tasksDone', 'notes'], form: ['answers'] };
const STATUSES: Record<Kind, string[]> = {
  order: ['draft', 'submitted', 'held', 'approved', 'rejected', 'shipped', 'delivered', 'cancelled'],
  ticket: ['open', 'answered', 'resolved', 'closed'],
  visit: ['planned', 'in_progress', 'done', 'missed'],
  form: ['draft', 'submitted'],
};

// The commands: which fields each may change and which steps it may take.
interface CommandSpec { fields: string[]; steps: ReadonlyArray<readonly [string, string]> }
const COMMANDS: Record<string, CommandSpec> = {
  decide: { fields: ['lines', 'total', 'creditCheck', 'approval', 'status', 'statusHistory'], steps: [['submitted', 'approved'], ['submitted', 'held'], ['submitted', 'draft']] },
  verdict: { fields: ['approval', 'status', 'statusHistory'], steps: [['submitted', 'approved'], ['submitted', 'rejected'], ['held', 'approved'], ['held', 'rejected']] },
  recordShipment: { fields: ['shipments', 'status', 'statusHistory'], steps: [['approved', 'shipped'], ['approved', 'delivered'], ['shipped', 'delivered']] },
  deliver: { fields: ['shipments', 'status', 'statusHistory'], steps: [['approved', 'delivered'], ['shipped', 'delivered']] },
  routeTicket: { fields: ['routedTo', 'assignedTo'], steps: [] },
};

function reachable(steps: ReadonlyArray<readonly [string, string]>, from: string, to: string): boolean {
  const seen = new Set([from]);
  const queue = [from];
  while (queue.length) {
    const at = queue.shift()!;
    if (at === to) return true;
    for (const [f, t] of steps) if (f === at && !seen.has(t)) { seen.add(t); queue.push(t); }
  }
  return false;
}

// Equal as JSON, whatever the key order (a map's keys come out in each replica's insertion order).
const canon = (v: unknown): unknown => Array.isArray(v) ? v.map(canon)
  : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Obj)[k])])) : v;
const same = (a: unknown, b: unknown) => JSON.stringify(canon(a ?? null)) === JSON.stringify(canon(b ?? null));
// Same, and null is not nothing (a null written where there was no value is a write).
const eq = (a: unknown, b: unknown) => (a === undefined) === (b === undefined) && same(a, b);
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const KEY = /^[A-Za-z0-9_-]{1,64}$/;
const SHA = /^[0-9a-f]{64}$/;
const onlyKeys = (o: Obj, keys: string[]) => Object.keys(o).every((k) => keys.includes(k));
const isPlain = (v: unknown): boolean => v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))
  || (Array.isArray(v) ? v.every(isPlain) : isObj(v) && Object.values(v).every(isPlain));

function lineProblem(key: string, l: Json, prices: Map<string, number>): string | null {
  if (!KEY.test(key)) return `line key ${key}`;
  if (!isObj(l) || !onlyKeys(l, ['productId', 'quantity', 'note', 'unitPrice'])) return `line ${key} keys ${JSON.stringify(l)}`;
  if (typeof l.productId !== 'string' || !l.productId || l.productId.length > 64) return `line ${key} product`;
  if (typeof l.quantity !== 'number' || !(l.quantity > 0) || l.quantity > 1_000_000) return `line ${key} quantity`;
  if (l.note !== undefined && (typeof l.note !== 'string' || l.note.length > 500)) return `line ${key} note`;
  // A price only from the server's decision.
  if (l.unitPrice !== undefined && l.unitPrice !== null && l.unitPrice !== prices.get(key)) return `line ${key} price ${String(l.unitPrice)} (decided ${prices.get(key)})`;
  return null;
}

// The statuses a role may record in a message: those it may move a ticket to.
const targetsOf = (role: string) => new Set((PARTS.ticket[role as Role]?.steps ?? []).map(([, t]) => t));
function messageProblem(m: Json, writers: Actor[]): string | null {
  if (!isObj(m) || !onlyKeys(m, ['by', 'byName', 'role', 'text', 'photos', 'at', 'status'])) return `message shape ${JSON.stringify(m)}`;
  if (typeof m.text !== 'string' || typeof m.at !== 'string' || !ISO.test(m.at) || !Array.isArray(m.photos) || !m.photos.every((p) => typeof p === 'string' && SHA.test(p))) return `message fields ${JSON.stringify(m)}`;
  if (!m.text.trim() && !m.photos.length && m.status === undefined) return 'empty message';
  if (!writers.some((w) => w.userId === m.by && w.role === m.role)) return `message by ${String(m.by)} as ${String(m.role)}`;
  if (m.status !== undefined && !targetsOf(String(m.role)).has(String(m.status))) return `a ${String(m.role)} recorded status ${String(m.status)}`;
  return null;
}

const validCheck = (v: Json | undefined) => checkRecord.safeParse(v).success;
function visitEntryProblem(field: string, key: string, v: Json): string | null {
  if (field === 'answers') return KEY.test(key) && isObj(v) && onlyKeys(v, ['formId', 'version', 'values', 'submittedAt']) && typeof v.formId === 'string' && Number.isInteger(v.version) && (v.version as number) >= 1 && isObj(v.values) ? null : `answers.${key}`;
  if (field === 'photos') return SHA.test(key) && isObj(v) && onlyKeys(v, ['formId', 'questionId', 'at', 'lat', 'lng']) && typeof v.at === 'string' ? null : `photos.${key}`;
  if (field === 'tasksDone') return KEY.test(key) && isObj(v) && onlyKeys(v, ['at']) && typeof v.at === 'string' ? null : `tasksDone.${key}`;
  return null;
}

// --- the world of one run ---

interface Device {
  i: number; actor: Actor; access: 'read' | 'write'; hostile: boolean;
  doc: Y.Doc; cid: number; online: boolean; outbox: Uint8Array[]; n: number; last: Uint8Array | null;
  // Honest edits written, by what they are, until the room acknowledges them.
  pending: Map<string, Json>;
}

type Step =
  | { t: 'edit'; dev: number; op: number; a: number; b: number }
  | { t: 'flush'; dev: number }
  | { t: 'toggle'; dev: number }
  // A message sent twice, or lost on the way (the room then asks for the whole diff).
  | { t: 'dup'; dev: number }
  | { t: 'drop'; dev: number }
  | { t: 'cmd'; op: number; a: number }
  | { t: 'restart' }
  | { t: 'compact' };

interface Scenario { kind: Kind; devices: Array<{ actor: number; hostile: boolean; offline: boolean }>; steps: Step[]; compaction: number }

// What an op did, for the oracle: a person's change (apply) or a command.
type Op = { by: 'person'; writer: Actor; dev: Device } | { by: 'command'; name: string; stamp: { by: string; role: string } | null };

// FUZZ_STATS=1 prints what the runs exercised (to see the fuzz is not vacuous).
const stats = new Map<string, number>();
const count = (what: string) => { if (process.env.FUZZ_STATS) stats.set(what, (stats.get(what) ?? 0) + 1); };

// A hand-made update: no Yjs API writes "__proto__" as an object's key in a value (and what a JS
// object with such a key encodes to depends on the engine's mood), so a hostile client writes
// "__protx__" and patches the bytes it sends.
const PLACEHOLDER = new TextEncoder().encode('__protx__');
function forge(u: Uint8Array): Uint8Array {
  const out = u.slice();
  for (let i = 0; i + PLACEHOLDER.length <= out.length; i++) {
    if (PLACEHOLDER.every((b, j) => out[i + j] === b)) out[i + 6] = 'o'.charCodeAt(0);
  }
  return out;
}

class Failure extends Error {}
const fail = (why: string): never => { throw new Failure(why); };

function run(s: Scenario) {
  const kind = s.kind;
  const uid = 'fuzz' + Math.abs(JSON.stringify(s.steps).length * 7919 + s.devices.length).toString(36).padStart(6, '0');
  const id: DocId = parseDocId(makeDocId(kind, { repId: A.rep.userId, dealerId: DEALER }, uid));
  const header = headerOf(id, CREATOR[kind].userId, T0);
  const cast = CAST[kind];
  const writers = cast.filter((a) => accessOf(kind, a) === 'write');
  let nextId = 1_000;
  const fresh = () => nextId++;

  // The room, its clock and its client id (from the run, so conflicts resolve the same way).
  const store = new MemoryUpdateStore();
  let tick = 0;
  let lastNow: string | null = null;
  const clockLog = new Set<string>();
  const clock = () => { const t = new Date(Date.parse(T0) + 60_000 * ++tick).toISOString(); lastNow = t; clockLog.add(t); return t; };
  let room!: RoomCore;
  let roomDoc: Y.Doc | null = null;
  let roomCid = 0;
  const pinRoom = () => { if (room.doc !== roomDoc || room.doc.clientID !== roomCid) { roomDoc = room.doc; roomCid = fresh(); room.doc.clientID = roomCid; } };
  const boot = () => { room = new RoomCore(store, id); room.now = clock; room.compaction = { maxCount: s.compaction, maxBytes: 1 << 20 }; pinRoom(); };
  boot();
  room.create(header);
  pinRoom();

  // The oracle's log: what the history, the shipments and the prices must be.
  const history: Obj[] = [];
  const shipments: Obj[] = [];
  const prices = new Map<string, number>();
  const routed = { to: null as Obj | null };
  // Honest edits the room acknowledged, by what they are: `line:<key>`, `note:<token>`,
  // `msg:<text>`, `<field>:<key>` for a visit's maps; and their value.
  const acked = new Map<string, Json>();

  const devices: Device[] = s.devices.map((d, i) => {
    const actor = i === 0 ? CREATOR[kind] : cast[d.actor % cast.length];
    const access = accessOf(kind, actor)!;
    const dev: Device = { i, actor, access, hostile: i === 0 ? false : d.hostile, doc: new Y.Doc(), cid: 0, online: !d.offline, outbox: [], n: 0, last: null, pending: new Map() };
    attach(dev, d.offline ? null : Y.encodeStateAsUpdate(room.doc));
    return dev;
  });

  // A device's replica: from the room's state, or (offline) from the structure every device makes.
  function attach(dev: Device, state: Uint8Array | null) {
    dev.doc = new Y.Doc();
    dev.cid = fresh();
    dev.doc.clientID = dev.cid;
    if (state) Y.applyUpdate(dev.doc, state, NET); else initDoc(dev.doc, id);
    dev.doc.on('update', (u: Uint8Array, origin: unknown) => { if (origin !== NET) dev.outbox.push(dev.hostile ? forge(u) : u); });
    dev.outbox = [];
    dev.last = null;
  }
  const pinDevice = (dev: Device) => { if (dev.doc.clientID !== dev.cid) { dev.cid = fresh(); dev.doc.clientID = dev.cid; } };
  const toDevices = (update: Uint8Array | null, except?: Device) => {
    if (!update) return;
    for (const d of devices) if (d.online && d !== except) Y.applyUpdate(d.doc, update, NET);
  };

  const bodyOf = (): Body => body(room.doc, kind).toJSON() as Body;
  const metaOf = (doc: Y.Doc) => doc.getMap('meta').toJSON();

  // --- the oracle, after every step ---

  function judge(op: Op, before: Body, after: Body) {
    const who = op.by === 'person' ? `${op.writer.role} ${op.writer.userId}${op.dev.hostile ? ' (hostile)' : ''}` : `command ${op.name}`;
    if (!same(metaOf(room.doc), header)) fail(`header changed after ${who}: ${JSON.stringify(metaOf(room.doc))}`);
    for (const [name, type] of room.doc.share) {
      if (name === 'meta' || name === kind) continue;
      if ((type as unknown as { _start: unknown })._start !== null || type._map.size) fail(`foreign root ${name} after ${who}`);
    }
    const b = body(room.doc, kind);
    for (const f of STRUCTURE[kind]) {
      const t = b.get(f) as Y.AbstractType<unknown> | undefined;
      if (!(t instanceof Y.AbstractType) || t._item?.id.client !== SKELETON_CLIENT) fail(`structure of ${f} replaced after ${who}`);
    }
    for (const k of Object.keys(after)) if (!FIELDS[kind].includes(k)) fail(`unknown field ${k} after ${who}`);
    const changed = FIELDS[kind].filter((f) => !eq(before[f], after[f]));
    const from = String(before.status);
    const to = String(after.status);

    // Status steps.
    if (from !== to) {
      if (op.by === 'person') {
        const part = PARTS[kind][op.writer.role];
        if (!part || !reachable(part.steps, from, to)) fail(`${who} moved the ${kind} from ${from} to ${to}`);
        if (kind === 'form' && !(typeof after.formId === 'string' && after.formId.length >= 1 && after.formId.length <= 64)) fail(`form submitted without a valid form (${who})`);
        // A ticket moves once it is opened (has a subject).
        if (kind === 'ticket' && !(typeof after.subject === 'string' && after.subject.trim())) fail(`ticket moved before it was opened (${who})`);
        // And the step is written in the thread by whoever took it.
        if (kind === 'ticket' && !((after.messages ?? []) as Obj[]).some((m) => m.status === to && m.by === op.writer.userId)) fail(`ticket moved to ${to} with nothing in the thread by ${who}`);
        if (kind === 'visit') {
          if (to === 'in_progress' && !validCheck(after.checkIn)) fail(`visit started without a valid check-in (${who})`);
          if (to === 'done' && (!validCheck(after.checkOut) || (from === 'planned' && !validCheck(after.checkIn)))) fail(`visit done without valid check-in/out (${who})`);
        }
      } else if (!COMMANDS[op.name].steps.some(([f, t]) => f === from && t === to)) fail(`${who} moved the ${kind} from ${from} to ${to}`);
    }
    if (!STATUSES[kind].includes(to)) fail(`status ${to}`);

    // The history: only ever added to, one entry per status step, stamped as the room saw it.
    if (kind === 'order') {
      const h = (after.statusHistory ?? []) as Obj[];
      if (!same(h.slice(0, history.length), history)) fail(`history rewritten after ${who}: ${JSON.stringify(h)} vs ${JSON.stringify(history)}`);
      const added = h.slice(history.length);
      const stamp = op.by === 'person' ? { by: op.writer.userId, role: op.writer.role } : op.stamp;
      if (from === to) { if (added.length) fail(`history entry without a step after ${who}: ${JSON.stringify(added)}`); }
      else {
        if (added.length !== 1 || !stamp || !lastNow) fail(`step ${from} → ${to} by ${who} stamped ${JSON.stringify(added)}`);
        const e = added[0];
        const want: Obj = { status: to, by: stamp!.by, role: stamp!.role, at: lastNow! };
        const { note, ...rest } = e;
        if (!same(rest, want) || Object.keys(rest).length !== 4 || (note !== undefined && (op.by === 'person' || typeof note !== 'string'))) fail(`history entry ${JSON.stringify(e)} for ${from} → ${to} by ${who}, expected ${JSON.stringify(want)}`);
        history.push(e);
        count(`order step ${from} → ${to} by ${op.by === 'person' ? op.writer.role : op.name}`);
      }
    }

    // Fields.
    const allowed = op.by === 'command' ? new Set(COMMANDS[op.name].fields) : null;
    for (const f of changed) {
      if (f === 'status' || (f === 'statusHistory' && kind === 'order')) continue;
      if (op.by === 'command') { if (!allowed!.has(f)) fail(`${who} changed ${f}`); continue; }
      const when = PARTS[kind][op.writer.role]?.fields[f];
      if (!when || (when !== 'any' && !when.includes(from))) fail(`${who} changed ${f} while ${from}: ${JSON.stringify(before[f])} → ${JSON.stringify(after[f])}`);
    }
    // Values, whoever wrote them.
    if (kind === 'order') {
      for (const [k, l] of Object.entries((after.lines ?? {}) as Obj)) { const p = lineProblem(k, l, prices); if (p) fail(`${p} after ${who}`); }
      if (op.by === 'command' && op.name === 'decide') {
        const la = (before.lines ?? {}) as Record<string, Obj>;
        const lb = (after.lines ?? {}) as Record<string, Obj>;
        for (const k of new Set([...Object.keys(la), ...Object.keys(lb)])) {
          const { unitPrice: _a, ...x } = la[k] ?? {};
          const { unitPrice: _b, ...y } = lb[k] ?? {};
          if (!same(x, y) || !(k in lb) !== !(k in la)) fail(`decide changed line ${k} beyond its price`);
        }
      }
      if (!same(after.shipments ?? [], shipments)) fail(`shipments ${JSON.stringify(after.shipments)} vs accepted ${JSON.stringify(shipments)} after ${who}`);
    }
    if (kind === 'ticket') {
      const la = (before.messages ?? []) as Json[];
      const lb = (after.messages ?? []) as Json[];
      // Only added to (wherever the merge puts new entries), each in its writer's own name.
      let j = 0;
      const added: Json[] = [];
      for (const m of lb) { if (j < la.length && same(m, la[j])) j++; else added.push(m); }
      if (j !== la.length) fail(`thread rewritten after ${who}`);
      for (const m of added) {
        const p = messageProblem(m, writers);
        if (p) fail(`${p} after ${who}`);
        if (op.by === 'person' && ((m as Obj).by !== op.writer.userId || (m as Obj).role !== op.writer.role)) fail(`message in another's name kept after ${who}: ${JSON.stringify(m)}`);
      }
      if (added.length && !(typeof after.subject === 'string' && after.subject.trim())) fail(`messages without a subject after ${who}`);
      if (!same(after.routedTo ?? null, routed.to) || !same(after.assignedTo ?? null, routed.to?.repId ?? null)) fail(`routing ${JSON.stringify(after.routedTo)} / ${JSON.stringify(after.assignedTo)} not from routeTicket`);
      if (after.category !== undefined && (typeof after.category !== 'string' || !after.category || after.category.length > 40)) fail(`category ${JSON.stringify(after.category)}`);
      if (after.subject !== undefined && (typeof after.subject !== 'string' || !after.subject.trim() || after.subject.length > 200)) fail(`subject ${JSON.stringify(after.subject)}`);
    }
    if (kind === 'form') {
      if (after.formId !== undefined && (typeof after.formId !== 'string' || !after.formId || after.formId.length > 64)) fail(`formId ${JSON.stringify(after.formId)} after ${who}`);
      if (after.formVersion !== undefined && !(Number.isInteger(after.formVersion) && (after.formVersion as number) >= 1)) fail(`formVersion ${JSON.stringify(after.formVersion)} after ${who}`);
      for (const k of Object.keys((after.answers ?? {}) as Obj)) if (!KEY.test(k)) fail(`answers.${k} after ${who}`);
    }
    if (kind === 'visit') {
      for (const f of ['answers', 'photos', 'tasksDone']) for (const [k, v] of Object.entries((after[f] ?? {}) as Obj)) { const p = visitEntryProblem(f, k, v); if (p) fail(`${p} after ${who}`); }
      for (const f of ['checkIn', 'checkOut']) if (after[f] !== undefined && after[f] !== null && !validCheck(after[f])) fail(`${f} ${JSON.stringify(after[f])} after ${who}`);
      if (after.flags !== undefined) fail(`flags written by ${who}`);
    }

    // Honest edits the room acknowledged stay, unless a later permitted change replaced them.
    for (const [what, value] of acked) {
      const now = current(what, after);
      if (same(now, value)) continue;
      const field = fieldOf(what);
      const permitted = op.by === 'person'
        ? (() => { const when = PARTS[kind][op.writer.role]?.fields[field]; return !!when && (when === 'any' || when.includes(from)); })()
        : op.name === 'decide' && field === 'lines';
      if (!permitted || field === 'messages') fail(`acknowledged ${what} = ${JSON.stringify(value)} lost after ${who}: now ${JSON.stringify(now)}`);
      if (now === undefined) acked.delete(what); else acked.set(what, now);
    }
  }

  const fieldOf = (what: string) => ({ line: 'lines', note: 'notes', msg: 'messages' } as Record<string, string>)[what.split(':')[0]] ?? what.split(':')[0];
  function current(what: string, b: Body): Json | undefined {
    const [tag, ...rest] = what.split(':');
    const key = rest.join(':');
    if (tag === 'line') return ((b.lines ?? {}) as Obj)[key];
    if (tag === 'note') return String(b.notes ?? '').includes(key) ? key : undefined;
    if (tag === 'msg') return ((b.messages ?? []) as Obj[]).find((m) => m.text === key);
    return ((b[tag] ?? {}) as Obj)[key];
  }

  // --- the network ---

  function reset(dev: Device) {
    dev.doc.destroy();
    attach(dev, Y.encodeStateAsUpdate(room.doc));
    dev.pending.clear();
  }

  // One update from a device to the room; false when the device was reset or resynced.
  function deliver(dev: Device, update: Uint8Array): boolean {
    const before = bodyOf();
    lastNow = null;
    const writer: Writer = { userId: dev.actor.userId, role: dev.actor.role, access: dev.access };
    let res;
    try {
      res = room.apply(update, writer);
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      pinRoom();
      count(`refused: ${err.message}`);
      if (!dev.hostile) fail(`honest ${dev.actor.role} refused: ${err.message}`);
      // Refused by a rule, never because the rules failed on it.
      if (/could not be checked/.test(err.message)) fail(`the rules failed on a change by ${dev.actor.role}: ${String(((err as Error & { cause?: Error }).cause)?.stack ?? '')}`);
      if (!same(bodyOf(), before)) fail(`a refused update changed the room (${err.message}): ${JSON.stringify(before)} → ${JSON.stringify(bodyOf())}`);
      judge({ by: 'person', writer: dev.actor, dev }, before, bodyOf());
      reset(dev);
      return false;
    }
    pinRoom();
    if (res.gap) { count('gap'); resync(dev); return false; }
    if (res.stored) count(`${kind}: ${dev.hostile ? 'hostile' : 'honest'} update stored`);
    for (const v of res.violations) count(`${kind}: corrected ${v.path.split('.')[0]}${dev.hostile ? '' : ` (honest: ${v.reason})`}`);
    judge({ by: 'person', writer: dev.actor, dev }, before, bodyOf());
    if (!dev.hostile) {
      // A permitted edit is refused only where the room's status no longer allows it.
      const statusBound: Record<Kind, string[]> = { order: ['lines', 'notes', 'status'], ticket: ['status', 'category', 'subject'], visit: ['status'], form: ['status', 'formId', 'formVersion', 'answers'] };
      // A thread needs a subject; an honest subject written at the same time as someone else's
      // loses to it (the map keeps one value per key), also when the other one is then refused.
      const subjectless = kind === 'ticket' && !bodyOf().subject;
      for (const v of res.violations) {
        if (statusBound[kind].includes(v.path.split('.')[0])) continue;
        if (subjectless && v.path === 'messages' && /needs a subject/.test(v.reason)) continue;
        fail(`honest ${dev.actor.role}'s edit refused: ${JSON.stringify(v)}`);
      }
      const now = bodyOf();
      for (const [what, value] of dev.pending) {
        if (same(current(what, now), value)) { acked.set(what, value); dev.pending.delete(what); count(`${kind}: honest ${what.split(':')[0]} acknowledged`); }
      }
    }
    toDevices(res.stored, dev);
    toDevices(res.correction);
    return true;
  }

  function flush(dev: Device) {
    if (!dev.online) return;
    while (dev.outbox.length) {
      const u = dev.outbox.shift()!;
      dev.last = u;
      if (!deliver(dev, u)) return;
    }
  }

  // What the sync protocol does on (re)connect: the device's diff up, the room's diff down.
  function resync(dev: Device) {
    dev.outbox = [];
    const up = (dev.hostile ? forge : (u: Uint8Array) => u)(Y.encodeStateAsUpdate(dev.doc, Y.encodeStateVector(room.doc)));
    if (!deliver(dev, up)) return;
    Y.applyUpdate(dev.doc, Y.encodeStateAsUpdate(room.doc, Y.encodeStateVector(dev.doc)), NET);
  }

  // `fn` returns what the test logs of the command's effect (a shipment, prices, a route).
  function command(name: string, stamp: { by: string; role: string } | null, fn: (doc: Y.Doc, at: string) => (() => void) | void) {
    const before = bodyOf();
    lastNow = null;
    const logged: Array<() => void> = [];
    const { update } = room.command((doc, now) => { const l = fn(doc, now); if (l) logged.push(l); });
    pinRoom();
    for (const l of logged) l();
    judge({ by: 'command', name, stamp }, before, bodyOf());
    if (update) count(`${kind}: command ${name} wrote`);
    toDevices(update);
  }

  // --- edits ---

  const at = () => new Date(Date.parse(T0) + 3_600_000 + 1000 * tick).toISOString();
  const msg = (a: Actor, text: string, status?: string): TicketMessage => ({ by: a.userId, byName: a.name, role: a.role, text, photos: [] as string[], at: at(), ...(status ? { status: status as TicketMessage['status'] } : {}) });
  const check = (n: number) => ({ at: at(), lat: 52.5, lng: 13.4, accuracy: 5 + (n % 20), offsetMs: 0, distanceM: n % 50, verified: true });

  function honest(dev: Device, op: number, a: number) {
    const d = dev.doc;
    const token = `«${dev.i}.${dev.n++}»`;
    if (dev.access !== 'write') return;
    if (kind === 'order') {
      const st = order.status(d);
      const mine = [...order.lines(d).keys()].filter((k) => k.startsWith(`h${dev.i}-`));
      switch (op % 6) {
        case 0: case 1: if (st === 'draft') { const k = `h${dev.i}-${dev.n}`; const l = { productId: `p${1 + (a % 5)}`, quantity: 1 + (a % 9) }; order.setLine(d, k, l); dev.pending.set(`line:${k}`, l); } break;
        case 2: if (st === 'draft' && mine.length) { const k = mine[a % mine.length]; const l = { ...order.lines(d).get(k)!, quantity: 1 + (a % 7) }; order.setLine(d, k, l); dev.pending.set(`line:${k}`, l as unknown as Json); } break;
        case 3: if (st === 'draft' || st === 'submitted' || st === 'held') { const t = order.notes(d); t.insert(a % (t.length + 1) === t.length ? t.length : 0, token); dev.pending.set(`note:${token}`, token); } break;
        case 4: if (st === 'draft' && order.lines(d).size) order.setStatus(d, 'submitted'); break;
        case 5: if ((st === 'draft' || st === 'submitted' || st === 'held') && a % 4 === 0) order.setStatus(d, 'cancelled'); break;
      }
    } else if (kind === 'ticket') {
      const st = ticket.status(d)!;
      const dealerSide = dev.actor.role === 'dealer_admin' || dev.actor.role === 'dealer_staff';
      if (!ticket.subject(d)) {
        if (dealerSide && st === 'open') { const m = msg(dev.actor, token); ticket.open(d, id, { category: ['order', 'delivery', 'product'][a % 3], subject: `Subject ${token}` }, m); dev.pending.set(`msg:${token}`, m as unknown as Json); }
        return;
      }
      const part = PARTS.ticket[dev.actor.role]!;
      const moves = part.steps.filter(([f]) => f === st).map(([, t]) => t);
      if (op % 3 !== 0 && moves.length) {
        const to = moves[a % moves.length];
        if (to === 'closed' && a % 3) return;
        const m = msg(dev.actor, a % 2 ? token : '', to);
        ticket.setStatus(d, to as never, m);
        if (m.text) dev.pending.set(`msg:${token}`, { ...m } as unknown as Json);
      } else { const m = msg(dev.actor, token); ticket.addMessage(d, m); dev.pending.set(`msg:${token}`, m as unknown as Json); }
    } else if (kind === 'form') {
      const b = body(d, 'form');
      if (b.get('status') !== 'draft') return;
      switch (op % 4) {
        case 0: if (!b.get('formId')) d.transact(() => { b.set('formId', `form${a % 3}`); b.set('formVersion', 1 + (a % 4)); }); break;
        case 1: case 2: { const k = `q${dev.i}-${dev.n}`; const v = { value: a % 2 ? token : a, at: at() }; (b.get('answers') as Y.Map<Json>).set(k, v); dev.pending.set(`answers:${k}`, v); break; }
        case 3: if (b.get('formId') && a % 3 === 0) b.set('status', 'submitted'); break;
      }
    } else {
      const st = visit.status(d);
      switch (op % 7) {
        case 0: if (st === 'planned') visit.checkIn(d, check(a)); break;
        case 1: if (st === 'in_progress') visit.checkOut(d, check(a)); break;
        case 2: { const k = `f${dev.i}-${dev.n}`; const v = { formId: k, version: 1 + (a % 3), values: { q1: a % 2 === 0, q2: token } }; visit.setAnswers(d, v); dev.pending.set(`answers:${k}`, v); break; }
        case 3: { const k = (token.length.toString(16) + dev.i + '0' + dev.n).padEnd(64, 'a').slice(0, 64); const p = { formId: null, questionId: null, at: at() }; visit.addPhoto(d, k, p); dev.pending.set(`photos:${k}`, p); break; }
        case 4: { const k = `t${dev.i}-${dev.n}`; const v = { at: at() }; visit.markTaskDone(d, k, v.at); dev.pending.set(`tasksDone:${k}`, v); break; }
        case 5: { visit.notes(d).insert(0, token); dev.pending.set(`note:${token}`, token); break; }
        case 6: visit.set(d, 'plannedStart', at()); break;
      }
    }
  }

  // Hostile edits: whatever a hand-made client could send. Most are forbidden; some are permitted.
  function hostile(dev: Device, op: number, a: number, b: number) {
    const d = dev.doc;
    const bd = body(d, kind);
    const someone = cast[a % cast.length];
    const anyone = [...cast.map((x) => ({ by: x.userId, role: x.role as string })), { by: 'server', role: 'server' }][b % (cast.length + 1)];
    const status = STATUSES[kind][a % STATUSES[kind].length];
    const old = new Date(Date.parse(T0) - 86_400_000 * (1 + (a % 30))).toISOString();
    const common: Array<() => void> = [
      () => d.getMap('meta').set(['kind', 'schemaVersion', 'dealerId', 'repId', 'createdBy', 'createdAt', 'extra'][a % 7], ['ticket', 2, 'd9', 'u_x', someone.userId, old, true][b % 7]),
      () => d.getMap('meta').delete(['kind', 'createdBy', 'createdAt', 'dealerId'][a % 4]),
      () => { if (a % 3 === 0) d.getMap(`x${b % 3}`).set('k', 1); else if (a % 3 === 1) d.getArray(`y${b % 3}`).push([1]); else d.getText(`z${b % 3}`).insert(0, 'z'); },
      () => Y.Array.prototype.insert.call(bd as never, 0, [{ status }]),
      () => { const f = STRUCTURE[kind][a % STRUCTURE[kind].length]; if (b % 3 === 0) bd.delete(f); else bd.set(f, b % 3 === 1 ? new Y.Map() : ('plain' as never)); },
      () => { const m = new Y.Map(); m.set('v', status); const f = STRUCTURE[kind][a % STRUCTURE[kind].length]; const t = bd.get(f); if (t instanceof Y.Map) t.set(`k${b % 5}`, m as never); else if (t instanceof Y.Array) t.push([m]); else bd.set('status', m as never); },
      () => { const t = bd.get(STRUCTURE[kind][0]) as Y.AbstractType<unknown>; const v = [5n, new Uint8Array([1]), Number.NaN, { __protx__: { x: 1 } }, Infinity][a % 5]; if (t instanceof Y.Map) t.set(b % 2 ? '__proto__' : `k${b % 5}`, v as never); else if (t instanceof Y.Array) t.push([v as never]); else bd.set('status', v as never); },
      () => { const f = STRUCTURE[kind].find((x) => bd.get(x) instanceof Y.Text); if (f) { const t = bd.get(f) as Y.Text; t.insert(0, 'x'); if (a % 2) t.format(0, 1, { bold: true }); else t.insertEmbed(0, { img: 'x' }); } else bd.set('bogus', 1); },
      () => bd.set(['discount', 'paid', 'owner', 'constructor'][a % 4], b % 2 ? 1 : { v: status }),
      () => bd.set('status', b % 9 === 0 ? 'bogus' : status),
      () => { if (b % 4 === 0) bd.delete('status'); else bd.set('status', status); },
      // Written and deleted again in one update: nothing to see, but the update still says it.
      () => d.transact(() => { const f = STRUCTURE[kind][b % STRUCTURE[kind].length]; const t = bd.get(f); const k = ['__proto__', 'constructor', `w${a % 5}`][a % 3]; const v = [{ x: 1 }, 5n, null][b % 3]; if (t instanceof Y.Map) { t.set(k, v as never); t.delete(k); } else { bd.set(k, v as never); bd.delete(k); } }),
      // null where there was nothing: a field, or an entry of one of the structure's maps.
      () => { const f = FIELDS[kind][a % FIELDS[kind].length]; const t = bd.get(f); if (t instanceof Y.Map) t.set(b % 3 === 0 ? 'bad key!' : `n${b % 5}`, null); else if (!(t instanceof Y.AbstractType)) bd.set(f, null); },
    ];
    const specific: Array<() => void> =
      kind === 'order' ? [
        () => (bd.get('statusHistory') as Y.Array<Json>).push([{ status, by: anyone.by, role: anyone.role, at: b % 2 ? old : at() }]),
        () => { const h = bd.get('statusHistory') as Y.Array<Json>; if (h.length) { if (a % 2) h.delete(a % h.length, 1); else h.insert(0, [{ status: 'submitted', by: dev.actor.userId, role: dev.actor.role, at: old }]); } else h.push([{ status: 'submitted', by: 'server', role: 'server', at: old }]); },
        () => (bd.get('shipments') as Y.Array<Json>).push([{ eventId: `ev${a % 4}`, carrier: 'X', trackingNumber: '1', status: 'delivered', eta: null, items: [{ productId: 'p1', quantity: 99 }], at: at(), receivedAt: at(), by: 'erp' }]),
        () => bd.set(['approval', 'total', 'creditCheck'][a % 3], [{ state: 'approved', by: 'auto', at: at(), forSubmission: 1 }, 1, { ok: true }][a % 3]),
        () => { const ks = [...order.lines(d).keys()]; if (ks.length) { const k = ks[a % ks.length]; order.lines(d).set(k, { ...(order.lines(d).toJSON()[k] as object), unitPrice: b % 2 ? 0.01 : 1 } as never); } else order.setLine(d, `x${dev.i}-${dev.n++}`, { productId: 'p1', quantity: 1, unitPrice: 1 }); },
        () => { const ks = [...order.lines(d).keys()]; const k = ks.length && a % 2 ? ks[a % ks.length] : `x${dev.i}-${dev.n++}`; order.lines(d).set(k, { productId: 'p1', quantity: 1, [['discount', 'paid', 'approvedBy'][b % 3]]: 1 } as never); },
        () => order.lines(d).set(b % 3 === 0 ? 'bad key!' : `x${dev.i}-${dev.n++}`, [{ productId: '', quantity: 1 }, { productId: 'p1', quantity: 0 }, { productId: 'p1', quantity: -3 }, { productId: 'p1' }][a % 4] as never),
        () => order.setLine(d, `x${dev.i}-${dev.n++}`, { productId: `p${1 + (a % 5)}`, quantity: 1 + (b % 9) }),
        () => { const ks = [...order.lines(d).keys()]; if (ks.length) order.lines(d).delete(ks[a % ks.length]); },
        () => { const t = order.notes(d); if (a % 2 && t.length) t.delete(0, Math.min(t.length, 1 + (b % 4))); else t.insert(0, `h${b}`); },
        () => order.setStatus(d, ['submitted', 'cancelled', 'approved', 'shipped', 'draft'][a % 5] as never),
      ]
      : kind === 'ticket' ? [
        () => ticket.addMessage(d, { ...msg(dev.actor, `forged ${b}`), ...[{ by: someone.userId, role: someone.role }, { by: dev.actor.userId, role: ['hq_admin', 'regional_manager', 'field_rep', 'dealer_admin', 'server'][b % 5] }, { by: someone.userId, role: dev.actor.role }, { by: 'server', role: 'server' }][a % 4] }),
        () => ticket.addMessage(d, { ...msg(dev.actor, `claim ${b}`), status: STATUSES.ticket[a % 4] as never }),
        () => ticket.messages(d).push([[{ ...msg(dev.actor, ''), photos: [] }, { ...msg(dev.actor, 'x'), photos: ['nope'] }, { ...msg(dev.actor, 'x'), extra: 1 }, { ...msg(dev.actor, 'x'), at: 'yesterday' }, 'text'][a % 5] as never]),
        () => { const t = ticket.messages(d); if (t.length) { if (a % 2) t.delete(a % t.length, 1); else { t.delete(0, 1); t.insert(0, [{ ...msg(someone, 'rewritten') }]); } } },
        () => ticket.messages(d).insert(0, [msg(dev.actor, `early ${b}`)]),
        () => bd.set(a % 2 ? 'category' : 'subject', [`S${b}`, '', '   ', 'x'.repeat(300), 5][b % 5] as never),
        () => bd.set(a % 2 ? 'routedTo' : 'assignedTo', a % 2 ? { to: 'hq', repId: null, taskId: null, dueDate: null, by: dev.actor.userId, at: at() } : dev.actor.userId),
        () => ticket.addMessage(d, msg(dev.actor, `reply ${b}`)),
        () => ticket.setStatus(d, STATUSES.ticket[a % 4] as never, msg(dev.actor, `move ${b}`)),
        () => ticket.open(d, id, { category: 'order', subject: a % 2 ? `Hostile ${b}` : 'x'.repeat(250) }, { ...msg(a % 3 ? dev.actor : someone, `open ${b}`) }),
      ]
      : kind === 'form' ? [
        () => d.transact(() => { bd.set('formId', ['', 'x'.repeat(80), 5, `form${b % 3}`][a % 4] as never); bd.set('status', 'submitted'); }),
        () => bd.set('formVersion', [0, -1, 1.5, 'v2', 3][a % 5] as never),
        () => (bd.get('answers') as Y.Map<Json>).set(b % 3 === 0 ? 'bad key!' : `h${b % 5}`, [{ v: 1 }, 'text', [1, 2], null][a % 4]),
        () => bd.set('status', ['submitted', 'draft', 'bogus'][a % 3]),
        () => { const ks = [...(bd.get('answers') as Y.Map<Json>).keys()]; if (ks.length) (bd.get('answers') as Y.Map<Json>).delete(ks[a % ks.length]); },
        () => d.transact(() => { bd.set('formId', `form${a % 3}`); bd.set('status', 'submitted'); }),
      ]
      : [
        () => visit.checkIn(d, [{ ...check(a), at: 'yesterday' }, { ...check(a), lat: 95 }, { ...check(a), verified: false }, check(a)][b % 4] as never),
        () => { visit.checkOut(d, b % 2 ? check(a) : ({ ...check(a), accuracy: -1 } as never)); },
        () => visit.set(d, 'status', ['done', 'missed', 'in_progress', 'planned'][a % 4]),
        () => visit.answers(d).set(b % 3 === 0 ? 'bad key!' : `g${b % 5}`, [{ formId: 'f', version: 0, values: {} }, { formId: 'f', version: 1, values: {}, extra: 1 }, { formId: 'f', version: 1, values: { q: b } }][a % 3] as never),
        () => visit.photos(d).set(a % 2 ? 'not-a-sha' : 'b'.repeat(64), { formId: null, questionId: null, at: at(), ...(b % 2 ? { extra: 1 } : {}) } as never),
        () => visit.set(d, 'flags', { late: true }),
        () => visit.set(d, ['plannedStart', 'visitType'][a % 2] as never, [null, 'x'.repeat(50), 5, 'routine'][b % 4]),
        () => { const t = visit.notes(d); if (a % 2 && t.length) t.delete(0, 1); else t.insert(0, `v${b}`); },
        () => { const ks = [...visit.answers(d).keys()]; if (ks.length) visit.answers(d).delete(ks[a % ks.length]); },
      ];
    const all = [...common, ...specific, ...specific];
    // A hostile replica may have broken its own structure already (it is refused when it syncs);
    // one whose own edit threw has crashed, and starts again from the room.
    try { all[op % all.length](); } catch (err) { if (err instanceof Failure) throw err; reset(dev); }
  }

  // --- commands ---

  function runCmd(op: number, a: number) {
    if (kind === 'ticket') {
      const r = { to: a % 2 ? 'rep' : 'hq', repId: a % 2 ? A.rep.userId : null, taskId: a % 2 ? `task${a % 7}` : null, dueDate: null, by: A.hq.userId, at: at() } as const;
      command('routeTicket', null, (doc, now) => { if (runCommand(doc, 'ticket', { name: 'routeTicket', route: r }, now).ok) return () => { routed.to = { ...r }; }; });
      return;
    }
    if (kind === 'visit' || kind === 'form') {
      // A command for another kind does nothing.
      command('routeTicket', null, (doc) => { if (runCommand(doc, kind, { name: 'routeTicket', route: { to: 'hq', repId: null, taskId: null, dueDate: null, by: 'x', at: at() } }, at()).ok) fail(`a ticket command ran on a ${kind}`); });
      return;
    }
    // Mostly the step that comes next for the order as it stands, sometimes any.
    const st = order.status(room.doc);
    const approval = body(room.doc, 'order').get('approval') as Obj | undefined;
    const next = needsDecision(room.doc) ? 0 : (st === 'submitted' || st === 'held') && (approval?.state === 'pending' || approval?.state === 'held') ? 2
      : st === 'approved' || st === 'shipped' ? (approval?.level === 'network' && a % 2 === 0 ? 4 : 3) : op;
    switch ((op % 4 === 0 ? op : next) % 5) {
      case 0: case 1: {
        // The alarm's decision: priced from "D1", approved, held, waiting, or sent back.
        command('decide', { by: 'server', role: 'server' }, (doc, now) => {
          if (!needsDecision(doc)) return;
          const lines = order.lines(doc).toJSON() as Record<string, { quantity: number }>;
          const p = Object.fromEntries(Object.keys(lines).map((k, i) => [k, 100 + ((a + i) % 9) * 25]));
          const total = Object.entries(lines).reduce((n, [k, l]) => n + p[k] * l.quantity, 0);
          const credit = { limit: 100_000, exposure: 0, total, ok: a % 5 !== 3 };
          const outcomes: Decision[] = [
            { kind: 'returned', problems: ['Line x: there is no such product.'] },
            { kind: 'priced', prices: p, total, credit, outcome: { status: 'approved', by: 'auto' } },
            { kind: 'priced', prices: p, total, credit, outcome: { status: 'held', reason: 'Over the credit limit', level: 'hq_admin' } },
            { kind: 'priced', prices: p, total, credit, outcome: { status: 'submitted', level: 'regional_manager' } },
            { kind: 'priced', prices: p, total, credit, outcome: { status: 'submitted', level: 'network', approverDealerId: PARENT } },
          ];
          const dcs = Object.keys(lines).length ? outcomes[a % outcomes.length] : outcomes[0];
          decide(doc, dcs, now);
          if (dcs.kind === 'priced') return () => { for (const [k, v] of Object.entries(p)) prices.set(k, v); };
        });
        return;
      }
      case 2: {
        // Mostly whoever the order waits for, sometimes someone it does not.
        const level = approval?.level;
        const who = a % 4 === 0 ? [A.hq, A.rm, A.pa, A.da, A.an][a % 5] : level === 'network' ? A.pa : level === 'regional_manager' && a % 2 ? A.rm : A.hq;
        const v = { decision: a % 3 ? 'approve' : 'reject', comment: a % 2 ? `ok ${a}` : '', by: who.userId, byName: who.name, role: who.role, dealerId: who.dealerId } as const;
        command('verdict', { by: who.userId, role: who.role }, (doc, now) => { runCommand(doc, 'order', { name: 'verdict', verdict: v }, now); });
        return;
      }
      case 3: {
        const lines = Object.values(order.lines(room.doc).toJSON()) as Array<{ productId: string; quantity: number }>;
        const items = a % 7 === 0 || !lines.length ? [{ productId: 'p404', quantity: 1 }] : lines.filter((_, i) => (a >> i) % 2 === 0 || i === 0).map((l) => ({ productId: l.productId, quantity: a % 3 ? l.quantity : 1 }));
        const event = { eventId: `ev${a % 4}`, carrier: 'DHL', trackingNumber: `T${a}`, status: a % 2 ? 'delivered' : 'in_transit', eta: null, items, at: at(), by: 'erp' } as const;
        command('recordShipment', { by: 'erp', role: 'server' }, (doc, now) => {
          const r = runCommand(doc, 'order', { name: 'recordShipment', event } as RoomCommand, now);
          if (r.ok && r.shipment?.ok && !r.shipment.duplicate) return () => { shipments.push({ ...event, items: items.map((it) => ({ ...it })), receivedAt: now } as unknown as Obj); };
        });
        return;
      }
      case 4: {
        const who = a % 2 ? { userId: A.pa.userId, role: A.pa.role, dealerId: PARENT } : { userId: A.da.userId, role: A.da.role, dealerId: DEALER };
        command('deliver', { by: who.userId, role: who.role }, (doc, now) => {
          // What is left to deliver (ordered less delivered, by product), as the parent's own delivery.
          const byProduct = new Map<string, number>();
          for (const l of Object.values(order.lines(doc).toJSON() as Record<string, { productId: string; quantity: number }>)) byProduct.set(l.productId, (byProduct.get(l.productId) ?? 0) + l.quantity);
          for (const e of shipments) if (e.status === 'delivered') for (const it of e.items as Array<{ productId: string; quantity: number }>) if (byProduct.has(it.productId)) byProduct.set(it.productId, byProduct.get(it.productId)! - it.quantity);
          const items = [...byProduct].filter(([, q]) => q > 0).map(([productId, quantity]) => ({ productId, quantity }));
          if (runCommand(doc, 'order', { name: 'deliver', who }, now).ok) return () => { shipments.push({ eventId: `own-${now}`, carrier: 'Own delivery', trackingNumber: '', status: 'delivered', eta: null, items, at: now, receivedAt: now, by: who.userId } as unknown as Obj); };
        });
        return;
      }
    }
  }

  // --- the run ---

  for (const step of s.steps) {
    if (step.t === 'edit' || step.t === 'flush' || step.t === 'toggle' || step.t === 'dup' || step.t === 'drop') {
      const dev = devices[step.dev % devices.length];
      if (step.t === 'edit') {
        if (dev.hostile) hostile(dev, step.op, step.a, step.b); else honest(dev, step.op, step.a);
        pinDevice(dev);
        if (!dev.hostile && step.b % 3 === 0) flush(dev);
      } else if (step.t === 'flush') flush(dev);
      else if (step.t === 'dup') { if (dev.online && dev.last) deliver(dev, dev.last); }
      else if (step.t === 'drop') { if (dev.online) dev.outbox.shift(); }
      else { dev.online = !dev.online; if (dev.online) resync(dev); }
    } else if (step.t === 'cmd') runCmd(step.op, step.a);
    else if (step.t === 'restart') boot();
    else room.compact();
  }

  // Everyone comes back and syncs until nothing moves.
  for (const d of devices) d.online = true;
  for (let round = 0; round < 3; round++) for (const d of devices) resync(d);

  // --- the end: convergence, the store, the projection ---

  const canonical = (doc: Y.Doc) => {
    const sort = canon;
    const roots = [...doc.share].filter(([n, t]) => n !== 'meta' && n !== kind && ((t as unknown as { _start: unknown })._start !== null || t._map.size)).map(([n]) => n);
    return JSON.stringify(sort({ meta: doc.getMap('meta').toJSON(), body: body(doc, kind).toJSON(), roots }));
  };
  // What JSON does not show: every live item sits where the document's shape says, and holds
  // plain values (types only as the structure, from its own client).
  const hidden = (doc: Y.Doc): string | null => {
    // Name the document's own roots (a root nobody asked for by its type is a plain AbstractType).
    const roots: unknown[] = [doc.getMap('meta'), body(doc, kind)];
    for (const [client, structs] of doc.store.clients) {
      for (const it of structs) {
        if (!(it instanceof Y.Item) || it.deleted) continue;
        const p = it.parent as Y.AbstractType<unknown> | null;
        const c = it.content;
        const where = `${client}:${it.id.clock} under ${it.parentSub ?? '[list]'}`;
        if (c instanceof Y.ContentType) { if (client !== SKELETON_CLIENT) return `a type ${where}`; continue; }
        if (p instanceof Y.Map) { if (it.parentSub === null || !(c instanceof Y.ContentAny)) return `map content ${where}`; }
        else if (p instanceof Y.Array) { if (it.parentSub !== null || !(c instanceof Y.ContentAny)) return `list content ${where}`; }
        else if (p instanceof Y.Text) { if (it.parentSub !== null || !(c instanceof Y.ContentString)) return `text content ${where}`; }
        else return `content outside the document's types ${where}`;
        let root = p as Y.AbstractType<unknown>;
        while (root._item) root = root._item.parent as Y.AbstractType<unknown>;
        if (!roots.includes(root)) return `content in a foreign root ${where}`;
        if (c instanceof Y.ContentAny && c.arr.some((v) => !isPlain(v))) return `a value that is no plain JSON ${where}`;
      }
    }
    return null;
  };
  const expected = canonical(room.doc);
  const sv = JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(room.doc))].sort(([x], [y]) => x - y));
  for (const [name, doc] of [['room', room.doc], ...devices.map((d) => [`device ${d.i}`, d.doc] as const)] as const) {
    const h = hidden(doc);
    if (h) fail(`${name} holds ${h}`);
    if (name !== 'room' && JSON.stringify([...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([x], [y]) => x - y)) !== sv) fail(`${name} holds other items than the room`);
  }
  const reloaded = new RoomCore(store, id);
  if (canonical(reloaded.doc) !== expected) fail(`the store reloads to something else: ${canonical(reloaded.doc)} vs ${expected}`);
  for (const d of devices) if (canonical(d.doc) !== expected) fail(`device ${d.i} (${d.actor.role}${d.hostile ? ', hostile' : ''}) did not converge: ${canonical(d.doc)} vs ${expected}`);
  const final = bodyOf();
  count(`${kind} ends ${String(final.status)}`);
  for (const [what, value] of acked) if (!same(current(what, final), value)) fail(`acknowledged ${what} missing at the end`);
  if (kind === 'order') {
    if (new Set(shipments.map((e) => e.eventId)).size !== shipments.length) fail('an event id recorded twice');
    if (!same(final.statusHistory, history)) fail('history is not the log of stamped steps');
    if (String(final.status) !== String(history.at(-1)?.status ?? 'draft')) fail(`status ${String(final.status)} is not the last stamped step`);
  }

  // The rows the room writes to D1.
  const rows = project(id, final, metaOf(room.doc) as Obj, '2026-12-31T00:00:00.000Z');
  // Rows are a set (a map's keys come out in each replica's own insertion order).
  const rowSet = (p: ReturnType<typeof project>) => JSON.stringify([p.deletes, p.inserts.map((x) => JSON.stringify(x)).sort(), (p.updates ?? []).map((x) => JSON.stringify(x)).sort()]);
  if (rowSet(rows) !== rowSet(project(id, body(reloaded.doc, kind).toJSON() as Body, metaOf(reloaded.doc) as Obj, '2026-12-31T00:00:00.000Z'))) fail('the reloaded room projects other rows');
  if (kind === 'form') { if (rows.inserts.length || rows.deletes.length) fail('a form projects rows'); return; }
  const main = rows.inserts[0].row;
  if (main.status !== final.status || main.id !== id.id || main.dealer_id !== DEALER) fail(`projected ${JSON.stringify(main)}`);
  if (kind === 'order') {
    if (main.created_by !== header.createdBy) fail(`created_by ${String(main.created_by)}`);
    const sub = history.find((h) => h.status === 'submitted');
    if (main.submitted_at !== (sub?.at ?? null) || (main.submitted_at !== null && !clockLog.has(String(main.submitted_at)))) fail(`submitted_at ${String(main.submitted_at)} not from the room's clock`);
    const approval = (final.approval ?? null) as Obj | null;
    if (main.approval_state !== (approval?.state ?? null)) fail('approval_state');
    for (const r of rows.inserts.filter((x) => x.table === 'order_lines')) if (r.row.unit_price !== null && r.row.unit_price !== prices.get(String(r.row.line_id))) fail(`unit_price ${String(r.row.unit_price)} for ${String(r.row.line_id)}`);
    const events = rows.inserts.filter((x) => x.table === 'order_shipments').map((x) => x.row.event_id);
    if (!same(events, shipments.map((e) => e.eventId)) || new Set(events).size !== events.length) fail(`shipment rows ${JSON.stringify(events)}`);
  }
  if (kind === 'ticket') {
    if (main.routed_to !== (routed.to?.to ?? null) || main.assigned_to !== (routed.to?.repId ?? null)) fail(`routing rows ${main.routed_to} ${main.assigned_to}`);
    const msgs = (final.messages ?? []) as Obj[];
    if (main.resolved_at !== null && !msgs.some((m) => (m.status === 'resolved' || m.status === 'closed') && m.at === main.resolved_at && targetsOf(String(m.role)).has(String(m.status)))) fail('resolved_at from a message its writer could not have written');
    if (main.first_response_at !== null && !msgs.some((m) => m.at === main.first_response_at && [A.hq, A.rm, A.rep].some((x) => x.userId === m.by && x.role === m.role))) fail('first_response_at from someone not on the support side');
  }
  if (kind === 'visit') {
    const ci = final.checkIn as Obj | undefined;
    if (main.check_in_at !== (ci ? ci.at : null)) fail('check_in_at');
    if (main.photo_count !== Object.keys((final.photos ?? {}) as Obj).length) fail('photo_count');
  }
}

// --- the generators ---

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ t: fc.constant('edit' as const), dev: fc.nat(7), op: fc.nat(60), a: fc.nat(1000), b: fc.nat(1000) }) },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('flush' as const), dev: fc.nat(7) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('toggle' as const), dev: fc.nat(7) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constantFrom('dup' as const, 'drop' as const), dev: fc.nat(7) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('cmd' as const), op: fc.nat(20), a: fc.nat(1000) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'compact' as const }) },
);
const scenario: fc.Arbitrary<Scenario> = fc.record({
  // Orders have the longest way to go (and the most server steps), so they come up most.
  kind: fc.oneof({ weight: 4, arbitrary: fc.constant<Kind>('order') }, { weight: 3, arbitrary: fc.constant<Kind>('ticket') }, { weight: 2, arbitrary: fc.constant<Kind>('visit') }, { weight: 1, arbitrary: fc.constant<Kind>('form') }),
  devices: fc.array(fc.record({ actor: fc.nat(20), hostile: fc.boolean(), offline: fc.boolean() }), { minLength: 2, maxLength: 5 }),
  steps: fc.array(step, { minLength: 5, maxLength: 60, size: 'max' }),
  compaction: fc.integer({ min: 3, max: 30 }),
});

describe('forged-write fuzz', () => {
  it('the cast reaches documents as the policy says', () => {
    const access = (kind: Kind) => Object.fromEntries(CAST[kind].map((a) => [`${a.userId}`, accessOf(kind, a)]));
    // HQ and managers read orders; a parent dealer reads (and decides) its network's orders.
    expect(access('order')).toEqual({ u_da: 'write', u_ds: 'write', u_rep: 'write', u_hq: 'read', u_rm: 'read', u_an: 'read', u_pa: 'read' });
    expect(access('ticket')).toEqual({ u_da: 'write', u_ds: 'write', u_rep: 'write', u_hq: 'write', u_rm: 'write', u_an: 'read', u_pa: 'read' });
    expect(access('visit')).toEqual({ u_rep: 'write', u_hq: 'read', u_rm: 'read', u_an: 'read' });
    expect(access('form')).toEqual({ u_rep: 'write', u_da: 'write', u_ds: 'write', u_hq: 'read', u_rm: 'read', u_an: 'read' });
    expect(accessOf('form', A.pa)).toBeNull();
    expect(accessOf('visit', { ...A.rep, rel: ['assigned'] })).toBeNull();
  });

  // FUZZ_REPLAY='<counterexample JSON>' runs the one scenario a failure printed instead.
  it(`${RUNS} runs of hostile and honest devices, commands, restarts and compactions: nothing forbidden is kept anywhere, acknowledged edits stay, everyone converges (seed ${SEED})`, () => {
    if (process.env.FUZZ_REPLAY) {
      const one = JSON.parse(process.env.FUZZ_REPLAY);
      run(Array.isArray(one) ? one[0] : one);
      return;
    }
    fc.assert(fc.property(scenario, (s) => {
      try { run(s); } catch (err) {
        if (err instanceof Failure) throw err;
        throw new Error(`unexpected ${(err as Error).stack ?? String(err)}`);
      }
    }), { seed: SEED, numRuns: RUNS, ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}) });
  }, 300_000);

  afterAll(() => { if (process.env.FUZZ_STATS) console.log([...stats].sort().map(([k, v]) => `${String(v).padStart(7)}  ${k}`).join('\n')); });

});
