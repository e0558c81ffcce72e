import type { Role } from '../core/db/schema.ts';
import type { ScopeKind } from '../core/auth/roles.ts';
import type { Db } from './db/client.ts';
import type { Env } from './env.ts';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  dealerId: string | null;
  orgId: string;
}

export interface Scope { kind: ScopeKind; userId: string; regionIds: string[]; dealerId: string | null }

export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: Db;
    user: SessionUser | null;
    sessionId: string | null;
    scope: Scope | null;
  };
}
