import { For, Show } from 'solid-js';
import type * as Y from 'yjs';
import { body, order } from '../../core/docs/schema.ts';
import { deliveryProgress, type ShipmentRecord } from '../../core/validators/integrations.ts';

const STATUS: Record<string, string> = { in_transit: 'In transit', out_for_delivery: 'Out for delivery', delivered: 'Delivered', exception: 'Delivery problem' };
const SHIPPING = new Set(['approved', 'shipped', 'delivered']);
const when = (at?: string | null) => {
  if (!at || Number.isNaN(Date.parse(at))) return '';
  return new Date(at).toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
};
const qty = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ''));

// Where the goods are, as the ERP reported it into the order document: one entry per shipment
// event (carrier, tracking number, ETA, items), oldest first, and how much has arrived so far.
export default function ShipmentTimeline(props: { doc: Y.Doc; version: number; productName?: (id: string) => string }) {
  const events = () => {
    void props.version;
    const list = body(props.doc, 'order').get('shipments') as Y.Array<ShipmentRecord> | undefined;
    const seen = new Set<string>();
    return (list?.toArray() ?? [])
      .filter((e) => e && typeof e.eventId === 'string' && !seen.has(e.eventId) && seen.add(e.eventId))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  };
  const status = () => { void props.version; return order.status(props.doc); };
  const progress = () => {
    void props.version;
    const lines = Object.values(order.lines(props.doc)?.toJSON() ?? {}) as Array<{ productId: unknown; quantity: unknown }>;
    return deliveryProgress(lines, events());
  };
  const name = (id: string) => props.productName?.(id) ?? id;
  return (
    <Show when={events().length > 0 || SHIPPING.has(status() ?? '')}>
      <section class="shipments" aria-labelledby="delivery-h" data-testid="delivery">
        <h2 id="delivery-h">Delivery</h2>
        <Show when={events().length > 0} fallback={<p>Not shipped yet. Tracking appears here once the goods leave the warehouse.</p>}>
          <p data-testid="delivery-progress">
            <Show when={progress().complete} fallback={<>{qty(progress().delivered)} of {qty(progress().ordered)} delivered</>}>
              All {qty(progress().ordered)} delivered
            </Show>
          </p>
          <Show when={!progress().complete && progress().delivered > 0}>
            <ul class="plain hint" aria-label="Delivered so far, by product">
              <For each={Object.entries(progress().byProduct)}>{([productId, p]) => (
                <li>{name(productId)}: {qty(Math.min(p.delivered, p.ordered))} of {qty(p.ordered)}</li>
              )}</For>
            </ul>
          </Show>
          <ol class="timeline" aria-label="Shipment events, oldest first">
            <For each={events()}>{(e) => (
              <li data-shipment={e.eventId} classList={{ flag: e.status === 'exception' }}>
                <strong>{STATUS[e.status] ?? e.status}</strong>
                {' '}<time dateTime={e.at}>{when(e.at)}</time>
                <div>
                  {e.carrier}, tracking number <span class="mono">{e.trackingNumber}</span>
                  <Show when={e.eta && e.status !== 'delivered'}> · expected <time dateTime={e.eta!}>{when(e.eta)}</time></Show>
                </div>
                <ul class="plain" aria-label="Items in this shipment">
                  <For each={e.items ?? []}>{(it) => <li>{qty(it.quantity)} × {name(it.productId)}</li>}</For>
                </ul>
              </li>
            )}</For>
          </ol>
        </Show>
      </section>
    </Show>
  );
}
