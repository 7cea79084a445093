/**
 * A network namespace: its links, IPv4 addresses, routing tables, neighbours and sysctls, with the
 * side effects the kernel attaches to each change (connected routes, local/broadcast routes, routes
 * flushed when a device goes down). Commands call these methods; they never edit the maps directly.
 */
import {
  BROADCAST_MAC,
  broadcastOf,
  type Ipv4,
  inPrefix,
  linkLocalFromMac,
  type Mac,
  networkOf,
  prefixMask,
} from '../wire/addr.ts';
import {
  flushPort,
  initialMc,
  ipv6Ready,
  linkClosed,
  linkOpened,
  portAdded,
  portForwarding,
  portRemoved,
  recalculateBridgeMac,
} from './bridge.ts';
import { fail } from './errors.ts';
import { PROTO, type Route, RoutingTable, RT_TABLE, SCOPE } from './fib.ts';
import type { Kernel } from './kernel.ts';
import { type BridgeLink, emptyStats, type Link, type LinkKind, type VethLink } from './links.ts';
import { ConntrackTable } from './netfilter/conntrack/conntrack-table.ts';
import { IpsetTable } from './netfilter/ipset/ipset-table.ts';
import { ipsetLookup } from './netfilter/ipset/lookup.ts';
import { createNetfilterState } from './netfilter/state.ts';
import type { NetfilterState } from './netfilter/types.ts';

export interface IfAddr {
  ifindex: number;
  local: Ipv4;
  prefixlen: number;
  broadcast?: Ipv4;
  peer?: Ipv4;
  scope: number;
  label: string;
  secondary: boolean;
  noprefixroute: boolean;
}

export type NeighState = 'INCOMPLETE' | 'REACHABLE' | 'STALE' | 'DELAY' | 'PROBE' | 'FAILED' | 'PERMANENT' | 'NOARP';

export interface Neighbour {
  ifindex: number;
  ip: Ipv4;
  mac?: Mac;
  state: NeighState;
  /** Virtual time (µs) of the last confirmation, for REACHABLE → STALE. */
  confirmed: number;
  router: boolean;
  proxy: boolean;
}

/** Per-interface IPv4 settings under net.ipv4.conf.<dev>. */
export interface DevConf {
  forwarding: string;
  proxy_arp: string;
  rp_filter: string;
  accept_local: string;
  route_localnet: string;
}

const DEFAULT_DEV_CONF: DevConf = {
  forwarding: '0',
  proxy_arp: '0',
  rp_filter: '0',
  accept_local: '0',
  route_localnet: '0',
};

/** net.ipv4.neigh.<dev>.*: the neighbour-table parameters every device (and `default`) starts with. */
const NEIGH_DEFAULTS: Readonly<Record<string, string>> = {
  anycast_delay: '100',
  app_solicit: '0',
  base_reachable_time_ms: '30000',
  delay_first_probe_time: '5',
  gc_stale_time: '60',
  interval_probe_time_ms: '5000',
  locktime: '100',
  mcast_resolicit: '0',
  mcast_solicit: '3',
  proxy_delay: '80',
  proxy_qlen: '64',
  retrans_time_ms: '1000',
  ucast_solicit: '3',
  unres_qlen: '101',
  unres_qlen_bytes: '212992',
};

const LOOPBACK_ADDR = 0x7f000001;

/** Tentative IPv6 link-local addresses stay so for one DAD probe interval. */
const DAD_MICROS = 1_000_000;

export interface LinkOptions {
  mtu?: number;
  mac?: Mac;
  qdiscWhenUp?: string;
  ifindex?: number;
}

export class NetNs {
  readonly kernel: Kernel;
  /** A stable identity for `ip netns identify`, /proc/<pid>/ns/net and the like. */
  readonly inode: number;
  readonly links = new Map<number, Link>();
  readonly addrs: IfAddr[] = [];
  readonly tables = new Map<number, RoutingTable>();
  readonly neighbours: Neighbour[] = [];
  readonly sysctl = new Map<string, string>();
  readonly devConf = new Map<string, DevConf>();
  readonly ipsets: IpsetTable;
  readonly conntrack: ConntrackTable;
  readonly netfilter: NetfilterState;
  /** Peer namespace ids (`link-netnsid`), allocated on first reference. */
  readonly nsids = new Map<NetNs, number>();
  #nextIfindex = 1;

