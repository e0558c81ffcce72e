// Field photos (migration 0007). The image bytes are in R2 under photos/<sha256>.
import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { dealers } from './schema.ts';

// Whether a photo keeps its location is a brand setting: organisations.photo_location.

export const photos = sqliteTable('photos', {
  sha256: text('sha256').primaryKey(),
  dealerId: text('dealer_id').notNull().references(() => dealers.id),
  visitId: text('visit_id'),
  uploadedBy: text('uploaded_by').notNull(),
  contentType: text('content_type').notNull(),
  bytes: integer('bytes').notNull(),
  width: integer('width'),
  height: integer('height'),
  lat: real('lat'),
  lng: real('lng'),
  createdAt: text('created_at').notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
}, (t) => [index('photos_dealer').on(t.dealerId)]);
