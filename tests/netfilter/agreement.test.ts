/**
 * Generated-ruleset agreement (issue #4), the fixed subset CI runs: 100 generated scenarios (seeds
 * 1–100, see generate.ts) on the real kernel and on the engine; every aspect of every scenario must
 * agree. `npx node tests/netfilter/agreement.ts N` runs more and prints the figures. Without root
 * (or without isolated namespaces) the kernel side cannot run, and the suite says so and skips.
 */
import { describe, expect, it } from 'vitest';
import { kernelUnavailable } from '../kernel/real.ts';
import { ASPECTS, runBatch } from './agreement-run.ts';
import { generateScenario } from './generate.ts';

const CASES = 100;
const BATCH = 10;

const reason = await kernelUnavailable();
if (reason !== undefined) console.warn(`[netfilter agreement] SKIPPED: the kernel side cannot run here: ${reason}`);

describe('generated scenarios', () => {
  it('are the same for the same seed and valid restore text', () => {
    const a = generateScenario(7);
    expect(generateScenario(7)).toEqual(a);
    expect(a.restore).toMatch(/^\*(raw|mangle|nat|filter)\n/);
    expect(a.restore.trimEnd().endsWith('COMMIT')).toBe(true);
  });
});

describe.skipIf(reason !== undefined)('kernel and engine agree on generated rulesets', () => {
  for (let first = 1; first <= CASES; first += BATCH) {
    const seeds = Array.from({ length: BATCH }, (_, i) => first + i);
    // Batches run at once (real.ts lets four sandboxes run together), so 100 cases take about a minute.
    it.concurrent(`seeds ${first}–${first + BATCH - 1}`, async ({ expect }) => {
      const results = await runBatch(seeds);
      const failures = results
        .filter((r) => !r.agree)
        .map((r) => {
          const which = ASPECTS.filter((a) => !r.aspects[a]).join(', ');
          return `seed ${r.seed} (${which}), - kernel + engine:\n${r.diff}\nreplay:\n${r.script}`;
        });
      expect(failures.join('\n\n')).toBe('');
    }, 240_000);
  }
});
