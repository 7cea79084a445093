/**
 * Match modules (`-m NAME`): each parses its options into a small value, prints it back as
 * iptables-save and `iptables -L` do, and tests a packet against it.
 */
import { formatIpv4 } from '../../wire/addr.ts';
import type {
  AddrType,
  EvalContext,
  MatchModule,
  NfPacket,
  OptionCall,
  OptionDef,
  Rule,
  RuleContext,
} from './types.ts';
import { XtablesError } from './types.ts';
import {
  addrName,
  hex,
  parseAddrMask,
  parseMarkMask,
  parsePortRange,
  parseUint,
  portName,
  quoteString,
} from './values.ts';

interface MatchDef<V> {
  name: string;
  options: readonly OptionDef[];
  init(): V;
  parse(value: V, opt: OptionCall, rule: RuleContext): void;
  final?(value: V, rule: RuleContext, seen: ReadonlySet<string>): void;
  valid?(value: V, rule: RuleContext): string | null;
  save(value: V): string;
  list(value: V, numeric: boolean, rule: Rule): string;
  match(value: V, packet: NfPacket, ctx: EvalContext, rule: Rule): boolean;
}

function defineMatch<V>(def: MatchDef<V>): MatchModule {
  return def as unknown as MatchModule;
}

const PROTO_NAMES: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 1: 'icmp' };

function inRange(port: number | undefined, range: [number, number]): boolean {
  return port !== undefined && port >= range[0] && port <= range[1];
}

// ---- tcp, udp, sctp ----------------------------------------------------------------------------

interface PortsValue {
  sport?: [number, number];
  dport?: [number, number];
  invSport: boolean;
  invDport: boolean;
}

function savePorts(v: PortsValue): string {
  let out = '';
  const one = (flag: string, range: [number, number] | undefined, inv: boolean) => {
    if (!range || (range[0] === 0 && range[1] === 65535 && !inv)) return;
    out += `${inv ? ' !' : ''} --${flag} ${range[0] === range[1] ? range[0] : `${range[0]}:${range[1]}`}`;
  };
  one('sport', v.sport, v.invSport);
  one('dport', v.dport, v.invDport);
  return out;
}

function listPorts(v: PortsValue, proto: string, numeric: boolean): string {
  let out = '';
  const one = (name: string, range: [number, number] | undefined, inv: boolean) => {
    if (!range || (range[0] === 0 && range[1] === 65535 && !inv)) return;
    const i = inv ? '!' : '';
    if (range[0] === range[1]) out += ` ${name}:${i}${portName(range[0], proto, numeric)}`;
    else out += ` ${name}s:${i}${portName(range[0], proto, numeric)}:${portName(range[1], proto, numeric)}`;
  };
  one('spt', v.sport, v.invSport);
  one('dpt', v.dport, v.invDport);
  return out;
}

function portsModule(name: 'tcp' | 'udp' | 'sctp', num: number): MatchModule {
  return defineMatch<PortsValue>({
    name,
    options: [
      { name: 'source-port', arg: true, invertible: true },
      { name: 'sport', arg: true, invertible: true },
      { name: 'destination-port', arg: true, invertible: true },
      { name: 'dport', arg: true, invertible: true },
    ],
    init: () => ({ invSport: false, invDport: false }),
    parse(v, opt) {
      if (opt.name === 'source-port' || opt.name === 'sport') {
        if (v.sport) throw new XtablesError("Only one `--source-port' allowed");
        v.sport = parsePortRange(opt.arg, name);
        v.invSport = opt.invert;
      } else {
        if (v.dport) throw new XtablesError("Only one `--destination-port' allowed");
        v.dport = parsePortRange(opt.arg, name);
        v.invDport = opt.invert;
      }
    },
    final(_v, rule) {
      if (!rule.proto || rule.proto.num !== num || rule.proto.invert) {
        throw new XtablesError(`${name.toUpperCase()} match requires '-p ${name}'`);
      }
    },
    save: savePorts,
    list: (v, numeric) => ` ${name}${listPorts(v, name, numeric)}`,
    match(v, p) {
      if (p.proto !== num) return false;
      if (v.sport && inRange(p.sport, v.sport) === v.invSport) return false;
      if (v.dport && inRange(p.dport, v.dport) === v.invDport) return false;
      return true;
    },
  });
}

// ---- icmp ----------------------------------------------------------------------------------------

