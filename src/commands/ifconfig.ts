/** `ifconfig` (net-tools 2.10): the listing (long and `-s`), one device, and `ifconfig DEV ADDR … up|down`. */

import { ERRNO, fail, KernelError } from '../engine/linux/errors.ts';
import { SCOPE } from '../engine/linux/fib.ts';
import type { Link } from '../engine/linux/links.ts';
import type { IfAddr, NetNs } from '../engine/linux/netns.ts';
import { broadcastOf, formatIpv4, maskLength, parseIpv4, prefixMask } from '../engine/wire/addr.ts';
import type { CommandOutput } from './types.ts';

const IFF = {
  UP: 0x1,
  BROADCAST: 0x2,
  LOOPBACK: 0x8,
  RUNNING: 0x40,
  NOARP: 0x80,
  MULTICAST: 0x1000,
} as const;

const FLAG_NAMES: [number, string][] = [
  [IFF.UP, 'UP'],
  [IFF.BROADCAST, 'BROADCAST'],
  [IFF.LOOPBACK, 'LOOPBACK'],
  [IFF.RUNNING, 'RUNNING'],
  [IFF.NOARP, 'NOARP'],
  [IFF.MULTICAST, 'MULTICAST'],
];

/** The flags SIOCGIFFLAGS reports: RUNNING when the device is up and operationally up (or unknown). */
function flagsOf(ns: NetNs, link: Link): number {
  let flags = 0;
  if (link.adminUp) flags |= IFF.UP;
  if (link.kind === 'loopback') flags |= IFF.LOOPBACK;
  else if (link.kind === 'ipip') flags |= IFF.NOARP;
  else flags |= IFF.BROADCAST | IFF.MULTICAST;
  const oper = ns.operstate(link);
  if (link.adminUp && (oper === 'UP' || oper === 'UNKNOWN')) flags |= IFF.RUNNING;
  return flags;
}

/** net-tools keeps interfaces sorted with nstrcmp: digit runs compare as numbers. */
function nstrcmp(a: string, b: string): number {
  const split = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] as string;
    const q = y[i] as string;
    if (p === q) continue;
    if (/^\d/.test(p) && /^\d/.test(q)) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/** `866 (866.0 B)`, `1520 (1.4 KiB)`: net-tools' scaled byte counts. */
function bytes(n: number): string {
  const units: [number, string][] = [
    [1125899906842624, 'PiB'],
    [1099511627776, 'TiB'],
    [1073741824, 'GiB'],
    [1048576, 'MiB'],
    [1024, 'KiB'],
  ];
  let short = n * 10;
  let unit = 'B';
  for (const [size, name] of units) {
    if (n > size) {
      short = Math.floor(short / size);
      unit = name;
      break;
    }
  }
  return `${n} (${Math.floor(short / 10)}.${short % 10} ${unit})`;
}

/** The address SIOCGIFADDR returns: the first one labelled with the device name. */
function primaryOf(ns: NetNs, link: Link): IfAddr | undefined {
  return ns.addrsOf(link).find((a) => a.label === link.name);
}

