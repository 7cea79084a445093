/**
 * Target modules (`-j NAME` other than ACCEPT, DROP, RETURN and chains): option parsing, printing
 * as iptables-save and `iptables -L` do, the kernel's table/hook checks, and what they do to a packet.
 */
import { formatIpv4 } from '../../wire/addr.ts';
import type {
  EvalContext,
  NatAction,
  NfPacket,
  OptionCall,
  OptionDef,
  Rule,
  RuleContext,
  TargetEffect,
  TargetModule,
} from './types.ts';
import { XtablesError } from './types.ts';
import { hex, parseDotted, parseMarkMask, quoteString } from './values.ts';

interface TargetDef<V> {
  name: string;
  listName?: string;
  options: readonly OptionDef[];
  init(): V;
  parse(value: V, opt: OptionCall, rule: RuleContext): void;
  final?(value: V, rule: RuleContext, seen: ReadonlySet<string>): void;
  valid?(value: V, rule: RuleContext): string | null;
  save(value: V): string;
  list(value: V, numeric: boolean, rule: Rule): string;
  apply(value: V, packet: NfPacket, ctx: EvalContext, rule: Rule): TargetEffect;
}

function defineTarget<V>(def: TargetDef<V>): TargetModule {
  return def as unknown as TargetModule;
}

const BUILTIN_HOOKS = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/** Whether a rule in this chain may run at one of these hooks (user chains are checked on use). */
function atHooks(rule: RuleContext, hooks: readonly string[]): boolean {
  return !BUILTIN_HOOKS.includes(rule.chain) || hooks.includes(rule.chain);
}

const CONTINUE: TargetEffect = { kind: 'continue' };

// ---- REJECT ------------------------------------------------------------------------------------------

const REJECT_TYPES: readonly [string, string][] = [
  ['icmp-net-unreachable', 'net-unreach'],
  ['icmp-host-unreachable', 'host-unreach'],
  ['icmp-proto-unreachable', 'proto-unreach'],
  ['icmp-port-unreachable', 'port-unreach'],
  ['icmp-net-prohibited', 'net-prohib'],
  ['icmp-host-prohibited', 'host-prohib'],
  ['tcp-reset', 'tcp-rst'],
  ['icmp-admin-prohibited', 'admin-prohib'],
];

const reject = defineTarget<{ with: string }>({
  name: 'REJECT',
  options: [{ name: 'reject-with', arg: true }],
  init: () => ({ with: 'icmp-port-unreachable' }),
  parse(v, opt) {
    const type = REJECT_TYPES.find(([name, alias]) => name === opt.arg || alias === opt.arg);
    if (!type) throw new XtablesError(`unknown reject type "${opt.arg}"`);
    v.with = type[0];
  },
  valid(v, rule) {
    if (!atHooks(rule, ['INPUT', 'FORWARD', 'OUTPUT'])) return 'Invalid argument';
    if (v.with === 'tcp-reset' && (rule.proto?.num !== 6 || rule.proto.invert)) return 'Invalid argument';
    return null;
  },
  save: (v) => ` --reject-with ${v.with}`,
  list: (v) => ` reject-with ${v.with}`,
  apply: (v) => ({ kind: 'reject', with: v.with }),
});

// ---- LOG -----------------------------------------------------------------------------------------------

interface LogValue {
  level: number;
  prefix: string;
  flags: number;
}

const LOG_FLAGS: readonly [string, number, string][] = [
  ['log-tcp-sequence', 0x01, 'tcp-sequence'],
  ['log-tcp-options', 0x02, 'tcp-options'],
  ['log-ip-options', 0x04, 'ip-options'],
  ['log-uid', 0x08, 'uid'],
  ['log-macdecode', 0x20, 'macdecode'],
];
const LEVEL_INPUT: Record<string, number> = {
  emerg: 0,
  panic: 0,
  alert: 1,
  crit: 2,
  err: 3,
  error: 3,
  warn: 4,
  warning: 4,
  notice: 5,
  info: 6,
  debug: 7,
};
const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug'];

const log = defineTarget<LogValue>({
  name: 'LOG',
  options: [
    { name: 'log-level', arg: true },
    { name: 'log-prefix', arg: true },
    ...LOG_FLAGS.map(([name]) => ({ name, arg: false })),
  ],
  init: () => ({ level: 4, prefix: '', flags: 0 }),
  parse(v, opt) {
    if (opt.name === 'log-level') {
      const level = /^[0-7]$/.test(opt.arg) ? Number(opt.arg) : LEVEL_INPUT[opt.arg];
      if (level === undefined) throw new XtablesError(`log level "${opt.arg}" unknown\n`);
      v.level = level;
    } else if (opt.name === 'log-prefix') {
      v.prefix = opt.arg.slice(0, 29);
    } else {
      v.flags |= LOG_FLAGS.find(([name]) => name === opt.name)?.[1] ?? 0;
    }
  },
  save(v) {
    let out = v.prefix ? ` --log-prefix ${quoteString(v.prefix)}` : '';
    if (v.level !== 4) out += ` --log-level ${v.level}`;
    for (const [name, bit] of LOG_FLAGS) if (v.flags & bit) out += ` --${name}`;
    return out;
  },
  list(v, numeric) {
    let out = ' LOG';
    if (numeric) out += ` flags ${v.flags} level ${v.level}`;
    else {
      out += ` level ${LEVEL_NAMES[v.level]}`;
      for (const [, bit, word] of LOG_FLAGS) if (v.flags & bit) out += ` ${word}`;
    }
    return v.prefix ? `${out} prefix "${v.prefix}"` : out;
  },
  apply: () => CONTINUE,
});

