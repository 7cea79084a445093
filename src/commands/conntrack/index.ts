/**
 * `conntrack` (conntrack-tools 1.4.7): -L/-D/-F/-C/-S/-E over the namespace's table, the
 * original/reply tuple filters, protocol-specific options that exist only after -p, output
 * variants, and the tool's messages: the trailer on stderr ("N flow entries have been shown."),
 * and usage errors with exit status 2.
 */
import type { ConntrackTable, CtEntry } from '../../engine/linux/netfilter/conntrack/conntrack-table.ts';
import type { TcpState } from '../../engine/linux/netfilter/conntrack/tcp-states.ts';
import { protocolNumber } from '../../engine/linux/netfilter/netdb.ts';
import type { CommandOutput } from '../types.ts';
import { entryText, listedTimeout } from './format.ts';

export interface ConntrackContext {
  table: ConntrackTable;
  /** The virtual clock in ms. */
  now: number;
}

const PREFIX = 'conntrack v1.4.7 (conntrack-tools): ';

class UsageError extends Error {}

/** Short options and the long name conntrack reports them by. */
const SHORT: Record<string, string> = {
  s: 'src',
  d: 'dst',
  r: 'reply-src',
  q: 'reply-dst',
  p: 'protonum',
  t: 'timeout',
  u: 'status',
  z: 'zero',
  e: 'event-mask',
  m: 'mark',
  f: 'family',
  n: 'src-nat',
  g: 'dst-nat',
  j: 'any-nat',
  o: 'output',
  w: 'zone',
  b: 'buffer-size',
  c: 'secmark',
  l: 'label',
};
const LONG_ALIASES: Record<string, string> = {
  'orig-src': 'src',
  'orig-dst': 'dst',
  proto: 'protonum',
};
const NO_VALUE = new Set(['zero']);
/** -n, -g and -j take an optional address. */
const OPTIONAL_VALUE = new Set(['src-nat', 'dst-nat', 'any-nat']);
const COMMANDS: Record<string, string> = {
  L: 'dump',
  D: 'delete',
  F: 'flush',
  C: 'count',
  E: 'event',
  S: 'stats',
  G: 'get',
  I: 'create',
  U: 'update',
  V: 'version',
  h: 'help',
};
const LONG_COMMANDS = new Set([
  'dump',
  'delete',
  'flush',
  'count',
  'event',
  'stats',
  'get',
  'create',
  'update',
  'version',
  'help',
]);
const PORT_OPTIONS: Record<string, string> = {
  sport: 'sport',
  'orig-port-src': 'sport',
  dport: 'dport',
  'orig-port-dst': 'dport',
  'reply-port-src': 'reply-sport',
  'reply-port-dst': 'reply-dport',
};
const ICMP_OPTIONS = new Set(['icmp-type', 'icmp-code', 'icmp-id']);
const TCP_STATES: TcpState[] = [
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
];

interface Filter {
  opts: Map<string, string>;
  proto?: number;
}

export function runConntrack(argv: string[], ctx: ConntrackContext): CommandOutput {
  try {
    return run(argv, ctx);
  } catch (error) {
    if (error instanceof UsageError) {
      return {
        stdout: '',
        stderr: `${PREFIX}${error.message}\nTry \`conntrack -h' or 'conntrack --help' for more information.\n`,
        exitCode: 2,
      };
    }
    throw error;
  }
}

/** inet_aton-style: "10.0.0" is 10.0.0.0 here (conntrack reads it with inet_pton fallback). */
function parseAddr(text: string): number {
  const parts = text.split('.');
  if (parts.length > 4 || parts.length < 1 || parts.some((p) => !/^\d+$/.test(p))) {
    throw new UsageError(`Invalid IP address \`${text}'`);
  }
  const nums = parts.map(Number);
  if (nums.some((n) => n > 255)) throw new UsageError(`Invalid IP address \`${text}'`);
  while (nums.length < 4) nums.push(0);
  return nums.reduce((acc, n) => acc * 256 + n, 0);
}

function parseProto(text: string): number {
  if (/^\d+$/.test(text) && Number(text) < 256) return Number(text);
  const n = protocolNumber(text);
  if (n === undefined) throw new UsageError(`\`${text}' unsupported protocol`);
  return n;
}

