import type { Role } from '../core/db/schema.ts';
import type { Scope } from '../server/scope.ts';
import type { Db } from '../server/db.ts';
import type { Env } from './env.ts';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  dealerId: string | null;
  orgId: string;
}


export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: Db;
    user: SessionUser | null;
    sessionId: string | null;
    scope: Scope | null;
  };
}

export type { Scope };
