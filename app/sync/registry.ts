// The device's open documents: each a Y.Doc kept in IndexedDB (y-indexeddb) and, while on
// screen, connected to its room with the stock y-websocket provider. Edits land locally
// first; the network only carries them when it is there.
import { createSignal } from 'solid-js';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { parseDocId } from '../../core/docs/id.ts';
import { cacheGet, cachePut } from '../lib/cache.ts';

export interface LocalDoc { id: string; kind: string; title: string; updatedAt: number; dirty?: boolean }
export type SyncState = { status: 'offline' | 'connecting' | 'synced'; pending: number; lastSyncedAt: number | null };

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
// document still gets caught up, and sign-out can warn before throwing work away.
async function markDirty(id: string, dirty: boolean): Promise<void> {
  const all = await localDocs();
  const d = all.find((x) => x.id === id);
  if (!d || !!d.dirty === dirty) return;
  await cachePut(INDEX_KEY, all.map((x) => (x.id === id ? { ...x, dirty } : x)));
}

export async function unsyncedDocs(): Promise<LocalDoc[]> {
  return (await localDocs()).filter((d) => d.dirty);
}

export interface OpenDoc {
  doc: Y.Doc;
  state: () => SyncState;
  ready: Promise<void>;
  close: () => void;
}

export function openDoc(id: string): OpenDoc {
  const { kind } = parseDocId(id);
  const doc = new Y.Doc();
  const local = new IndexeddbPersistence(id, doc);
  const [state, setState] = createSignal<SyncState>({ status: 'connecting', pending: 0, lastSyncedAt: null });
  const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/sync/${kind}`;
  const remote = new WebsocketProvider(wsBase, id, doc, { connect: navigator.onLine, disableBc: true, maxBackoffTime: 5000 });
  // Changes made while the room is out of reach: shown as "N changes waiting".
  doc.on('update', (_u: Uint8Array, origin: unknown) => {
    if (origin === remote || origin === local) return;
    // On a live, synced socket the edit goes straight out; otherwise it waits on the device.
    if (remote.wsconnected && remote.synced) return;
    void markDirty(id, true);
    setState((s) => ({ ...s, pending: s.pending + 1 }));
  });
  remote.on('status', ({ status }: { status: string }) => setState((s) => ({ ...s, status: (status === 'connected' ? (remote.synced ? 'synced' : 'connecting') : 'offline') as SyncState['status'] })));
  remote.on('sync', (synced: boolean) => {
    if (!synced) return;
    setState({ status: 'synced', pending: 0, lastSyncedAt: Date.now() });
    void markDirty(id, false);
  });
  const online = () => remote.connect();
  // The browser's word that the network is gone: drop the socket rather than let edits go into
  // a connection that may be dead, and count them as waiting.
  const offline = () => { remote.disconnect(); setState((s) => ({ ...s, status: 'offline' })); };
  addEventListener('online', online);
  addEventListener('offline', offline);
  if (!navigator.onLine) offline();
  trackOpen(id, true);
  return {
    doc,
    state,
    ready: local.whenSynced.then(() => undefined),
    close: () => {
      trackOpen(id, false);
      removeEventListener('online', online);
      removeEventListener('offline', offline);
      remote.destroy();
      void local.destroy();
    },
  };
}

// Signing out removes this device's copies of the documents.
export async function clearLocalDocs(): Promise<void> {
  for (const d of await localDocs()) indexedDB.deleteDatabase(d.id);
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
    const docs = await Promise.all(batch.map(async (d) => {
      const doc = new Y.Doc();
      const p = new IndexeddbPersistence(d.id, doc);
      await p.whenSynced;
      return { id: d.id, doc, p };
    }));
    const post = async (entries: unknown[]) => {
      const res = await fetch('/api/sync', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs: entries }) });
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
          await markDirty(d.id, false);
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
const openIds = new Set<string>();
export const trackOpen = (id: string, isOpen: boolean) => (isOpen ? openIds.add(id) : openIds.delete(id));

export function startBackgroundCatchUp(): void {
  const run = () => { if (navigator.onLine) void catchUp(openIds).catch(() => undefined); };
  addEventListener('online', run);
  run();
}
