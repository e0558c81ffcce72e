// Loaded into the Workbox service worker (importScripts): shows a Web Push message sent by the
// Worker (worker/notify) as a system notification, and opens its page when it is tapped.

interface PushPayload { id?: string; kind?: string; title?: string; body?: string; url?: string }
interface PushEventLike { data: { json(): unknown; text(): string } | null; waitUntil(p: Promise<unknown>): void }
interface NotificationEventLike { notification: { close(): void; data?: { url?: string } }; waitUntil(p: Promise<unknown>): void }
interface WindowClientLike { url: string; focus(): Promise<unknown>; navigate(url: string): Promise<unknown> }
interface Scope {
  location: Location;
  registration: { showNotification(title: string, options: NotificationOptions & { data?: unknown }): Promise<void> };
  clients: { matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>; openWindow(url: string): Promise<unknown> };
  addEventListener(type: 'push', listener: (event: PushEventLike) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEventLike) => void): void;
}
const scope = self as unknown as Scope;

function payloadOf(event: PushEventLike): PushPayload {
  if (!event.data) return {};
  try {
    return event.data.json() as PushPayload;
  } catch {
    return { body: event.data.text() };
  }
}

// Only pages of this app are opened, whatever the payload says.
function sameOrigin(url: string | undefined): string {
  try {
    const u = new URL(url || '/', scope.location.origin);
    return u.origin === scope.location.origin ? u.pathname + u.search + u.hash : '/';
  } catch {
    return '/';
  }
}

scope.addEventListener('push', (event) => {
  const p = payloadOf(event);
  const url = sameOrigin(p.url);
  event.waitUntil(scope.registration.showNotification(p.title || 'New notification', {
    body: p.body ?? '',
    tag: p.id,
    icon: '/icons/icon.svg',
    data: { url },
  }));
});

scope.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = sameOrigin(event.notification.data?.url);
  event.waitUntil((async () => {
    const windows = await scope.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const target = new URL(url, scope.location.origin).href;
    const exact = windows.find((w) => w.url === target);
    if (exact) return exact.focus();
    const any = windows[0];
    if (any) {
      await any.focus();
      return any.navigate(target).catch(() => scope.clients.openWindow(target));
    }
    return scope.clients.openWindow(target);
  })());
});
