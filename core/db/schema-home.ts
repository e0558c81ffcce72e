// Dealer home and notifications (migration 0012): HQ's announcements and documents for dealers,
// per-user notifications and the Web Push subscriptions a user allowed.
import { sql } from 'drizzle-orm';
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { organisations, users } from './schema.ts';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

// Who an announcement or a document is for: 'all', 'tier:<tier>' or 'region:<region id>'.
export type Audience = 'all' | `tier:${string}` | `region:${string}`;
export const DOCUMENT_KINDS = ['price_list', 'catalog', 'other'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export const announcements = sqliteTable('announcements', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organisations.id),
  title: text('title').notNull(),
  body: text('body').notNull(),
  audience: text('audience').$type<Audience>().notNull().default('all'),
  publishedAt: text('published_at').notNull().default(now),
  createdBy: text('created_by'),
}, (t) => [index('announcements_org_published').on(t.orgId, t.publishedAt)]);

export const dealerDocuments = sqliteTable('dealer_documents', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organisations.id),
  title: text('title').notNull(),
  kind: text('kind', { enum: DOCUMENT_KINDS }).notNull().default('other'),
  r2Key: text('r2_key').notNull(),
  bytes: integer('bytes').notNull().default(0),
  contentType: text('content_type').notNull().default('application/octet-stream'),
  audience: text('audience').$type<Audience>().notNull().default('all'),
  createdAt: text('created_at').notNull().default(now),
}, (t) => [
  index('dealer_documents_org_created').on(t.orgId, t.createdAt),
  check('dealer_documents_kind', sql`${t.kind} IN ('price_list', 'catalog', 'other')`),
]);

export const notifications = sqliteTable('notifications', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id),
  kind: text('kind').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull().default(''),
  url: text('url'),
  createdAt: text('created_at').notNull().default(now),
  readAt: text('read_at'),
}, (t) => [index('notifications_user_created').on(t.userId, t.createdAt), index('notifications_user_unread').on(t.userId, t.readAt)]);

export const pushSubscriptions = sqliteTable('push_subscriptions', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull().references(() => users.id),
  endpoint: text('endpoint').notNull(),
  p256dh: text('p256dh').notNull(),
  auth: text('auth').notNull(),
  createdAt: text('created_at').notNull().default(now),
}, (t) => [uniqueIndex('push_subscriptions_endpoint').on(t.endpoint), index('push_subscriptions_user').on(t.userId)]);
