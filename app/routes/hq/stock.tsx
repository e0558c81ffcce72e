import { createResource, createSignal, For, Show } from 'solid-js';
import Shell from '../../components/Shell.tsx';
import { get, query } from '../../lib/api.ts';
import { timeAgo } from '../../lib/format.ts';

interface ByProduct { productId: string; sku: string; productName: string; category: string; regionId: string | null; regionName: string | null; quantity: number; dealers: number; lowCount: number }
interface LowRow { dealerId: string; dealerName: string; regionName: string | null; productId: string; sku: string; productName: string; quantity: number; reorderPoint: number; reportedAt: string; source: 'dealer' | 'audit' }

// Stock across the channel: what dealers hold per product and region, and who is running low.
export default function HqStock() {
  return <Shell face="hq" need="stock:read"><HqStockContent /></Shell>;
}

function HqStockContent() {
  const [region, setRegion] = createSignal('');
  const [q, setQ] = createSignal('');
  const [regions] = createResource(() => get<{ items: Array<{ id: string; name: string }> }>('/api/regions'));
  const [data] = createResource(region, (r) => get<{ byProduct: ByProduct[]; low: LowRow[] }>(`/api/stock${query({ region: r })}`));
  // A failed resource throws when read: read it through this.
  const ok = () => (data.error ? undefined : data());
  const match = (name: string, sku: string) => { const n = q().trim().toLowerCase(); return !n || name.toLowerCase().includes(n) || sku.toLowerCase().includes(n); };
  return (
    <>
      <h1>Channel stock</h1>
      <form class="filters" role="search" aria-label="Stock" onSubmit={(e) => e.preventDefault()}>
        <label>Region<select value={region()} onChange={(e) => setRegion(e.currentTarget.value)}>
          <option value="">All regions</option>
          <For each={regions()?.items}>{(r) => <option value={r.id}>{r.name}</option>}</For>
        </select></label>
        <label>Product<input type="search" value={q()} onInput={(e) => setQ(e.currentTarget.value)} placeholder="Name or SKU" /></label>
      </form>
      <Show when={data.error}><p role="alert">{(data.error as Error).message}</p></Show>
      <section aria-labelledby="low-h">
        <h2 id="low-h">Low stock <span class="badge bad">{ok()?.low.length ?? 0}</span></h2>
        <Show when={ok()?.low.length} fallback={<p class="hint">{data.loading ? 'Loading…' : 'No dealer is at or below a reorder point.'}</p>}>
          <div class="table-wrap">
            <table class="stock-table">
              <caption class="sr-only">Dealers at or below their reorder point</caption>
              <thead><tr><th scope="col">Dealer</th><th scope="col">Product</th><th scope="col">In stock</th><th scope="col">Reorder at</th><th scope="col">Region</th><th scope="col">Counted</th></tr></thead>
              <tbody>
                <For each={ok()!.low.filter((r) => match(r.productName, r.sku))}>{(r) => (
                  <tr><th scope="row">{r.dealerName}</th><td>{r.productName}</td><td class="num">{r.quantity}</td><td class="num">{r.reorderPoint}</td>
                    <td>{r.regionName ?? '—'}</td><td>{timeAgo(Date.parse(r.reportedAt))}{r.source === 'audit' ? ' (audit)' : ''}</td></tr>
                )}</For>
              </tbody>
            </table>
          </div>
        </Show>
      </section>
      <section aria-labelledby="by-h">
        <h2 id="by-h">Per product and region</h2>
        <Show when={ok()?.byProduct.length} fallback={<p class="hint">{data.loading ? 'Loading…' : 'No stock has been reported yet.'}</p>}>
          <div class="table-wrap">
            <table class="stock-table">
              <caption class="sr-only">Units held by dealers, per product and region</caption>
              <thead><tr><th scope="col">Product</th><th scope="col">Region</th><th scope="col">Units</th><th scope="col">Dealers</th><th scope="col">Low</th></tr></thead>
              <tbody>
                <For each={ok()!.byProduct.filter((r) => match(r.productName, r.sku))}>{(r) => (
                  <tr><th scope="row">{r.productName} <span class="hint">{r.sku}</span></th><td>{r.regionName ?? '—'}</td><td class="num">{r.quantity}</td><td class="num">{r.dealers}</td>
                    <td class="num">{r.lowCount ? <span class="badge bad">{r.lowCount}</span> : 0}</td></tr>
                )}</For>
              </tbody>
            </table>
          </div>
        </Show>
      </section>
    </>
  );
}
