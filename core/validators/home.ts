import { z } from 'zod';
import { DEALER_TIERS } from '../db/schema.ts';
import { DOCUMENT_KINDS } from '../db/schema-home.ts';
import { idSchema } from './common.ts';

export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

// 'all', 'tier:<tier>' or 'region:<region id>'.
export const audienceSchema = z.string().refine((v) => v === 'all'
  || (v.startsWith('tier:') && (DEALER_TIERS as readonly string[]).includes(v.slice(5)))
  || (v.startsWith('region:') && idSchema.safeParse(v.slice(7)).success), "Must be 'all', 'tier:<platinum|gold|silver|bronze>' or 'region:<region id>'");

export const announcementBody = z.strictObject({
  title: z.string().trim().min(1, 'Required').max(200, 'At most 200 characters'),
  body: z.string().trim().min(1, 'Required').max(5000, 'At most 5000 characters'),
  audience: audienceSchema.default('all'),
});

// PUT /api/home/documents: the raw file as the body, these in the query (or multipart fields).
export const documentUploadQuery = z.strictObject({
  title: z.string().trim().min(1, 'Required').max(200, 'At most 200 characters'),
  kind: z.enum(DOCUMENT_KINDS, "Must be 'price_list', 'catalog' or 'other'").default('other'),
  audience: audienceSchema.default('all'),
});

export const readNotificationsBody = z.union([
  z.strictObject({ ids: z.array(idSchema).min(1, 'Name at least one notification').max(200, 'At most 200 at once') }),
  z.strictObject({ all: z.literal(true) }),
], 'Send {"ids": [...]} or {"all": true}');

const b64url = (min: number, max: number) => z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/, 'Must be base64url').min(min, 'Too short').max(max, 'Too long');

export const endpointSchema = z.string().max(2048, 'At most 2048 characters').refine((v) => {
  try { return new URL(v).protocol === 'https:'; } catch { return false; }
}, 'Must be an https URL from the browser\'s push service');

export const pushSubscribeBody = z.object({
  endpoint: endpointSchema,
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: b64url(80, 100), auth: b64url(16, 32) }),
});

export const pushUnsubscribeBody = z.strictObject({ endpoint: endpointSchema });
