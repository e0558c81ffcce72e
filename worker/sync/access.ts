import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { DocId } from '../../core/docs/id.ts';
import type { Role } from '../../core/db/schema.ts';
import { dealerScopeSql } from '../../server/scope.ts';
import type { AppEnv } from '../types.ts';

export type DocAccess = 'read' | 'write' | null;

// What a role may do with a document whose dealer is in its scope. The write rules in
// core/docs then decide field by field; this only keeps out who has no business there at all.
export function roleAccess(role: Role, userId: string, id: DocId): DocAccess {
  const repOwned = id.kind === 'visit' || id.kind === 'form';
  switch (role) {
    case 'hq_admin': return 'write';
    case 'analyst': return 'read';
    // Managers read their region's documents and answer its support tickets.
    case 'regional_manager': return id.kind === 'ticket' ? 'write' : 'read';
    case 'field_rep': return repOwned ? (id.repId === userId ? 'write' : null) : 'write';
    case 'dealer_admin': case 'dealer_staff': return repOwned ? null : 'write';
    default: return null;
  }
}

export interface DocTarget { access: DocAccess; hint: DurableObjectLocationHint | undefined; registered: boolean }

// Who reaches a document, decided from D1 and never from the id alone: the dealer the id
// names must be in the caller's scope, and a rep's own documents are that rep's alone. One
// query also brings the dealer region's location hint and whether the document is known, since
// a socket upgrade waits on it.
export async function docTarget(c: Context<AppEnv>, id: DocId): Promise<DocTarget> {
  const user = c.get('user');
  const scope = c.get('scope');
  const none: DocTarget = { access: null, hint: undefined, registered: false };
  if (!user || !scope) return none;
  const access = roleAccess(user.role, user.id, id);
  if (!access) return none;
  const rows = await c.get('db').all<{ hint: string | null; registered: number }>(sql`
    select r.location_hint as hint, exists(select 1 from documents doc where doc.id = ${id.id}) as registered
    from dealers d left join regions r on r.id = d.region_id
    where d.id = ${id.dealerId} and ${dealerScopeSql(scope)} limit 1`);
  if (!rows.length) return none;
  return { access, hint: (rows[0].hint ?? undefined) as DurableObjectLocationHint | undefined, registered: !!rows[0].registered };
}

export async function registerDoc(c: Context<AppEnv>, id: DocId): Promise<void> {
  await c.get('db').run(sql`insert or ignore into documents (id, kind, dealer_id, rep_id, created_by) values (${id.id}, ${id.kind}, ${id.dealerId}, ${id.repId}, ${c.get('user')!.id})`);
}

export function roomFor(c: Context<AppEnv>, docId: string, hint?: DurableObjectLocationHint) {
  const ns = c.env.DOC_ROOM;
  return ns.get(ns.idFromName(docId), hint ? { locationHint: hint } : undefined);
}
