/**
 * Lines the fuzzer must not send to a host in its own process: some run for minutes by design
 * (`ping -c 100000`), others exhaust the heap and abort the whole worker, which hides every other
 * finding. The memory ones are known bugs: each is replayed in a child process with a small heap
 * (see commands.test.ts), and its filter here can go once that test passes.
 */
import type { Step } from './topology.ts';

/** `ping` lines that would wait for more than a few hundred probes or seconds of virtual time. */
export function tooLong(argv: readonly string[]): boolean {
  if (!argv.includes('ping')) return false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    const flag = /^-[cw]/.test(word) ? word.slice(0, 2) : undefined;
    if (!flag) continue;
    const value = Number(word.length > 2 ? word.slice(2) : argv[i + 1]);
    if (Number.isFinite(value) && value > (flag === '-c' ? 50 : 10)) return true;
  }
  return false;
}

/** Scripts that run a host out of memory, as found by the fuzzer (argv per line, root namespace). */
export const MEMORY_HAZARDS: { name: string; lines: string[][] }[] = [
  {
    name: 'ipset test of a /8 against a hash:ip set',
    lines: [
      ['ipset', 'create', 'S1', 'hash:ip'],
      ['ipset', 'test', 'S1', '10.0.0.0/8'],
    ],
  },
  {
    name: 'ipset del of a /8 from a hash:ip set',
    lines: [
      ['ipset', 'create', 'S1', 'hash:ip'],
      ['ipset', 'del', 'S1', '10.0.0.0/8'],
    ],
  },
  {
    name: 'ipset test of a 16M-address range against a hash:ip set',
    lines: [
      ['ipset', 'create', 'S1', 'hash:ip'],
      ['ipset', 'test', 'S1', '10.0.0.1-10.255.0.0'],
    ],
  },
];

const WIDE_PREFIX = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\/(\d+)/g;
const RANGE = /\b(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}-(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}/g;

/** An `ipset` line (or restore script) naming a prefix wider than /16 or a range across a /8. */
export function exhaustsMemory(step: Step): boolean {
  if (!step.argv.includes('ipset')) return false;
  const text = `${step.argv.join(' ')}\n${step.stdin ?? ''}`;
  for (const m of text.matchAll(WIDE_PREFIX)) if (Number(m[1]) < 16) return true;
  for (const m of text.matchAll(RANGE)) if (m[1] !== m[2]) return true;
  return false;
}
