import { useSearchParams } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import Shell from '../../components/Shell.tsx';
import TicketThread, { type SlaRow, type TicketItem } from '../../components/TicketThread.tsx';
import { get, query, send } from '../../lib/api.ts';
import { label } from '../../lib/format.ts';
import { may } from '../../lib/access.ts';
import { me } from '../../lib/session.ts';

const when = (at: string | null) => (at ? new Date(at).toLocaleString(me()?.brand.locale ?? 'en', { dateStyle: 'short', timeStyle: 'short' }) : '—');

// The support queue: tickets in scope with their response-time targets and breaches, filters,
// and one ticket's thread to answer, route to the dealer's rep or the HQ queue, and resolve.
export default function HqTickets() {
  return <Shell face="hq" need="ticket:R"><HqTicketsContent /></Shell>;
}

function HqTicketsContent() {
  const [search, setSearch] = useSearchParams<{ status?: string; category?: string; breached?: string; routed?: string; t?: string }>();
  const filters = () => ({ status: search.status ?? 'active', category: search.category, breached: search.breached, routed: search.routed });
  const [tickets, { refetch }] = createResource(filters, (f) => get<{ items: TicketItem[] }>(`/api/tickets${query(f)}`));
  const [sla] = createResource(() => get<{ items: SlaRow[] }>('/api/tickets/sla'));
  const [notice, setNotice] = createSignal('');
  const [routeError, setRouteError] = createSignal('');
  let due!: HTMLInputElement;

  const selected = () => tickets()?.items.find((t) => t.id === search.t);
  // The projection follows the document within a second or two; refresh the queue after a change.
  const refreshSoon = () => setTimeout(() => void refetch(), 1500);

  const routeTo = async (to: 'rep' | 'hq') => {
    setRouteError('');
    setNotice('');
    try {
      await send('POST', `/api/tickets/${encodeURIComponent(search.t!)}/route`, { to, ...(to === 'rep' && due?.value ? { dueDate: due.value } : {}) });
      setNotice(to === 'rep' ? 'Sent to the dealer\'s rep as a task.' : 'Moved to the HQ queue.');
      refreshSoon();
    } catch (err) {
      setRouteError((err as Error).message);
    }
  };

  return (
    <>
      <h1>Support tickets</h1>
      <form class="filters" role="search" aria-label="Filter tickets" onSubmit={(e) => e.preventDefault()}>
        <label>Status<select onChange={(e) => setSearch({ status: e.currentTarget.value, t: undefined })}>
          <For each={[['active', 'Open or answered'], ['open', 'Open'], ['answered', 'Answered'], ['resolved', 'Resolved'], ['closed', 'Closed']]}>{([v, l]) => <option value={v} selected={filters().status === v}>{l}</option>}</For>
        </select></label>
        <label>Category<select onChange={(e) => setSearch({ category: e.currentTarget.value || undefined, t: undefined })}>
          <option value="">All</option>
          <For each={sla()?.items}>{(s) => <option value={s.category} selected={search.category === s.category}>{label(s.category)}</option>}</For>
        </select></label>
        <label>Routed<select onChange={(e) => setSearch({ routed: e.currentTarget.value || undefined, t: undefined })}>
          <option value="">Any</option>
          <For each={[['none', 'Not routed'], ['rep', 'To the rep'], ['hq', 'HQ queue']]}>{([v, l]) => <option value={v} selected={search.routed === v}>{l}</option>}</For>
        </select></label>
        <label class="ticket-check"><input type="checkbox" checked={search.breached === '1'} onChange={(e) => setSearch({ breached: e.currentTarget.checked ? '1' : undefined, t: undefined })} /> Only SLA breaches</label>
      </form>
      <div class="ticket-desk">
        <section aria-labelledby="queue-h" class="ticket-queue">
          <h2 id="queue-h">Queue <span class="hint">({tickets()?.items.length ?? 0})</span></h2>
          <Show when={tickets.error}><p role="alert">{(tickets.error as Error).message}</p></Show>
          <ul class="ticket-list">
            <For each={tickets()?.items} fallback={<li class="hint">No tickets match.</li>}>{(t) => (
              <li aria-current={search.t === t.id ? 'true' : undefined} data-ticket={t.id}>
                <button type="button" class="link ticket-open" onClick={() => { setNotice(''); setRouteError(''); setSearch({ t: t.id }); }}>{t.subject ?? 'Ticket'}</button>
                <span class="hint">{t.dealerName} · opened {when(t.openedAt)}</span>
                <span class="ticket-badges">
                  <span class={`badge ticket-status-${t.status}`}>{label(t.status)}</span>
                  <span class="badge">{label(t.category ?? 'other')}</span>
                  <Show when={t.breach.firstResponse}><span class="badge bad">First response overdue</span></Show>
                  <Show when={t.breach.resolve}><span class="badge bad">Resolution overdue</span></Show>
                  <Show when={!t.breached && t.sla && !t.firstResponseAt && t.firstResponseDue}><span class="badge warn">Answer by {when(t.firstResponseDue)}</span></Show>
                  <Show when={t.routedTo}><span class="badge">{t.routedTo === 'rep' ? `Rep${t.assignedName ? `: ${t.assignedName}` : ''}` : 'HQ queue'}</span></Show>
                </span>
              </li>
            )}</For>
          </ul>
        </section>
        <Show when={search.t} keyed>{(id) => (
          <section class="ticket-pane" aria-label="Ticket">
            <button type="button" class="link" onClick={() => setSearch({ t: undefined })}>Back to the queue</button>
            <Show when={selected()}>{(t) => <p class="hint">{t().dealerName}{t().sla ? ` · targets: answer in ${t().sla!.firstResponseHours} h, resolve in ${t().sla!.resolveHours} h` : ''}</p>}</Show>
            <TicketThread id={id} onChange={refreshSoon} actions={(status) => (
              <Show when={may('tickets:manage') && status && status !== 'closed'}>
                <fieldset class="ticket-route">
                  <legend>Route</legend>
                  <label>Rep task due<input ref={due} type="date" /></label>
                  <button type="button" onClick={() => routeTo('rep')}>Route to rep</button>
                  <button type="button" onClick={() => routeTo('hq')}>Route to HQ queue</button>
                </fieldset>
              </Show>
            )} />
            <div role="status" aria-live="polite"><Show when={notice()}><p class="ok">{notice()}</p></Show></div>
            <Show when={routeError()}><p role="alert">{routeError()}</p></Show>
          </section>
        )}</Show>
      </div>
    </>
  );
}
