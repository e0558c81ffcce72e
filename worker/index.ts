import { createApp } from './app.ts';
import { makeDb } from '../server/db.ts';
import { pruneExpiredSessions } from './auth/sessions.ts';
import type { Env } from './env.ts';

export { DocRoom } from '../durable-objects/doc-room.ts';

export const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(pruneExpiredSessions(makeDb(env.DB)));
  },
} satisfies ExportedHandler<Env>;
