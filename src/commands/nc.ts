/**
 * `nc` (OpenBSD netcat 1.219, Debian's netcat-openbsd): port probes (-z -v), a client that sends
 * its stdin and prints what comes back, a one-connection listener (-l [-p] PORT), -w timeouts,
 * -N (shutdown after stdin), -n, and UDP (-u).
 */
import type { Errno } from '../engine/linux/errors.ts';
import { ERRNO } from '../engine/linux/errors.ts';
import type { Kernel } from '../engine/linux/kernel.ts';
import { serviceName, servicePort } from '../engine/linux/netfilter/netdb.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { TcpSocket } from '../engine/linux/tcp.ts';
import { formatIpv4, parseIpv4 } from '../engine/wire/addr.ts';
import type { ProcessSpawner } from './python3.ts';
import type { ToolEmit, ToolProgram } from './types.ts';

const USAGE = `usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]
\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]
\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]
\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]
\t  [destination] [port]
`;

interface NcOptions {
  listen: boolean;
  zero: boolean;
  verbose: boolean;
  numeric: boolean;
  udp: boolean;
  shutdown: boolean;
  keep: boolean;
  timeoutMs?: number;
  sourcePort?: number;
  positional: string[];
}

function parse(args: string[]): NcOptions | string {
  const o: NcOptions = {
    listen: false,
    zero: false,
    verbose: false,
    numeric: false,
    udp: false,
    shutdown: false,
    keep: false,
    positional: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (!arg.startsWith('-') || arg === '-') {
      o.positional.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j] as string;
      const takes = 'wpqsiIW'.includes(flag);
      const value = takes ? (arg.slice(j + 1) !== '' ? arg.slice(j + 1) : args[++i]) : undefined;
      if (flag === 'l') o.listen = true;
      else if (flag === 'z') o.zero = true;
      else if (flag === 'v') o.verbose = true;
      else if (flag === 'n') o.numeric = true;
      else if (flag === 'u') o.udp = true;
      else if (flag === 'N') o.shutdown = true;
      else if (flag === 'k') o.keep = true;
      else if (flag === 'w') {
        if (value === undefined || !/^\d+$/.test(value)) return `nc: timeout invalid: ${value ?? ''}\n`;
        o.timeoutMs = Number(value) * 1000;
      } else if (flag === 'p')
        o.sourcePort = value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : Number.NaN;
      else if (takes || flag === '4' || flag === 'd' || flag === 'D' || flag === 'C') continue;
      else return `nc: invalid option -- '${flag}'\n${USAGE}`;
      if (takes) break;
    }
  }
  return o;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function* ncProgram(
  args: string[],
  kernel: Kernel,
  ns: NetNs,
  emit: ToolEmit,
  stdin: string,
  spawner: ProcessSpawner,
): ToolProgram {
  const parsed = parse(args);
  if (typeof parsed === 'string') {
    emit('stderr', parsed);
    return 1;
  }
  const o = parsed;
  if (o.listen) return yield* listen(o, args, kernel, ns, emit, spawner);
  const [host, portText] = o.positional;
  if (host === undefined || portText === undefined) {
    emit('stderr', USAGE);
    return 1;
  }
  const addr = parseIpv4(host);
  const port = portNumber(portText, o.udp ? 'udp' : 'tcp');
  if (typeof port === 'string') {
    emit('stderr', port);
    return 1;
  }
  if (addr === null) {
    emit('stderr', `nc: getaddrinfo for host "${host}" port ${portText}: Temporary failure in name resolution\n`);
    return 1;
  }
  const proto = o.udp ? 'udp' : 'tcp';
  const succeeded = () => {
    if (o.verbose)
      emit('stderr', `Connection to ${host} ${port} port [${proto}/${serviceName(port, proto) ?? '*'}] succeeded!\n`);
  };
  const failed = (errno: Errno | 'timeout') => {
    if (!o.verbose) return 1;
    if (errno === 'timeout')
      emit('stderr', `nc: connect to ${host} port ${port} (${proto}) timed out: Operation now in progress\n`);
    else emit('stderr', `nc: connect to ${host} port ${port} (${proto}) failed: ${ERRNO[errno]}\n`);
    return 1;
  };
  if (o.udp) {
    const socket = kernel.sockets.bindUdp(ns, 0, o.sourcePort ?? 0);
    if (typeof socket === 'string') return failed(socket);
    const errno = socket.connect(addr, port);
    if (errno) {
      socket.close();
      return failed(errno);
    }
    succeeded();
    if (!o.zero && stdin !== '') socket.sendTo(encoder.encode(stdin));
    socket.callbacks.onMessage = (data) => emit('stdout', decoder.decode(data));
    try {
      if (!o.zero && o.timeoutMs !== undefined) yield { until: kernel.clock.micros + o.timeoutMs * 1000 };
    } finally {
      socket.close();
    }
    return 0;
  }
  const opened = kernel.sockets.connectTcp(ns, addr, port);
  if (typeof opened === 'string') return failed(opened);
  const socket: TcpSocket = opened;
  const process = spawner.spawn(['nc', ...args]);
  kernel.processes.addFd(process, socket);
  let connected = false;
  let error: Errno | undefined;
  let eof = false;
  socket.callbacks = {
    onConnect: () => {
      connected = true;
    },
    onError: (errno) => {
      error = errno;
    },
    onData: (data) => emit('stdout', decoder.decode(data)),
    onEof: () => {
      eof = true;
    },
  };
  try {
    const limit = o.timeoutMs ?? 130_000;
    const deadline = kernel.clock.micros + limit * 1000;
    while (!connected && error === undefined && kernel.clock.micros < deadline) {
      const interrupted = yield { until: deadline, wake: () => connected || error !== undefined };
      if (interrupted) break;
    }
    if (!connected) return failed(error ?? 'timeout');
    succeeded();
    if (o.zero) {
      socket.close();
      yield { until: kernel.clock.micros + 500 };
      return 0;
    }
    if (stdin !== '') socket.send(encoder.encode(stdin));
    if (o.shutdown) socket.shutdown();
    // Reads until the peer closes, or -w seconds pass without anything arriving.
    for (;;) {
      if (eof || error !== undefined) break;
      const until = o.timeoutMs !== undefined ? kernel.clock.micros + o.timeoutMs * 1000 : Number.POSITIVE_INFINITY;
      const interrupted = yield { until, wake: () => eof || error !== undefined, daemon: !Number.isFinite(until) };
      if (interrupted && !eof && error === undefined) return 130;
      if (Number.isFinite(until) && kernel.clock.micros >= until) break;
    }
    socket.close();
    // nc takes a moment to exit: the close handshake goes on meanwhile.
    yield { until: kernel.clock.micros + 500 };
    return 0;
  } finally {
    if (!socket.orphan) socket.close();
    kernel.processes.exit(process, 0);
  }
}

