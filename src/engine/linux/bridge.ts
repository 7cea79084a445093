/**
 * What a Linux bridge keeps besides forwarding: its forwarding database as `bridge fdb` dumps it,
 * its MAC (the lowest port MAC unless set), and the hardware multicast lists that devices join as
 * IPv4 and IPv6 come up (shown as `self permanent` fdb entries). NetNs calls these on link changes.
 */
import type { Mac } from '../wire/addr.ts';
import type { BridgeLink, FdbEntry, Link } from './links.ts';
import type { LinkOptions, NetNs } from './netns.ts';

export const ZERO_MAC = '00:00:00:00:00:00';
/** ff02::1 (all nodes), joined when IPv6 is set up on a device. */
export const ALL_NODES_MAC = '33:33:00:00:00:01';
/** 224.0.0.1 (all hosts), joined when IPv4 comes up on a device. */
export const ALL_HOSTS_MAC = '01:00:5e:00:00:01';
/** 224.0.0.106 and ff02::6a (all snoopers), joined by a bridge with multicast snooping when it opens. */
const SNOOPER_MACS = ['01:00:5e:00:00:6a', '33:33:00:00:00:6a'];
/** The DAD probe and MLD reports go out this long after IPv6 is set up; bridges learn from them. */
const ANNOUNCE_MICROS = 1_000;

export function createBridge(ns: NetNs, name: string, options: LinkOptions): BridgeLink {
  return ns.createLink('bridge', name, options, {
    tsoMaxSize: 65536,
    fdb: [],
    ageingTime: 30000,
    macFixed: options.mac !== undefined,
    hadPorts: false,
    openedAt: 0,
  });
}

/** Devices whose multicast list holds Ethernet addresses (lo and IPIP tunnels have none). */
function hasEtherMc(link: Link): boolean {
  return link.kind !== 'loopback' && link.kind !== 'ipip';
}

/** The multicast list of a new device: IPv6 joins all-nodes as soon as the device exists. */
export function initialMc(link: Link): Mac[] {
  return hasEtherMc(link) ? [ALL_NODES_MAC] : [];
}

function mcAdd(link: Link, mac: Mac): void {
  if (hasEtherMc(link) && !link.mc.includes(mac)) link.mc.push(mac);
}

function mcDel(link: Link, mac: Mac): void {
  const i = link.mc.indexOf(mac);
  if (i >= 0) link.mc.splice(i, 1);
}

/** 33:33:ff plus the low 24 bits: the solicited-node group of an address built from `mac`. */
export function solicitedNodeMac(mac: Mac): Mac {
  return `33:33:ff:${mac.slice(9)}`;
}

/** NETDEV_UP: a bridge opens (snooping groups, gc timer), then IPv4 joins all-hosts. */
export function linkOpened(link: Link, now: number): void {
  if (link.kind === 'bridge') {
    link.openedAt = now;
    for (const mac of SNOOPER_MACS) mcAdd(link, mac);
  }
  mcAdd(link, ALL_HOSTS_MAC);
}

/** NETDEV_DOWN: IPv4 leaves its groups, a bridge its snooping ones, and IPv6 (if it was set up) its own. */
export function linkClosed(link: Link): void {
  mcDel(link, ALL_HOSTS_MAC);
  if (link.kind === 'bridge') for (const mac of SNOOPER_MACS) mcDel(link, mac);
  if (link.ll6) {
    mcDel(link, ALL_NODES_MAC);
    if (link.ll6Mac !== undefined) mcDel(link, solicitedNodeMac(link.ll6Mac));
  }
}

/** addrconf configures the link-local address (first carrier after up) and announces it. */
export function ipv6Ready(ns: NetNs, link: Link): void {
  link.ll6Mac = link.mac;
  mcAdd(link, ALL_NODES_MAC);
  mcAdd(link, solicitedNodeMac(link.mac));
  const mac = link.mac;
  ns.kernel.events.schedule(ANNOUNCE_MICROS, () => {
    if (link.adminUp && link.netns.links.get(link.ifindex) === link) announce(link, mac);
  });
}

