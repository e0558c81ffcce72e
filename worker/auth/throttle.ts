import { inArray, sql, type SQL } from 'drizzle-orm';
import { loginThrottle } from '../../core/db/schema.ts';
import type { Db } from '../../server/db.ts';

// Sign-in attempts per account and per address. After FREE_FAILURES the key is locked for
// BASE_LOCK_MS, doubling with each further failure up to MAX_LOCK_MS: guessing gets slow
// while a person who mistypes a few times is not locked out.
export const FREE_FAILURES = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
// A key quiet this long after its last failure and its lock is forgotten, so one bad morning
// does not leave an account (or an office behind one address) a single typo from a lock for
// good. It is longer than the longest lock: guessing as fast as the locks allow never goes quiet
// long enough, and keeps escalating.
export const FORGET_AFTER_MS = 60 * 60_000;

export const throttleKeys = (email: string, ip: string) => [`email:${email}`, `ip:${ip}`];

export const lockMsFor = (failures: number) =>
  failures < FREE_FAILURES ? 0 : Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - FREE_FAILURES));

const iso = (ms: number) => new Date(ms).toISOString();

export async function lockedFor(db: Db, keys: string[], now = Date.now()): Promise<number> {
  const rows = await db.select().from(loginThrottle).where(inArray(loginThrottle.key, keys));
  let wait = 0;
  for (const r of rows) if (r.lockedUntil) wait = Math.max(wait, Date.parse(r.lockedUntil) - now);
  return Math.max(0, Math.ceil(wait / 1000));
}

// The count a key carries into its next attempt (in SQL, on the row's old values).
const carried = (now: number) => sql`(case when max(${loginThrottle.lastFailureAt}, coalesce(${loginThrottle.lockedUntil}, ''))
  <= ${iso(now - FORGET_AFTER_MS)} then 0 else ${loginThrottle.failures} end)`;

// The lock the count n gives, from the steps up to the longest one (n is a SQL expression).
function lockSql(n: SQL, now: number): SQL {
  const steps: SQL[] = [];
  for (let f = FREE_FAILURES; lockMsFor(f) < MAX_LOCK_MS; f++) steps.push(sql` when ${n} = ${f} then ${iso(now + lockMsFor(f))}`);
  return sql`(case when ${n} < ${FREE_FAILURES} then null${sql.join(steps)} else ${iso(now + MAX_LOCK_MS)} end)`;
}

// Counts an attempt against every key before the password is checked, in one statement per key
// (so parallel attempts cannot read the same count), and only while the key is not locked.
// Counting first closes the window in which a burst of parallel guesses would all pass the lock
// check before the first of them failed. Answers the seconds to wait; 0 means go ahead.
export async function takeAttempt(db: Db, keys: string[], now = Date.now()): Promise<number> {
  const n = sql`(${carried(now)} + 1)`;
  const stmts = keys.map((key) => db.insert(loginThrottle)
    .values({ key, failures: 1, lastFailureAt: iso(now), lockedUntil: null })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: { failures: n, lastFailureAt: iso(now), lockedUntil: lockSql(n, now) },
      setWhere: sql`${loginThrottle.lockedUntil} is null or ${loginThrottle.lockedUntil} <= ${iso(now)}`,
    })
    .returning({ key: loginThrottle.key }));
  const results = await db.batch(stmts as unknown as Parameters<Db['batch']>[0]) as unknown as Array<Array<{ key: string }>>;
  if (results.every((r) => r.length === 1)) return 0;
  return Math.max(1, await lockedFor(db, keys, now));
}

// The attempt was the right password: the account starts afresh, and the address gets back the
// attempt taken from it (an office signing in every morning is not guessing), with no lock
// below the free failures.
export async function settleSuccess(db: Db, keys: string[]): Promise<void> {
  const [accountKey, ...others] = keys;
  const n = sql`max(${loginThrottle.failures} - 1, 0)`;
  await db.batch([
    db.delete(loginThrottle).where(sql`${loginThrottle.key} = ${accountKey}`),
    ...others.map((key) => db.update(loginThrottle)
      .set({ failures: n, lockedUntil: sql`case when ${n} < ${FREE_FAILURES} then null else ${loginThrottle.lockedUntil} end` })
      .where(sql`${loginThrottle.key} = ${key}`)),
  ] as unknown as Parameters<Db['batch']>[0]);
}
