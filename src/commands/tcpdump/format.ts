/**
 * tcpdump 4.99.3's text for captured packets. A `TcpdumpPrinter` lives for one capture session:
 * like the real tool it remembers each TCP conversation's initial sequence numbers so that later
 * segments print relative numbers (`seq 1:80, ack 1`). Everything else is a pure function of the
 * packet value and the flags.
 */
import { formatIpv4, type Mac } from '../../engine/wire/addr.ts';
import {
  ARP_LEN,
  decodeEthernet,
  decodeIpv4,
  encodeIcmp,
  ethernetFrameLength,
  IPV4_HEADER_LEN,
  icmpChecksum,
  internetChecksum,
  ipv4TotalLength,
  SLL2_HEADER_LEN,
  TCP_HEADER_LEN,
  tcpChecksum,
  tcpFlagsByte,
  tcpHeaderLength,
  tcpReceivedSum,
  UDP_HEADER_LEN,
  udpChecksum,
  udpLength,
  udpReceivedSum,
} from '../../engine/wire/encode.ts';
import {
  type ArpPacket,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  type EthernetFrame,
  type IcmpMessage,
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type Ipv4Packet,
  type TcpOption,
  type TcpSegment,
  type UdpDatagram,
} from '../../engine/wire/packet.ts';
import { protocolName, tcpPortName, udpPortName } from './services.ts';

export interface PrintFlags {
  /** How many -n were given; with one or more, hosts and ports print as numbers. */
  numeric: number;
  /** -e: print the link-level header. */
  linkHeader: boolean;
  /** How many -v were given. */
  verbose: number;
  /** -t: no timestamp. */
  noTimestamp: boolean;
  /** -S: absolute TCP sequence numbers. */
  absoluteSeq: boolean;
  /** -T vxlan: every UDP datagram is decoded as VXLAN. */
  vxlanAll: boolean;
}

export const DEFAULT_PRINT_FLAGS: PrintFlags = {
  numeric: 0,
  linkHeader: false,
  verbose: 0,
  noTimestamp: false,
  absoluteSeq: false,
  vxlanAll: false,
};

/** The Linux packet type of a packet seen on the `any` device, as tcpdump names it. */
export type PacketDirection = 'In' | 'B' | 'M' | 'P' | 'Out';

/** A packet as the `any` pseudo-device records it (LINUX_SLL2): the device, not the frame. */
export interface CookedPacket {
  kind: 'cooked';
  ifName: string;
  ifIndex: number;
  direction: PacketDirection;
  /** The link-layer source address; null on devices without one (tunl0, TUN). */
  address: Mac | null;
  payload: ArpPacket | Ipv4Packet;
}

/**
 * What a capture hands the printer: an Ethernet frame (link type EN10MB), a bare IPv4 packet
 * (RAW, e.g. tunl0) or a cooked packet (the `any` device).
 */
export type CapturedPacket = EthernetFrame | Ipv4Packet | CookedPacket;

/** The `any` device's view of a packet crossing a device. */
export function cookPacket(
  ifName: string,
  ifIndex: number,
  direction: PacketDirection,
  packet: EthernetFrame | Ipv4Packet,
): CookedPacket {
  if (packet.kind === 'ipv4') return { kind: 'cooked', ifName, ifIndex, direction, address: null, payload: packet };
  return { kind: 'cooked', ifName, ifIndex, direction, address: packet.src, payload: packet.payload };
}

export type LinkType = 'EN10MB' | 'LINUX_SLL2' | 'RAW';

const LINK_TYPE_NAMES: Record<LinkType, string> = {
  EN10MB: 'Ethernet',
  LINUX_SLL2: 'Linux cooked v2',
  RAW: 'Raw IP',
};

/** What tcpdump writes to stderr when it starts capturing. */
export function startMessage(ifName: string, linkType: LinkType, verbose: number): string {
  const listening = `listening on ${ifName}, link-type ${linkType} (${LINK_TYPE_NAMES[linkType]}), snapshot length 262144 bytes\n`;
  const dataLink = linkType === 'LINUX_SLL2' ? 'tcpdump: data link type LINUX_SLL2\n' : '';
  if (verbose > 0) return `${dataLink}tcpdump: ${listening}`;
  return `${dataLink}tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n${listening}`;
}

function plural(count: number, what: string): string {
  return `${count} packet${count === 1 ? '' : 's'} ${what}\n`;
}

