import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IpsetTable } from '../../engine/linux/netfilter/ipset/ipset-table.ts';
import { runIpset } from './index.ts';

interface Step {
  cmd: string;
  stdin?: string;
  stdout: string;
  stderr: string;
  exit: number;
}

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** sh word splitting for the fixture command lines (double quotes only). */
function shellWords(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

describe('ipset against real ipset 7.17 transcripts', () => {
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.json'))) {
    it(file, () => {
      const steps = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Step[];
      let seed = 0x1234;
      const sets = new IpsetTable(() => {
        seed = (seed * 1103515245 + 12345) >>> 0;
        return seed;
      });
      for (const step of steps) {
        const argv = shellWords(step.cmd).slice(1);
        const got = runIpset(argv, { sets, now: 0, stdin: step.stdin ?? '' });
        expect({ cmd: step.cmd, ...got }).toEqual({
          cmd: step.cmd,
          stdout: step.stdout,
          stderr: step.stderr,
          exitCode: step.exit,
        });
      }
    });
  }
});
