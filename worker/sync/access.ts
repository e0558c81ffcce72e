import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { DocId } from '../../core/docs/id.ts';
import { inScope } from '../dealers/queries.ts';
import type { AppEnv } from '../types.ts';

export type DocAccess = 'read' | 'write' | null;

// Who reaches a document, decided from D1 and never from the id alone: the dealer the id
// names must be in the caller's scope, and a rep's own documents are that rep's alone.
export async function docAccess(c: Context<AppEnv>, id: DocId): Promise<DocAccess> {
  const user = c.get('user');
  const scope = c.get('scope');
  if (!user || !scope) return null;
  if (!(await inScope(c.get('db'), scope, id.dealerId))) return null;
  const repOwned = id.kind === 'visit' || id.kind === 'form';
  switch (user.role) {
    case 'hq_admin': return 'write';
    case 'analyst': case 'regional_manager': return 'read';
    case 'field_rep': return repOwned ? (id.repId === user.id ? 'write' : null) : 'write';
    case 'dealer_admin': case 'dealer_staff': return repOwned ? null : 'write';
    default: return null;
  }
}

export async function registerDoc(c: Context<AppEnv>, id: DocId): Promise<void> {
  await c.get('db').run(sql`insert or ignore into documents (id, kind, dealer_id, rep_id, created_by) values (${id.id}, ${id.kind}, ${id.dealerId}, ${id.repId}, ${c.get('user')!.id})`);
}

// New rooms start near the dealer's region.
export async function locationHint(c: Context<AppEnv>, dealerId: string): Promise<DurableObjectLocationHint | undefined> {
  const rows = await c.get('db').all<{ hint: string | null }>(sql`select r.location_hint as hint from dealers d join regions r on r.id = d.region_id where d.id = ${dealerId}`);
  return (rows[0]?.hint ?? undefined) as DurableObjectLocationHint | undefined;
}

export function roomFor(c: Context<AppEnv>, docId: string, hint?: DurableObjectLocationHint) {
  const ns = c.env.DOC_ROOM;
  return ns.get(ns.idFromName(docId), hint ? { locationHint: hint } : undefined);
}
