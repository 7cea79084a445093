/**
 * The reference captures in /work/shared/reference/formats (real tcpdump 4.99.3 on the lab setups),
 * rebuilt from packet values: whole files, start and summary lines included.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../engine/wire/addr.ts';
import type { EthernetFrame, Ipv4Packet, TcpOption, TcpSegment } from '../../engine/wire/packet.ts';
import { compileFilter } from './filter.ts';
import {
  type CapturedPacket,
  cookPacket,
  DEFAULT_PRINT_FLAGS,
  type LinkType,
  type PacketDirection,
  type PrintFlags,
  startMessage,
  summaryMessage,
  TcpdumpPrinter,
} from './format.ts';

const REFERENCE = '/work/shared/reference/formats/';

function reference(name: string): { command: string; text: string } {
  const [command = '', ...rest] = readFileSync(REFERENCE + name, 'utf8').split('\n');
  return { command, text: rest.join('\n') };
}

/** The microseconds of the day of a reference line's timestamp. */
function time(text: string): number {
  const [h, m, s, us] = text.split(/[:.]/).map(Number);
  return (((h ?? 0) * 60 + (m ?? 0)) * 60 + (s ?? 0)) * 1_000_000 + (us ?? 0);
}

const ip = (text: string) => parseIpv4(text) as number;
const PING_DATA = Uint8Array.from({ length: 56 }, (_, i) => (i < 8 ? 0x42 : i));

function echo(
  src: string,
  dst: string,
  ttl: number,
  id: number,
  df: boolean,
  icmpId: number,
  seq: number,
  reply: boolean,
): Ipv4Packet {
  return {
    kind: 'ipv4',
    src: ip(src),
    dst: ip(dst),
    ttl,
    id,
    tos: 0,
    df,
    protocol: 1,
    payload: { kind: 'icmp', type: reply ? 0 : 8, code: 0, id: icmpId, seq, data: PING_DATA },
  };
}

function frame(src: string, dst: string, payload: EthernetFrame['payload']): EthernetFrame {
  return { kind: 'ethernet', src, dst, ethertype: payload.kind === 'arp' ? 0x0806 : 0x0800, payload };
}

function vxlan(
  src: string,
  dst: string,
  sport: number,
  id: number,
  inner: EthernetFrame,
  checksum?: number,
): Ipv4Packet {
  return {
    kind: 'ipv4',
    src: ip(src),
    dst: ip(dst),
    ttl: 64,
    id,
    tos: 0,
    df: false,
    protocol: 17,
    payload: {
      kind: 'udp',
      srcPort: sport,
      dstPort: 8472,
      payload: { kind: 'vxlan', vni: 1, flags: 0x08, inner },
      ...(checksum === undefined ? {} : { checksumOverride: checksum }),
    },
  };
}

function ipip(src: string, dst: string, id: number, inner: Ipv4Packet): Ipv4Packet {
  return {
    kind: 'ipv4',
    src: ip(src),
    dst: ip(dst),
    ttl: inner.ttl,
    id,
    tos: 0,
    df: inner.df,
    protocol: 4,
    payload: inner,
  };
}

/** Prints a whole run the way the reference files hold it (stderr and stdout, Ctrl-C at the end). */
function run(
  ifName: string,
  linkType: LinkType,
  flags: Partial<PrintFlags>,
  packets: [number, CapturedPacket][],
  filter = '',
): string {
  const printFlags = { ...DEFAULT_PRINT_FLAGS, ...flags };
  const printer = new TcpdumpPrinter(printFlags);
  const compiled = compileFilter(filter, linkType);
  if (!compiled.ok) throw new Error(compiled.error);
  const shown = packets.filter(([, packet]) => compiled.match(packet));
  const lines = shown.map(([t, packet]) => printer.format(t, packet)).join('');
  return `${startMessage(ifName, linkType, printFlags.verbose)}${lines}\n${summaryMessage(shown.length, shown.length)}`;
}

// flannel VXLAN lab (setup.sh section A): flannel.1 MACs as `tcpdump -ne` showed them.
const POD_A = '10.244.0.2';
const POD_B = '10.244.1.2';
const NODE1 = '192.168.56.11';
const NODE2 = '192.168.56.12';
const VTEP1 = 'ea:81:e9:ae:2c:cb';
const VTEP2 = '9e:cd:e0:a5:46:b3';
const ETH1 = 'f2:2a:bb:9e:ad:7b';
const ETH2 = '0e:16:c9:e6:ed:36';

