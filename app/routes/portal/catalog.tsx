import { createMemo, createResource, createSignal, For, onMount, Show } from 'solid-js';
import Shell from '../../components/Shell.tsx';
import { get, query } from '../../lib/api.ts';
import { money } from '../../lib/format.ts';
import { me } from '../../lib/session.ts';
import { addToCart, cartToOrder, readCart, removeFromCart, type CartLine } from '../../portal/cart.ts';
import { availabilityOf } from '../../../core/orders/promotions.ts';

export interface CatalogProduct {
  id: string; sku: string; name: string; category: string; unit: string; packSize: number; wholeUnits: boolean; available: number | null;
  price: { unitPrice: number; listPrice: number; currency: string; scope: string } | null;
  promotion: { name: string; percentOff: number } | null;
}

// The whole catalog at the dealer's prices, fetched page by page and kept on the device by get(),
// so search and category filtering work with the network off, from the last sync.
async function loadCatalog(): Promise<CatalogProduct[]> {
  const all: CatalogProduct[] = [];
  for (let page = 1; page <= 20; page++) {
    const res = await get<{ items: CatalogProduct[]; total: number }>(`/api/products${query({ pageSize: 200, page })}`);
    all.push(...res.items);
    if (all.length >= res.total || !res.items.length) break;
  }
  return all;
}

const AVAILABILITY = { in_stock: ['In stock', 'ok'], low: ['Low', 'warn'], out: ['Out of stock', 'bad'], unknown: ['Availability unknown', ''] } as const;
const unitOf = (p: CatalogProduct) => (p.packSize > 1 ? `${p.unit} of ${p.packSize}` : p.unit);

export default function PortalCatalog() {
  return <Shell face="portal" need="products:read"><PortalCatalogContent /></Shell>;
}

function PortalCatalogContent() {
  const [q, setQ] = createSignal('');
  const [category, setCategory] = createSignal('');
  const [products] = createResource(loadCatalog);
  const [categories] = createResource(() => get<{ items: string[] }>('/api/products/categories'));
  const [cart, setCart] = createSignal<CartLine[]>([]);
  const [notice, setNotice] = createSignal('');
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [busy, setBusy] = createSignal(false);
  onMount(async () => setCart(await readCart()));

  const shown = createMemo(() => {
    const needle = q().trim().toLowerCase();
    return (products.error ? [] : products() ?? []).filter((p) => (!category() || p.category === category())
      && (!needle || p.name.toLowerCase().includes(needle) || p.sku.toLowerCase().includes(needle)));
  });
  const cartTotal = () => cart().reduce((s, l) => s + (l.unitPrice ?? 0) * l.quantity, 0);

  const add = async (p: CatalogProduct, input: HTMLInputElement) => {
    const quantity = Number(input.value);
    if (!(quantity > 0) || (p.wholeUnits && !Number.isInteger(quantity))) {
      setErrors((e) => ({ ...e, [p.id]: `Enter a ${p.wholeUnits ? 'whole ' : ''}quantity above zero.` }));
      input.focus();
      return;
    }
    setErrors((e) => { const { [p.id]: _, ...rest } = e; return rest; });
    setCart(await addToCart({ productId: p.id, quantity, name: p.name, unitPrice: p.price?.unitPrice ?? null, currency: p.price?.currency }));
    setNotice(`Added ${quantity} × ${p.name} to the cart.`);
    input.value = '1';
  };

  const review = async () => {
    const user = me()?.user;
    if (!user?.dealerId || busy()) return;
    setBusy(true);
    try {
      const id = await cartToOrder(user.dealerId, user.id);
      if (id) window.location.assign(`/portal/orders/${id}`);
      else setNotice('The order could not be saved on this device. The cart is kept: try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Catalog</h1>
      <form class="filters" role="search" aria-label="Products" onSubmit={(e) => e.preventDefault()}>
        <label>Search products<input type="search" value={q()} onInput={(e) => setQ(e.currentTarget.value)} placeholder="Name or SKU" /></label>
        <label>Category<select value={category()} onChange={(e) => setCategory(e.currentTarget.value)}>
          <option value="">All categories</option>
          <For each={categories()?.items}>{(c) => <option value={c}>{c}</option>}</For>
        </select></label>
      </form>

      <section class="cart" aria-labelledby="cart-h">
        <h2 id="cart-h">Cart <span class="badge" data-testid="cart-count">{cart().length}</span></h2>
        <Show when={cart().length} fallback={<p class="hint">The cart is empty. Add products below.</p>}>
          <ul class="plain cart-lines">
            <For each={cart()}>{(l) => (
              <li data-cart-line={l.productId}>
                <span>{l.quantity} × {l.name}</span>
                <Show when={l.unitPrice !== null}><span class="hint">{money(l.unitPrice! * l.quantity, l.currency)}</span></Show>
                <button type="button" class="link" onClick={async () => setCart(await removeFromCart(l.productId))}>Remove<span class="sr-only"> {l.name}</span></button>
              </li>
            )}</For>
          </ul>
          <p class="cart-total">Estimated total <strong>{money(cartTotal())}</strong> <span class="hint">(prices are confirmed when the order is submitted)</span></p>
          <button type="button" class="primary" disabled={busy()} onClick={review}>Review order</button>
        </Show>
        <p role="status" aria-live="polite" class="hint">{notice()}</p>
      </section>

      <Show when={products.error}><p role="alert">{(products.error as Error).message}</p></Show>
      <p class="hint" aria-live="polite">{products.loading ? 'Loading the catalog…' : `${shown().length} product${shown().length === 1 ? '' : 's'}`}</p>
      <ul class="catalog">
        <For each={shown()}>{(p) => {
          let qty!: HTMLInputElement;
          const avail = AVAILABILITY[availabilityOf(p.available)];
          const discounted = () => !!p.price && p.price.unitPrice < p.price.listPrice;
          return (
            <li data-product={p.id} aria-labelledby={`prd-${p.id}`}>
              <h3 id={`prd-${p.id}`}>{p.name}</h3>
              <span class="hint">{p.sku} · {p.category} · {unitOf(p)}</span>
              <div class="catalog-price">
                <Show when={p.price} fallback={<span class="hint">Price on request</span>}>
                  {(price) => (
                    <>
                      <span class="price" data-testid="price">{money(price().unitPrice, price().currency)}</span>
                      <Show when={discounted()}>
                        <s class="list-price" data-testid="list-price"><span class="sr-only">List price </span>{money(price().listPrice, price().currency)}</s>
                      </Show>
                    </>
                  )}
                </Show>
                <Show when={p.promotion && discounted()}>
                  <span class="badge promo" title={p.promotion!.name}>−{p.promotion!.percentOff}% {p.promotion!.name}</span>
                </Show>
              </div>
              <span class={`badge ${avail[1]}`} data-testid="availability">{avail[0]}</span>
              <form class="add-to-cart" onSubmit={(e) => { e.preventDefault(); void add(p, qty); }}>
                <label>Quantity<span class="sr-only"> of {p.name}</span>
                  <input ref={qty} type="number" inputmode="decimal" min={p.wholeUnits ? 1 : 0.1} step={p.wholeUnits ? 1 : 0.1} value="1"
                    aria-invalid={errors()[p.id] ? 'true' : undefined} aria-describedby={errors()[p.id] ? `err-${p.id}` : undefined} />
                </label>
                <button type="submit" disabled={!p.price}>Add to cart</button>
                <Show when={errors()[p.id]}><span class="error" id={`err-${p.id}`}>{errors()[p.id]}</span></Show>
              </form>
            </li>
          );
        }}</For>
      </ul>
    </>
  );
}