  constructor(kernel: Kernel, inode: number) {
    this.kernel = kernel;
    this.inode = inode;
    this.tables.set(RT_TABLE.local, new RoutingTable(RT_TABLE.local));
    this.tables.set(RT_TABLE.main, new RoutingTable(RT_TABLE.main));
    this.ipsets = new IpsetTable(() => kernel.rng.int(0, 0xffffffff));
    this.conntrack = new ConntrackTable();
    this.netfilter = createNetfilterState();
    this.netfilter.ipset = ipsetLookup(this.ipsets, () => kernel.clock.millis);
    this.devConf.set('all', { ...DEFAULT_DEV_CONF });
    this.devConf.set('default', { ...DEFAULT_DEV_CONF });
    this.createLink('loopback', 'lo', { mtu: 65536, mac: '00:00:00:00:00:00', qdiscWhenUp: 'noqueue' });
  }

  // ---- links -------------------------------------------------------------------------------

  linkByName(name: string): Link | undefined {
    for (const link of this.links.values()) if (link.name === name) return link;
    return undefined;
  }

  /** Like linkByName, failing the way iproute2 reports an unknown device. */
  requireLink(name: string): Link {
    const link = this.linkByName(name);
    if (!link) fail('ENODEV', `Cannot find device "${name}"`);
    return link;
  }

  sortedLinks(): Link[] {
    return [...this.links.values()].sort((a, b) => a.ifindex - b.ifindex);
  }