/**
 * What tcpdump writes to stderr when it stops. (When stopped by Ctrl-C it first writes a newline
 * to stdout, in case a line was half printed.)
 */
export function summaryMessage(captured: number, received: number, dropped = 0): string {
  return plural(captured, 'captured') + plural(received, 'received by filter') + plural(dropped, 'dropped by kernel');
}

/** libpcap's error for an interface that does not exist (exit status 1). */
export function noSuchDeviceMessage(ifName: string): string {
  return `tcpdump: ${ifName}: No such device exists\n(No such device exists)\n`;
}

const OUI_NAMES: ReadonlyMap<number, string> = new Map([
  [0x000000, 'Ethernet'],
  [0x00000c, 'Cisco'],
  [0x0000f8, 'Cisco'],
  [0x00e02b, 'Extreme'],
  [0x080007, 'Apple'],
  [0x0080c2, 'IEEE 802.1'],
]);

const ETHERTYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [ETHERTYPE_IPV4, 'IPv4'],
  [ETHERTYPE_ARP, 'ARP'],
  [0x86dd, 'IPv6'],
  [0x8100, '802.1Q'],
]);

const IP_PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'ICMP'],
  [2, 'IGMP'],
  [4, 'IPIP'],
  [6, 'TCP'],
  [17, 'UDP'],
  [47, 'GRE'],
  [50, 'ESP'],
  [51, 'AH'],
  [132, 'SCTP'],
]);

const TCP_FLAG_LETTERS: readonly [number, string][] = [
  [0x01, 'F'],
  [0x02, 'S'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x10, '.'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'W'],
];

const HTTP_METHODS = new Set([
  'OPTIONS',
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'TRACE',
  'CONNECT',
  'PATCH',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'SEARCH',
]);

const TCP_OPTION_LENGTHS: Record<TcpOption['kind'], number> = { mss: 4, sackOK: 2, timestamp: 10, nop: 1, wscale: 3 };

const HTTP_PORTS = [80, 8080];
const VXLAN_PORT = 4789;
const OTV_PORT = 8472;

const UNREACHABLE_TEXT: ReadonlyMap<number, string> = new Map([
  [0, 'net %s unreachable'],
  [1, 'host %s unreachable'],
  [5, '%s unreachable - source route failed'],
  [6, 'net %s unreachable - unknown'],
  [7, 'host %s unreachable - unknown'],
  [8, '%s unreachable - source host isolated'],
  [9, 'net %s unreachable - admin prohibited'],
  [10, 'host %s unreachable - admin prohibited'],
  [11, 'net %s unreachable - tos prohibited'],
  [12, 'host %s unreachable - tos prohibited'],
  [13, 'host %s unreachable - admin prohibited filter'],
  [14, 'host %s unreachable - host precedence violation'],
  [15, 'host %s unreachable - precedence cutoff'],
]);

const ICMP_ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

function hex4(value: number): string {
  return value.toString(16).padStart(4, '0');
}

function get16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

function get32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0
  );
}

/** tcpdump's in_cksum_shouldbe: the checksum a packet should have carried. */
function checksumShouldBe(sent: number, computed: number): number {
  let sum = sent + computed;
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return sum & 0xffff;
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}

/** `HH:MM:SS.uuuuuu` of a virtual time in microseconds. */
export function formatTimestamp(timeUs: number): string {
  const us = Math.floor(timeUs);
  const seconds = Math.floor(us / 1_000_000);
  const micros = us - seconds * 1_000_000;
  const h = Math.floor(seconds / 3600) % 24;
  const m = Math.floor(seconds / 60) % 60;
  const s = seconds % 60;
  return `${two(h)}:${two(m)}:${two(s)}.${String(micros).padStart(6, '0')}`;
}

const isPrintable = (c: number): boolean => c >= 0x20 && c <= 0x7e;

/** tcpdump's fetch_token: the token at `at` and where the next one starts; null when none. */
function fetchToken(data: Uint8Array, start: number): { token: string; next: number } | null {
  let at = start;
  let token = '';
  for (; at < data.length; at++) {
    const c = data[at] ?? 0;
    if (!isPrintable(c)) return null;
    if (c === 0x20) break;
    if (token.length + 2 > 129) return null;
    token += String.fromCharCode(c);
  }
  if (token.length === 0) return null;
  for (; at < data.length; at++) {
    const c = data[at] ?? 0;
    if (c === 0x0d || c === 0x0a || !isPrintable(c) || c !== 0x20) break;
  }
  return { token, next: at };
}

