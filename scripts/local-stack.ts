// The local stack as one set of steps shared by `npm start`, the browser tests and the
// benchmarks: build, D1 migrations, demo data, then `wrangler dev` (workerd with local D1,
// Durable Objects and R2 under a persist directory).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WRANGLER = `${ROOT}node_modules/wrangler/bin/wrangler.js`;

function run(args: string[], what: string): string {
  const res = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' } });
  if (res.status !== 0) throw new Error(`${what} failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`);
  return res.stdout;
}

export function build(): void {
  run([`${ROOT}scripts/build.mjs`], 'build');
}

export function applyMigrations(persistTo: string): void {
  run([WRANGLER, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo], 'D1 migrations');
}

// Loads the demo network when the database is empty; a database with data is left alone.
export function seed(persistTo: string, scale: 'demo' | 'bench' = 'demo'): string {
  const script = existsSync(`${ROOT}scripts/seed.ts`) ? `${ROOT}scripts/seed.ts` : `${ROOT}scripts/seed.mjs`;
  return run([script, '--apply', '--scale', scale, '--persist-to', persistTo], 'demo data');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface DevServer { url: string; process: ChildProcess; stop: () => Promise<void> }

export async function startDev(opts: { port: number; persistTo: string; vars?: Record<string, string>; ip?: string; quiet?: boolean }): Promise<DevServer> {
  const ip = opts.ip ?? '127.0.0.1';
  const args = [WRANGLER, 'dev', '--port', String(opts.port), '--ip', ip, '--persist-to', opts.persistTo,
    '--inspector-port', String(await freePort()), '--log-level', opts.quiet ? 'error' : 'info', '--show-interactive-dev-session=false'];
  for (const [k, v] of Object.entries(opts.vars ?? {})) args.push('--var', `${k}:${v}`);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: opts.quiet ? ['ignore', 'ignore', 'pipe'] : ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    detached: false,
  });
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr += String(d); });
  const url = `http://${ip === '0.0.0.0' ? '127.0.0.1' : ip}:${opts.port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${stderr}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`wrangler dev did not answer at ${url} within 60 s:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    process: child,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }),
  };
}
