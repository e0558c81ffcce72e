// `npm run bench:route -- FILE...`: tour length and time per TSPLIB file (default: the
// instances in ../shared/bench/tsplib), with the gap over the optimum where optima.tsv knows it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solveTsp } from '../core/route/tsp.ts';
import { parseTsplib, tsplibMatrix } from '../core/route/tsplib.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const defaultDir = join(root, '..', 'shared', 'bench', 'tsplib');
let files = process.argv.slice(2).filter((a) => a !== '--');
if (!files.length) files = existsSync(defaultDir) ? readdirSync(defaultDir).filter((f) => f.endsWith('.tsp')).sort().map((f) => join(defaultDir, f)) : [];
if (!files.length) { console.error('No TSPLIB files given and ../shared/bench/tsplib not found.'); process.exit(2); }

function optimaFor(file: string): Map<string, number> {
  const tsv = join(dirname(file), 'optima.tsv');
  if (!existsSync(tsv)) return new Map();
  return new Map(readFileSync(tsv, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')).map(([name, , opt]) => [name, Number(opt)]));
}

console.log(['instance', 'nodes', 'tour length', 'optimum', 'gap %', 'ms'].map((h, i) => (i ? h.padStart(12) : h.padEnd(12))).join(''));
const gaps: number[] = [];
for (const file of files) {
  const inst = parseTsplib(readFileSync(file, 'utf8'));
  const name = inst.name || basename(file, '.tsp');
  const m = tsplibMatrix(inst);
  const t0 = performance.now();
  const { length } = solveTsp(m);
  const ms = performance.now() - t0;
  const opt = optimaFor(file).get(name);
  const gap = opt ? ((length - opt) / opt) * 100 : NaN;
  if (opt) gaps.push(gap);
  console.log([name.padEnd(12), String(m.n).padStart(12), String(Math.round(length)).padStart(12), String(opt ?? '—').padStart(12), (opt ? gap.toFixed(2) : '—').padStart(12), ms.toFixed(0).padStart(12)].join(''));
}
if (gaps.length) console.log(`average gap ${(gaps.reduce((a, b) => a + b, 0) / gaps.length).toFixed(3)} %, worst ${Math.max(...gaps).toFixed(2)} % (targets: average ≤ 0.5 %, none above 1 %, each ≤ 300 ms)`);
