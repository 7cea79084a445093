/**
 * `curl` (7.88.1, Debian 12) over the engine's TCP: one HTTP/1.1 request to an IPv4 address, with
 * -s/-S, -v, -m, --connect-timeout, -o, -I, -f, -w, -X, -H and curl's exit codes and messages. Like
 * ping it waits by yielding to its driver, so time passes only on the virtual clock. The output is
 * what a terminal shows (no progress meter).
 */
import type { Errno } from '../engine/linux/errors.ts';
import type { Kernel } from '../engine/linux/kernel.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { TcpSocket } from '../engine/linux/tcp.ts';
import { formatIpv4, parseIpv4 } from '../engine/wire/addr.ts';
import type { ToolEmit, ToolProgram } from './types.ts';

interface CurlOptions {
  url?: string;
  silent: boolean;
  showError: boolean;
  verbose: boolean;
  head: boolean;
  fail: boolean;
  include: boolean;
  output?: string;
  writeOut?: string;
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  method?: string;
  headers: string[];
}

const USAGE_HINT = "curl: try 'curl --help' or 'curl --manual' for more information\n";
/** Virtual time a client takes to exit after its last read (the kernel runs on meanwhile). */
const EXIT_MICROS = 500;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function seconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d+(\.\d+)?$/.test(text)) return undefined;
  return Math.round(Number(text) * 1000);
}

function parse(args: string[]): CurlOptions | { exit: number; message: string } {
  const o: CurlOptions = {
    silent: false,
    showError: false,
    verbose: false,
    head: false,
    fail: false,
    include: false,
    headers: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const value = () => args[++i];
    if (arg.startsWith('--')) {
      const long = arg.slice(2);
      if (long === 'silent') o.silent = true;
      else if (long === 'show-error') o.showError = true;
      else if (long === 'verbose') o.verbose = true;
      else if (long === 'head') o.head = true;
      else if (long === 'fail') o.fail = true;
      else if (long === 'include') o.include = true;
      else if (long === 'output') o.output = value();
      else if (long === 'write-out') o.writeOut = value();
      else if (long === 'request') o.method = value();
      else if (long === 'header') o.headers.push(value() ?? '');
      else if (long === 'max-time' || long === 'connect-timeout') {
        const ms = seconds(value());
        if (ms === undefined)
          return { exit: 2, message: `curl: option --${long}: expected a proper numerical parameter\n` };
        if (long === 'max-time') o.maxTimeMs = ms;
        else o.connectTimeoutMs = ms;
      } else if (long === 'url') o.url = value();
      else return { exit: 2, message: `curl: option ${arg}: is unknown\n${USAGE_HINT}` };
      continue;
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const flag = arg[j] as string;
        const takes = 'omwXH'.includes(flag);
        const inline = arg.slice(j + 1);
        const v = takes ? (inline !== '' ? inline : value()) : undefined;
        if (flag === 's') o.silent = true;
        else if (flag === 'S') o.showError = true;
        else if (flag === 'v') o.verbose = true;
        else if (flag === 'I') o.head = true;
        else if (flag === 'f') o.fail = true;
        else if (flag === 'i') o.include = true;
        else if (flag === 'o') o.output = v;
        else if (flag === 'w') o.writeOut = v;
        else if (flag === 'X') o.method = v;
        else if (flag === 'H') o.headers.push(v ?? '');
        else if (flag === 'm') {
          const ms = seconds(v);
          if (ms === undefined) return { exit: 2, message: `curl: option -m: expected a proper numerical parameter\n` };
          o.maxTimeMs = ms;
        } else if (flag === 'k' || flag === 'L' || flag === '4' || flag === 'N') continue;
        else return { exit: 2, message: `curl: option -${flag}: is unknown\n${USAGE_HINT}` };
        if (takes) break;
      }
      continue;
    }
    o.url = arg;
  }
  return o;
}

interface Target {
  host: string;
  addr: number;
  port: number;
  path: string;
}

