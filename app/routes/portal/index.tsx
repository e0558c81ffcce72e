import { A, useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import DealerHome from '../../components/DealerHome.tsx';
import Shell from '../../components/Shell.tsx';
import type { DealerDetailData } from '../../components/types.ts';
import { get, query } from '../../lib/api.ts';
import { label, money } from '../../lib/format.ts';
import { me } from '../../lib/session.ts';
import { makeDocId, newUid } from '../../../core/docs/id.ts';
import { localDocs, rememberDoc } from '../../sync/registry.ts';

interface PricedProduct { id: string; sku: string; name: string; category: string; unit: string; packSize: number; price: { unitPrice: number; currency: string; scope: string } | null }

// The dealer's own home: its profile and the prices it pays.
export default function PortalHome() {
  return <Shell face="portal" need="dealers:read"><PortalHomeContent /></Shell>;
}

function PortalHomeContent() {
  const navigate = useNavigate();
  const [orders] = createResource(localDocs);
  const newOrder = async () => {
    const id = makeDocId('order', { dealerId: me()!.user.dealerId! }, newUid());
    await rememberDoc({ id, kind: 'order', title: `Order ${id.split('.')[2].slice(0, 6)}`, updatedAt: Date.now() });
    navigate(`/portal/orders/${id}?new=1`);
  };
  const [q, setQ] = createSignal('');
  const [category, setCategory] = createSignal('');
  const [dealer] = createResource(() => me()?.user.dealerId, (id) => get<DealerDetailData>(`/api/dealers/${id}`));
  const [categories] = createResource(() => get<{ items: string[] }>('/api/products/categories'));
  const [products] = createResource(() => ({ q: q(), category: category() }), (p) => get<{ items: PricedProduct[]; total: number }>(`/api/products${query({ ...p, pageSize: 200 })}`));
  return (
    <>
      <Show when={dealer()} fallback={<h1>My dealer</h1>}>
        {(d) => (
          <>
            <h1>{d().dealer.name}</h1>
            <p class="meta"><span class="badge">{label(d().dealer.tier)}</span> {d().dealer.address}</p>
            <dl class="facts">
              <dt>Phone</dt><dd>{d().dealer.phone ?? '—'}</dd>
              <dt>Email</dt><dd>{d().dealer.email ?? '—'}</dd>
              <dt>Credit limit</dt><dd>{money(d().dealer.creditLimit)}</dd>
              <dt>Your rep</dt><dd>{d().reps.map((r) => r.name).join(', ') || '—'}</dd>
            </dl>
            <Show when={d().children.length}>
              <h2>My sub-dealers</h2>
              <ul class="plain"><For each={d().children}>{(c) => <li><A href={`/portal/dealers/${c.id}`}>{c.name}</A> · {c.city}</li>}</For></ul>
            </Show>
          </>
        )}
      </Show>
      <DealerHome />
      <section aria-labelledby="orders-h">
        <h2 id="orders-h">Orders</h2>
        <button type="button" onClick={newOrder}>New order</button>
        <ul class="plain"><For each={orders()?.filter((d) => d.kind === 'order')}>{(o) => <li><A href={`/portal/orders/${o.id}`}>{o.title}</A></li>}</For></ul>
      </section>
      <section aria-labelledby="prices-h">
        <h2 id="prices-h">My prices</h2>
        <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
          <label>Search products<input type="search" onChange={(e) => setQ(e.currentTarget.value)} placeholder="Name or SKU" /></label>
          <label>Category<select onChange={(e) => setCategory(e.currentTarget.value)}>
            <option value="">All</option><For each={categories()?.items}>{(c) => <option value={c}>{c}</option>}</For></select></label>
        </form>
        <ul class="cards">
          <For each={products()?.items}>{(p) => (
            <li><strong>{p.name}</strong>
              <span class="hint">{p.sku} · {p.category} · {p.packSize > 1 ? `${p.unit} of ${p.packSize}` : p.unit}</span>
              <span class="price">{p.price ? money(p.price.unitPrice, p.price.currency) : 'Price on request'}</span></li>
          )}</For>
        </ul>
      </section>
    </>
  );
}
