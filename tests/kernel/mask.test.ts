import { describe, expect, it } from 'vitest';
import { eui64ToMac, MASK_RULES, macsIn, maskedTranscript, maskTranscript, sortUnordered } from './mask.ts';

const mask = (text: string, script = '') => maskTranscript(text, script);

describe('MASK_RULES', () => {
  it('every rule says why and has at least one capturing group', () => {
    for (const rule of MASK_RULES) {
      expect(rule.why.length, rule.name).toBeGreaterThan(10);
      expect(new RegExp(`${rule.pattern.source}|`).exec('')?.length, rule.name).toBeGreaterThan(1);
    }
  });

  it('rule names are unique', () => {
    expect(new Set(MASK_RULES.map((rule) => rule.name)).size).toBe(MASK_RULES.length);
  });
});

describe('MACs', () => {
  it('numbers distinct MACs in order of first appearance and repeats the number for the same MAC', () => {
    const text =
      'link/ether b2:3c:12:e9:a6:db brd ff:ff:ff:ff:ff:ff\nlladdr fa:d3:b9:00:ac:15\nb2:3c:12:e9:a6:db > x\n';
    expect(mask(text)).toBe('link/ether <mac1> brd ff:ff:ff:ff:ff:ff\nlladdr <mac2>\n<mac1> > x\n');
  });

  it('keeps zero, broadcast and multicast MACs and MACs written in the script', () => {
    const text =
      '00:00:00:00:00:00 ff:ff:ff:ff:ff:ff 33:33:00:00:00:01 01:00:5e:00:00:01 ee:ee:ee:ee:ee:ee 0a:00:00:00:00:01';
    expect(mask(text, 'ip link set cali1 address EE:EE:EE:EE:EE:EE')).toBe(
      '00:00:00:00:00:00 ff:ff:ff:ff:ff:ff 33:33:00:00:00:01 01:00:5e:00:00:01 ee:ee:ee:ee:ee:ee <mac1>',
    );
  });

  it('gives an EUI-64 link-local address the number of its MAC', () => {
    const text =
      'link/ether b2:3c:12:e9:a6:db\ninet6 fe80::b03c:12ff:fee9:a6db/64 scope link\nfe80::f8d3:b9ff:fe00:ac15\n';
    expect(mask(text)).toBe('link/ether <mac1>\ninet6 fe80::<mac1-eui64>/64 scope link\nfe80::<mac2-eui64>\n');
  });

  it('derives MACs from compressed EUI-64 interface ids', () => {
    expect(eui64ToMac('b03c:12ff:fee9:a6db')).toBe('b2:3c:12:e9:a6:db');
    expect(eui64ToMac('ff:fe00:13')).toBe('02:00:00:00:00:13');
    expect(eui64ToMac('c7a:4cff:fe11:1')).toBe('0e:7a:4c:11:00:01');
    expect(mask('fe80::ff:fe00:13/64', '02:00:00:00:00:13')).toBe('fe80::ff:fe00:13/64');
  });

  it('maps bridge ids, padded or not, to the bridge MAC', () => {
    const text =
      'link/ether 0e:14:16:a2:d5:bd\nbridge_id 8000.e:14:16:a2:d5:bd designated_root 8000.e:14:16:a2:d5:bd\n' +
      'br0\t\t8000.0e1416a2d5bd\tno\t\tp1\n';
    expect(mask(text)).toBe(
      'link/ether <mac1>\nbridge_id 8000.<mac1> designated_root 8000.<mac1>\nbr0\t\t8000.<mac1>\tno\t\tp1\n',
    );
  });

  it('maps solicited-node multicast MACs to the MAC they come from', () => {
    const text = 'link/ether 5e:21:89:d4:d1:1d\n33:33:ff:d4:d1:1d dev br0 self permanent\n33:33:ff:00:00:13 dev p1\n';
    expect(mask(text, 'address 02:00:00:00:00:13')).toBe(
      'link/ether <mac1>\n33:33:ff:<mac1-low24> dev br0 self permanent\n33:33:ff:00:00:13 dev p1\n',
    );
  });

  it('finds the MACs of a script', () => {
    expect([...macsIn('ip neigh replace 10.244.1.0 lladdr 0E:7A:4C:11:00:02\n# ee:ee:ee:ee:ee:ee')]).toEqual([
      '0e:7a:4c:11:00:02',
      'ee:ee:ee:ee:ee:ee',
    ]);
  });
});