function longFormat(ns: NetNs, link: Link): string {
  const flags = flagsOf(ns, link);
  const names = FLAG_NAMES.filter(([bit]) => flags & bit).map(([, name]) => name);
  const lines = [`${link.name}: flags=${flags}<${names.join(',')}>  mtu ${link.mtu}`];
  const ifa = primaryOf(ns, link);
  if (ifa) {
    let inet = `        inet ${formatIpv4(ifa.local)}  netmask ${formatIpv4(prefixMask(ifa.prefixlen))}`;
    if (flags & IFF.BROADCAST) inet += `  broadcast ${formatIpv4(ifa.broadcast ?? 0)}`;
    lines.push(inet);
  }
  for (const a of ns.ipv6Of(link)) {
    const scope = a.scope === 'host' ? '0x10<host>' : '0x20<link>';
    lines.push(`        inet6 ${a.addr}  prefixlen ${a.prefixlen}  scopeid ${scope}`);
  }
  if (link.kind === 'loopback') lines.push(`        loop  txqueuelen ${link.qlen}  (Local Loopback)`);
  else if (link.kind === 'ipip') lines.push(`        tunnel   txqueuelen ${link.qlen}  (IPIP Tunnel)`);
  else lines.push(`        ether ${link.mac}  txqueuelen ${link.qlen}  (Ethernet)`);
  const s = link.stats;
  lines.push(
    `        RX packets ${s.rxPackets}  bytes ${bytes(s.rxBytes)}`,
    `        RX errors 0  dropped ${s.rxDropped}  overruns 0  frame 0`,
    `        TX packets ${s.txPackets}  bytes ${bytes(s.txBytes)}`,
    `        TX errors 0  dropped ${s.txDropped} overruns 0  carrier 0  collisions 0`,
    '',
  );
  return `${lines.join('\n')}\n`;
}

const SHORT_HEADER = 'Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n';

function shortFormat(ns: NetNs, link: Link): string {
  const flags = flagsOf(ns, link);
  const letters = [
    [IFF.BROADCAST, 'B'],
    [IFF.LOOPBACK, 'L'],
    [IFF.MULTICAST, 'M'],
    [IFF.NOARP, 'O'],
    [IFF.RUNNING, 'R'],
    [IFF.UP, 'U'],
  ] as const;
  const flg = letters
    .filter(([bit]) => flags & bit)
    .map(([, c]) => c)
    .join('');
  const s = link.stats;
  return `${link.name.padEnd(15)} ${String(link.mtu).padStart(5)} ${String(s.rxPackets).padStart(8)} ${'0'.padStart(6)} ${String(s.rxDropped).padStart(6)} ${'0'.padEnd(6)} ${String(s.txPackets).padStart(8)} ${'0'.padStart(6)} ${String(s.txDropped).padStart(6)} ${'0'.padStart(6)} ${flg}\n`;
}

/** `netstat -i[a]`: the same short rows under netstat's own heading. */
export function netstatInterfaces(ns: NetNs, all: boolean): string {
  const links = ns
    .sortedLinks()
    .filter((l) => all || l.adminUp)
    .sort((a, b) => nstrcmp(a.name, b.name));
  const header =
    'Kernel Interface table\nIface             MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n';
  return header + links.map((l) => shortFormat(ns, l)).join('');
}

const USAGE = `Usage:
  ifconfig [-a] [-v] [-s] <interface> [[<AF>] <address>]
  [add <address>[/<prefixlen>]]
  [del <address>[/<prefixlen>]]
  [[-]broadcast [<address>]]  [[-]pointopoint [<address>]]
  [netmask <address>]  [dstaddr <address>]  [tunnel <address>]
  [outfill <NN>] [keepalive <NN>]
  [hw <HW> <address>]  [mtu <NN>]
  [[-]trailers]  [[-]arp]  [[-]allmulti]
  [multicast]  [[-]promisc]
  [mem_start <NN>]  [io_addr <NN>]  [irq <NN>]  [media <type>]
  [txqueuelen <NN>]
  [name <newname>]
  [[-]dynamic]
  [up|down] ...

  <HW>=Hardware Type.
  List of possible hardware types:
    loop (Local Loopback) slip (Serial Line IP) cslip (VJ Serial Line IP) 
    slip6 (6-bit Serial Line IP) cslip6 (VJ 6-bit Serial Line IP) adaptive (Adaptive Serial Line IP) 
    ash (Ash) ether (Ethernet) ax25 (AMPR AX.25) 
    netrom (AMPR NET/ROM) rose (AMPR ROSE) tunnel (IPIP Tunnel) 
    ppp (Point-to-Point Protocol) hdlc ((Cisco)-HDLC) lapb (LAPB) 
    arcnet (ARCnet) dlci (Frame Relay DLCI) frad (Frame Relay Access Device) 
    sit (IPv6-in-IPv4) fddi (Fiber Distributed Data Interface) hippi (HIPPI) 
    irda (IrLAP) ec (Econet) x25 (generic X.25) 
    eui64 (Generic EUI-64) 
  <AF>=Address family. Default: inet
  List of possible address families:
    unix (UNIX Domain) inet (DARPA Internet) inet6 (IPv6) 
    ax25 (AMPR AX.25) netrom (AMPR NET/ROM) rose (AMPR ROSE) 
    ipx (Novell IPX) ddp (Appletalk DDP) ec (Econet) 
    ash (Ash) x25 (CCITT X.25) 
`;

