import { useParams, useSearchParams } from '@solidjs/router';
import { IndexeddbPersistence } from 'y-indexeddb';
import * as Y from 'yjs';
import { createResource, createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { makeDocId, newUid, parseDocId } from '../../../../core/docs/id.ts';
import { initDoc, order, type OrderLine } from '../../../../core/docs/schema.ts';
import Shell from '../../../components/Shell.tsx';
import OrderProgress from '../../../components/OrderProgress.tsx';
import ShipmentTimeline from '../../../components/ShipmentTimeline.tsx';
import SyncBadge from '../../../components/SyncBadge.tsx';
import { get } from '../../../lib/api.ts';
import { label, money } from '../../../lib/format.ts';
import { me } from '../../../lib/session.ts';
import { openDoc, rememberDoc, type OpenDoc } from '../../../sync/registry.ts';

interface Product { id: string; sku: string; name: string; unit: string; wholeUnits: boolean; price: { unitPrice: number; currency: string } | null }

// The lines of an order kept on this device (the one being ordered again).
async function linesOf(docId: string): Promise<OrderLine[]> {
  const src = new Y.Doc();
  const p = new IndexeddbPersistence(docId, src);
  await p.whenSynced;
  const lines = [...(order.lines(src)?.values() ?? [])];
  await p.destroy();
  return lines;
}

// An order as a document on this device: it opens and changes with the network off, and
// merges with everyone else's edits when the room is reachable.
export default function OrderPage() {
  return <Shell face={['portal', 'field']} need="order:W"><OrderPageContent /></Shell>;
}

function OrderPageContent() {
  const params = useParams<{ id: string }>();
  const [search] = useSearchParams<{ new?: string; from?: string }>();
  // The order's dealer's prices: the API gives a dealer user its own dealer's, anyone else (a
  // rep ordering on a dealer's behalf) names the dealer.
  const dealerOf = () => { try { return parseDocId(params.id).dealerId; } catch { return ''; } };
  const productsUrl = () => { const m = me(); return m ? `/api/products?pageSize=200${dealerOf() && dealerOf() !== m.user.dealerId ? `&dealer=${encodeURIComponent(dealerOf())}` : ''}` : false; };
  const [products] = createResource(productsUrl, (url) => get<{ items: Product[] }>(url));
  const [version, setVersion] = createSignal(0);
  const [open, setOpen] = createSignal<OpenDoc | null>(null);
  const [error, setError] = createSignal('');
  let productSel!: HTMLSelectElement;
  let qtyInput!: HTMLInputElement;

  onMount(async () => {
    let id;
    try { id = parseDocId(params.id); } catch { setError('This is not an order link.'); return; }
    const o = openDoc(id.id);
    o.doc.on('update', () => setVersion((v) => v + 1));
    await o.ready;
    // Only the person who made the order starts it; others wait for it to arrive.
    if (search.new && order.status(o.doc) === undefined) {
      const from = search.from ? await linesOf(search.from) : [];
      o.doc.transact(() => {
        initDoc(o.doc, id!, me()!.user.id);
        for (const line of from) order.setLine(o.doc, `${me()!.user.id}-${newUid().slice(0, 10)}`, { productId: line.productId, quantity: line.quantity });
      });
    }
    await rememberDoc({ id: id.id, kind: 'order', title: `Order ${id.uid.slice(0, 6)}`, updatedAt: Date.now() });
    setOpen(o);
    setVersion((v) => v + 1);
  });
  onCleanup(() => open()?.close());

  const doc = () => { version(); return open()?.doc; };
  const status = () => { const d = doc(); return d ? order.status(d) : undefined; };
  const lines = () => { const d = doc(); const m = d && order.lines(d); return m ? [...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)) : []; };
  const productName = (id: string) => products()?.items.find((p) => p.id === id)?.name ?? id;
  const priceOf = (id: string) => products()?.items.find((p) => p.id === id)?.price ?? null;
  const editable = () => status() === 'draft';

  // One tap: a new draft with the same products and quantities (prices are the server's again).
  // One tap: a new draft with the same products and quantities (prices are the server's again).
  // The new order's page copies the lines itself, so nothing is written by a page about to unload.
  const orderAgain = async () => {
    const dealerId = parseDocId(params.id).dealerId;
    const id = makeDocId('order', { dealerId }, newUid());
    await rememberDoc({ id, kind: 'order', title: `Order ${id.split('.')[2].slice(0, 6)}`, updatedAt: Date.now() });
    window.location.assign(`/portal/orders/${id}?new=1&from=${encodeURIComponent(params.id)}`);
  };

  const addLine = (e: SubmitEvent) => {
    e.preventDefault();
    const d = doc();
    const quantity = Number(qtyInput.value);
    const product = products()?.items.find((p) => p.id === productSel.value);
    if (!d || !product) return;
    if (!(quantity > 0) || (product.wholeUnits && !Number.isInteger(quantity))) { setError(`Enter a ${product.wholeUnits ? 'whole ' : ''}quantity above zero.`); return; }
    setError('');
    // A fresh key per line, so lines added on two devices at once both stay.
    order.setLine(d, `${me()!.user.id}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`, { productId: product.id, quantity });
    qtyInput.value = '1';
  };

  return (
    <>
      <h1>Order</h1>
      <Show when={error()}><p role="alert">{error()}</p></Show>
      <Show when={open()}>{(o) => <SyncBadge state={o().state()} />}</Show>
      <Show when={open() && status() === undefined}>
        <p>This order has not reached this device yet{navigator.onLine ? ': fetching it…' : '. It will appear when you are online.'}</p>
      </Show>
      <Show when={status()}>
        <p class="meta">Status: <strong data-testid="order-status">{label(status()!)}</strong></p>
        <OrderProgress doc={doc()!} version={version()} state={open()!.state()} />
        <ShipmentTimeline doc={doc()!} version={version()} productName={productName} />
        <Show when={status() !== 'draft'}><button type="button" onClick={orderAgain}>Order again</button></Show>
        <table>
          <caption class="sr-only">Order lines</caption>
          <thead><tr><th scope="col">Product</th><th scope="col">Quantity</th><th scope="col">Price</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>
            <For each={lines()} fallback={<tr><td colspan="4">No lines yet</td></tr>}>{([lineId, line]: [string, OrderLine]) => (
              <tr data-line={lineId}>
                <th scope="row">{productName(line.productId)}</th>
                <td>
                  <input type="number" min="0" step="any" aria-label={`Quantity of ${productName(line.productId)}`} value={line.quantity} disabled={!editable()}
                    onChange={(e) => { const q = Number(e.currentTarget.value); if (q > 0) order.setLine(doc()!, lineId, { ...line, quantity: q }); }} />
                </td>
                <td>{(() => { const p = line.unitPrice ?? priceOf(line.productId)?.unitPrice; return p == null ? '—' : money(p); })()}</td>
                <td><button type="button" disabled={!editable()} onClick={() => order.removeLine(doc()!, lineId)}>Remove</button></td>
              </tr>
            )}</For>
          </tbody>
        </table>
        <Show when={editable()}>
          <form class="filters" onSubmit={addLine}>
            <label>Product<select ref={productSel}><For each={products()?.items}>{(p) => <option value={p.id}>{p.name}</option>}</For></select></label>
            <label>Quantity<input ref={qtyInput} type="number" min="0" step="any" value="1" /></label>
            <button type="submit">Add line</button>
          </form>
        </Show>
        <label>Notes
          <textarea rows="3" value={(() => { const d = doc(); return d ? order.notes(d).toString() : ''; })()} disabled={!editable()}
            onChange={(e) => { const t = order.notes(doc()!); doc()!.transact(() => { t.delete(0, t.length); t.insert(0, e.currentTarget.value); }); }} />
        </label>
        <Show when={editable()}>
          <button type="button" onClick={() => order.setStatus(doc()!, 'submitted', me()!.user.id, me()!.user.role)}>Submit order</button>
        </Show>
      </Show>
    </>
  );
}
