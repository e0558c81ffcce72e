// Catch-up of documents changed on this device, without a socket per document. Shared by the
// page and the service worker's Background Sync handler, so it imports nothing of the UI.
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { cacheGet, cachePut } from '../lib/cache.ts';

// The Background Sync tag the service worker answers with a catch-up.
export const CATCH_UP_TAG = 'fieldnet-catch-up';

// dirtyAt: when the last unsent change was made; a catch-up that began before it leaves the mark.
export interface LocalDoc { id: string; kind: string; title: string; updatedAt: number; dirty?: boolean; dirtyAt?: number }

const INDEX_KEY = 'docs:index';

export async function localDocs(): Promise<LocalDoc[]> {
  return (await cacheGet<LocalDoc[]>(INDEX_KEY))?.value ?? [];
}

export async function rememberDoc(entry: LocalDoc): Promise<void> {
  const all = await localDocs();
  const prev = all.find((d) => d.id === entry.id);
  await cachePut(INDEX_KEY, [{ ...prev, ...entry }, ...all.filter((d) => d.id !== entry.id)]);
}

// A document with changes the server has not confirmed yet; kept in the index so a closed
// document still gets caught up, and sign-out can warn before throwing work away. `since`: a
// clear only counts if nothing changed after that moment (page and service worker both write).
export async function markDirty(id: string, dirty: boolean, since = Date.now()): Promise<void> {
  const all = await localDocs();
  const d = all.find((x) => x.id === id);
  if (!d) return;
  if (dirty) {
    await cachePut(INDEX_KEY, all.map((x) => (x.id === id ? { ...x, dirty, dirtyAt: Date.now() } : x)));
    requestBackgroundCatchUp();
  } else if (d.dirty && (d.dirtyAt ?? 0) <= since) {
    await cachePut(INDEX_KEY, all.map((x) => (x.id === id ? { ...x, dirty: false } : x)));
  }
}

export async function unsyncedDocs(): Promise<LocalDoc[]> {
  return (await localDocs()).filter((d) => d.dirty);
}

type SyncRegistration = ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } };

// Asks the browser to run a catch-up when it next has a network, even if the app is closed by
// then (Background Sync, where the browser has it; elsewhere the page's 'online' handler runs it).
export function requestBackgroundCatchUp(): void {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator) || !navigator.serviceWorker) return;
  void navigator.serviceWorker.getRegistration()
    .then((reg) => (reg as SyncRegistration | undefined)?.sync?.register(CATCH_UP_TAG))
    .catch(() => undefined);
}

const b64 = (u: Uint8Array) => { let s = ''; for (const x of u) s += String.fromCharCode(x); return btoa(s); };
const unb64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

interface SyncResult { doc: string; diff?: string; stateVector?: string; error?: { code: string; message: string } }

// Catch-up without a socket per document: every document with local changes, 100 per request,
// two requests per batch (state vectors out and diffs back, then what the server lacks).
export async function catchUp(skip: ReadonlySet<string> = new Set()): Promise<{ pushed: number; failed: number }> {
  const dirty = (await unsyncedDocs()).filter((d) => !skip.has(d.id));
  let pushed = 0;
  let failed = 0;
  for (let i = 0; i < dirty.length; i += 100) {
    const batch = dirty.slice(i, i + 100);
    const started = Date.now();
    const docs = await Promise.all(batch.map(async (d) => {
      const doc = new Y.Doc();
      const p = new IndexeddbPersistence(d.id, doc);
      await p.whenSynced;
      return { id: d.id, doc, p };
    }));
    const post = async (entries: unknown[]) => {
      const res = await fetch(new URL('/api/sync', location.origin), { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs: entries }) });
      if (!res.ok) throw new Error(`catch-up failed: ${res.status}`);
      return (await res.json()).results as SyncResult[];
    };
    try {
      const first = await post(docs.map((d) => ({ doc: d.id, stateVector: b64(Y.encodeStateVector(d.doc)) })));
      const second: unknown[] = [];
      for (const r of first) {
        const d = docs.find((x) => x.id === r.doc)!;
        if (r.error || !r.diff || !r.stateVector) { failed++; continue; }
        Y.applyUpdate(d.doc, unb64(r.diff), 'server');
        second.push({ doc: d.id, stateVector: b64(Y.encodeStateVector(d.doc)), update: b64(Y.encodeStateAsUpdate(d.doc, unb64(r.stateVector))) });
      }
      if (second.length) {
        for (const r of await post(second)) {
          if (r.error) { failed++; continue; }
          const d = docs.find((x) => x.id === r.doc)!;
          if (r.diff) Y.applyUpdate(d.doc, unb64(r.diff), 'server');
          await markDirty(d.id, false, started);
          pushed++;
        }
      }
    } finally {
      for (const d of docs) await d.p.destroy();
    }
  }
  return { pushed, failed };
}

// Documents open on screen sync through their own socket; catch-up handles the rest.
