/**
 * `ping` (iputils 20221126): ICMP echo over the engine's stack. Like the real program it waits:
 * here that means running the kernel's event queue, so time passes only on the virtual clock.
 */

import { ERRNO } from '../engine/linux/errors.ts';
import type { Kernel } from '../engine/linux/kernel.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { LocalListener } from '../engine/linux/stack.ts';
import { formatIpv4, parseIpv4 } from '../engine/wire/addr.ts';
import { IPPROTO_ICMP, type Ipv4Packet } from '../engine/wire/packet.ts';
import { type CommandOutput, runProgram, type ToolEmit, type ToolProgram } from './types.ts';

interface PingOptions {
  count?: number;
  intervalMs: number;
  timeoutMs?: number;
  deadlineMs?: number;
  quiet: boolean;
  size: number;
  ttl: number;
  target?: string;
}

const UNREACH: Record<number, string> = {
  0: 'Destination Net Unreachable',
  1: 'Destination Host Unreachable',
  2: 'Destination Protocol Unreachable',
  3: 'Destination Port Unreachable',
  5: 'Source Route Failed',
  6: 'Destination Net Unknown',
  7: 'Destination Host Unknown',
  8: 'Source Host Isolated',
  9: 'Destination Net Prohibited',
  10: 'Destination Host Prohibited',
  11: 'Destination Net Unreachable for Type of Service',
  12: 'Destination Host Unreachable for Type of Service',
  13: 'Packet filtered',
  14: 'Precedence Violation',
  15: 'Precedence Cutoff',
};

function parse(args: string[]): PingOptions | string {
  const opts: PingOptions = { intervalMs: 1000, quiet: false, size: 56, ttl: 64 };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg.startsWith('-') && arg.length > 1) {
      const flag = arg[1] as string;
      const inline = arg.slice(2);
      const value = () => (inline !== '' ? inline : (args[++i] ?? ''));
      const number = (v: string, what: string, min = 0) => {
        const n = Number(v);
        if (v === '' || !Number.isFinite(n) || n < min) throw new Error(`ping: invalid argument: '${v}'${what}`);
        return n;
      };
      // Counts, sizes and TTLs are integers (strtol): '1e16' and '1.5' are rejected.
      const integer = (v: string, what: string, min = 0) => {
        if (!/^\d+$/.test(v)) throw new Error(`ping: invalid argument: '${v}'`);
        return number(v, what, min);
      };
      try {
        if (flag === 'c') opts.count = integer(value(), ': out of range: 1 <= value <= 9223372036854775807', 1);
        else if (flag === 'i') opts.intervalMs = number(value(), '') * 1000;
        else if (flag === 'W') opts.timeoutMs = number(value(), '') * 1000;
        else if (flag === 'w') opts.deadlineMs = number(value(), '') * 1000;
        else if (flag === 's') opts.size = integer(value(), '');
        else if (flag === 't') opts.ttl = integer(value(), '', 1);
        else if (flag === 'I') value();
        else if (flag === 'q') opts.quiet = true;
        else if (flag === 'n' || flag === '4' || flag === 'D' || flag === 'O') continue;
        else return `ping: invalid option -- '${flag}'\n${USAGE}`;
      } catch (error) {
        return (error as Error).message;
      }
    } else opts.target = arg;
  }
  return opts;
}

/**
 * ping as a program that waits: it yields each wait to its driver, which resumes it with `true`
 * when the wait ended by Ctrl-C (ping then prints its statistics), and returns the exit status.
 * Without -c and -w it runs until interrupted, or sends 4 probes when `endless` is false (for
 * callers that cannot interrupt).
 */
