import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { reachOf, type Relation, type Resource } from '../../core/access/index.ts';
import type { DocId, DocKind } from '../../core/docs/id.ts';
import type { Birth } from '../../durable-objects/doc-room.ts';
import { dealerRelationsSql } from '../../server/scope.ts';
import type { AppEnv } from '../types.ts';

export type DocAccess = 'read' | 'write' | null;

// The policy's resource for each document kind.
export const DOC_RESOURCE: Record<DocKind, Resource> = { order: 'order', visit: 'visit', form: 'form', ticket: 'ticket' };

// Who reaches a document, from the policy and D1, never from the id alone: the relations that
// hold between the caller and the dealer the id names (and, for a rep's documents, the rep).
// `letters` is the caller's reach on it; a document not yet registered is reached only by who
// may create it, and the caller then becomes its creator. One query also brings the dealer
// region's location hint, since a socket upgrade waits on it.
export interface DocTarget { access: DocAccess; letters: string; hint: DurableObjectLocationHint | undefined; registered: boolean; birth: Birth | undefined }

export async function docTarget(c: Context<AppEnv>, id: DocId): Promise<DocTarget> {
  const user = c.get('user');
  const none: DocTarget = { access: null, letters: '', hint: undefined, registered: false, birth: undefined };
  if (!user) return none;
  const rows = await c.get('db').all<Record<Relation, number> & { hint: string | null; createdBy: string | null; createdAt: string | null; registered: number }>(sql`
    select r.location_hint as hint, ${dealerRelationsSql(user)},
      doc.created_by as createdBy, doc.created_at as createdAt, doc.id is not null as registered
    from dealers d left join regions r on r.id = d.region_id left join documents doc on doc.id = ${id.id}
    where d.id = ${id.dealerId} limit 1`);
  const row = rows[0];
  if (!row) return none;
  const holds = (rel: Relation) => (rel === 'own' ? id.repId !== null && id.repId === user.id : !!row[rel]);
  const letters = reachOf(user.role, DOC_RESOURCE[id.kind], holds);
  const registered = !!row.registered;
  if (!letters.includes('R') || (!registered && !letters.includes('C'))) return none;
  const access: DocAccess = letters.includes('W') || letters.includes('C') ? 'write' : 'read';
  const birth = registered ? { createdBy: row.createdBy ?? user.id, createdAt: row.createdAt ?? new Date().toISOString() } : { createdBy: user.id, createdAt: new Date().toISOString() };
  return { access, letters, hint: (row.hint ?? undefined) as DurableObjectLocationHint | undefined, registered, birth };
}

export async function registerDoc(c: Context<AppEnv>, id: DocId, birth: Birth): Promise<void> {
  await c.get('db').run(sql`insert or ignore into documents (id, kind, dealer_id, rep_id, created_by, created_at) values (${id.id}, ${id.kind}, ${id.dealerId}, ${id.repId}, ${birth.createdBy}, ${birth.createdAt})`);
}

export function roomFor(c: Context<AppEnv>, docId: string, hint?: DurableObjectLocationHint) {
  const ns = c.env.DOC_ROOM;
  return ns.get(ns.idFromName(docId), hint ? { locationHint: hint } : undefined);
}
