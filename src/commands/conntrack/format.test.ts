import { describe, expect, it } from 'vitest';
import { ConntrackTable } from '../../engine/linux/netfilter/conntrack/conntrack-table.ts';
import { parseIpv4 } from '../../engine/wire/addr.ts';
import { procNfConntrack } from './format.ts';
import { runConntrack } from './index.ts';

const ip = (t: string) => parseIpv4(t) ?? 0;

describe('conntrack formats from the reference captures', () => {
  it('prints an IPIP (generic) flow like conntrack-L.calico-node.txt', () => {
    const table = new ConntrackTable();
    const a = ip('192.168.57.11');
    const b = ip('192.168.57.12');
    const v = table.track({ proto: 4, src: a, dst: b }, 0);
    if (!v.entry) throw new Error('no entry');
    table.confirm(v.entry, 0);
    table.track({ proto: 4, src: b, dst: a }, 0);
    const out = runConntrack(['-L'], { table, now: 1500 });
    expect(out.stdout).toBe(
      'unknown  4 598 src=192.168.57.11 dst=192.168.57.12 src=192.168.57.12 dst=192.168.57.11 mark=0 use=1\n',
    );
  });

  it('prints a DNATed ESTABLISHED flow like cat-proc-net-nf_conntrack.txt', () => {
    const table = new ConntrackTable();
    const pod = ip('10.244.0.2');
    const backend = ip('10.244.1.2');
    const v = table.track(
      { proto: 6, src: pod, dst: ip('10.96.0.20'), sport: 35404, dport: 6379, tcpFlags: { syn: true } },
      0,
    );
    if (!v.entry) throw new Error('no entry');
    table.bindNat(v.entry, { dnat: { addr: backend, port: 6379 } });
    table.confirm(v.entry, 0);
    table.track({ proto: 6, src: backend, dst: pod, sport: 6379, dport: 35404, tcpFlags: { syn: true, ack: true } }, 0);
    table.track({ proto: 6, src: pod, dst: ip('10.96.0.20'), sport: 35404, dport: 6379, tcpFlags: { ack: true } }, 0);
    expect(procNfConntrack(table.entries(1500), 1500)).toBe(
      'ipv4     2 tcp      6 431998 ESTABLISHED src=10.244.0.2 dst=10.96.0.20 sport=35404 dport=6379 src=10.244.1.2 dst=10.244.0.2 sport=6379 dport=35404 [ASSURED] mark=0 zone=0 use=2\n',
    );
    expect(runConntrack(['-L', '-d', '10.96.0.20'], { table, now: 1500 })).toEqual({
      stdout:
        'tcp      6 431998 ESTABLISHED src=10.244.0.2 dst=10.96.0.20 sport=35404 dport=6379 src=10.244.1.2 dst=10.244.0.2 sport=6379 dport=35404 [ASSURED] mark=0 use=1\n',
      stderr: 'conntrack v1.4.7 (conntrack-tools): 1 flow entries have been shown.\n',
      exitCode: 0,
    });
  });
});