/**
 * The DAD probe and MLD reports a device sends once IPv6 is set up: the frames themselves are not
 * modelled (nothing but bridges would see them), only what they leave behind, the sender's MAC
 * learned by every bridge on their way.
 */
function announce(sender: Link, mac: Mac): void {
  const seen = new Set<Link>();
  const now = sender.netns.kernel.clock.micros;
  const sendFrom = (link: Link) => {
    for (const rx of receivers(link)) receive(rx);
  };
  const receive = (rx: Link) => {
    if (seen.has(rx) || !rx.adminUp) return;
    seen.add(rx);
    const master = rx.master !== undefined ? rx.netns.links.get(rx.master) : undefined;
    if (master?.kind !== 'bridge' || !portForwarding(master, rx)) return;
    learn(master, rx, mac, now);
    // Multicast floods out of every other forwarding port.
    for (const port of rx.netns.bridgePorts(master)) if (port !== rx && portForwarding(master, port)) sendFrom(port);
  };
  if (sender.kind === 'bridge') {
    for (const port of sender.netns.bridgePorts(sender)) if (portForwarding(sender, port)) sendFrom(port);
  } else sendFrom(sender);
}

function receivers(link: Link): Link[] {
  if (link.kind === 'veth') return link.peer.adminUp ? [link.peer] : [];
  if (link.kind === 'ether' && link.segment !== undefined) {
    const members = link.netns.kernel.stack.segments.get(link.segment) ?? [];
    return members.filter((other) => other !== link);
  }
  return [];
}

/** A port forwards (STP is off) when the bridge is up and the port is up with carrier. */
export function portForwarding(bridge: BridgeLink, port: Link): boolean {
  return bridge.adminUp && port.netns.carrier(port);
}

/** br_fdb_update: a source MAC seen on a port (never one of the bridge's own). */
function learn(bridge: BridgeLink, port: Link, mac: Mac, now: number): void {
  if (bridge.netns.bridgePorts(bridge).some((p) => p.mac === mac) || mac === bridge.mac) return;
  const entry = bridge.fdb.find((e) => e.mac === mac);
  if (entry) {
    if (!entry.permanent) {
      entry.port = port.ifindex;
      entry.updated = now;
    }
    return;
  }
  bridge.fdb.push({ mac, port: port.ifindex, permanent: false, local: false, updated: now });
}

/** Entries for a port that stops forwarding (`all` when it leaves the bridge) go. */
export function flushPort(bridge: BridgeLink, port: Link, all: boolean): void {
  const keep = bridge.fdb.filter((e) => e.port !== port.ifindex || (!all && e.permanent));
  bridge.fdb.splice(0, bridge.fdb.length, ...keep);
}

/** br_stp_recalculate_bridge_id: the lowest port MAC, all zeros without ports, unless the MAC was set. */
export function recalculateBridgeMac(bridge: BridgeLink): void {
  if (bridge.macFixed) return;
  const macs = bridge.netns
    .bridgePorts(bridge)
    .map((p) => p.mac)
    .sort();
  bridge.mac = macs[0] ?? ZERO_MAC;
}

/** A port joined: the bridge's TSO limit follows its ports. */
export function portAdded(bridge: BridgeLink): void {
  const ports = bridge.netns.bridgePorts(bridge);
  if (ports.length > 0) bridge.tsoMaxSize = Math.min(...ports.map((p) => p.tsoMaxSize));
}

/** A port left (nomaster, deleted, moved away): its entries go and its port settings reset. */
export function portRemoved(bridge: BridgeLink, port: Link): void {
  flushPort(bridge, port, true);
  port.hairpin = false;
}

/** Whether a dynamic entry has aged out (the gc would have removed it by now). */
export function fdbExpired(bridge: BridgeLink, entry: FdbEntry, now: number): boolean {
  return !entry.permanent && now - entry.updated >= bridge.ageingTime * 10_000;
}

/** Seconds left on the bridge's fdb garbage-collection timer (first run 100 ms after it opens). */
export function gcTimerMicros(bridge: BridgeLink, now: number): number {
  if (!bridge.adminUp) return 0;
  const first = bridge.openedAt + 100_000;
  if (now < first) return first - now;
  const period = bridge.ageingTime * 10_000;
  return period - ((now - first) % period);
}