describe('reference captures, rebuilt from packet values', () => {
  it('tcpdump -n -vv -i eth0: VXLAN with the stale UDP checksum', () => {
    const { command, text } = reference('tcpdump-vv.vxlan-icmp.txt');
    expect(command).toContain('tcpdump -n -vv -i eth0');
    const rows: [string, number, number, number, boolean][] = [
      ['22:43:08.392349', 49380, 19945, 1, false],
      ['22:43:08.392397', 23056, 31678, 1, true],
      ['22:43:08.718428', 49441, 20002, 2, false],
      ['22:43:08.718482', 23082, 31744, 2, true],
    ];
    const packets = rows.map(([t, outerId, innerId, seq, reply]): [number, CapturedPacket] => {
      const inner = reply
        ? frame(VTEP2, VTEP1, echo(POD_B, POD_A, 63, innerId, false, 4342, seq, true))
        : frame(VTEP1, VTEP2, echo(POD_A, POD_B, 63, innerId, true, 4342, seq, false));
      const outer = reply
        ? vxlan(NODE2, NODE1, 33863, outerId, inner, 0xf1eb)
        : vxlan(NODE1, NODE2, 33863, outerId, inner, 0xf1eb);
      return [time(t), frame(reply ? ETH2 : ETH1, reply ? ETH1 : ETH2, outer)];
    });
    expect(run('eth0', 'EN10MB', { numeric: 1, verbose: 2 }, packets)).toBe(text);
  });

  it('tcpdump -ne -i eth0 and -n -T vxlan: ARP, then VXLAN frames', () => {
    const ne = reference('tcpdump-ne.vxlan-icmp.txt').text;
    const packets: [number, CapturedPacket][] = [
      [
        time('22:43:04.878340'),
        frame(ETH2, ETH1, {
          kind: 'arp',
          op: 1,
          senderMac: ETH2,
          senderIp: ip(NODE2),
          targetMac: '00:00:00:00:00:00',
          targetIp: ip(NODE1),
        }),
      ],
      [
        time('22:43:04.878346'),
        frame(ETH1, ETH2, {
          kind: 'arp',
          op: 2,
          senderMac: ETH1,
          senderIp: ip(NODE1),
          targetMac: ETH2,
          targetIp: ip(NODE2),
        }),
      ],
    ];
    for (const [t, seq, reply] of [
      ['22:43:05.524505', 1, false],
      ['22:43:05.524557', 1, true],
      ['22:43:05.840097', 2, false],
      ['22:43:05.840147', 2, true],
    ] as const) {
      const inner = reply
        ? frame(VTEP2, VTEP1, echo(POD_B, POD_A, 63, 1, false, 4337, seq, true))
        : frame(VTEP1, VTEP2, echo(POD_A, POD_B, 63, 1, true, 4337, seq, false));
      const outer = reply ? vxlan(NODE2, NODE1, 33863, 1, inner) : vxlan(NODE1, NODE2, 33863, 1, inner);
      packets.push([time(t), frame(reply ? ETH2 : ETH1, reply ? ETH1 : ETH2, outer)]);
    }
    expect(run('eth0', 'EN10MB', { numeric: 1, linkHeader: true }, packets)).toBe(ne);

    const tvx = reference('tcpdump-n-T-vxlan.vxlan-icmp.txt').text;
    const times = ['22:43:11.264875', '22:43:11.264923', '22:43:11.566363', '22:43:11.566402'];
    const again = packets.slice(2).map(([, packet], i): [number, CapturedPacket] => {
      const outer = (packet as EthernetFrame).payload as Ipv4Packet;
      const udp = outer.payload as { payload: { inner: EthernetFrame } };
      const icmp = (udp.payload.inner.payload as Ipv4Packet).payload as { id: number };
      icmp.id = 4347;
      return [time(times[i] ?? ''), packet];
    });
    expect(run('eth0', 'EN10MB', { numeric: 1, vxlanAll: true }, again)).toBe(tvx);
  });

  it("tcpdump -n -i any 'icmp or udp port 8472': one ping across the node's devices", () => {
    const { text } = reference('tcpdump-n-i-any.flannel-node-icmp.txt');
    const packets: [number, CapturedPacket][] = [];
    const add = (t: string, ifName: string, direction: PacketDirection, packet: EthernetFrame) =>
      packets.push([time(t), cookPacket(ifName, 0, direction, packet)]);
    const podMac = 'e6:b8:36:a0:25:3b';
    const cniMac = '2a:bc:49:ef:d5:38';
    for (const [seq, t] of [
      [
        1,
        [
          '22:43:16.948707',
          '22:43:16.948707',
          '22:43:16.948751',
          '22:43:16.948765',
          '22:43:16.948816',
          '22:43:16.948816',
          '22:43:16.948830',
          '22:43:16.948832',
        ],
      ],
      [
        2,
        [
          '22:43:17.262352',
          '22:43:17.262352',
          '22:43:17.262389',
          '22:43:17.262405',
          '22:43:17.262454',
          '22:43:17.262454',
          '22:43:17.262469',
          '22:43:17.262470',
        ],
      ],
    ] as const) {
      const request = echo(POD_A, POD_B, 64, 7, true, 4358, seq, false);
      const routed = { ...request, ttl: 63 };
      const reply = echo(POD_B, POD_A, 63, 9, false, 4358, seq, true);
      add(t[0], 'veth20782d81', 'In', frame(podMac, cniMac, request));
      add(t[1], 'cni0', 'In', frame(podMac, cniMac, request));
      add(t[2], 'flannel.1', 'Out', frame(VTEP1, VTEP2, routed));
      add(t[3], 'eth0', 'Out', frame(ETH1, ETH2, vxlan(NODE1, NODE2, 33863, 3, frame(VTEP1, VTEP2, routed))));
      add(t[4], 'eth0', 'In', frame(ETH2, ETH1, vxlan(NODE2, NODE1, 33863, 4, frame(VTEP2, VTEP1, reply))));
      add(t[5], 'flannel.1', 'In', frame(VTEP2, VTEP1, reply));
      add(t[6], 'cni0', 'Out', frame(cniMac, podMac, { ...reply, ttl: 62 }));
      add(t[7], 'veth20782d81', 'Out', frame(cniMac, podMac, { ...reply, ttl: 62 }));
    }
    const arp = frame(ETH1, ETH2, {
      kind: 'arp',
      op: 1,
      senderMac: ETH1,
      senderIp: ip(NODE1),
      targetMac: '00:00:00:00:00:00',
      targetIp: ip(NODE2),
    });
    packets.splice(3, 0, [time('22:43:16.948760'), cookPacket('eth0', 2, 'Out', arp)]);
    expect(run('any', 'LINUX_SLL2', { numeric: 1 }, packets, 'icmp or udp port 8472')).toBe(text);
  });

  it('tcpdump -n -vv -i eth0 and -ne: Calico IP-in-IP', () => {
    const { text } = reference('tcpdump-vv.ipip-icmp.txt');
    const A = '10.244.120.66';
    const B = '10.244.45.129';
    const rows = [
      ['22:44:04.306985', 0, 64232, 1, false],
      ['22:44:04.307178', 28587, 21505, 1, true],
      ['22:44:04.622557', 0, 64309, 2, false],
      ['22:44:04.622902', 28610, 21520, 2, true],
    ] as const;
    const packets = rows.map(([t, outerId, innerId, seq, reply]): [number, CapturedPacket] => {
      const inner = reply
        ? echo(B, A, 63, innerId, false, 5177, seq, true)
        : echo(A, B, 63, innerId, true, 5177, seq, false);
      const outer = reply
        ? ipip('192.168.57.12', '192.168.57.11', outerId, inner)
        : ipip('192.168.57.11', '192.168.57.12', outerId, inner);
      return [time(t), frame('ee:ac:8d:82:5b:b5', '42:26:dc:cb:e3:bc', outer)];
    });
    expect(run('eth0', 'EN10MB', { numeric: 1, verbose: 2 }, packets)).toBe(text);
  });

  it('tcpdump -n -i tunl0 (link-type RAW)', () => {
    const { text } = reference('tcpdump-n.tunl0-icmp.txt');
    const A = '10.244.120.66';
    const B = '10.244.45.129';
    const packets: [number, CapturedPacket][] = [
      [time('22:44:17.115063'), echo(A, B, 64, 1, true, 5213, 1, false)],
      [time('22:44:17.115567'), echo(B, A, 63, 2, false, 5213, 1, true)],
      [time('22:44:17.422375'), echo(A, B, 64, 3, true, 5213, 2, false)],
      [time('22:44:17.422818'), echo(B, A, 63, 4, false, 5213, 2, true)],
    ];
    expect(run('tunl0', 'RAW', { numeric: 1 }, packets)).toBe(text);
  });

  it('tcpdump -n -i eth0: an HTTP exchange through IP-in-IP, with relative sequence numbers', () => {
    const { text } = reference('tcpdump-n.ipip-tcp-allowed.txt');
    const client = '10.244.45.129';
    const server = '10.244.120.65';
    const nop: TcpOption = { kind: 'nop' };
    const ts = (val: number, ecr: number): TcpOption => ({ kind: 'timestamp', val, ecr });
    const bytes = (first: string, length: number) => {
      const data = new Uint8Array(length).fill(0x78);
      data.set(Array.from(first, (c) => c.charCodeAt(0)));
      return data;
    };
    const ISN_C = 2030764059;
    const ISN_S = 2279234774;
    const seg = (
      t: string,
      fromClient: boolean,
      flags: TcpSegment['flags'],
      seq: number,
      ack: number,
      window: number,
      options: TcpOption[],
      data = new Uint8Array(0),
    ): [number, CapturedPacket] => {
      const segment: TcpSegment = {
        kind: 'tcp',
        srcPort: fromClient ? 52372 : 80,
        dstPort: fromClient ? 80 : 52372,
        seq: ((fromClient ? ISN_C : ISN_S) + seq) >>> 0,
        ack: ack === 0 ? 0 : ((fromClient ? ISN_S : ISN_C) + ack) >>> 0,
        flags,
        window,
        urgent: 0,
        options,
        data,
      };
      const inner: Ipv4Packet = {
        kind: 'ipv4',
        src: ip(fromClient ? client : server),
        dst: ip(fromClient ? server : client),
        ttl: 63,
        id: 1,
        tos: 0,
        df: true,
        protocol: 6,
        payload: segment,
      };
      const outer = fromClient
        ? ipip('192.168.57.12', '192.168.57.11', 0, inner)
        : ipip('192.168.57.11', '192.168.57.12', 0, inner);
      return [time(t), frame('42:26:dc:cb:e3:bc', 'ee:ac:8d:82:5b:b5', outer)];
    };
    const synOptions = (val: number, ecr: number): TcpOption[] => [
      { kind: 'mss', value: 1440 },
      { kind: 'sackOK' },
      ts(val, ecr),
      nop,
      { kind: 'wscale', shift: 10 },
    ];
    const C1 = 3196414838;
    const S1 = 1046289059;
    const body = (n: number) => bytes('', n);
    const packets = [
      seg('22:44:10.028023', true, { syn: true }, 0, 0, 64800, synOptions(C1, 0)),
      seg('22:44:10.028318', false, { syn: true, ack: true }, 0, 1, 64260, synOptions(S1, C1)),
      seg('22:44:10.028468', true, { ack: true }, 1, 1, 64, [nop, nop, ts(C1 + 1, S1)]),
      seg(
        '22:44:10.028763',
        true,
        { psh: true, ack: true },
        1,
        1,
        64,
        [nop, nop, ts(C1 + 1, S1)],
        bytes('GET / HTTP/1.1\r\nHost: 10.244.120.65\r\n', 77),
      ),
      seg('22:44:10.029322', false, { ack: true }, 1, 78, 63, [nop, nop, ts(S1 + 2, C1 + 1)]),
      seg(
        '22:44:10.031855',
        false,
        { psh: true, ack: true },
        1,
        78,
        63,
        [nop, nop, ts(S1 + 4, C1 + 1)],
        bytes('HTTP/1.0 200 OK\r\n', 156),
      ),
      seg('22:44:10.031999', true, { ack: true }, 78, 157, 64, [nop, nop, ts(C1 + 4, S1 + 4)]),
      seg('22:44:10.032084', false, { ack: true }, 157, 78, 63, [nop, nop, ts(S1 + 4, C1 + 1)], body(1428)),
      seg('22:44:10.032157', false, { ack: true }, 1585, 78, 63, [nop, nop, ts(S1 + 4, C1 + 1)], body(1428)),
      seg('22:44:10.032193', false, { ack: true }, 3013, 78, 63, [nop, nop, ts(S1 + 4, C1 + 1)], body(1428)),
      seg('22:44:10.032227', false, { ack: true }, 4441, 78, 63, [nop, nop, ts(S1 + 4, C1 + 1)], body(1428)),
      seg('22:44:10.032253', false, { psh: true, ack: true }, 5869, 78, 63, [nop, nop, ts(S1 + 4, C1 + 1)], body(1428)),
      seg(
        '22:44:10.032277',
        false,
        { fin: true, psh: true, ack: true },
        7297,
        78,
        63,
        [nop, nop, ts(S1 + 4, C1 + 1)],
        body(266),
      ),
      seg('22:44:10.032364', true, { ack: true }, 78, 1585, 67, [nop, nop, ts(C1 + 5, S1 + 4)]),
      seg('22:44:10.032422', true, { ack: true }, 78, 3013, 70, [nop, nop, ts(C1 + 5, S1 + 4)]),
      seg('22:44:10.032483', true, { ack: true }, 78, 4441, 73, [nop, nop, ts(C1 + 5, S1 + 4)]),
      seg('22:44:10.032534', true, { ack: true }, 78, 5869, 73, [nop, nop, ts(C1 + 5, S1 + 4)]),
      seg('22:44:10.032584', true, { ack: true }, 78, 7297, 72, [nop, nop, ts(C1 + 5, S1 + 4)]),
      seg('22:44:10.033481', true, { fin: true, ack: true }, 78, 7564, 73, [nop, nop, ts(C1 + 5, S1 + 4)]),
      seg('22:44:10.036754', false, { ack: true }, 7564, 79, 63, [nop, nop, ts(S1 + 9, C1 + 5)]),
    ];
    expect(run('eth0', 'EN10MB', { numeric: 1 }, packets)).toBe(text);
  });
});
