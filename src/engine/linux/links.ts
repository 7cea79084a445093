import type { Ipv4, Mac } from '../wire/addr.ts';
import type { NetNs } from './netns.ts';

export type LinkKind = 'loopback' | 'veth' | 'bridge' | 'vxlan' | 'ipip' | 'ether' | 'dummy';

export interface LinkStats {
  rxBytes: number;
  rxPackets: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txDropped: number;
}

/** A bridge forwarding-database entry (learned or static). */
export interface FdbEntry {
  mac: Mac;
  /** The bridge port (for bridges) — an ifindex in the bridge's namespace. */
  port?: number;
  /** VXLAN remote (for `self` entries on a vxlan device). */
  dst?: Ipv4;
  /** VXLAN: the device the remote is reached through (`via eth0`), by ifindex. */
  via?: number;
  /** Never ages out (BR_FDB_STATIC): `permanent` and `static` entries. */
  permanent: boolean;
  /** Delivered to the host (BR_FDB_LOCAL, NUD_PERMANENT): shown as `permanent`, else `static`. */
  local: boolean;
  /** Virtual time (µs) the entry was last refreshed, for ageing. */
  updated: number;
}

interface LinkCommon {
  ifindex: number;
  name: string;
  netns: NetNs;
  mtu: number;
  mac: Mac;
  /** IFF_UP: set by `ip link set … up`. */
  adminUp: boolean;
  /** The qdisc shown once the device has been up (noop before). */
  qdiscWhenUp: string;
  hasBeenUp: boolean;
  qlen: number;
  /** Bridge the device is enslaved to, by ifindex in the same namespace. */
  master?: number;
  stats: LinkStats;
  promiscuity: number;
  /** Bridge-port settings when enslaved. */
  hairpin: boolean;
  /** Whether addrconf has configured the IPv6 link-local address (on first carrier after up). */
  ll6: boolean;
  /** Virtual time (µs) when IPv6 DAD of the link-local address completes. */
  dadDoneAt: number;
  /** The MAC the link-local address was built from: addrconf keeps it when the MAC changes later. */
  ll6Mac?: Mac;
  /** Hardware multicast addresses (dev->mc), in the order they were added (`bridge fdb` `self`). */
  mc: Mac[];
  /** Unicast addresses added with `bridge fdb add … self` (dev->uc). */
  uc: Mac[];
  minmtu: number;
  maxmtu: number;
  numtxqueues: number;
  numrxqueues: number;
  tsoMaxSize: number;
}

export interface LoopbackLink extends LinkCommon {
  kind: 'loopback';
}

export interface VethLink extends LinkCommon {
  kind: 'veth';
  peer: VethLink;
}

export interface BridgeLink extends LinkCommon {
  kind: 'bridge';
  fdb: FdbEntry[];
  ageingTime: number;
  /** Set when the bridge's MAC was given explicitly; otherwise it follows its ports. */
  macFixed: boolean;
  /** Whether a port was ever enslaved: until then the bridge id is zero and the state UNKNOWN. */
  hadPorts: boolean;
  /** Virtual time (µs) the bridge was last brought up: its garbage-collection timer starts then. */
  openedAt: number;
}

export interface VxlanLink extends LinkCommon {
  kind: 'vxlan';
  vni: number;
  local?: Ipv4;
  remote?: Ipv4;
  /** The underlay device, by ifindex. */
  dev?: number;
  dstport: number;
  learning: boolean;
  fdb: FdbEntry[];
}

export interface IpipLink extends LinkCommon {
  kind: 'ipip';
  local?: Ipv4;
  remote?: Ipv4;
}

/** An underlay NIC plugged into a segment (a switch joining hosts). */
export interface EtherLink extends LinkCommon {
  kind: 'ether';
  segment?: string;
}

export interface DummyLink extends LinkCommon {
  kind: 'dummy';
}

export type Link = LoopbackLink | VethLink | BridgeLink | VxlanLink | IpipLink | EtherLink | DummyLink;

export function emptyStats(): LinkStats {
  return { rxBytes: 0, rxPackets: 0, rxDropped: 0, txBytes: 0, txPackets: 0, txDropped: 0 };
}