describe('ping', () => {
  it('masks round-trip times, the total time and the ICMP id, keeping everything else', () => {
    const text = [
      'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.',
      '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.345 ms',
      '64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=12.1 ms',
      '',
      '--- 10.0.0.2 ping statistics ---',
      '2 packets transmitted, 2 received, 0% packet loss, time 1001ms',
      'rtt min/avg/max/mdev = 0.050/0.197/0.345/0.147 ms',
      '',
    ].join('\n');
    expect(mask(text)).toBe(
      [
        'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.',
        '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=<rtt> ms',
        '64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=<rtt> ms',
        '',
        '--- 10.0.0.2 ping statistics ---',
        '2 packets transmitted, 2 received, 0% packet loss, time <ms>ms',
        'rtt min/avg/max/mdev = <rtt> ms',
        '',
      ].join('\n'),
    );
  });

  it('keeps the +errors form of the statistics line', () => {
    const line = '1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms';
    expect(mask(line)).toBe('1 packets transmitted, 0 received, +1 errors, 100% packet loss, time <ms>ms');
  });
});

describe('tcpdump', () => {
  it('masks timestamps and numbers ICMP ids', () => {
    const text =
      '23:11:08.478130 IP 10.0.0.2 > 10.0.0.1: ICMP echo request, id 32, seq 1, length 64\n' +
      '23:11:08.478141 IP 10.0.0.1 > 10.0.0.2: ICMP echo reply, id 32, seq 1, length 64\n' +
      '23:11:09.001000 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 40, seq 1, length 64\n';
    expect(mask(text)).toBe(
      '<time> IP 10.0.0.2 > 10.0.0.1: ICMP echo request, id <icmp-id1>, seq 1, length 64\n' +
        '<time> IP 10.0.0.1 > 10.0.0.2: ICMP echo reply, id <icmp-id1>, seq 1, length 64\n' +
        '<time> IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id <icmp-id2>, seq 1, length 64\n',
    );
  });

  it('masks ephemeral ports (VXLAN source ports included) but not service ports', () => {
    const text =
      'IP 192.168.56.11.58415 > 192.168.56.12.8472: OTV, flags [I] (0x08), overlay 0, instance 1\n' +
      'IP 192.168.56.12.58415 > 192.168.56.11.8472: OTV\n' +
      'IP 10.0.0.1.45678 > 10.0.0.2.80: Flags [S]\n' +
      'tcp  ESTAB 0 0 10.0.0.1:45678 10.0.0.2:80\n';
    expect(mask(text)).toBe(
      'IP 192.168.56.11.<port1> > 192.168.56.12.8472: OTV, flags [I] (0x08), overlay 0, instance 1\n' +
        'IP 192.168.56.12.<port1> > 192.168.56.11.8472: OTV\n' +
        'IP 10.0.0.1.<port2> > 10.0.0.2.80: Flags [S]\n' +
        'tcp  ESTAB 0 0 10.0.0.1:<port2> 10.0.0.2:80\n',
    );
  });

  it('masks TCP initial sequence numbers, their ACKs and timestamps, and IP ids', () => {
    const text =
      'IP 10.0.0.1.80 > 10.0.0.2.80: Flags [S], seq 3735928559, win 64240, options [mss 1460,sackOK,TS val 123456 ecr 0,nop,wscale 7], length 0\n' +
      'IP 10.0.0.2.80 > 10.0.0.1.80: Flags [S.], seq 1122334455, ack 3735928560, win 65160, options [mss 1460,sackOK,TS val 999 ecr 123456,nop,wscale 7], length 0\n' +
      'IP 10.0.0.1.80 > 10.0.0.2.80: Flags [.], ack 1, win 502, length 0\n' +
      '    (tos 0x0, ttl 64, id 48879, offset 0, flags [DF], proto ICMP (1), length 84)\n';
    expect(mask(text)).toBe(
      'IP 10.0.0.1.80 > 10.0.0.2.80: Flags [S], seq <isn1>, win 64240, options [mss 1460,sackOK,TS val <ts1> ecr 0,nop,wscale 7], length 0\n' +
        'IP 10.0.0.2.80 > 10.0.0.1.80: Flags [S.], seq <isn2>, ack <isn-ack1>, win 65160, options [mss 1460,sackOK,TS val <ts2> ecr <ts1>,nop,wscale 7], length 0\n' +
        'IP 10.0.0.1.80 > 10.0.0.2.80: Flags [.], ack 1, win 502, length 0\n' +
        '    (tos 0x0, ttl 64, id <ip-id>, offset 0, flags [DF], proto ICMP (1), length 84)\n',
    );
  });
});

