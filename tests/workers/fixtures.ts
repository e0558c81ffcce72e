// The demo generator, run inside workerd on a small made-up city list: the Worker tests see
// the same shape of network that `npm start` loads, without reading files.
import { env, exports } from 'cloudflare:workers';
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { hashPassword } from '../../core/auth/password.ts';
import { generateDemo, toSql, type City, type DemoRows } from '../../core/demo/generate.ts';
import { DEMO_PASSWORD } from '../../core/demo/users.ts';
import { MESSAGE_SYNC, SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE, syncMessage } from '../../durable-objects/protocol.ts';

const CITIES: City[] = Array.from({ length: 40 }, (_, i) => ({
  name: `Town ${i}`, country: 'DE', lat: 47.5 + (i % 8) * 0.8, lng: 6.5 + Math.floor(i / 8) * 1.6,
}));

let rows: DemoRows | null = null;
export const ORIGIN = 'http://localhost';

// The dealer a demo user belongs to (the demo dealer admin's, unless named).
export const dealerOf = (rows: DemoRows, userId = 'usr_dealer_admin') => String(rows.users.find((u) => u.id === userId)!.dealer_id);

export async function seedDemo(): Promise<DemoRows> {
  const db = (env as unknown as { DB: D1Database }).DB;
  const existing = await db.prepare('select count(*) as n from organisations').first<{ n: number }>();
  rows ??= generateDemo({ seed: 7, scale: 'demo', cities: CITIES, passwordHash: await hashPassword(DEMO_PASSWORD), today: new Date().toISOString().slice(0, 10) });
  if (!existing?.n) await db.batch(toSql(rows).map((s) => db.prepare(s)));
  return rows;
}

export type Api = (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;

export function call(cookie = ''): Api {
  return (path, init = {}) => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    if (!headers.has('origin') && init.method && init.method !== 'GET') headers.set('origin', ORIGIN);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify(init.json);
    }
    return exports.default.fetch(`${ORIGIN}${path}`, { ...init, headers, body });
  };
}

export async function signIn(email: string, password = DEMO_PASSWORD, ip = `10.0.0.${Math.floor(Math.random() * 250)}`): Promise<Api & { cookie: string }> {
  const res = await call()('/api/session', { method: 'POST', json: { email, password }, headers: { 'cf-connecting-ip': ip } });
  if (res.status !== 200) throw new Error(`sign-in of ${email}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return Object.assign(call(cookie), { cookie });
}

export const ROLES_EMAIL = {
  hq_admin: 'hq@demo.test', regional_manager: 'manager@demo.test', analyst: 'analyst@demo.test', field_rep: 'rep@demo.test',
  dealer_admin: 'dealer@demo.test', dealer_staff: 'staff@demo.test', supplier: 'supplier@demo.test',
} as const;

export async function tableDigest(...tables: string[]): Promise<string> {
  const db = (env as unknown as { DB: D1Database }).DB;
  const parts: string[] = [];
  for (const t of tables) parts.push(JSON.stringify((await db.prepare(`select * from ${t} order by rowid`).all()).results));
  return parts.join('|');
}

// --- Documents as a raw client sees them: base64 catch-up and a bare Yjs socket ---

export const toB64 = (u: Uint8Array) => { let s = ''; for (const x of u) s += String.fromCharCode(x); return btoa(s); };
export const fromB64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

export interface SyncResult { doc: string; diff?: string; stateVector?: string; corrected?: boolean; error?: { code: string; message: string } }

// One POST /api/sync with many documents, each a state vector and maybe an update.
export async function syncBatch(api: Api, docs: Array<{ doc: string; stateVector: Uint8Array; update?: Uint8Array }>): Promise<SyncResult[]> {
  const res = await api('/api/sync', { method: 'POST', json: { docs: docs.map((d) => ({ doc: d.doc, stateVector: toB64(d.stateVector), ...(d.update ? { update: toB64(d.update) } : {}) })) } });
  if (res.status !== 200) throw new Error(`POST /api/sync: ${res.status} ${await res.text()}`);
  return (await res.json<{ results: SyncResult[] }>()).results;
}

// A y-websocket-style client without awareness: keeps a Y.Doc in sync over one socket and
// sends every local change.
export class DocSocket {
  doc = new Y.Doc();
  closed: { code: number; reason: string } | null = null;
  constructor(readonly ws: WebSocket) {
    ws.accept();
    let chain = Promise.resolve();
    ws.addEventListener('message', (ev) => { chain = chain.then(async () => this.onMessage(ev.data instanceof Blob ? await ev.data.arrayBuffer() : ev.data as ArrayBuffer)); });
    ws.addEventListener('close', (ev) => { this.closed = { code: ev.code, reason: ev.reason }; });
    this.doc.on('update', (u: Uint8Array, origin: unknown) => { if (origin !== 'remote') this.send(SYNC_UPDATE, u); });
    this.send(SYNC_STEP_1, Y.encodeStateVector(this.doc));
  }
  private send(step: number, payload: Uint8Array) { try { this.ws.send(syncMessage(step, payload)); } catch { /* closed */ } }
  private onMessage(data: ArrayBuffer | string) {
    if (typeof data === 'string') return;
    const d = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(d) !== MESSAGE_SYNC) return;
    const sub = decoding.readVarUint(d);
    const payload = decoding.readVarUint8Array(d);
    if (sub === SYNC_STEP_1) this.send(SYNC_STEP_2, Y.encodeStateAsUpdate(this.doc, payload));
    else Y.applyUpdate(this.doc, payload, 'remote');
  }
}

// The Worker's answer to an upgrade for /sync/<kind>/<id>, and the socket when it was 101.
export async function openDocSocket(cookie: string, docId: string): Promise<{ status: number; socket: DocSocket | null }> {
  const res = await call(cookie)(`/sync/${docId.split('.')[0]}/${docId}`, { headers: { upgrade: 'websocket' } });
  return { status: res.status, socket: res.status === 101 && res.webSocket ? new DocSocket(res.webSocket) : null };
}

export async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    let ok = false;
    try { ok = check(); } catch { ok = false; }
    if (ok) return;
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}
