/**
 * `dig` (BIND 9.18 on Debian 12): one query over UDP to the resolver of /etc/resolv.conf or
 * `@server`, printed in dig's default format (header, OPT pseudosection, sections in BIND's tab
 * columns, query time, server, the virtual clock's WHEN, message size), or `+short`. Also `-x`,
 * `-t`/type arguments, `-p`, `+search`, `+tries`/`+retry`, `+time`. The query loop is shared with
 * nslookup.
 */
import type { Kernel } from '../engine/linux/kernel.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import { formatIpv4, parseIpv4 } from '../engine/wire/addr.ts';
import {
  CLASS_IN,
  type DnsMessage,
  type DnsRecord,
  decodeMessage,
  emptyMessage,
  encodeMessage,
  formatRData,
  RCODE_NAMES,
  reverseName,
  TYPE,
  TYPE_NAMES,
} from '../engine/wire/dns.ts';
import type { ToolEmit, ToolProgram, ToolWait } from './types.ts';

export const DIG_VERSION = '9.18.33-1~deb12u2-Debian';

/** What /etc/resolv.conf says. */
export interface ResolvConf {
  nameservers: string[];
  search: string[];
  ndots: number;
}

export function parseResolvConf(text: string | undefined): ResolvConf {
  const out: ResolvConf = { nameservers: [], search: [], ndots: 1 };
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0] !== undefined) out.nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') out.search = rest;
    else if (key === 'options')
      for (const o of rest) {
        const m = /^ndots:(\d+)$/.exec(o);
        if (m) out.ndots = Math.min(15, Number(m[1]));
      }
  }
  if (out.nameservers.length === 0) out.nameservers.push('127.0.0.1');
  return out;
}

/** The names a resolver tries for `name`, in order (search list before the name when it has fewer than ndots dots). */
export function candidates(name: string, conf: ResolvConf, search: boolean): string[] {
  if (name.endsWith('.') || !search || conf.search.length === 0) return [name];
  const dots = name.split('.').length - 1;
  const withSearch = conf.search.map((d) => `${name}.${d}`);
  return dots >= conf.ndots ? [name, ...withSearch] : [...withSearch, name];
}

export type QueryResult =
  | { kind: 'answer'; reply: DnsMessage; size: number; micros: number }
  | { kind: 'timeout' }
  | { kind: 'refused' }
  | { kind: 'unreachable' }
  | { kind: 'interrupted' };

/** One query over UDP: a fresh socket, the datagram, a wait of `timeoutMs` for the reply with the same id. */
export function* udpQuery(
  kernel: Kernel,
  ns: NetNs,
  server: string,
  port: number,
  message: DnsMessage,
  timeoutMs: number,
): Generator<ToolWait, QueryResult, boolean> {
  const addr = parseIpv4(server);
  if (addr === null) return { kind: 'unreachable' };
  const socket = kernel.sockets.bindUdp(ns, 0, 0);
  if (typeof socket === 'string') return { kind: 'unreachable' };
  let reply: { message: DnsMessage; size: number } | undefined;
  let refused = false;
  try {
    if (socket.connect(addr, port) !== undefined) return { kind: 'unreachable' };
    socket.callbacks = {
      onMessage: (data, from, fromPort) => {
        if (from !== addr || fromPort !== port || reply) return;
        try {
          const m = decodeMessage(data);
          if (m.id === message.id && m.qr) reply = { message: m, size: data.length };
        } catch {
          // A malformed reply is dropped, as dig would after its parse error.
        }
      },
      onError: (errno) => {
        if (errno === 'ECONNREFUSED') refused = true;
      },
    };
    const start = kernel.clock.micros;
    if (socket.sendTo(encodeMessage(message)) !== undefined) return { kind: 'unreachable' };
    const until = start + timeoutMs * 1000;
    while (!reply && !refused && kernel.clock.micros < until) {
      const interrupted = yield { until, wake: () => reply !== undefined || refused };
      if (interrupted && !reply && !refused) return { kind: 'interrupted' };
    }
    if (reply) return { kind: 'answer', reply: reply.message, size: reply.size, micros: kernel.clock.micros - start };
    return refused ? { kind: 'refused' } : { kind: 'timeout' };
  } finally {
    socket.close();
  }
}

/** A query message as dig 9.18 sends it: RD and AD set, EDNS 1232 with an 8-byte client cookie. */
export function newQuery(kernel: Kernel, name: string, type: number, options: { edns: boolean; rd?: boolean }) {
  const m = emptyMessage(kernel.rng.int(0, 0xffff));
  m.rd = options.rd ?? true;
  m.ad = options.edns;
  m.questions.push({ name: name.endsWith('.') ? name : `${name}.`, type, class: CLASS_IN });
  if (options.edns) m.edns = { udpSize: 1232, version: 0, flags: 0, cookie: Uint8Array.from(kernel.rng.bytes(8)) };
  return m;
}

