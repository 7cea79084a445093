// A packet walk through rules loaded the way kube-proxy loads them: the chain walk must reach the
// DNAT that real kube-proxy rules reach, honour statistic and recent, and raise counters.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../engine/linux/netfilter/eval.ts';
import { addNfacctObject, createNetfilterState } from '../../engine/linux/netfilter/state.ts';
import type { NetfilterState, NfPacket } from '../../engine/linux/netfilter/types.ts';
import { formatIpv4, parseIpv4 } from '../../engine/wire/addr.ts';
import { runIptables } from './iptables.ts';
import { runIptablesRestore } from './restore.ts';

const overall = (
  JSON.parse(
    readFileSync(new URL('../../engine/linux/netfilter/fixtures/kube-proxy-observed.json', import.meta.url), 'utf8'),
  ) as { name: string; restore: string }[]
).find((c) => c.name === 'current-overall-iptables-rules');

function loaded(): NetfilterState {
  const state = createNetfilterState();
  addNfacctObject(state, 'ct_state_invalid_dropped_pkts');
  addNfacctObject(state, 'localhost_nps_accepted_pkts');
  runIptables(['iptables', '-t', 'nat', '-N', 'KUBE-SERVICES'], state, { now: 0 });
  runIptables(['iptables', '-t', 'nat', '-A', 'PREROUTING', '-j', 'KUBE-SERVICES'], state, { now: 0 });
  const out = runIptablesRestore(['iptables-restore', '--noflush'], overall?.restore ?? '', state, { now: 0 });
  expect(out.stderr).toBe('');
  return state;
}

function ip(text: string): number {
  const addr = parseIpv4(text);
  if (addr === null) throw new Error(text);
  return addr;
}

const syn = (src: string, dst: string, dport: number): NfPacket => ({
  src: ip(src),
  dst: ip(dst),
  proto: 6,
  sport: 43210,
  dport,
  mark: 0,
  length: 60,
  ctState: 'NEW',
  srcType: 'UNICAST',
  dstType: 'UNICAST',
  inIface: 'eth0',
});

describe('nat PREROUTING walk over kube-proxy rules', () => {
  it('DNATs a pod connection to a ClusterIP without masquerade', () => {
    const state = loaded();
    const result = evaluate(state, 'nat', 'PREROUTING', syn('10.0.0.5', '172.30.0.41', 80), {
      now: 0,
      random: () => 0,
    });
    expect(result.hits.map((h) => h.chain)).toEqual([
      'PREROUTING',
      'KUBE-SERVICES',
      'KUBE-SVC-XPGD46QRK7WJZT7O',
      'KUBE-SEP-SXIVWICOYRO3J4NJ',
    ]);
    expect(result.nat?.type).toBe('DNAT');
    expect(formatIpv4(result.nat?.minAddr ?? 0)).toBe('10.180.0.1');
    expect(result.nat?.minPort).toBe(80);
    expect(result.mark).toBe(0);
    const list = runIptables(['iptables', '-t', 'nat', '-L', 'KUBE-SEP-SXIVWICOYRO3J4NJ', '-n', '-v'], state, {
      now: 0,
    });
    expect(list.stdout).toContain('    1    60 DNAT       6    --  *      *       0.0.0.0/0');
  });

  it('marks traffic from outside the cluster CIDR for masquerade', () => {
    const state = loaded();
    const result = evaluate(state, 'nat', 'PREROUTING', syn('192.168.5.5', '172.30.0.41', 80), {
      now: 0,
      random: () => 0,
    });
    expect(result.mark).toBe(0x4000);
    expect(result.hits.map((h) => h.chain)).toContain('KUBE-MARK-MASQ');
  });

  it('spreads over endpoints with statistic and pins with recent', () => {
    const state = loaded();
    const dnat = (src: string, dst: string, r: number) =>
      formatIpv4(
        evaluate(state, 'nat', 'PREROUTING', syn(src, dst, 80), { now: 1000, random: () => r }).nat?.minAddr ?? 0,
      );
    expect(dnat('10.0.0.5', '172.30.0.44', 0.2)).toBe('10.180.0.4');
    expect(dnat('10.0.0.5', '172.30.0.44', 0.7)).toBe('10.180.0.5');
    // svc5 has ClientIP affinity: the first connection sets the recent entry, the second hits --rcheck.
    const first = evaluate(state, 'nat', 'PREROUTING', syn('10.0.0.9', '172.30.0.45', 80), {
      now: 1000,
      random: () => 0,
    });
    expect(first.hits.map((h) => `${h.chain}#${h.index}`)).toContain('KUBE-SVC-NUKIZ6OKUXPJNT4C#3');
    const second = evaluate(state, 'nat', 'PREROUTING', syn('10.0.0.9', '172.30.0.45', 80), {
      now: 2000,
      random: () => 0,
    });
    expect(second.hits.map((h) => `${h.chain}#${h.index}`)).toContain('KUBE-SVC-NUKIZ6OKUXPJNT4C#2');
    const late = evaluate(state, 'nat', 'PREROUTING', syn('10.0.0.9', '172.30.0.45', 80), {
      now: 2000 + 10_801_000,
      random: () => 0,
    });
    expect(late.hits.map((h) => `${h.chain}#${h.index}`)).toContain('KUBE-SVC-NUKIZ6OKUXPJNT4C#3');
  });
});
