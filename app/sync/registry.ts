// The device's open documents: each a Y.Doc kept in IndexedDB (y-indexeddb) and, while on
// screen, connected to its room with the stock y-websocket provider. Edits land locally
// first; the network only carries them when it is there.
import { createSignal } from 'solid-js';
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { parseDocId } from '../../core/docs/id.ts';
import { catchUp, localDocs, markDirty } from './catch-up.ts';

export { catchUp, localDocs, rememberDoc, unsyncedDocs, type LocalDoc } from './catch-up.ts';

export type SyncState = { status: 'offline' | 'connecting' | 'synced'; pending: number; lastSyncedAt: number | null };

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

// Documents open on screen sync through their own socket; catch-up handles the rest.
const openIds = new Set<string>();
export const trackOpen = (id: string, isOpen: boolean) => (isOpen ? openIds.add(id) : openIds.delete(id));

export function startBackgroundCatchUp(): void {
  const run = () => { if (navigator.onLine) void catchUp(openIds).catch(() => undefined); };
  addEventListener('online', run);
  run();
}
