/**
 * Reads an iptables command line the way iptables 1.8.9 does: getopt with long-option prefixes,
 * `!` as its own word, options of loaded match and target modules, the implicit `-m tcp` when
 * `-p tcp` is followed by a tcp option, and the same checks in the same order.
 */

import { ruleSpec } from '../../engine/linux/netfilter/format.ts';
import { MATCHES } from '../../engine/linux/netfilter/matches.ts';
import { protocolNumber } from '../../engine/linux/netfilter/netdb.ts';
import { isTableName } from '../../engine/linux/netfilter/state.ts';
import { TARGETS } from '../../engine/linux/netfilter/targets.ts';
import type {
  AddrMatch,
  Counters,
  IfaceMatch,
  MatchInstance,
  MatchModule,
  NetfilterState,
  OptionDef,
  ProtoMatch,
  Rule,
  RuleContext,
  RuleTarget,
  TargetInstance,
  TargetModule,
} from '../../engine/linux/netfilter/types.ts';
import { XtablesError } from '../../engine/linux/netfilter/types.ts';
import { parseAddrMask, parseUint } from '../../engine/linux/netfilter/values.ts';

export type CommandLetter = 'A' | 'C' | 'D' | 'I' | 'R' | 'L' | 'S' | 'F' | 'Z' | 'N' | 'X' | 'P' | 'E' | 'V' | 'h';

export interface IptablesCommand {
  command: CommandLetter;
  /** -Z given together with -L. */
  zero: boolean;
  table: string;
  chain?: string;
  /** -E's new name. */
  newName?: string;
  policy?: string;
  /** 1-based rule number (-I, -R, -D N, -S CHAIN N, -Z CHAIN N). */
  rulenum?: number;
  rule?: Rule;
  /** The chain a rule jumps or goes to, checked for existence before running. */
  jumpChain?: string;
  verbose: boolean;
  numeric: boolean;
  exact: boolean;
  lineNumbers: boolean;
  counters?: Counters;
  /** Kernel-side checks of the rule's modules, run when the rule is committed. */
  ruleContext?: RuleContext;
}

type ArgKind = 'none' | 'req' | 'opt';

const SHORT: Record<string, ArgKind> = {
  A: 'req',
  C: 'req',
  D: 'req',
  R: 'req',
  I: 'req',
  L: 'opt',
  S: 'opt',
  M: 'req',
  F: 'opt',
  Z: 'opt',
  N: 'req',
  X: 'opt',
  E: 'req',
  P: 'req',
  V: 'none',
  h: 'opt',
  o: 'req',
  p: 'req',
  s: 'req',
  d: 'req',
  j: 'req',
  i: 'req',
  f: 'none',
  v: 'none',
  w: 'opt',
  W: 'opt',
  n: 'none',
  t: 'req',
  m: 'req',
  x: 'none',
  c: 'req',
  g: 'req',
  '4': 'none',
  '6': 'none',
};

/** Long options of iptables itself → their short letter (line-numbers has none). */
const LONG: Record<string, string> = {
  append: 'A',
  delete: 'D',
  check: 'C',
  insert: 'I',
  replace: 'R',
  list: 'L',
  'list-rules': 'S',
  flush: 'F',
  zero: 'Z',
  'new-chain': 'N',
  'delete-chain': 'X',
  'rename-chain': 'E',
  policy: 'P',
  source: 's',
  src: 's',
  destination: 'd',
  dst: 'd',
  protocol: 'p',
  'in-interface': 'i',
  jump: 'j',
  table: 't',
  match: 'm',
  numeric: 'n',
  'out-interface': 'o',
  verbose: 'v',
  wait: 'w',
  'wait-interval': 'W',
  exact: 'x',
  fragment: 'f',
  version: 'V',
  help: 'h',
  'line-numbers': '0',
  modprobe: 'M',
  'set-counters': 'c',
  goto: 'g',
  ipv4: '4',
  ipv6: '6',
};

