/**
 * A rule as iptables-save and `iptables -S` print it. The same text is how iptables -C and -D
 * decide that two rules are equal, so it is computed once per rule and kept in `rule.spec`.
 */
import { protocolName } from './netdb.ts';
import type { Rule } from './types.ts';
import { saveAddr } from './values.ts';

/** libxtables' own protocol names, looked up before /etc/protocols. */
const CHAIN_PROTOS: ReadonlyMap<number, string> = new Map([
  [6, 'tcp'],
  [132, 'sctp'],
  [17, 'udp'],
  [136, 'udplite'],
  [1, 'icmp'],
  [58, 'icmpv6'],
  [50, 'esp'],
  [51, 'ah'],
  [135, 'mh'],
  [0, 'all'],
]);

/** The protocol's name as iptables prints it without -n; undefined leaves it numeric. */
export function protoName(num: number): string | undefined {
  return CHAIN_PROTOS.get(num) ?? protocolName(num);
}

/** Addresses, interfaces, protocol and matches: everything before the target. */
export function matchPart(rule: Rule): string {
  const parts: string[] = [];
  const inv = (flag: boolean) => (flag ? '! ' : '');
  if (rule.src) parts.push(`${inv(rule.src.invert)}-s ${saveAddr(rule.src.addr, rule.src.mask)}`);
  if (rule.dst) parts.push(`${inv(rule.dst.invert)}-d ${saveAddr(rule.dst.addr, rule.dst.mask)}`);
  if (rule.inIface) parts.push(`${inv(rule.inIface.invert)}-i ${rule.inIface.name}`);
  if (rule.outIface) parts.push(`${inv(rule.outIface.invert)}-o ${rule.outIface.name}`);
  if (rule.proto) parts.push(`${inv(rule.proto.invert)}-p ${protoName(rule.proto.num) ?? rule.proto.num}`);
  for (const m of rule.matches) parts.push(`-m ${m.module.name}${m.module.save(m.value)}`);
  return parts.join(' ');
}

/** `-j TARGET …` or `-g CHAIN`; empty for a rule without a target. */
export function targetPart(rule: Rule): string {
  const t = rule.target;
  if (!t) return '';
  if (t.kind === 'verdict') return `-j ${t.name}`;
  if (t.kind === 'chain') return `${t.goto ? '-g' : '-j'} ${t.name}`;
  return `-j ${t.target.module.name}${t.target.module.save(t.target.value)}`;
}

export function ruleSpec(rule: Rule): string {
  const m = matchPart(rule);
  const t = targetPart(rule);
  return m && t ? `${m} ${t}` : m || t;
}

/** The target column of `iptables -L`. */
export function targetName(rule: Rule): string {
  const t = rule.target;
  if (!t) return '';
  if (t.kind === 'module') return t.target.module.listName ?? t.target.module.name;
  return t.name;
}
