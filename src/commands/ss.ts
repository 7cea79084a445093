/**
 * `ss` (iproute2 6.1) over a namespace's TCP and UDP sockets: -t -u -l -a -n -p -s -H -4. Columns
 * are laid out as ss does when stdout is not a terminal ("compact" render_calc_width: each column
 * as wide as its widest cell, the address columns right-aligned), which is also what a pipe shows.
 */
import type { Kernel } from '../engine/linux/kernel.ts';
import { serviceName } from '../engine/linux/netfilter/netdb.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { FileLike } from '../engine/linux/processes.ts';
import type { TcpState } from '../engine/linux/tcp.ts';
import { formatIpv4 } from '../engine/wire/addr.ts';
import type { CommandOutput } from './types.ts';

const STATE_NAMES: Record<TcpState, string> = {
  ESTABLISHED: 'ESTAB',
  SYN_SENT: 'SYN-SENT',
  SYN_RECV: 'SYN-RECV',
  FIN_WAIT1: 'FIN-WAIT-1',
  FIN_WAIT2: 'FIN-WAIT-2',
  TIME_WAIT: 'TIME-WAIT',
  CLOSED: 'UNCONN',
  CLOSE_WAIT: 'CLOSE-WAIT',
  LAST_ACK: 'LAST-ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

/** One socket as ss and netstat see it. */
export interface SocketRow {
  proto: 'tcp' | 'udp';
  state: TcpState;
  recvQ: number;
  sendQ: number;
  local: number;
  localPort: number;
  remote: number;
  remotePort: number;
  /** The sockets' owners: (name, pid, fd). */
  users: { name: string; pid: number; fd: number }[];
}

function owners(kernel: Kernel, file: FileLike): SocketRow['users'] {
  const users: SocketRow['users'] = [];
  for (const process of kernel.processes.list())
    for (const [fd, held] of process.fds)
      if (held.inode === file.inode) users.push({ name: process.comm, pid: process.pid, fd });
  return users;
}

/** Every TCP and UDP socket of a namespace, TCP listeners first (the order of the kernel's dumps). */
export function socketRows(ns: NetNs): { tcp: SocketRow[]; udp: SocketRow[] } {
  const kernel = ns.kernel;
  const tcpSockets = kernel.sockets.tcp.filter((s) => s.ns === ns && s.state !== 'CLOSED');
  const ordered = [
    ...tcpSockets.filter((s) => s.state === 'LISTEN'),
    ...tcpSockets.filter((s) => s.state !== 'LISTEN'),
  ];
  const tcp = ordered.map(
    (s): SocketRow => ({
      proto: 'tcp',
      state: s.state,
      recvQ: s.recvQueue,
      sendQ: s.sendQueue,
      local: s.localAddr,
      localPort: s.localPort,
      remote: s.remoteAddr,
      remotePort: s.remotePort,
      users: s.state === 'TIME_WAIT' || s.orphan ? [] : owners(kernel, s),
    }),
  );
  const udp = kernel.sockets.udp
    .filter((s) => s.ns === ns)
    .map(
      (s): SocketRow => ({
        proto: 'udp',
        state: s.remotePort !== 0 ? 'ESTABLISHED' : 'CLOSED',
        recvQ: s.recvQueue,
        sendQ: 0,
        local: s.localAddr,
        localPort: s.localPort,
        remote: s.remoteAddr,
        remotePort: s.remotePort,
        users: owners(kernel, s),
      }),
    );
  return { tcp, udp };
}

interface Column {
  header: string;
  align: 'left' | 'right';
  ldelim: string;
  disabled: boolean;
}

/** render() of ss with no terminal: widths from the widest cell, delimiters between columns. */
export function renderColumns(columns: Column[], rows: string[][], header: boolean): string {
  const active = columns.map((c, i) => ({ ...c, index: i })).filter((c) => !c.disabled);
  const table = header ? [columns.map((c) => c.header), ...rows] : rows;
  let first = true;
  const widths = new Map<number, number>();
  for (const c of active) {
    const max = Math.max(0, ...table.map((r) => (r[c.index] ?? '').length));
    widths.set(c.index, !first && max > 0 ? max + c.ldelim.length : max);
    if (max > 0) first = false;
  }
  let out = '';
  for (const row of table) {
    let line = '';
    let started = false;
    for (const c of active) {
      const width = widths.get(c.index) ?? 0;
      const cell = row[c.index] ?? '';
      let printed = 0;
      if (started) {
        line += c.ldelim;
        printed = c.ldelim.length;
      }
      started = true;
      if (width > 0 && c.align === 'right') {
        const s = width - cell.length - printed;
        if (s > 0) line += ' '.repeat(s);
        printed += Math.max(0, s);
      }
      line += cell;
      printed += cell.length;
      if (width > 0 && c.align === 'left' && width - printed > 0) line += ' '.repeat(width - printed);
    }
    out += `${line}\n`;
  }
  return out;
}

const USAGE = 'Usage: ss [ OPTIONS ]\n       ss [ OPTIONS ] [ FILTER ]\n';

export function runSs(args: string[], ns: NetNs): CommandOutput {
  let tcp = false;
  let udp = false;
  let listening = false;
  let all = false;
  let numeric = false;
  let processes = false;
  let summary = false;
  let header = true;
  for (const arg of args) {
    const long: Record<string, string> = {
      '--tcp': 't',
      '--udp': 'u',
      '--listening': 'l',
      '--all': 'a',
      '--numeric': 'n',
      '--processes': 'p',
      '--summary': 's',
      '--no-header': 'H',
      '--ipv4': '4',
    };
    const flags = arg.startsWith('--') ? (long[arg] ?? '?') : arg.startsWith('-') ? arg.slice(1) : '?';
    for (const flag of flags) {
      if (flag === 't') tcp = true;
      else if (flag === 'u') udp = true;
      else if (flag === 'l') listening = true;
      else if (flag === 'a') all = true;
      else if (flag === 'n') numeric = true;
      else if (flag === 'p') processes = true;
      else if (flag === 's') summary = true;
      else if (flag === 'H') header = false;
      else if (flag === '4' || flag === 'e' || flag === 'o' || flag === 'i' || flag === 'm') continue;
      else return { stdout: '', stderr: `ss: invalid option -- '${flag === '?' ? arg : flag}'\n${USAGE}`, exitCode: 1 };
    }
  }
  const rows = socketRows(ns);
  if (summary) return { stdout: summaryText(rows), stderr: '', exitCode: 0 };
  if (!tcp && !udp) {
    tcp = true;
    udp = true;
  }
  const wanted = (row: SocketRow) => {
    const isListen = row.state === 'LISTEN' || (row.proto === 'udp' && row.state === 'CLOSED');
    if (all) return true;
    if (listening) return isListen;
    return !isListen && row.state !== 'TIME_WAIT' && row.state !== 'SYN_RECV';
  };
  const selected = [...(udp ? rows.udp : []), ...(tcp ? rows.tcp : [])].filter(wanted);
  const service = (port: number, proto: string) => {
    if (port === 0) return '*';
    if (numeric || (port >= 32768 && port <= 60999)) return String(port);
    return serviceName(port, proto) ?? String(port);
  };
  const columns: Column[] = [
    { header: 'Netid', align: 'left', ldelim: '', disabled: !(tcp && udp) },
    { header: 'State', align: 'left', ldelim: ' ', disabled: false },
    { header: 'Recv-Q', align: 'left', ldelim: ' ', disabled: false },
    { header: 'Send-Q', align: 'left', ldelim: ' ', disabled: false },
    { header: 'Local Address:', align: 'right', ldelim: ' ', disabled: false },
    { header: 'Port', align: 'left', ldelim: '', disabled: false },
    { header: 'Peer Address:', align: 'right', ldelim: ' ', disabled: false },
    { header: 'Port', align: 'left', ldelim: '', disabled: false },
    { header: 'Process', align: 'left', ldelim: '', disabled: false },
  ];
  const cells = selected.map((row) => [
    row.proto,
    STATE_NAMES[row.state],
    String(row.recvQ).padEnd(6),
    String(row.sendQ).padEnd(6),
    `${formatIpv4(row.local)}:`,
    service(row.localPort, row.proto),
    `${formatIpv4(row.remote)}:`,
    service(row.remotePort, row.proto),
    processes && row.users.length > 0
      ? ` users:(${row.users.map((u) => `("${u.name}",pid=${u.pid},fd=${u.fd})`).join(',')})`
      : '',
  ]);
  return { stdout: renderColumns(columns, cells, header), stderr: '', exitCode: 0 };
}

function summaryText(rows: { tcp: SocketRow[]; udp: SocketRow[] }): string {
  const tws = rows.tcp.filter((r) => r.state === 'TIME_WAIT').length;
  const live = rows.tcp.length - tws;
  const estab = rows.tcp.filter((r) => r.state === 'ESTABLISHED' || r.state === 'CLOSE_WAIT').length;
  const line = (name: string, total: number) =>
    `${name}\t  ${String(total).padEnd(9)} ${String(total).padEnd(9)} ${'0'.padEnd(9)}\n`;
  return (
    `Total: ${live + rows.udp.length}\n` +
    `TCP:   ${rows.tcp.length} (estab ${estab}, closed ${tws}, orphaned 0, timewait ${tws})\n\n` +
    'Transport Total     IP        IPv6\n' +
    line('RAW', 0) +
    line('UDP', rows.udp.length) +
    line('TCP', live) +
    line('INET', live + rows.udp.length) +
    line('FRAG', 0) +
    '\n'
  );
}