export function runIfconfig(args: string[], ns: NetNs): CommandOutput {
  let all = false;
  let short = false;
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('-')) break;
    if (arg === '-a') all = true;
    else if (arg === '-s') short = true;
    else if (arg === '-v') continue;
    else if (arg === '-h' || arg === '--help') return { stdout: '', stderr: USAGE, exitCode: 0 };
    else
      return {
        stdout: '',
        stderr: `ifconfig: option \`${arg}' not recognised.\nifconfig: \`--help' gives usage information.\n`,
        exitCode: 1,
      };
  }
  const name = args[i];
  if (name === undefined) {
    const links = ns
      .sortedLinks()
      .filter((l) => all || l.adminUp)
      .sort((a, b) => nstrcmp(a.name, b.name));
    const body = links.map((l) => (short ? shortFormat(ns, l) : longFormat(ns, l))).join('');
    return { stdout: short ? SHORT_HEADER + body : body, stderr: '', exitCode: 0 };
  }
  const settings = args.slice(i + 1);
  const [devName = '', alias] = name.split(':');
  const link = ns.linkByName(devName);
  if (settings.length === 0) {
    if (!link || alias !== undefined)
      return { stdout: '', stderr: `${name}: error fetching interface information: Device not found\n`, exitCode: 1 };
    return { stdout: short ? SHORT_HEADER + shortFormat(ns, link) : longFormat(ns, link), stderr: '', exitCode: 0 };
  }
  try {
    return configure(ns, name, link, settings);
  } catch (error) {
    if (!(error instanceof KernelError)) throw error;
    return { stdout: '', stderr: `SIOCSIFADDR: ${ERRNO[error.errno]}\n`, exitCode: 1 };
  }
}

/** inet_abc_len: the classful prefix length SIOCSIFADDR gives a new address. */
function classfulLength(addr: number): number | undefined {
  const first = addr >>> 24;
  if (addr === 0) return 0;
  if (first < 128) return 8;
  if (first < 192) return 16;
  if (first < 224) return 24;
  if (first >= 240) return 32;
  return undefined;
}

