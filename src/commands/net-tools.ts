/** net-tools 2.10 views of a namespace: `route -n` (/proc/net/route) and `arp -n` (/proc/net/arp). */
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
  for (const route of ns.tables.get(RT_TABLE.main)?.routes ?? []) {
    if (
      route.type !== 'unicast' &&
      route.type !== 'unreachable' &&
      route.type !== 'blackhole' &&
      route.type !== 'prohibit'
    )
      continue;
    let flags = 'U';
    if (route.gateway !== undefined) flags += 'G';
    if (route.len === 32) flags += 'H';
    if (route.type !== 'unicast') flags = '!';
    const dev = route.dev !== undefined ? (ns.links.get(route.dev)?.name ?? '') : route.type === 'unicast' ? '' : 'lo';
    const gateway = name(route.gateway ?? 0, true);
    stdout += `${name(route.dst, false).padEnd(15)} ${gateway.padEnd(15)} ${formatIpv4(prefixMask(route.len)).padEnd(15)} ${flags.padEnd(5)} ${String(route.metric).padEnd(6)} ${'0'.padEnd(2)} ${'0'.padStart(7)} ${dev}\n`;
  }
  return { stdout, stderr: '', exitCode: 0 };
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
