import type { DocRoom } from '../durable-objects/doc-room.ts';

// Bindings declared in wrangler.toml.
export interface Env {
  DB: D1Database;
  FILES: R2Bucket;
  ASSETS: Fetcher;
  DOC_ROOM: DurableObjectNamespace<DocRoom>;
  TILE_URL: string;
  TILE_ATTRIBUTION: string;
  ALLOWED_ORIGINS: string;
  SESSION_TTL_HOURS: string;
  // Web Push (VAPID, RFC 8292): public key as a base64url P-256 point; private key as a JWK or
  // the base64url raw scalar; subject a mailto: or https: contact. Production sets these as secrets.
  VAPID_PUBLIC_KEY?: string;
  VAPID_PRIVATE_KEY?: string;
  VAPID_SUBJECT?: string;
}