export function* pingProgram(
  args: string[],
  kernel: Kernel,
  ns: NetNs,
  emit: ToolEmit,
  options: { endless?: boolean } = {},
): ToolProgram {
  const parsed = parse(args);
  if (typeof parsed === 'string') {
    emit('stderr', `${parsed}\n`);
    return 2;
  }
  if (parsed.target === undefined) {
    emit('stderr', 'ping: usage error: Destination address required\n');
    return 1;
  }
  // The ICMP payload is never bigger than an IP datagram allows.
  if (parsed.size > 65507) parsed.size = 65507;
  const dst = parseIpv4(parsed.target);
  if (dst === null) {
    emit('stderr', `ping: ${parsed.target}: Temporary failure in name resolution\n`);
    return 2;
  }
  const probe: Ipv4Packet = echo(kernel, 0, dst, 0, 0, parsed);
  const errno = checkRoute(kernel, ns, probe);
  if (errno) {
    emit('stderr', `ping: connect: ${ERRNO[errno]}\n`);
    return 2;
  }

  const id = kernel.rng.int(1, 0xffff);
  const target = formatIpv4(dst);
  emit('stdout', `PING ${target} (${target}) ${parsed.size}(${parsed.size + 28}) bytes of data.\n`);
  const sentAt = new Map<number, number>();
  const rtts: number[] = [];
  let errors = 0;
  let transmitted = 0;
  const refused = new Set<number>();
  const start = kernel.clock.micros;
  let lastSend = start;

  const listener: LocalListener = (packetNs, packet) => {
    if (packetNs !== ns || packet.protocol !== IPPROTO_ICMP || packet.payload.kind !== 'icmp') return false;
    const icmp = packet.payload;
    if (icmp.type === 0 && icmp.id === id) {
      const sent = sentAt.get(icmp.seq);
      if (sent === undefined) return true;
      const rtt = (kernel.clock.micros - sent) / 1000;
      rtts.push(rtt);
      if (!parsed.quiet)
        emit(
          'stdout',
          `${parsed.size + 8} bytes from ${formatIpv4(packet.src)}: icmp_seq=${icmp.seq} ttl=${packet.ttl} time=${formatRtt(rtt)} ms\n`,
        );
      return true;
    }
    const quoted = icmp.quoted?.payload;
    if ((icmp.type === 3 || icmp.type === 11) && quoted?.kind === 'icmp' && quoted.id === id) {
      errors++;
      const text =
        icmp.type === 11 ? 'Time to live exceeded' : (UNREACH[icmp.code] ?? `Dest Unreachable, Bad Code: ${icmp.code}`);
      if (!parsed.quiet) emit('stdout', `From ${formatIpv4(packet.src)} icmp_seq=${quoted.seq} ${text}\n`);
      // A probe that netfilter rejected on the way out: sendmsg failed with EPERM, and ping reports
      // that once the error queue gave it the ICMP error (a silent drop prints nothing).
      if (refused.delete(quoted.seq)) emit('stderr', 'ping: sendmsg: Operation not permitted\n');
      return true;
    }
    return false;
  };
  kernel.stack.listeners.add(listener);
  try {
    const interval = Math.max(parsed.intervalMs, 2) * 1000;
    const deadline = parsed.deadlineMs !== undefined ? start + parsed.deadlineMs * 1000 : Number.POSITIVE_INFINITY;
    const unbounded = options.endless === true || Number.isFinite(deadline);
    const limit = parsed.count ?? (unbounded ? Number.POSITIVE_INFINITY : 4);
    for (let seq = 1; seq <= limit; seq++) {
      if (kernel.clock.micros >= deadline) break;
      lastSend = kernel.clock.micros;
      sentAt.set(seq, lastSend);
      transmitted++;
      if (kernel.stack.ipOutput(ns, echo(kernel, id, dst, seq, kernel.rng.int(0, 0xffff), parsed)) === 'EPERM') {
        refused.add(seq);
      }
      const answered = () => rtts.length + errors >= transmitted;
      if (seq < limit) {
        if (yield { until: Math.min(lastSend + interval, deadline), paced: true }) break;
        continue;
      }
      // After the last probe: wait for its answer, up to -W (or 10 s), or the deadline.
      const linger = (parsed.timeoutMs ?? 10_000) * 1000;
      yield { until: Math.min(lastSend + linger, deadline), wake: answered };
    }
  } finally {
    kernel.stack.listeners.delete(listener);
  }
  const received = rtts.length;
  const lossPct = transmitted === 0 ? 0 : Math.round(((transmitted - received) * 100) / transmitted);
  const elapsedMs = Math.round(((received > 0 ? kernel.clock.micros : lastSend) - start) / 1000);
  let stats = `\n--- ${target} ping statistics ---\n`;
  stats += `${transmitted} packets transmitted, ${received} received, ${errors > 0 ? `+${errors} errors, ` : ''}${lossPct}% packet loss, time ${elapsedMs}ms\n`;
  if (received > 0) {
    const min = Math.min(...rtts);
    const max = Math.max(...rtts);
    const avg = rtts.reduce((a, b) => a + b, 0) / received;
    const mdev = Math.sqrt(Math.max(0, rtts.reduce((a, b) => a + b * b, 0) / received - avg * avg));
    stats += `rtt min/avg/max/mdev = ${min.toFixed(3)}/${avg.toFixed(3)}/${max.toFixed(3)}/${mdev.toFixed(3)} ms\n`;
  } else stats += '\n';
  emit('stdout', stats);
  return received > 0 ? 0 : 1;
}

/** ping run to completion at once: each wait runs the kernel's event queue directly. */
export function runPing(args: string[], kernel: Kernel, ns: NetNs): CommandOutput {
  return runProgram((emit) => pingProgram(args, kernel, ns, emit), kernel);
}

function formatRtt(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function echo(kernel: Kernel, id: number, dst: number, seq: number, ipId: number, opts: PingOptions): Ipv4Packet {
  void kernel;
  return {
    kind: 'ipv4',
    src: 0,
    dst,
    ttl: opts.ttl,
    id: ipId,
    tos: 0,
    df: true,
    protocol: IPPROTO_ICMP,
    payload: { kind: 'icmp', type: 8, code: 0, id, seq, data: new Uint8Array(opts.size) },
  };
}

/** The connect() a ping socket does first: fails at once when there is no route. */
function checkRoute(kernel: Kernel, ns: NetNs, probe: Ipv4Packet) {
  return kernel.stack.routeCheck(ns, probe.dst);
}

const USAGE = `
Usage
  ping [options] <destination>
`;
