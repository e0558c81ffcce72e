import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError, type z } from 'zod';

// The one error shape of the API: { error: { code, message, fields? } }.
export class ApiError extends Error {
  constructor(readonly status: ContentfulStatusCode, readonly code: string, message: string, readonly fields?: Record<string, string>, readonly headers?: Record<string, string>) {
    super(message);
  }
}

export const notFound = (what = 'That') => new ApiError(404, 'not_found', `${what} was not found.`);
export const forbidden = (message = 'You do not have access to this.') => new ApiError(403, 'forbidden', message);

export function fieldsOf(err: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of err.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] = 'Unknown field';
      continue;
    }
    const path = issue.path.join('.') || '_';
    fields[path] ??= issue.message;
  }
  return fields;
}

export function invalidInput(err: ZodError): ApiError {
  const fields = fieldsOf(err);
  const names = Object.keys(fields).filter((f) => f !== '_');
  const message = names.length ? `Check ${names.join(', ')}: ${fields[names[0]]}.` : (fields._ ?? 'The request is not valid.');
  return new ApiError(400, 'invalid_input', message, fields);
}

export function errorResponse(c: Context, err: ApiError): Response {
  for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
  const body: { error: { code: string; message: string; fields?: Record<string, string> } } = { error: { code: err.code, message: err.message } };
  if (err.fields) body.error.fields = err.fields;
  return c.json(body, err.status);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalidInput(result.error);
  return result.data;
}
