import { createSignal } from 'solid-js';
import { cacheGet, cachePut } from './cache.ts';

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly fields?: Record<string, string>) {
    super(message);
  }
}

// When the last read came from the device instead of the network, and how old it is.
const [offlineSince, setOfflineSince] = createSignal<number | null>(null);
export { offlineSince };

async function toError(res: Response): Promise<ApiError> {
  try {
    const body = await res.json();
    return new ApiError(res.status, body.error?.code ?? 'error', body.error?.message ?? `Request failed (${res.status})`, body.error?.fields);
  } catch {
    return new ApiError(res.status, 'error', `Request failed (${res.status})`);
  }
}

export async function send<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await toError(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

// Network first, the device's copy when the network is not there. A 4xx is an answer, not
// an outage: it is passed on and never replaced by a stale copy.
export async function get<T>(url: string): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { credentials: 'same-origin' });
  } catch {
    const cached = await cacheGet<T>(url);
    if (cached) {
      setOfflineSince((prev) => prev ?? cached.at);
      return cached.value;
    }
    throw new ApiError(0, 'offline', 'You are offline and this has not been loaded on this device yet.');
  }
  if (!res.ok) throw await toError(res);
  const value = (await res.json()) as T;
  setOfflineSince(null);
  void cachePut(url, value);
  return value;
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const q = s.toString();
  return q ? `?${q}` : '';
}