interface IcmpValue {
  type: number;
  codeMin: number;
  codeMax: number;
  invert: boolean;
}

/** libxt_icmp's names: [name, type, code min, code max]. */
const ICMP_TYPES: readonly [string, number, number, number][] = [
  ['any', 0xff, 0, 0xff],
  ['echo-reply', 0, 0, 0xff],
  ['destination-unreachable', 3, 0, 0xff],
  ['network-unreachable', 3, 0, 0],
  ['host-unreachable', 3, 1, 1],
  ['protocol-unreachable', 3, 2, 2],
  ['port-unreachable', 3, 3, 3],
  ['fragmentation-needed', 3, 4, 4],
  ['source-route-failed', 3, 5, 5],
  ['network-unknown', 3, 6, 6],
  ['host-unknown', 3, 7, 7],
  ['network-prohibited', 3, 9, 9],
  ['host-prohibited', 3, 10, 10],
  ['TOS-network-unreachable', 3, 11, 11],
  ['TOS-host-unreachable', 3, 12, 12],
  ['communication-prohibited', 3, 13, 13],
  ['host-precedence-violation', 3, 14, 14],
  ['precedence-cutoff', 3, 15, 15],
  ['source-quench', 4, 0, 0xff],
  ['redirect', 5, 0, 0xff],
  ['network-redirect', 5, 0, 0],
  ['host-redirect', 5, 1, 1],
  ['TOS-network-redirect', 5, 2, 2],
  ['TOS-host-redirect', 5, 3, 3],
  ['echo-request', 8, 0, 0xff],
  ['router-advertisement', 9, 0, 0xff],
  ['router-solicitation', 10, 0, 0xff],
  ['time-exceeded', 11, 0, 0xff],
  ['ttl-zero-during-transit', 11, 0, 0],
  ['ttl-zero-during-reassembly', 11, 1, 1],
  ['parameter-problem', 12, 0, 0xff],
  ['ip-header-bad', 12, 0, 0],
  ['required-option-missing', 12, 1, 1],
  ['timestamp-request', 13, 0, 0xff],
  ['timestamp-reply', 14, 0, 0xff],
  ['address-mask-request', 17, 0, 0xff],
  ['address-mask-reply', 18, 0, 0xff],
];

function parseIcmpType(text: string): [number, number, number] {
  const named = ICMP_TYPES.find((t) => t[0] === text);
  if (named) return [named[1], named[2], named[3]];
  const m = /^(\d+)(?:\/(\d+))?$/.exec(text);
  if (!m) throw new XtablesError(`Invalid ICMP type \`${text}'`);
  const type = Number(m[1]);
  if (type > 255) throw new XtablesError(`Invalid ICMP type \`${text}'`);
  if (m[2] === undefined) return [type, 0, 0xff];
  const code = Number(m[2]);
  if (code > 255) throw new XtablesError(`Invalid ICMP code \`${m[2]}'`);
  return [type, code, code];
}

const icmp = defineMatch<IcmpValue>({
  name: 'icmp',
  options: [{ name: 'icmp-type', arg: true, invertible: true }],
  init: () => ({ type: 0xff, codeMin: 0, codeMax: 0xff, invert: false }),
  parse(v, opt) {
    [v.type, v.codeMin, v.codeMax] = parseIcmpType(opt.arg);
    v.invert = opt.invert;
  },
  final(_v, rule) {
    if (rule.proto?.num !== 1 || rule.proto.invert) {
      throw new XtablesError("ICMP match requires '-p icmp'");
    }
  },
  save(v) {
    const inv = v.invert ? ' !' : '';
    if (v.type === 0xff) return `${inv} --icmp-type any`;
    const code = v.codeMin !== 0 || v.codeMax !== 0xff ? `/${v.codeMin}` : '';
    return `${inv} --icmp-type ${v.type}${code}`;
  },
  list(v, numeric) {
    if (!numeric) {
      const named = ICMP_TYPES.find((t) => t[1] === v.type && t[2] === v.codeMin && t[3] === v.codeMax);
      if (named) return ` icmp ${v.invert ? '!' : ''}${named[0]}`;
    }
    let out = ` icmp${v.invert ? ' !' : ''}type ${v.type}`;
    if (v.codeMin === v.codeMax) out += ` code ${v.codeMin}`;
    else if (v.codeMin !== 0 || v.codeMax !== 0xff) out += ` codes ${v.codeMin}-${v.codeMax}`;
    return out;
  },
  match(v, p) {
    if (p.proto !== 1) return false;
    const hit =
      v.type === 0xff || (p.icmpType === v.type && (p.icmpCode ?? 0) >= v.codeMin && (p.icmpCode ?? 0) <= v.codeMax);
    return hit !== v.invert;
  },
});

