// Loaded into the Workbox service worker (importScripts): when the browser fires Background
// Sync after the network returns, documents changed on the device are caught up even if no tab
// of the app is open. A failed round throws, so the browser tries again later with backoff.
import { CATCH_UP_TAG, catchUp } from '../sync/catch-up.ts';

interface SyncEvent { tag: string; waitUntil(p: Promise<unknown>): void }
const scope = self as unknown as { addEventListener(type: 'sync', listener: (event: SyncEvent) => void): void };

scope.addEventListener('sync', (event) => {
  if (event.tag !== CATCH_UP_TAG) return;
  event.waitUntil(catchUp().then(({ failed }) => {
    if (failed) throw new Error(`${failed} documents could not be caught up; the browser will retry`);
  }));
});
