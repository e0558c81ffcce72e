import type { MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { can, type Permission } from '../../core/access/roles.ts';
import { audit } from '../audit.ts';
import { ApiError } from '../http/errors.ts';
import type { AppEnv } from '../types.ts';

export interface RouteDoc {
  summary: string;
  query?: z.ZodType;
  body?: z.ZodType;
}

export type AccessRule = { kind: 'public' } | { kind: 'permission'; permission: Permission };

// Every API route carries exactly one of these middlewares. The registry lets a test walk
// `app.routes` and fail on a route registered without a rule, and feeds the OpenAPI document.
export const ACCESS_RULES = new WeakMap<Function, { rule: AccessRule; doc: RouteDoc }>();

export function publicRoute(doc: RouteDoc): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (_c, next) => next();
  ACCESS_RULES.set(mw, { rule: { kind: 'public' }, doc });
  return mw;
}

export function requires(permission: Permission, doc: RouteDoc): MiddlewareHandler<AppEnv> {
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    const user = c.get('user');
    if (!user) {
      await audit(c, { action: 'access.unauthenticated', outcome: 'denied', detail: { path: new URL(c.req.url).pathname, method: c.req.method } });
      throw new ApiError(401, 'unauthenticated', 'Sign in to continue.');
    }
    if (!can(user.role, permission)) {
      await audit(c, { action: 'access.forbidden', outcome: 'denied', detail: { path: new URL(c.req.url).pathname, method: c.req.method, permission } });
      throw new ApiError(403, 'forbidden', 'Your role does not allow this.');
    }
    return next();
  };
  ACCESS_RULES.set(mw, { rule: { kind: 'permission', permission }, doc });
  return mw;
}
