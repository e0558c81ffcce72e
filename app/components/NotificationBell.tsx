import { useNavigate } from '@solidjs/router';
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { get, send } from '../lib/api.ts';

interface Notice { id: string; kind: string; title: string; body: string; url: string | null; createdAt: string; readAt: string | null }
interface NoticeList { items: Notice[]; unread: number }

// The bell in the header: how many notifications are unread, and a panel to read them.
export default function NotificationBell() {
  const navigate = useNavigate();
  const [list, setList] = createSignal<NoticeList>({ items: [], unread: 0 });
  const [open, setOpen] = createSignal(false);
  let button: HTMLButtonElement | undefined;
  let panel: HTMLDivElement | undefined;

  const load = async () => { try { setList(await get<NoticeList>('/api/notifications')); } catch { /* offline with nothing cached: keep what is shown */ } };
  const read = async (body: { ids: string[] } | { all: true }) => {
    try {
      const r = await send<{ unread: number }>('POST', '/api/notifications/read', body);
      const at = new Date().toISOString();
      const ids = 'ids' in body ? new Set(body.ids) : null;
      setList((l) => ({ unread: r.unread, items: l.items.map((n) => (!ids || ids.has(n.id)) && !n.readAt ? { ...n, readAt: at } : n) }));
    } catch { /* offline: they stay unread */ }
  };
  const close = (focus = true) => { setOpen(false); if (focus) button?.focus(); };
  const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && open()) close(); };
  const onClick = (e: MouseEvent) => { if (open() && !panel?.contains(e.target as Node) && !button?.contains(e.target as Node)) close(false); };
  const timer = setInterval(() => { if (navigator.onLine && document.visibilityState === 'visible') void load(); }, 60_000);
  const onVisible = () => { if (document.visibilityState === 'visible') void load(); };
  onMount(() => {
    void load();
    addEventListener('keydown', onKey);
    addEventListener('click', onClick);
    document.addEventListener('visibilitychange', onVisible);
  });
  onCleanup(() => {
    clearInterval(timer);
    removeEventListener('keydown', onKey);
    removeEventListener('click', onClick);
    document.removeEventListener('visibilitychange', onVisible);
  });

  const go = async (n: Notice) => {
    if (!n.readAt) await read({ ids: [n.id] });
    close(false);
    if (n.url?.startsWith('/')) navigate(n.url);
  };

  return (
    <div class="bell">
      <button ref={button} type="button" class="bell-button" aria-expanded={open()} aria-controls="notifications-panel"
        aria-label={list().unread ? `Notifications, ${list().unread} unread` : 'Notifications'}
        onClick={() => { setOpen(!open()); if (open()) void load(); }}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22"><path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" /></svg>
        <Show when={list().unread}><span class="bell-count" aria-hidden="true">{list().unread > 99 ? '99+' : list().unread}</span></Show>
      </button>
      <Show when={open()}>
        <div ref={panel} id="notifications-panel" class="bell-panel" role="region" aria-label="Notifications">
          <div class="bell-head">
            <strong>Notifications</strong>
            <Show when={list().unread}><button type="button" class="link" onClick={() => read({ all: true })}>Mark all read</button></Show>
          </div>
          <Show when={list().items.length} fallback={<p class="hint">Nothing yet. Order decisions, shipments and ticket answers show up here.</p>}>
            <ul class="plain bell-list">
              <For each={list().items}>{(n) => (
                <li classList={{ unread: !n.readAt }}>
                  <button type="button" class="bell-item" onClick={() => go(n)}>
                    <span class="bell-title">{n.readAt ? '' : <span class="sr-only">Unread: </span>}{n.title}</span>
                    <Show when={n.body}><span class="hint">{n.body}</span></Show>
                    <time class="hint" dateTime={n.createdAt}>{new Date(n.createdAt).toLocaleString()}</time>
                  </button>
                </li>
              )}</For>
            </ul>
          </Show>
        </div>
      </Show>
    </div>
  );
}
