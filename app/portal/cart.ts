// The dealer's cart: products picked in the catalog, kept on the device (IndexedDB through the
// read cache) so it survives a reload and works offline, until it becomes an order document.
import { cacheGet, cachePut } from '../lib/cache.ts';
import { makeDocId, newUid, parseDocId } from '../../core/docs/id.ts';
import { initDoc, order } from '../../core/docs/schema.ts';

export interface CartLine { productId: string; quantity: number; name: string; unitPrice: number | null; currency?: string }

const KEY = 'cart';

export async function readCart(): Promise<CartLine[]> {
  const entry = await cacheGet<CartLine[]>(KEY);
  return Array.isArray(entry?.value) ? entry!.value : [];
}

export async function writeCart(lines: CartLine[]): Promise<void> {
  await cachePut(KEY, lines);
}

// Adding a product already in the cart adds to its quantity.
export async function addToCart(line: CartLine): Promise<CartLine[]> {
  const lines = await readCart();
  const at = lines.findIndex((l) => l.productId === line.productId);
  if (at >= 0) lines[at] = { ...lines[at], ...line, quantity: +(lines[at].quantity + line.quantity).toFixed(3) };
  else lines.push(line);
  await writeCart(lines);
  return lines;
}

export async function removeFromCart(productId: string): Promise<CartLine[]> {
  const lines = (await readCart()).filter((l) => l.productId !== productId);
  await writeCart(lines);
  return lines;
}

// The cart as a new draft order of the dealer, made on the device like "New order" and
// "Order again" do: listed first (so its edits count as waiting to send offline), started,
// filled, and the cart emptied. Returns the new document's id.
export async function cartToOrder(dealerId: string, userId: string): Promise<string | null> {
  const lines = await readCart();
  if (!lines.length) return null;
  const { openDoc, rememberDoc } = await import('../sync/registry.ts');
  const id = makeDocId('order', { dealerId }, newUid());
  await rememberDoc({ id, kind: 'order', title: `Order ${id.split('.')[2].slice(0, 6)}`, updatedAt: Date.now() });
  const next = openDoc(id);
  await next.ready;
  initDoc(next.doc, parseDocId(id), userId);
  for (const l of lines) order.setLine(next.doc, `${userId}-${newUid().slice(0, 10)}`, { productId: l.productId, quantity: l.quantity });
  next.close();
  // Read the draft back from the device before leaving the page: a page unload can abort an
  // IndexedDB write still in flight, and the cart is emptied only once the lines are stored.
  if (!(await storedLines(id, lines.length))) return null;
  await writeCart([]);
  return id;
}

async function storedLines(id: string, expected: number): Promise<boolean> {
  const [{ IndexeddbPersistence }, Y] = await Promise.all([import('y-indexeddb'), import('yjs')]);
  for (let attempt = 0; attempt < 20; attempt++) {
    const doc = new Y.Doc();
    const local = new IndexeddbPersistence(id, doc);
    await local.whenSynced;
    const n = order.lines(doc)?.size ?? 0;
    await local.destroy();
    doc.destroy();
    if (n >= expected) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
