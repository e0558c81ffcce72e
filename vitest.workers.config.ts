import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The Worker, its D1 schema (the real migrations) and the rooms, in workerd.
export default defineConfig(async () => ({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations(fileURLToPath(new URL('./migrations', import.meta.url))),
        },
      },
    }),
  ],
  test: {
    include: ['tests/workers/**/*.test.ts'],
    setupFiles: ['./tests/workers/setup.ts'],
    testTimeout: 30_000,
  },
}));
