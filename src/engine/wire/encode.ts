/**
 * Packet values ↔ bytes. `encode*` lays a value out as it goes on the wire (lengths, checksums,
 * TCP option order as given); `decode*` reads wire bytes (as `tcpdump -w` stores them) back into
 * values. Checksums a sender got wrong are kept in `checksumOverride`, so decode → encode gives the
 * same bytes. The length helpers answer "how long would this be" without building the bytes.
 */
import { type Mac, macBytes, macFromBytes } from './addr.ts';
import {
  type ArpPacket,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  type EthernetFrame,
  type IcmpMessage,
  IPPROTO_ICMP,
  IPPROTO_IPIP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  type Ipv4Packet,
  type TcpFlags,
  type TcpOption,
  type TcpSegment,
  type UdpDatagram,
  type VxlanPacket,
} from './packet.ts';

export const ETHERNET_HEADER_LEN = 14;
export const ARP_LEN = 28;
export const IPV4_HEADER_LEN = 20;
export const ICMP_HEADER_LEN = 8;
export const TCP_HEADER_LEN = 20;
export const UDP_HEADER_LEN = 8;
export const VXLAN_HEADER_LEN = 8;
export const SLL2_HEADER_LEN = 20;

/** The UDP ports whose payload is decoded as VXLAN: IANA's and the Linux/flannel default. */
export const VXLAN_PORTS: readonly number[] = [4789, 8472];

/** pcap link types (the DLT/LINKTYPE numbers written in capture files). */
export const LINKTYPE_ETHERNET = 1;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LINUX_SLL2 = 276;

// ---------------------------------------------------------------------------------------------
// Checksums

/** Adds the bytes as big-endian 16-bit words to a running (unfolded) sum. */
function addWords(sum: number, bytes: Uint8Array): number {
  let acc = sum;
  const even = bytes.length & ~1;
  for (let i = 0; i < even; i += 2) acc += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  if (even < bytes.length) acc += (bytes[even] ?? 0) << 8;
  return acc;
}

function fold(sum: number): number {
  let acc = sum;
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return acc;
}

/** The Internet checksum (RFC 1071) of the bytes, with an optional unfolded sum to start from. */
export function internetChecksum(bytes: Uint8Array, initial = 0): number {
  return ~fold(addWords(initial, bytes)) & 0xffff;
}

function pseudoHeaderSum(src: number, dst: number, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

// ---------------------------------------------------------------------------------------------
// Lengths

function tcpOptionLength(option: TcpOption): number {
  switch (option.kind) {
    case 'mss':
      return 4;
    case 'sackOK':
      return 2;
    case 'timestamp':
      return 10;
    case 'nop':
      return 1;
    case 'wscale':
      return 3;
  }
}

/** The TCP header length: 20 bytes plus the options, padded to a multiple of four. */
export function tcpHeaderLength(segment: TcpSegment): number {
  const options = segment.options.reduce((sum, option) => sum + tcpOptionLength(option), 0);
  return TCP_HEADER_LEN + Math.ceil(options / 4) * 4;
}

export function udpLength(datagram: UdpDatagram): number {
  const payload = datagram.payload;
  const body = payload.kind === 'vxlan' ? VXLAN_HEADER_LEN + ethernetFrameLength(payload.inner) : payload.bytes.length;
  return UDP_HEADER_LEN + body;
}

/** The length of an IPv4 packet's payload (total length minus the header). */
export function ipv4PayloadLength(packet: Ipv4Packet): number {
  const payload = packet.payload;
  switch (payload.kind) {
    case 'icmp':
      return ICMP_HEADER_LEN + payload.data.length;
    case 'tcp':
      return tcpHeaderLength(payload) + payload.data.length;
    case 'udp':
      return udpLength(payload);
    case 'ipv4':
      return ipv4TotalLength(payload);
    case 'raw':
      return payload.bytes.length;
  }
}

/** The IPv4 total length field. */
export function ipv4TotalLength(packet: Ipv4Packet): number {
  return IPV4_HEADER_LEN + ipv4PayloadLength(packet);
}

/** The length of an Ethernet frame as captured (header and payload, no FCS, no padding). */
export function ethernetFrameLength(frame: EthernetFrame): number {
  return ETHERNET_HEADER_LEN + (frame.payload.kind === 'arp' ? ARP_LEN : ipv4TotalLength(frame.payload));
}

// ---------------------------------------------------------------------------------------------
// Encoding

function put16(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 8) & 0xff;
  out[at + 1] = value & 0xff;
}

