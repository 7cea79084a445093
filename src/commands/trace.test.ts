import { describe, expect, it } from 'vitest';
import { LinuxHost } from '../machine/host.ts';
import { splitWords } from '../machine/script.ts';
import { formatTrace } from './trace.ts';

const SETUP = [
  'ip netns add c',
  'ip netns add r',
  'ip netns add s',
  'ip link add eth0 netns c type veth peer name vc netns r',
  'ip link add eth0 netns s type veth peer name vs netns r',
  'ip -n c addr add 10.0.1.2/24 dev eth0',
  'ip -n r addr add 10.0.1.1/24 dev vc',
  'ip -n r addr add 10.0.2.1/24 dev vs',
  'ip -n s addr add 10.0.2.2/24 dev eth0',
  'ip -n c link set eth0 up',
  'ip -n s link set eth0 up',
  'ip -n r link set vc up',
  'ip -n r link set vs up',
  'ip -n c route add default via 10.0.1.1',
  'ip -n s route add default via 10.0.2.1',
  'ip netns exec r sysctl -w net.ipv4.ip_forward=1',
  'ip netns exec r iptables -t nat -A PREROUTING -d 10.96.0.10/32 -p icmp -j DNAT --to-destination 10.0.2.2',
  'ip netns exec r iptables -t nat -A POSTROUTING -s 10.0.1.0/24 -o vs -j MASQUERADE',
];

describe('packet trace', () => {
  it('shows every hop, the rules hit and the address rewrites of a ping through a NAT router', () => {
    const host = new LinuxHost({ seed: 3 });
    for (const line of SETUP) expect(host.run(splitWords(line)).exitCode).toBe(0);
    host.kernel.stack.tracing = true;
    expect(host.run(splitWords('ip netns exec c ping -c 1 10.96.0.10')).exitCode).toBe(0);
    const names = new Map([...host.kernel.named].map(([name, ns]) => [ns, name]));
    const text = formatTrace(host.kernel.stack.trace, (ns) => names.get(ns) ?? 'root');
    const lines = text.split('\n');
    const find = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const sent = find(/ c +eth0 +tx +IP 10\.0\.1\.2 > 10\.96\.0\.10: ICMP echo request/);
    const rule = find(
      / r +nat\/PREROUTING#1 +rule +-A PREROUTING -d 10\.96\.0\.10\/32 -p icmp -j DNAT --to-destination 10\.0\.2\.2/,
    );
    const dnat = find(/ r +PREROUTING +nat +DNAT 10\.96\.0\.10 -> 10\.0\.2\.2/);
    const snat = find(/ r +POSTROUTING +nat +SNAT 10\.0\.1\.2 -> 10\.0\.2\.1/);
    const arrived = find(/ s +eth0 +rx +IP 10\.0\.2\.1 > 10\.0\.2\.2: ICMP echo request/);
    const back = find(/ c +eth0 +rx +IP 10\.96\.0\.10 > 10\.0\.1\.2: ICMP echo reply/);
    for (const index of [sent, rule, dnat, snat, arrived, back]) expect(index).toBeGreaterThanOrEqual(0);
    expect(sent).toBeLessThan(rule);
    expect(rule).toBeLessThan(dnat);
    expect(dnat).toBeLessThan(snat);
    expect(snat).toBeLessThan(arrived);
    expect(arrived).toBeLessThan(back);
  });
});
