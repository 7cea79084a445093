/** net-tools 2.10 views of a namespace: `route -n` and `netstat -r` (/proc/net/route), `arp -n` (/proc/net/arp). */
import { RT_TABLE } from '../engine/linux/fib.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import { formatIpv4, prefixMask } from '../engine/wire/addr.ts';
import type { CommandOutput } from './types.ts';

export function runRoute(args: string[], ns: NetNs): CommandOutput {
  const numeric = args.some((a) => /^-[a-zA-Z]*n/.test(a));
  const unknown = args.find((a) => !/^-[nve4A]+$/.test(a) && a !== 'inet' && a !== '-A');
  if (unknown !== undefined) {
    return { stdout: '', stderr: `route: bad command or option: ${unknown}\n`, exitCode: 1 };
  }
  const name = (addr: number, isGateway: boolean) => {
    if (numeric) return formatIpv4(addr);
    if (addr === 0) return isGateway ? '0.0.0.0' : 'default';
    return formatIpv4(addr);
  };
  let stdout =
    'Kernel IP routing table\nDestination     Gateway         Genmask         Flags Metric Ref    Use Iface\n';
  for (const row of procRoutes(ns)) {
    const gateway = row.reject ? '-' : name(row.gateway, true);
    stdout += `${name(row.dst, false).padEnd(15)} ${gateway.padEnd(15)} ${formatIpv4(row.mask).padEnd(15)} ${row.flags.padEnd(5)} ${String(row.metric).padEnd(6)} ${(row.reject ? '-' : '0').padEnd(2)} ${'0'.padStart(7)} ${row.iface}\n`;
  }
  return { stdout, stderr: '', exitCode: 0 };
}

/** One line of /proc/net/route (the main table) as net-tools reads it. */
interface ProcRoute {
  dst: number;
  gateway: number;
  mask: number;
  flags: string;
  metric: number;
  iface: string;
  /** unreachable/prohibit (RTF_REJECT): net-tools prints `!` and dashes. */
  reject: boolean;
}

function procRoutes(ns: NetNs): ProcRoute[] {
  const rows: ProcRoute[] = [];
  for (const route of ns.tables.get(RT_TABLE.main)?.routes ?? []) {
    if (route.type === 'broadcast') continue;
    const reject = route.type === 'unreachable' || route.type === 'prohibit';
    let flags = 'U';
    if (route.gateway !== undefined) flags += 'G';
    if (route.len === 32) flags += 'H';
    const dev = route.dev !== undefined ? ns.links.get(route.dev)?.name : undefined;
    rows.push({
      dst: route.dst,
      gateway: route.gateway ?? 0,
      mask: prefixMask(route.len),
      flags: reject ? '!' : flags,
      metric: route.metric,
      iface: reject ? '-' : (dev ?? '*'),
      reject,
    });
  }
  return rows;
}

/** `netstat -r[n]`: the same table with the MSS, Window and irtt columns. */
export function netstatRoutes(ns: NetNs, numeric: boolean): string {
  const name = (addr: number, isGateway: boolean) =>
    !numeric && addr === 0 ? (isGateway ? '0.0.0.0' : 'default') : formatIpv4(addr);
  let stdout =
    'Kernel IP routing table\nDestination     Gateway         Genmask         Flags   MSS Window  irtt Iface\n';
  for (const row of procRoutes(ns)) {
    const gateway = row.reject ? '-' : name(row.gateway, true);
    stdout += `${name(row.dst, false).padEnd(15)} ${gateway.padEnd(15)} ${formatIpv4(row.mask).padEnd(15)} ${row.flags.padEnd(5)} ${'0'.padStart(5)} ${'0'.padEnd(6)} ${'0'.padStart(5)} ${row.iface}\n`;
  }
  return stdout;
}

export function runArp(args: string[], ns: NetNs): CommandOutput {
  const bad = args.find((a) => !/^-[nvae]+$/.test(a));
  if (bad !== undefined)
    return { stdout: '', stderr: `arp: invalid option -- '${bad.replace(/^-+/, '')}'\n`, exitCode: 255 };
  let stdout = '';
  for (const entry of ns.neighbours) {
    if (entry.proxy) continue;
    const dev = ns.links.get(entry.ifindex);
    if (!dev || dev.kind === 'loopback') continue;
    const state = ns.neighState(entry);
    if (state === 'INCOMPLETE' || state === 'FAILED' || entry.mac === undefined) {
      stdout += `${formatIpv4(entry.ip).padEnd(25)}        (incomplete)                              ${dev.name}\n`;
      continue;
    }
    const flags = state === 'PERMANENT' ? 'CM' : 'C';
    stdout += `${formatIpv4(entry.ip).padEnd(25)}${'ether'.padEnd(8)}${entry.mac.padEnd(20)}${flags.padEnd(6)}${''.padEnd(16)}${dev.name}\n`;
  }
  if (stdout === '') return { stdout: '', stderr: '', exitCode: 0 };
  return {
    stdout: `Address                  HWtype  HWaddress           Flags Mask            Iface\n${stdout}`,
    stderr: '',
    exitCode: 0,
  };
}