/** tcpdump's print_txt_line: one text line with its prefix, and where the next starts (0: stop). */
function textLine(data: Uint8Array, prefix: string, start: number): { text: string; next: number } {
  for (let at = start; at < data.length; at++) {
    const c = data[at] ?? 0;
    if (c === 0x0a) return { text: prefix + latin1(data, start, at), next: at + 1 };
    if (c === 0x0d) {
      if (at + 1 >= data.length || data[at + 1] !== 0x0a) return { text: '', next: 0 };
      return { text: prefix + latin1(data, start, at), next: at + 2 };
    }
    if (!isPrintable(c) && c !== 0x09) return { text: '', next: 0 };
  }
  return { text: prefix + latin1(data, start, data.length), next: 0 };
}

function latin1(data: Uint8Array, start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(data[i] ?? 0);
  return text;
}

function tcpOptionText(option: TcpOption): string {
  switch (option.kind) {
    case 'mss':
      return `mss ${option.value}`;
    case 'sackOK':
      return 'sackOK';
    case 'timestamp':
      return `TS val ${option.val} ecr ${option.ecr}`;
    case 'nop':
      return 'nop';
    case 'wscale':
      return `wscale ${option.shift}`;
  }
}

interface SeqState {
  seq: number;
  ack: number;
}

export class TcpdumpPrinter {
  private readonly flags: PrintFlags;
  /** Initial sequence numbers per conversation, keyed as tcpdump keys its hash table. */
  private readonly conversations = new Map<string, SeqState>();

  constructor(flags: PrintFlags) {
    this.flags = flags;
  }

  /** The text of one packet, ending in a newline. */
  format(timeUs: number, packet: CapturedPacket): string {
    const time = this.flags.noTimestamp ? '' : `${formatTimestamp(timeUs)} `;
    return `${time}${this.captured(packet)}\n`;
  }

  private captured(packet: CapturedPacket): string {
    switch (packet.kind) {
      case 'ethernet':
        return this.ether(packet);
      case 'ipv4':
        return (this.flags.linkHeader ? 'ip: ' : '') + this.ip(packet);
      case 'cooked':
        return this.cooked(packet);
    }
  }

  private cooked(packet: CookedPacket): string {
    let text = `${packet.ifName.padEnd(5)} ${packet.direction.padEnd(3)} `;
    if (this.flags.linkHeader) {
      const payload = packet.payload;
      const ethertype = payload.kind === 'arp' ? ETHERTYPE_ARP : ETHERTYPE_IPV4;
      const length = SLL2_HEADER_LEN + (payload.kind === 'arp' ? ARP_LEN : ipv4TotalLength(payload));
      const address = packet.address === null ? '' : `${this.mac(packet.address)} `;
      text += `ifindex ${packet.ifIndex} ${address}${this.ethertype(ethertype)}, length ${length}: `;
    }
    return text + this.etherPayload(packet.payload);
  }

  private ether(frame: EthernetFrame): string {
    let text = '';
    if (this.flags.linkHeader) {
      text = `${this.mac(frame.src)} > ${this.mac(frame.dst)}, ${this.ethertype(frame.ethertype)}, length ${ethernetFrameLength(frame)}: `;
    }
    return text + this.etherPayload(frame.payload);
  }

  private ethertype(ethertype: number): string {
    return `ethertype ${ETHERTYPE_NAMES.get(ethertype) ?? 'Unknown'} (0x${hex4(ethertype)})`;
  }

  private etherPayload(payload: ArpPacket | Ipv4Packet): string {
    return payload.kind === 'arp' ? this.arp(payload) : this.ip(payload);
  }

  private mac(mac: Mac): string {
    if (this.flags.numeric > 0) return mac;
    if (mac === 'ff:ff:ff:ff:ff:ff') return 'Broadcast';
    const oui = Number.parseInt(mac.slice(0, 8).replaceAll(':', ''), 16);
    return `${mac} (oui ${OUI_NAMES.get(oui) ?? 'Unknown'})`;
  }

  private host(addr: number): string {
    return formatIpv4(addr);
  }

  private tcpPort(port: number): string {
    return (this.flags.numeric > 0 ? undefined : tcpPortName(port)) ?? String(port);
  }

  private udpPort(port: number): string {
    return (this.flags.numeric > 0 ? undefined : udpPortName(port)) ?? String(port);
  }

