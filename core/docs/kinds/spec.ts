// The shape of a document kind as a state machine: its fields and how each is stored, the part
// each role may write (fields and status transitions, with guards), and the server's own steps.
// The access policy (core/access) decides whether a role may write a document at all (W or C on
// the record); the kind's part for that role decides what it may write there.
import type * as Y from 'yjs';
import type { Role } from '../../db/schema.ts';
import type { Json } from '../base.ts';

export type Shape = 'value' | 'map' | 'text' | 'list';
export type Check = (v: Json) => string | null;

export interface FieldSpec {
  shape: Shape;
  // A plain value, checked whole.
  check?: Check;
  // A map's entries (replaced whole), checked one by one; `key` the entry keys allowed.
  entry?: { key?: RegExp; check: Check };
}

export interface Writer { role: Role; userId: string }
export interface Violation { path: string; reason: string }
export interface View { meta: Record<string, Json>; body: Record<string, Json> }

// A guard on a transition: null when allowed, else why not. `get` reads a field of the document
// as it stands after the change (touched or not).
export type Guard = (get: (field: string) => Json | undefined, writer: Writer) => string | null;

export interface Transition { from: string; to: string; guard?: Guard }

export interface Part {
  // Field name → the statuses (before the change) in which it may change; [] for any.
  fields: Record<string, readonly string[]>;
  transitions: readonly Transition[];
}

export interface KindSpec {
  initial: string;
  statuses: readonly string[];
  fields: Record<string, FieldSpec>;
  // The part each role may write where the policy gives it W (or C) on the document.
  parts: Partial<Record<Role, Part>>;
  // Steps only the room's commands take (documented here, and checked in the commands).
  serverTransitions: ReadonlyArray<readonly [string, string]>;
  // Checks that look at a field's change as a whole (a list only appended to, in the writer's name).
  // Records a status step a person made, as the room saw it (who, when).
  history?: (doc: Y.Doc, entry: { status: string; by: string; role: string; at: string }) => void;
  changeChecks?: Partial<Record<string, (writer: Writer, before: Json | undefined, after: Json | undefined, get: (field: string) => Json | undefined) => Violation[]>>;
}

export const ANY_STATUS: readonly string[] = [];

export const zodCheck = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: Array<{ message: string; path: PropertyKey[] }> } } }): Check => (v) => {
  const r = schema.safeParse(v);
  if (r.success) return null;
  const issue = r.error!.issues[0];
  return issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message;
};

export const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

// A list only added to: `before` is still there in order, and these are the indexes in `after`
// of what was added; null when something was removed or changed. New entries need not be at the
// end: two people appending at once both land, one before the other, wherever the merge puts them.
export function added(before: readonly unknown[], after: readonly unknown[]): number[] | null {
  if (after.length < before.length) return null;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < after.length; i++) {
    if (j < before.length && same(after[i], before[j])) j++;
    else out.push(i);
  }
  return j === before.length ? out : null;
}