// ---- multiport ---------------------------------------------------------------------------------

interface MultiportValue {
  flags: 'sports' | 'dports' | 'ports';
  ports: [number, number][];
  invert: boolean;
  proto: string;
}

const MULTIPORT_OPTION: Record<string, 'sports' | 'dports' | 'ports'> = {
  'source-ports': 'sports',
  sports: 'sports',
  'destination-ports': 'dports',
  dports: 'dports',
  ports: 'ports',
};
const MULTIPORT_LONG = { sports: 'source-ports', dports: 'destination-ports', ports: 'ports' };

const multiport = defineMatch<MultiportValue>({
  name: 'multiport',
  options: Object.keys(MULTIPORT_OPTION).map((name) => ({ name, arg: true, invertible: true })),
  init: () => ({ flags: 'ports', ports: [], invert: false, proto: '' }),
  parse(v, opt, rule) {
    const flags = MULTIPORT_OPTION[opt.name] ?? 'ports';
    if (v.ports.length > 0) {
      throw new XtablesError(
        `multiport: option "--${MULTIPORT_LONG[flags]}" cannot be used together with "--${MULTIPORT_LONG[v.flags]}".\n`,
      );
    }
    const proto = rule.proto && !rule.proto.invert ? PROTO_NAMES[rule.proto.num] : undefined;
    if (!proto || proto === 'icmp') {
      throw new XtablesError("multiport needs `-p tcp', `-p udp', `-p udplite', `-p sctp' or `-p dccp'");
    }
    v.flags = flags;
    v.invert = opt.invert;
    v.proto = proto;
    let count = 0;
    for (const part of opt.arg.split(',')) {
      const range = parsePortRange(part, proto);
      count += range[0] === range[1] && !part.includes(':') ? 1 : 2;
      if (count > 15) throw new XtablesError('too many ports specified');
      v.ports.push(range);
    }
  },
  final(v) {
    if (v.ports.length === 0) throw new XtablesError('multiport expection an option');
  },
  save(v) {
    const list = v.ports.map(([a, b]) => (a === b ? `${a}` : `${a}:${b}`)).join(',');
    return `${v.invert ? ' !' : ''} --${v.flags} ${list}`;
  },
  list(v, numeric) {
    const list = v.ports
      .map(([a, b]) =>
        a === b ? portName(a, v.proto, numeric) : `${portName(a, v.proto, numeric)}:${portName(b, v.proto, numeric)}`,
      )
      .join(',');
    return ` multiport ${v.flags} ${v.invert ? ' !' : ''}${list}`;
  },
  match(v, p) {
    const inAny = (port: number | undefined) => v.ports.some((r) => inRange(port, r));
    let hit: boolean;
    if (v.flags === 'sports') hit = inAny(p.sport);
    else if (v.flags === 'dports') hit = inAny(p.dport);
    else hit = inAny(p.sport) || inAny(p.dport);
    return hit !== v.invert;
  },
});

// ---- comment -------------------------------------------------------------------------------------

const comment = defineMatch<{ text: string }>({
  name: 'comment',
  options: [{ name: 'comment', arg: true }],
  init: () => ({ text: '' }),
  parse(v, opt) {
    v.text = opt.arg.slice(0, 255);
  },
  final(_v, _rule, seen) {
    if (!seen.has('comment')) throw new XtablesError('comment: option "--comment" must be specified\n');
  },
  save: (v) => ` --comment ${quoteString(v.text)}`,
  list: (v) => ` /* ${v.text} */`,
  match: () => true,
});

// ---- statistic -----------------------------------------------------------------------------------

interface StatisticValue {
  mode: 'random' | 'nth' | '';
  /** lround(p * 2^31), what the kernel keeps. */
  probability: number;
  /** every - 1, as the kernel keeps it. */
  every: number;
  packet: number;
  invert: boolean;
  /** The kernel's running counter for nth mode. */
  count: number;
}

