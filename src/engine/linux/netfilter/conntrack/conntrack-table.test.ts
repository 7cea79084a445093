import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../../wire/addr.ts';
import { ConntrackTable, type CtPacket } from './conntrack-table.ts';

const ip = (t: string) => parseIpv4(t) ?? 0;
const POD = ip('10.244.0.2');
const SVC = ip('10.96.0.20');
const BACKEND = ip('10.244.1.2');

function syn(src: number, dst: number, sport: number, dport: number): CtPacket {
  return { proto: 6, src, dst, sport, dport, tcpFlags: { syn: true } };
}

describe('ConntrackTable', () => {
  it('classifies packets for --ctstate and follows the TCP handshake', () => {
    const ct = new ConntrackTable();
    const first = ct.track(syn(POD, BACKEND, 40000, 6379), 0);
    expect(first.state).toBe('NEW');
    if (!first.entry) throw new Error('no entry');
    expect(ct.confirm(first.entry, 0)).toBe(true);
    expect(ct.track(syn(POD, BACKEND, 40000, 6379), 5).state).toBe('NEW');
    const synack = ct.track(
      { proto: 6, src: BACKEND, dst: POD, sport: 6379, dport: 40000, tcpFlags: { syn: true, ack: true } },
      10,
    );
    expect(synack).toMatchObject({ dir: 'reply', state: 'ESTABLISHED' });
    expect(first.entry.tcpState).toBe('SYN_RECV');
    expect(
      ct.track({ proto: 6, src: POD, dst: BACKEND, sport: 40000, dport: 6379, tcpFlags: { ack: true } }, 20).state,
    ).toBe('ESTABLISHED');
    expect(first.entry).toMatchObject({ tcpState: 'ESTABLISHED', assured: true, expires: 20 + 432000 * 1000 });
    // A SYN/ACK from the client side is not in the table's vocabulary.
    const bad = ct.track(
      { proto: 6, src: POD, dst: BACKEND, sport: 40000, dport: 6379, tcpFlags: { syn: true, ack: true } },
      30,
    );
    expect(bad.state).toBe('INVALID');
  });

  it('rewrites both directions of a DNATed connection and finds it by either tuple', () => {
    const ct = new ConntrackTable();
    const v = ct.track(syn(POD, SVC, 35404, 6379), 0);
    if (!v.entry) throw new Error('no entry');
    ct.bindNat(v.entry, { dnat: { addr: BACKEND, port: 6379 } });
    ct.confirm(v.entry, 0);
    const out = ct.rewrite(v.entry, 'original');
    expect([formatIpv4(out.dst), out.dport]).toEqual(['10.244.1.2', 6379]);
    const reply = ct.lookup({ proto: 6, src: BACKEND, dst: POD, sport: 6379, dport: 35404 });
    expect(reply?.dir).toBe('reply');
    if (!reply) throw new Error('no reply');
    const back = ct.rewrite(reply.entry, 'reply');
    expect([formatIpv4(back.src), back.sport]).toEqual(['10.96.0.20', 6379]);
  });

  it('marks ICMP errors RELATED and unknown ones INVALID', () => {
    const ct = new ConntrackTable();
    const u = ct.track({ proto: 17, src: POD, dst: BACKEND, sport: 5000, dport: 53 }, 0);
    if (!u.entry) throw new Error('no entry');
    ct.confirm(u.entry, 0);
    const quoted: CtPacket = { proto: 17, src: POD, dst: BACKEND, sport: 5000, dport: 53 };
    const err: CtPacket = { proto: 1, src: BACKEND, dst: POD, icmpType: 3, icmpCode: 3, quoted };
    expect(ct.track(err, 1).state).toBe('RELATED');
    expect(ct.track({ ...err, quoted: { ...quoted, sport: 5001 } }, 1).state).toBe('INVALID');
  });

  it('makes a UDP flow a stream only when replies keep coming after two seconds', () => {
    const ct = new ConntrackTable();
    const q: CtPacket = { proto: 17, src: POD, dst: BACKEND, sport: 5000, dport: 53 };
    const r: CtPacket = { proto: 17, src: BACKEND, dst: POD, sport: 53, dport: 5000 };
    const v = ct.track(q, 0);
    if (!v.entry) throw new Error('no entry');
    ct.confirm(v.entry, 0);
    ct.track(r, 100);
    expect(v.entry).toMatchObject({ seenReply: true, assured: false, expires: 100 + 30000 });
    ct.track(q, 2500);
    expect(v.entry).toMatchObject({ assured: true, expires: 2500 + 120000 });
  });

  it('expires entries on the virtual clock with a DESTROY event', () => {
    const ct = new ConntrackTable();
    const seen: string[] = [];
    ct.onEvent((e) => seen.push(`${e.type} ${e.timeout}`));
    const v = ct.track({ proto: 1, src: POD, dst: BACKEND, icmpType: 8, icmpCode: 0, icmpId: 7 }, 0);
    if (!v.entry) throw new Error('no entry');
    ct.confirm(v.entry, 0);
    expect(ct.entries(29999)).toHaveLength(1);
    expect(ct.entries(30000)).toHaveLength(0);
    expect(seen).toEqual(['NEW 30', 'DESTROY 0']);
  });

  it('evicts an unassured entry when nf_conntrack_max is reached, and drops when all are assured', () => {
    const ct = new ConntrackTable({ max: 2 });
    const start = (sport: number) => {
      const v = ct.track({ proto: 17, src: POD, dst: BACKEND, sport, dport: 53 }, 0);
      if (!v.entry) throw new Error('no entry');
      return v.entry;
    };
    const a = start(1);
    ct.confirm(a, 0);
    const b = start(2);
    ct.confirm(b, 0);
    expect(ct.confirm(start(3), 0)).toBe(true);
    expect(ct.entries(0).map((e) => e.orig.sport)).toEqual([2, 3]);
    for (const e of ct.entries(0)) e.assured = true;
    expect(ct.confirm(start(4), 0)).toBe(false);
    expect(ct.drops).toBe(1);
  });

  it('tracks other protocols with the generic timeout', () => {
    const ct = new ConntrackTable();
    const v = ct.track({ proto: 4, src: ip('192.168.57.11'), dst: ip('192.168.57.12') }, 0);
    if (!v.entry) throw new Error('no entry');
    ct.confirm(v.entry, 0);
    expect(v.entry.expires).toBe(600000);
  });
});