function configure(ns: NetNs, name: string, link: Link | undefined, args: string[]): CommandOutput {
  let stderr = '';
  const noDevice = () => ({
    stdout: '',
    stderr: `${stderr}${name}: ERROR while getting interface flags: No such device\n`,
    exitCode: 255,
  });
  const usage = () => ({ stdout: '', stderr: USAGE, exitCode: 3 });
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'up' || arg === 'down') {
      if (!link) return noDevice();
      ns.setUp(link, arg === 'up');
    } else if (arg === 'mtu') {
      const value = args[++i];
      if (value === undefined) return usage();
      if (!link) return noDevice();
      const mtu = Number(value);
      if (!/^\d+$/.test(value) || mtu < link.minmtu || (link.maxmtu > 0 && mtu > link.maxmtu))
        return { stdout: '', stderr: 'SIOCSIFMTU: Invalid argument\n', exitCode: 1 };
      link.mtu = mtu;
    } else if (arg === 'netmask' || arg === 'broadcast') {
      const value = args[++i];
      if (value === undefined) return usage();
      if (!link) return noDevice();
      const ip = parseIpv4(value);
      if (ip === null) return { stdout: '', stderr: `${value}: Unknown host\n`, exitCode: 1 };
      const ifa = primaryOf(ns, link);
      if (!ifa)
        return {
          stdout: '',
          stderr: `SIOCSIF${arg === 'netmask' ? 'NETMASK' : 'BRDADDR'}: Cannot assign requested address\n`,
          exitCode: 1,
        };
      if (arg === 'netmask') {
        const len = maskLength(ip);
        if (len === null) return { stdout: '', stderr: 'SIOCSIFNETMASK: Invalid argument\n', exitCode: 1 };
        // The broadcast follows the mask when it was the computed one.
        const computed = ifa.broadcast === broadcastOf(ifa.local, ifa.prefixlen);
        replaceAddress(ns, link, ifa, {
          prefixlen: len,
          broadcast: computed && len < 31 ? broadcastOf(ifa.local, len) : ifa.broadcast,
        });
      } else replaceAddress(ns, link, ifa, { broadcast: ip });
    } else {
      const [addrText = '', lenText] = (arg === 'inet' ? (args[++i] ?? '') : arg).split('/');
      const ip = parseIpv4(addrText) ?? parseIpv4(classicForm(addrText));
      if (ip === null) {
        return {
          stdout: '',
          stderr: `${arg}: Host name lookup failure\nifconfig: \`--help' gives usage information.\n`,
          exitCode: 1,
        };
      }
      if (!link) {
        stderr += 'SIOCSIFADDR: No such device\n';
        return noDevice();
      }
      const classful = classfulLength(ip);
      const len = lenText !== undefined ? Number(lenText) : classful;
      if (classful === undefined || len === undefined || !Number.isInteger(len) || len > 32)
        return { stdout: '', stderr: 'SIOCSIFADDR: Invalid argument\n', exitCode: 1 };
      setAddress(ns, link, name, ip, len);
      ns.setUp(link, true);
    }
  }
  return { stdout: '', stderr, exitCode: 0 };
}

/** `1.2.3` is 1.2.0.3 to inet_aton. */
function classicForm(text: string): string {
  const parts = text.split('.');
  if (parts.length === 3 && parts.every((p) => /^\d+$/.test(p))) return `${parts[0]}.${parts[1]}.0.${parts[2]}`;
  if (parts.length === 2 && parts.every((p) => /^\d+$/.test(p))) return `${parts[0]}.0.0.${parts[1]}`;
  return text;
}

/** SIOCSIFADDR: the address labelled `label` is replaced (or added) with the classful mask and broadcast. */
function setAddress(ns: NetNs, link: Link, label: string, local: number, prefixlen: number): void {
  const old = ns.addrsOf(link).find((a) => a.label === label);
  if (ns.addrsOf(link).some((a) => a !== old && a.local === local && a.prefixlen === prefixlen)) fail('EEXIST');
  if (old) ns.deleteAddress(link, old.local, old.prefixlen);
  const hasBroadcast = link.kind !== 'loopback' && link.kind !== 'ipip';
  ns.addAddress(link, {
    local,
    prefixlen,
    broadcast: hasBroadcast && prefixlen < 31 ? broadcastOf(local, prefixlen) : undefined,
    scope: local >>> 24 === 127 ? SCOPE.host : SCOPE.global,
    label,
    noprefixroute: false,
  });
}

function replaceAddress(ns: NetNs, link: Link, ifa: IfAddr, change: { prefixlen?: number; broadcast?: number }): void {
  const next = { ...ifa, ...change };
  ns.deleteAddress(link, ifa.local, ifa.prefixlen);
  ns.addAddress(link, {
    local: next.local,
    prefixlen: next.prefixlen,
    broadcast: next.broadcast,
    peer: next.peer,
    scope: next.scope,
    label: next.label,
    noprefixroute: next.noprefixroute,
  });
}
