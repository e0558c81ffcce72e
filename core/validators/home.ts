import { z } from 'zod';
import { DEALER_TIERS } from '../db/schema.ts';
import { DOCUMENT_KINDS } from '../db/schema-home.ts';
import { idSchema } from './common.ts';

export const MAX_DOCUMENT_BYTES = 8 * 1024 * 1024;

// What HQ may publish, each with how its bytes must begin (or look). A file whose bytes do not
// match the type it claims is refused, so a page cannot be published as a "PDF" and opened from
// the brand's origin.
const startsWith = (bytes: Uint8Array, sig: number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((ch) => ch.charCodeAt(0));
const has = (bytes: Uint8Array, s: string) => indexOf(bytes, ascii(s)) >= 0;
function indexOf(bytes: Uint8Array, sig: number[]): number {
  outer: for (let i = 0; i + sig.length <= bytes.length; i++) {
    for (let j = 0; j < sig.length; j++) if (bytes[i + j] !== sig[j]) continue outer;
    return i;
  }
  return -1;
}
// An OOXML file is a zip holding [Content_Types].xml and its application's folder; zip entry
// names are stored as plain bytes.
const ooxml = (folder: string) => (b: Uint8Array) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) && has(b, '[Content_Types].xml') && has(b, folder);
// Text is UTF-8 without NULs that does not open as markup a browser would render (the decoder
// drops a byte-order mark).
function isPlainText(bytes: Uint8Array): boolean {
  let text: string;
  try { text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes); } catch { return false; }
  return !text.includes('\0') && !/^\s*<(!doctype|html|head|body|script|svg|\?xml|iframe)/i.test(text);
}

export const DOCUMENT_TYPES = {
  'application/pdf': { ext: 'pdf', matches: (b: Uint8Array) => startsWith(b, ascii('%PDF-')) },
  'image/png': { ext: 'png', matches: (b: Uint8Array) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  'image/jpeg': { ext: 'jpg', matches: (b: Uint8Array) => startsWith(b, [0xff, 0xd8, 0xff]) },
  'image/webp': { ext: 'webp', matches: (b: Uint8Array) => startsWith(b, ascii('RIFF')) && startsWith(b, ascii('WEBP'), 8) },
  'text/plain': { ext: 'txt', matches: isPlainText },
  'text/csv': { ext: 'csv', matches: isPlainText },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': { ext: 'docx', matches: ooxml('word/') },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { ext: 'xlsx', matches: ooxml('xl/') },
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': { ext: 'pptx', matches: ooxml('ppt/') },
} as const satisfies Record<string, { ext: string; matches: (b: Uint8Array) => boolean }>;
export type DocumentType = keyof typeof DOCUMENT_TYPES;
export const DOCUMENT_TYPE_NAMES = 'PDF, PNG, JPEG, WebP, plain text, CSV, Word (.docx), Excel (.xlsx) or PowerPoint (.pptx)';

export const isDocumentType = (t: string): t is DocumentType => Object.hasOwn(DOCUMENT_TYPES, t);

// Names browsers give these types too (Windows labels a .csv as Excel); the bytes still decide.
const ALIASES = new Map<string, DocumentType>([['application/vnd.ms-excel', 'text/csv'], ['application/csv', 'text/csv'], ['image/jpg', 'image/jpeg']]);

// The type a file is stored and served as, or an error naming what is wrong with it. A generic
// declared type (a browser that did not know the file) is taken from the bytes, text excepted.
export function documentTypeOf(declared: string, bytes: Uint8Array): { type: DocumentType } | { error: string } {
  const named = declared.split(';')[0].trim().toLowerCase();
  const type = ALIASES.get(named) ?? named;
  if (type === '' || type === 'application/octet-stream') {
    const found = (Object.keys(DOCUMENT_TYPES) as DocumentType[]).find((t) => !t.startsWith('text/') && DOCUMENT_TYPES[t].matches(bytes));
    return found ? { type: found } : { error: `Must be a ${DOCUMENT_TYPE_NAMES} file` };
  }
  if (!isDocumentType(type)) return { error: `${type} is not accepted: must be a ${DOCUMENT_TYPE_NAMES} file` };
  return DOCUMENT_TYPES[type].matches(bytes) ? { type } : { error: `The file's contents are not ${named}` };
}

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
