import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from './addr.ts';
import {
  decodeEthernet,
  decodeIpv4,
  decodeSll2,
  encodeEthernet,
  encodeIpv4,
  encodeSll2,
  ethernetFrameLength,
  internetChecksum,
  ipv4TotalLength,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_RAW,
  tcpReceivedSum,
  udpReceivedSum,
} from './encode.ts';
import type { EthernetFrame, Ipv4Packet, TcpSegment } from './packet.ts';

const hex = (text: string) => Uint8Array.from(text.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16));
const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
const ip = (text: string) => parseIpv4(text) as number;
const PING_DATA = hex(
  '7177036b000000006dbd070000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);

// Frames captured by the real tcpdump -w (see src/commands/tcpdump/fixtures/make.sh).
const ARP_REQUEST = 'ffffffffffff020000000102080600010800060400010200000001020af400020000000000000af40001';
const ECHO_REQUEST = `02000000010c020000000102080045000054fb9a4000400128230af400020af40102080000f64e960001${toHex(PING_DATA)}`;
const VXLAN_ECHO =
  '0200000002010200000001010800450000862588000040116377c0a8380bc0a8380c844721180072f1eb0800000000000100' +
  '02000000020f02000000010f080045000054fb9a40003f0129230af400020af40102080000f64e960001' +
  toHex(PING_DATA);

describe('Ethernet and ARP', () => {
  it('decodes a captured ARP request and encodes it back', () => {
    const frame = decodeEthernet(hex(ARP_REQUEST));
    expect(frame).toEqual({
      kind: 'ethernet',
      dst: 'ff:ff:ff:ff:ff:ff',
      src: '02:00:00:00:01:02',
      ethertype: 0x0806,
      payload: {
        kind: 'arp',
        op: 1,
        senderMac: '02:00:00:00:01:02',
        senderIp: ip('10.244.0.2'),
        targetMac: '00:00:00:00:00:00',
        targetIp: ip('10.244.0.1'),
      },
    });
    expect(toHex(encodeEthernet(frame as EthernetFrame))).toBe(ARP_REQUEST);
    expect(ethernetFrameLength(frame as EthernetFrame)).toBe(42);
  });
});

describe('IPv4 and ICMP', () => {
  const request: EthernetFrame = {
    kind: 'ethernet',
    dst: '02:00:00:00:01:0c',
    src: '02:00:00:00:01:02',
    ethertype: 0x0800,
    payload: {
      kind: 'ipv4',
      src: ip('10.244.0.2'),
      dst: ip('10.244.1.2'),
      ttl: 64,
      id: 0xfb9a,
      tos: 0,
      df: true,
      protocol: 1,
      payload: { kind: 'icmp', type: 8, code: 0, id: 0x4e96, seq: 1, data: PING_DATA },
    },
  };

  it('encodes an echo request with header and ICMP checksums', () => {
    expect(toHex(encodeEthernet(request))).toBe(ECHO_REQUEST);
    expect(decodeEthernet(hex(ECHO_REQUEST))).toEqual(request);
    expect(ipv4TotalLength(request.payload as Ipv4Packet)).toBe(84);
    expect(internetChecksum(encodeIpv4(request.payload as Ipv4Packet).subarray(0, 20))).toBe(0);
  });

  it('quotes the offending packet in an error and decodes it back', () => {
    const offending = request.payload as Ipv4Packet;
    const quoted = encodeIpv4(offending);
    const error: Ipv4Packet = {
      kind: 'ipv4',
      src: ip('10.244.0.1'),
      dst: ip('10.244.0.2'),
      ttl: 64,
      id: 7,
      tos: 0xc0,
      df: false,
      protocol: 1,
      payload: { kind: 'icmp', type: 11, code: 0, id: 0, seq: 0, data: quoted, quoted: offending },
    };
    const bytes = encodeIpv4(error);
    expect(bytes.length).toBe(20 + 8 + 84);
    expect(decodeIpv4(bytes)).toEqual(error);
    expect(internetChecksum(bytes.subarray(20))).toBe(0);
  });

  it('keeps a cut-short quote as raw bytes', () => {
    const quoted = encodeIpv4(request.payload as Ipv4Packet).subarray(0, 28);
    const packet = decodeIpv4(quoted);
    expect(packet?.payload).toEqual({ kind: 'raw', bytes: quoted.subarray(20) });
  });
});

describe('TCP', () => {
  const syn: TcpSegment = {
    kind: 'tcp',
    srcPort: 52372,
    dstPort: 80,
    seq: 2030764059,
    ack: 0,
    flags: { syn: true },
    window: 64800,
    urgent: 0,
    options: [
      { kind: 'mss', value: 1440 },
      { kind: 'sackOK' },
      { kind: 'timestamp', val: 3196414838, ecr: 0 },
      { kind: 'nop' },
      { kind: 'wscale', shift: 10 },
    ],
    data: new Uint8Array(0),
  };
  const packet: Ipv4Packet = {
    kind: 'ipv4',
    src: ip('10.244.45.129'),
    dst: ip('10.244.120.65'),
    ttl: 64,
    id: 1,
    tos: 0,
    df: true,
    protocol: 6,
    payload: syn,
  };

  it('lays options out in the order given, with the data offset and a pseudo-header checksum', () => {
    const bytes = encodeIpv4(packet).subarray(20);
    expect(toHex(bytes.subarray(0, 20))).toMatch(/^cc940050790b001b00000000a002fd20....0000$/);
    expect(toHex(bytes.subarray(20))).toBe('020405a0' + '0402' + '080abe856b7600000000' + '01' + '03030a');
    expect(tcpReceivedSum(syn, packet.src, packet.dst)).toBe(0);
    expect(decodeIpv4(encodeIpv4(packet))).toEqual(packet);
  });

  it('pads options to four bytes with end-of-list and reads them back', () => {
    const short: Ipv4Packet = {
      ...packet,
      payload: { ...syn, options: [{ kind: 'mss', value: 1460 }, { kind: 'sackOK' }] },
    };
    const bytes = encodeIpv4(short);
    expect(bytes.length).toBe(20 + 28);
    expect(toHex(bytes.subarray(40))).toBe('020405b404020000');
    expect(decodeIpv4(bytes)).toEqual(short);
  });

  it('keeps a checksum the sender got wrong', () => {
    const sent: Ipv4Packet = { ...packet, payload: { ...syn, checksumOverride: 0x171a } };
    const bytes = encodeIpv4(sent);
    expect(toHex(bytes.subarray(36, 38))).toBe('171a');
    expect(decodeIpv4(bytes)).toEqual(sent);
  });
});

describe('UDP, VXLAN and IP-in-IP', () => {
  it('decodes a captured flannel VXLAN frame (stale UDP checksum) and encodes it back', () => {
    const frame = decodeEthernet(hex(VXLAN_ECHO)) as EthernetFrame;
    const outer = frame.payload as Ipv4Packet;
    expect(outer.payload).toMatchObject({ kind: 'udp', srcPort: 33863, dstPort: 8472, checksumOverride: 0xf1eb });
    const udp = outer.payload as { payload: { kind: string; vni: number; flags: number; inner: EthernetFrame } };
    expect(udp.payload).toMatchObject({ kind: 'vxlan', vni: 1, flags: 0x08 });
    expect(udp.payload.inner.src).toBe('02:00:00:00:01:0f');
    expect(toHex(encodeEthernet(frame))).toBe(VXLAN_ECHO);
    expect(ethernetFrameLength(frame)).toBe(148);
  });

  it('computes a correct UDP checksum unless told otherwise, and 0 means none', () => {
    const datagram: Ipv4Packet = {
      kind: 'ipv4',
      src: ip('10.0.0.1'),
      dst: ip('10.0.0.2'),
      ttl: 64,
      id: 9,
      tos: 0,
      df: true,
      protocol: 17,
      payload: { kind: 'udp', srcPort: 5000, dstPort: 53, payload: { kind: 'raw', bytes: hex('68656c6c6f') } },
    };
    const bytes = encodeIpv4(datagram);
    expect(toHex(bytes.subarray(20, 26))).toBe('13880035000d');
    expect(udpReceivedSum(datagram.payload as never, datagram.src, datagram.dst)).toBe(0);
    expect(decodeIpv4(bytes)).toEqual(datagram);
    const none = { ...datagram, payload: { ...(datagram.payload as object), checksumOverride: 0 } } as Ipv4Packet;
    expect(toHex(encodeIpv4(none).subarray(26, 28))).toBe('0000');
    expect(decodeIpv4(encodeIpv4(none))).toEqual(none);
  });

  it('nests IPv4 in IPv4 (protocol 4)', () => {
    const inner = (decodeEthernet(hex(ECHO_REQUEST)) as EthernetFrame).payload as Ipv4Packet;
    const outer: Ipv4Packet = {
      kind: 'ipv4',
      src: ip('192.168.56.11'),
      dst: ip('192.168.56.12'),
      ttl: 63,
      id: 0,
      tos: 0,
      df: true,
      protocol: 4,
      payload: inner,
    };
    const bytes = encodeIpv4(outer);
    expect(ipv4TotalLength(outer)).toBe(104);
    expect(toHex(bytes.subarray(0, 20))).toBe(`45000068000040003f04${toHex(bytes.subarray(10, 12))}c0a8380bc0a8380c`);
    expect(decodeIpv4(bytes)).toEqual(outer);
  });
});

describe('every packet captured by the real tcpdump', () => {
  const folder = fileURLToPath(new URL('../../commands/tcpdump/fixtures/', import.meta.url));
  const files = readdirSync(folder).filter((name) => name.endsWith('.pcap'));

  it.each(files)('%s decodes and encodes back to the same bytes', (name) => {
    const data = new Uint8Array(readFileSync(folder + name));
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const linkType = view.getUint32(20, true);
    let count = 0;
    for (let at = 24; at + 16 <= data.length; count++) {
      const length = view.getUint32(at + 8, true);
      const bytes = data.subarray(at + 16, at + 16 + length);
      at += 16 + length;
      let again: Uint8Array | null = null;
      if (linkType === LINKTYPE_ETHERNET) {
        const frame = decodeEthernet(bytes);
        if (frame) again = encodeEthernet(frame);
        if (frame) expect(ethernetFrameLength(frame)).toBe(bytes.length);
      } else if (linkType === LINKTYPE_RAW) {
        const packet = decodeIpv4(bytes);
        if (packet) again = encodeIpv4(packet);
      } else if (linkType === LINKTYPE_LINUX_SLL2) {
        const cooked = decodeSll2(bytes);
        if (cooked?.payload) again = encodeSll2(cooked.header, cooked.payload);
      }
      expect(again && toHex(again), `packet ${count + 1} of ${name}`).toBe(toHex(bytes));
    }
    expect(count).toBeGreaterThan(10);
  });
});
