import { sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { DOC_KINDS, DocIdError, parseDocId, type DocId } from '../../core/docs/id.ts';
import type { Birth } from '../../durable-objects/doc-room.ts';
import { docsListQuery, syncBatchBody } from '../../core/validators/sync.ts';
import { audit } from '../audit.ts';
import { reachSql } from '../../server/scope.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readJson, readQuery } from '../http/input.ts';
import { publicRoute, requires } from '../middleware/access.ts';
import { DOC_RESOURCE, docTarget, registerDoc, roomFor } from '../sync/access.ts';
import type { AppEnv } from '../types.ts';

const fromB64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
const toB64 = (b: Uint8Array) => { let s = ''; for (const x of b) s += String.fromCharCode(x); return btoa(s); };

// Registers a new document and answers with the birth D1 kept: when two callers create one id
// at once, the first registration wins, and the room's header must name that creator too (the
// room is created by whichever request reaches it first).
async function register(c: Context<AppEnv>, id: DocId, birth: Birth): Promise<Birth> {
  await registerDoc(c, id, birth);
  const rows = await c.get('db').all<Birth>(sql`select created_by as createdBy, created_at as createdAt from documents where id = ${id.id}`);
  return rows[0] ?? birth;
}

// WebSocket upgrade into a document's room, authorised before the upgrade.
export const syncSocketRoutes = new Hono<AppEnv>()
  .get('/:kind/:id', publicRoute({ summary: 'WebSocket: the Yjs sync and awareness protocol for one document' }), async (c) => {
    const user = c.get('user');
    if (!user) throw new ApiError(401, 'unauthenticated', 'Sign in to continue.');
    const origin = c.req.header('origin');
    const allowed = [new URL(c.req.url).origin, ...(c.env.ALLOWED_ORIGINS ?? '').split(',').map((s) => s.trim()).filter(Boolean)];
    if (origin && !allowed.includes(origin)) throw new ApiError(403, 'bad_origin', 'This connection did not come from the app.');
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') throw new ApiError(426, 'upgrade_required', 'Connect with a WebSocket.');
    let id;
    try { id = parseDocId(c.req.param('id')); } catch { throw notFound('Document'); }
    if (id.kind !== c.req.param('kind')) throw notFound('Document');
    const target = await docTarget(c, id);
    const { access, hint } = target;
    if (!access || !target.birth) {
      await audit(c, { action: 'doc.connect', entityType: id.kind, entityId: id.id, outcome: 'denied' });
      throw notFound('Document');
    }
    const birth = target.registered ? target.birth : await register(c, id, target.birth);
    const headers = new Headers(c.req.raw.headers);
    headers.set('x-doc-id', id.id);
    headers.set('x-created-by', birth.createdBy);
    headers.set('x-created-at', birth.createdAt);
    headers.set('x-user-id', user.id);
    headers.set('x-user-role', user.role);
    headers.set('x-access', access);
    return roomFor(c, id.id, hint).fetch(new Request(c.req.raw.url, { headers }));
  });

export const syncApiRoutes = new Hono<AppEnv>()
  .post('/sync', requires('session', { summary: 'Catch-up for many documents: state vectors in, missing updates out', body: syncBatchBody }), async (c) => {
    const { docs } = await readJson(c, syncBatchBody);
    const user = c.get('user')!;
    const results = await Promise.all(docs.map(async (entry) => {
      let id;
      try { id = parseDocId(entry.doc); } catch (err) { return { doc: entry.doc, error: { code: 'invalid_doc', message: err instanceof DocIdError ? err.message : 'Bad document id' } }; }
      const target = await docTarget(c, id);
      const { access, hint } = target;
      if (!access || !target.birth) return { doc: entry.doc, error: { code: 'not_found', message: 'Document was not found.' } };
      if (entry.update && access !== 'write') return { doc: entry.doc, error: { code: 'read_only', message: 'You may read this document but not change it.' } };
      const birth = target.registered ? target.birth : await register(c, id, target.birth);
      try {
        const room = roomFor(c, id.id, hint);
        const res = await room.sync(id.id, fromB64(entry.stateVector), entry.update ? fromB64(entry.update) : null, { userId: user.id, role: user.role, access }, birth);
        if (res.refused) return { doc: entry.doc, diff: toB64(res.diff), stateVector: toB64(res.stateVector), error: { code: 'refused', message: res.refused } };
        if (res.incomplete) return { doc: entry.doc, diff: toB64(res.diff), stateVector: toB64(res.stateVector), error: { code: 'incomplete', message: 'The update builds on changes the server does not have; send the diff against the returned state vector.' } };
        return { doc: entry.doc, diff: toB64(res.diff), stateVector: toB64(res.stateVector), corrected: res.corrected };
      } catch (err) {
        return { doc: entry.doc, error: { code: 'rejected', message: (err as Error).message.slice(0, 200) } };
      }
    }));
    return c.json({ results });
  })
  .get('/docs', requires('session', { summary: 'Documents in scope changed since a cursor', query: docsListQuery }), async (c) => {
    const q = readQuery(c, docsListQuery);
    const user = c.get('user')!;
    const since = q.since ?? '';
    // Per kind, the documents the policy lets the caller read.
    const readable = sql.join(DOC_KINDS.map((kind) => sql`(doc.kind = ${kind} and ${reachSql(user.role, DOC_RESOURCE[kind], 'R', user)})`), sql` or `);
    const rows = await c.get('db').all<{ id: string; kind: string; dealerId: string; updatedAt: string }>(sql`
      select doc.id, doc.kind, doc.dealer_id as dealerId, doc.updated_at as updatedAt from documents doc
      join dealers d on d.id = doc.dealer_id
      where doc.updated_at > ${since} and (${readable})
      order by doc.updated_at, doc.id limit ${q.limit}`);
    return c.json({ items: rows, cursor: rows.at(-1)?.updatedAt ?? since });
  });
