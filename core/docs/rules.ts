// The write rules, read off each kind's state machine (core/docs/kinds) and run by the room on
// every change. The access policy has already decided that the writer may write this document
// at all; here the writer's part decides which fields and which status steps. A change outside
// it is not kept: the room applies `correct` as the server, and since the correction is itself
// a Yjs update, every replica that saw the forbidden change converges back.
import * as Y from 'yjs';
import type { Role } from '../db/schema.ts';
import type { DocId, DocKind } from './id.ts';
import { KINDS } from './kinds/index.ts';
import type { Part } from './kinds/spec.ts';
import { added, same } from './kinds/spec.ts';
import { body, FIELD_SHAPES, meta, snapshot, type Json } from './schema.ts';

export type WriterRole = Role | 'server';
export interface Writer { role: WriterRole; userId: string }
export interface Violation { path: string; reason: string }
export type Snapshot = ReturnType<typeof snapshot>;

// Whether the writer's part leads from `from` to `to`, one permitted step at a time (a visit
// done entirely offline arrives as done), each step's guard holding on the document as it is now.
function reachable(part: Part | undefined, from: string, to: string, get: (f: string) => Json | undefined, writer: Writer): string | null {
  if (!part) return 'no part';
  const seen = new Set([from]);
  const queue = [from];
  let refusal: string | null = null;
  while (queue.length) {
    const at = queue.shift()!;
    if (at === to) return null;
    for (const t of part.transitions) {
      if (t.from !== at || seen.has(t.to)) continue;
      const why = t.guard?.(get, writer as { role: Role; userId: string }) ?? null;
      if (why) { refusal ??= why; continue; }
      seen.add(t.to);
      queue.push(t.to);
    }
  }
  return refusal ?? 'no path';
}

// Whether a change touched a value: writing null where there was nothing is a change too (a null
// line or a null approval is a write like any other, and the server's commands read them).
const differ = (a: Json | undefined, b: Json | undefined) => (a === undefined) !== (b === undefined) || !same(a, b);

// A field, a part's field or a check by name: own properties only, since the names come from
// the change ("constructor" is no field, whatever Object.prototype says).
const own = <T>(o: Partial<Record<string, T>> | undefined, key: string): T | undefined => (o && Object.hasOwn(o, key) ? o[key] : undefined);

function entryViolations(kind: DocKind, key: string, a: Json | undefined, b: Json | undefined): Violation[] {
  const entry = own(KINDS[kind].fields, key)?.entry;
  if (!entry || !b || typeof b !== 'object' || Array.isArray(b)) return [];
  const before = (a && typeof a === 'object' && !Array.isArray(a) ? a : {}) as Record<string, Json>;
  const out: Violation[] = [];
  for (const [k, v] of Object.entries(b)) {
    if (!differ(own(before, k), v)) continue;
    if (entry.key && !entry.key.test(k)) { out.push({ path: `${key}.${k}`, reason: `"${k}" is not a valid key for ${key}` }); continue; }
    const m = entry.check(v);
    if (m) out.push({ path: `${key}.${k}`, reason: m });
  }
  return out;
}

function statusViolations(id: DocId, writer: Writer, from: string, to: Json | undefined, get: (f: string) => Json | undefined): Violation[] {
  const spec = KINDS[id.kind];
  if (to === undefined) return [{ path: 'status', reason: `A ${id.kind} always has a status` }];
  const bad = spec.fields.status.check?.(to);
  if (bad) return [{ path: 'status', reason: bad }];
  const why = reachable(spec.parts[writer.role as Role], from, String(to), get, writer);
  if (why === null) return [];
  const reason = why === 'no part' || why === 'no path' ? `A ${writer.role} may not move a ${id.kind} from ${from} to ${String(to)}` : why;
  return [{ path: 'status', reason }];
}

