import { A } from '@solidjs/router';
import { createResource, For, Match, Show, Switch, type JSX } from 'solid-js';
import { get } from '../lib/api.ts';
import { daysUntil, label, money } from '../lib/format.ts';
import type { DealerDetailData } from './types.ts';

function Expiry(props: { date: string | null }) {
  const d = () => daysUntil(props.date);
  return (
    <Switch fallback={<span>{props.date ?? 'open-ended'}</span>}>
      <Match when={d() !== null && d()! < 0}><span class="badge bad">{props.date} · expired</span></Match>
      <Match when={d() !== null && d()! <= 30}><span class="badge warn">{props.date} · in {d()} days</span></Match>
    </Switch>
  );
}

// One dealer: the 360-degree page shared by HQ, the field and the portal. The server decides
// what is visible; an id outside the user's scope comes back as 404 and shows nothing.
// A face adds its own sections after the common ones through `extra` (HQ: visits, plan, tasks).
export default function DealerDetail(props: { id: string; base: string; extra?: (d: DealerDetailData) => JSX.Element }) {
  const [data] = createResource(() => props.id, (id) => get<DealerDetailData>(`/api/dealers/${encodeURIComponent(id)}`));
  return (
    <Switch>
      <Match when={data.error}>
        <h1>Dealer not found</h1>
        <p>It does not exist or is not yours to see.</p>
      </Match>
      <Match when={data()}>
        {(d) => (
          <article class="dealer">
            <nav aria-label="Hierarchy" class="crumbs">
              <For each={d().parents}>{(p) => <><A href={`${props.base}/dealers/${p.id}`}>{p.name}</A><span aria-hidden="true"> › </span></>}</For>
            </nav>
            <h1>{d().dealer.name}</h1>
            <p class="meta">
              <span class="badge">{label(d().dealer.type)}</span> <span class="badge">{label(d().dealer.tier)}</span>{' '}
              <span class={`badge ${d().dealer.status === 'active' ? 'ok' : 'warn'}`}>{label(d().dealer.status)}</span>{' '}
              {d().dealer.code} · {d().region?.name ?? 'no region'}{d().territory ? ` / ${d().territory!.name}` : ''}
            </p>
            <dl class="facts">
              <dt>Address</dt><dd>{d().dealer.address ?? '—'}</dd>
              <dt>Phone</dt><dd>{d().dealer.phone ? <a href={`tel:${d().dealer.phone}`}>{d().dealer.phone}</a> : '—'}</dd>
              <dt>Email</dt><dd>{d().dealer.email ? <a href={`mailto:${d().dealer.email}`}>{d().dealer.email}</a> : '—'}</dd>
              <dt>Credit limit</dt><dd>{money(d().dealer.creditLimit)}</dd>
              <dt>Segments</dt><dd>{d().dealer.segments.join(', ') || '—'}</dd>
              <Show when={d().dealer.lat !== null}>
                <dt>Directions</dt>
                <dd><a href={`https://www.google.com/maps/dir/?api=1&destination=${d().dealer.lat},${d().dealer.lng}`} rel="noopener" target="_blank">Open in maps</a></dd>
              </Show>
            </dl>
            <section aria-labelledby="contacts-h"><h2 id="contacts-h">Contacts</h2>
              <ul class="plain"><For each={d().contacts} fallback={<li>No contacts</li>}>{(ct) => (
                <li><strong>{ct.name}</strong>{ct.role ? ` · ${ct.role}` : ''}{ct.isPrimary ? ' (primary)' : ''}<br />
                  {ct.email && <a href={`mailto:${ct.email}`}>{ct.email}</a>} {ct.phone && <a href={`tel:${ct.phone}`}>{ct.phone}</a>}</li>
              )}</For></ul>
            </section>
            <Show when={d().children.length}>
              <section aria-labelledby="children-h"><h2 id="children-h">Network below ({d().children.length})</h2>
                <ul class="plain"><For each={d().children}>{(ch) => <li><A href={`${props.base}/dealers/${ch.id}`}>{ch.name}</A> · {ch.city}</li>}</For></ul>
              </section>
            </Show>
            <section aria-labelledby="contracts-h"><h2 id="contracts-h">Contracts</h2>
              <ul class="plain"><For each={d().contracts} fallback={<li>None</li>}>{(ct) => <li>{label(ct.type)} · from {ct.startDate} · until <Expiry date={ct.endDate} /></li>}</For></ul>
            </section>
            <section aria-labelledby="certs-h"><h2 id="certs-h">Certifications</h2>
              <ul class="plain"><For each={d().certifications} fallback={<li>None</li>}>{(ct) => <li>{ct.kind} · expires <Expiry date={ct.expiresOn} /></li>}</For></ul>
            </section>
            <Show when={d().reps.length}>
              <section aria-labelledby="reps-h"><h2 id="reps-h">Field reps</h2>
                <ul class="plain"><For each={d().reps}>{(r) => <li>{r.name} · <a href={`mailto:${r.email}`}>{r.email}</a></li>}</For></ul>
              </section>
            </Show>
            {props.extra?.(d())}
          </article>
        )}
      </Match>
    </Switch>
  );
}
