/**
 * Netfilter rules as data: the tables of one network namespace, their chains and rules, and the
 * interfaces of the small match/target modules that parse, print and evaluate each rule part.
 */
import type { Ipv4 } from '../../wire/addr.ts';

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter' | 'security';

export interface Counters {
  packets: number;
  bytes: number;
}

/** An address match: the address is stored masked, as the kernel keeps it. */
export interface AddrMatch {
  addr: Ipv4;
  mask: Ipv4;
  invert: boolean;
}

export interface IfaceMatch {
  name: string;
  invert: boolean;
}

export interface ProtoMatch {
  /** IP protocol number; 0 never appears here (`-p all` is stored as no protocol match). */
  num: number;
  invert: boolean;
}

export interface MatchInstance {
  module: MatchModule;
  value: unknown;
}

export interface TargetInstance {
  module: TargetModule;
  value: unknown;
}

/** What a rule sends a packet to when it matches. */
export type RuleTarget =
  | { kind: 'verdict'; name: 'ACCEPT' | 'DROP' | 'RETURN' }
  | { kind: 'chain'; name: string; goto: boolean }
  | { kind: 'module'; target: TargetInstance };

export interface Rule {
  src?: AddrMatch;
  dst?: AddrMatch;
  inIface?: IfaceMatch;
  outIface?: IfaceMatch;
  proto?: ProtoMatch;
  matches: MatchInstance[];
  /** undefined: a rule with no target, which only counts. */
  target?: RuleTarget;
  counters: Counters;
  /** The canonical rule text (iptables-save form without `-A CHAIN`), cached for -C/-D and printing. */
  spec: string;
  /** The nf_tables rule handle, given when the rule is added. */
  handle?: number;
}

export type Policy = 'ACCEPT' | 'DROP';

export interface Chain {
  name: string;
  /** null for user-defined chains. */
  policy: Policy | null;
  /** Policy counters of a built-in chain. */
  counters: Counters;
  rules: Rule[];
  /** The nf_tables object handle, given when the chain is first written to (nft creates chains lazily). */
  handle?: number;
  /**
   * A built-in chain counts the packets its policy decides only once its counters were written
   * (restore's `:CHAIN POLICY [p:b]` line, -P, -Z): nf_tables allocates base chain stats then, and a
   * chain that `iptables -A` created implicitly has none.
   */
  stats?: boolean;
}

export interface Table {
  name: TableName;
  chains: Map<string, Chain>;
  /** How many rules jump or go to each user chain (the "N references" of `iptables -L`). */
  refs: Map<string, number>;
  /** The next nf_tables handle: chains and rules of a table share one counter (xtables-monitor shows them). */
  nextHandle?: number;
}

/** One `-m recent` list entry: the times (virtual ms) an address was seen, oldest first. */
export interface RecentEntry {
  times: number[];
  ttl: number;
}

/** Ask the namespace's ipsets (owned by the ipset module) about sets. */
export interface IpsetLookup {
  exists(name: string): boolean;
  /** Whether the packet's fields, taken in the order of `dims`, are in the set. */
  test(name: string, dims: readonly ('src' | 'dst')[], packet: NfPacket): boolean;
}

export interface NetfilterState {
  /** Only the tables that exist: nf_tables creates a table when something is first put in it. */
  tables: Map<TableName, Table>;
  /** `-m recent` lists by name: address (as number) → entry. */
  recent: Map<string, Map<number, RecentEntry>>;
  /** nfacct objects (created through netlink by their owner) and their counters. */
  nfacct: Map<string, Counters>;
  ipset: IpsetLookup | null;
}

export type CtState = 'INVALID' | 'NEW' | 'ESTABLISHED' | 'RELATED' | 'UNTRACKED';

export type AddrType =
  | 'UNSPEC'
  | 'UNICAST'
  | 'LOCAL'
  | 'BROADCAST'
  | 'ANYCAST'
  | 'MULTICAST'
  | 'BLACKHOLE'
  | 'UNREACHABLE'
  | 'PROHIBIT'
  | 'THROW'
  | 'NAT'
  | 'XRESOLVE';