/** BIND's column padding: tabs up to `target`, or one space when already past it. */
function pad(line: string, target: number): string {
  let col = 0;
  for (const ch of line) col = ch === '\t' ? (Math.floor(col / 8) + 1) * 8 : col + 1;
  if (col >= target) return `${line} `;
  let out = line;
  while (col < target) {
    out += '\t';
    col = (Math.floor(col / 8) + 1) * 8;
  }
  return out;
}

const typeName = (t: number) => TYPE_NAMES[t] ?? `TYPE${t}`;

export function formatRecord(r: DnsRecord): string {
  let line = pad(r.name, 24);
  line = pad(`${line}${r.ttl}`, 32);
  line = pad(`${line}IN`, 40);
  line = pad(`${line}${typeName(r.type)}`, 48);
  return `${line}${formatRData(r.data)}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `%a %b %d %H:%M:%S %Z %Y` in UTC. */
export function whenText(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function typeOf(text: string): number | undefined {
  const t = text.toUpperCase();
  if (t in TYPE && t !== 'OPT') return TYPE[t as keyof typeof TYPE];
  const m = /^TYPE(\d+)$/.exec(t);
  return m ? Number(m[1]) : undefined;
}

interface DigOptions {
  server?: string;
  serverFirst: boolean;
  port: number;
  name?: string;
  type?: number;
  short: boolean;
  search: boolean;
  tries: number;
  timeout: number;
  rd: boolean;
  edns: boolean;
  cmd: boolean;
}

const USAGE = `Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}
            {global-d-opt} host [@local-server] {local-d-opt}
            [ host [@local-server] {local-d-opt} [...]]

