import { describe, expect, it } from 'vitest';
import { type PsEntry, runPs } from './ps.ts';

// 2026-11-22 23:50 UTC, in µs.
const STARTED = Date.UTC(2026, 10, 22, 23, 50) * 1000;

const entries: PsEntry[] = [
  {
    pid: 1,
    ppid: 0,
    user: 'root',
    startMicros: STARTED,
    tty: '?',
    cmd: 'bash /work/main/tests/kernel/driver.sh /tmp/hT/d4',
    comm: 'bash',
  },
  {
    pid: 15,
    ppid: 1,
    user: 'root',
    startMicros: STARTED,
    tty: '?',
    cmd: 'python3 -m http.server 8000',
    comm: 'python3',
  },
  {
    pid: 57,
    ppid: 1,
    user: 'tcpdump',
    startMicros: STARTED,
    tty: '?',
    cmd: 'tcpdump -n -i veth0 -c 3',
    comm: 'tcpdump',
  },
];

describe('ps -ef', () => {
  it('lays out the columns as procps-ng 4.0.2 does (recorded in a fresh PID namespace)', () => {
    const out = runPs(['-ef'], entries, STARTED + 5_000_000);
    expect(out.stdout).toBe(
      'UID          PID    PPID  C STIME TTY          TIME CMD\n' +
        'root           1       0  0 23:50 ?        00:00:00 bash /work/main/tests/kernel/driver.sh /tmp/hT/d4\n' +
        'root          15       1  0 23:50 ?        00:00:00 python3 -m http.server 8000\n' +
        'tcpdump       57       1  0 23:50 ?        00:00:00 tcpdump -n -i veth0 -c 3\n',
    );
  });

  it('prints the start date instead of the time for processes older than a day', () => {
    const out = runPs(['-ef'], entries.slice(0, 1), STARTED + 2 * 86_400_000_000);
    expect(out.stdout.split('\n')[1]).toContain(' 0 Nov22 ?');
  });

  it('rejects options it does not know', () => {
    expect(runPs(['-Z'], entries, STARTED).exitCode).toBe(1);
  });
});