/** The packet metadata a chain walk looks at. */
export interface NfPacket {
  src: Ipv4;
  dst: Ipv4;
  /** IP protocol number (6 tcp, 17 udp, 1 icmp, 132 sctp, …). */
  proto: number;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
  inIface?: string;
  outIface?: string;
  mark: number;
  ttl?: number;
  /** Total length in bytes, added to the byte counters. */
  length: number;
  ctState: CtState;
  /** Conntrack status bits the `--ctstate SNAT/DNAT` pseudo-states test. */
  ctDnat?: boolean;
  ctSnat?: boolean;
  ctOrigSrc?: Ipv4;
  ctOrigDst?: Ipv4;
  ctOrigSrcPort?: number;
  ctOrigDstPort?: number;
  srcType: AddrType;
  dstType: AddrType;
}

/** What a module evaluation may read besides the packet. */
export interface EvalContext {
  state: NetfilterState;
  now: number;
  random(): number;
}

/** Thrown while parsing a rule or command; the command turns it into the real tool's output. */
export class XtablesError extends Error {
  /** 2 parameter problem, 1 "iptables: …" failure, 3 version problem, 4 nf_tables batch failure. */
  readonly status: number;
  /** Print "Try `iptables -h' …" after the message (parameter problems). */
  readonly help: boolean;
  /** The message is printed with no "iptables v1.8.9 (nf_tables): " prefix. */
  readonly bare: boolean;
  /** A status-1 failure printed with the version prefix instead of "iptables: ". */
  readonly versioned: boolean;

  constructor(message: string, status = 2, opts: { help?: boolean; bare?: boolean; versioned?: boolean } = {}) {
    super(message);
    this.status = status;
    this.help = opts.help ?? status === 2;
    this.bare = opts.bare ?? false;
    this.versioned = opts.versioned ?? false;
  }
}

/** One long option of a module. */
export interface OptionDef {
  name: string;
  arg: boolean;
  invertible?: boolean;
}

export interface OptionCall {
  /** The long option name without `--`. */
  name: string;
  arg: string;
  invert: boolean;
  /** Consumes one more command-line word (for options with two arguments, like --match-set). */
  extra(): string | undefined;
}

/** What the parser knows about the rule being built when a module checks itself. */
export interface RuleContext {
  proto?: ProtoMatch;
  table: TableName;
  chain: string;
  state: NetfilterState;
}

export interface MatchModule {
  name: string;
  options: readonly OptionDef[];
  init(): unknown;
  parse(value: unknown, opt: OptionCall, rule: RuleContext): void;
  /** Checks after the whole rule was read; may complete the value. */
  final?(value: unknown, rule: RuleContext, seen: ReadonlySet<string>): void;
  /** Kernel-side checks when the rule is committed: an errno text ("Invalid argument") or null. */
  valid?(value: unknown, rule: RuleContext): string | null;
  /** Text after `-m name` in iptables-save (each part with a leading space). */
  save(value: unknown): string;
  /** Text in `iptables -L` (each part with a leading space). */
  list(value: unknown, numeric: boolean, rule: Rule): string;
  match(value: unknown, packet: NfPacket, ctx: EvalContext, rule: Rule): boolean;
}

/** What a target does to a packet. */
export type TargetEffect =
  | { kind: 'verdict'; verdict: 'ACCEPT' | 'DROP' }
  | { kind: 'reject'; with: string }
  | { kind: 'continue' }
  | { kind: 'nat'; nat: NatAction };

export interface NatAction {
  type: 'DNAT' | 'SNAT' | 'MASQUERADE';
  /** Address range (DNAT/SNAT); absent for MASQUERADE. */
  minAddr?: Ipv4;
  maxAddr?: Ipv4;
  minPort?: number;
  maxPort?: number;
  random: boolean;
  randomFully: boolean;
  persistent: boolean;
}

export interface TargetModule {
  name: string;
  /** The name in the target column of `iptables -L` (NOTRACK shows as CT). */
  listName?: string;
  options: readonly OptionDef[];
  init(): unknown;
  parse(value: unknown, opt: OptionCall, rule: RuleContext): void;
  final?(value: unknown, rule: RuleContext, seen: ReadonlySet<string>): void;
  /** Kernel-side checks (table, hook): an errno text ("Invalid argument") or null. */
  valid?(value: unknown, rule: RuleContext): string | null;
  save(value: unknown): string;
  list(value: unknown, numeric: boolean, rule: Rule): string;
  apply(value: unknown, packet: NfPacket, ctx: EvalContext, rule: Rule): TargetEffect;
  /** A second name that selects this module with a fixed value (NOTRACK → CT --notrack). */
  saveName?(value: unknown): string;
}