  private arp(arp: ArpPacket): string {
    let text = this.flags.linkHeader ? '' : 'ARP, ';
    if (this.flags.verbose > 0) text += 'Ethernet (len 6), IPv4 (len 4), ';
    if (arp.op === 1) {
      text += `Request who-has ${this.host(arp.targetIp)}`;
      if (arp.targetMac !== '00:00:00:00:00:00') text += ` (${this.mac(arp.targetMac)})`;
      text += ` tell ${this.host(arp.senderIp)}`;
    } else {
      text += `Reply ${this.host(arp.senderIp)} is-at ${this.mac(arp.senderMac)}`;
    }
    return `${text}, length ${ARP_LEN}`;
  }

  /** An IPv4 packet; `totalLength` is the header's length field when the bytes are cut short. */
  private ip(packet: Ipv4Packet, totalLength = ipv4TotalLength(packet)): string {
    let text = this.flags.linkHeader ? '' : 'IP ';
    if (this.flags.verbose > 0) {
      const ecn = ['', ',ECT(1)', ',ECT(0)', ',CE'][packet.tos & 3];
      const ttl = packet.ttl >= 1 ? `, ttl ${packet.ttl}` : '';
      const proto = IP_PROTOCOL_NAMES.get(packet.protocol) ?? 'unknown';
      text +=
        `(tos 0x${packet.tos.toString(16)}${ecn}${ttl}, id ${packet.id}, offset 0, flags [${packet.df ? 'DF' : 'none'}], ` +
        `proto ${proto} (${packet.protocol}), length ${totalLength})\n    `;
    }
    return text + this.ipPayload(packet, totalLength - IPV4_HEADER_LEN);
  }

  private ipPayload(packet: Ipv4Packet, length: number): string {
    const payload = packet.payload;
    const hosts = `${this.host(packet.src)} > ${this.host(packet.dst)}:`;
    switch (payload.kind) {
      case 'tcp':
        return this.tcp(payload, packet);
      case 'udp':
        return this.udp(payload, packet);
      case 'icmp':
        return `${hosts} ${this.icmp(payload, length)}`;
      case 'ipv4':
        return `${hosts} ${this.ip(payload)}`;
      case 'raw':
        return this.partial(packet, payload.bytes, length);
    }
  }

  /** A payload the decoder left as bytes: cut short (quoted in an ICMP error), or another protocol. */
  private partial(packet: Ipv4Packet, bytes: Uint8Array, length: number): string {
    const src = this.host(packet.src);
    const dst = this.host(packet.dst);
    if (packet.protocol === IPPROTO_TCP) {
      if (bytes.length < 4) return `${src} > ${dst}: [|tcp]`;
      return `${src}.${this.tcpPort(get16(bytes, 0))} > ${dst}.${this.tcpPort(get16(bytes, 2))}:  [|tcp]`;
    }
    if (packet.protocol === IPPROTO_UDP && bytes.length >= UDP_HEADER_LEN) {
      const ports = `${src}.${this.udpPort(get16(bytes, 0))} > ${dst}.${this.udpPort(get16(bytes, 2))}:`;
      return `${ports} UDP, length ${get16(bytes, 4) - UDP_HEADER_LEN}`;
    }
    if (packet.protocol === IPPROTO_ICMP && bytes.length >= 8 && (bytes[0] === 0 || bytes[0] === 8)) {
      const what = bytes[0] === 8 ? 'request' : 'reply';
      return `${src} > ${dst}: ICMP echo ${what}, id ${get16(bytes, 4)}, seq ${get16(bytes, 6)}, length ${length}`;
    }
    const name = this.flags.numeric > 0 ? undefined : protocolName(packet.protocol);
    return `${src} > ${dst}:  ${name ?? `ip-proto-${packet.protocol}`} ${length}`;
  }

  private icmp(message: IcmpMessage, length: number): string {
    let text = `ICMP ${this.icmpText(message)}, length ${length}`;
    if (this.flags.verbose > 0) {
      const computed = internetChecksum(encodeIcmp(message));
      if (computed !== 0) {
        const sent = message.checksumOverride ?? icmpChecksum(message);
        text += ` (wrong icmp cksum ${sent.toString(16)} (->${checksumShouldBe(sent, computed).toString(16)})!)`;
      }
      if (ICMP_ERROR_TYPES.has(message.type)) text += `\n\t${this.quoted(message.data)}`;
    }
    return text;
  }

