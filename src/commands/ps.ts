/**
 * `ps` (procps-ng 4.0.2): `ps -ef` (and `-e`, `aux`, bare `ps`) over the host's processes.
 */
import type { CommandOutput } from './types.ts';

export interface PsEntry {
  pid: number;
  ppid: number;
  user: string;
  /** Virtual time (µs) the process started. */
  startMicros: number;
  tty: string;
  /** The command line as /proc/PID/cmdline joins it. */
  cmd: string;
  /** The short name (comm) for formats without the full command line. */
  comm: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number) => String(n).padStart(2, '0');

/** STIME: HH:MM for a process started within the last day, else MonDD. */
function stime(start: number, now: number): string {
  const d = new Date(Math.floor(start / 1000));
  if (now - start < 86_400_000_000) return `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  return `${MONTHS[d.getUTCMonth()]}${pad2(d.getUTCDate())}`;
}

export function runPs(args: string[], entries: readonly PsEntry[], nowMicros: number): CommandOutput {
  const flags = args.join(' ');
  const sorted = [...entries].sort((a, b) => a.pid - b.pid);
  if (flags === '' || flags === '-e' || flags === '-A') {
    const shown = flags === '' ? sorted.filter((e) => e.tty !== '?') : sorted;
    let stdout = '    PID TTY          TIME CMD\n';
    for (const e of shown) stdout += `${String(e.pid).padStart(7)} ${e.tty.padEnd(8)} 00:00:00 ${e.comm}\n`;
    return { stdout, stderr: '', exitCode: 0 };
  }
  if (flags === '-ef' || flags === '-fe' || flags === '-e -f' || flags === '-f -e' || flags === '-aef') {
    const userWidth = Math.max(8, ...sorted.map((e) => e.user.length));
    let stdout = `${'UID'.padEnd(userWidth)}     PID    PPID  C STIME TTY          TIME CMD\n`;
    for (const e of sorted)
      stdout += `${e.user.padEnd(userWidth)} ${String(e.pid).padStart(7)} ${String(e.ppid).padStart(7)}  0 ${stime(e.startMicros, nowMicros)} ${e.tty.padEnd(8)} 00:00:00 ${e.cmd}\n`;
    return { stdout, stderr: '', exitCode: 0 };
  }
  if (flags === 'aux' || flags === '-aux' || flags === 'ax') {
    let stdout = 'USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n';
    for (const e of sorted)
      stdout += `${e.user.padEnd(8)} ${String(e.pid).padStart(7)}  0.0  0.1  10000  5000 ${e.tty.padEnd(8)} S    ${stime(e.startMicros, nowMicros)}   0:00 ${e.cmd}\n`;
    return { stdout, stderr: '', exitCode: 0 };
  }
  return {
    stdout: '',
    stderr: `error: unsupported option (BSD syntax)\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1).\n`,
    exitCode: 1,
  };
}