Use "dig -h" (or "dig -h | more") for complete list of options
`;

function parse(args: string[]): DigOptions | { error: string; status: number } {
  const o: DigOptions = {
    serverFirst: false,
    port: 53,
    short: false,
    search: false,
    tries: 3,
    timeout: 5,
    rd: true,
    edns: true,
    cmd: true,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('@')) {
      o.server = a.slice(1);
      if (o.name === undefined) o.serverFirst = true;
    } else if (a === '-x') {
      const ip = args[++i];
      if (ip === undefined || parseIpv4(ip) === null) return { error: `Invalid IP address ${ip ?? ''}\n`, status: 1 };
      o.name = reverseName(formatIpv4(parseIpv4(ip) as number)).slice(0, -1);
      o.type ??= TYPE.PTR;
    } else if (a === '-t' || a === '-p' || a === '-c') {
      const v = args[++i] ?? '';
      if (a === '-t') {
        const t = typeOf(v);
        if (t === undefined) return { error: `;; Warning, ignoring invalid type ${v}\n`, status: 0 };
        o.type = t;
      } else if (a === '-p') o.port = Number(v);
    } else if (a === '-4' || a === '-6' || a === '-r') continue;
    else if (a === '-h') return { error: USAGE, status: 0 };
    else if (a.startsWith('+')) {
      const [key = '', value] = a.slice(1).split('=');
      const neg = key.startsWith('no');
      const k = neg ? key.slice(2) : key;
      if (k === 'short') o.short = !neg;
      else if (k === 'search') o.search = !neg;
      else if (k === 'recurse') o.rd = !neg;
      else if (k === 'edns') o.edns = !neg;
      else if (k === 'cmd') o.cmd = !neg;
      else if (k === 'tries' && value !== undefined) o.tries = Math.max(1, Number(value));
      else if (k === 'retry' && value !== undefined) o.tries = Math.max(1, Number(value) + 1);
      else if (k === 'time' && value !== undefined) o.timeout = Math.max(1, Number(value));
      else if (['tcp', 'vc', 'cookie', 'adflag', 'stats', 'comments', 'question', 'answer', 'all'].includes(k))
        continue;
      else return { error: `Invalid option: ${a}\n${USAGE}`, status: 1 };
    } else if (a.startsWith('-')) return { error: `Invalid option: ${a}\n${USAGE}`, status: 1 };
    else if (typeOf(a) !== undefined && o.type === undefined) o.type = typeOf(a);
    else if (a.toUpperCase() === 'IN') continue;
    else if (o.name === undefined) o.name = a;
  }
  return o;
}

const FLAG_ORDER: [keyof DnsMessage, string][] = [
  ['qr', 'qr'],
  ['aa', 'aa'],
  ['tc', 'tc'],
  ['rd', 'rd'],
  ['ra', 'ra'],
  ['ad', 'ad'],
  ['cd', 'cd'],
];

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** dig's full print of a reply. */
export function formatReply(
  reply: DnsMessage,
  sentCookie: Uint8Array | undefined,
  warnLocal: boolean,
  rdRequested: boolean,
): string {
  const lines: string[] = [';; Got answer:'];
  if (warnLocal)
    lines.push(
      ';; WARNING: .local is reserved for Multicast DNS',
      ';; You are currently testing what happens when an mDNS query is leaked to DNS',
    );
  lines.push(
    `;; ->>HEADER<<- opcode: QUERY, status: ${RCODE_NAMES[reply.rcode] ?? `RESERVED${reply.rcode}`}, id: ${reply.id}`,
  );
  const flags = FLAG_ORDER.filter(([k]) => reply[k] === true).map(([, n]) => n);
  const additional = reply.additional.length + (reply.edns ? 1 : 0);
  lines.push(
    `;; flags: ${flags.join(' ')}; QUERY: ${reply.questions.length}, ANSWER: ${reply.answers.length}, AUTHORITY: ${reply.authority.length}, ADDITIONAL: ${additional}`,
  );
  if (rdRequested && reply.rd && !reply.ra) lines.push(';; WARNING: recursion requested but not available');
  lines.push('');
  if (reply.edns) {
    lines.push(';; OPT PSEUDOSECTION:');
    lines.push(
      `; EDNS: version: ${reply.edns.version}, flags:${reply.edns.flags & 0x8000 ? ' do' : ''}; udp: ${reply.edns.udpSize}`,
    );
    const cookie = reply.edns.cookie;
    if (cookie) {
      const echoed = sentCookie !== undefined && cookie.length === 8 && hex(cookie) === hex(sentCookie);
      lines.push(`; COOKIE: ${hex(cookie)}${echoed ? ' (echoed)' : cookie.length > 8 ? ' (good)' : ''}`);
    }
  }
  lines.push(';; QUESTION SECTION:');
  for (const q of reply.questions) lines.push(`${pad(`${pad(`;${q.name}`, 32)}IN`, 40)}${typeName(q.type)}`);
  for (const [title, records] of [
    ['ANSWER', reply.answers],
    ['AUTHORITY', reply.authority],
    ['ADDITIONAL', reply.additional],
  ] as const) {
    if (records.length === 0) continue;
    lines.push('', `;; ${title} SECTION:`);
    for (const r of records) lines.push(formatRecord(r));
  }
  return `${lines.join('\n')}\n`;
}

export interface DigEnv {
  kernel: Kernel;
  netns: NetNs;
  /** /etc/resolv.conf as the caller's namespace sees it. */
  resolvConf?: string;
}

export function* digProgram(args: string[], env: DigEnv, emit: ToolEmit): ToolProgram {
  const parsed = parse(args);
  if ('error' in parsed) {
    emit(parsed.status === 0 ? 'stdout' : 'stderr', parsed.error);
    return parsed.status;
  }
  const o = parsed;
  const conf = parseResolvConf(env.resolvConf);
  const server = o.server ?? (conf.nameservers[0] as string);
  if (parseIpv4(server) === null) {
    emit('stderr', `dig: couldn't get address for '${server}': not found\n`);
    return 10;
  }
  const name = o.name ?? '.';
  const type = o.type ?? (o.name === undefined ? TYPE.NS : TYPE.A);
  const cmdline = args.join(' ');
  const banner = o.cmd
    ? `\n; <<>> DiG ${DIG_VERSION} <<>> ${cmdline}\n${o.serverFirst ? '; (1 server found)\n' : ''};; global options: +cmd\n`
    : '';
  const names = candidates(name, conf, o.search);
  const { kernel } = env;
  let result: QueryResult = { kind: 'timeout' };
  let sent: DnsMessage | undefined;
  for (const candidate of names) {
    const query = newQuery(kernel, candidate, type, { edns: o.edns, rd: o.rd });
    sent = query;
    for (let attempt = 0; attempt < o.tries; attempt++) {
      result = yield* udpQuery(kernel, env.netns, server, o.port, query, o.timeout * 1000);
      if (result.kind === 'interrupted') return 130;
      if (result.kind === 'answer') break;
      const why =
        result.kind === 'refused'
          ? 'connection refused'
          : result.kind === 'timeout'
            ? 'timed out'
            : 'network unreachable';
      emit('stdout', `;; communications error to ${server}#${o.port}: ${why}\n`);
      if (result.kind !== 'timeout') break;
    }
    if (result.kind !== 'answer') break;
    if (result.reply.rcode !== 3 || candidate === names.at(-1)) break;
  }
  if (result.kind !== 'answer') {
    if (!o.short) emit('stdout', `${banner};; no servers could be reached\n`);
    else emit('stdout', ';; no servers could be reached\n');
    return 9;
  }
  const { reply, size, micros } = result;
  if (o.short) {
    emit('stdout', reply.answers.map((r) => `${formatRData(r.data)}\n`).join(''));
    return 0;
  }
  const q = reply.questions[0]?.name ?? name;
  const warnLocal = /(^|\.)local\.?$/i.test(q);
  const text = formatReply(reply, sent?.edns?.cookie, warnLocal, o.rd);
  emit(
    'stdout',
    `${banner}${text}\n;; Query time: ${Math.floor(micros / 1000)} msec\n;; SERVER: ${server}#${o.port}(${server}) (UDP)\n;; WHEN: ${whenText(kernel.clock.micros)}\n;; MSG SIZE  rcvd: ${size}\n\n`,
  );
  return 0;
}
