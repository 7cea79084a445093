/**
 * Random but valid netfilter scenarios from a seed, for the agreement suite (issue #4): a client —
 * router — server topology with fixed addresses, a random ipset and a random iptables ruleset on the
 * router (raw, mangle, nat, filter), and probes from the three namespaces. The same seed always
 * gives the same scenario, so a disagreement replays from its seed alone.
 *
 *   c  eth0 10.0.1.2/24 ── vc 10.0.1.1/24  r  vs 10.0.2.1/24 ── eth0 10.0.2.2/24  s
 *
 * Rules are valid for the hook they run in (REJECT only in INPUT/FORWARD/OUTPUT, DNAT before
 * routing, SNAT and MASQUERADE after, -i and -o only where an interface exists), and every user
 * chain is reached from one built-in chain only, so what holds for that chain holds in it too.
 * `statistic --mode random` is left out: the kernel's draws cannot be reproduced.
 */
import { Rng } from '../../src/engine/sim.ts';

export type TableName = 'raw' | 'mangle' | 'nat' | 'filter';
type Hook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
export type Node = 'c' | 'r' | 's';

export interface Probe {
  from: Node;
  kind: 'icmp' | 'udp' | 'tcp';
  dst: string;
  port?: number;
}

export interface Ipset {
  name: string;
  type: 'hash:ip' | 'hash:net';
  members: string[];
}

export interface Scenario {
  seed: number;
  ipset?: Ipset;
  /** The iptables-restore text loaded on the router. */
  restore: string;
  probes: Probe[];
}

export interface GenerateOptions {
  /** Add UDP and TCP probes (needs `nc` on both sides). */
  l4?: boolean;
}

const HOOKS: Record<TableName, Hook[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** The order iptables-save prints tables in is not ours to choose; restore takes any order. */
const TABLES: TableName[] = ['raw', 'mangle', 'nat', 'filter'];

const ADDRESSES = [
  '10.0.1.2',
  '10.0.1.1',
  '10.0.2.2',
  '10.0.2.1',
  '10.96.0.10',
  '10.0.3.3',
  '10.0.1.0/24',
  '10.0.2.0/24',
  '10.0.1.7/24',
  '10.0.0.0/16',
  '10.96.0.0/12',
  '10.0.2.2/31',
  '0.0.0.0/1',
  '10.0.0.0/8',
];

const IFACES = ['vc', 'vs', 'v+', 'vc+', 'lo', 'eth+', 'eth0'];
const CT_STATES = ['NEW', 'ESTABLISHED', 'RELATED', 'INVALID', 'UNTRACKED', 'DNAT', 'SNAT'];
const ADDR_TYPES = ['LOCAL', 'UNICAST', 'BROADCAST', 'MULTICAST', 'UNREACHABLE'];
const ICMP_TYPES = ['echo-request', 'echo-reply', '8', '0', 'destination-unreachable', 'port-unreachable', 'any'];
const REJECT_WITH = [
  'icmp-net-unreachable',
  'icmp-host-unreachable',
  'icmp-port-unreachable',
  'icmp-proto-unreachable',
  'icmp-net-prohibited',
  'icmp-host-prohibited',
  'icmp-admin-prohibited',
];
const PORTS = [22, 53, 80, 443, 8080];
const COMMENTS = ['allow web', 'kube: svc/web', 'x', 'drop "bad" things'];

/** Where the router's probes may go; DNAT may make the service address (10.96.0.10) answer. */
const PROBES: Probe[] = [
  { from: 'c', kind: 'icmp', dst: '10.0.2.2' },
  { from: 'c', kind: 'icmp', dst: '10.0.2.2' },
  { from: 'c', kind: 'icmp', dst: '10.0.1.1' },
  { from: 'c', kind: 'icmp', dst: '10.0.2.1' },
  { from: 'c', kind: 'icmp', dst: '10.96.0.10' },
  { from: 'c', kind: 'icmp', dst: '10.0.3.3' },
  { from: 's', kind: 'icmp', dst: '10.0.1.2' },
  { from: 's', kind: 'icmp', dst: '10.0.2.1' },
  { from: 'r', kind: 'icmp', dst: '10.0.2.2' },
  { from: 'r', kind: 'icmp', dst: '10.0.1.2' },
  { from: 'r', kind: 'icmp', dst: '10.96.0.10' },
  { from: 'r', kind: 'icmp', dst: '10.0.2.1' },
];

const L4_PROBES: Probe[] = [
  { from: 'c', kind: 'udp', dst: '10.0.2.2', port: 53 },
  { from: 'c', kind: 'tcp', dst: '10.0.2.2', port: 80 },
  { from: 'c', kind: 'tcp', dst: '10.96.0.10', port: 80 },
  { from: 'c', kind: 'udp', dst: '10.0.1.1', port: 53 },
  { from: 'c', kind: 'tcp', dst: '10.0.1.1', port: 22 },
  { from: 's', kind: 'tcp', dst: '10.0.1.2', port: 8080 },
];

class Picker {
  readonly rng: Rng;
  constructor(seed: number) {
    this.rng = new Rng(seed);
  }
  chance(p: number): boolean {
    return this.rng.next() < p;
  }
  int(min: number, max: number): number {
    return this.rng.int(min, max);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.rng.int(0, items.length - 1)] as T;
  }
  some<T>(items: readonly T[], min: number, max: number): T[] {
    const pool = [...items];
    const out: T[] = [];
    for (let n = this.int(min, Math.min(max, pool.length)); n > 0; n--) {
      out.push(pool.splice(this.int(0, pool.length - 1), 1)[0] as T);
    }
    return out;
  }
  not(p = 0.2): string {
    return this.chance(p) ? '! ' : '';
  }
}