  allocIfindex(wanted?: number): number {
    if (wanted !== undefined && !this.links.has(wanted)) return wanted;
    while (this.links.has(this.#nextIfindex)) this.#nextIfindex++;
    return this.#nextIfindex++;
  }

  /** Creates a link of any kind; kind-specific fields are filled by the caller through `extra`. */
  createLink<K extends LinkKind>(
    kind: K,
    name: string,
    options: LinkOptions = {},
    extra: Partial<Extract<Link, { kind: K }>> = {},
  ): Extract<Link, { kind: K }> {
    if (this.linkByName(name)) fail('EEXIST');
    const link = {
      kind,
      ifindex: this.allocIfindex(options.ifindex),
      name,
      netns: this,
      mtu: options.mtu ?? 1500,
      mac: options.mac ?? this.kernel.rng.mac(),
      adminUp: false,
      qdiscWhenUp: options.qdiscWhenUp ?? 'noqueue',
      hasBeenUp: false,
      qlen: 1000,
      stats: emptyStats(),
      promiscuity: 0,
      hairpin: false,
      dadDoneAt: 0,
      ll6: false,
      minmtu: kind === 'loopback' ? 0 : 68,
      maxmtu: kind === 'loopback' ? 0 : 65535,
      numtxqueues: 1,
      numrxqueues: 1,
      tsoMaxSize: 524280,
      mc: [],
      uc: [],
      ...extra,
    } as unknown as Extract<Link, { kind: K }>;
    link.mc = initialMc(link);
    this.links.set(link.ifindex, link);
    if (kind !== 'loopback') this.devConfFor(name);
    return link;
  }

  devConfFor(name: string): DevConf {
    let conf = this.devConf.get(name);
    if (!conf) {
      conf = { ...(this.devConf.get('default') ?? DEFAULT_DEV_CONF) };
      this.devConf.set(name, conf);
    }
    return conf;
  }

  /** Whether the device has carrier (IFF_LOWER_UP), derived from its peers and ports. */
  carrier(link: Link): boolean {
    if (!link.adminUp) return false;
    switch (link.kind) {
      case 'veth':
        return link.peer.adminUp;
      case 'bridge':
        // A bridge that never had a port keeps the carrier it was born with.
        return !link.hadPorts || this.bridgePorts(link).some((port) => port.netns.carrier(port));
      case 'ether':
        return link.segment !== undefined;
      default:
        return true;
    }
  }

  bridgePorts(bridge: BridgeLink): Link[] {
    return this.sortedLinks().filter((l) => l.master === bridge.ifindex);
  }

  /** RFC 2863 operational state as `ip link` prints it. */
  operstate(link: Link): string {
    if (link.kind === 'loopback' || link.kind === 'ipip' || link.kind === 'vxlan' || link.kind === 'dummy') {
      return link.adminUp ? 'UNKNOWN' : 'DOWN';
    }
    if (!link.adminUp) return 'DOWN';
    if (link.kind === 'bridge' && !link.hadPorts) return 'UNKNOWN';
    if (this.carrier(link)) return 'UP';
    return link.kind === 'veth' ? 'LOWERLAYERDOWN' : 'DOWN';
  }

  setUp(link: Link, up: boolean): void {
    if (link.adminUp === up) return;
    const before = this.carrierSnapshot();
    if (!up) linkClosed(link);
    link.adminUp = up;
    if (up) {
      link.hasBeenUp = true;
      linkOpened(link, this.kernel.clock.micros);
      this.#addPrefixRoutesFor(link);
      // inetdev_event(NETDEV_UP): loopback always gets 127.0.0.1/8 back.
      if (link.kind === 'loopback' && !this.addrsOf(link).some((a) => a.local === LOOPBACK_ADDR)) {
        this.addAddress(link, {
          local: LOOPBACK_ADDR,
          prefixlen: 8,
          scope: SCOPE.host,
          label: link.name,
          noprefixroute: false,
        });
      }
    } else {
      this.#flushDevice(link, true);
    }
    this.#carrierChanged(before);
  }

  deleteLink(link: Link): void {
    const before = this.carrierSnapshot();
    this.#leaveBridge(link);
    if (link.kind === 'veth') link.peer.netns.#leaveBridge(link.peer);
    for (const port of this.sortedLinks().filter((l) => l.master === link.ifindex)) port.master = undefined;
    this.#flushDevice(link, true);
    this.#removeAddresses(link);
    this.links.delete(link.ifindex);
    this.devConf.delete(link.name);
    if (link.kind === 'veth' && link.peer.netns.links.get(link.peer.ifindex) === link.peer) {
      const peer = link.peer;
      peer.netns.#flushDevice(peer, true);
      peer.netns.#removeAddresses(peer);
      peer.netns.links.delete(peer.ifindex);
      peer.netns.devConf.delete(peer.name);
    }
    this.#carrierChanged(before);
  }

  /** Moves a device to another namespace: it goes down, loses addresses and routes. */
  moveLink(link: Link, target: NetNs, newName?: string): void {
    if (target === this) return;
    const name = newName ?? link.name;
    if (target.linkByName(name)) fail('EEXIST');
    const before = this.carrierSnapshot();
    this.#flushDevice(link, true);
    this.#removeAddresses(link);
    this.#leaveBridge(link);
    if (link.adminUp) linkClosed(link);
    link.adminUp = false;
    this.links.delete(link.ifindex);
    this.devConf.delete(link.name);
    link.ifindex = target.allocIfindex(link.ifindex);
    link.name = name;
    link.netns = target;
    target.links.set(link.ifindex, link);
    target.devConfFor(name);
    // Re-registered in the target: IPv6 starts over.
    link.mc = initialMc(link);
    if (link.kind === 'veth') {
      this.nsidOf(target);
      target.nsidOf(link.peer.netns);
    }
    this.#carrierChanged(before);
  }

  renameLink(link: Link, name: string): void {
    if (link.adminUp) fail('EBUSY');
    if (this.linkByName(name)) fail('EEXIST');
    const conf = this.devConf.get(link.name);
    this.devConf.delete(link.name);
    link.name = name;
    if (conf) this.devConf.set(name, conf);
    for (const a of this.addrs) if (a.ifindex === link.ifindex && !a.label.includes(':')) a.label = name;
  }

  enslave(link: Link, bridge: BridgeLink | undefined): void {
    const before = this.carrierSnapshot();
    if (link.master !== bridge?.ifindex) this.#leaveBridge(link);
    link.master = bridge?.ifindex;
    if (bridge) {
      link.promiscuity = 1;
      bridge.hadPorts = true;
      recalculateBridgeMac(bridge);
      portAdded(bridge);
    } else {
      link.promiscuity = 0;
    }
    this.#carrierChanged(before);
  }

  /** A port leaves its bridge: its fdb entries go and the bridge MAC is recomputed. */
  #leaveBridge(link: Link): void {
    const master = link.master !== undefined ? this.links.get(link.master) : undefined;
    link.master = undefined;
    if (master?.kind !== 'bridge') return;
    portRemoved(master, link);
    recalculateBridgeMac(master);
  }

  /** The link-netnsid this namespace uses for `other`, allocating the next free one. */
  nsidOf(other: NetNs): number {
    let id = this.nsids.get(other);
    if (id === undefined) {
      id = this.nsids.size;
      this.nsids.set(other, id);
    }
    return id;
  }

  /** Carrier of every link this namespace's changes may affect, to detect transitions. */
  carrierSnapshot(): Map<Link, boolean> {
    const snapshot = new Map<Link, boolean>();
    for (const ns of this.kernel.namespaces) for (const link of ns.links.values()) snapshot.set(link, ns.carrier(link));
    return snapshot;
  }

  #carrierChanged(before: Map<Link, boolean>): void {
    for (const ns of this.kernel.namespaces) {
      for (const link of ns.links.values()) {
        const now = ns.carrier(link);
        const was = before.get(link) ?? false;
        if (now && !was && !link.ll6) {
          link.ll6 = true;
          link.dadDoneAt = this.kernel.clock.micros + DAD_MICROS;
          ipv6Ready(ns, link);
        }
        if (!link.adminUp) link.ll6 = false;
        const master = link.master !== undefined ? ns.links.get(link.master) : undefined;
        // A port that stops forwarding forgets what it learned.
        if (master?.kind === 'bridge' && was && before.get(master) && !portForwarding(master, link))
          flushPort(master, link, false);
        if (!now && was)
          ns.neighbours.splice(
            0,
            ns.neighbours.length,
            ...ns.neighbours.filter((n) => n.ifindex !== link.ifindex || n.state === 'PERMANENT'),
          );
      }
    }
  }

