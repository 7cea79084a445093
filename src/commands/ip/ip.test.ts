import { describe, expect, it } from 'vitest';
import { LinuxHost } from '../../machine/host.ts';
import { splitWords } from '../../machine/script.ts';

/** Runs lines on one host and returns the last line's output, with MACs and link-locals masked. */
function session(seed = 1) {
  const host = new LinuxHost({ seed });
  return (line: string) => {
    const r = host.run(splitWords(line));
    const mask = (s: string) =>
      s
        .replace(/([0-9a-f]{2}:){5}[0-9a-f]{2}/g, (m) =>
          m === '00:00:00:00:00:00' || m === 'ff:ff:ff:ff:ff:ff' ? m : 'MAC',
        )
        .replace(/fe80::[0-9a-f:]+/g, 'LL');
    return { out: mask(r.stdout), err: r.stderr, code: r.exitCode };
  };
}

describe('ip on the engine (expected texts taken from iproute2 6.1 on kernel 6.18)', () => {
  it('shows a fresh namespace: only lo, down', () => {
    const sh = session();
    expect(sh('ip a').out).toBe(
      '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n',
    );
    expect(sh('ip -br a').out).toBe('lo               DOWN           \n');
  });

  it('gives lo 127.0.0.1/8 and its local routes when it comes up', () => {
    const sh = session();
    sh('ip link set lo up');
    expect(sh('ip -br a').out).toBe('lo               UNKNOWN        127.0.0.1/8 ::1/128 \n');
    expect(sh('ip route show table local').out).toBe(
      [
        'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1 ',
        'local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 ',
        'broadcast 127.255.255.255 dev lo proto kernel scope link src 127.0.0.1 ',
        '',
      ].join('\n'),
    );
  });

  it('pairs veths across namespaces and adds connected routes only when up', () => {
    const sh = session();
    sh('ip netns add b');
    sh('ip link add v0 type veth peer name v1 netns b');
    sh('ip addr add 10.0.0.1/24 dev v0');
    expect(sh('ip route').out).toBe('');
    sh('ip link set v0 up');
    expect(sh('ip route').out).toBe('10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 linkdown \n');
    expect(sh('ip link show v0').out).toBe(
      '2: v0@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\n    link/ether MAC brd ff:ff:ff:ff:ff:ff link-netns b\n',
    );
    sh('ip -n b link set v1 up');
    expect(sh('ip route').out).toBe('10.0.0.0/24 dev v0 proto kernel scope link src 10.0.0.1 \n');
    expect(sh('ip route get 10.0.0.2').out).toBe('10.0.0.2 dev v0 src 10.0.0.1 uid 0 \n    cache \n');
  });

  it('orders primaries before secondaries like the kernel', () => {
    const sh = session();
    sh('ip link add d0 type veth peer name d1');
    for (const a of ['10.0.0.1/24', '10.0.0.5', '10.0.0.6/24', '192.168.9.1/32 noprefixroute'])
      sh(`ip addr add ${a} dev d0`);
    expect(sh('ip -o -4 a').out).toBe(
      [
        '3: d0    inet 10.0.0.1/24 scope global d0\\       valid_lft forever preferred_lft forever',
        '3: d0    inet 10.0.0.5/32 scope global d0\\       valid_lft forever preferred_lft forever',
        '3: d0    inet 192.168.9.1/32 scope global noprefixroute d0\\       valid_lft forever preferred_lft forever',
        '3: d0    inet 10.0.0.6/24 scope global secondary d0\\       valid_lft forever preferred_lft forever',
        '',
      ].join('\n'),
    );
  });

  it('reports errors with the real messages and statuses', () => {
    const sh = session();
    expect(sh('ip link set eth9 up')).toMatchObject({ err: 'Cannot find device "eth9"\n', code: 1 });
    expect(sh('ip addr add 10.0.0.300/24 dev lo')).toMatchObject({
      err: 'Error: any valid prefix is expected rather than "10.0.0.300/24".\n',
      code: 1,
    });
    expect(sh('ip foo')).toMatchObject({ err: 'Object "foo" is unknown, try "ip help".\n', code: 1 });
    expect(sh('ip link foo')).toMatchObject({ err: 'Command "foo" is unknown, try "ip link help".\n', code: 255 });
    expect(sh('ip route get 8.8.8.8')).toMatchObject({ err: 'RTNETLINK answers: Network is unreachable\n', code: 2 });
    expect(sh('ip link add x type foo')).toMatchObject({ err: 'Error: Unknown device type.\n', code: 2 });
    sh('ip link add v0 type veth peer name v1');
    expect(sh('ip link add v0 type veth peer name zz')).toMatchObject({
      err: 'RTNETLINK answers: File exists\n',
      code: 2,
    });
  });
});

describe('ping on the engine', () => {
  it('routes through a forwarding namespace only when ip_forward is on', () => {
    const sh = session();
    for (const line of [
      'ip netns add a',
      'ip netns add b',
      'ip netns add r',
      'ip link add va type veth peer name ra netns r',
      'ip link set va netns a',
      'ip link add vb type veth peer name rb netns r',
      'ip link set vb netns b',
      'ip -n a addr add 10.1.0.2/24 dev va',
      'ip -n a link set va up',
      'ip -n r addr add 10.1.0.1/24 dev ra',
      'ip -n r addr add 10.2.0.1/24 dev rb',
      'ip -n r link set ra up',
      'ip -n r link set rb up',
      'ip -n b addr add 10.2.0.2/24 dev vb',
      'ip -n b link set vb up',
      'ip -n a route add default via 10.1.0.1',
      'ip -n b route add default via 10.2.0.1',
    ])
      expect(sh(line).code).toBe(0);
    const blocked = sh('ip netns exec a ping -c 2 -W 1 10.2.0.2');
    expect(blocked.code).toBe(1);
    expect(blocked.out).toContain('2 packets transmitted, 0 received, 100% packet loss');
    sh('ip netns exec r sysctl -w net.ipv4.ip_forward=1');
    const ok = sh('ip netns exec a ping -c 2 -i 0.2 10.2.0.2');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(
      /^PING 10\.2\.0\.2 \(10\.2\.0\.2\) 56\(84\) bytes of data\.\n64 bytes from 10\.2\.0\.2: icmp_seq=1 ttl=63 time=/,
    );
    expect(sh('ip -n b neigh').out).toBe('10.2.0.1 dev vb lladdr MAC DELAY \n');
    expect(sh('ip netns exec a ping -c 1 -W 1 10.9.9.9').code).toBe(1);
    sh('ip -n a route del default');
    expect(sh('ip netns exec a ping -c 1 10.2.0.2')).toMatchObject({
      err: 'ping: connect: Network is unreachable\n',
      code: 2,
    });
  });
});