interface UserChain {
  name: string;
  home: Hook;
}

/** What a rule may do, given the built-in chain its packets come from. */
interface RuleContext {
  table: TableName;
  hook: Hook;
  /** User chains this rule may jump or go to. */
  targets: UserChain[];
  ipset?: Ipset;
}

function portSpec(p: Picker): string {
  const a = p.pick(PORTS);
  if (!p.chance(0.3)) return String(a);
  const b = a + p.int(0, 100);
  return `${a}:${b}`;
}

function matches(p: Picker, ctx: RuleContext): { parts: string[]; proto?: string } {
  const parts: string[] = [];
  let proto: string | undefined;
  if (p.chance(0.6)) {
    proto = p.pick(['icmp', 'icmp', 'tcp', 'udp']);
    const invert = p.chance(0.1);
    parts.push(`${invert ? '! ' : ''}-p ${proto}`);
    if (invert) proto = undefined;
  }
  if (p.chance(0.3)) parts.push(`${p.not()}-s ${p.pick(ADDRESSES)}`);
  if (p.chance(0.3)) parts.push(`${p.not()}-d ${p.pick(ADDRESSES)}`);
  const inOk = ctx.hook === 'PREROUTING' || ctx.hook === 'INPUT' || ctx.hook === 'FORWARD';
  const outOk = ctx.hook === 'OUTPUT' || ctx.hook === 'POSTROUTING' || ctx.hook === 'FORWARD';
  if (inOk && p.chance(0.25)) parts.push(`${p.not()}-i ${p.pick(IFACES)}`);
  if (outOk && p.chance(0.25)) parts.push(`${p.not()}-o ${p.pick(IFACES)}`);
  if (proto === 'tcp' || proto === 'udp') {
    if (p.chance(0.3)) parts.push(`-m ${proto} ${p.not(0.15)}--dport ${portSpec(p)}`);
    else if (p.chance(0.15)) parts.push(`-m ${proto} ${p.not(0.15)}--sport ${portSpec(p)}`);
    if (p.chance(0.15)) {
      const list = p.some(PORTS, 1, 3).map(String);
      if (p.chance(0.3)) list.push('1000:2000');
      parts.push(`-m multiport ${p.not(0.1)}--${p.pick(['dports', 'sports', 'ports'])} ${list.join(',')}`);
    }
  }
  if (proto === 'icmp' && p.chance(0.35)) parts.push(`-m icmp ${p.not(0.1)}--icmp-type ${p.pick(ICMP_TYPES)}`);
  if (p.chance(0.12)) parts.push(`-m mark ${p.not()}--mark ${p.pick(['0x1', '0x2', '0x1/0x1', '0x0/0x3', '0x3'])}`);
  if (p.chance(0.25)) {
    parts.push(`-m conntrack ${p.not(0.15)}--ctstate ${p.some(CT_STATES, 1, 2).join(',')}`);
  }
  if (p.chance(0.12)) {
    const which = p.pick(['src-type', 'dst-type']);
    parts.push(`-m addrtype ${p.not()}--${which} ${p.pick(ADDR_TYPES)}`);
  }
  if (ctx.ipset && p.chance(0.15)) {
    parts.push(`-m set ${p.not()}--match-set ${ctx.ipset.name} ${p.pick(['src', 'dst'])}`);
  }
  if (p.chance(0.08)) {
    const every = p.int(2, 3);
    parts.push(`-m statistic --mode nth --every ${every} --packet ${p.int(0, every - 1)}`);
  }
  if (p.chance(0.15)) parts.push(`-m comment --comment "${p.pick(COMMENTS).replaceAll('"', '\\"')}"`);
  return { parts, proto };
}

