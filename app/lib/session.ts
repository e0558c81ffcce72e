import { createSignal } from 'solid-js';
import type { Permission, Resource, ScopeKind } from '../../core/access/index.ts';
import type { Role } from '../../core/db/schema.ts';
import { get, send } from './api.ts';
import { cacheClear, cachePut } from './cache.ts';

export type { Role };

// GET /api/me (and the answer to signing in). What the user may do comes from the access
// policy on the server: the permissions the role holds and, per resource, its letters R/C/W/D.
// Ask app/lib/access.ts rather than reading these directly.
export interface Me {
  user: { id: string; email: string; name: string; role: Role; dealerId: string | null };
  scope: { kind: ScopeKind; regionIds: string[]; dealerId: string | null };
  permissions: Permission[];
  allowedActions: Partial<Record<Resource, string>>;
  brand: { name: string; shortName: string; primaryColor: string; backgroundColor: string; logoUrl: string | null; currency: string; locale: string; timezone: string };
  config: { tileUrl: string; tileAttribution: string };
}

const [me, setMe] = createSignal<Me | null | undefined>(undefined);
export { me };

function applyBrand(m: Me) {
  document.documentElement.style.setProperty('--brand', m.brand.primaryColor);
  document.title = m.brand.name;
}

// Resolves to the signed-in user (from the network, or this device's copy when offline), or
// null when the server says nobody is signed in.
export async function loadMe(): Promise<Me | null> {
  try {
    const m = await get<Me>('/api/me');
    applyBrand(m);
    setMe(m);
    return m;
  } catch {
    // 401, or offline with nothing on this device: either way, sign-in is the way forward.
    setMe(null);
    return null;
  }
}

export async function signIn(email: string, password: string): Promise<Me> {
  const m = await send<Me>('POST', '/api/session', { email, password });
  // A new user on this device starts from an empty cache; /api/me is kept so the app can
  // open signed in with the network off.
  await cacheClear();
  await cachePut('/api/me', m);
  applyBrand(m);
  setMe(m);
  return m;
}

export async function signOut(): Promise<void> {
  try { await send('DELETE', '/api/session'); } catch { /* signed out locally all the same */ }
  // This device's documents go with the session; the server keeps what was synced.
  const { clearLocalDocs } = await import('../sync/registry.ts');
  await clearLocalDocs();
  await cacheClear();
  setMe(null);
}