/** %.11f of n / 2^31 with round-half-even on the exact value, as glibc prints it. */
export function formatProbability(stored: number): string {
  const scale = 10n ** 11n;
  const numerator = BigInt(stored) * scale;
  const denominator = 2n ** 31n;
  let q = numerator / denominator;
  const r = numerator % denominator;
  if (r * 2n > denominator || (r * 2n === denominator && q % 2n === 1n)) q += 1n;
  const text = q.toString().padStart(12, '0');
  return `${text.slice(0, -11)}.${text.slice(-11)}`;
}

function statisticText(v: StatisticValue, prefix: string): string {
  const inv = v.invert ? ' !' : '';
  if (v.mode === 'random') {
    return ` ${prefix}mode random${inv} ${prefix}probability ${formatProbability(v.probability)}`;
  }
  let out = ` ${prefix}mode nth${inv} ${prefix}every ${v.every + 1}`;
  if (v.packet || prefix) out += ` ${prefix}packet ${v.packet}`;
  return out;
}

const statistic = defineMatch<StatisticValue>({
  name: 'statistic',
  options: [
    { name: 'mode', arg: true },
    { name: 'probability', arg: true, invertible: true },
    { name: 'every', arg: true, invertible: true },
    { name: 'packet', arg: true },
  ],
  init: () => ({ mode: '', probability: 0, every: 0, packet: 0, invert: false, count: 0 }),
  parse(v, opt) {
    if (opt.name === 'mode') {
      if (opt.arg !== 'random' && opt.arg !== 'nth') throw new XtablesError(`Bad mode "${opt.arg}"`);
      v.mode = opt.arg;
    } else if (opt.name === 'probability') {
      const p = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(opt.arg) ? Number(opt.arg) : Number.NaN;
      if (!(p >= 0 && p <= 1)) {
        throw new XtablesError('statistic: bad value for option "--probability", or out of range (0-1).\n');
      }
      v.probability = Math.round(0x80000000 * p);
      if (opt.invert) v.invert = true;
    } else if (opt.name === 'every') {
      const n = parseUint(opt.arg);
      if (n === null || n < 1) {
        throw new XtablesError('statistic: bad value for option "--every", or out of range (1-4294967295).\n');
      }
      v.every = n - 1;
      if (opt.invert) v.invert = true;
    } else {
      const n = parseUint(opt.arg);
      if (n === null) {
        throw new XtablesError('statistic: bad value for option "--packet", or out of range (0-4294967295).\n');
      }
      v.packet = n;
    }
  },
  final(v, _rule, seen) {
    if (seen.has('every') && !seen.has('packet')) {
      throw new XtablesError('statistic: option "--every" also requires "--packet".\n');
    }
    if (seen.has('packet') && !seen.has('every')) {
      throw new XtablesError('statistic: option "--packet" also requires "--every".\n');
    }
    if (v.mode === 'random' && !seen.has('probability')) {
      throw new XtablesError('--probability must be specified when using random mode');
    }
    if (v.mode === 'nth' && !seen.has('every')) {
      throw new XtablesError('--every and --packet must be specified when using nth mode');
    }
    if (v.mode === '') throw new XtablesError('statistic: option "--mode" must be specified\n');
    if (v.mode === 'nth' && v.packet > v.every) throw new XtablesError('the --packet p must be 0 <= p <= n-1');
  },
  save: (v) => statisticText(v, '--'),
  list: (v) => ` statistic${statisticText(v, '')}`,
  match(v, _p, ctx) {
    if (v.mode === 'random') {
      return Math.floor(ctx.random() * 0x80000000) < v.probability !== v.invert;
    }
    // xt_statistic starts its counter at every - packet and matches when it wraps to 0: the
    // rule's 0-based packet number `packet` (mod every) is the one that matches.
    const hit = v.count === v.packet;
    v.count = v.count === v.every ? 0 : v.count + 1;
    return hit !== v.invert;
  },
});

// ---- recent --------------------------------------------------------------------------------------

interface RecentValue {
  action: 'set' | 'rcheck' | 'update' | 'remove' | '';
  invert: boolean;
  seconds: number;
  reap: boolean;
  hitcount: number;
  rttl: boolean;
  name: string;
  mask: number;
  side: 'source' | 'dest';
}

const RECENT_ACTIONS = ['set', 'rcheck', 'update', 'remove'] as const;
/** ip_pkt_list_tot: how many timestamps the kernel keeps per address. */
const RECENT_STAMPS = 20;