function put32(out: Uint8Array, at: number, value: number): void {
  out[at] = (value >>> 24) & 0xff;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

function putMac(out: Uint8Array, at: number, mac: Mac): void {
  out.set(macBytes(mac), at);
}

export function encodeEthernet(frame: EthernetFrame): Uint8Array {
  const payload = frame.payload.kind === 'arp' ? encodeArp(frame.payload) : encodeIpv4(frame.payload);
  const out = new Uint8Array(ETHERNET_HEADER_LEN + payload.length);
  putMac(out, 0, frame.dst);
  putMac(out, 6, frame.src);
  put16(out, 12, frame.ethertype);
  out.set(payload, ETHERNET_HEADER_LEN);
  return out;
}

export function encodeArp(arp: ArpPacket): Uint8Array {
  const out = new Uint8Array(ARP_LEN);
  put16(out, 0, 1);
  put16(out, 2, ETHERTYPE_IPV4);
  out[4] = 6;
  out[5] = 4;
  put16(out, 6, arp.op);
  putMac(out, 8, arp.senderMac);
  put32(out, 14, arp.senderIp);
  putMac(out, 18, arp.targetMac);
  put32(out, 24, arp.targetIp);
  return out;
}

function encodeIpPayload(packet: Ipv4Packet): Uint8Array {
  const payload = packet.payload;
  switch (payload.kind) {
    case 'icmp':
      return encodeIcmp(payload);
    case 'tcp':
      return encodeTcp(payload, packet.src, packet.dst);
    case 'udp':
      return encodeUdp(payload, packet.src, packet.dst);
    case 'ipv4':
      return encodeIpv4(payload);
    case 'raw':
      return payload.bytes;
  }
}

/** The 20-byte IPv4 header (no options) with its checksum, for a payload of the given length. */
export function encodeIpv4Header(packet: Ipv4Packet, payloadLength: number): Uint8Array {
  const out = new Uint8Array(IPV4_HEADER_LEN);
  out[0] = 0x45;
  out[1] = packet.tos & 0xff;
  put16(out, 2, IPV4_HEADER_LEN + payloadLength);
  put16(out, 4, packet.id & 0xffff);
  put16(out, 6, packet.df ? 0x4000 : 0);
  out[8] = packet.ttl & 0xff;
  out[9] = packet.protocol & 0xff;
  put32(out, 12, packet.src);
  put32(out, 16, packet.dst);
  put16(out, 10, internetChecksum(out));
  return out;
}

export function encodeIpv4(packet: Ipv4Packet): Uint8Array {
  const payload = encodeIpPayload(packet);
  const out = new Uint8Array(IPV4_HEADER_LEN + payload.length);
  out.set(encodeIpv4Header(packet, payload.length), 0);
  out.set(payload, IPV4_HEADER_LEN);
  return out;
}

function icmpBytes(message: IcmpMessage, checksum: number): Uint8Array {
  const out = new Uint8Array(ICMP_HEADER_LEN + message.data.length);
  out[0] = message.type;
  out[1] = message.code;
  put16(out, 2, checksum);
  put16(out, 4, message.id);
  put16(out, 6, message.seq);
  out.set(message.data, ICMP_HEADER_LEN);
  return out;
}

/** The correct ICMP checksum of a message. */
export function icmpChecksum(message: IcmpMessage): number {
  return internetChecksum(icmpBytes(message, 0));
}

/** ICMP: type, code, checksum, then id/seq (echo) or the rest-of-header words, then data. */
export function encodeIcmp(message: IcmpMessage): Uint8Array {
  return icmpBytes(message, message.checksumOverride ?? icmpChecksum(message));
}

const TCP_FLAG_BITS: readonly [keyof TcpFlags, number][] = [
  ['fin', 0x01],
  ['syn', 0x02],
  ['rst', 0x04],
  ['psh', 0x08],
  ['ack', 0x10],
  ['urg', 0x20],
  ['ece', 0x40],
  ['cwr', 0x80],
];

export function tcpFlagsByte(flags: TcpFlags): number {
  let byte = 0;
  for (const [name, bit] of TCP_FLAG_BITS) if (flags[name]) byte |= bit;
  return byte;
}

export function tcpFlagsFromByte(byte: number): TcpFlags {
  const flags: TcpFlags = {};
  for (const [name, bit] of TCP_FLAG_BITS) if (byte & bit) flags[name] = true;
  return flags;
}

function tcpBytes(segment: TcpSegment, checksum: number): Uint8Array {
  const headerLength = tcpHeaderLength(segment);
  const out = new Uint8Array(headerLength + segment.data.length);
  put16(out, 0, segment.srcPort);
  put16(out, 2, segment.dstPort);
  put32(out, 4, segment.seq);
  put32(out, 8, segment.ack);
  out[12] = (headerLength / 4) << 4;
  out[13] = tcpFlagsByte(segment.flags);
  put16(out, 14, segment.window);
  put16(out, 16, checksum);
  put16(out, 18, segment.urgent);
  let at = TCP_HEADER_LEN;
  for (const option of segment.options) {
    switch (option.kind) {
      case 'mss':
        out.set([2, 4], at);
        put16(out, at + 2, option.value);
        break;
      case 'sackOK':
        out.set([4, 2], at);
        break;
      case 'timestamp':
        out.set([8, 10], at);
        put32(out, at + 2, option.val);
        put32(out, at + 6, option.ecr);
        break;
      case 'nop':
        out[at] = 1;
        break;
      case 'wscale':
        out.set([3, 3, option.shift], at);
        break;
    }
    at += tcpOptionLength(option);
  }
  out.set(segment.data, headerLength);
  return out;
}

/** The correct TCP checksum of a segment between two addresses (pseudo-header included). */
export function tcpChecksum(segment: TcpSegment, src: number, dst: number): number {
  const bytes = tcpBytes(segment, 0);
  return internetChecksum(bytes, pseudoHeaderSum(src, dst, IPPROTO_TCP, bytes.length));
}

/**
 * The Internet checksum over a segment as it is sent, pseudo-header included: 0 when its checksum
 * is right (what a receiver, or tcpdump -v, computes to check it).
 */
export function tcpReceivedSum(segment: TcpSegment, src: number, dst: number): number {
  const bytes = encodeTcp(segment, src, dst);
  return internetChecksum(bytes, pseudoHeaderSum(src, dst, IPPROTO_TCP, bytes.length));
}

/** TCP: options are laid out in the order given, then zero-padded (end of list) to 4 bytes. */
export function encodeTcp(segment: TcpSegment, src: number, dst: number): Uint8Array {
  return tcpBytes(segment, segment.checksumOverride ?? tcpChecksum(segment, src, dst));
}

export function encodeVxlan(vxlan: VxlanPacket): Uint8Array {
  const inner = encodeEthernet(vxlan.inner);
  const out = new Uint8Array(VXLAN_HEADER_LEN + inner.length);
  out[0] = vxlan.flags;
  out[4] = (vxlan.vni >>> 16) & 0xff;
  out[5] = (vxlan.vni >>> 8) & 0xff;
  out[6] = vxlan.vni & 0xff;
  out.set(inner, VXLAN_HEADER_LEN);
  return out;
}

function udpBytes(datagram: UdpDatagram, checksum: number): Uint8Array {
  const payload = datagram.payload.kind === 'vxlan' ? encodeVxlan(datagram.payload) : datagram.payload.bytes;
  const out = new Uint8Array(UDP_HEADER_LEN + payload.length);
  put16(out, 0, datagram.srcPort);
  put16(out, 2, datagram.dstPort);
  put16(out, 4, out.length);
  put16(out, 6, checksum);
  out.set(payload, UDP_HEADER_LEN);
  return out;
}

/** The correct UDP checksum (a computed 0 is sent as 0xffff, since 0 means "none"). */
export function udpChecksum(datagram: UdpDatagram, src: number, dst: number): number {
  const bytes = udpBytes(datagram, 0);
  const sum = internetChecksum(bytes, pseudoHeaderSum(src, dst, IPPROTO_UDP, bytes.length));
  return sum === 0 ? 0xffff : sum;
}

/** As `tcpReceivedSum`, for UDP: 0 when the datagram's checksum is right. */
export function udpReceivedSum(datagram: UdpDatagram, src: number, dst: number): number {
  const bytes = encodeUdp(datagram, src, dst);
  return internetChecksum(bytes, pseudoHeaderSum(src, dst, IPPROTO_UDP, bytes.length));
}

/** UDP: `checksumOverride` is written as is (0 = no checksum); otherwise the correct checksum. */
export function encodeUdp(datagram: UdpDatagram, src: number, dst: number): Uint8Array {
  return udpBytes(datagram, datagram.checksumOverride ?? udpChecksum(datagram, src, dst));
}

/** The Linux "cooked v2" header that `tcpdump -i any` writes in front of each packet. */
export interface Sll2Header {
  /** The ethertype of the payload. */
  protocol: number;
  ifIndex: number;
  /** ARPHRD_* of the device: 1 Ethernet, 772 loopback, 768 IPIP tunnel, 65534 none (TUN). */
  haType: number;
  /** 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us. */
  packetType: number;
  /** The link-layer source address, or null when the device has none. */
  address: Mac | null;
}

export function encodeSll2(header: Sll2Header, payload: ArpPacket | Ipv4Packet): Uint8Array {
  const body = payload.kind === 'arp' ? encodeArp(payload) : encodeIpv4(payload);
  const out = new Uint8Array(SLL2_HEADER_LEN + body.length);
  put16(out, 0, header.protocol);
  put32(out, 4, header.ifIndex);
  put16(out, 8, header.haType);
  out[10] = header.packetType;
  if (header.address !== null) {
    out[11] = 6;
    putMac(out, 12, header.address);
  }
  out.set(body, SLL2_HEADER_LEN);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

function get16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

function get32(bytes: Uint8Array, at: number): number {
  return (
    (((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0)) >>> 0
  );
}

/** An Ethernet II frame carrying ARP or IPv4; null for anything else (IPv6, VLAN tags, runts). */
export function decodeEthernet(bytes: Uint8Array): EthernetFrame | null {
  if (bytes.length < ETHERNET_HEADER_LEN) return null;
  const ethertype = get16(bytes, 12);
  const payload = decodeEtherPayload(ethertype, bytes.subarray(ETHERNET_HEADER_LEN));
  if (payload === null) return null;
  return {
    kind: 'ethernet',
    dst: macFromBytes(bytes.subarray(0, 6)),
    src: macFromBytes(bytes.subarray(6, 12)),
    ethertype,
    payload,
  };
}

function decodeEtherPayload(ethertype: number, bytes: Uint8Array): ArpPacket | Ipv4Packet | null {
  if (ethertype === ETHERTYPE_ARP) return decodeArp(bytes);
  if (ethertype === ETHERTYPE_IPV4) return decodeIpv4(bytes);
  return null;
}

/** ARP for IPv4 over Ethernet; null for other hardware/protocol types or operations. */
export function decodeArp(bytes: Uint8Array): ArpPacket | null {
  if (bytes.length < ARP_LEN) return null;
  if (get16(bytes, 0) !== 1 || get16(bytes, 2) !== ETHERTYPE_IPV4 || bytes[4] !== 6 || bytes[5] !== 4) return null;
  const op = get16(bytes, 6);
  if (op !== 1 && op !== 2) return null;
  return {
    kind: 'arp',
    op,
    senderMac: macFromBytes(bytes.subarray(8, 14)),
    senderIp: get32(bytes, 14),
    targetMac: macFromBytes(bytes.subarray(18, 24)),
    targetIp: get32(bytes, 24),
  };
}

/**
 * An IPv4 packet (20-byte header, not fragmented); bytes past the total length (Ethernet padding)
 * are ignored. A payload that is cut short (the quoted packet in an ICMP error) or of another
 * protocol stays raw bytes. Null when the bytes are not such a packet.
 */
export function decodeIpv4(bytes: Uint8Array): Ipv4Packet | null {
  if (bytes.length < IPV4_HEADER_LEN || bytes[0] !== 0x45) return null;
  const totalLength = get16(bytes, 2);
  if (totalLength < IPV4_HEADER_LEN) return null;
  const fragment = get16(bytes, 6);
  if ((fragment & 0x3fff) !== 0) return null;
  const protocol = bytes[9] ?? 0;
  const src = get32(bytes, 12);
  const dst = get32(bytes, 16);
  const body = bytes.subarray(IPV4_HEADER_LEN, Math.min(bytes.length, totalLength));
  const complete = body.length === totalLength - IPV4_HEADER_LEN;
  let payload: Ipv4Packet['payload'] | null = null;
  if (complete) {
    if (protocol === IPPROTO_ICMP) payload = decodeIcmp(body);
    else if (protocol === IPPROTO_TCP) payload = decodeTcp(body, src, dst);
    else if (protocol === IPPROTO_UDP) payload = decodeUdp(body, src, dst);
    else if (protocol === IPPROTO_IPIP) payload = decodeIpv4(body);
  }
  return {
    kind: 'ipv4',
    src,
    dst,
    ttl: bytes[8] ?? 0,
    id: get16(bytes, 4),
    tos: bytes[1] ?? 0,
    df: (fragment & 0x4000) !== 0,
    protocol,
    payload: payload ?? { kind: 'raw', bytes: body.slice() },
  };
}

const ICMP_ERROR_TYPES = new Set([3, 4, 5, 11, 12]);

export function decodeIcmp(bytes: Uint8Array): IcmpMessage | null {
  if (bytes.length < ICMP_HEADER_LEN) return null;
  const data = bytes.slice(ICMP_HEADER_LEN);
  const message: IcmpMessage = {
    kind: 'icmp',
    type: bytes[0] ?? 0,
    code: bytes[1] ?? 0,
    id: get16(bytes, 4),
    seq: get16(bytes, 6),
    data,
  };
  if (ICMP_ERROR_TYPES.has(message.type)) {
    const quoted = decodeIpv4(data);
    if (quoted) message.quoted = quoted;
  }
  const sent = get16(bytes, 2);
  if (sent !== icmpChecksum(message)) message.checksumOverride = sent;
  return message;
}

/** TCP with the options the model knows (mss, sackOK, timestamp, nop, wscale, end of list). */
export function decodeTcp(bytes: Uint8Array, src: number, dst: number): TcpSegment | null {
  if (bytes.length < TCP_HEADER_LEN) return null;
  const headerLength = ((bytes[12] ?? 0) >>> 4) * 4;
  if (headerLength < TCP_HEADER_LEN || headerLength > bytes.length) return null;
  const options: TcpOption[] = [];
  let at = TCP_HEADER_LEN;
  while (at < headerLength) {
    const kind = bytes[at] ?? 0;
    if (kind === 0) {
      // End of list: the rest must be padding, or re-encoding would not give the same bytes.
      for (let i = at; i < headerLength; i++) if (bytes[i] !== 0) return null;
      break;
    }
    if (kind === 1) {
      options.push({ kind: 'nop' });
      at += 1;
      continue;
    }
    const length = bytes[at + 1] ?? 0;
    if (length < 2 || at + length > headerLength) return null;
    if (kind === 2 && length === 4) options.push({ kind: 'mss', value: get16(bytes, at + 2) });
    else if (kind === 4 && length === 2) options.push({ kind: 'sackOK' });
    else if (kind === 8 && length === 10)
      options.push({ kind: 'timestamp', val: get32(bytes, at + 2), ecr: get32(bytes, at + 6) });
    else if (kind === 3 && length === 3) options.push({ kind: 'wscale', shift: bytes[at + 2] ?? 0 });
    else return null;
    at += length;
  }
  const segment: TcpSegment = {
    kind: 'tcp',
    srcPort: get16(bytes, 0),
    dstPort: get16(bytes, 2),
    seq: get32(bytes, 4),
    ack: get32(bytes, 8),
    flags: tcpFlagsFromByte(bytes[13] ?? 0),
    window: get16(bytes, 14),
    urgent: get16(bytes, 18),
    options,
    data: bytes.slice(headerLength),
  };
  if (tcpHeaderLength(segment) !== headerLength) return null;
  const sent = get16(bytes, 16);
  if (sent !== tcpChecksum(segment, src, dst)) segment.checksumOverride = sent;
  return segment;
}

/** UDP; the payload is decoded as VXLAN on the VXLAN ports when it holds an I-flagged header. */
export function decodeUdp(bytes: Uint8Array, src: number, dst: number): UdpDatagram | null {
  if (bytes.length < UDP_HEADER_LEN || get16(bytes, 4) !== bytes.length) return null;
  const dstPort = get16(bytes, 2);
  const body = bytes.subarray(UDP_HEADER_LEN);
  let payload: UdpDatagram['payload'] = { kind: 'raw', bytes: body.slice() };
  if (VXLAN_PORTS.includes(dstPort)) {
    const vxlan = decodeVxlan(body);
    if (vxlan) payload = vxlan;
  }
  const datagram: UdpDatagram = { kind: 'udp', srcPort: get16(bytes, 0), dstPort, payload };
  const sent = get16(bytes, 6);
  if (sent !== udpChecksum(datagram, src, dst)) datagram.checksumOverride = sent;
  return datagram;
}

/** VXLAN (8-byte header, inner Ethernet); null unless the reserved bytes are zero and I is set. */
export function decodeVxlan(bytes: Uint8Array): VxlanPacket | null {
  if (bytes.length < VXLAN_HEADER_LEN + ETHERNET_HEADER_LEN) return null;
  const flags = bytes[0] ?? 0;
  if ((flags & 0x08) === 0 || bytes[1] || bytes[2] || bytes[3] || bytes[7]) return null;
  const inner = decodeEthernet(bytes.subarray(VXLAN_HEADER_LEN));
  if (inner === null || ethernetFrameLength(inner) !== bytes.length - VXLAN_HEADER_LEN) return null;
  return { kind: 'vxlan', vni: (get32(bytes, 4) >>> 8) & 0xffffff, flags, inner };
}

/** A LINUX_SLL2 record: its header, and the ARP or IPv4 packet after it (null for others). */
export function decodeSll2(bytes: Uint8Array): { header: Sll2Header; payload: ArpPacket | Ipv4Packet | null } | null {
  if (bytes.length < SLL2_HEADER_LEN) return null;
  const addressLength = bytes[11] ?? 0;
  const header: Sll2Header = {
    protocol: get16(bytes, 0),
    ifIndex: get32(bytes, 4),
    haType: get16(bytes, 8),
    packetType: bytes[10] ?? 0,
    address: addressLength === 6 ? macFromBytes(bytes.subarray(12, 18)) : null,
  };
  return { header, payload: decodeEtherPayload(header.protocol, bytes.subarray(SLL2_HEADER_LEN)) };
}
