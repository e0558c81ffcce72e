// Builds the PWA into dist/client: Vite (SolidStart SPA), then the shell HTML rendered once
// from the built server entry (SolidStart 2 with ssr:false writes no index.html), then the
// Workbox service worker precaching the shell and its hashed assets.
import { execFileSync } from 'node:child_process';
import { readFile, writeFile, rm } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { generateSW } from 'workbox-build';

const root = fileURLToPath(new URL('..', import.meta.url));
const client = `${root}dist/client`;

await rm(`${root}dist`, { recursive: true, force: true });
execFileSync(process.execPath, [`${root}node_modules/vite/bin/vite.js`, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });

const { default: handler } = await import(pathToFileURL(`${root}dist/server/entry-server.js`).href);
const res = await handler.fetch(new Request('http://localhost/'));
if (!res.ok) throw new Error(`shell render failed: HTTP ${res.status}`);
await writeFile(`${client}/index.html`, await res.text());

// The Background Sync handler, bundled on its own for the service worker (a classic script).
await build({ entryPoints: [`${root}app/sw/background-sync.ts`], bundle: true, format: 'iife', minify: true, target: 'es2022', outfile: `${client}/sw-background-sync.js`, logLevel: 'warning' });
// Web Push: shows the Worker's notifications and opens their page when tapped.
await build({ entryPoints: [`${root}app/sw/push.ts`], bundle: true, format: 'iife', minify: true, target: 'es2022', outfile: `${client}/sw-push.js`, logLevel: 'warning' });

const { count, size, warnings } = await generateSW({
  importScripts: ['/sw-background-sync.js', '/sw-push.js'],
  globDirectory: client,
  globPatterns: ['index.html', '_build/assets/**/*.{js,css,woff2,svg,png}'],
  globIgnores: ['.vite/**'],
  swDest: `${client}/sw.js`,
  // The shell answers every in-app navigation offline; the API and sync never come from cache.
  navigateFallback: '/index.html',
  navigateFallbackDenylist: [/^\/api\//, /^\/sync\//],
  cleanupOutdatedCaches: true,
  clientsClaim: true,
  skipWaiting: true,
  sourcemap: false,
  inlineWorkboxRuntime: true,
  maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
  runtimeCaching: [
    {
      // The manifest is built from brand settings in D1: fresh when online, cached for offline.
      urlPattern: ({ url }) => url.pathname === '/manifest.webmanifest' || url.pathname.startsWith('/icons/'),
      handler: 'StaleWhileRevalidate',
      options: { cacheName: 'brand' },
    },
  ],
});
for (const w of warnings) console.warn(w);
console.log(`built dist/client: service worker precaches ${count} files (${(size / 1024).toFixed(1)} KiB)`);
await rm(`${client}/.vite`, { recursive: true, force: true }).catch(() => {});
