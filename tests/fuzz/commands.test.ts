/**
 * Every tool on a simulated host's PATH gets 10,000 seeded random argument lists on a small
 * topology, and must answer each with a CommandOutput: nothing thrown, no JavaScript error text or
 * value in what it prints, no call that hangs, the same text for the same seed. A failure message
 * holds a short script that replays each distinct failure on a fresh host.
 *
 * FUZZ_SEED and FUZZ_CALLS (environment) explore other seeds or longer runs; FUZZ_VERBOSE=1 prints
 * what each tool answered most often, to see how deep the grammar gets.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { programTable } from '../../src/machine/programs.ts';
import { toolTable } from '../../src/machine/tools.ts';
import { explain, fuzzTool } from './fuzz.ts';
import { setNestedTools } from './grammar.ts';
import { MEMORY_HAZARDS } from './hazards.ts';
import { buildHost } from './topology.ts';

// Every command on the PATH: the instant tools and the programs that run over time (ping, tcpdump, curl …).
const TOOLS = [...new Set([...toolTable().keys(), ...programTable().keys()])].sort();
const SEED = Number(process.env.FUZZ_SEED ?? 20260101);
const CALLS = Math.max(10_000, Number(process.env.FUZZ_CALLS ?? 10_000));

setNestedTools(TOOLS);

/** A stable per-tool seed, so adding a tool does not change what the others are sent. */
function seedFor(tool: string): number {
  let hash = SEED >>> 0;
  for (const c of tool) hash = (Math.imul(hash ^ c.charCodeAt(0), 16777619) >>> 0) % 2 ** 31;
  return hash;
}

describe('command fuzzing', () => {
  it('builds the fuzz topology with the tools themselves', () => {
    expect(buildHost(1).failures).toEqual([]);
  });

  for (const tool of TOOLS) {
    it(`${tool} survives ${CALLS.toLocaleString('en')} random argument lists`, () => {
      const report = fuzzTool({ tool, seed: seedFor(tool), calls: CALLS, batch: 200, maxShrunk: 8 });
      if (process.env.FUZZ_VERBOSE) {
        const top = [...report.outcomes].sort((a, b) => b[1] - a[1]).slice(0, 25);
        console.log(
          `${tool}: ${report.succeeded}/${report.calls} exit 0\n${top.map(([k, n]) => `${String(n).padStart(6)} ${k}`).join('\n')}`,
        );
      }
      expect(report.calls).toBeGreaterThanOrEqual(10_000);
      // Some lines must get all the way through, or the grammar only ever reaches the first error.
      expect(report.succeeded).toBeGreaterThan(report.calls / 20);
      expect(report.findings.map(explain)).toEqual([]);
    }, 120_000);
  }

  // These once aborted the process they ran in (ipset expanded a whole range into elements, where
  // the kernel tests one address and walks a range one element at a time), so each runs in a child
  // with a 256 MB heap.
  const host = fileURLToPath(new URL('../../src/machine/host.ts', import.meta.url));
  for (const hazard of MEMORY_HAZARDS) {
    it(`${hazard.name} stays within memory`, () => {
      const script = `import { LinuxHost } from ${JSON.stringify(host)};
const host = new LinuxHost();
for (const line of JSON.parse(process.argv[1])) host.run(line);
console.log('survived');`;
      const child = spawnSync(
        process.execPath,
        ['--max-old-space-size=256', '--input-type=module', '-e', script, JSON.stringify(hazard.lines)],
        { encoding: 'utf8', timeout: 30_000 },
      );
      const replay = hazard.lines.map((line) => `$ ${line.join(' ')}`).join('\n');
      expect(
        child.stdout.trim(),
        `${replay}\n${child.signal ?? ''} ${child.stderr.split('\n').find((l) => /FATAL|Error/.test(l)) ?? ''}`,
      ).toBe('survived');
    }, 60_000);
  }
});
