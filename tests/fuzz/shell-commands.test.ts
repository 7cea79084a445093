/**
 * The commands that live in the machine shell rather than in the tool table (they re-enter the
 * shell in another namespace or read the host): nsenter, `ip netns exec`, hostname. Each gets
 * 10,000 seeded random argument lists, run through a persistent machine shell on a small topology;
 * the shell must answer every line with an exit status, never throw, and print no JavaScript text.
 */
import { describe, expect, it } from 'vitest';
import { HostSession } from '../../src/machine/session.ts';
import { generate, Picker } from './grammar.ts';
import { buildHost } from './topology.ts';

const CALLS = Math.max(10_000, Number(process.env.FUZZ_CALLS ?? 10_000));
const LEAK = /\b(undefined|NaN|Infinity)\b|\[object |TypeError|RangeError|ReferenceError|at .*\.ts:\d+/;

/** Single-quotes a word for the shell. */
function quote(word: string): string {
  return `'${word.replaceAll("'", "'\\''")}'`;
}

async function fuzzShellCommand(command: string, seed: number): Promise<{ ran: number; leaks: string[] }> {
  const picker = new Picker(seed);
  const leaks: string[] = [];
  // The same topology the tool fuzzer uses, built by the tools, then a machine shell on that host.
  const fresh = (hostSeed: number) => new HostSession({ host: buildHost(hostSeed).host });
  let session = fresh(seed);
  let ran = 0;
  for (let i = 0; i < CALLS; i++) {
    if (i > 0 && i % 500 === 0) session = fresh(seed + i);
    const { args } = generate(command === 'ip netns exec' ? 'nsenter' : command, picker);
    const words = command === 'ip netns exec' ? ['ip', 'netns', 'exec', ...args.slice(-3)] : [command, ...args];
    const line = words.map(quote).join(' ');
    const chunks: string[] = [];
    const sink = { write: (text: string) => void chunks.push(text) };
    const status = await session.shell.run(line, { stdout: sink, stderr: sink });
    const out = chunks.join('');
    expect(Number.isInteger(status), line).toBe(true);
    const typed = line.match(LEAK)?.[0];
    const leak = out.match(LEAK)?.[0];
    if (leak && leak !== typed && leaks.length < 5) leaks.push(`${line}\n${out.slice(0, 300)}`);
    ran++;
  }
  return { ran, leaks };
}

describe('shell-level command fuzzing', () => {
  for (const command of ['nsenter', 'ip netns exec', 'hostname']) {
    it(`${command} answers ${CALLS.toLocaleString('en')} random argument lists`, async () => {
      const { ran, leaks } = await fuzzShellCommand(command, 4242);
      expect(ran).toBe(CALLS);
      expect(leaks).toEqual([]);
    }, 300_000);
  }
});
