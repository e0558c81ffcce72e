import type { Context } from 'hono';
import type { z } from 'zod';
import { ApiError, notFound, parseWith } from './errors.ts';
import { idSchema } from '../../core/validators/common.ts';

// Bodies are read as text first so that malformed JSON gets its own clear answer.
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.includes('application/json')) throw new ApiError(415, 'unsupported_media_type', 'Send the body as JSON (Content-Type: application/json).');
  const text = await c.req.text();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
  }
  return parseWith(schema, value);
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query());
}

// A malformed id cannot name anything in scope, so it is answered like a missing one.
export function readId(c: Context, name = 'id', what = 'That'): string {
  const value = c.req.param(name);
  if (!idSchema.safeParse(value).success) throw notFound(what);
  return value as string;
}
