import { A } from '@solidjs/router';
import { createResource, createSignal, For, lazy, Show } from 'solid-js';
import Shell from '../../components/Shell.tsx';
import type { DealerSummary, Page } from '../../components/types.ts';
import { get } from '../../lib/api.ts';
import { label } from '../../lib/format.ts';

const DealerMap = lazy(() => import('../../components/map/DealerMap.tsx'));

// A rep's dealers, as a list or on the map; both work offline from the last sync.
export default function FieldHome() {
  return <Shell face="field" need="dealers:read"><FieldHomeContent /></Shell>;
}

function FieldHomeContent() {
  const [view, setView] = createSignal<'list' | 'map'>('list');
  const [filter, setFilter] = createSignal('');
  const [dealers] = createResource(() => get<Page<DealerSummary>>('/api/dealers?pageSize=200'));
  const shown = () => {
    const f = filter().trim().toLowerCase();
    return (dealers()?.items ?? []).filter((d) => !f || d.name.toLowerCase().includes(f) || (d.city ?? '').toLowerCase().includes(f));
  };
  return (
    <>
      <h1>My dealers</h1>
      <div class="toggle" role="group" aria-label="View">
        <button type="button" aria-pressed={view() === 'list'} onClick={() => setView('list')}>List</button>
        <button type="button" aria-pressed={view() === 'map'} onClick={() => setView('map')}>Map</button>
      </div>
      <Show when={dealers.error}><p role="alert">{(dealers.error as Error).message}</p></Show>
      <Show when={view() === 'list'} fallback={<DealerMap base="/field" label="Map of my dealers" />}>
        <label class="inline">Filter<input type="search" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} placeholder="Name or city" /></label>
        <ul class="cards">
          <For each={shown()}>{(d) => (
            <li><A href={`/field/dealers/${d.id}`}><strong>{d.name}</strong></A>
              <span class="hint">{label(d.type)} · {d.city} · {label(d.tier)}</span></li>
          )}</For>
        </ul>
      </Show>
    </>
  );
}
