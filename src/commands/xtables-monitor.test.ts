import { describe, expect, it } from 'vitest';
import { formatTraceEvent } from './xtables-monitor.ts';

// Expected lines as xtables-monitor 1.8.9 printed them on kernel 6.18 (tests/kernel/golden/netfilter-trace.txt).
describe('xtables-monitor --trace lines', () => {
  const base = { ns: {} as never, id: 0xbbe98d29, table: 'raw' as const };

  it('prints a received packet with its link-layer header, ether_ntoa style', () => {
    const line = formatTraceEvent({
      ...base,
      chain: 'PREROUTING',
      kind: 'packet',
      inDev: 'eth0',
      l2: {
        kind: 'ethernet',
        src: '6e:06:ec:ba:59:d6',
        dst: '22:de:1e:a2:87:23',
        ethertype: 0x0800,
        payload: { kind: 'raw', bytes: new Uint8Array(0) } as never,
      },
      packet: {
        kind: 'ipv4',
        src: 0x0a000001,
        dst: 0x0a000002,
        ttl: 64,
        id: 15763,
        tos: 0,
        df: true,
        protocol: 1,
        payload: { kind: 'icmp', type: 8, code: 0, id: 1, seq: 1, data: new Uint8Array(56) },
      },
    });
    expect(line).toBe(
      'PACKET: 2 bbe98d29 IN=eth0 MACSRC=6e:6:ec:ba:59:d6 MACDST=22:de:1e:a2:87:23 MACPROTO=0800 SRC=10.0.0.1 DST=10.0.0.2 LEN=84 TOS=0x0 TTL=64 ID=15763 DF \n',
    );
  });

  it('prints rules with their handle and verdict, and policies', () => {
    expect(
      formatTraceEvent({
        ...base,
        chain: 'PREROUTING',
        kind: 'rule',
        handle: 2,
        rule: '-A PREROUTING -p icmp -j TRACE',
        verdict: 'CONTINUE',
      }),
    ).toBe(' TRACE: 2 bbe98d29 raw:PREROUTING:rule:0x2:CONTINUE  -4 -t raw -A PREROUTING -p icmp -j TRACE\n');
    expect(formatTraceEvent({ ...base, chain: 'PREROUTING', kind: 'policy', verdict: 'ACCEPT' })).toBe(
      ' TRACE: 2 bbe98d29 raw:PREROUTING:policy:ACCEPT \n',
    );
  });
});