  // ---- sysctls -----------------------------------------------------------------------------

  /** Reads a sysctl by its dotted name; undefined when /proc/sys has no such file. */
  readSysctl(key: string): string | undefined {
    const neigh = this.#neighConf(key);
    if (neigh) return neigh.values[neigh.field];
    const conf = /^net\.ipv4\.conf\.([^.]+)\.(\w+)$/.exec(key);
    if (conf) {
      const [, dev = '', field = ''] = conf;
      const entry = this.devConf.get(dev);
      return entry && Object.hasOwn(entry, field) ? entry[field as keyof DevConf] : undefined;
    }
    if (key === 'net.ipv4.ip_forward') return this.devConf.get('all')?.forwarding ?? '0';
    if (key === 'net.netfilter.nf_conntrack_max') return String(this.conntrack.max);
    return this.sysctl.get(key);
  }

  /** Writes a sysctl; false when there is no such key. ip_forward and conf.all.forwarding are one switch. */
  writeSysctl(key: string, value: string): boolean {
    const conf = /^net\.ipv4\.conf\.([^.]+)\.(\w+)$/.exec(key);
    const isForwarding = key === 'net.ipv4.ip_forward' || (conf?.[1] === 'all' && conf[2] === 'forwarding');
    const neigh = this.#neighConf(key);
    if (neigh) {
      neigh.values[neigh.field] = value.trim();
      return true;
    }
    if (isForwarding) {
      const flag = value.trim() === '0' ? '0' : '1';
      for (const entry of this.devConf.values()) entry.forwarding = flag;
      return true;
    }
    if (conf) {
      const [, dev = '', field = ''] = conf;
      const entry = this.devConf.get(dev);
      if (!entry || !Object.hasOwn(entry, field)) return false;
      entry[field as keyof DevConf] = value.trim();
      return true;
    }
    if (key === 'net.netfilter.nf_conntrack_max') {
      const max = Number(value.trim());
      if (!Number.isInteger(max) || max < 0) return false;
      this.conntrack.max = max;
      return true;
    }
    if (!this.sysctl.has(key)) return false;
    this.sysctl.set(key, value.trim());
    return true;
  }

  /** Every sysctl key, for `sysctl -a`. */
  sysctlKeys(): string[] {
    const keys = [...this.sysctl.keys(), 'net.ipv4.ip_forward', 'net.netfilter.nf_conntrack_max'];
    for (const [dev, entry] of this.devConf)
      for (const field of Object.keys(entry)) keys.push(`net.ipv4.conf.${dev}.${field}`);
    for (const dev of ['default', ...this.sortedLinks().map((l) => l.name)])
      for (const field of Object.keys(NEIGH_DEFAULTS)) keys.push(`net.ipv4.neigh.${dev}.${field}`);
    return [...new Set(keys)].sort();
  }