// ---- MARK ----------------------------------------------------------------------------------------------

interface MarkTargetValue {
  mark: number;
  mask: number;
  option: string;
}

const MARK_OPTIONS = ['set-xmark', 'set-mark', 'and-mark', 'or-mark', 'xor-mark'];

const markTarget = defineTarget<MarkTargetValue>({
  name: 'MARK',
  options: MARK_OPTIONS.map((name) => ({ name, arg: true })),
  init: () => ({ mark: 0, mask: 0, option: '' }),
  parse(v, opt) {
    if (v.option !== '') {
      throw new XtablesError(`MARK: option "--${opt.name}" cannot be used together with "--${v.option}".\n`);
    }
    v.option = opt.name;
    const { value, mask } = parseMarkMask('MARK', opt.name, opt.arg);
    switch (opt.name) {
      case 'set-xmark':
        v.mark = value;
        v.mask = mask ?? 0xffffffff;
        break;
      case 'set-mark':
        v.mark = value;
        v.mask = (value | (mask ?? 0xffffffff)) >>> 0;
        break;
      case 'and-mark':
        v.mark = 0;
        v.mask = ~value >>> 0;
        break;
      case 'or-mark':
        v.mark = value;
        v.mask = value;
        break;
      default:
        v.mark = value;
        v.mask = 0;
    }
  },
  final(v) {
    if (v.option === '') {
      throw new XtablesError('MARK: One of the --set-xmark, --{and,or,xor,set}-mark options is required');
    }
  },
  save: (v) => ` --set-xmark ${hex(v.mark)}/${hex(v.mask)}`,
  list(v) {
    if (v.mark === 0) return ` MARK and ${hex(~v.mask)}`;
    if (v.mark === v.mask) return ` MARK or ${hex(v.mark)}`;
    if (v.mask === 0) return ` MARK xor ${hex(v.mark)}`;
    if (v.mask === 0xffffffff) return ` MARK set ${hex(v.mark)}`;
    return ` MARK xset ${hex(v.mark)}/${hex(v.mask)}`;
  },
  apply(v, p) {
    p.mark = ((p.mark & ~v.mask) ^ v.mark) >>> 0;
    return CONTINUE;
  },
});

// ---- DNAT, SNAT, MASQUERADE -----------------------------------------------------------------------------

interface NatValue {
  minAddr?: number;
  maxAddr?: number;
  minPort?: number;
  maxPort?: number;
  random: boolean;
  randomFully: boolean;
  persistent: boolean;
}

const PORT_PROTOS = [6, 17, 132, 33];

function needPortProto(rule: RuleContext): void {
  if (!rule.proto || rule.proto.invert || !PORT_PROTOS.includes(rule.proto.num)) {
    throw new XtablesError('Need TCP, UDP, SCTP or DCCP with port specification');
  }
}

function parsePorts(v: NatValue, text: string): void {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const lo = m ? Number(m[1]) : Number.NaN;
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
  if (!(lo >= 0 && lo <= 65535)) throw new XtablesError(`Port \`${text.split('-')[0]}' not valid`);
  if (!(hi >= 0 && hi <= 65535)) throw new XtablesError(`Port \`${m?.[2] ?? text}' not valid`);
  if (hi < lo) throw new XtablesError(`Invalid port range \`${text}'`);
  v.minPort = lo;
  v.maxPort = hi;
}

function parseRange(v: NatValue, text: string, rule: RuleContext): void {
  const colon = text.indexOf(':');
  const addrText = colon < 0 ? text : text.slice(0, colon);
  if (colon >= 0) {
    needPortProto(rule);
    parsePorts(v, text.slice(colon + 1));
  }
  if (addrText === '') return;
  const dash = addrText.indexOf('-');
  const lo = parseDotted(dash < 0 ? addrText : addrText.slice(0, dash));
  const hi = dash < 0 ? lo : parseDotted(addrText.slice(dash + 1));
  if (lo === null || hi === null || lo.toString() === 'NaN') throw new XtablesError(`Bad IP address "${addrText}"\n`);
  v.minAddr = lo;
  v.maxAddr = hi;
}

function rangeText(v: NatValue): string {
  let out = '';
  if (v.minAddr !== undefined) {
    out += formatIpv4(v.minAddr);
    if (v.maxAddr !== undefined && v.maxAddr !== v.minAddr) out += `-${formatIpv4(v.maxAddr)}`;
  }
  if (v.minPort !== undefined) {
    out += `:${v.minPort}`;
    if (v.maxPort !== undefined && v.maxPort !== v.minPort) out += `-${v.maxPort}`;
  }
  return out;
}