function* listen(
  o: NcOptions,
  args: string[],
  kernel: Kernel,
  ns: NetNs,
  emit: ToolEmit,
  spawner: ProcessSpawner,
): ToolProgram {
  const portText = o.sourcePort !== undefined ? String(o.sourcePort) : o.positional[o.positional.length - 1];
  if (portText === undefined) {
    emit('stderr', USAGE);
    return 1;
  }
  const port = /^\d+$/.test(portText) ? Number(portText) : servicePort(portText, o.udp ? 'udp' : 'tcp');
  if (port === undefined || port > 65535) {
    emit('stderr', 'nc: getaddrinfo: Servname not supported for ai_socktype\n');
    return 1;
  }
  const bind =
    o.positional.length > 1 || (o.sourcePort !== undefined && o.positional.length > 0) ? o.positional[0] : undefined;
  const addr = bind === undefined ? 0 : (parseIpv4(bind) ?? 0);
  const process = spawner.spawn(['nc', ...args]);
  const listener = kernel.sockets.listenTcp(ns, addr, port, 1);
  if (typeof listener === 'string') {
    kernel.processes.exit(process, 1);
    emit('stderr', `nc: ${ERRNO[listener]}\n`);
    return 1;
  }
  kernel.processes.addFd(process, listener);
  if (o.verbose) {
    if (o.numeric) emit('stderr', `Listening on ${formatIpv4(addr)} ${port}\n`);
    else emit('stderr', 'nc: getnameinfo: Temporary failure in name resolution\n');
  }
  let conn: TcpSocket | undefined;
  let eof = false;
  listener.callbacks.onAccept = (child) => {
    if (conn) {
      child.abort();
      return;
    }
    conn = child;
    kernel.processes.addFd(process, child);

    if (o.verbose) {
      const peer = formatIpv4(child.remoteAddr);
      const name = !o.numeric && child.remoteAddr === 0x7f000001 ? 'localhost' : peer;
      emit('stderr', `Connection received on ${name} ${child.remotePort}\n`);
    }
    child.callbacks = {
      onData: (data) => emit('stdout', decoder.decode(data)),
      onEof: () => {
        eof = true;
      },
      onError: () => {
        eof = true;
      },
    };
    for (const chunk of child.takeUnread()) emit('stdout', decoder.decode(chunk));
  };
  try {
    const interrupted = yield {
      until: Number.POSITIVE_INFINITY,
      wake: () => eof || process.exitCode !== undefined,
      daemon: true,
    };
    return interrupted && !eof ? 130 : 0;
  } finally {
    conn?.close();
    listener.close();
    kernel.processes.exit(process, 0);
  }
}

/** A port operand as openbsd nc reads it: a number in 1..65535 or a service name; else its message. */
function portNumber(text: string, proto: 'tcp' | 'udp'): number | string {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n > 65535) return `nc: port number too large: ${text}\n`;
    if (n < 1) return `nc: port number too small: ${text}\n`;
    return n;
  }
  return servicePort(text, proto) ?? `nc: port number invalid: ${text}\n`;
}
