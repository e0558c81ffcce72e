// The demo generator, run inside workerd on a small made-up city list: the Worker tests see
// the same shape of network that `npm start` loads, without reading files.
import { env, exports } from 'cloudflare:workers';
import { hashPassword } from '../../core/auth/password.ts';
import { generateDemo, toSql, type City, type DemoRows } from '../../core/demo/generate.ts';
import { DEMO_PASSWORD } from '../../core/demo/users.ts';

const CITIES: City[] = Array.from({ length: 40 }, (_, i) => ({
  name: `Town ${i}`, country: 'DE', lat: 47.5 + (i % 8) * 0.8, lng: 6.5 + Math.floor(i / 8) * 1.6,
}));

let rows: DemoRows | null = null;
export const ORIGIN = 'http://localhost';

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
