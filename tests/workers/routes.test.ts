// Walks every registered route for every role: a route added without an access rule, one that
// answers without a session, or one that answers any role with a 500 or a malformed error fails
// here. Who is allowed what, per relation to the record, is policy-matrix.test.ts, which checks
// every route against DESIGN.md §4 written out by hand rather than against the code's own `can()`.
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../core/db/schema.ts';
import { app } from '../../worker/index.ts';
import { ACCESS_RULES } from '../../worker/middleware/access.ts';
import { call, ROLES_EMAIL, seedDemo, signIn, type Api } from './fixtures.ts';

const apiRoutes = () => {
  const byKey = new Map<string, { method: string; path: string; rules: ReturnType<typeof ACCESS_RULES.get>[] }>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || !(r.path.startsWith('/api') || r.path.startsWith('/manifest') || r.path.startsWith('/icons'))) continue;
    const key = `${r.method} ${r.path}`;
    const entry = byKey.get(key) ?? { method: r.method, path: r.path, rules: [] };
    const rule = ACCESS_RULES.get(r.handler);
    if (rule) entry.rules.push(rule);
    byKey.set(key, entry);
  }
  // Signing out ends the session the walk uses, so it goes last.
  return [...byKey.values()].sort((a, b) => Number(a.method === 'DELETE' && a.path === '/api/session') - Number(b.method === 'DELETE' && b.path === '/api/session'));
};

const concrete = (path: string) => path.replace(/:id/g, 'dlr_00002').replace(/:file\{[^}]*\}/, 'icon.svg');

const sessions = {} as Record<Role, Api>;
beforeAll(async () => {
  await seedDemo();
  for (const role of ROLES) sessions[role] = await signIn(ROLES_EMAIL[role]);
});

describe('route rules', () => {
  it('every API route declares exactly one access rule', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(10);
    const missing = routes.filter((r) => r.rules.length !== 1).map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
  });

  it('without a session only public routes answer', async () => {
    for (const r of apiRoutes()) {
      const res = await call()(concrete(r.path), { method: r.method, ...(r.method === 'GET' ? {} : { json: {} }) });
      expect(res.status, `${r.method} ${r.path}`).toBeLessThan(500);
      if (r.rules[0]!.rule.kind !== 'public') expect(res.status, `${r.method} ${r.path}`).toBe(401);
    }
  });

  for (const role of ROLES) {
    it(`${role}: a signed-in caller is never asked to sign in, never gets a 500, and every refusal is a well-formed error`, async () => {
      for (const r of apiRoutes()) {
        const { rule } = r.rules[0]!;
        const res = await sessions[role](concrete(r.path), { method: r.method, ...(r.method === 'GET' ? {} : { json: {} }) });
        const what = `${role} ${r.method} ${r.path} → ${res.status}`;
        expect(res.status, what).toBeLessThan(500);
        if (rule.kind === 'permission') expect(res.status, what).not.toBe(401);
        if (res.status >= 400) {
          const body = await res.json<{ error: { code: string; message: string } }>();
          expect(typeof body.error.code, what).toBe('string');
          expect(body.error.message.length, what).toBeGreaterThan(0);
        }
      }
    });
  }

  it('the OpenAPI document lists every API route', async () => {
    const doc = await (await call()('/api/openapi.json')).json<{ openapi: string; paths: Record<string, Record<string, unknown>> }>();
    expect(doc.openapi).toBe('3.1.0');
    for (const r of apiRoutes().filter((x) => x.path.startsWith('/api'))) {
      const path = r.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${path}`).toBeTruthy();
    }
    const post = doc.paths['/api/dealers'].post as { requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } } };
    expect(Object.keys(post.requestBody.content['application/json'].schema.properties)).toContain('parentId');
  });
});
