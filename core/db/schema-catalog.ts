// Catalog and channel stock (migration 0011): promotions on top of the price lists, the
// brand's available stock per product, and the stock each dealer reports (or its rep records).
import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { dealers, organisations, products } from './schema.ts';

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

// A discount on the price-list price. Null product/category/segment means "any"; every
// condition given must hold. Dates are YYYY-MM-DD, both ends inclusive.
export const promotions = sqliteTable('promotions', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull().references(() => organisations.id),
  name: text('name').notNull(),
  percentOff: real('percent_off').notNull(),
  productId: text('product_id').references(() => products.id),
  category: text('category'),
  segment: text('segment'),
  validFrom: text('valid_from').notNull(),
  validTo: text('valid_to').notNull(),
  createdBy: text('created_by'),
  createdAt: text('created_at').notNull().default(now),
}, (t) => [
  index('promotions_org_valid').on(t.orgId, t.validTo, t.validFrom),
  check('promotions_percent_off', sql`${t.percentOff} > 0 AND ${t.percentOff} <= 90`),
  check('promotions_valid', sql`${t.validFrom} <= ${t.validTo}`),
]);

export const brandStock = sqliteTable('brand_stock', {
  productId: text('product_id').primaryKey().references(() => products.id),
  available: integer('available').notNull().default(0),
  updatedAt: text('updated_at').notNull().default(now),
});

export const STOCK_SOURCES = ['dealer', 'audit'] as const;

export const channelStock = sqliteTable('channel_stock', {
  dealerId: text('dealer_id').notNull().references(() => dealers.id),
  productId: text('product_id').notNull().references(() => products.id),
  quantity: integer('quantity').notNull(),
  reorderPoint: integer('reorder_point').notNull().default(5),
  reportedBy: text('reported_by').notNull(),
  reportedAt: text('reported_at').notNull(),
  source: text('source', { enum: STOCK_SOURCES }).notNull(),
}, (t) => [
  primaryKey({ columns: [t.dealerId, t.productId] }), index('channel_stock_product').on(t.productId),
  check('channel_stock_quantity', sql`${t.quantity} >= 0`),
  check('channel_stock_reorder_point', sql`${t.reorderPoint} >= 0`),
  check('channel_stock_source', sql`${t.source} IN ('dealer', 'audit')`),
]);
