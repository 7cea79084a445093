/**
 * `xtables-monitor --trace` (iptables 1.8.9): prints the nftrace events of packets marked by a
 * TRACE rule, until interrupted (exit status 130 on Ctrl-C, like the real tool killed by SIGINT).
 */
import type { NetNs } from '../engine/linux/netns.ts';
import type { NetfilterHooks, NfTraceEvent } from '../engine/linux/nf-hooks.ts';
import { formatIpv4 } from '../engine/wire/addr.ts';
import { ipv4TotalLength } from '../engine/wire/encode.ts';
import type { ToolEmit, ToolProgram } from './types.ts';

const USAGE = `xtables-monitor 1.8.9 (nf_tables)
Usage: xtables-monitor [ -t | -e ] [ -4 | -6 ]
        -t      trace: trace packets
        -e      show events: show rule and chain changes
        -4      only monitor ipv4
        -6      only monitor ipv6
`;

/** ether_ntoa's text: lowercase hex bytes without zero padding. */
function etherNtoa(mac: string): string {
  return mac
    .split(':')
    .map((b) => Number.parseInt(b, 16).toString(16))
    .join(':');
}

export function formatTraceEvent(event: NfTraceEvent): string {
  const id = event.id.toString(16).padStart(8, '0');
  if (event.kind === 'rule')
    return ` TRACE: 2 ${id} ${event.table}:${event.chain}:rule:0x${(event.handle ?? 0).toString(16)}:${event.verdict}  -4 -t ${event.table} ${event.rule}\n`;
  if (event.kind === 'policy') return ` TRACE: 2 ${id} ${event.table}:${event.chain}:policy:${event.verdict} \n`;
  const p = event.packet;
  const parts = [`PACKET: 2 ${id}`];
  if (event.inDev) parts.push(`IN=${event.inDev}`);
  if (event.outDev) parts.push(`OUT=${event.outDev}`);
  if (event.inDev && event.l2) {
    parts.push(`MACSRC=${etherNtoa(event.l2.src)}`, `MACDST=${etherNtoa(event.l2.dst)}`, 'MACPROTO=0800');
  }
  if (p) {
    parts.push(`SRC=${formatIpv4(p.src)}`, `DST=${formatIpv4(p.dst)}`, `LEN=${ipv4TotalLength(p)}`);
    parts.push(`TOS=0x${p.tos.toString(16).toUpperCase()}`, `TTL=${p.ttl}`, `ID=${p.id}`);
    if (p.df) parts.push('DF');
  }
  return `${parts.join(' ')} \n`;
}

export function* xtablesMonitorProgram(args: string[], hooks: NetfilterHooks, ns: NetNs, emit: ToolEmit): ToolProgram {
  let trace = false;
  for (const arg of args) {
    if (arg === '-t' || arg === '--trace') trace = true;
    else if (arg === '-4' || arg === '--ipv4') continue;
    else {
      emit('stderr', USAGE);
      return 1;
    }
  }
  if (!trace) {
    // Rule and chain change events are not simulated; say so rather than print nothing forever.
    emit('stderr', 'xtables-monitor: only --trace is available in Packet Lab\n');
    return 1;
  }
  const listener = (event: NfTraceEvent) => {
    if (event.ns === ns) emit('stdout', formatTraceEvent(event));
  };
  hooks.traceListeners.add(listener);
  try {
    yield { until: Number.POSITIVE_INFINITY };
  } finally {
    hooks.traceListeners.delete(listener);
  }
  return 130;
}
