import { eq, inArray } from 'drizzle-orm';
import { loginThrottle } from '../../core/db/schema.ts';
import { runBatch, type Db } from '../db/client.ts';

// Failed sign-ins per account and per address. After FREE_FAILURES the key is locked for
// BASE_LOCK_MS, doubling with each further failure up to MAX_LOCK_MS: guessing gets slow
// while a person who mistypes a few times is not locked out.
export const FREE_FAILURES = 5;
export const BASE_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 15 * 60_000;
// A quiet day wipes the slate: a handful of typos spread over weeks never adds up to a lock.
const FORGET_AFTER_MS = 24 * 3_600_000;

export const throttleKeys = (email: string, ip: string) => [`email:${email}`, `ip:${ip}`];

export async function lockedFor(db: Db, keys: string[], now = Date.now()): Promise<number> {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  let wait = 0;
  for (const r of rows) if (r.lockedUntil) wait = Math.max(wait, Date.parse(r.lockedUntil) - now);
  return Math.max(0, Math.ceil(wait / 1000));
}

export async function recordFailure(db: Db, keys: string[], now = Date.now()): Promise<void> {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  const byKey = new Map(rows.map((r) => [r.key, r]));
  await runBatch(db, keys.map((key) => {
    const prev = byKey.get(key);
    const stale = !prev || now - Date.parse(prev.lastFailureAt) > FORGET_AFTER_MS;
    const failures = (stale ? 0 : prev.failures) + 1;
    const lockMs = failures >= FREE_FAILURES ? Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - FREE_FAILURES)) : 0;
    const values = { key, failures, lastFailureAt: new Date(now).toISOString(), lockedUntil: lockMs ? new Date(now + lockMs).toISOString() : null };
    return db.insert(loginThrottle).values(values).onConflictDoUpdate({ target: loginThrottle.key, set: values });
  }));
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