function natAction(type: NatAction['type'], v: NatValue): TargetEffect {
  const nat: NatAction = { type, random: v.random, randomFully: v.randomFully, persistent: v.persistent };
  if (v.minAddr !== undefined) nat.minAddr = v.minAddr;
  if (v.maxAddr !== undefined) nat.maxAddr = v.maxAddr;
  if (v.minPort !== undefined) nat.minPort = v.minPort;
  if (v.maxPort !== undefined) nat.maxPort = v.maxPort;
  return { kind: 'nat', nat };
}

function natInit(): NatValue {
  return { random: false, randomFully: false, persistent: false };
}

function natFlags(v: NatValue, opt: OptionCall): boolean {
  if (opt.name === 'random') v.random = true;
  else if (opt.name === 'random-fully') v.randomFully = true;
  else if (opt.name === 'persistent') v.persistent = true;
  else return false;
  return true;
}

function natFlagText(v: NatValue, prefix: string): string {
  let out = '';
  if (v.random) out += ` ${prefix}random`;
  if (v.randomFully) out += ` ${prefix}random-fully`;
  if (v.persistent) out += ` ${prefix}persistent`;
  return out;
}

function natTarget(type: 'DNAT' | 'SNAT'): TargetModule {
  const option = type === 'DNAT' ? 'to-destination' : 'to-source';
  const hooks = type === 'DNAT' ? ['PREROUTING', 'OUTPUT'] : ['POSTROUTING', 'INPUT'];
  return defineTarget<NatValue>({
    name: type,
    options: [
      { name: option, arg: true },
      { name: 'random', arg: false },
      { name: 'random-fully', arg: false },
      { name: 'persistent', arg: false },
    ],
    init: natInit,
    parse(v, opt, rule) {
      if (!natFlags(v, opt)) parseRange(v, opt.arg, rule);
    },
    final(_v, _rule, seen) {
      if (!seen.has(option)) throw new XtablesError(`${type}: option "--${option}" must be specified\n`);
    },
    valid: (_v, rule) => (rule.table === 'nat' && atHooks(rule, hooks) ? null : 'Invalid argument'),
    save: (v) => ` --${option} ${rangeText(v)}${natFlagText(v, '--')}`,
    list: (v) => ` to:${rangeText(v)}${natFlagText(v, '')}`,
    apply: (v) => natAction(type, v),
  });
}

const masquerade = defineTarget<NatValue>({
  name: 'MASQUERADE',
  options: [
    { name: 'to-ports', arg: true },
    { name: 'random', arg: false },
    { name: 'random-fully', arg: false },
  ],
  init: natInit,
  parse(v, opt, rule) {
    if (natFlags(v, opt)) return;
    needPortProto(rule);
    parsePorts(v, opt.arg);
  },
  valid: (_v, rule) => (rule.table === 'nat' && atHooks(rule, ['POSTROUTING']) ? null : 'Invalid argument'),
  save(v) {
    let out = '';
    if (v.minPort !== undefined) out += ` --to-ports ${v.minPort}${v.maxPort !== v.minPort ? `-${v.maxPort}` : ''}`;
    return out + natFlagText(v, '--');
  },
  list(v) {
    let out = '';
    if (v.minPort !== undefined) out += ` masq ports: ${v.minPort}${v.maxPort !== v.minPort ? `-${v.maxPort}` : ''}`;
    return out + natFlagText(v, '');
  },
  apply: (v) => natAction('MASQUERADE', v),
});

// ---- TRACE, CT, NOTRACK -----------------------------------------------------------------------------

const trace = defineTarget<Record<string, never>>({
  name: 'TRACE',
  options: [],
  init: () => ({}),
  parse() {},
  save: () => '',
  list: () => '',
  apply: () => CONTINUE,
});

interface CtValue {
  notrack: boolean;
  /** Written as `-j NOTRACK`. */
  alias: boolean;
}

const ct = defineTarget<CtValue>({
  name: 'CT',
  options: [{ name: 'notrack', arg: false }],
  init: () => ({ notrack: false, alias: false }),
  parse(v) {
    v.notrack = true;
  },
  valid: (_v, rule) => (rule.table === 'raw' ? null : 'Invalid argument'),
  save: (v) => (v.alias ? '' : v.notrack ? ' --notrack' : ''),
  list: (v) => (v.alias ? ' NOTRACK' : v.notrack ? ' CT notrack' : ''),
  apply: () => CONTINUE,
});

const notrack = defineTarget<CtValue>({
  name: 'NOTRACK',
  listName: 'CT',
  options: [],
  init: () => ({ notrack: true, alias: true }),
  parse() {},
  valid: (_v, rule) => (rule.table === 'raw' ? null : 'Invalid argument'),
  save: () => '',
  list: () => ' NOTRACK',
  apply: () => CONTINUE,
});

/** Every target module by its `-j` name. */
export const TARGETS: ReadonlyMap<string, TargetModule> = new Map(
  [reject, log, markTarget, natTarget('DNAT'), natTarget('SNAT'), masquerade, trace, ct, notrack].map((t) => [
    t.name,
    t,
  ]),
);
