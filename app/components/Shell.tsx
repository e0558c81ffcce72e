import { A, useNavigate } from '@solidjs/router';
import { createSignal, onCleanup, onMount, Show, type JSX } from 'solid-js';
import { offlineSince } from '../lib/api.ts';
import { timeAgo } from '../lib/format.ts';
import { loadMe, me, signOut, type Role } from '../lib/session.ts';
import NotificationBell from './NotificationBell.tsx';

export interface NavItem { href: string; label: string }

// The frame of every signed-in screen. It also guards the face: a user without a session
// goes to sign-in, a user of another face goes home.
export default function Shell(props: { roles: Role[]; nav: NavItem[]; children: JSX.Element }) {
  const navigate = useNavigate();
  const [online, setOnline] = createSignal(navigator.onLine);
  const update = () => setOnline(navigator.onLine);
  onMount(async () => {
    addEventListener('online', update);
    addEventListener('offline', update);
    const m = me() === undefined ? await loadMe() : me();
    if (!m) navigate('/login', { replace: true });
    else if (!props.roles.includes(m.user.role)) navigate('/', { replace: true });
    // Faces that write documents catch up the ones not on screen whenever the network returns.
    else if (['dealer_admin', 'dealer_staff', 'field_rep'].includes(m.user.role)) startCatchUpOnce();
  });
  onCleanup(() => { removeEventListener('online', update); removeEventListener('offline', update); });

  return (
    <Show when={me() && props.roles.includes(me()!.user.role)}>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">{me()!.brand.shortName}</span>
        <nav aria-label="Main">
          {props.nav.map((n) => <A href={n.href} end>{n.label}</A>)}
        </nav>
        <NotificationBell />
        <span class="who" title={me()!.user.email}>{me()!.user.name}</span>
        <button type="button" class="link" onClick={async () => {
          const { unsyncedDocs } = await import('../sync/registry.ts');
          const waiting = (await unsyncedDocs()).length;
          if (waiting && !confirm(`${waiting} document${waiting === 1 ? ' has' : 's have'} changes not yet sent. Signing out removes them from this device. Sign out anyway?`)) return;
          await import('../lib/push.ts').then((m) => m.disablePush()).catch(() => {});
          await signOut();
          navigate('/login', { replace: true });
        }}>Sign out</button>
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
  if (me()?.permissions.includes('photos:upload')) void import('../field/photos.ts').then((m) => m.startPhotoUploads());
}

export const HQ_NAV: NavItem[] = [{ href: '/hq', label: 'Dealers' }, { href: '/hq/map', label: 'Map' }, { href: '/hq/field', label: 'Field' }, { href: '/hq/approvals', label: 'Approvals' }, { href: '/hq/forms', label: 'Forms' }, { href: '/hq/announcements', label: 'Announcements' }, { href: '/hq/tickets', label: 'Tickets' }, { href: '/hq/integrations', label: 'Integrations' }, { href: '/hq/stock', label: 'Stock' }];
export const FIELD_NAV: NavItem[] = [{ href: '/field/today', label: 'Today' }, { href: '/field', label: 'My dealers' }];
export const PORTAL_NAV: NavItem[] = [{ href: '/portal', label: 'My dealer' }, { href: '/portal/approvals', label: 'Network orders' }, { href: '/portal/tickets', label: 'Support' }, { href: '/portal/catalog', label: 'Catalog' }, { href: '/portal/stock', label: 'Stock' }];
