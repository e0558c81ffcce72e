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
}
