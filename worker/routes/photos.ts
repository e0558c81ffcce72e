import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { organisations, photos } from '../../core/db/schema.ts';
import { imageTypeOf, MAX_PHOTO_BYTES, photoReadQuery, photoUploadQuery, shaSchema } from '../../core/validators/photos.ts';
import { audit } from '../audit.ts';
import type { Db } from '../../server/db.ts';
import { reachesDealer } from '../../server/scope.ts';
import { ApiError, notFound } from '../http/errors.ts';
import { readQuery } from '../http/input.ts';
import { requires } from '../middleware/access.ts';
import type { AppEnv } from '../types.ts';

type PhotoRow = typeof photos.$inferSelect;

const objectKey = (sha: string) => `photos/${sha}`;

// Content-addressed, so a stored photo never changes under its URL.
const IMMUTABLE = 'private, max-age=31536000, immutable';

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function findPhoto(db: Db, sha: string): Promise<PhotoRow | null> {
  return (await db.select().from(photos).where(eq(photos.sha256, sha)).limit(1))[0] ?? null;
}

// Read from organisations next to the other brand settings; a missing row keeps locations.
async function stripsLocation(db: Db, orgId: string): Promise<boolean> {
  const rows = await db.select({ setting: organisations.photoLocation }).from(organisations).where(eq(organisations.id, orgId));
  return rows[0]?.setting === 'strip';
}

const view = (p: PhotoRow) => ({ ...p, url: `/api/photos/${p.sha256}` });

// A photo is filed under one dealer. The same bytes sent for another dealer are refused out
// loud, rather than accepted as a photo the uploader could then not read.
function alreadyStored(row: PhotoRow, dealerId: string) {
  if (row.dealerId !== dealerId) throw new ApiError(409, 'conflict', 'This exact photo is already filed under another dealer. Take a new one for this dealer.');
  return view(row);
}

export const photosRoutes = new Hono<AppEnv>()
  .put('/photos/:sha', requires('photos:upload', { summary: 'Store a photo (the raw JPEG, PNG or WebP bytes) under its SHA-256; sending it again is a no-op', query: photoUploadQuery }), async (c) => {
    const sha = c.req.param('sha');
    if (!shaSchema.safeParse(sha).success) {
      throw new ApiError(400, 'invalid_input', 'Name the photo by its SHA-256 as 64 lowercase hex digits.', { sha: 'Must be a SHA-256 as 64 lowercase hex digits' });
    }
    const q = readQuery(c, photoUploadQuery);
    const db = c.get('db');
    const user = c.get('user')!;
    if (!(await reachesDealer(db, user.role, 'photo', 'C', user, q.dealer))) {
      await audit(c, { action: 'photos.upload', entityType: 'dealer', entityId: q.dealer, outcome: 'denied' });
      throw notFound('Dealer');
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.byteLength > MAX_PHOTO_BYTES) {
      throw new ApiError(413, 'too_large', `The photo is larger than ${MAX_PHOTO_BYTES / 1024 / 1024} MiB. Take it again in the app, which shrinks photos before sending.`);
    }
    const contentType = imageTypeOf(bytes);
    if (!contentType) throw new ApiError(415, 'not_an_image', 'This file is not a photo: send a JPEG, PNG or WebP image.');
    if ((await sha256Hex(bytes)) !== sha) throw new ApiError(422, 'hash_mismatch', 'The photo arrived changed (its SHA-256 does not match its name). Send it again.');

    const existing = await findPhoto(db, sha);
    if (existing) return c.json(alreadyStored(existing, q.dealer), 200);
    // R2 first: a row only ever names bytes that are there, so HEAD can answer for both.
    await c.env.FILES.put(objectKey(sha), bytes, { httpMetadata: { contentType }, sha256: sha });
    const strip = await stripsLocation(db, user.orgId);
    const inserted = await db.insert(photos).values({
      sha256: sha, dealerId: q.dealer, visitId: q.visit ?? null, uploadedBy: user.id, contentType, bytes: bytes.byteLength,
      width: q.w ?? null, height: q.h ?? null, lat: strip ? null : (q.lat ?? null), lng: strip ? null : (q.lng ?? null),
    }).onConflictDoNothing().returning();
    if (inserted[0]) return c.json(view(inserted[0]), 201);
    return c.json(alreadyStored((await findPhoto(db, sha))!, q.dealer), 200);
  })
  // Hono answers HEAD with this GET route: it tells a device whether an upload can be skipped.
  // thumb=1 returns the same image, since the device draws its own thumbnails.
  .get('/photos/:sha', requires('photos:read', { summary: 'A photo\'s bytes (HEAD: whether it is stored); thumb=1 returns the same image', query: photoReadQuery }), async (c) => {
    const sha = c.req.param('sha');
    if (!shaSchema.safeParse(sha).success) throw notFound('Photo');
    readQuery(c, photoReadQuery);
    const db = c.get('db');
    const row = await findPhoto(db, sha);
    // Outside the caller's scope reads exactly like a photo that does not exist.
    if (!row || !(await reachesDealer(db, c.get('user')!.role, 'photo', 'R', c.get('user')!, row.dealerId))) throw notFound('Photo');
    const etag = `"${sha}"`;
    const headers = { 'content-type': row.contentType, 'cache-control': IMMUTABLE, etag };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    if (c.req.method === 'HEAD') return c.body(null, 200, { ...headers, 'content-length': String(row.bytes) });
    const object = await c.env.FILES.get(objectKey(sha));
    if (!object) throw notFound('Photo');
    return c.body(object.body, 200, headers);
  });
