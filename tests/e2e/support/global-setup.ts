// One local stack for the browser tests: a fresh persist directory (migrations + demo data),
// the fake tile server, and `wrangler dev` serving the build that `npm run test:e2e` made.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { applyMigrations, freePort, seed, startDev } from '../../../scripts/local-stack.ts';
import { startFakeTileServer } from './fake-tile-server.ts';

declare module 'vitest' {
  export interface ProvidedContext { baseUrl: string; tileUrl: string; tileCountUrl: string; persistTo: string }
}

export default async function setup(project: TestProject) {
  const persistTo = await mkdtemp(join(tmpdir(), 'fieldnet-e2e-'));
  applyMigrations(persistTo);
  seed(persistTo);
  const tiles = await startFakeTileServer();
  const dev = await startDev({ port: await freePort(), persistTo, vars: { TILE_URL: tiles.url, TILE_ATTRIBUTION: 'Fake tiles (tests)' }, quiet: true });
  project.provide('baseUrl', dev.url);
  project.provide('tileUrl', tiles.url);
  project.provide('tileCountUrl', tiles.countUrl);
  project.provide('persistTo', persistTo);
  return async () => {
    await dev.stop();
    await tiles.close();
    await rm(persistTo, { recursive: true, force: true });
  };
}
