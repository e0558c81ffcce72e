import { A, useNavigate } from '@solidjs/router';
import { createResource, createSignal, For, Show } from 'solid-js';
import { makeDocId, newUid, parseDocId } from '../../../../core/docs/id.ts';
import { TICKET_CATEGORIES, ticket } from '../../../../core/docs/schema.ts';
import Shell from '../../../components/Shell.tsx';
import { queueFiles, type SlaRow, type TicketItem } from '../../../components/TicketThread.tsx';
import { get } from '../../../lib/api.ts';
import { label } from '../../../lib/format.ts';
import { me } from '../../../lib/session.ts';
import { localDocs, openDoc, rememberDoc } from '../../../sync/registry.ts';


const hours = (h: number) => (h % 24 === 0 ? `${h / 24} day${h === 24 ? '' : 's'}` : `${h} hours`);

// The dealer's support tickets: those the server knows (read offline from the device's copy),
// plus any opened on this device that have not reached it yet. A new ticket is a document,
// so it can be opened, photos and all, with no network.
export default function PortalTickets() {
  return <Shell face="portal" need="ticket:C"><PortalTicketsContent /></Shell>;
}

function PortalTicketsContent() {
  const navigate = useNavigate();
  const [server] = createResource(() => get<{ items: TicketItem[] }>('/api/tickets').catch(() => ({ items: [] as TicketItem[] })));
  const [local] = createResource(localDocs);
  const [sla] = createResource(() => get<{ items: SlaRow[] }>('/api/tickets/sla').catch(() => ({ items: [] as SlaRow[] })));
  const [composing, setComposing] = createSignal(false);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  let category!: HTMLSelectElement;
  let subject!: HTMLInputElement;
  let message!: HTMLTextAreaElement;
  let files!: HTMLInputElement;

  const categories = () => sla()?.items.length ? sla()!.items.map((s) => s.category) : [...TICKET_CATEGORIES];
  const targetOf = (c: string) => sla()?.items.find((s) => s.category === c);
  const [chosen, setChosen] = createSignal<string>('order');
  const pending = () => {
    const known = new Set(server()?.items.map((t) => t.id));
    return (local() ?? []).filter((d) => d.kind === 'ticket' && !known.has(d.id));
  };

  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    if (busy()) return;
    const text = message.value.trim();
    const subj = subject.value.trim();
    if (!subj) { setError('Enter a subject.'); subject.focus(); return; }
    if (!text) { setError('Describe the problem in the message.'); message.focus(); return; }
    setError('');
    setBusy(true);
    try {
      const user = me()!.user;
      const dealerId = user.dealerId!;
      const id = makeDocId('ticket', { dealerId }, newUid());
      const photos = await queueFiles(files.files, dealerId);
      // Listed first, so the birth counts as waiting to send if there is no network.
      await rememberDoc({ id, kind: 'ticket', title: `Ticket: ${subj}`, updatedAt: Date.now() });
      const o = openDoc(id);
      await o.ready;
      ticket.open(o.doc, parseDocId(id), { category: category.value, subject: subj }, { by: user.id, byName: user.name, role: user.role, text, photos, at: new Date().toISOString() });
      o.close();
      navigate(`/portal/tickets/${id}`);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  return (
    <>
      <h1>Support</h1>
      <Show when={!composing()}>
        <button type="button" onClick={() => { setComposing(true); setTimeout(() => category?.focus()); }}>New ticket</button>
      </Show>
      <Show when={composing()}>
        <form class="ticket-new" onSubmit={create} aria-labelledby="new-ticket-h">
          <h2 id="new-ticket-h">New ticket</h2>
          <Show when={error()}><p role="alert">{error()}</p></Show>
          <label>Category
            <select ref={category} onChange={(e) => setChosen(e.currentTarget.value)}>
              <For each={categories()}>{(c) => <option value={c} selected={c === chosen()}>{label(c)}</option>}</For>
            </select>
          </label>
          <Show when={targetOf(chosen())}>{(t) => <p class="hint">We answer {label(chosen())} tickets within {hours(t().firstResponseHours)} and aim to resolve them within {hours(t().resolveHours)}.</p>}</Show>
          <label>Subject<input ref={subject} maxLength={200} required /></label>
          <label>Message<textarea ref={message} rows="4" maxLength={4000} required /></label>
          <label>Photos (optional)<input ref={files} type="file" accept="image/*" multiple /></label>
          <div class="ticket-actions">
            <button type="submit" disabled={busy()}>{busy() ? 'Saving…' : 'Send ticket'}</button>
            <button type="button" onClick={() => { setComposing(false); setError(''); }}>Cancel</button>
          </div>
        </form>
      </Show>
      <section aria-labelledby="tickets-h">
        <h2 id="tickets-h">My tickets</h2>
        <ul class="ticket-list">
          <For each={pending()}>{(d) => (
            <li><A href={`/portal/tickets/${d.id}`}>{d.title.replace(/^Ticket: /, '')}</A> <span class="badge warn">Not sent yet</span></li>
          )}</For>
          <For each={server()?.items} fallback={<Show when={!pending().length}><li class="hint">No tickets yet.</li></Show>}>{(t) => (
            <li>
              <A href={`/portal/tickets/${t.id}`}>{t.subject ?? 'Ticket'}</A>
              <span class="ticket-badges">
                <span class={`badge ticket-status-${t.status}`}>{label(t.status)}</span>
                <span class="badge">{label(t.category ?? 'other')}</span>
              </span>
              <span class="hint">{t.messageCount} message{t.messageCount === 1 ? '' : 's'}{t.lastMessageAt ? ` · last ${new Date(t.lastMessageAt).toLocaleString(me()?.brand.locale ?? 'en', { dateStyle: 'short', timeStyle: 'short' })}` : ''}</span>
            </li>
          )}</For>
        </ul>
      </section>
    </>
  );
}