const recent = defineMatch<RecentValue>({
  name: 'recent',
  options: [
    { name: 'set', arg: false, invertible: true },
    { name: 'rcheck', arg: false, invertible: true },
    { name: 'update', arg: false, invertible: true },
    { name: 'remove', arg: false, invertible: true },
    { name: 'seconds', arg: true },
    { name: 'reap', arg: false },
    { name: 'hitcount', arg: true },
    { name: 'rttl', arg: false },
    { name: 'name', arg: true },
    { name: 'mask', arg: true },
    { name: 'rsource', arg: false },
    { name: 'rdest', arg: false },
  ],
  init: () => ({
    action: '',
    invert: false,
    seconds: 0,
    reap: false,
    hitcount: 0,
    rttl: false,
    name: 'DEFAULT',
    mask: 0xffffffff,
    side: 'source',
  }),
  parse(v, opt) {
    switch (opt.name) {
      case 'set':
      case 'rcheck':
      case 'update':
      case 'remove':
        if (v.action !== '') {
          const [first, second] = [v.action, opt.name].sort(
            (a, b) => RECENT_ACTIONS.indexOf(a as 'set') - RECENT_ACTIONS.indexOf(b as 'set'),
          );
          throw new XtablesError(`recent: option "--${first}" cannot be used together with "--${second}".\n`);
        }
        v.action = opt.name;
        v.invert = opt.invert;
        return;
      case 'seconds':
      case 'hitcount': {
        const n = parseUint(opt.arg);
        if (n === null) {
          throw new XtablesError(`recent: bad value for option "--${opt.name}", or out of range (0-4294967295).\n`);
        }
        if (opt.name === 'seconds') v.seconds = n;
        else v.hitcount = n;
        return;
      }
      case 'reap':
        v.reap = true;
        return;
      case 'rttl':
        v.rttl = true;
        return;
      case 'name':
        v.name = opt.arg;
        return;
      case 'mask':
        v.mask = parseAddrMask(opt.arg).addr;
        return;
      case 'rsource':
        v.side = 'source';
        return;
      default:
        v.side = 'dest';
    }
  },
  final(v) {
    if (v.action === '') {
      throw new XtablesError("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
    }
    if (v.reap && v.seconds === 0) throw new XtablesError('recent: you must specify --seconds with --reap');
  },
  save(v) {
    let out = `${v.invert ? ' !' : ''} --${v.action}`;
    if (v.seconds) out += ` --seconds ${v.seconds}`;
    if (v.reap) out += ' --reap';
    if (v.hitcount) out += ` --hitcount ${v.hitcount}`;
    if (v.rttl) out += ' --rttl';
    out += ` --name ${v.name} --mask ${formatIpv4(v.mask)}`;
    return out + (v.side === 'source' ? ' --rsource' : ' --rdest');
  },
  list(v) {
    const action = { set: 'SET', rcheck: 'CHECK', update: 'UPDATE', remove: 'REMOVE', '': '' }[v.action];
    let out = `${v.invert ? ' !' : ''} recent: ${action}`;
    if (v.seconds) out += ` seconds: ${v.seconds}`;
    if (v.reap) out += ' reap';
    if (v.hitcount) out += ` hit_count: ${v.hitcount}`;
    if (v.rttl) out += ' TTL-Match';
    out += ` name: ${v.name} side: ${v.side} mask: ${formatIpv4(v.mask)}`;
    return out;
  },
  match(v, p, ctx) {
    const addr = ((v.side === 'source' ? p.src : p.dst) & v.mask) >>> 0;
    let list = ctx.state.recent.get(v.name);
    if (!list) {
      list = new Map();
      ctx.state.recent.set(v.name, list);
    }
    const entry = list.get(addr);
    const ttl = p.ttl ?? 0;
    const stamp = () => {
      const e = list.get(addr) ?? { times: [], ttl };
      e.times.push(ctx.now);
      if (e.times.length > RECENT_STAMPS) e.times.shift();
      e.ttl = ttl;
      list.set(addr, e);
    };
    if (v.action === 'set') {
      stamp();
      return !v.invert;
    }
    let hit = false;
    if (entry && (!v.rttl || entry.ttl === ttl)) {
      if (v.action === 'remove') {
        list.delete(addr);
        hit = true;
      } else if (v.seconds || v.hitcount) {
        const since = ctx.now - v.seconds * 1000;
        let hits = 0;
        for (const t of entry.times) {
          if (v.seconds && t < since) continue;
          hits++;
          if (!v.hitcount || hits >= v.hitcount) {
            hit = true;
            break;
          }
        }
        if (v.reap && v.seconds) entry.times = entry.times.filter((t) => t >= since);
      } else {
        hit = true;
      }
      if (v.action === 'update' && hit) stamp();
    }
    return hit !== v.invert;
  },
});

// ---- addrtype ------------------------------------------------------------------------------------

const ADDR_TYPES: readonly AddrType[] = [
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
];

interface AddrtypeValue {
  src: AddrType[];
  dst: AddrType[];
  invSrc: boolean;
  invDst: boolean;
  limitIn: boolean;
  limitOut: boolean;
}

function parseTypes(text: string): AddrType[] {
  const types = new Set<AddrType>();
  for (const part of text.split(',')) {
    const t = ADDR_TYPES.find((name) => name === part.toUpperCase());
    if (!t) throw new XtablesError(`addrtype: bad type "${part}"`);
    types.add(t);
  }
  return ADDR_TYPES.filter((t) => types.has(t));
}

const addrtype = defineMatch<AddrtypeValue>({
  name: 'addrtype',
  options: [
    { name: 'src-type', arg: true, invertible: true },
    { name: 'dst-type', arg: true, invertible: true },
    { name: 'limit-iface-in', arg: false },
    { name: 'limit-iface-out', arg: false },
  ],
  init: () => ({ src: [], dst: [], invSrc: false, invDst: false, limitIn: false, limitOut: false }),
  parse(v, opt) {
    if (opt.name === 'src-type') {
      v.src = parseTypes(opt.arg);
      v.invSrc = opt.invert;
    } else if (opt.name === 'dst-type') {
      v.dst = parseTypes(opt.arg);
      v.invDst = opt.invert;
    } else if (opt.name === 'limit-iface-in') {
      v.limitIn = true;
    } else {
      v.limitOut = true;
    }
  },
  final(v) {
    if (v.src.length === 0 && v.dst.length === 0) {
      throw new XtablesError('addrtype: you must specify --src-type or --dst-type');
    }
    if (v.limitIn && v.limitOut) {
      throw new XtablesError("addrtype: you can't specify both --limit-iface-in and --limit-iface-out");
    }
  },
  valid(v, rule) {
    if (v.limitIn && (rule.chain === 'OUTPUT' || rule.chain === 'POSTROUTING')) return 'Invalid argument';
    if (v.limitOut && (rule.chain === 'INPUT' || rule.chain === 'PREROUTING')) return 'Invalid argument';
    return null;
  },
  save(v) {
    let out = '';
    if (v.src.length) out += `${v.invSrc ? ' !' : ''} --src-type ${v.src.join(',')}`;
    if (v.dst.length) out += `${v.invDst ? ' !' : ''} --dst-type ${v.dst.join(',')}`;
    if (v.limitIn) out += ' --limit-iface-in';
    if (v.limitOut) out += ' --limit-iface-out';
    return out;
  },
  list(v) {
    let out = ' ADDRTYPE match';
    if (v.src.length) out += ` src-type ${v.invSrc ? '!' : ''}${v.src.join(',')}`;
    if (v.dst.length) out += ` dst-type ${v.invDst ? '!' : ''}${v.dst.join(',')}`;
    if (v.limitIn) out += ' limit-in';
    if (v.limitOut) out += ' limit-out';
    return out;
  },
  match(v, p) {
    if (v.src.length && v.src.includes(p.srcType) === v.invSrc) return false;
    if (v.dst.length && v.dst.includes(p.dstType) === v.invDst) return false;
    return true;
  },
});

// ---- mark ------------------------------------------------------------------------------------------

interface MarkValue {
  mark: number;
  mask: number;
  invert: boolean;
}

const mark = defineMatch<MarkValue>({
  name: 'mark',
  options: [{ name: 'mark', arg: true, invertible: true }],
  init: () => ({ mark: 0, mask: 0xffffffff, invert: false }),
  parse(v, opt) {
    const { value, mask } = parseMarkMask('mark', 'mark', opt.arg);
    v.mark = value;
    v.mask = mask ?? 0xffffffff;
    v.invert = opt.invert;
  },
  final(_v, _rule, seen) {
    if (!seen.has('mark')) throw new XtablesError('mark: option "--mark" must be specified\n');
  },
  save: (v) => `${v.invert ? ' !' : ''} --mark ${hex(v.mark)}${v.mask === 0xffffffff ? '' : `/${hex(v.mask)}`}`,
  list: (v) => ` mark match${v.invert ? ' !' : ''} ${hex(v.mark)}${v.mask === 0xffffffff ? '' : `/${hex(v.mask)}`}`,
  match: (v, p) => ((p.mark & v.mask) >>> 0 === v.mark) !== v.invert,
});

// ---- conntrack and state -------------------------------------------------------------------------

const CT_STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'] as const;
type CtStateName = (typeof CT_STATES)[number];

function parseStates(text: string, allowed: readonly string[], label: string): CtStateName[] {
  const set = new Set<string>();
  for (const part of text.split(',')) {
    if (!allowed.includes(part)) throw new XtablesError(`Bad ${label} "${part}"`);
    set.add(part);
  }
  return CT_STATES.filter((s) => set.has(s));
}

function stateHit(states: readonly CtStateName[], p: NfPacket): boolean {
  return states.some((s) => {
    if (s === 'SNAT') return p.ctSnat === true;
    if (s === 'DNAT') return p.ctDnat === true;
    return p.ctState === s;
  });
}

interface AddrPart {
  addr: number;
  mask: number;
  invert: boolean;
}

interface ConntrackValue {
  states?: CtStateName[];
  invStates: boolean;
  origSrc?: AddrPart;
  origDst?: AddrPart;
  origSrcPort?: [number, number];
  origDstPort?: [number, number];
  invOrigSrcPort: boolean;
  invOrigDstPort: boolean;
}

function ctAddrText(a: AddrPart, numeric: boolean): string {
  if (!numeric && a.addr === 0) return ' anywhere';
  return ` ${addrName(a.addr, a.mask, numeric)}`;
}

function ctPortText(range: [number, number]): string {
  return range[0] === range[1] ? `${range[0]}` : `${range[0]}:${range[1]}`;
}

function conntrackText(v: ConntrackValue, prefix: string, numeric: boolean): string {
  let out = '';
  if (v.states) out += `${v.invStates ? ' !' : ''} ${prefix}ctstate ${v.states.join(',')}`;
  if (v.origSrc) out += `${v.origSrc.invert ? ' !' : ''} ${prefix}ctorigsrc${ctAddrText(v.origSrc, numeric)}`;
  if (v.origDst) out += `${v.origDst.invert ? ' !' : ''} ${prefix}ctorigdst${ctAddrText(v.origDst, numeric)}`;
  if (v.origSrcPort) {
    out += `${v.invOrigSrcPort ? ' !' : ''} ${prefix}ctorigsrcport ${ctPortText(v.origSrcPort)}`;
  }
  if (v.origDstPort) {
    out += `${v.invOrigDstPort ? ' !' : ''} ${prefix}ctorigdstport ${ctPortText(v.origDstPort)}`;
  }
  return out;
}

function ctAddrHit(part: AddrPart | undefined, addr: number | undefined): boolean {
  if (!part) return true;
  const hit = addr !== undefined && (addr & part.mask) >>> 0 === part.addr;
  return hit !== part.invert;
}

function ctPortHit(range: [number, number] | undefined, port: number | undefined, invert: boolean): boolean {
  if (!range) return true;
  return inRange(port, range) !== invert;
}

const conntrack = defineMatch<ConntrackValue>({
  name: 'conntrack',
  options: [
    { name: 'ctstate', arg: true, invertible: true },
    { name: 'ctorigsrc', arg: true, invertible: true },
    { name: 'ctorigdst', arg: true, invertible: true },
    { name: 'ctorigsrcport', arg: true, invertible: true },
    { name: 'ctorigdstport', arg: true, invertible: true },
  ],
  init: () => ({ invStates: false, invOrigSrcPort: false, invOrigDstPort: false }),
  parse(v, opt) {
    switch (opt.name) {
      case 'ctstate':
        v.states = parseStates(opt.arg, CT_STATES, 'ctstate');
        v.invStates = opt.invert;
        return;
      case 'ctorigsrc':
      case 'ctorigdst': {
        const { addr, mask } = parseAddrMask(opt.arg);
        const part = { addr, mask, invert: opt.invert };
        if (opt.name === 'ctorigsrc') v.origSrc = part;
        else v.origDst = part;
        return;
      }
      default: {
        const range = parsePortRange(opt.arg, 'tcp');
        if (opt.name === 'ctorigsrcport') {
          v.origSrcPort = range;
          v.invOrigSrcPort = opt.invert;
        } else {
          v.origDstPort = range;
          v.invOrigDstPort = opt.invert;
        }
      }
    }
  },
  final(_v, _rule, seen) {
    if (seen.size === 0) throw new XtablesError('conntrack: At least one option is required');
  },
  save: (v) => conntrackText(v, '--', true),
  list: (v, numeric) => conntrackText(v, '', numeric),
  match(v, p) {
    if (v.states && stateHit(v.states, p) === v.invStates) return false;
    return (
      ctAddrHit(v.origSrc, p.ctOrigSrc ?? p.src) &&
      ctAddrHit(v.origDst, p.ctOrigDst ?? p.dst) &&
      ctPortHit(v.origSrcPort, p.ctOrigSrcPort ?? p.sport, v.invOrigSrcPort) &&
      ctPortHit(v.origDstPort, p.ctOrigDstPort ?? p.dport, v.invOrigDstPort)
    );
  },
});

const state = defineMatch<{ states: CtStateName[] }>({
  name: 'state',
  options: [{ name: 'state', arg: true }],
  init: () => ({ states: [] }),
  parse(v, opt) {
    v.states = parseStates(opt.arg, ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED'], 'state');
  },
  final(_v, _rule, seen) {
    if (!seen.has('state')) throw new XtablesError('state: option "--state" must be specified\n');
  },
  save: (v) => ` --state ${v.states.join(',')}`,
  list: (v) => ` state ${v.states.join(',')}`,
  match: (v, p) => stateHit(v.states, p),
});

// ---- set ---------------------------------------------------------------------------------------------

interface SetValue {
  name: string;
  dims: ('src' | 'dst')[];
  invert: boolean;
}

const set = defineMatch<SetValue>({
  name: 'set',
  options: [{ name: 'match-set', arg: true, invertible: true }],
  init: () => ({ name: '', dims: [], invert: false }),
  parse(v, opt, rule) {
    const dimsText = opt.extra();
    if (dimsText === undefined || dimsText.startsWith('-') || dimsText.startsWith('!')) {
      throw new XtablesError('--match-set requires two args.');
    }
    const dims = dimsText.split(',');
    if (dims.length > 6 || dims.some((d) => d !== 'src' && d !== 'dst')) {
      throw new XtablesError("You must spefify (the comma separated list of) 'src' or 'dst'.");
    }
    if (!rule.state.ipset?.exists(opt.arg)) throw new XtablesError(`Set ${opt.arg} doesn't exist.\n`);
    v.name = opt.arg;
    v.dims = dims as ('src' | 'dst')[];
    v.invert = opt.invert;
  },
  final(_v, _rule, seen) {
    if (!seen.has('match-set')) throw new XtablesError("You must specify `--match-set' with proper arguments");
  },
  save: (v) => `${v.invert ? ' !' : ''} --match-set ${v.name} ${v.dims.join(',')}`,
  list: (v) => `${v.invert ? ' !' : ''} match-set ${v.name} ${v.dims.join(',')}`,
  match(v, p, ctx) {
    const hit = ctx.state.ipset?.test(v.name, v.dims, p) ?? false;
    return hit !== v.invert;
  },
});

// ---- nfacct ------------------------------------------------------------------------------------------

const nfacct = defineMatch<{ name: string }>({
  name: 'nfacct',
  options: [{ name: 'nfacct-name', arg: true }],
  init: () => ({ name: '' }),
  parse(v, opt) {
    v.name = opt.arg;
  },
  final(_v, _rule, seen) {
    if (!seen.has('nfacct-name')) throw new XtablesError('nfacct: option "--nfacct-name" must be specified\n');
  },
  valid: (v, rule) => (rule.state.nfacct.has(v.name) ? null : 'No such file or directory'),
  save: (v) => ` --nfacct-name  ${v.name}`,
  list: (v) => ` nfacct-name  ${v.name}`,
  match(v, p, ctx) {
    const counters = ctx.state.nfacct.get(v.name);
    if (counters) {
      counters.packets++;
      counters.bytes += p.length;
    }
    return true;
  },
});

/** Every match module by its `-m` name. */
export const MATCHES: ReadonlyMap<string, MatchModule> = new Map(
  [
    portsModule('tcp', 6),
    portsModule('udp', 17),
    portsModule('sctp', 132),
    icmp,
    multiport,
    comment,
    statistic,
    recent,
    addrtype,
    mark,
    conntrack,
    state,
    set,
    nfacct,
  ].map((m) => [m.name, m]),
);