function parseUrl(url: string): Target | { exit: number; message: string } {
  const m = /^(?:(\w+):\/\/)?([^/:?#]+)(?::(\d*))?([^#]*)/.exec(url);
  if (!m) return { exit: 3, message: 'URL using bad/illegal format or missing URL' };
  const scheme = (m[1] ?? 'http').toLowerCase();
  if (scheme !== 'http') return { exit: 1, message: `Protocol "${scheme}" not supported or disabled in libcurl` };
  const host = m[2] ?? '';
  const port = m[3] === undefined || m[3] === '' ? 80 : Number(m[3]);
  if (port > 65535) return { exit: 3, message: 'URL using bad/illegal format or missing URL' };
  const addr = host === 'localhost' ? 0x7f000001 : parseIpv4(host);
  if (addr === null) return { exit: 6, message: `Could not resolve host: ${host}` };
  let path = m[4] ?? '';
  if (path === '' || path.startsWith('?')) path = `/${path}`;
  return { host, addr, port, path };
}

/** What curl's -w prints for one variable. */
function writeOut(format: string, vars: Record<string, string>): string {
  return format
    .replace(/%\{(\w+)\}/g, (whole, name: string) => vars[name] ?? whole)
    .replace(/\\([nrt\\])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t', '\\': '\\' })[c] ?? c);
}

export function* curlProgram(args: string[], kernel: Kernel, ns: NetNs, emitNow: ToolEmit): ToolProgram {
  // Off a terminal curl's stdout is block-buffered: the body and -w reach the reader at exit,
  // after everything -v wrote to stderr.
  let buffered = '';
  const emit: ToolEmit = (stream, text) => {
    if (stream === 'stdout') buffered += text;
    else emitNow(stream, text);
  };
  try {
    return yield* transfer(args, kernel, ns, emit);
  } finally {
    if (buffered !== '') emitNow('stdout', buffered);
  }
}

function* transfer(args: string[], kernel: Kernel, ns: NetNs, emit: ToolEmit): ToolProgram {
  const parsed = parse(args);
  if ('exit' in parsed) {
    emit('stderr', parsed.message);
    return parsed.exit;
  }
  const o = parsed;
  if (o.url === undefined) {
    emit('stderr', USAGE_HINT);
    return 2;
  }
  const showErrors = !o.silent || o.showError;
  const info = (line: string) => {
    if (o.verbose) emit('stderr', `* ${line}\n`);
  };
  const start = kernel.clock.micros;
  const elapsed = () => Math.floor((kernel.clock.micros - start) / 1000);
  const vars: Record<string, string> = { http_code: '000', size_download: '0', remote_ip: '', remote_port: '' };
  vars.local_ip = '';
  vars.local_port = '';
  const finish = (code: number, message?: string): number => {
    if (message !== undefined && o.verbose && code !== 0) info(message);
    if (o.verbose) info('Closing connection 0');
    if (o.writeOut !== undefined) {
      vars.time_total = ((kernel.clock.micros - start) / 1e6).toFixed(6);
      emit('stdout', writeOut(o.writeOut, vars));
    }
    if (message !== undefined && code !== 0 && showErrors) emit('stderr', `curl: (${code}) ${message}\n`);
    return code;
  };

  const target = parseUrl(o.url);
  if ('exit' in target) {
    if (showErrors) emit('stderr', `curl: (${target.exit}) ${target.message}\n`);
    return target.exit;
  }
  const { addr, port } = target;
  const ip = formatIpv4(addr);
  if (o.verbose) emit('stderr', `*   Trying ${ip}:${port}...\n`);

  // connect(), then wait for the handshake, a refusal or a timeout.
  const connectFailed = (errno: Errno | 'timeout') => {
    if (errno === 'timeout') {
      if (o.connectTimeoutMs !== undefined && (o.maxTimeMs === undefined || o.connectTimeoutMs <= o.maxTimeMs))
        return finish(28, `Failed to connect to ${ip} port ${port} after ${elapsed()} ms: Timeout was reached`);
      return finish(28, `Connection timed out after ${elapsed()} milliseconds`);
    }
    info(`connect to ${ip} port ${port} failed: ${errnoText(errno)}`);
    return finish(7, `Failed to connect to ${ip} port ${port} after ${elapsed()} ms: Couldn't connect to server`);
  };
  const opened = kernel.sockets.connectTcp(ns, addr, port);
  if (typeof opened === 'string') return connectFailed(opened);
  const socket: TcpSocket = opened;
  let connected = false;
  let error: Errno | undefined;
  let eof = false;
  let received = new Uint8Array(0);
  socket.callbacks = {
    onConnect: () => {
      connected = true;
    },
    onError: (errno) => {
      error = errno;
    },
    onData: (data) => {
      const joined = new Uint8Array(received.length + data.length);
      joined.set(received);
      joined.set(data, received.length);
      received = joined;
    },
    onEof: () => {
      eof = true;
    },
  };
  const connectLimit = Math.min(o.connectTimeoutMs ?? 300_000, o.maxTimeMs ?? Number.POSITIVE_INFINITY);
  try {
    const connectDeadline = start + connectLimit * 1000;
    while (!connected && error === undefined) {
      if (kernel.clock.micros >= connectDeadline) break;
      const interrupted = yield { until: connectDeadline, wake: () => connected || error !== undefined };
      if (interrupted && !connected && error === undefined) break;
    }
    if (!connected) {
      socket.close();
      return connectFailed(error ?? 'timeout');
    }
    vars.remote_ip = ip;
    vars.remote_port = String(port);
    vars.local_ip = formatIpv4(socket.localAddr);
    vars.local_port = String(socket.localPort);
    info(`Connected to ${target.host} (${ip}) port ${port} (#0)`);

    const method = o.method ?? (o.head ? 'HEAD' : 'GET');
    const hostHeader = port === 80 ? target.host : `${target.host}:${port}`;
    const requestLines = [
      `${method} ${target.path} HTTP/1.1`,
      `Host: ${hostHeader}`,
      'User-Agent: curl/7.88.1',
      'Accept: */*',
      ...o.headers,
    ];
    const request = `${requestLines.join('\r\n')}\r\n\r\n`;
    if (o.verbose) for (const line of [...requestLines, '']) emit('stderr', `> ${line}\r\n`);
    socket.send(encoder.encode(request));

    // Read the status line and headers, then the body (Content-Length, or until the server closes).
    const deadline = o.maxTimeMs !== undefined ? start + o.maxTimeMs * 1000 : Number.POSITIVE_INFINITY;
    const headEnd = () => indexOfBlankLine(received);
    let expected: number | undefined;
    let headerBytes = -1;
    const complete = () => {
      if (error !== undefined) return true;
      if (headerBytes < 0) return eof || headEnd() >= 0;
      if (expected !== undefined) return received.length - headerBytes >= expected || eof;
      return eof;
    };
    for (;;) {
      if (headerBytes < 0 && headEnd() >= 0) {
        headerBytes = headEnd();
        const head = decoder.decode(received.slice(0, headerBytes));
        const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
        expected = method === 'HEAD' ? 0 : length ? Number(length[1]) : undefined;
      }
      if (complete()) break;
      if (kernel.clock.micros >= deadline) break;
      const interrupted = yield { until: deadline, wake: complete };
      if (interrupted && !complete()) break;
    }
    if (headerBytes < 0) {
      socket.close();
      if (error !== undefined) return finish(56, `Recv failure: ${errnoText(error)}`);
      if (kernel.clock.micros >= deadline)
        return finish(28, `Operation timed out after ${elapsed()} milliseconds with 0 bytes received`);
      return finish(52, 'Empty reply from server');
    }
    const head = decoder.decode(received.slice(0, headerBytes));
    const headLines = head.split('\r\n').slice(0, -2);
    const status = /^HTTP\/(\d(?:\.\d)?) (\d{3})/.exec(headLines[0] ?? '');
    const version = status?.[1] ?? '1.1';
    const code = Number(status?.[2] ?? 0);
    vars.http_code = String(code).padStart(3, '0');
    if (version === '1.0') info('HTTP 1.0, assume close after body');
    if (o.verbose) for (const line of headLines) emit('stderr', `< ${line}\r\n`);
    if (o.verbose) emit('stderr', '< \r\n');
    const body = received.slice(headerBytes, expected !== undefined ? headerBytes + expected : undefined);
    vars.size_download = String(body.length);
    if (o.fail && code >= 400) {
      socket.close();
      return finish(22, `The requested URL returned error: ${code}`);
    }
    const toStdout = o.output === undefined || o.output === '-';
    if (o.head || o.include) {
      if (toStdout) emit('stdout', head);
    }
    if (body.length > 0) {
      // Off a terminal (a pipe, a file, a script) -v marks the body it passes on.
      if (o.verbose) emit('stderr', `{ [${body.length} bytes data]\n`);
      if (toStdout) emit('stdout', decoder.decode(body));
    }
    if (expected !== undefined && body.length < expected) {
      socket.close();
      if (kernel.clock.micros >= deadline)
        return finish(
          28,
          `Operation timed out after ${elapsed()} milliseconds with ${body.length} out of ${expected} bytes received`,
        );
      return finish(18, `transfer closed with ${expected - body.length} bytes remaining to read`);
    }
    socket.close();
    // curl takes a moment to exit: the close handshake it started goes on meanwhile.
    yield { until: kernel.clock.micros + EXIT_MICROS };
    return finish(0);
  } finally {
    if (socket.state !== 'CLOSED' && !socket.orphan) socket.close();
  }
}

function indexOfBlankLine(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++)
    if (bytes[i - 3] === 13 && bytes[i - 2] === 10 && bytes[i - 1] === 13 && bytes[i] === 10) return i + 1;
  return -1;
}

function errnoText(errno: Errno): string {
  const texts: Partial<Record<Errno, string>> = {
    ECONNREFUSED: 'Connection refused',
    EHOSTUNREACH: 'No route to host',
    ENETUNREACH: 'Network is unreachable',
    ETIMEDOUT: 'Connection timed out',
    ECONNRESET: 'Connection reset by peer',
    EINVAL: 'Invalid argument',
    EPERM: 'Operation not permitted',
  };
  return texts[errno] ?? errno;
}
