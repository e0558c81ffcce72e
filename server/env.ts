// Bindings both the Worker and the rooms use (wrangler.toml). The Worker's own Env adds the
// bindings only it has (assets, the rooms' namespace), so this layer never names the rooms.
export interface ServerEnv {
  DB: D1Database;
  FILES: R2Bucket;
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
