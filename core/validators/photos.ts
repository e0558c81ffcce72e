import { z } from 'zod';
import { parseDocId } from '../docs/id.ts';
import { idSchema } from './common.ts';

// The device downscales before it uploads (long side at most MAX_PHOTO_SIDE, JPEG), which
// lands well under MAX_PHOTO_BYTES; the limit only stops what skipped that step.
export const MAX_PHOTO_BYTES = 2 * 1024 * 1024;
export const MAX_PHOTO_SIDE = 1600;

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export const shaSchema = z.string().regex(/^[0-9a-f]{64}$/, 'Must be a SHA-256 as 64 lowercase hex digits');

const visitOf = (id: string) => {
  try {
    const doc = parseDocId(id);
    return doc.kind === 'visit' ? doc : null;
  } catch {
    return null;
  }
};

const side = z.coerce.number().int('Must be a whole number').min(1, 'Must be 1 or more').max(MAX_PHOTO_SIDE, `Downscale to at most ${MAX_PHOTO_SIDE} px`);

export const photoUploadQuery = z.strictObject({
  dealer: idSchema,
  visit: z.string().refine((v) => visitOf(v) !== null, 'Must be a visit document id').optional(),
  lat: z.coerce.number().min(-90, 'Latitude is between -90 and 90').max(90, 'Latitude is between -90 and 90').optional(),
  lng: z.coerce.number().min(-180, 'Longitude is between -180 and 180').max(180, 'Longitude is between -180 and 180').optional(),
  w: side.optional(),
  h: side.optional(),
})
  .refine((q) => (q.lat === undefined) === (q.lng === undefined), { message: 'Send lat and lng together', path: ['lng'] })
  // A visit id names its dealer; a photo filed under another dealer would escape that scope.
  .refine((q) => !q.visit || visitOf(q.visit)?.dealerId === q.dealer, { message: 'The visit belongs to another dealer', path: ['visit'] });
export type PhotoUploadQuery = z.infer<typeof photoUploadQuery>;

export const photoReadQuery = z.strictObject({
  thumb: z.enum(['0', '1']).optional(),
});

// What the bytes are, from their first bytes: the Content-Type a client sends is not evidence.
export function imageTypeOf(bytes: Uint8Array): PhotoType | null {
  const at = (offset: number, ...sig: number[]) => sig.every((b, i) => bytes[offset + i] === b);
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return null;
}