// `before` and `after` hold the header, the status and whatever fields the change touched;
// `get` reads any field as it stands after the change (for guards).
export function checkChange(id: DocId, writer: Writer, before: Snapshot, after: Snapshot, get: (f: string) => Json | undefined = (f) => after.body[f]): Violation[] {
  if (writer.role === 'server') return [];
  const spec = KINDS[id.kind];
  const part = spec.parts[writer.role as Role];
  const v: Violation[] = [];
  for (const key of new Set([...Object.keys(before.meta), ...Object.keys(after.meta)])) {
    if (differ(own(before.meta, key), own(after.meta, key))) v.push({ path: `meta.${key}`, reason: 'The document header is written by the server' });
  }
  const statusBefore = String(before.body.status ?? spec.initial);
  for (const key of new Set([...Object.keys(before.body), ...Object.keys(after.body)])) {
    const a = own(before.body, key);
    const b = own(after.body, key);
    if (!differ(a, b)) continue;
    const field = own(spec.fields, key);
    if (!field) { v.push({ path: key, reason: 'Not a field of this document' }); continue; }
    if (key === 'status') { v.push(...statusViolations(id, writer, statusBefore, b, get)); continue; }
    const when = own(part?.fields, key);
    if (when === undefined) { v.push({ path: key, reason: `A ${writer.role} may not change ${key}` }); continue; }
    if (when.length && !when.includes(statusBefore)) { v.push({ path: key, reason: `${key} cannot change once the ${id.kind} is ${statusBefore}` }); continue; }
    if (field.shape === 'list') {
      const la = Array.isArray(a) ? a : [];
      const lb = Array.isArray(b) ? b : [];
      if (!added(la, lb)) { v.push({ path: key, reason: `${key} can only be added to` }); continue; }
    }
    if (field.shape === 'value' && field.check && b !== undefined) { const m = field.check(b); if (m) v.push({ path: key, reason: m }); }
    v.push(...entryViolations(id.kind, key, a, b));
    v.push(...(own(spec.changeChecks, key)?.(writer as { role: Role; userId: string }, a, b, get) ?? []));
  }
  return v;
}

// Which parts of a document one change touched: body fields, and for map fields the entry keys
// (null: the whole field). The room checks and corrects only these, so the cost of an update
// follows its size, not the document's.
export type Touched = Map<string, Set<string> | null>;

// Puts back, as the server, every field a violation names (whole field: value, map, text or
// list). With `touched`, a map field is put back only in the entries the change touched, which
// `before` then needs to hold, and nothing else.
export function correct(doc: Y.Doc, kind: DocKind, before: Snapshot, violations: Violation[], touched?: Touched): void {
  const fields = new Set(violations.map((x) => x.path.split('.')[0] === 'meta' ? x.path : x.path.split('.')[0]));
  // Where every violation of a map field names its entry, only those entries go back, so the
  // permitted rest of the same change stays.
  const scope: Touched = new Map(touched);
  for (const f of fields) {
    const named = violations.filter((x) => x.path.split('.')[0] === f).map((x) => x.path.split('.')[1]);
    if (FIELD_SHAPES[kind][f] === 'map' && named.length && named.every(Boolean)) scope.set(f, new Set(named));
  }
  doc.transact(() => {
    for (const f of fields) {
      if (f.startsWith('meta.')) {
        const key = f.slice(5);
        const was = own(before.meta, key);
        if (was === undefined) meta(doc).delete(key);
        else meta(doc).set(key, was);
        continue;
      }
      const b = body(doc, kind);
      const prev = own(before.body, f);
      const shape = FIELD_SHAPES[kind][f];
      const cur = b.get(f);
      if (shape === 'map' && cur instanceof Y.Map) {
        const want = (prev ?? {}) as Record<string, Json>;
        const entries = scope.get(f);
        if (entries) {
          for (const k of entries) {
            if (!Object.hasOwn(want, k)) { if (cur.has(k)) cur.delete(k); } else if (!cur.has(k) || !same(cur.get(k), want[k])) cur.set(k, want[k]);
          }
          continue;
        }
        for (const k of [...cur.keys()]) if (!Object.hasOwn(want, k)) cur.delete(k);
        for (const [k, val] of Object.entries(want)) if (!cur.has(k) || !same(cur.get(k), val)) cur.set(k, val);
      } else if (shape === 'text' && cur instanceof Y.Text) {
        cur.delete(0, cur.length);
        cur.insert(0, String(prev ?? ''));
      } else if (shape === 'list' && cur instanceof Y.Array) {
        cur.delete(0, cur.length);
        cur.insert(0, (prev ?? []) as Json[]);
      } else if (prev === undefined) {
        // A document is never without a status: one born with a forbidden one starts over.
        if (f === 'status') b.set(f, KINDS[kind].initial); else b.delete(f);
      } else b.set(f, prev);
    }
  }, 'server');
}
