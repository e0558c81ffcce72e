import { A } from '@solidjs/router';
import { createResource, createSignal, For, onMount, Show } from 'solid-js';
import { get } from '../lib/api.ts';
import { label, money } from '../lib/format.ts';
import { disablePush, enablePush, pushState, type PushState } from '../lib/push.ts';

interface HomeData {
  dealer: { id: string; name: string; tier: string; regionName: string | null };
  year: number;
  sales: { total: number; target: number; targetToDate: number; percentOfTarget: number | null; months: Array<{ period: string; sales: number; target: number }> };
  openOrders: { count: number; items: Array<{ id: string; status: string; total: number | null; lineCount: number; submittedAt: string | null; updatedAt: string }> };
  rank: { position: number; of: number; regionName: string | null };
  tier: { tier: string; earned: string; next: string | null; nextAt: number | null; remaining: number; percent: number };
  documents: Array<{ id: string; title: string; kind: string; bytes: number; url: string; createdAt: string }>;
  announcements: Array<{ id: string; title: string; body: string; publishedAt: string }>;
  network: { dealers: number; sales: number; waitingForYou: number } | null;
}

const STATUS_CLASS: Record<string, string> = { approved: 'ok', shipped: 'ok', held: 'warn', submitted: 'warn' };
const KIND_LABEL: Record<string, string> = { price_list: 'Price list', catalog: 'Catalog', other: 'Document' };
const day = (iso: string) => new Date(iso).toLocaleDateString(undefined, { dateStyle: 'medium' });
const size = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MB` : b ? `${Math.max(1, Math.round(b / 1024))} KB` : '');

// The dealer's home: this year against target, open orders, rank and tier, news and documents,
// and the switch for notifications on this device.
export default function DealerHome() {
  const [home] = createResource(() => get<HomeData>('/api/home'));
  const [push, setPush] = createSignal<PushState | 'busy'>('busy');
  const [pushError, setPushError] = createSignal('');
  onMount(async () => setPush(await pushState().catch(() => 'unsupported' as const)));
  const toggle = async (on: boolean) => {
    setPushError('');
    setPush('busy');
    try {
      setPush(on ? await enablePush() : await disablePush());
    } catch (e) {
      setPushError(`Notifications could not be switched on${e instanceof Error ? `: ${e.message}` : '.'}`);
      setPush(await pushState().catch(() => 'unsupported' as const));
    }
  };

  return (
    <div class="home">
      <section aria-labelledby="notify-h" class="home-notify">
        <h2 id="notify-h" class="sr-only">Notifications on this device</h2>
        <Show when={push() === 'off'}>
          <p>Get told on this device when an order is approved, rejected or shipped, or a ticket is answered.</p>
          <button type="button" onClick={() => toggle(true)}>Allow notifications</button>
        </Show>
        <Show when={push() === 'on'}>
          <p class="hint">Notifications are on for this device. <button type="button" class="link" onClick={() => toggle(false)}>Turn off</button></p>
        </Show>
        <Show when={push() === 'denied'}><p class="hint">Notifications are blocked for this app in the browser's settings.</p></Show>
        <Show when={pushError()}><p role="alert">{pushError()}</p></Show>
      </section>
      <Show when={home.error}><p role="alert">{(home.error as Error)?.message ?? 'The home figures could not be loaded.'}</p></Show>
      <Show when={home()}>
        {(h) => (
          <div class="home-grid">
            <section aria-labelledby="sales-h" class="home-card">
              <h2 id="sales-h">Sales {h().year}</h2>
              <p class="home-figure">{money(h().sales.total)}</p>
              <Show when={h().sales.target} fallback={<p class="hint">No target set for this year.</p>}>
                <progress max={h().sales.target} value={Math.min(h().sales.total, h().sales.target)} aria-labelledby="sales-h sales-of" />
                <p id="sales-of" class="hint">{h().sales.percentOfTarget}% of the year's target {money(h().sales.target)} · target to date {money(h().sales.targetToDate)}</p>
              </Show>
            </section>
            <section aria-labelledby="rank-h" class="home-card">
              <h2 id="rank-h">Rank and tier</h2>
              <p class="home-figure">No. {h().rank.position} <span class="hint">of {h().rank.of}{h().rank.regionName ? ` in ${h().rank.regionName}` : ''}</span></p>
              <p><span class="badge">{label(h().tier.tier)}</span>
                <Show when={h().tier.next} fallback={<span class="hint"> Top tier</span>}>
                  <span class="hint"> {h().tier.remaining ? `${money(h().tier.remaining)} more this year to reach ${label(h().tier.next!)}` : `Sales reach ${label(h().tier.next!)}`}</span>
                </Show>
              </p>
              <Show when={h().tier.next}>
                <progress max={100} value={h().tier.percent} aria-label={`Progress to ${label(h().tier.next!)}: ${h().tier.percent}%`} />
              </Show>
            </section>
            <section aria-labelledby="open-h" class="home-card">
              <h2 id="open-h">Open orders <span class="badge">{h().openOrders.count}</span></h2>
              <Show when={h().openOrders.items.length} fallback={<p class="hint">No open orders.</p>}>
                <ul class="plain">
                  <For each={h().openOrders.items.slice(0, 8)}>{(o) => (
                    <li><A href={`/portal/orders/${o.id}`}>{o.submittedAt ? `Submitted ${day(o.submittedAt)}` : 'Draft'}</A>{' '}
                      <span class={`badge ${STATUS_CLASS[o.status] ?? ''}`}>{label(o.status)}</span>
                      <Show when={o.total !== null}> <span class="hint">{money(o.total!)}</span></Show></li>
                  )}</For>
                </ul>
              </Show>
            </section>
            <Show when={h().network}>{(n) => (
              <section aria-labelledby="network-h" class="home-card">
                <h2 id="network-h">Your network</h2>
                <p class="home-figure" data-testid="network-sales">{money(n().sales)}</p>
                <p class="hint">{n().dealers} dealer{n().dealers === 1 ? '' : 's'} below you, this year{n().waitingForYou ? ` · ${n().waitingForYou} order${n().waitingForYou === 1 ? '' : 's'} waiting for you` : ''}</p>
                <Show when={n().waitingForYou}><A href="/portal/approvals">Review network orders</A></Show>
              </section>
            )}</Show>
            <section aria-labelledby="news-h" class="home-card home-wide">
              <h2 id="news-h">Announcements</h2>
              <Show when={h().announcements.length} fallback={<p class="hint">No announcements.</p>}>
                <ul class="plain home-news">
                  <For each={h().announcements}>{(a) => (
                    <li><article><h3>{a.title}</h3><p class="hint"><time dateTime={a.publishedAt}>{day(a.publishedAt)}</time></p><p>{a.body}</p></article></li>
                  )}</For>
                </ul>
              </Show>
            </section>
            <section aria-labelledby="docs-h" class="home-card home-wide">
              <h2 id="docs-h">Documents</h2>
              <Show when={h().documents.length} fallback={<p class="hint">No documents.</p>}>
                <ul class="plain">
                  <For each={h().documents}>{(d) => (
                    <li><a href={d.url} target="_blank" rel="noopener">{d.title}</a> <span class="hint">{KIND_LABEL[d.kind] ?? d.kind}{d.bytes ? ` · ${size(d.bytes)}` : ''}</span></li>
                  )}</For>
                </ul>
              </Show>
            </section>
          </div>
        )}
      </Show>
    </div>
  );
}
