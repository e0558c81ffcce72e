import type { Hono } from 'hono';
import { z } from 'zod';
import { ACCESS_RULES } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, fields: { type: 'object', additionalProperties: { type: 'string' } } } } },
};

// Generated from the same access rules and zod validators the routes run, so the document
// cannot drift from what the API accepts.
export function openApiDocument(app: Hono<AppEnv>) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of app.routes) {
    const entry = ACCESS_RULES.get(route.handler);
    if (!entry || route.method === 'ALL') continue;
    const path = route.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}');
    const params = [...route.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const op: Record<string, unknown> = {
      summary: entry.doc.summary,
      security: entry.rule.kind === 'public' ? [] : [{ session: [] }],
      'x-permission': entry.rule.kind === 'public' ? 'public' : entry.rule.permission,
      responses: {
        200: { description: 'OK' },
        400: { description: 'Invalid input', content: { 'application/json': { schema: ERROR_SCHEMA } } },
        ...(entry.rule.kind === 'public' ? {} : { 401: { description: 'Not signed in' }, 403: { description: 'Not allowed for this role' }, 404: { description: 'Not found or outside your scope' } }),
      },
    };
    if (entry.doc.query) {
      const schema = z.toJSONSchema(entry.doc.query, { io: 'input', unrepresentable: 'any' }) as { properties?: Record<string, unknown>; required?: string[] };
      params.push(...Object.entries(schema.properties ?? {}).map(([name, s]) => ({ name, in: 'query', required: schema.required?.includes(name) ?? false, schema: s as { type: string } })));
    }
    if (params.length) op.parameters = params;
    if (entry.doc.body) op.requestBody = { required: true, content: { 'application/json': { schema: z.toJSONSchema(entry.doc.body, { io: 'input', unrepresentable: 'any' }) } } };
    (paths[path] ??= {})[route.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'FieldNet API', version: '1.0.0', description: 'Dealer and field network API. Errors: { error: { code, message, fields? } }.' },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: '__Host-sid' } } },
    paths,
  };
}
