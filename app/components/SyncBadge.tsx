import type { SyncState } from '../sync/registry.ts';
import { timeAgo } from '../lib/format.ts';

// Where this document stands with the server, always visible, never blocking the work.
export default function SyncBadge(props: { state: SyncState }) {
  const text = () => {
    const s = props.state;
    if (s.status === 'synced' && s.pending === 0) return `Synced${s.lastSyncedAt ? ` at ${timeAgo(s.lastSyncedAt)}` : ''}`;
    const waiting = s.pending ? ` · ${s.pending} change${s.pending === 1 ? '' : 's'} waiting` : '';
    return `${s.status === 'offline' ? 'Offline' : 'Syncing'}${waiting}`;
  };
  return <p class="sync" role="status" aria-live="polite" data-state={props.state.status}>{text()}</p>;
}
