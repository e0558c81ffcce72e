import { A, useLocation, useNavigate } from '@solidjs/router';
import { createSignal, For, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { offlineSince } from '../lib/api.ts';
import { may, mayUse, myHome, myNav, writesDocuments, type Face, type Need } from '../lib/access.ts';
import { timeAgo } from '../lib/format.ts';
import { loadMe, me, signOut } from '../lib/session.ts';
import NotificationBell from './NotificationBell.tsx';

// The frame of every signed-in screen. It also guards the page: a user without a session goes
// to sign-in, a user who may not use the page (another face, or without what the page needs)
// goes home. The links are the user's face's, those the access policy lets the user use.
// Its children render only for a user who may use the page, so a page keeps its data and
// effects in a child component (`<Shell …><PageContent /></Shell>`): for anyone else nothing
// of it runs, no request is refused and no error is thrown before the user is sent home.
export default function Shell(props: { face?: Face | readonly Face[]; need?: Need; children: JSX.Element }) {
  const navigate = useNavigate();
  const location = useLocation();
  const [online, setOnline] = createSignal(navigator.onLine);
  const update = () => setOnline(navigator.onLine);
  const usable = () => mayUse({ face: props.face, need: props.need });
  onMount(async () => {
    addEventListener('online', update);
    addEventListener('offline', update);
    const m = me() === undefined ? await loadMe() : me();
    if (!m) navigate('/login', { replace: true });
    // Home is every face's first page; were it refused, the notice below shows instead of a loop.
    else if (!usable()) { if (location.pathname !== myHome()) navigate(myHome(), { replace: true }); }
    // Those who write documents catch up the ones not on screen whenever the network returns.
    else if (writesDocuments()) startCatchUpOnce();
  });
  onCleanup(() => { removeEventListener('online', update); removeEventListener('offline', update); });

  const out = async () => {
    const { unsyncedDocs } = await import('../sync/registry.ts');
    const waiting = (await unsyncedDocs()).length;
    if (waiting && !confirm(`${waiting} document${waiting === 1 ? ' has' : 's have'} changes not yet sent. Signing out removes them from this device. Sign out anyway?`)) return;
    await import('../lib/push.ts').then((m) => m.disablePush()).catch(() => {});
    await signOut();
    navigate('/login', { replace: true });
  };

  return (
    <Show when={me() && usable()} fallback={
      <Show when={me() && location.pathname === myHome()}>
        <main id="main" class="login"><h1>Nothing to show</h1><p>Your account has no access to this page.</p><button type="button" onClick={out}>Sign out</button></main>
      </Show>
    }>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">{me()!.brand.shortName}</span>
        <nav aria-label="Main">
          <For each={myNav()}>{(n) => <A href={n.href} end>{n.label}</A>}</For>
        </nav>
        <NotificationBell />
        <span class="who" title={me()!.user.email}>{me()!.user.name}</span>
        <button type="button" class="link" onClick={out}>Sign out</button>
      </header>
      <div role="status" aria-live="polite" class="netstate">
        <Show when={!online() || offlineSince()}>
          <p class="offline">Offline{offlineSince() ? ` — showing data from ${timeAgo(offlineSince()!)}` : ''}</p>
        </Show>
      </div>
      <main id="main" tabindex="-1">{props.children}</main>
    </Show>
  );
}

let catchUpStarted = false;
function startCatchUpOnce() {
  if (catchUpStarted) return;
  catchUpStarted = true;
  void import('../sync/registry.ts').then((m) => m.startBackgroundCatchUp());
  // Photos taken offline go up whenever the network is back.
  if (may('photos:upload')) void import('../field/photos.ts').then((m) => m.startPhotoUploads());
}