const COMMAND_LETTERS = 'ACDIRLSFZNXPEVh';
const RULE_COMMANDS = 'ACDIR';
/** Protocols whose match module is loaded on demand when an unknown option follows `-p`. */
const IMPLICIT: Record<number, string> = { 6: 'tcp', 17: 'udp', 132: 'sctp', 1: 'icmp' };
const PROTO_NUMBERS: Record<string, number> = {
  tcp: 6,
  sctp: 132,
  udp: 17,
  udplite: 136,
  icmp: 1,
  icmpv6: 58,
  esp: 50,
  ah: 51,
  mh: 135,
  all: 0,
};

interface LoadedMatch {
  instance: MatchInstance;
  seen: Set<string>;
}

interface FoundOption {
  def: OptionDef;
  owner: LoadedMatch | LoadedTarget;
}

interface LoadedTarget {
  module: TargetModule;
  value: unknown;
  seen: Set<string>;
}

function parseProto(text: string): number {
  const lower = text.toLowerCase();
  const num = parseUint(lower, 255);
  if (num !== null) return num;
  const known = PROTO_NUMBERS[lower] ?? protocolNumber(lower);
  if (known === undefined) throw new XtablesError(`unknown protocol "${text}" specified`);
  return known;
}

function parseRulenum(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : 0;
  if (n < 1 || n > 0x7fffffff) throw new XtablesError(`Invalid rule number \`${text}'`);
  return n;
}

function checkIface(text: string): void {
  if (text.length > 15) throw new XtablesError(`interface name \`${text}' must be shorter than IFNAMSIZ (15)`);
}

/** Checks a new chain name as iptables does for -N and -E. */
export function checkChainName(name: string): void {
  if (name.length >= 29) throw new XtablesError(`chain name \`${name}' too long (must be under 29 chars)`);
  if (name === '' || TARGETS.has(name) || ['ACCEPT', 'DROP', 'RETURN', 'QUEUE'].includes(name)) {
    throw new XtablesError('chain name may not clash with target name');
  }
  if (name.startsWith('-') || name.startsWith('!')) {
    throw new XtablesError(`chain name not allowed to start with \`${name[0]}'`);
  }
  if (/\s/.test(name)) throw new XtablesError(`Invalid chain name \`${name}'`);
}

