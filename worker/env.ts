import type { DocRoom } from '../durable-objects/doc-room.ts';
import type { ServerEnv } from '../server/env.ts';

// Bindings declared in wrangler.toml.
export interface Env extends ServerEnv {
  ASSETS: Fetcher;
  DOC_ROOM: DurableObjectNamespace<DocRoom>;
}
