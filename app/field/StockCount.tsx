import { createResource, createSignal, For, Show } from 'solid-js';
import { ApiError, get, send } from '../lib/api.ts';

interface Product { id: string; name: string }

// The rep's stock audit at a dealer: counts go to the channel stock as an audit (source 'audit').
// It needs the network; offline the counts stay in the form to be sent later.
export default function StockCount(props: { dealerId: string }) {
  const [products] = createResource(() => get<{ items: Product[] }>('/api/products?pageSize=200').catch(() => ({ items: [] as Product[] })));
  const [rows, setRows] = createSignal<Array<{ productId: string; quantity: number }>>([]);
  const [message, setMessage] = createSignal('');
  let productSel!: HTMLSelectElement;
  let qtyInput!: HTMLInputElement;
  const name = (id: string) => products()?.items.find((p) => p.id === id)?.name ?? id;
  const add = (e: SubmitEvent) => {
    e.preventDefault();
    const q = Number(qtyInput.value);
    if (!Number.isInteger(q) || q < 0) { setMessage('Count whole units, 0 or more.'); return; }
    setMessage('');
    setRows((r) => [...r.filter((x) => x.productId !== productSel.value), { productId: productSel.value, quantity: q }]);
    qtyInput.value = '';
  };
  const save = async () => {
    try {
      await send('PUT', `/api/stock/${encodeURIComponent(props.dealerId)}`, { items: rows() });
      setMessage(`Stock count saved (${rows().length} product${rows().length === 1 ? '' : 's'}).`);
      setRows([]);
    } catch (err) {
      setMessage(err instanceof ApiError && err.status ? err.message : 'Not sent: you are offline. Save again when you are online.');
    }
  };
  return (
    <fieldset class="stock-count">
      <legend>Stock count</legend>
      <form class="inline-form" onSubmit={add}>
        <label>Product<select ref={productSel}><For each={products()?.items}>{(p) => <option value={p.id}>{p.name}</option>}</For></select></label>
        <label>Units on hand<input ref={qtyInput} type="number" min="0" step="1" inputmode="numeric" required /></label>
        <button type="submit">Add count</button>
      </form>
      <ul class="plain"><For each={rows()}>{(r) => <li>{name(r.productId)}: {r.quantity}</li>}</For></ul>
      <Show when={rows().length}><button type="button" onClick={save}>Save stock count</button></Show>
      <Show when={message()}><p role="status">{message()}</p></Show>
    </fieldset>
  );
}