/** Parses argv (without the program name). `defaultTable` is what -t overrides. */
export function parseCommand(args: readonly string[], state: NetfilterState, defaultTable = 'filter'): IptablesCommand {
  const cmd: IptablesCommand = {
    command: 'V',
    zero: false,
    table: defaultTable,
    verbose: false,
    numeric: false,
    exact: false,
    lineNumbers: false,
  };
  let commandSet = '';
  const ctx: RuleContext = { table: 'filter', chain: '', state };
  const matches: LoadedMatch[] = [];
  let target: LoadedTarget | undefined;
  let ruleTarget: RuleTarget | undefined;
  let src: AddrMatch | undefined;
  let dst: AddrMatch | undefined;
  let inIface: IfaceMatch | undefined;
  let outIface: IfaceMatch | undefined;
  const seenBase = new Set<string>();
  let invert = false;
  let i = 0;

  const nextPlain = (): string | undefined => {
    const word = args[i];
    if (word !== undefined && !word.startsWith('-') && !word.startsWith('!')) {
      i++;
      return word;
    }
    return undefined;
  };

  const setCommand = (letter: string) => {
    if (invert) throw new XtablesError("unexpected '!' flag");
    const allowed = letter === 'L' ? 'Z' : letter === 'Z' ? 'L' : '';
    for (const c of commandSet) {
      if (!allowed.includes(c)) throw new XtablesError(`Cannot use -${letter} with -${c}`);
    }
    commandSet += letter;
  };

  const once = (letter: string) => {
    if (seenBase.has(letter)) throw new XtablesError(`multiple -${letter} flags not allowed`);
    seenBase.add(letter);
  };

  const handleBase = (letter: string, arg: string | undefined) => {
    const inv = invert;
    switch (letter) {
      case 'A':
      case 'C':
      case 'N':
        setCommand(letter);
        cmd.chain = arg;
        break;
      case 'D':
      case 'I':
        setCommand(letter);
        cmd.chain = arg;
        {
          const num = nextPlain();
          if (num !== undefined) cmd.rulenum = parseRulenum(num);
        }
        break;
      case 'R': {
        setCommand('R');
        cmd.chain = arg;
        const num = nextPlain();
        if (num === undefined) throw new XtablesError('-R requires a rule number');
        cmd.rulenum = parseRulenum(num);
        break;
      }
      case 'F':
      case 'X':
        setCommand(letter);
        cmd.chain = arg ?? nextPlain() ?? cmd.chain;
        break;
      case 'L':
      case 'S':
      case 'Z': {
        setCommand(letter);
        const chain = arg ?? nextPlain();
        if (chain !== undefined) {
          cmd.chain = chain;
          const num = nextPlain();
          if (num !== undefined) cmd.rulenum = parseRulenum(num);
        }
        break;
      }
      case 'E': {
        setCommand('E');
        cmd.chain = arg;
        const name = nextPlain();
        if (name === undefined) throw new XtablesError('-E requires old-chain-name and new-chain-name');
        cmd.newName = name;
        break;
      }
      case 'P': {
        setCommand('P');
        cmd.chain = arg;
        const policy = nextPlain();
        if (policy === undefined) throw new XtablesError('-P requires a chain and a policy');
        cmd.policy = policy;
        break;
      }
      case 'V':
      case 'h':
        setCommand(letter);
        break;
      case 's':
      case 'd': {
        once(letter);
        const { addr, mask } = parseAddrMask(arg ?? '');
        const value = { addr, mask, invert: inv };
        if (mask !== 0 || inv) {
          if (letter === 's') src = value;
          else dst = value;
        }
        break;
      }
      case 'i':
      case 'o': {
        once(letter);
        checkIface(arg ?? '');
        const value = { name: arg ?? '', invert: inv };
        if (letter === 'i') inIface = value;
        else outIface = value;
        break;
      }
      case 'p': {
        once('p');
        const num = parseProto(arg ?? '');
        if (num !== 0 || inv) ctx.proto = { num, invert: inv };
        else delete ctx.proto;
        break;
      }
      case 'j':
      case 'g': {
        if (ruleTarget) throw new XtablesError('multiple -j flags not allowed');
        const name = arg ?? '';
        if (letter === 'g') {
          ruleTarget = { kind: 'chain', name, goto: true };
          cmd.jumpChain = name;
        } else if (name === 'ACCEPT' || name === 'DROP' || name === 'RETURN') {
          ruleTarget = { kind: 'verdict', name };
        } else {
          const module = TARGETS.get(name);
          if (module) {
            target = { module, value: module.init(), seen: new Set() };
            ruleTarget = { kind: 'module', target: { module, value: target.value } };
          } else {
            ruleTarget = { kind: 'chain', name, goto: false };
            cmd.jumpChain = name;
          }
        }
        break;
      }
      case 'm': {
        const module = MATCHES.get(arg ?? '');
        if (!module) throw new XtablesError(`Couldn't load match \`${arg}':No such file or directory\n`);
        matches.push({ instance: { module, value: module.init() }, seen: new Set() });
        break;
      }
      case 't':
        if (inv) throw new XtablesError("unexpected '!' flag before --table");
        cmd.table = arg ?? '';
        break;
      case 'n':
        cmd.numeric = true;
        break;
      case 'v':
        cmd.verbose = true;
        break;
      case 'x':
        cmd.exact = true;
        break;
      case '0':
        cmd.lineNumbers = true;
        break;
      case 'c': {
        const bytes = nextPlain();
        if (bytes === undefined) throw new XtablesError('-c requires packet and byte counter');
        const packets = /^\d+$/.test(arg ?? '') ? Number(arg) : Number.NaN;
        if (Number.isNaN(packets)) throw new XtablesError('-c packet counter not numeric');
        if (!/^\d+$/.test(bytes)) throw new XtablesError('-c byte counter not numeric');
        cmd.counters = { packets, bytes: Number(bytes) };
        break;
      }
      case 'w':
      case 'W':
        if (arg === undefined && /^\d+$/.test(args[i] ?? '')) i++;
        break;
      case 'f':
        throw new XtablesError('fragment matching is not supported here');
      default:
        break;
    }
    invert = false;
  };

  /** The module option called `name` (or, with `prefix`, every one starting with it), latest match first. */
  const moduleOptions = (name: string, prefix: boolean): FoundOption[] => {
    const out: FoundOption[] = [];
    const hit = (def: OptionDef) => (prefix ? def.name.startsWith(name) : def.name === name);
    for (let k = matches.length - 1; k >= 0; k--) {
      const m = matches[k] as LoadedMatch;
      for (const def of m.instance.module.options) {
        if (hit(def)) {
          out.push({ def, owner: m });
          if (!prefix) return out;
        }
      }
    }
    if (target) for (const def of target.module.options) if (hit(def)) out.push({ def, owner: target });
    return out;
  };

  const resolveLong = (name: string): { base?: string; mod?: FoundOption } | undefined => {
    if (Object.hasOwn(LONG, name)) return { base: LONG[name] as string };
    const exact = moduleOptions(name, false)[0];
    if (exact) return { mod: exact };
    const baseHits = Object.keys(LONG).filter((k) => k.startsWith(name));
    const modHits = moduleOptions(name, true);
    const names = new Set([...baseHits, ...modHits.map((o) => o.def.name)]);
    if (names.size === 1) {
      if (baseHits.length === 1) return { base: LONG[baseHits[0] as string] as string };
      return { mod: modHits[0] };
    }
    return undefined;
  };

  const handleModuleOption = (found: FoundOption, word: string, attached: string | undefined) => {
    const { def, owner } = found;
    const moduleName = 'instance' in owner ? owner.instance.module.name : owner.module.name;
    let arg = '';
    if (def.arg) {
      if (attached !== undefined) arg = attached;
      else if (i < args.length) arg = args[i++] as string;
      else throw new XtablesError(`option "${word}" requires an argument`);
    }
    if (invert && !def.invertible) {
      throw new XtablesError(`${moduleName}: option "--${def.name}" cannot be inverted.\n`);
    }
    const ports = moduleName === 'tcp' || moduleName === 'udp' || moduleName === 'sctp';
    if (owner.seen.has(def.name) && !ports) {
      throw new XtablesError(`${moduleName}: option "--${def.name}" can only be used once.\n`);
    }
    owner.seen.add(def.name);
    const call = {
      name: def.name,
      arg,
      invert,
      extra: () => (i < args.length ? args[i++] : undefined),
    };
    if ('instance' in owner) owner.instance.module.parse(owner.instance.value, call, ctx);
    else owner.module.parse(owner.value, call, ctx);
    invert = false;
  };

  while (i < args.length) {
    const word = args[i++] as string;
    if (word === '!') {
      if (invert) throw new XtablesError('multiple consecutive ! not allowed');
      invert = true;
      continue;
    }
    if (word === '--') continue;
    if (word.startsWith('--')) {
      const eq = word.indexOf('=');
      const name = word.slice(2, eq < 0 ? undefined : eq);
      const attached = eq < 0 ? undefined : word.slice(eq + 1);
      let found = resolveLong(name);
      if (!found && ctx.proto && !ctx.proto.invert) {
        const implicit = IMPLICIT[ctx.proto.num];
        const module = implicit ? MATCHES.get(implicit) : undefined;
        if (module && !matches.some((m) => m.instance.module === module)) {
          matches.push({ instance: { module, value: module.init() }, seen: new Set() });
          found = resolveLong(name);
        }
      }
      if (!found) throw new XtablesError(`unknown option "${word}"`);
      if (found.mod) {
        handleModuleOption(found.mod, word, attached);
        continue;
      }
      const letter = found.base as string;
      const kind: ArgKind = letter === '0' ? 'none' : (SHORT[letter] ?? 'none');
      let arg = attached;
      if (kind === 'req' && arg === undefined) {
        if (i >= args.length) throw new XtablesError(`option "${word}" requires an argument`);
        arg = args[i++];
      }
      handleBase(letter, arg);
      continue;
    }
    if (word.startsWith('-') && word.length > 1) {
      for (let k = 1; k < word.length; k++) {
        const letter = word[k] as string;
        const kind = SHORT[letter];
        if (!kind) throw new XtablesError(`unknown option "${word}"`);
        if (kind === 'none') {
          handleBase(letter, undefined);
          continue;
        }
        let arg: string | undefined = word.slice(k + 1) || undefined;
        if (kind === 'req' && arg === undefined) {
          if (i >= args.length) throw new XtablesError(`option "-${letter}" requires an argument`);
          arg = args[i++];
        }
        handleBase(letter, arg);
        break;
      }
      continue;
    }
    throw new XtablesError(`Bad argument \`${word}'`, 2, { bare: true });
  }

  ctx.table = isTableName(cmd.table) ? cmd.table : 'filter';
  ctx.chain = cmd.chain ?? '';
  for (const m of matches) m.instance.module.final?.(m.instance.value, ctx, m.seen);
  if (target) target.module.final?.(target.value, ctx, target.seen);

  const letter = COMMAND_LETTERS.split('').find((c) => commandSet.includes(c) && c !== 'Z') ?? commandSet;
  if (commandSet === '') throw new XtablesError('no command specified');
  cmd.command = (commandSet.includes('L') ? 'L' : letter) as CommandLetter;
  cmd.zero = commandSet.includes('L') && commandSet.includes('Z');

  if (
    cmd.table === 'nat' &&
    (cmd.policy === 'DROP' || (ruleTarget?.kind === 'verdict' && ruleTarget.name === 'DROP'))
  ) {
    throw new XtablesError(
      '\nThe "nat" table is not intended for filtering, the use of DROP is therefore inhibited.\n\n',
    );
  }

  const isRuleCommand = RULE_COMMANDS.includes(cmd.command) && !(cmd.command === 'D' && cmd.rulenum !== undefined);
  if (!isRuleCommand) {
    for (const opt of ['s', 'd', 'p', 'j', 'i', 'o']) {
      const given = opt === 'j' ? ruleTarget !== undefined : opt === 'p' ? seenBase.has('p') : seenBase.has(opt);
      if (given) throw new XtablesError(`Illegal option \`-${opt}' with this command`);
    }
    return cmd;
  }
  if (cmd.numeric) throw new XtablesError("Illegal option `-n' with this command");

  const chain = cmd.chain ?? '';
  if (inIface && (chain === 'OUTPUT' || chain === 'POSTROUTING')) {
    throw new XtablesError(`Can't use -i with ${chain}\n`);
  }
  if (outIface && (chain === 'INPUT' || chain === 'PREROUTING')) {
    throw new XtablesError(`Can't use -o with ${chain}\n`);
  }

  const rule: Rule = {
    matches: matches.map((m) => m.instance),
    counters: cmd.counters ? { ...cmd.counters } : { packets: 0, bytes: 0 },
    spec: '',
  };
  if (src) rule.src = src;
  if (dst) rule.dst = dst;
  if (inIface) rule.inIface = inIface;
  if (outIface) rule.outIface = outIface;
  if (ctx.proto) rule.proto = ctx.proto as ProtoMatch;
  if (ruleTarget) rule.target = ruleTarget;
  rule.spec = ruleSpec(rule);
  cmd.rule = rule;
  cmd.ruleContext = ctx;
  return cmd;
}

/** The kernel's verdict on a rule's modules when it is committed: an errno text, or null. */
export function kernelCheck(rule: Rule, ctx: RuleContext): string | null {
  for (const m of rule.matches) {
    const err = (m.module as MatchModule).valid?.(m.value, ctx);
    if (err) return err;
  }
  if (rule.target?.kind === 'module') {
    const t: TargetInstance = rule.target.target;
    return t.module.valid?.(t.value, ctx) ?? null;
  }
  return null;
}
