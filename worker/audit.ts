import type { Context } from 'hono';
import { auditLog } from '../core/db/schema.ts';
import type { AppEnv } from './types.ts';

export interface AuditEntry {
  action: string;
  entityType?: string;
  entityId?: string | null;
  outcome?: 'ok' | 'denied' | 'failed';
  detail?: Record<string, unknown>;
  actorId?: string | null;
  actorRole?: string | null;
}

export const clientIp = (c: Context) => c.req.header('cf-connecting-ip') ?? c.req.header('x-real-ip') ?? 'local';

// Awaited rather than deferred: an audit row must exist once the response says it happened.
export async function audit(c: Context<AppEnv>, entry: AuditEntry): Promise<void> {
  const user = c.get('user');
  await c.get('db').insert(auditLog).values({
    actorId: entry.actorId ?? user?.id ?? null,
    actorRole: entry.actorRole ?? user?.role ?? null,
    action: entry.action,
    entityType: entry.entityType ?? null,
    entityId: entry.entityId ?? null,
    outcome: entry.outcome ?? 'ok',
    ip: clientIp(c),
    detail: entry.detail ?? null,
  });
}
