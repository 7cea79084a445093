/**
 * How iptables 1.8.9 prints rules: `iptables -L` (columns, counters with K/M/G, names without -n),
 * `iptables -S` and iptables-save.
 */

import { matchPart, protoName, targetName, targetPart } from '../../engine/linux/netfilter/format.ts';
import { BUILTIN_CHAINS, sortedChains } from '../../engine/linux/netfilter/state.ts';
import type { Chain, Rule, Table } from '../../engine/linux/netfilter/types.ts';
import { addrName } from '../../engine/linux/netfilter/values.ts';

export interface ListFormat {
  numeric: boolean;
  verbose: boolean;
  exact: boolean;
  lineNumbers: boolean;
}

/** xtables_print_num: `%5llu`, or scaled by 1000 with K/M/G/T while it is over 4 digits. */
function counter(n: number, f: ListFormat, table: boolean): string {
  if (f.exact) return table ? `${String(n).padStart(8)} ` : `${n} `;
  if (n <= 99999) return table ? `${String(n).padStart(5)} ` : `${n} `;
  let value = BigInt(Math.round(n));
  for (const suffix of ['K', 'M', 'G']) {
    value = (value + 500n) / 1000n;
    if (value <= 9999n) return table ? `${String(value).padStart(4)}${suffix} ` : `${value}${suffix} `;
  }
  value = (value + 500n) / 1000n;
  return table ? `${String(value).padStart(4)}T ` : `${value}T `;
}

function chainHeader(table: Table, chain: Chain, f: ListFormat): string {
  if (chain.policy) {
    const counts = f.verbose
      ? ` ${counter(chain.counters.packets, f, false)}packets, ${counter(chain.counters.bytes, f, false)}bytes`
      : '';
    return `Chain ${chain.name} (policy ${chain.policy}${counts})\n`;
  }
  return `Chain ${chain.name} (${table.refs.get(chain.name) ?? 0} references)\n`;
}

function columnHeader(f: ListFormat): string {
  let out = f.lineNumbers ? 'num  ' : '';
  if (f.verbose) out += f.exact ? '    pkts      bytes ' : ' pkts bytes ';
  out += 'target     prot opt';
  if (f.verbose) out += ' in     out    ';
  return `${out} ${'source'.padEnd(19)}  ${'destination'.padEnd(19)} \n`;
}

function row(rule: Rule, num: number, f: ListFormat): string {
  let out = f.lineNumbers ? `${String(num).padEnd(4)} ` : '';
  if (f.verbose) out += counter(rule.counters.packets, f, true) + counter(rule.counters.bytes, f, true);
  out += `${targetName(rule).padEnd(9)} `;
  const proto = rule.proto;
  const protoText = proto
    ? f.numeric
      ? String(proto.num)
      : (protoName(proto.num) ?? String(proto.num))
    : f.numeric
      ? '0'
      : 'all';
  out += `${proto?.invert ? '!' : ' '}${protoText.padEnd(5)}-- `;
  if (f.verbose) {
    const iface = (m: Rule['inIface']) => (m ? `${m.invert ? '!' : ''}${m.name}` : f.numeric ? '*' : 'any');
    out += ` ${iface(rule.inIface).padEnd(6)} ${iface(rule.outIface).padEnd(6)} `;
  }
  const addr = (m: Rule['src']) =>
    `${m?.invert ? '!' : ' '}${m ? addrName(m.addr, m.mask, f.numeric) : f.numeric ? '0.0.0.0/0' : 'anywhere'}`;
  out += `${addr(rule.src).padEnd(20)} ${addr(rule.dst).padEnd(20)} `;
  if (rule.target?.kind === 'chain' && rule.target.goto) out += '[goto] ';
  for (const m of rule.matches) out += m.module.list(m.value, f.numeric, rule);
  if (rule.target?.kind === 'module') out += rule.target.target.module.list(rule.target.target.value, f.numeric, rule);
  return `${out}\n`;
}

