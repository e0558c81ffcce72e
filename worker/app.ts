import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { makeDb } from '../server/db.ts';
import { ApiError, errorResponse } from './http/errors.ts';
import { publicRoute } from './middleware/access.ts';
import { csrf } from './middleware/csrf.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { session } from './middleware/session.ts';
import { brandRoutes } from './routes/brand.ts';
import { dealerRoutes } from './routes/dealers.ts';
import { meRoutes } from './routes/me.ts';
import { openApiDocument } from './routes/openapi.ts';
import { productRoutes } from './routes/products.ts';
import { stockRoutes } from './routes/stock.ts';
import { regionRoutes } from './routes/regions.ts';
import { fieldRoutes } from './routes/field.ts';
import { homeRoutes } from './routes/home.ts';
import { integrationRoutes } from './routes/integrations.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { formsRoutes } from './routes/forms.ts';
import { orderRoutes } from './routes/orders.ts';
import { photosRoutes } from './routes/photos.ts';
import { MAX_PHOTO_BYTES } from '../core/validators/photos.ts';
import { sessionRoutes } from './routes/session.ts';
import { syncApiRoutes, syncSocketRoutes } from './routes/sync.ts';
import { userRoutes } from './routes/users.ts';
import type { AppEnv } from './types.ts';

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_SYNC_BODY_BYTES = 8 * 1024 * 1024;
// The photo route refuses over MAX_PHOTO_BYTES itself, with its own message.
export const MAX_PHOTO_BODY_BYTES = MAX_PHOTO_BYTES + 16 * 1024;

export function createApp() {
  const app = new Hono<AppEnv>();

  app.onError((err, c) => {
    if (err instanceof ApiError) return errorResponse(c, err);
    console.error('unhandled', err);
    return errorResponse(c, new ApiError(500, 'internal', 'Something went wrong on our side. Try again; nothing was changed.'));
  });
  app.notFound((c) => errorResponse(c, new ApiError(404, 'not_found', 'There is no such API endpoint.')));

  app.use('*', securityHeaders());
  // Time spent inside the Worker (D1 included), apart from the transport in front of it.
  app.use('/api/*', async (c, next) => {
    const started = performance.now();
    await next();
    c.res.headers.append('Server-Timing', `app;dur=${(performance.now() - started).toFixed(1)}`);
  });
  app.use('*', async (c, next) => {
    c.set('db', makeDb(c.env.DB));
    await next();
  });

  const api = new Hono<AppEnv>();
  const limit = (bytes: number) => bodyLimit({
    maxSize: bytes,
    onError: () => { throw new ApiError(413, 'too_large', `The request body is larger than ${bytes / 1024} KiB.`); },
  });
  const small = limit(MAX_BODY_BYTES);
  // A catch-up batch carries up to 100 documents' offline edits.
  const large = limit(MAX_SYNC_BODY_BYTES);
  const photo = limit(MAX_PHOTO_BODY_BYTES);
  api.use('*', (c, next) => (c.req.path === '/api/sync' || c.req.path === '/api/home/documents' ? large : c.req.path.startsWith('/api/photos/') ? photo : small)(c, next));
  api.use('*', session());
  api.use('*', csrf());
  api.get('/health', publicRoute({ summary: 'Liveness check' }), (c) => c.json({ ok: true }));
  api.get('/openapi.json', publicRoute({ summary: 'This API as OpenAPI 3.1' }), (c) => c.json(openApiDocument(app)));
  api.route('/', sessionRoutes);
  api.route('/', meRoutes);
  api.route('/', dealerRoutes);
  api.route('/', productRoutes);
  api.route('/', stockRoutes);
  api.route('/', regionRoutes);
  api.route('/', userRoutes);
  api.route('/', syncApiRoutes);
  api.route('/', formsRoutes);
  api.route('/', fieldRoutes);
  api.route('/', orderRoutes);
  api.route('/', photosRoutes);
  api.route('/', homeRoutes);
  api.route('/', ticketRoutes);
  api.route('/', integrationRoutes);
  api.all('*', (c) => errorResponse(c, new ApiError(404, 'not_found', 'There is no such API endpoint.')));
  app.route('/api', api);

  app.route('/', brandRoutes);
  const sync = new Hono<AppEnv>();
  sync.use('*', session());
  sync.route('/', syncSocketRoutes);
  sync.all('*', (c) => errorResponse(c, new ApiError(404, 'not_found', 'Connect to /sync/<kind>/<document id>.')));
  app.route('/sync', sync);
  // Everything else is the PWA: static files, and the shell for in-app paths.
  app.all('*', (c) => c.env.ASSETS.fetch(c.req.raw));
  return app;
}
