// Runs every benchmark in turn; each prints its own figures.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const benches = [
  ['route optimiser on TSPLIB (../shared/bench/tsplib)', ['bench/route.ts']],
  ['foundation: bundle size and dealer API', ['bench/foundation.ts']],
  ['document sync', ['bench/sync.ts']],
];
let failed = 0;
for (const [title, args] of benches) {
  console.log(`\n=== ${title}`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
