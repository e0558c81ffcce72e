import { eq, inArray } from 'drizzle-orm';
import { loginThrottle } from '../../core/db/schema.ts';
import type { Db } from '../../server/db.ts';

// Failed sign-ins per account and per address. After FREE_FAILURES the key is locked for
// BASE_LOCK_MS, doubling with each further failure up to MAX_LOCK_MS: guessing gets slow
// while a person who mistypes a few times is not locked out.
export const FREE_FAILURES = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

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
  for (const key of keys) {
    const failures = (byKey.get(key)?.failures ?? 0) + 1;
    const lockMs = failures >= FREE_FAILURES ? Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - FREE_FAILURES)) : 0;
    const values = { key, failures, lastFailureAt: new Date(now).toISOString(), lockedUntil: lockMs ? new Date(now + lockMs).toISOString() : null };
    await db.insert(loginThrottle).values(values).onConflictDoUpdate({ target: loginThrottle.key, set: values });
  }
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}