/** The line `iptables -v -A …` (and -I, -R, -D, -C) prints for the rule it was given. */
export function verboseRule(rule: Rule): string {
  const proto = rule.proto ? (protoName(rule.proto.num) ?? String(rule.proto.num)) : 'all';
  const iface = (m: Rule['inIface']) => (m ? `${m.invert ? '!' : ''}${m.name}` : '*');
  const addr = (m: Rule['src']) => (m ? addrName(m.addr, m.mask, true) : '0.0.0.0/0');
  let out = `${targetName(rule)} ${rule.proto?.invert ? '!' : ' '}${proto} opt -- in ${iface(rule.inIface)} out ${iface(
    rule.outIface,
  )} ${rule.src?.invert ? '!' : ' '}${addr(rule.src)}  -> ${rule.dst?.invert ? '!' : ''}${addr(rule.dst)}  `;
  if (rule.target?.kind === 'chain' && rule.target.goto) out += '[goto] ';
  for (const m of rule.matches) out += m.module.list(m.value, true, rule);
  if (rule.target?.kind === 'module') out += rule.target.target.module.list(rule.target.target.value, true, rule);
  return `${out}\n`;
}

/** One rule's row of `iptables -L CHAIN N` (no headings). */
export function listRow(rule: Rule, num: number, f: ListFormat): string {
  return row(rule, num, f);
}

/** One chain as `iptables -L CHAIN` prints it (no trailing blank line). */
export function listChain(table: Table, chain: Chain, f: ListFormat): string {
  let out = chainHeader(table, chain, f) + columnHeader(f);
  chain.rules.forEach((rule, k) => {
    out += row(rule, k + 1, f);
  });
  return out;
}

/** Every chain, separated by blank lines. */
export function listTable(table: Table, f: ListFormat): string {
  return sortedChains(table)
    .map((chain) => listChain(table, chain, f))
    .join('\n');
}

function ruleLine(chain: string, rule: Rule, counters: boolean): string {
  if (!counters) return rule.spec ? `-A ${chain} ${rule.spec}` : `-A ${chain}`;
  const parts = [`-A ${chain}`];
  const m = matchPart(rule);
  if (m) parts.push(m);
  parts.push(`-c ${rule.counters.packets} ${rule.counters.bytes}`);
  const t = targetPart(rule);
  if (t) parts.push(t);
  return parts.join(' ');
}

/** `iptables -S [CHAIN [N]]`. */
export function listRules(table: Table, chains: Chain[], counters: boolean, rulenum?: number): string {
  let out = '';
  if (rulenum !== undefined) {
    const chain = chains[0];
    const rule = chain?.rules[rulenum - 1];
    return chain && rule ? `${ruleLine(chain.name, rule, counters)}\n` : '';
  }
  for (const chain of chains) {
    if (chain.policy) {
      const c = counters ? ` -c ${chain.counters.packets} ${chain.counters.bytes}` : '';
      out += `-P ${chain.name} ${chain.policy}${c}\n`;
    } else {
      out += `-N ${chain.name}\n`;
    }
  }
  for (const chain of chains) for (const rule of chain.rules) out += `${ruleLine(chain.name, rule, counters)}\n`;
  void table;
  return out;
}

/** One table as iptables-save prints it, between its header and footer lines. */
export function saveTable(table: Table, counters: boolean): string {
  const chains = sortedChains(table);
  let out = `*${table.name}\n`;
  for (const chain of chains) {
    const c = chain.counters;
    out += `:${chain.name} ${chain.policy ?? '-'} [${chain.policy ? c.packets : 0}:${chain.policy ? c.bytes : 0}]\n`;
  }
  for (const chain of chains) {
    for (const rule of chain.rules) {
      const prefix = counters ? `[${rule.counters.packets}:${rule.counters.bytes}] ` : '';
      out += `${prefix}-A ${chain.name}${rule.spec ? ` ${rule.spec}` : ''}\n`;
    }
  }
  return `${out}COMMIT\n`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ctime(3) without its newline, in UTC: `Sun Nov 22 22:36:02 2026`. */
export function ctime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${two(
    d.getUTCHours(),
  )}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

export { BUILTIN_CHAINS };