  private icmpText(message: IcmpMessage): string {
    const quoted = message.data;
    const quotedDst = () => this.host(get32(quoted, 16));
    switch (message.type) {
      case 0:
        return `echo reply, id ${message.id}, seq ${message.seq}`;
      case 8:
        return `echo request, id ${message.id}, seq ${message.seq}`;
      case 3: {
        const protocol = quoted[9] ?? 0;
        if (message.code === 2) return `${quotedDst()} protocol ${protocol} unreachable`;
        if (message.code === 3) {
          const dport = get16(quoted, ((quoted[0] ?? 0x45) & 0x0f) * 4 + 2);
          if (protocol === IPPROTO_TCP) return `${quotedDst()} tcp port ${this.tcpPort(dport)} unreachable`;
          if (protocol === IPPROTO_UDP) return `${quotedDst()} udp port ${this.udpPort(dport)} unreachable`;
          return `${quotedDst()} protocol ${protocol} port ${dport} unreachable`;
        }
        if (message.code === 4) {
          const mtu = message.seq;
          return `${quotedDst()} unreachable - need to frag${mtu ? ` (mtu ${mtu})` : ''}`;
        }
        const template = UNREACHABLE_TEXT.get(message.code);
        return template ? template.replace('%s', quotedDst()) : `${quotedDst()} unreachable - #${message.code}`;
      }
      case 4:
        return 'source quench';
      case 11:
        return message.code === 0 ? 'time exceeded in-transit' : 'ip reassembly time exceeded';
      case 12:
        return `parameter problem - octet ${message.id >>> 8}`;
      default:
        return `type-#${message.type}`;
    }
  }

  /** The packet quoted in an ICMP error, printed as tcpdump -v does after the ICMP line. */
  private quoted(data: Uint8Array): string {
    const packet = decodeIpv4(data);
    if (packet === null) return '[|ip]';
    return this.ip(packet, get16(data, 2));
  }

  private tcp(segment: TcpSegment, ip: Ipv4Packet): string {
    const flagsByte = tcpFlagsByte(segment.flags);
    const letters = TCP_FLAG_LETTERS.filter(([bit]) => flagsByte & bit)
      .map(([, letter]) => letter)
      .join('');
    let text = `${this.host(ip.src)}.${this.tcpPort(segment.srcPort)} > ${this.host(ip.dst)}.${this.tcpPort(segment.dstPort)}: Flags [${letters || 'none'}]`;
    let seq = segment.seq;
    let ack = segment.ack;
    if (!this.flags.absoluteSeq && segment.flags.ack) {
      [seq, ack] = this.relative(segment, ip);
    }
    if (this.flags.verbose > 0) {
      const sent = segment.checksumOverride ?? tcpChecksum(segment, ip.src, ip.dst);
      const computed = tcpReceivedSum(segment, ip.src, ip.dst);
      text += `, cksum 0x${hex4(sent)}`;
      text += computed === 0 ? ' (correct)' : ` (incorrect -> 0x${hex4(checksumShouldBe(sent, computed))})`;
    }
    const length = segment.data.length;
    if (this.flags.verbose > 1 || length > 0 || segment.flags.syn || segment.flags.fin || segment.flags.rst) {
      text += `, seq ${seq}`;
      if (length > 0) text += `:${(seq + length) >>> 0}`;
    }
    if (segment.flags.ack) text += `, ack ${ack}`;
    text += `, win ${segment.window}`;
    if (segment.flags.urg) text += `, urg ${segment.urgent}`;
    if (segment.options.length > 0) text += `, options [${this.tcpOptions(segment)}]`;
    text += `, length ${length}`;
    // With -T, tcpdump decodes no TCP payload (its -T types for TCP are ones we do not have).
    if (
      length > 0 &&
      !this.flags.vxlanAll &&
      HTTP_PORTS.some((port) => port === segment.srcPort || port === segment.dstPort)
    ) {
      text += `: ${this.http(segment.data)}`;
    }
    return text;
  }

