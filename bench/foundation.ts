// `npm run bench` (foundation part): initial JavaScript of the sign-in and home screens
// (gzipped, target ≤ 120 KB, Leaflet only with the map) and GET /api/dealers with filters on
// the 10,000-dealer network (p95 target < 20 ms on wrangler dev), with the same query's time
// on plain SQLite (better-sqlite3 12) printed beside it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DEMO_PASSWORD } from '../core/demo/users.ts';
import { launchChromium } from '../tests/e2e/support/chromium.ts';
import { applyMigrations, build, freePort, ROOT, seed, startDev } from '../scripts/local-stack.ts';

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

if (!existsSync(`${ROOT}dist/client/index.html`)) build();
const persistTo = mkdtempSync(join(tmpdir(), 'fieldnet-bench-'));
applyMigrations(persistTo);
const t0 = performance.now();
seed(persistTo, 'bench');
console.log(`bench network seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const dev = await startDev({ port: await freePort(), persistTo, quiet: true });

try {
  // --- initial JavaScript per screen, measured on what Chromium actually fetched ---
  const browser = await launchChromium();
  const context = await browser.newContext({ baseURL: dev.url, serviceWorkers: 'block' });
  const page = await context.newPage();
  let scripts = new Set<string>();
  page.on('request', (r) => { if (r.resourceType() === 'script') scripts.add(new URL(r.url()).pathname); });
  const gz = (paths: Set<string>) => [...paths].reduce((n, p) => n + gzipSync(readFileSync(`${ROOT}dist/client${p}`)).length, 0);

  await page.goto('/login');
  await page.getByLabel('Email').waitFor();
  const signInJs = new Set(scripts);
  await page.getByLabel('Email').fill('hq@demo.test');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname.startsWith('/hq'));
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.waitForLoadState('networkidle');
  const homeJs = new Set(scripts);
  scripts = new Set();
  await page.goto('/hq/map');
  await page.locator('.leaflet-container').waitFor({ timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  const mapJs = new Set(scripts);
  const hasLeaflet = (set: Set<string>) => [...set].some((p) => readFileSync(`${ROOT}dist/client${p}`, 'utf8').includes('leaflet-container'));
  console.log('\ninitial JavaScript (gzipped), target ≤ 120 KB:');
  console.log(`  sign-in screen          ${kb(gz(signInJs)).padStart(9)}  (${signInJs.size} files, Leaflet: ${hasLeaflet(signInJs) ? 'yes' : 'no'})`);
  console.log(`  sign-in + HQ home       ${kb(gz(homeJs)).padStart(9)}  (${homeJs.size} files, Leaflet: ${hasLeaflet(homeJs) ? 'yes' : 'no'})`);
  console.log(`  map screen loads        ${kb(gz(mapJs)).padStart(9)}  more (Leaflet: ${hasLeaflet(mapJs) ? 'yes' : 'no'})`);
  await browser.close();

  // --- GET /api/dealers with filters on the 10,000-dealer network ---
  const login = await fetch(`${dev.url}/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json', origin: dev.url },
    body: JSON.stringify({ email: 'hq@demo.test', password: DEMO_PASSWORD }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const regions = (await (await fetch(`${dev.url}/api/regions`, { headers: { cookie } })).json()).items as Array<{ id: string }>;
  const inScope = (await (await fetch(`${dev.url}/api/dealers?pageSize=1`, { headers: { cookie } })).json()).total;
  const queries = [
    '', 'status=active', `region=${regions[0].id}&status=active`, 'tier=gold&type=dealer', `region=${regions[1].id}&tier=silver&page=3`,
    'q=ber', `q=a&region=${regions[2].id}&type=sub_dealer`, 'type=distributor',
  ];
  for (const q of queries) await fetch(`${dev.url}/api/dealers?${q}`, { headers: { cookie } });
  const timeIt = async (path: string, rounds: number) => {
    const total: number[] = [];
    const inWorker: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const s = performance.now();
      const res = await fetch(`${dev.url}${path}`, { headers: { cookie } });
      await res.arrayBuffer();
      total.push(performance.now() - s);
      if (!res.ok) throw new Error(`GET ${path} → ${res.status}`);
      const m = /app;dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
      if (m) inWorker.push(Number(m[1]));
    }
    return { total, inWorker };
  };
  const floor = await timeIt('/api/health', 160);
  const total: number[] = [];
  const inWorker: number[] = [];
  for (let i = 0; i < 40; i++) {
    for (const q of queries) {
      const t = await timeIt(`/api/dealers?${q}${q ? '&' : ''}pageSize=50`, 1);
      total.push(...t.total);
      inWorker.push(...t.inWorker);
    }
  }
  const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} ms   p95 ${percentile(xs, 95).toFixed(2)} ms`;
  console.log(`\nGET /api/dealers with filters, ${inScope} dealers in scope, ${total.length} requests (8 filter mixes), wrangler dev:`);
  console.log(`  end to end          ${fmt(total)}   (target p95 < 20 ms)`);
  console.log(`  inside the Worker   ${fmt(inWorker)}   (session + scope + page + count on D1; Server-Timing)`);
  console.log(`  wrangler dev floor  ${fmt(floor.total)}   (GET /api/health: no D1, the local proxy's own cost here)`);

  // --- the same queries on plain SQLite with better-sqlite3 12 ---
  const dbDir = join(persistTo, 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const dbFile = readdirSync(dbDir).find((f) => f.endsWith('.sqlite') && f !== 'metadata.sqlite');
  if (!dbFile) throw new Error('local D1 file not found');
  const sqliteTimes = plainSqlite(join(dbDir, dbFile), regions.map((r) => r.id));
  console.log(`  plain SQLite (better-sqlite3 12, same SQL, same file): ${sqliteTimes}`);
} finally {
  await dev.stop();
  rmSync(persistTo, { recursive: true, force: true });
}

// better-sqlite3 12 builds for the machine's Node 20 (its v13 needs Node 22 and its prebuilt
// binaries cannot be downloaded here), so it lives in a bench-only folder and runs there.
function plainSqlite(file: string, regionIds: string[]): string {
  const dir = `${ROOT}.cache/bench-sqlite`;
  const systemNode = (process.env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')).map((p) => `${p}/node`).find((p) => existsSync(p));
  if (!systemNode) return 'skipped: no system Node to run better-sqlite3 12';
  const env = { ...process.env, PATH: (process.env.PATH ?? '').split(':').filter((p) => !p.includes('node_modules')).join(':') };
  if (!existsSync(`${dir}/node_modules/better-sqlite3/build/Release`)) {
    console.log('  (installing better-sqlite3@12 for the comparison, built for the system Node: about 2 minutes, once)');
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/package.json`, JSON.stringify({ private: true, allowScripts: { 'better-sqlite3': true } }));
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', 'better-sqlite3@12'], { env, encoding: 'utf8', cwd: dir });
    if (r.status !== 0) return `skipped: better-sqlite3@12 did not install (${r.stderr.slice(-300)})`;
  }
  const script = `${dir}/run.cjs`;
  writeFileSync(script, sqliteScript());
  const r = spawnSync(systemNode, [script, file, JSON.stringify(regionIds)], { env, encoding: 'utf8', cwd: dir });
  return r.status === 0 ? r.stdout.trim() : `failed: ${r.stderr.slice(-500)}`;
}

function sqliteScript(): string {
  return String.raw`
const Database = require('better-sqlite3');
const [file, regionsJson] = process.argv.slice(2);
const regions = JSON.parse(regionsJson);
const db = new Database(file, { readonly: true });
const cols = 'd.id, d.code, d.name, d.type, d.tier, d.status, d.segments, d.region_id, r.name as region_name, d.territory_id, d.city, d.country, d.lat, d.lng, d.parent_id';
const mixes = [
  ["d.status != 'archived'", []],
  ["d.status = ?", ['active']],
  ["d.region_id = ? and d.status = ?", [regions[0], 'active']],
  ["d.tier = ? and d.type = ? and d.status != 'archived'", ['gold', 'dealer']],
  ["d.region_id = ? and d.tier = ? and d.status != 'archived'", [regions[1], 'silver'], 100],
  ["(d.name like ? or d.code like ? or d.city like ?) and d.status != 'archived'", ['%ber%', '%ber%', '%ber%']],
  ["(d.name like ? or d.code like ? or d.city like ?) and d.region_id = ? and d.type = ? and d.status != 'archived'", ['%a%', '%a%', '%a%', regions[2], 'sub_dealer']],
  ["d.type = ? and d.status != 'archived'", ['distributor']],
];
const stmts = mixes.map(([where, args, offset]) => ({
  page: db.prepare('select ' + cols + ' from dealers d left join regions r on r.id = d.region_id where ' + where + ' order by d.name limit 50 offset ' + (offset || 0)),
  count: db.prepare('select count(*) as n from dealers d where ' + where),
  args,
}));
const times = [];
for (let i = 0; i < 40; i++) for (const s of stmts) {
  const t = process.hrtime.bigint();
  s.page.all(...s.args); s.count.get(...s.args);
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
}
times.sort((a, b) => a - b);
const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
console.log('p50 ' + p(0.5) + ' ms   p95 ' + p(0.95) + ' ms   (' + times.length + ' page+count queries)');
`;
}
