import { A, useSearchParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { get, query } from '../lib/api.ts';
import { label } from '../lib/format.ts';
import type { DealerSummary, Page } from './types.ts';

const TIERS = ['platinum', 'gold', 'silver', 'bronze'];
const TYPES = ['maker', 'distributor', 'dealer', 'sub_dealer'];
const STATUSES = ['active', 'prospect', 'suspended', 'archived'];

// The HQ dealer table. Filters live in the URL so a view can be bookmarked and shared.
export default function DealerTable(props: { base: string }) {
  const [params, setParams] = useSearchParams<{ q?: string; region?: string; tier?: string; type?: string; status?: string; page?: string }>();
  const [regions] = createResource(() => get<{ items: Array<{ id: string; name: string }> }>('/api/regions'));
  const [page] = createResource(
    () => ({ q: params.q, region: params.region, tier: params.tier, type: params.type, status: params.status, page: params.page ?? '1' }),
    (p) => get<Page<DealerSummary>>(`/api/dealers${query({ ...p, pageSize: 50 })}`),
  );
  const set = (k: string, v: string) => setParams({ [k]: v || undefined, page: undefined });
  const pages = () => Math.max(1, Math.ceil((page()?.total ?? 0) / 50));
  const current = () => Number(params.page ?? 1);
  return (
    <>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>Search<input type="search" value={params.q ?? ''} placeholder="Name, code or city" onChange={(e) => set('q', e.currentTarget.value)} /></label>
        <label>Region<select value={params.region ?? ''} onChange={(e) => set('region', e.currentTarget.value)}>
          <option value="">All</option><For each={regions()?.items}>{(r) => <option value={r.id}>{r.name}</option>}</For></select></label>
        <label>Tier<select value={params.tier ?? ''} onChange={(e) => set('tier', e.currentTarget.value)}>
          <option value="">All</option><For each={TIERS}>{(t) => <option value={t}>{label(t)}</option>}</For></select></label>
        <label>Type<select value={params.type ?? ''} onChange={(e) => set('type', e.currentTarget.value)}>
          <option value="">All</option><For each={TYPES}>{(t) => <option value={t}>{label(t)}</option>}</For></select></label>
        <label>Status<select value={params.status ?? ''} onChange={(e) => set('status', e.currentTarget.value)}>
          <option value="">Not archived</option><For each={STATUSES}>{(t) => <option value={t}>{label(t)}</option>}</For></select></label>
      </form>
      <Show when={page.error}><p role="alert">{(page.error as Error).message}</p></Show>
      <Show when={page()}>
        <p class="hint" aria-live="polite">{page()!.total} dealers</p>
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Dealers</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Tier</th><th scope="col">Region</th><th scope="col">City</th><th scope="col">Status</th></tr></thead>
            <tbody>
              <For each={page()!.items}>{(d) => (
                <tr>
                  <th scope="row"><A href={`${props.base}/dealers/${d.id}`}>{d.name}</A></th>
                  <td>{label(d.type)}</td><td>{label(d.tier)}</td><td>{d.regionName ?? '—'}</td><td>{d.city ?? '—'}</td><td>{label(d.status)}</td>
                </tr>
              )}</For>
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          <button type="button" disabled={current() <= 1} onClick={() => setParams({ page: String(current() - 1) })}>Previous</button>
          <span>Page {current()} of {pages()}</span>
          <button type="button" disabled={current() >= pages()} onClick={() => setParams({ page: String(current() + 1) })}>Next</button>
        </nav>
      </Show>
    </>
  );
}
