// The device's open documents: each a Y.Doc kept in IndexedDB (y-indexeddb) and, while on
// screen, connected to its room with the stock y-websocket provider. Edits land locally
// first; the network only carries them when it is there.
import { createSignal } from 'solid-js';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { parseDocId } from '../../core/docs/id.ts';
import { cacheGet, cachePut } from '../lib/cache.ts';

export interface LocalDoc { id: string; kind: string; title: string; updatedAt: number }
export type SyncState = { status: 'offline' | 'connecting' | 'synced'; pending: number; lastSyncedAt: number | null };

const INDEX_KEY = 'docs:index';

export async function localDocs(): Promise<LocalDoc[]> {
  return (await cacheGet<LocalDoc[]>(INDEX_KEY))?.value ?? [];
}

export async function rememberDoc(entry: LocalDoc): Promise<void> {
  const all = (await localDocs()).filter((d) => d.id !== entry.id);
  await cachePut(INDEX_KEY, [entry, ...all]);
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
    if (origin !== remote && origin !== local && !(remote.wsconnected && remote.synced)) setState((s) => ({ ...s, pending: s.pending + 1 }));
  });
  remote.on('status', ({ status }: { status: string }) => setState((s) => ({ ...s, status: (status === 'connected' ? (remote.synced ? 'synced' : 'connecting') : 'offline') as SyncState['status'] })));
  remote.on('sync', (synced: boolean) => { if (synced) setState({ status: 'synced', pending: 0, lastSyncedAt: Date.now() }); });
  const online = () => remote.connect();
  const offline = () => setState((s) => ({ ...s, status: 'offline' }));
  addEventListener('online', online);
  addEventListener('offline', offline);
  if (!navigator.onLine) offline();
  return {
    doc,
    state,
    ready: local.whenSynced.then(() => undefined),
    close: () => {
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
