/**
 * Lines the fuzzer must not send to a host in its own process, because they run for minutes by
 * design (`ping -c 100000`); and scripts that once exhausted the heap, replayed in a child process
 * with a small heap (see commands.test.ts) so that they stay fixed.
 */

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

/** Scripts that ran a host out of memory, as found by the fuzzer (argv per line, root namespace). */
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
  {
    name: 'ipset add of a /8 to a hash:ip set with the largest maxelem',
    lines: [
      ['ipset', 'create', 'S1', 'hash:ip', 'maxelem', '4294967295'],
      ['ipset', 'add', 'S1', '10.0.0.0/8'],
    ],
  },
  {
    name: 'ipset del -exist of a /4 and a /8 with a port range from hash:ip,port sets',
    lines: [
      ['ipset', 'create', 'S1', 'hash:ip'],
      ['ipset', '-exist', 'del', 'S1', '224.0.0.0/4'],
      ['ipset', 'create', 'S2', 'hash:ip,port'],
      ['ipset', '-exist', 'del', 'S2', '10.0.0.0/8,tcp:1-65535'],
    ],
  },
];
