/**
 * `netstat` (net-tools 2.10): the socket tables (-t -u -l -a -n -p), the routing table (-r) and the
 * interface table (-i), from a namespace's /proc/net views.
 */
import { serviceName } from '../engine/linux/netfilter/netdb.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { TcpState } from '../engine/linux/tcp.ts';
import { formatIpv4 } from '../engine/wire/addr.ts';
import { netstatInterfaces } from './ifconfig.ts';
import { netstatRoutes } from './net-tools.ts';
import { type SocketRow, socketRows } from './ss.ts';
import type { CommandOutput } from './types.ts';

const STATES: Record<TcpState, string> = {
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECV: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSED: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

const USAGE = `usage: netstat [-vWeenNcCF] [<Af>] -r         netstat {-V|--version|-h|--help}
       netstat [-vWnNcaeol] [<Socket> ...]
       netstat { [-vWeenNac] -i | [-cnNe] -M | -s [-6tuw] }
`;

/** An address and port as netstat prints them: names unless -n, cut to fit 23 columns. */
function endpoint(addr: number, port: number, proto: string, numeric: boolean): string {
  const host = !numeric && addr === 0x7f000001 ? 'localhost' : formatIpv4(addr);
  const service = port === 0 ? '*' : numeric ? String(port) : (serviceName(port, proto) ?? String(port));
  const room = 22 - service.length;
  return `${host.length > room ? host.slice(0, room) : host}:${service}`;
}

export function runNetstat(args: string[], ns: NetNs): CommandOutput {
  let tcp = false;
  let udp = false;
  let listening = false;
  let all = false;
  let numeric = false;
  let programs = false;
  let routes = false;
  let interfaces = false;
  const long: Record<string, string> = {
    '--tcp': 't',
    '--udp': 'u',
    '--listening': 'l',
    '--all': 'a',
    '--numeric': 'n',
    '--programs': 'p',
    '--route': 'r',
    '--interfaces': 'i',
  };
  for (const arg of args) {
    const flags = arg.startsWith('--') ? (long[arg] ?? '?') : arg.startsWith('-') ? arg.slice(1) : '?';
    for (const flag of flags) {
      if (flag === 't') tcp = true;
      else if (flag === 'u') udp = true;
      else if (flag === 'l') listening = true;
      else if (flag === 'a') all = true;
      else if (flag === 'n') numeric = true;
      else if (flag === 'p') programs = true;
      else if (flag === 'r') routes = true;
      else if (flag === 'i') interfaces = true;
      else if (flag === 'e' || flag === 'W' || flag === '4' || flag === 'v') continue;
      else return { stdout: '', stderr: `netstat: invalid option -- '${flag}'\n${USAGE}`, exitCode: 1 };
    }
  }
  if (routes) return { stdout: netstatRoutes(ns, numeric), stderr: '', exitCode: 0 };
  if (interfaces) return { stdout: netstatInterfaces(ns, all), stderr: '', exitCode: 0 };
  const unix = !tcp && !udp;
  if (unix) {
    tcp = true;
    udp = true;
  }
  const title = listening ? 'only servers' : all ? 'servers and established' : 'w/o servers';
  let stdout = `Active Internet connections (${title})\n`;
  stdout += `Proto Recv-Q Send-Q Local Address           Foreign Address         State      ${programs ? ' PID/Program name    ' : ''}\n`;
  const rows = socketRows(ns);
  const wanted = (row: SocketRow) => {
    const isListen = row.state === 'LISTEN' || (row.proto === 'udp' && row.state === 'CLOSED');
    return all || (listening ? isListen : !isListen);
  };
  const line = (row: SocketRow) => {
    const state = row.proto === 'udp' ? (row.state === 'ESTABLISHED' ? 'ESTABLISHED' : '') : STATES[row.state];
    const owner = row.users[0];
    const program = owner ? `${owner.pid}/${owner.name}` : '-';
    const local = endpoint(row.local, row.localPort, row.proto, numeric);
    // /proc/net/tcp shows no queues for a listener (ss shows its accept queue and backlog).
    const [recvQ, sendQ] = row.state === 'LISTEN' ? [0, 0] : [row.recvQ, row.sendQ];
    const remote = endpoint(row.remote, row.remotePort, row.proto, numeric);
    return `${row.proto.padEnd(4)}  ${String(recvQ).padStart(6)} ${String(sendQ).padStart(6)} ${local.padEnd(23)} ${remote.padEnd(23)} ${state.padEnd(11)}${programs ? ` ${program.padEnd(20)}` : ''}\n`;
  };
  for (const row of tcp ? rows.tcp : []) if (wanted(row)) stdout += line(row);
  for (const row of udp ? rows.udp : []) if (wanted(row)) stdout += line(row);
  if (unix) {
    stdout += `Active UNIX domain sockets (${title})\n`;
    stdout += `Proto RefCnt Flags       Type       State         I-Node  ${programs ? ' PID/Program name    ' : ''} Path\n`;
  }
  return { stdout, stderr: '', exitCode: 0 };
}