function run(argv: string[], ctx: ConntrackContext): CommandOutput {
  if (argv.length === 0) return { stdout: HELP, stderr: '', exitCode: 0 };
  let command: string | null = null;
  let table = 'conntrack';
  const filter: Filter = { opts: new Map() };
  const order: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    let name: string | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const long = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      if (LONG_COMMANDS.has(long)) {
        command = long;
        continue;
      }
      name = LONG_ALIASES[long] ?? long;
      const known =
        Object.values(SHORT).includes(name) ||
        (filter.proto !== undefined && (filter.proto === 6 || filter.proto === 17) && name in PORT_OPTIONS) ||
        (filter.proto === 6 && name === 'state') ||
        (filter.proto === 1 && ICMP_OPTIONS.has(name));
      if (!known) throw new UsageError(`unknown option \`${arg}'`);
    } else if (arg.startsWith('-') && arg.length >= 2) {
      const letter = arg[1] ?? '';
      const cmd = COMMANDS[letter];
      if (cmd) {
        command = cmd;
        const next = argv[i + 1];
        if (
          (cmd === 'dump' || cmd === 'flush' || cmd === 'count' || cmd === 'event') &&
          next &&
          !next.startsWith('-')
        ) {
          table = next;
          i++;
        }
        continue;
      }
      name = SHORT[letter];
      if (!name) throw new UsageError(`unknown option \`${arg}'`);
      if (arg.length > 2) inline = arg.slice(2);
    } else {
      throw new UsageError(`unknown option \`${arg}'`);
    }
    let value = inline;
    if (value === undefined && !NO_VALUE.has(name)) {
      const next = argv[i + 1];
      if (OPTIONAL_VALUE.has(name)) {
        if (next !== undefined && !next.startsWith('-')) value = argv[++i];
      } else {
        if (next === undefined) throw new UsageError(`option \`${arg}' requires an argument`);
        value = argv[++i];
      }
    }
    order.push(name);
    filter.opts.set(name, value ?? '');
    if (name === 'protonum') filter.proto = parseProto(value ?? '');
  }
  validate(filter);
  const { now } = ctx;
  switch (command) {
    case null:
      throw new UsageError('no command specified');
    case 'version':
      return { stdout: 'conntrack v1.4.7 (conntrack-tools)\n', stderr: '', exitCode: 0 };
    case 'help':
      return { stdout: HELP, stderr: '', exitCode: 0 };
    case 'count':
    case 'flush':
    case 'stats': {
      const first = order[0];
      if (first !== undefined) throw new UsageError(`Illegal option \`--${first}' with this command`);
      if (command === 'count') return { stdout: `${ctx.table.entries(now).length}\n`, stderr: '', exitCode: 0 };
      if (command === 'stats') {
        const line = `cpu=0   \tfound=0 invalid=0 insert=0 insert_failed=0 drop=${ctx.table.drops} early_drop=0 error=0 search_restart=0 clash_resolve=0 chaintoolong=0 \n`;
        return { stdout: line, stderr: '', exitCode: 0 };
      }
      if (table === 'expect') {
        return { stdout: '', stderr: `${PREFIX}expectation table has been emptied.\n`, exitCode: 0 };
      }
      ctx.table.flush(now);
      return { stdout: '', stderr: `${PREFIX}connection tracking table has been emptied.\n`, exitCode: 0 };
    }
    case 'dump':
    case 'delete': {
      if (table === 'expect') {
        return { stdout: '', stderr: `${PREFIX}0 expectations have been shown.\n`, exitCode: 0 };
      }
      const output = (filter.opts.get('output') ?? '').split(',').filter((o) => o !== '');
      for (const o of output) {
        if (!['extended', 'id', 'ktimestamp', 'timestamp', 'labels', 'userspace'].includes(o)) {
          throw new UsageError(`Bad parameter \`${o}'`);
        }
      }
      const style = { family: output.includes('extended'), proc: false, event: false, id: output.includes('id') };
      const all = table === 'conntrack' ? ctx.table.entries(now) : [];
      const hits = all.filter((e) => matches(e, filter));
      const stdout = hits.map((e) => `${entryText(e, listedTimeout(e, now), style)}\n`).join('');
      if (command === 'dump') {
        return { stdout, stderr: `${PREFIX}${hits.length} flow entries have been shown.\n`, exitCode: 0 };
      }
      for (const e of hits) ctx.table.remove(e, now);
      return {
        stdout,
        stderr: `${PREFIX}${hits.length} flow entries have been deleted.\n`,
        exitCode: hits.length > 0 ? 0 : 1,
      };
    }
    default:
      // -E streams until interrupted; the shell subscribes with table.onEvent and formatEvent.
      return { stdout: '', stderr: '', exitCode: 0 };
  }
}

function validate(filter: Filter): void {
  const family = filter.opts.get('family');
  if (family !== undefined && family !== 'ipv4' && family !== 'ipv6') {
    throw new UsageError(`\`${family}' unsupported protocol`);
  }
  const state = filter.opts.get('state');
  if (state !== undefined) {
    for (const s of state.split(',')) {
      if (!TCP_STATES.includes(s as TcpState)) throw new UsageError(`unknown TCP state \`${s}'`);
    }
  }
  for (const key of ['src', 'dst', 'reply-src', 'reply-dst']) {
    const v = filter.opts.get(key);
    if (v !== undefined) parseAddr(v);
  }
  const status = filter.opts.get('status');
  if (status !== undefined) {
    for (const s of status.split(',')) {
      if (!['ASSURED', 'SEEN_REPLY', 'UNREPLIED', 'FIXED_TIMEOUT', 'EXPECTED', 'UNSET'].includes(s)) {
        throw new UsageError(`Bad parameter \`${s}'`);
      }
    }
  }
}