  /** Per-device neighbour parameters, created on first use (they live and die with the device). */
  readonly #neigh = new WeakMap<object, Record<string, string>>();
  readonly #neighDefault = {};

  #neighConf(key: string): { values: Record<string, string>; field: string } | undefined {
    const match = /^net\.ipv4\.neigh\.([^.]+)\.(\w+)$/.exec(key);
    if (!match) return undefined;
    const [, dev = '', field = ''] = match;
    const owner = dev === 'default' ? this.#neighDefault : this.linkByName(dev);
    if (!owner || !Object.hasOwn(NEIGH_DEFAULTS, field)) return undefined;
    let values = this.#neigh.get(owner);
    if (!values) {
      values = { ...NEIGH_DEFAULTS };
      this.#neigh.set(owner, values);
    }
    return { values, field };
  }

  // ---- addresses ---------------------------------------------------------------------------

  addrsOf(link: Link): IfAddr[] {
    return this.addrs.filter((a) => a.ifindex === link.ifindex);
  }

  /** Adds an IPv4 address with the kernel's ordering, secondary marking and route side effects. */
  addAddress(link: Link, addr: Omit<IfAddr, 'ifindex' | 'secondary'>): void {
    const mask = prefixMask(addr.prefixlen);
    let secondary = false;
    for (const existing of this.addrsOf(link)) {
      if (existing.prefixlen === addr.prefixlen && ((existing.local ^ addr.local) & mask) === 0) {
        if (existing.local === addr.local) fail('EEXIST', 'ipv4: Address already assigned');
        if (existing.scope !== addr.scope) fail('EINVAL');
        secondary = true;
      }
    }
    const ifa: IfAddr = { ...addr, ifindex: link.ifindex, secondary };
    const mine = this.addrsOf(link);
    let insertAt: number;
    if (secondary) {
      const last = mine.at(-1);
      insertAt = last ? this.addrs.indexOf(last) + 1 : this.addrs.length;
    } else {
      // After the last primary whose scope is at least as wide-numbered as ours (kernel order).
      let after: IfAddr | undefined;
      for (const a of mine) if (!a.secondary && ifa.scope <= a.scope) after = a;
      const first = mine[0];
      insertAt = after ? this.addrs.indexOf(after) + 1 : first ? this.addrs.indexOf(first) : this.addrs.length;
    }
    this.addrs.splice(insertAt, 0, ifa);
    this.#addAddressRoutes(link, ifa);
  }

  deleteAddress(link: Link, local: Ipv4, prefixlen: number | undefined): IfAddr {
    const ifa = this.addrsOf(link).find(
      (a) => a.local === local && (prefixlen === undefined || a.prefixlen === prefixlen),
    );
    if (!ifa) fail('EADDRNOTAVAIL', 'ipv4: Address not found');
    this.addrs.splice(this.addrs.indexOf(ifa), 1);
    if (!ifa.secondary) {
      // Deleting a primary deletes its secondaries too (promote_secondaries defaults to off).
      const mask = prefixMask(ifa.prefixlen);
      for (const s of this.addrsOf(link).filter((a) => a.secondary && ((a.local ^ ifa.local) & mask) === 0)) {
        this.addrs.splice(this.addrs.indexOf(s), 1);
        this.#removeAddressRoutes(link, s);
      }
    }
    this.#removeAddressRoutes(link, ifa);
    return ifa;
  }

  #removeAddresses(link: Link): void {
    for (const a of this.addrsOf(link)) this.addrs.splice(this.addrs.indexOf(a), 1);
    this.#localTable().removeWhere((r) => r.dev === link.ifindex);
  }

  /** Whether an address is configured on any device here (a "local" address). */
  isLocalAddress(addr: Ipv4): boolean {
    return this.addrs.some((a) => a.local === addr);
  }

  /** The IPv6 addresses iproute2 would list for a link: ::1 on lo, the EUI-64 link-local elsewhere. */
  ipv6Of(link: Link): { addr: string; prefixlen: number; scope: 'host' | 'link'; tentative: boolean }[] {
    if (!link.adminUp || !link.ll6) return [];
    if (link.kind === 'loopback') return [{ addr: '::1', prefixlen: 128, scope: 'host', tentative: false }];
    if (link.kind === 'ipip') return [];
    return [
      {
        addr: linkLocalFromMac(link.ll6Mac ?? link.mac),
        prefixlen: 64,
        scope: 'link',
        tentative: this.kernel.clock.micros < link.dadDoneAt,
      },
    ];
  }

  // ---- routes ------------------------------------------------------------------------------

  table(id: number, create = false): RoutingTable | undefined {
    let table = this.tables.get(id);
    if (!table && create) {
      table = new RoutingTable(id);
      this.tables.set(id, table);
    }
    return table;
  }

  #localTable(): RoutingTable {
    return this.table(RT_TABLE.local, true) as RoutingTable;
  }

  #mainTable(): RoutingTable {
    return this.table(RT_TABLE.main, true) as RoutingTable;
  }

  #kernelRoute(
    table: number,
    type: Route['type'],
    dst: Ipv4,
    len: number,
    scope: number,
    link: Link,
    src: Ipv4,
  ): Route {
    return {
      table,
      type,
      dst,
      len,
      tos: 0,
      metric: 0,
      protocol: PROTO.kernel ?? 2,
      scope,
      prefsrc: src,
      dev: link.ifindex,
      onlink: false,
    };
  }

  #addIfMissing(table: RoutingTable, route: Route): void {
    const same = table.routes.find(
      (r) =>
        r.dst === route.dst &&
        r.len === route.len &&
        r.type === route.type &&
        r.dev === route.dev &&
        r.prefsrc === route.prefsrc,
    );
    if (!same) table.insert(route);
  }

  /** fib_add_ifaddr: the local route always; broadcast and prefix routes when the device is up. */
  #addAddressRoutes(link: Link, ifa: IfAddr): void {
    const primary = ifa.secondary ? this.#primaryFor(link, ifa) : ifa;
    const src = primary?.local ?? ifa.local;
    this.#addIfMissing(
      this.#localTable(),
      this.#kernelRoute(RT_TABLE.local, 'local', ifa.local, 32, SCOPE.host, link, src),
    );
    if (!link.adminUp) return;
    if (ifa.broadcast !== undefined && ifa.broadcast !== 0xffffffff) {
      this.#addIfMissing(
        this.#localTable(),
        this.#kernelRoute(RT_TABLE.local, 'broadcast', ifa.broadcast, 32, SCOPE.link, link, src),
      );
    }
    const prefix = networkOf(ifa.local, ifa.prefixlen);
    if (prefix !== 0 && !ifa.secondary && (prefix !== ifa.local || ifa.prefixlen < 32)) {
      if (!ifa.noprefixroute) {
        const isLo = link.kind === 'loopback';
        const route = this.#kernelRoute(
          isLo ? RT_TABLE.local : RT_TABLE.main,
          isLo ? 'local' : 'unicast',
          prefix,
          ifa.prefixlen,
          isLo ? SCOPE.host : SCOPE.link,
          link,
          ifa.local,
        );
        this.#addIfMissing(isLo ? this.#localTable() : this.#mainTable(), route);
      }
      if (ifa.prefixlen < 31) {
        const bcast = broadcastOf(ifa.local, ifa.prefixlen);
        this.#addIfMissing(
          this.#localTable(),
          this.#kernelRoute(RT_TABLE.local, 'broadcast', bcast, 32, SCOPE.link, link, ifa.local),
        );
      }
    }
  }

  #primaryFor(link: Link, ifa: IfAddr): IfAddr | undefined {
    const mask = prefixMask(ifa.prefixlen);
    return this.addrsOf(link).find(
      (a) => !a.secondary && a.prefixlen === ifa.prefixlen && ((a.local ^ ifa.local) & mask) === 0,
    );
  }

  #removeAddressRoutes(link: Link, ifa: IfAddr): void {
    const stillLocal = this.addrs.some((a) => a.local === ifa.local);
    const prefix = networkOf(ifa.local, ifa.prefixlen);
    for (const table of this.tables.values()) {
      table.removeWhere(
        (r) =>
          r.dev === link.ifindex &&
          r.protocol === PROTO.kernel &&
          ((r.type === 'local' && r.dst === ifa.local && r.len === 32 && !stillLocal) ||
            (r.prefsrc === ifa.local && r.dst === prefix && r.len === ifa.prefixlen) ||
            (r.type === 'broadcast' && r.prefsrc === ifa.local)),
      );
    }
    // Routes whose preferred source was this address go too (fib_sync_down_addr).
    if (!stillLocal)
      for (const table of this.tables.values())
        table.removeWhere((r) => r.prefsrc === ifa.local && r.protocol !== PROTO.kernel);
  }

  #addPrefixRoutesFor(link: Link): void {
    for (const ifa of this.addrsOf(link)) this.#addAddressRoutes(link, ifa);
  }

  /** On NETDEV_DOWN the kernel drops every route through the device except local addresses. */
  #flushDevice(link: Link, keepLocal: boolean): void {
    for (const table of this.tables.values()) {
      table.removeWhere(
        (r) =>
          // Host-scoped routes (local addresses, `scope host`) have no next hop to lose (nh scope NOWHERE).
          r.dev === link.ifindex && !(keepLocal && r.scope === SCOPE.host),
      );
    }
    this.neighbours.splice(0, this.neighbours.length, ...this.neighbours.filter((n) => n.ifindex !== link.ifindex));
  }

  /** Whether a route's next hop has lost carrier (`linkdown`). */
  routeLinkDown(route: Route): boolean {
    if (route.dev === undefined || route.type === 'local') return false;
    const link = this.links.get(route.dev);
    return link?.adminUp === true && !this.carrier(link);
  }

  /** Source address selection (inet_select_addr) for a destination out of a device. */
  selectSource(link: Link | undefined, dst: Ipv4, scope: number): Ipv4 | undefined {
    if (link) {
      let first: Ipv4 | undefined;
      for (const a of this.addrsOf(link)) {
        if (a.secondary || a.scope > scope) continue;
        if (inPrefix(dst, { addr: a.local, len: a.prefixlen })) return a.local;
        first ??= a.local;
      }
      if (first !== undefined) return first;
    }
    // Any device's primary address that is not link-scoped, in device order (lo first).
    for (const other of this.sortedLinks()) {
      for (const a of this.addrsOf(other))
        if (!a.secondary && a.scope !== SCOPE.link && a.scope <= scope) return a.local;
    }
    return undefined;
  }

  // ---- neighbours --------------------------------------------------------------------------

  neighbour(link: Link, ip: Ipv4): Neighbour | undefined {
    return this.neighbours.find((n) => n.ifindex === link.ifindex && n.ip === ip && !n.proxy);
  }

  setNeighbour(link: Link, ip: Ipv4, mac: Mac | undefined, state: NeighState): Neighbour {
    let entry = this.neighbour(link, ip);
    if (!entry) {
      entry = { ifindex: link.ifindex, ip, state, confirmed: this.kernel.clock.micros, router: false, proxy: false };
      this.neighbours.push(entry);
    }
    entry.mac = mac;
    entry.state = state;
    entry.confirmed = this.kernel.clock.micros;
    return entry;
  }

  /** The state `ip neigh` shows now: a REACHABLE entry goes STALE once its reachable time passes. */
  neighState(entry: Neighbour): NeighState {
    if (entry.state === 'REACHABLE' && this.kernel.clock.micros - entry.confirmed > this.reachableMicros)
      return 'STALE';
    return entry.state;
  }

  /** base_reachable_time (30 s) randomised to [15, 45) s, as the kernel does per table. */
  get reachableMicros(): number {
    this.#reachable ??= Math.floor((0.5 + this.kernel.rng.next()) * 30_000_000);
    return this.#reachable;
  }

  #reachable: number | undefined;

  deleteNeighbour(entry: Neighbour): void {
    const i = this.neighbours.indexOf(entry);
    if (i >= 0) this.neighbours.splice(i, 1);
  }

  /** The MAC a frame to this device's broadcast goes to. */
  static broadcastMac(): Mac {
    return BROADCAST_MAC;
  }

  /** Both ends of a veth pair, for callers that create them. */
  static pairVeth(a: VethLink, b: VethLink): void {
    a.peer = b;
    b.peer = a;
  }
}
