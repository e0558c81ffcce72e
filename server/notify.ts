// Notifications: a row per recipient (the in-app list and bell), and a Web Push message to every
// browser each recipient allowed. Called from order decisions, shipments and ticket answers.
// It never throws to its caller: a failure is logged and the rest goes on.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { notifications, pushSubscriptions, type Role } from '../core/db/schema.ts';
import { buildPushRequest, importVapidPrivateKey, type VapidKeys } from '../core/push/webpush.ts';
import { newId, runBatch, type Db } from './db.ts';
import type { ServerEnv as Env } from './env.ts';

export const NOTIFICATION_KINDS = ['order_approved', 'order_rejected', 'order_shipped', 'ticket_answered', 'announcement', 'low_stock'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

// Exactly one way of naming the recipients:
// userIds: these users; dealerId: every active user of that dealer;
// role (+ regionId): every active user with that role (in that region, via user_regions or
// their dealer's region).
export type NotifyRecipients =
  | { userIds: string[]; dealerId?: never; role?: never; regionId?: never }
  | { dealerId: string; userIds?: never; role?: never; regionId?: never }
  | { role: Role; regionId?: string; userIds?: never; dealerId?: never };

export type NotifyInput = NotifyRecipients & { kind: NotificationKind; title: string; body?: string; url?: string };

export interface NotifyResult { notified: number; pushed: number; expired: number; failed: number }

// The push service's fetch: the real one in production, a named fake in tests.
export type PushFetch = (url: string, init: RequestInit) => Promise<Response>;

type VapidEnv = Pick<Env, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT'>;

let keyCache: { privateKey: string; key: Promise<CryptoKey> } | null = null;
function signingKey(v: VapidKeys): Promise<CryptoKey> {
  if (keyCache?.privateKey !== v.privateKey) keyCache = { privateKey: v.privateKey, key: importVapidPrivateKey(v.privateKey, v.publicKey) };
  return keyCache.key;
}

export function vapidOf(env: VapidEnv): VapidKeys | null {
  if (!env.VAPID_PUBLIC_KEY || !env.VAPID_PRIVATE_KEY) return null;
  return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT || 'mailto:push@fieldnet.example' };
}

async function recipients(db: Db, to: NotifyRecipients): Promise<string[]> {
  if (to.userIds) return [...new Set(to.userIds)];
  if (to.dealerId) {
    return (await db.all<{ id: string }>(sql`select id from users where dealer_id = ${to.dealerId} and status = 'active'`)).map((r) => r.id);
  }
  if (to.role) {
    const rows = to.regionId
      ? await db.all<{ id: string }>(sql`select u.id from users u where u.role = ${to.role} and u.status = 'active' and (
          u.id in (select user_id from user_regions where region_id = ${to.regionId})
          or u.dealer_id in (select id from dealers where region_id = ${to.regionId}))`)
      : await db.all<{ id: string }>(sql`select id from users where role = ${to.role} and status = 'active'`);
    return rows.map((r) => r.id);
  }
  return [];
}

export async function notify(env: VapidEnv, db: Db, input: NotifyInput, opts: { fetch?: PushFetch } = {}): Promise<NotifyResult> {
  const result: NotifyResult = { notified: 0, pushed: 0, expired: 0, failed: 0 };
  try {
    const userIds = await recipients(db, input);
    if (!userIds.length) return result;
    const createdAt = new Date().toISOString();
    const rows = userIds.map((userId) => ({ id: newId('ntf'), userId, kind: input.kind, title: input.title, body: input.body ?? '', url: input.url ?? null, createdAt }));
    // D1 caps bound parameters per statement; 8 columns × 10 rows stays well under it.
    const stmts = [];
    for (let i = 0; i < rows.length; i += 10) stmts.push(db.insert(notifications).values(rows.slice(i, i + 10)));
    await runBatch(db, stmts);
    result.notified = rows.length;

    const vapid = vapidOf(env);
    if (!vapid) return result;
    const subs = await db.select().from(pushSubscriptions).where(inArray(pushSubscriptions.userId, userIds));
    if (!subs.length) return result;
    const key = await signingKey(vapid);
    const send = opts.fetch ?? ((url: string, init: RequestInit) => fetch(url, init));
    const byUser = new Map(rows.map((r) => [r.userId, r]));
    const expired: string[] = [];
    await Promise.all(subs.map(async (s) => {
      try {
        const row = byUser.get(s.userId)!;
        const payload = JSON.stringify({ id: row.id, kind: input.kind, title: input.title, body: input.body ?? '', url: input.url ?? '/' });
        const req = await buildPushRequest(s, payload, vapid, key);
        const res = await send(req.url, req.init);
        if (res.status === 404 || res.status === 410) expired.push(s.id);
        else if (res.ok) result.pushed++;
        else { result.failed++; console.warn('push refused', res.status, new URL(s.endpoint).origin); }
      } catch (err) {
        result.failed++;
        console.warn('push failed', err);
      }
    }));
    if (expired.length) {
      await db.delete(pushSubscriptions).where(inArray(pushSubscriptions.id, expired));
      result.expired = expired.length;
    }
  } catch (err) {
    console.error('notify failed', err);
  }
  return result;
}

// Marks the given (or all) unread notifications of one user read; returns how many changed.
export async function markRead(db: Db, userId: string, ids: string[] | 'all'): Promise<number> {
  const at = new Date().toISOString();
  const where = ids === 'all'
    ? and(eq(notifications.userId, userId), sql`${notifications.readAt} is null`)
    : and(eq(notifications.userId, userId), inArray(notifications.id, ids), sql`${notifications.readAt} is null`);
  const done = await db.update(notifications).set({ readAt: at }).where(where).returning({ id: notifications.id });
  return done.length;
}
