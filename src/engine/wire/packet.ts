/**
 * Packets as structured values, layer by layer. The engine moves these through the network;
 * `encode.ts` turns them into bytes (lengths, checksums) and tcpdump prints them. Fields that a
 * real stack fills in (IP id, TCP sequence numbers, checksums) are set by whoever builds the packet,
 * from the engine's seeded generator, so that captures are deterministic.
 */
import type { Ipv4, Mac } from './addr.ts';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;

export const IPPROTO_ICMP = 1;
export const IPPROTO_IPIP = 4;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

export interface EthernetFrame {
  kind: 'ethernet';
  src: Mac;
  dst: Mac;
  ethertype: number;
  payload: ArpPacket | Ipv4Packet;
}

export interface ArpPacket {
  kind: 'arp';
  /** 1 request, 2 reply. */
  op: 1 | 2;
  senderMac: Mac;
  senderIp: Ipv4;
  targetMac: Mac;
  targetIp: Ipv4;
}

export interface Ipv4Packet {
  kind: 'ipv4';
  src: Ipv4;
  dst: Ipv4;
  ttl: number;
  /** The identification field. */
  id: number;
  tos: number;
  /** Don't Fragment. */
  df: boolean;
  protocol: number;
  payload: IcmpMessage | TcpSegment | UdpDatagram | Ipv4Packet | RawPayload;
}

export interface IcmpMessage {
  kind: 'icmp';
  type: number;
  code: number;
  /** Echo identifier and sequence (types 0 and 8). */
  id: number;
  seq: number;
  /** Echo data, or for errors (type 3, 11) the offending IP header plus 8 bytes. */
  data: Uint8Array;
  /** For error messages: the packet that caused it, as far as it is quoted. */
  quoted?: Ipv4Packet;
  /** The checksum as sent when it is not the correct one; undefined means correct. */
  checksumOverride?: number;
}

export interface TcpFlags {
  fin?: boolean;
  syn?: boolean;
  rst?: boolean;
  psh?: boolean;
  ack?: boolean;
  urg?: boolean;
  ece?: boolean;
  cwr?: boolean;
}

export type TcpOption =
  | { kind: 'mss'; value: number }
  | { kind: 'sackOK' }
  | { kind: 'timestamp'; val: number; ecr: number }
  | { kind: 'nop' }
  | { kind: 'wscale'; shift: number };

export interface TcpSegment {
  kind: 'tcp';
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: TcpFlags;
  /** The window field as sent (before scaling). */
  window: number;
  urgent: number;
  options: TcpOption[];
  data: Uint8Array;
  /**
   * The checksum as sent when it is not the correct one (a capture before checksum offload sees a
   * partial sum that tcpdump -v reports as incorrect); undefined means correct.
   */
  checksumOverride?: number;
}

export interface UdpDatagram {
  kind: 'udp';
  srcPort: number;
  dstPort: number;
  payload: VxlanPacket | RawPayload;
  /**
   * The checksum as sent, when the sender did not compute a valid one (VXLAN senders may leave a
   * stale value that tcpdump -v reports as bad); undefined means "correct" or 0 (none).
   */
  checksumOverride?: number;
}

export interface VxlanPacket {
  kind: 'vxlan';
  vni: number;
  /** The flags byte; 0x08 (I: VNI valid) in practice. */
  flags: number;
  inner: EthernetFrame;
}

export interface RawPayload {
  kind: 'raw';
  bytes: Uint8Array;
}
