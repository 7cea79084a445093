/**
 * `npx node tests/netfilter/agreement.ts [N] [--from SEED] [--batch B] [--l4] [--show K] [--full]`
 * (or `--seeds 3,17,42` for given seeds): runs N
 * generated scenarios (seeds SEED … SEED+N-1) on the real kernel and on the engine and prints the
 * agreement rate, overall and per aspect, with the diffs of the first K disagreements. Needs root.
 */
import { kernelUnavailable } from '../kernel/real.ts';
import { ASPECTS, type CaseResult, runBatch } from './agreement-run.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const count = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : 1000);
const from = option('--from', 1);
const batch = option('--batch', 10);
const show = option('--show', 3);
const l4 = process.argv.includes('--l4');

const reason = await kernelUnavailable();
if (reason !== undefined) {
  console.error(`agreement: the kernel side cannot run here: ${reason}`);
  process.exit(2);
}

const listed = process.argv.indexOf('--seeds');
const seeds =
  listed >= 0
    ? (process.argv[listed + 1] ?? '').split(',').map(Number)
    : Array.from({ length: count }, (_, i) => from + i);
const batches: number[][] = [];
for (let i = 0; i < seeds.length; i += batch) batches.push(seeds.slice(i, i + batch));
const results: CaseResult[] = [];
const started = Date.now();
let next = 0;
async function worker(): Promise<void> {
  while (next < batches.length) {
    const mine = batches[next++] as number[];
    results.push(...(await runBatch(mine, { l4 })));
    process.stderr.write(`\r${results.length}/${seeds.length} cases`);
  }
}
// runOnKernel runs at most 4 sandboxes at once; more workers would only queue.
await Promise.all(Array.from({ length: 4 }, worker));
process.stderr.write('\n');
results.sort((a, b) => a.seed - b.seed);

const pct = (n: number) => `${((100 * n) / results.length).toFixed(1)}%`;
const agreeing = results.filter((r) => r.agree).length;
const range = listed >= 0 ? 'listed seeds' : `seeds ${from}–${from + count - 1}`;
console.log(`cases: ${results.length} (${range}${l4 ? ', with UDP/TCP probes' : ''})`);
console.log(`agreement: ${agreeing}/${results.length} (${pct(agreeing)})`);
for (const aspect of ASPECTS) {
  const n = results.filter((r) => r.aspects[aspect]).length;
  console.log(`  ${aspect.padEnd(10)} ${n}/${results.length} (${pct(n)})`);
}
console.log(`time: ${((Date.now() - started) / 1000).toFixed(0)} s`);
const failing = results.filter((r) => !r.agree);
if (failing.length > 0) console.log(`disagreeing seeds: ${failing.map((r) => r.seed).join(' ')}`);
for (const r of failing.slice(0, show)) {
  const which = ASPECTS.filter((a) => !r.aspects[a]).join(', ');
  console.log(`\n=== seed ${r.seed}: ${which} (- kernel, + engine)\n${r.diff}`);
  if (process.argv.includes('--full')) console.log(`--- kernel\n${r.kernel}\n--- engine\n${r.engine}`);
}
process.exit(failing.length === 0 ? 0 : 1);