  /** Relative seq/ack, as tcpdump's tcp_seq_hash does it (only segments with ACK take part). */
  private relative(segment: TcpSegment, ip: Ipv4Packet): [number, number] {
    const { srcPort, dstPort } = segment;
    const rev = srcPort > dstPort || (srcPort === dstPort && ip.src > ip.dst);
    const key = rev ? `${ip.dst}>${ip.src}:${dstPort}>${srcPort}` : `${ip.src}>${ip.dst}:${srcPort}>${dstPort}`;
    const known = this.conversations.get(key);
    if (!known || segment.flags.syn) {
      const before = (segment.ack - 1) >>> 0;
      this.conversations.set(key, rev ? { ack: segment.seq, seq: before } : { seq: segment.seq, ack: before });
      return [segment.seq, segment.ack];
    }
    if (rev) return [(segment.seq - known.ack) >>> 0, (segment.ack - known.seq) >>> 0];
    return [(segment.seq - known.seq) >>> 0, (segment.ack - known.ack) >>> 0];
  }

  private tcpOptions(segment: TcpSegment): string {
    const parts = segment.options.map(tcpOptionText);
    // Options that do not fill a 4-byte boundary are padded with end-of-list, which tcpdump shows.
    const listed = segment.options.reduce((sum, option) => sum + TCP_OPTION_LENGTHS[option.kind], 0);
    if (tcpHeaderLength(segment) - TCP_HEADER_LEN > listed) parts.push('eol');
    return parts.join(',');
  }

  /** tcpdump's txtproto_print for HTTP: the first line, or with -v every text line. */
  private http(data: Uint8Array): string {
    let printThis = false;
    const first = fetchToken(data, 0);
    if (first) {
      if (HTTP_METHODS.has(first.token.toUpperCase())) printThis = true;
      const second = fetchToken(data, first.next);
      if (second && /^\d{3}$/.test(second.token)) printThis = true;
    }
    let text = 'HTTP';
    if (!printThis) return text;
    if (this.flags.verbose > 0) {
      text += `, length: ${data.length}`;
      for (let at = 0; at < data.length; ) {
        const line = textLine(data, '\n\t', at);
        text += line.text;
        if (line.next === 0) break;
        at = line.next;
      }
      return text;
    }
    return text + textLine(data, ': ', 0).text;
  }

  private udp(datagram: UdpDatagram, ip: Ipv4Packet): string {
    let text = `${this.host(ip.src)}.${this.udpPort(datagram.srcPort)} > ${this.host(ip.dst)}.${this.udpPort(datagram.dstPort)}: `;
    if (this.flags.vxlanAll) return text + this.vxlan(datagram, 'VXLAN');
    if (this.flags.verbose > 1) {
      const sent = datagram.checksumOverride ?? udpChecksum(datagram, ip.src, ip.dst);
      const computed = udpReceivedSum(datagram, ip.src, ip.dst);
      if (sent === 0) text += '[no cksum] ';
      else if (computed !== 0)
        text += `[bad udp cksum 0x${hex4(sent)} -> 0x${hex4(checksumShouldBe(sent, computed))}!] `;
      else text += '[udp sum ok] ';
    }
    const ports = [datagram.srcPort, datagram.dstPort];
    if (ports.includes(VXLAN_PORT)) return text + this.vxlan(datagram, 'VXLAN');
    if (ports.includes(OTV_PORT)) return text + this.vxlan(datagram, 'OTV');
    return `${text}UDP, length ${udpLength(datagram) - UDP_HEADER_LEN}`;
  }

  /**
   * The 8-byte VXLAN header and the inner frame on the next line. On port 8472 tcpdump decodes it
   * as Cisco OTV, whose overlay and instance ids sit where VXLAN has reserved bytes and the VNI.
   */
  private vxlan(datagram: UdpDatagram, as: 'VXLAN' | 'OTV'): string {
    const payload = datagram.payload;
    if (payload.kind === 'raw' && payload.bytes.length < 8) return `${as} (invalid)`;
    const flags = payload.kind === 'vxlan' ? payload.flags : (payload.bytes[0] ?? 0);
    const vni = payload.kind === 'vxlan' ? payload.vni : get32(payload.bytes, 4) >>> 8;
    const overlay = payload.kind === 'vxlan' ? 0 : get32(payload.bytes, 0) & 0xffffff;
    const flagText = `flags [${flags & 0x08 ? 'I' : 'none'}] (0x${flags.toString(16).padStart(2, '0')})`;
    const header =
      as === 'VXLAN' ? `VXLAN, ${flagText}, vni ${vni}` : `OTV, ${flagText}, overlay ${overlay}, instance ${vni}`;
    const inner = payload.kind === 'vxlan' ? payload.inner : decodeEthernet(payload.bytes.subarray(8));
    return inner ? `${header}\n${this.ether(inner)}` : `${header}\n`;
  }
}