function parseMark(text: string): { value: number; mask: number } {
  const [v = '', m] = text.split('/');
  return { value: Number(v) >>> 0, mask: m === undefined ? 0xffffffff : Number(m) >>> 0 };
}

function matches(e: CtEntry, f: Filter): boolean {
  const o = f.opts;
  const addr = (key: string, actual: number) => {
    const v = o.get(key);
    return v === undefined || parseAddr(v) === actual;
  };
  if (f.proto !== undefined && e.orig.proto !== f.proto) return false;
  if (!addr('src', e.orig.src) || !addr('dst', e.orig.dst)) return false;
  if (!addr('reply-src', e.reply.src) || !addr('reply-dst', e.reply.dst)) return false;
  for (const [key, field] of Object.entries(PORT_OPTIONS)) {
    const v = o.get(key);
    if (v === undefined) continue;
    const actual =
      field === 'sport'
        ? e.orig.sport
        : field === 'dport'
          ? e.orig.dport
          : field === 'reply-sport'
            ? e.reply.sport
            : e.reply.dport;
    if (Number(v) !== actual) return false;
  }
  if (o.has('icmp-type') && Number(o.get('icmp-type')) !== e.orig.dport >> 8) return false;
  if (o.has('icmp-code') && Number(o.get('icmp-code')) !== (e.orig.dport & 0xff)) return false;
  if (o.has('icmp-id') && Number(o.get('icmp-id')) !== e.orig.sport) return false;
  const state = o.get('state');
  if (state !== undefined && !state.split(',').includes(e.tcpState ?? '')) return false;
  const mark = o.get('mark');
  if (mark !== undefined) {
    const { value, mask } = parseMark(mark);
    if ((e.mark & mask) >>> 0 !== (value & mask) >>> 0) return false;
  }
  const zone = o.get('zone');
  if (zone !== undefined && Number(zone) !== e.zone) return false;
  const status = o.get('status');
  if (status !== undefined) {
    for (const s of status.split(',')) {
      if (s === 'ASSURED' && !e.assured) return false;
      if (s === 'SEEN_REPLY' && !e.seenReply) return false;
      if (s === 'UNREPLIED' && e.seenReply) return false;
    }
  }
  if (o.has('dst-nat') && !e.dstNat) return false;
  if (o.has('src-nat') && !e.srcNat) return false;
  if (o.has('any-nat') && !e.srcNat && !e.dstNat) return false;
  return true;
}

const HELP = `Command line interface for the connection tracking system. Version 1.4.7
Usage: conntrack [commands] [options]

Commands:
  -L [table] [options]\t\tList conntrack or expectation table
  -G [table] parameters\t\tGet conntrack or expectation
  -D [table] parameters\t\tDelete conntrack or expectation
  -I [table] parameters\t\tCreate a conntrack or expectation
  -U [table] parameters\t\tUpdate a conntrack
  -E [table] [options]\t\tShow events
  -F [table]\t\t\tFlush table
  -C [table]\t\t\tShow counter
  -S\t\t\t\tShow statistics

Tables: conntrack, expect, dying, unconfirmed

Conntrack parameters and options:
  -n, --src-nat ip\t\t\tsource NAT ip
  -g, --dst-nat ip\t\t\tdestination NAT ip
  -j, --any-nat ip\t\t\tsource or destination NAT ip
  -m, --mark mark\t\t\tSet mark
  -c, --secmark secmark\t\t\tSet selinux secmark
  -e, --event-mask eventmask\t\tEvent mask, eg. NEW,DESTROY
  -z, --zero \t\t\t\tZero counters while listing
  -o, --output type[,...]\t\tOutput format, eg. xml
  -l, --label label[,...]\t\tconntrack labels

Expectation parameters and options:
  --tuple-src ip\tSource address in expect tuple
  --tuple-dst ip\tDestination address in expect tuple

Updating parameters and options:
  --label-add label\tAdd label
  --label-del label\tDelete label

Common parameters and options:
  -s, --src, --orig-src ip\t\tSource address from original direction
  -d, --dst, --orig-dst ip\t\tDestination address from original direction
  -r, --reply-src ip\t\tSource addres from reply direction
  -q, --reply-dst ip\t\tDestination address from reply direction
  -p, --protonum proto\t\tLayer 4 Protocol, eg. 'tcp'
  -f, --family proto\t\tLayer 3 Protocol, eg. 'ipv6'
  -t, --timeout timeout\t\tSet timeout
  -u, --status status\t\tSet status, eg. ASSURED
  -w, --zone value\t\tSet conntrack zone
  --orig-zone value\t\tSet zone for original direction
  --reply-zone value\t\tSet zone for reply direction
  -b, --buffer-size\t\tNetlink socket buffer size
  --mask-src ip\t\t\tSource mask address
  --mask-dst ip\t\t\tDestination mask address

`;