function target(p: Picker, ctx: RuleContext, proto: string | undefined): string | undefined {
  const options: (() => string | undefined)[] = [
    () => '-j ACCEPT',
    () => '-j DROP',
    () => '-j RETURN',
    () => undefined,
  ];
  if (ctx.targets.length > 0) {
    const jump = () => `-${p.chance(0.7) ? 'j' : 'g'} ${p.pick(ctx.targets).name}`;
    options.push(jump, jump, jump);
  }
  const { table, hook } = ctx;
  if (table === 'filter') {
    const reject = () => {
      if (p.chance(0.3)) return '-j REJECT';
      const kinds = proto === 'tcp' ? [...REJECT_WITH, 'tcp-reset'] : REJECT_WITH;
      return `-j REJECT --reject-with ${p.pick(kinds)}`;
    };
    options.push(reject, reject);
  }
  if (table === 'mangle') {
    const mark = () =>
      p.chance(0.6)
        ? `-j MARK --set-mark ${p.pick(['0x1', '0x2', '0x3'])}`
        : `-j MARK --set-xmark ${p.pick(['0x1/0x1', '0x2/0xffffffff', '0x0/0x2'])}`;
    options.push(mark, mark);
  }
  if (table === 'nat' && (hook === 'PREROUTING' || hook === 'OUTPUT')) {
    const dnat = () => {
      const addr = p.pick(['10.0.2.2', '10.0.2.2', '10.0.1.1', '10.0.2.1', '10.0.1.2']);
      const port = (proto === 'tcp' || proto === 'udp') && p.chance(0.4) ? `:${p.pick(PORTS)}` : '';
      return `-j DNAT --to-destination ${addr}${port}`;
    };
    options.push(dnat, dnat, dnat);
  }
  if (table === 'nat' && (hook === 'POSTROUTING' || hook === 'INPUT')) {
    const snat = () => `-j SNAT --to-source ${p.pick(['10.0.2.1', '10.0.1.1'])}`;
    options.push(snat, snat);
    if (hook === 'POSTROUTING')
      options.push(
        () => '-j MASQUERADE',
        () => '-j MASQUERADE',
      );
  }
  return p.pick(options)();
}

function rule(p: Picker, chain: string, ctx: RuleContext): string {
  const { parts, proto } = matches(p, ctx);
  const t = target(p, ctx, proto);
  return ['-A', chain, ...parts, ...(t ? [t] : [])].join(' ');
}

function tableText(p: Picker, table: TableName, ipset: Ipset | undefined, prefix: string): string {
  const hooks = HOOKS[table];
  const users: UserChain[] = [];
  for (let n = p.int(0, 2); n > 0; n--) users.push({ name: `${prefix}${users.length + 1}`, home: p.pick(hooks) });
  const lines = [`*${table}`];
  for (const hook of hooks) {
    const policy = table !== 'nat' && p.chance(table === 'filter' ? 0.25 : 0.08) ? 'DROP' : 'ACCEPT';
    lines.push(`:${hook} ${policy} [0:0]`);
  }
  for (const u of users) lines.push(`:${u.name} - [0:0]`);
  for (const hook of hooks) {
    const ctx: RuleContext = { table, hook, targets: users.filter((u) => u.home === hook), ipset };
    for (let n = p.int(0, 3); n > 0; n--) lines.push(rule(p, hook, ctx));
  }
  users.forEach((u, i) => {
    // Only later chains are targets, so chains never loop.
    const ctx: RuleContext = {
      table,
      hook: u.home,
      targets: users.slice(i + 1).filter((v) => v.home === u.home),
      ipset,
    };
    for (let n = p.int(1, 3); n > 0; n--) lines.push(rule(p, u.name, ctx));
  });
  lines.push('COMMIT');
  return lines.join('\n');
}

/** The scenario for `seed`. */
export function generateScenario(seed: number, options: GenerateOptions = {}): Scenario {
  const p = new Picker(seed);
  let ipset: Ipset | undefined;
  if (p.chance(0.4)) {
    const type = p.pick(['hash:ip', 'hash:net'] as const);
    const pool =
      type === 'hash:ip'
        ? ['10.0.1.2', '10.0.2.2', '10.0.1.1', '10.0.2.1', '10.96.0.10']
        : ['10.0.1.0/24', '10.0.2.0/24', '10.0.1.2/32', '10.96.0.0/16', '10.0.2.2'];
    ipset = { name: p.pick(['allowed', 'KUBE-SET', 'S1']), type, members: p.some(pool, 0, 3) };
  }
  const tables = TABLES.filter((t) => p.chance(t === 'filter' ? 0.85 : 0.5));
  if (tables.length === 0) tables.push('filter');
  const restore = `${tables.map((t) => tableText(p, t, ipset, t === 'nat' ? 'NAT-' : 'CH-')).join('\n')}\n`;
  const pool = options.l4 ? [...PROBES, ...L4_PROBES] : PROBES;
  const probes = Array.from({ length: p.int(3, 5) }, () => p.pick(pool));
  return { seed, ...(ipset ? { ipset } : {}), restore, probes };
}
