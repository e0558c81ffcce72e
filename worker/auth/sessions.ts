import { and, eq, gt, lt } from 'drizzle-orm';
import type { Context } from 'hono';
import { randomToken, sha256Hex } from '../../core/auth/password.ts';
import { sessions, users } from '../../core/db/schema.ts';
import { runBatch, type Db } from '../../server/db.ts';
import type { AppEnv, SessionUser } from '../types.ts';
import { clientIp } from '../audit.ts';
import { writeSessionCookie } from './cookies.ts';

const SLIDE_AFTER_MS = 5 * 60_000;

export const sessionTtlMs = (c: Context<AppEnv>) => Math.max(1, Number(c.env.SESSION_TTL_HOURS) || 720) * 3_600_000;

// A fresh token for every sign-in; the previous session of this browser is ended (rotation).
export async function startSession(c: Context<AppEnv>, userId: string, previousSessionId: string | null): Promise<void> {
  const db = c.get('db');
  const token = randomToken();
  const ttl = sessionTtlMs(c);
  const now = new Date();
  const stmts = [];
  if (previousSessionId) stmts.push(db.delete(sessions).where(eq(sessions.id, previousSessionId)));
  await runBatch(db, [
    ...stmts,
    db.insert(sessions).values({
      id: await sha256Hex(token), userId, createdAt: now.toISOString(), lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + ttl).toISOString(),
      userAgent: (c.req.header('user-agent') ?? '').slice(0, 200), ip: clientIp(c),
    }),
    db.update(users).set({ lastLoginAt: now.toISOString() }).where(eq(users.id, userId)),
  ]);
  writeSessionCookie(c, token, Math.floor(ttl / 1000));
}

export async function loadSession(db: Db, token: string): Promise<{ sessionId: string; user: SessionUser } | null> {
  const id = await sha256Hex(token);
  const now = new Date();
  const rows = await db
    .select({ s: sessions, u: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, id), gt(sessions.expiresAt, now.toISOString()), eq(users.status, 'active')))
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  if (!row.s.lastSeenAt || now.getTime() - Date.parse(row.s.lastSeenAt) > SLIDE_AFTER_MS) {
    await db.update(sessions).set({ lastSeenAt: now.toISOString() }).where(eq(sessions.id, id));
  }
  const { u } = row;
  return { sessionId: id, user: { id: u.id, email: u.email, name: u.name, role: u.role, dealerId: u.dealerId, orgId: u.orgId } };
}

export async function endSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

export async function pruneExpiredSessions(db: Db): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, new Date().toISOString()));
}
