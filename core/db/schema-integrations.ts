// Integrations (migration 0008): API keys HQ creates for outside systems, each with scopes,
// and the order shipments the ERP reports, projected from the order document.
import { index, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  // SHA-256 (hex) of the secret; the secret itself is never stored.
  keyHash: text('key_hash').notNull(),
  // The secret's first 8 characters, to recognise a key in a list.
  prefix: text('prefix').notNull(),
  scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  createdBy: text('created_by'),
  createdAt: text('created_at').notNull().default(now),
  lastUsedAt: text('last_used_at'),
  revokedAt: text('revoked_at'),
}, (t) => [uniqueIndex('api_keys_key_hash').on(t.keyHash)]);

export const orderShipments = sqliteTable('order_shipments', {
  orderId: text('order_id').notNull(),
  eventId: text('event_id').notNull(),
  carrier: text('carrier'),
  trackingNumber: text('tracking_number'),
  status: text('status').notNull(),
  eta: text('eta'),
  at: text('at'),
  items: text('items').notNull().default('[]'),
}, (t) => [primaryKey({ columns: [t.orderId, t.eventId] }), index('order_shipments_tracking').on(t.trackingNumber)]);

export type ApiKey = typeof apiKeys.$inferSelect;
