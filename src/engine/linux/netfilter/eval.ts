/**
 * Walks a packet through one table's built-in chain as ipt_do_table does: rules in order, jumps
 * push a return point, goto does not, RETURN or the end of a user chain pops, the end of a built-in
 * chain applies its policy. Every matched rule has its counters raised and is reported, so the
 * caller (the packet walk, which owns hooks and conntrack) can draw the path and apply NAT and marks.
 */
import type { Ipv4 } from '../../wire/addr.ts';
import { viewTable } from './state.ts';
import type {
  AddrMatch,
  Chain,
  EvalContext,
  IfaceMatch,
  NatAction,
  NetfilterState,
  NfPacket,
  Rule,
  TableName,
} from './types.ts';

export interface EvalEnv {
  /** Virtual time in ms (for -m recent). */
  now: number;
  /** Uniform in [0, 1) (for -m statistic --mode random); the caller seeds it. */
  random(): number;
}

export interface RuleHit {
  table: TableName;
  chain: string;
  /** 1-based, as `iptables -L --line-numbers` shows it. */
  index: number;
  rule: Rule;
}

export interface EvalResult {
  verdict: 'ACCEPT' | 'DROP';
  /** The --reject-with type when a REJECT rule decided (the verdict is then DROP). */
  reject?: string;
  /** The verdict is the built-in chain's policy (no rule decided). */
  byPolicy: boolean;
  hits: RuleHit[];
  /** The NAT mapping a DNAT/SNAT/MASQUERADE rule chose; the walk stops there, as in the kernel. */
  nat?: NatAction;
  /** The packet mark after MARK targets. */
  mark: number;
  notrack: boolean;
  trace: boolean;
  logs: { prefix: string; rule: RuleHit }[];
}

/** A guard against rule loops (nf_tables accepts `-A X -j X`; the kernel would drop at its stack limit). */
const MAX_STEPS = 1_000_000;

function addrHit(m: AddrMatch | undefined, addr: Ipv4): boolean {
  if (!m) return true;
  return ((addr & m.mask) >>> 0 === m.addr) !== m.invert;
}

function ifaceHit(m: IfaceMatch | undefined, name: string | undefined): boolean {
  if (!m) return true;
  let hit: boolean;
  if (name === undefined) hit = false;
  else if (m.name.endsWith('+')) hit = name.startsWith(m.name.slice(0, -1));
  else hit = name === m.name;
  return hit !== m.invert;
}

function ruleMatches(rule: Rule, p: NfPacket, ctx: EvalContext): boolean {
  if (!addrHit(rule.src, p.src) || !addrHit(rule.dst, p.dst)) return false;
  if (!ifaceHit(rule.inIface, p.inIface) || !ifaceHit(rule.outIface, p.outIface)) return false;
  if (rule.proto && (p.proto === rule.proto.num) === rule.proto.invert) return false;
  for (const m of rule.matches) if (!m.module.match(m.value, p, ctx, rule)) return false;
  return true;
}

/**
 * Evaluates `packet` in `table`'s built-in `chain`. The packet's mark is updated in place by MARK
 * targets (and reported in the result).
 */
export function evaluate(
  state: NetfilterState,
  tableName: TableName,
  chainName: string,
  packet: NfPacket,
  env: EvalEnv,
): EvalResult {
  const table = viewTable(state, tableName);
  const ctx: EvalContext = { state, now: env.now, random: env.random };
  const result: EvalResult = {
    verdict: 'ACCEPT',
    byPolicy: false,
    hits: [],
    mark: packet.mark,
    notrack: false,
    trace: false,
    logs: [],
  };
  const base = table.chains.get(chainName);
  if (!base?.policy) return result;

  const stack: { chain: Chain; next: number }[] = [];
  let chain: Chain = base;
  let index = 0;
  let steps = 0;
  const finish = (verdict: 'ACCEPT' | 'DROP'): EvalResult => {
    result.verdict = verdict;
    result.mark = packet.mark;
    return result;
  };

  for (;;) {
    if (++steps > MAX_STEPS) return finish('DROP');
    const rule = chain.rules[index];
    if (!rule) {
      const back = stack.pop();
      if (back) {
        chain = back.chain;
        index = back.next;
        continue;
      }
      if (chain !== base) {
        chain = base;
        index = base.rules.length;
        continue;
      }
      // An nf_tables base chain counts what its policy decides, once it has stats (see Chain.stats).
      result.byPolicy = true;
      if (base.stats) {
        base.counters.packets++;
        base.counters.bytes += packet.length;
      }
      return finish(base.policy ?? 'ACCEPT');
    }
    index++;
    if (!ruleMatches(rule, packet, ctx)) continue;
    rule.counters.packets++;
    rule.counters.bytes += packet.length;
    const hit: RuleHit = { table: tableName, chain: chain.name, index, rule };
    result.hits.push(hit);
    const target = rule.target;
    if (!target) continue;
    if (target.kind === 'verdict') {
      if (target.name !== 'RETURN') return finish(target.name);
      index = chain.rules.length;
      continue;
    }
    if (target.kind === 'chain') {
      const next = table.chains.get(target.name);
      if (!next) continue;
      if (!target.goto) stack.push({ chain, next: index });
      chain = next;
      index = 0;
      continue;
    }
    const { module, value } = target.target;
    const effect = module.apply(value, packet, ctx, rule);
    if (module.name === 'TRACE') result.trace = true;
    if (module.name === 'CT' || module.name === 'NOTRACK') {
      result.notrack ||= (value as { notrack: boolean }).notrack;
    }
    if (module.name === 'LOG') result.logs.push({ prefix: (value as { prefix: string }).prefix, rule: hit });
    if (effect.kind === 'continue') continue;
    if (effect.kind === 'verdict') return finish(effect.verdict);
    if (effect.kind === 'reject') {
      result.reject = effect.with;
      return finish('DROP');
    }
    result.nat = effect.nat;
    return finish('ACCEPT');
  }
}
