// Field photos (migration 0007). The image bytes are in R2 under photos/<sha256>.
import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { dealers } from './schema.ts';

// The brand's choice for a photo's location: kept with it, or dropped before it is stored.
// It lives in organisations.photo_location, next to the other brand settings.
export const PHOTO_LOCATION_SETTINGS = ['keep', 'strip'] as const;
export type PhotoLocationSetting = (typeof PHOTO_LOCATION_SETTINGS)[number];

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