describe('counters and timers', () => {
  it('masks finite lifetimes but keeps forever', () => {
    expect(mask('valid_lft 86398sec preferred_lft 14398sec\nvalid_lft forever preferred_lft forever')).toBe(
      'valid_lft <lft> preferred_lft <lft>\nvalid_lft forever preferred_lft forever',
    );
  });

  it('masks conntrack timeouts and client ports', () => {
    expect(
      mask('tcp      6 431999 ESTABLISHED src=10.244.0.2 dst=10.96.0.20 sport=41234 dport=6379 src=10.244.1.2'),
    ).toBe('tcp      6 <timeout> ESTABLISHED src=10.244.0.2 dst=10.96.0.20 sport=<port1> dport=6379 src=10.244.1.2');
  });

  it('masks the bridge gc timer and the veth queue count', () => {
    expect(mask('hello_timer    0.00 gc_timer  296.82 group_fwd_mask 0')).toBe(
      'hello_timer    0.00 gc_timer  <timer> group_fwd_mask 0',
    );
    expect(mask('    veth addrgenmode eui64 numtxqueues 2 numrxqueues 2 gso_max_size 65536')).toBe(
      '    veth addrgenmode eui64 numtxqueues <ncpu> numrxqueues <ncpu> gso_max_size 65536',
    );
  });

  it('masks ifconfig packet counters, long and short form', () => {
    const text =
      '        RX packets 6  bytes 516 (516.0 B)\n        TX packets 1234  bytes 1843200 (1.7 MiB)\n' +
      'Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n' +
      'veth0            1500        8      0      0 0             7      0      0      0 BMRU\n';
    expect(mask(text)).toBe(
      '        RX packets <n>  bytes <n>\n        TX packets <n>  bytes <n>\n' +
        'Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg\n' +
        'veth0            1500        <n>      0      0 0             <n>      0      0      0 BMRU\n',
    );
  });

  it('keeps ifindexes, link-netnsid and tcpdump packet counts', () => {
    const text = '2: eth0@if5: <BROADCAST> link-netnsid 0\n4 packets captured\n4 packets received by filter';
    expect(mask(text)).toBe(text);
  });
});

describe('unordered outputs', () => {
  const entry = (command: string, output: string) => ({ command, background: false, output, status: 0 });

  it('sorts ip neigh and arp -n output (below the header), in any namespace', () => {
    const [neigh, arp, other] = sortUnordered([
      entry('ip -n red neigh', '10.0.0.3 dev a INCOMPLETE \n10.0.0.2 dev a lladdr x REACHABLE \n'),
      entry('ip netns exec pod arp -n', 'Address HWtype\n10.0.0.9 ether\n10.0.0.1 ether\n'),
      entry('ip route', 'b\na\n'),
    ]);
    expect(neigh?.output).toBe('10.0.0.2 dev a lladdr x REACHABLE \n10.0.0.3 dev a INCOMPLETE \n');
    expect(arp?.output).toBe('Address HWtype\n10.0.0.1 ether\n10.0.0.9 ether\n');
    expect(other?.output).toBe('b\na\n');
  });

  it('masks after sorting so MAC numbers follow the sorted order', () => {
    const text = maskedTranscript(
      [
        entry(
          'ip neigh',
          '10.0.0.3 dev a lladdr 02:00:00:00:00:03 STALE \n10.0.0.2 dev a lladdr 0a:00:00:00:00:02 STALE \n',
        ),
      ],
      '',
    );
    expect(text).toBe(
      '$ ip neigh\n10.0.0.2 dev a lladdr <mac1> STALE \n10.0.0.3 dev a lladdr <mac2> STALE \n[exit 0]\n',
    );
  });
});
