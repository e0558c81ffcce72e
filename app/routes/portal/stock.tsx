import { createMemo, createResource, createSignal, For, Show } from 'solid-js';
import Shell from '../../components/Shell.tsx';
import { ApiError, get, query, send } from '../../lib/api.ts';
import { timeAgo } from '../../lib/format.ts';
import { me } from '../../lib/session.ts';

interface Product { id: string; sku: string; name: string; category: string; unit: string }
interface StockRow { dealerId: string; dealerName: string; productId: string; sku: string; productName: string; category: string; quantity: number; reorderPoint: number; reportedAt: string; source: 'dealer' | 'audit'; low: boolean }

async function allProducts(): Promise<Product[]> {
  const all: Product[] = [];
  for (let page = 1; page <= 20; page++) {
    const res = await get<{ items: Product[]; total: number }>(`/api/products${query({ pageSize: 200, page })}`);
    all.push(...res.items);
    if (all.length >= res.total || !res.items.length) break;
  }
  return all;
}

// The dealer counts its stock: quantities (and, if it likes, reorder points) per product. Only
// the rows changed are sent, all in one report that is kept whole or not at all.
export default function PortalStock() {
  return <Shell face="portal" need="stock:report"><PortalStockContent /></Shell>;
}

function PortalStockContent() {
  // undefined (not '') until the session is known: a resource does not fetch for undefined.
  const dealerId = () => me()?.user.dealerId || undefined;
  const [products] = createResource(allProducts);
  const [stock, { refetch }] = createResource(dealerId, (id) => get<{ items: StockRow[] }>(`/api/stock/${encodeURIComponent(id)}`));
  // A resource that failed throws when read; these read it safely.
  const stockItems = () => (stock.error ? [] : stock()?.items ?? []);
  const alertItems = () => (alerts.error ? [] : alerts()?.items ?? []);
  const productList = () => (products.error ? [] : products() ?? []);
  const [alerts, { refetch: refetchAlerts }] = createResource(dealerId, () => get<{ items: StockRow[] }>('/api/stock/alerts'));
  const [edits, setEdits] = createSignal<Record<string, { quantity?: string; reorderPoint?: string }>>({});
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [message, setMessage] = createSignal('');
  const [failure, setFailure] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const [q, setQ] = createSignal('');
  const [onlyStocked, setOnlyStocked] = createSignal(false);

  const byProduct = createMemo(() => new Map(stockItems().map((r) => [r.productId, r])));
  const rows = createMemo(() => {
    const needle = q().trim().toLowerCase();
    return productList().filter((p) => (!needle || p.name.toLowerCase().includes(needle) || p.sku.toLowerCase().includes(needle))
      && (!onlyStocked() || byProduct().has(p.id) || edits()[p.id]));
  });
  const changed = () => Object.entries(edits()).filter(([, e]) => (e.quantity ?? '') !== '' || (e.reorderPoint ?? '') !== '');
  const edit = (id: string, field: 'quantity' | 'reorderPoint', value: string) => setEdits((e) => ({ ...e, [id]: { ...e[id], [field]: value } }));

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    setMessage(''); setFailure(''); setErrors({});
    const list = changed();
    if (!list.length) { setFailure('Change at least one quantity first.'); return; }
    const local: Record<string, string> = {};
    const items = list.map(([productId, ed]) => {
      const current = byProduct().get(productId);
      const quantity = ed.quantity !== undefined && ed.quantity !== '' ? Number(ed.quantity) : current?.quantity;
      const reorderPoint = ed.reorderPoint !== undefined && ed.reorderPoint !== '' ? Number(ed.reorderPoint) : undefined;
      if (quantity === undefined) local[productId] = 'Enter the quantity in stock.';
      else if (!Number.isInteger(quantity) || quantity < 0) local[productId] = 'Enter a whole number, 0 or more.';
      if (reorderPoint !== undefined && (!Number.isInteger(reorderPoint) || reorderPoint < 0)) local[productId] = 'The reorder point must be a whole number, 0 or more.';
      return { productId, quantity: quantity ?? 0, ...(reorderPoint === undefined ? {} : { reorderPoint }) };
    });
    if (Object.keys(local).length) { setErrors(local); setFailure('Nothing was saved: check the highlighted rows.'); return; }
    setSaving(true);
    try {
      const res = await send<{ saved: number; low: StockRow[] }>('PUT', `/api/stock/${encodeURIComponent(dealerId() ?? '')}`, { items });
      setEdits({});
      setMessage(`Saved ${res.saved} product${res.saved === 1 ? '' : 's'}.${res.low.length ? ` ${res.low.length} at or below the reorder point.` : ''}`);
      void refetch(); void refetchAlerts();
    } catch (err) {
      if (err instanceof ApiError && err.fields) {
        const map: Record<string, string> = {};
        for (const [k, v] of Object.entries(err.fields)) { const m = /^items\.(\d+)\./.exec(k); if (m) map[items[Number(m[1])].productId] = v; }
        setErrors(map);
      }
      setFailure(err instanceof ApiError && err.status === 0 ? 'You are offline: the count was not sent. Keep this page open and save again when back online.'
        : err instanceof TypeError ? 'You are offline: the count was not sent. Save again when back online.'
        : `Nothing was saved: ${(err as Error).message}`);
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <h1>Stock</h1>
      <section class="stock-alerts" aria-labelledby="alerts-h">
        <h2 id="alerts-h">Low stock</h2>
        <Show when={alertItems().length} fallback={<p class="hint">{alerts.loading ? 'Loading…' : alerts.error ? (alerts.error as Error).message : 'Nothing at or below its reorder point.'}</p>}>
          <ul class="plain" data-testid="low-stock">
            <For each={alertItems()}>{(r) => (
              <li><span class="badge bad">{r.quantity === 0 ? 'Out' : 'Low'}</span> <strong>{r.productName}</strong> <span class="hint">{r.quantity} in stock, reorder at {r.reorderPoint}</span></li>
            )}</For>
          </ul>
        </Show>
      </section>
      <section aria-labelledby="count-h">
        <h2 id="count-h">Report stock</h2>
        <p class="hint">Enter what you hold now. Only the rows you change are sent.</p>
        <Show when={products.error || stock.error}><p role="alert">{((products.error || stock.error) as Error).message}</p></Show>
        <div class="filters">
          <label>Find a product<input type="search" value={q()} onInput={(e) => setQ(e.currentTarget.value)} placeholder="Name or SKU" /></label>
          <label class="check"><input type="checkbox" checked={onlyStocked()} onChange={(e) => setOnlyStocked(e.currentTarget.checked)} /> Only products I stock</label>
        </div>
        <form onSubmit={save} novalidate>
          <div class="table-wrap">
            <table class="stock-table">
              <caption class="sr-only">Stock per product</caption>
              <thead><tr><th scope="col">Product</th><th scope="col">In stock</th><th scope="col">Reorder at</th><th scope="col">Last count</th></tr></thead>
              <tbody>
                <For each={rows()}>{(p) => {
                  const cur = () => byProduct().get(p.id);
                  return (
                    <tr data-product={p.id} classList={{ low: !!cur()?.low, invalid: !!errors()[p.id] }}>
                      <th scope="row"><span>{p.name}</span><span class="hint"> {p.sku}</span>
                        <Show when={errors()[p.id]}><span class="error" id={`stock-err-${p.id}`}>{errors()[p.id]}</span></Show></th>
                      <td><input type="number" inputmode="numeric" min="0" step="1" aria-label={`In stock: ${p.name}`} placeholder={cur() ? String(cur()!.quantity) : '—'}
                        value={edits()[p.id]?.quantity ?? ''} onInput={(e) => edit(p.id, 'quantity', e.currentTarget.value)}
                        aria-invalid={errors()[p.id] ? 'true' : undefined} aria-describedby={errors()[p.id] ? `stock-err-${p.id}` : undefined} /></td>
                      <td><input type="number" inputmode="numeric" min="0" step="1" aria-label={`Reorder point: ${p.name}`} placeholder={String(cur()?.reorderPoint ?? 5)}
                        value={edits()[p.id]?.reorderPoint ?? ''} onInput={(e) => edit(p.id, 'reorderPoint', e.currentTarget.value)} /></td>
                      <td class="hint">{cur() ? `${timeAgo(Date.parse(cur()!.reportedAt))}${cur()!.source === 'audit' ? ' (rep audit)' : ''}` : '—'}</td>
                    </tr>
                  );
                }}</For>
              </tbody>
            </table>
          </div>
          <div class="stock-save">
            <button type="submit" disabled={saving()}>Save stock{changed().length ? ` (${changed().length})` : ''}</button>
            <p role="status" aria-live="polite" class="ok-text">{message()}</p>
            <Show when={failure()}><p role="alert">{failure()}</p></Show>
          </div>
        </form>
      </section>
    </>
  );
}
