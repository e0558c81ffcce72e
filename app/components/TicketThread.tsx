import { createResource, createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { parseDocId } from '../../core/docs/id.ts';
import { faceOf } from '../../core/access/index.ts';
import type { Role } from '../../core/db/schema.ts';
import { ticket, type TicketMessage, type TicketStatus } from '../../core/docs/schema.ts';
import { photoUrl, queuePhoto } from '../field/photos.ts';
import { label } from '../lib/format.ts';
import { allowed, holdsAt, onDealerSide } from '../lib/access.ts';
import { me } from '../lib/session.ts';
import { openDoc, rememberDoc, type OpenDoc } from '../sync/registry.ts';
import SyncBadge from './SyncBadge.tsx';

// A row of GET /api/tickets and of GET /api/tickets/sla.
export interface TicketItem {
  id: string; dealerId: string; dealerName: string; status: string; category: string | null; subject: string | null; messageCount: number;
  openedAt: string | null; firstResponseAt: string | null; lastMessageAt: string | null; updatedAt: string; routedTo: string | null; assignedName: string | null;
  sla: { firstResponseHours: number; resolveHours: number } | null; firstResponseDue: string | null; resolveDue: string | null;
  breach: { firstResponse: boolean; resolve: boolean }; breached: boolean;
}
export interface SlaRow { category: string; firstResponseHours: number; resolveHours: number }

// Who wrote a message, by the side the author's role stands on.
const FACE_WHO: Record<ReturnType<typeof faceOf>, string> = { portal: 'Dealer', field: 'Rep', hq: 'Support', supplier: 'Supplier' };
const who = (role: string) => (role === 'server' ? 'System' : onDealerSide(role) ? 'Dealer' : FACE_WHO[faceOf(role as Role)] ?? role);
const when = (at: string) => new Date(at).toLocaleString(me()?.brand.locale ?? 'en', { dateStyle: 'medium', timeStyle: 'short' });

function Photo(props: { sha: string }) {
  const [src] = createResource(() => props.sha, photoUrl);
  return (
    <a href={`/api/photos/${props.sha}`} target="_blank" rel="noopener" class="ticket-photo">
      <Show when={src()} fallback={<span class="hint">Photo</span>}><img src={src()} alt="Attached photo" loading="lazy" width="96" height="96" /></Show>
    </a>
  );
}

// Turns chosen files into photos on the device (shrunk, hashed, queued for upload); the
// message names them by SHA-256, so it can be sent before they are uploaded.
export async function queueFiles(files: FileList | null | undefined, dealerId: string): Promise<string[]> {
  const shas: string[] = [];
  for (const f of [...(files ?? [])].slice(0, 10)) shas.push((await queuePhoto(f, { dealerId })).sha);
  return shas;
}

// One support ticket as a document on this device: the thread, a reply box and the status
// changes the signed-in role may make. Works offline; replies wait on the device and sync later.
export default function TicketThread(props: { id: string; actions?: (status: TicketStatus | undefined) => JSX.Element; onChange?: () => void }) {
  const [version, setVersion] = createSignal(0);
  const [open, setOpen] = createSignal<OpenDoc | null>(null);
  const [error, setError] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  let text!: HTMLTextAreaElement;
  let files!: HTMLInputElement;

  onMount(async () => {
    let id;
    try { id = parseDocId(props.id); } catch { setError('This is not a ticket link.'); return; }
    if (id.kind !== 'ticket') { setError('This is not a ticket link.'); return; }
    const o = openDoc(id.id);
    o.doc.on('update', () => setVersion((v) => v + 1));
    await o.ready;
    setOpen(o);
    setVersion((v) => v + 1);
    const subject = ticket.subject(o.doc);
    await rememberDoc({ id: id.id, kind: 'ticket', title: subject ? `Ticket: ${subject}` : `Ticket ${id.uid.slice(0, 6)}`, updatedAt: Date.now() });
  });
  onCleanup(() => open()?.close());

  const doc = () => { version(); return open()?.doc; };
  const status = () => { const d = doc(); return d ? ticket.status(d) : undefined; };
  const messages = () => { const d = doc(); return d ? ticket.messages(d)?.toArray() ?? [] : []; };
  const route = () => { const d = doc(); return d ? ticket.routedTo(d) : null; };
  const role = () => me()?.user.role ?? '';
  // The viewer's side, read off the access policy: the dealer's side opens tickets for its own
  // dealer (C at own dealer); support replies and resolves; HQ, deciding on every ticket, also
  // closes a resolved one.
  const isDealer = () => onDealerSide(role());
  const canWrite = () => allowed('ticket', 'W');
  const closesResolved = () => holdsAt(role(), 'ticket', 'D', ['any']);
  const author = (): Omit<TicketMessage, 'text' | 'photos'> => ({ by: me()!.user.id, byName: me()!.user.name, role: role(), at: new Date().toISOString() });

  const move = (to: TicketStatus, text = '') => {
    const d = doc();
    if (!d) return;
    ticket.setStatus(d, to, { ...author(), text, photos: [] });
    props.onChange?.();
  };

  const reply = async (e: SubmitEvent) => {
    e.preventDefault();
    const d = doc();
    if (!d || busy()) return;
    const body = text.value.trim();
    if (!body && !files.files?.length) { setError('Write a message or add a photo.'); text.focus(); return; }
    setBusy(true);
    setError('');
    try {
      const photos = await queueFiles(files.files, parseDocId(props.id).dealerId);
      const m: TicketMessage = { ...author(), text: body, photos };
      const s = status();
      // Support's first answer moves the ticket to answered; a dealer's reply reopens it.
      if (!isDealer() && s === 'open') ticket.setStatus(d, 'answered', m);
      else if (isDealer() && (s === 'answered' || s === 'resolved')) ticket.setStatus(d, 'open', m);
      else ticket.addMessage(d, m);
      text.value = '';
      files.value = '';
      props.onChange?.();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="ticket" aria-labelledby="ticket-subject">
      <Show when={error()}><p role="alert">{error()}</p></Show>
      <Show when={open() && status() === undefined}>
        <p>This ticket has not reached this device yet{navigator.onLine ? ': fetching it…' : '. It will appear when you are online.'}</p>
      </Show>
      <Show when={status()}>
        <header class="ticket-head">
          <h2 id="ticket-subject">{ticket.subject(doc()!) ?? 'Ticket'}</h2>
          <p class="meta">
            <span class={`badge ticket-status-${status()}`} data-testid="ticket-status">{label(status()!)}</span>{' '}
            <span class="badge">{label(ticket.category(doc()!) ?? 'other')}</span>
            <Show when={route()}>{(r) => <span class="hint"> · Routed to {r().to === 'rep' ? `the rep${r().dueDate ? `, due ${r().dueDate}` : ''}` : 'the HQ queue'}</span>}</Show>
          </p>
          <Show when={open()}>{(o) => <SyncBadge state={o().state()} />}</Show>
        </header>
        <ol class="ticket-thread" aria-label="Messages">
          <For each={messages()}>{(m) => (
            <Show when={m.text || m.photos?.length} fallback={
              <li class="ticket-event"><span>{m.byName} marked this {label(m.status ?? '')}</span> <time datetime={m.at}>{when(m.at)}</time></li>
            }>
              <li class={`ticket-msg ${onDealerSide(m.role) ? 'from-dealer' : 'from-support'}`} data-role={m.role}>
                <p class="ticket-by"><strong>{m.byName}</strong> <span class="hint">{who(m.role)} · <time datetime={m.at}>{when(m.at)}</time></span></p>
                <Show when={m.text}><p class="ticket-text">{m.text}</p></Show>
                <Show when={m.photos?.length}><div class="ticket-photos"><For each={m.photos}>{(sha) => <Photo sha={sha} />}</For></div></Show>
                <Show when={m.status && m.status !== 'open'}><p class="hint">Marked {label(m.status!)}</p></Show>
              </li>
            </Show>
          )}</For>
        </ol>
        <Show when={canWrite() && status() !== 'closed'} fallback={<Show when={status() === 'closed'}><p class="hint">This ticket is closed. Open a new ticket if you need more help.</p></Show>}>
          <form class="ticket-reply" onSubmit={reply}>
            <label>Reply<textarea ref={text} rows="3" maxLength={4000} /></label>
            <label>Add photos<input ref={files} type="file" accept="image/*" multiple /></label>
            <button type="submit" disabled={busy()}>{busy() ? 'Sending…' : 'Send reply'}</button>
          </form>
          <div class="ticket-actions">
            <Show when={isDealer()}>
              <Show when={status() === 'resolved'}><button type="button" class="secondary" onClick={() => move('open')}>Reopen ticket</button></Show>
              <button type="button" class="secondary" onClick={() => move('closed')}>Close ticket</button>
            </Show>
            <Show when={!isDealer() && status() === 'answered'}><button type="button" class="secondary" onClick={() => move('resolved')}>Mark resolved</button></Show>
            <Show when={!isDealer() && status() === 'resolved' && closesResolved()}><button type="button" class="secondary" onClick={() => move('closed')}>Close ticket</button></Show>
            {props.actions?.(status())}
          </div>
        </Show>
      </Show>
    </article>
  );
}
