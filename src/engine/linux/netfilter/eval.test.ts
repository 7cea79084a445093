import { describe, expect, it } from 'vitest';
import { evaluate } from './eval.ts';
import { ruleSpec } from './format.ts';
import { createNetfilterState, ensureTable, insertRule, newChain } from './state.ts';
import type { NfPacket, Rule, RuleTarget } from './types.ts';

function rule(target: RuleTarget | undefined, extra: Partial<Rule> = {}): Rule {
  const r: Rule = { matches: [], counters: { packets: 0, bytes: 0 }, spec: '', ...extra };
  if (target) r.target = target;
  r.spec = ruleSpec(r);
  return r;
}

const packet = (over: Partial<NfPacket> = {}): NfPacket => ({
  src: 0x0a000001,
  dst: 0x0a000002,
  proto: 6,
  sport: 40000,
  dport: 80,
  mark: 0,
  length: 60,
  ctState: 'NEW',
  srcType: 'UNICAST',
  dstType: 'LOCAL',
  ...over,
});

const env = { now: 0, random: () => 0.5 };

describe('evaluate', () => {
  it('applies the policy when no rule decides, leaving its counters as nf_tables does', () => {
    const state = createNetfilterState();
    const table = ensureTable(state, 'filter');
    const input = table.chains.get('INPUT');
    if (!input) throw new Error('no INPUT');
    input.policy = 'DROP';
    insertRule(table, input, rule(undefined, { proto: { num: 17, invert: false } }));
    const result = evaluate(state, 'filter', 'INPUT', packet(), env);
    expect(result).toMatchObject({ verdict: 'DROP', byPolicy: true, hits: [] });
    expect(input.counters).toEqual({ packets: 0, bytes: 0 });
  });

  it('jumps, returns, and goes to without coming back', () => {
    const state = createNetfilterState();
    const table = ensureTable(state, 'filter');
    newChain(table, 'A');
    newChain(table, 'B');
    const chain = (name: string) => table.chains.get(name) ?? (undefined as never);
    insertRule(table, chain('INPUT'), rule({ kind: 'chain', name: 'A', goto: false }));
    insertRule(table, chain('INPUT'), rule({ kind: 'verdict', name: 'DROP' }));
    insertRule(table, chain('A'), rule({ kind: 'chain', name: 'B', goto: true }));
    insertRule(table, chain('A'), rule({ kind: 'verdict', name: 'ACCEPT' }));
    insertRule(table, chain('B'), rule({ kind: 'verdict', name: 'RETURN' }));
    const result = evaluate(state, 'filter', 'INPUT', packet(), env);
    // B's RETURN goes back past A (entered by goto) to INPUT's second rule.
    expect(result.verdict).toBe('DROP');
    expect(result.hits.map((h) => `${h.chain}#${h.index}`)).toEqual(['INPUT#1', 'A#1', 'B#1', 'INPUT#2']);
    expect(chain('A').rules[1]?.counters.packets).toBe(0);
  });

  it('matches interface wildcards and inverted addresses', () => {
    const state = createNetfilterState();
    const table = ensureTable(state, 'filter');
    const forward = table.chains.get('FORWARD') ?? (undefined as never);
    insertRule(
      table,
      forward,
      rule(
        { kind: 'verdict', name: 'ACCEPT' },
        { inIface: { name: 'cali+', invert: false }, src: { addr: 0x0a000000, mask: 0xff000000, invert: true } },
      ),
    );
    expect(evaluate(state, 'filter', 'FORWARD', packet({ inIface: 'cali123' }), env).byPolicy).toBe(true);
    expect(
      evaluate(state, 'filter', 'FORWARD', packet({ inIface: 'cali123', src: 0xc0a80001 }), env).hits,
    ).toHaveLength(1);
    expect(evaluate(state, 'filter', 'FORWARD', packet({ inIface: 'eth0', src: 0xc0a80001 }), env).hits).toHaveLength(
      0,
    );
  });
});
