/**
 * The packet path of one kernel: devices transmit and receive frames, bridges forward, VXLAN and
 * IPIP devices encapsulate, IPv4 routes, forwards or delivers, ARP resolves neighbours. Every hop
 * is a scheduled event, so captures see frames in the order and at the virtual times they pass.
 * Netfilter plugs in through `hooks`; sockets (ping, TCP, UDP) through `deliver` listeners.
 */
import { BROADCAST_MAC, formatIpv4, type Ipv4, type Mac, networkOf } from '../wire/addr.ts';
import { ethernetFrameLength, ipv4TotalLength } from '../wire/encode.ts';
import {
  type ArpPacket,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  type EthernetFrame,
  type IcmpMessage,
  IPPROTO_ICMP,
  IPPROTO_IPIP,
  IPPROTO_UDP,
  type Ipv4Packet,
  type UdpDatagram,
} from '../wire/packet.ts';
import { type Errno, KernelError } from './errors.ts';
import { RT_TABLE, SCOPE } from './fib.ts';
import { icmpErrorAllowed, redirectAllowed, routeErrorAllowed } from './icmp-limits.ts';
import type { Kernel } from './kernel.ts';
import type { BridgeLink, IpipLink, Link, VxlanLink } from './links.ts';
import { resolveOutput } from './lookup.ts';
import type { Neighbour, NetNs } from './netns.ts';

/** Microseconds a frame takes to cross a veth pair, a bridge, or the local stack. */
const HOP_MICROS = 4;
const STACK_MICROS = 11;
const ARP_RETRANS_MICROS = 1_000_000;
const ARP_PROBES = 3;
const DELAY_FIRST_PROBE_MICROS = 5_000_000;

export type Direction = 'In' | 'Out';

/** One frame (or, on L3 devices like tunl0, one IP packet) seen on a device. */
export interface WireEvent {
  time: number;
  ns: NetNs;
  link: Link;
  dir: Direction;
  frame: EthernetFrame | Ipv4Packet;
}

export interface Tap {
  ns: NetNs;
  /** A device, or undefined for `-i any`. */
  ifindex?: number;
  onPacket(event: WireEvent): void;
}

export type NfHook = 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';

/** What netfilter decided for a packet at a hook; it may rewrite the packet (NAT). */
export interface HookResult {
  verdict: 'accept' | 'drop' | 'reject';
  packet: Ipv4Packet;
  /** For 'reject': the ICMP (type, code) the kernel answers with. */
  reject?: { type: number; code: number };
}

/** Netfilter as the stack sees it: a verdict per hook, and per-packet state that follows copies. */
export interface PacketHooks {
  run(ns: NetNs, hook: NfHook, packet: Ipv4Packet, inDev?: Link, outDev?: Link): HookResult;
  /** The stack made `to` from `from` (e.g. TTL decrement): conntrack and mark go along. */
  carry(from: Ipv4Packet, to: Ipv4Packet): void;
}

/** What a trace step records: a frame crossing a device, or a decision the kernel took. */
export type TraceKind = 'tx' | 'rx' | 'rule' | 'nat' | 'route' | 'encap' | 'decap' | 'arp' | 'deliver' | 'drop';

/** A step of a packet's walk, for the trace view and for graders. */
export interface TraceStep {
  time: number;
  ns: NetNs;
  kind: TraceKind;
  /** The device, or for rules `table/CHAIN#n`. */
  where: string;
  what: string;
  /** For tx/rx: the frame (or IP packet on L3 devices) as it is at that point. */
  frame?: EthernetFrame | Ipv4Packet;
}

export type LocalListener = (ns: NetNs, packet: Ipv4Packet, inDev: Link) => boolean;

export class NetStack {
  readonly kernel: Kernel;
  readonly taps = new Set<Tap>();
  readonly listeners = new Set<LocalListener>();
  readonly trace: TraceStep[] = [];
  tracing = false;
  hooks: PacketHooks | undefined;
  /** Underlay segments: a name → the devices plugged into it, across namespaces. */
  readonly segments = new Map<string, Link[]>();
  #queues = new Map<Neighbour, { dev: Link; packet: Ipv4Packet }[]>();
  /** The Ethernet frame a received IP packet arrived in (what netfilter logs as MACSRC/MACDST). */
  #linkHeaders = new WeakMap<Ipv4Packet, EthernetFrame>();

  constructor(kernel: Kernel) {
    this.kernel = kernel;
  }

  #later(delay: number, run: () => void): void {
    this.kernel.events.schedule(delay, run);
  }

  #note(ns: NetNs, kind: TraceKind, where: string, what: string): void {
    if (this.tracing) this.trace.push({ time: this.kernel.clock.micros, ns, kind, where, what });
  }

  /** The frame a received packet came in, for link-layer details in logs and traces. */
  linkHeaderOf(packet: Ipv4Packet): EthernetFrame | undefined {
    return this.#linkHeaders.get(packet);
  }

  /** Records a step from outside the stack (netfilter rule hits, NAT rewrites). */
  record(step: Omit<TraceStep, 'time'>): void {
    if (this.tracing) this.trace.push({ time: this.kernel.clock.micros, ...step });
  }

  #tap(link: Link, dir: Direction, frame: EthernetFrame | Ipv4Packet): void {
    if (this.taps.size === 0) return;
    const event: WireEvent = { time: this.kernel.clock.micros, ns: link.netns, link, dir, frame };
    for (const tap of this.taps) {
      if (tap.ns !== link.netns) continue;
      if (tap.ifindex !== undefined && tap.ifindex !== link.ifindex) continue;
      tap.onPacket(event);
    }
  }

  #hook(ns: NetNs, hook: NfHook, packet: Ipv4Packet, inDev?: Link, outDev?: Link): HookResult {
    return this.hooks ? this.hooks.run(ns, hook, packet, inDev, outDev) : { verdict: 'accept', packet };
  }

  // ---- L2 ----------------------------------------------------------------------------------

  /** A device sends a frame (or an IP packet, for L3 devices). */
  xmit(link: Link, frame: EthernetFrame | Ipv4Packet): void {
    if (!link.adminUp) {
      link.stats.txDropped++;
      return;
    }
    this.#tap(link, 'Out', frame);
    if (this.tracing)
      this.trace.push({
        time: this.kernel.clock.micros,
        ns: link.netns,
        kind: 'tx',
        where: link.name,
        what: '',
        frame,
      });
    link.stats.txPackets++;
    link.stats.txBytes += frame.kind === 'ethernet' ? ethernetFrameLength(frame) : ipv4TotalLength(frame);
    switch (link.kind) {
      case 'loopback':
        this.#later(HOP_MICROS, () => this.rx(link, frame));
        return;
      case 'veth': {
        const peer = link.peer;
        if (!peer.adminUp) return;
        this.#later(HOP_MICROS, () => this.rx(peer, frame));
        return;
      }
      case 'bridge':
        if (frame.kind === 'ethernet') this.#bridgeForward(link, undefined, frame);
        return;
      case 'vxlan':
        if (frame.kind === 'ethernet') this.#vxlanXmit(link, frame);
        return;
      case 'ipip':
        if (frame.kind === 'ipv4') this.#ipipXmit(link, frame);
        return;
      case 'ether': {
        const ports = link.segment !== undefined ? (this.segments.get(link.segment) ?? []) : [];
        for (const port of ports)
          if (port !== link && port.adminUp) this.#later(HOP_MICROS * 5, () => this.rx(port, frame));
        return;
      }
      case 'dummy':
        return;
    }
  }

  /** A device receives a frame. */
  rx(link: Link, frame: EthernetFrame | Ipv4Packet): void {
    if (!link.adminUp) return;
    this.#tap(link, 'In', frame);
    if (this.tracing)
      this.trace.push({
        time: this.kernel.clock.micros,
        ns: link.netns,
        kind: 'rx',
        where: link.name,
        what: '',
        frame,
      });
    link.stats.rxPackets++;
    link.stats.rxBytes += frame.kind === 'ethernet' ? ethernetFrameLength(frame) : ipv4TotalLength(frame);
    const master = link.master !== undefined ? link.netns.links.get(link.master) : undefined;
    if (master?.kind === 'bridge' && frame.kind === 'ethernet') {
      this.#bridgeInput(master, link, frame);
      return;
    }
    if (frame.kind === 'ipv4') {
      this.#ipRcv(link, frame);
      return;
    }
    this.#l2Deliver(link, frame);
  }

  #l2Deliver(link: Link, frame: EthernetFrame, addressedToUs = false): void {
    const forUs = addressedToUs || frame.dst === link.mac || frame.dst === BROADCAST_MAC || link.kind === 'loopback';
    if (!forUs) return;
    if (frame.payload.kind === 'arp') this.#arpRcv(link, frame.payload);
    else {
      this.#linkHeaders.set(frame.payload, frame);
      this.#ipRcv(link, frame.payload);
    }
  }

  #bridgeInput(bridge: BridgeLink, port: Link, frame: EthernetFrame): void {
    if (!bridge.adminUp || !port.netns.carrier(port)) return;
    this.#learn(bridge, port, frame.src);
    const toHost = frame.dst === bridge.mac || this.#isPortMac(bridge, frame.dst);
    if (toHost) {
      this.#later(0, () => {
        this.#tap(bridge, 'In', frame);
        bridge.stats.rxPackets++;
        bridge.stats.rxBytes += ethernetFrameLength(frame);
        this.#l2Deliver(bridge, frame, true);
      });
      return;
    }
    if (frame.dst === BROADCAST_MAC) {
      this.#later(0, () => {
        this.#tap(bridge, 'In', frame);
        this.#l2Deliver(bridge, frame);
      });
    } else if (this.#promiscuous(bridge)) {
      // A capture on the bridge puts it in promiscuous mode: frames between ports go up too.
      this.#tap(bridge, 'In', frame);
    }
    this.#bridgeForward(bridge, port, frame);
  }

  /** Whether a capture listens on the device itself (tcpdump sets IFF_PROMISC; `-i any` does not). */
  #promiscuous(link: Link): boolean {
    for (const tap of this.taps) if (tap.ns === link.netns && tap.ifindex === link.ifindex) return true;
    return false;
  }

  #isPortMac(bridge: BridgeLink, mac: Mac): boolean {
    return bridge.netns.bridgePorts(bridge).some((p) => p.mac === mac);
  }

  #learn(bridge: BridgeLink, port: Link, mac: Mac): void {
    if (mac === BROADCAST_MAC) return;
    const now = this.kernel.clock.micros;
    const entry = bridge.fdb.find((e) => e.mac === mac && !e.local);
    if (entry) {
      if (!entry.permanent) {
        entry.port = port.ifindex;
        entry.updated = now;
      }
      return;
    }
    if (this.#isPortMac(bridge, mac)) return;
    bridge.fdb.push({ mac, port: port.ifindex, permanent: false, local: false, updated: now });
  }

  #bridgeForward(bridge: BridgeLink, ingress: Link | undefined, frame: EthernetFrame): void {
    const ns = bridge.netns;
    const ports = ns.bridgePorts(bridge).filter((p) => ns.carrier(p));
    const ageing = bridge.ageingTime * 10_000;
    const known =
      frame.dst === BROADCAST_MAC
        ? undefined
        : bridge.fdb.find((e) => e.mac === frame.dst && (e.permanent || this.kernel.clock.micros - e.updated < ageing));
    const targets = known ? ports.filter((p) => p.ifindex === known.port) : ports;
    for (const port of targets) {
      if (port === ingress && !port.hairpin) continue;
      this.#later(HOP_MICROS, () => this.xmit(port, frame));
    }
  }

  // ---- tunnels ------------------------------------------------------------------------------

  #vxlanXmit(dev: VxlanLink, frame: EthernetFrame): void {
    const ns = dev.netns;
    const entry = dev.fdb.find((e) => e.mac === frame.dst) ?? dev.fdb.find((e) => e.mac === '00:00:00:00:00:00');
    const remote = entry?.dst ?? dev.remote;
    if (remote === undefined) {
      dev.stats.txDropped++;
      return;
    }
    const inner = frame.payload;
    const flowHash = inner.kind === 'ipv4' ? (inner.src ^ inner.dst ^ (inner.protocol << 8)) >>> 0 : 0;
    const srcPort = 32768 + (flowHash % 28232);
    const udp: UdpDatagram = {
      kind: 'udp',
      srcPort,
      dstPort: dev.dstport || 8472,
      payload: { kind: 'vxlan', vni: dev.vni, flags: 0x08, inner: frame },
    };
    const outer: Ipv4Packet = {
      kind: 'ipv4',
      src: dev.local ?? 0,
      dst: remote,
      ttl: 64,
      id: this.kernel.rng.int(0, 0xffff),
      tos: 0,
      df: false,
      protocol: IPPROTO_UDP,
      payload: udp,
    };
    this.#note(ns, 'encap', dev.name, `VXLAN encapsulation VNI ${dev.vni} to ${formatIpv4(remote)}`);
    this.ipOutput(ns, outer);
  }

  #ipipXmit(dev: IpipLink, packet: Ipv4Packet): void {
    const ns = dev.netns;
    const gateway = this.#ipipNextHop.get(packet);
    const remote = dev.remote ?? gateway;
    if (remote === undefined) return;
    const outer: Ipv4Packet = {
      kind: 'ipv4',
      src: dev.local ?? 0,
      dst: remote,
      ttl: packet.ttl,
      id: this.kernel.rng.int(0, 0xffff),
      tos: packet.tos,
      df: packet.df,
      protocol: IPPROTO_IPIP,
      payload: packet,
    };
    this.#note(ns, 'encap', dev.name, `IPIP encapsulation to ${formatIpv4(remote)}`);
    this.ipOutput(ns, outer);
  }

  #ipipNextHop = new WeakMap<Ipv4Packet, Ipv4>();

  // ---- ARP and neighbours -------------------------------------------------------------------

  #arpRcv(link: Link, arp: ArpPacket): void {
    const ns = link.netns;
    if (arp.op === 1) {
      const local = ns.isLocalAddress(arp.targetIp) && !this.#isLoopbackOnly(ns, arp.targetIp);
      const proxy = !local && this.#proxyArp(link, arp.targetIp);
      if (local || proxy) {
        // neigh_event_ns: the asker becomes a STALE entry.
        const existing = ns.neighbour(link, arp.senderIp);
        if (!existing || existing.state === 'INCOMPLETE' || existing.mac !== arp.senderMac) {
          if (existing?.state !== 'PERMANENT')
            ns.setNeighbour(
              link,
              arp.senderIp,
              arp.senderMac,
              existing?.state === 'INCOMPLETE' ? 'REACHABLE' : 'STALE',
            );
          if (existing) this.#flushQueue(existing, arp.senderMac);
        }
        this.#note(
          ns,
          'arp',
          link.name,
          `ARP ${proxy ? 'proxy ' : ''}reply ${formatIpv4(arp.targetIp)} is-at ${link.mac}`,
        );
        const reply: EthernetFrame = {
          kind: 'ethernet',
          src: link.mac,
          dst: arp.senderMac,
          ethertype: ETHERTYPE_ARP,
          payload: {
            kind: 'arp',
            op: 2,
            senderMac: link.mac,
            senderIp: arp.targetIp,
            targetMac: arp.senderMac,
            targetIp: arp.senderIp,
          },
        };
        this.#later(STACK_MICROS, () => this.xmit(link, reply));
      }
      return;
    }
    const entry = ns.neighbour(link, arp.senderIp);
    if (!entry || entry.state === 'PERMANENT' || entry.state === 'NOARP') return;
    entry.mac = arp.senderMac;
    entry.state = 'REACHABLE';
    entry.confirmed = this.kernel.clock.micros;
    this.#flushQueue(entry, arp.senderMac);
  }

  #isLoopbackOnly(ns: NetNs, ip: Ipv4): boolean {
    return ip >>> 24 === 127 && ns.isLocalAddress(ip);
  }

  /** arp_process's proxy rule: proxy_arp on the device and a route to the target out of another device. */
  #proxyArp(link: Link, target: Ipv4): boolean {
    const ns = link.netns;
    const conf = ns.devConf.get(link.name);
    const all = ns.devConf.get('all');
    if (conf?.proxy_arp !== '1' && all?.proxy_arp !== '1') return false;
    if (ns.neighbours.some((n) => n.proxy && n.ip === target)) return true;
    try {
      const resolved = resolveOutput(ns, target);
      return resolved.route.type === 'unicast' && resolved.dev !== link;
    } catch {
      return false;
    }
  }

  #flushQueue(entry: Neighbour, mac: Mac): void {
    const queue = this.#queues.get(entry);
    if (!queue) return;
    this.#queues.delete(entry);
    for (const { dev, packet } of queue) this.#sendFrame(dev, mac, packet);
  }

  #sendFrame(dev: Link, dstMac: Mac, packet: Ipv4Packet): void {
    this.xmit(dev, { kind: 'ethernet', src: dev.mac, dst: dstMac, ethertype: ETHERTYPE_IPV4, payload: packet });
  }

  /** Sends an IP packet to a next hop on a device, resolving its MAC with ARP when needed. */
  #neighOutput(dev: Link, nexthop: Ipv4, packet: Ipv4Packet): void {
    const ns = dev.netns;
    if (dev.kind === 'loopback' || dev.kind === 'ipip') {
      if (dev.kind === 'ipip') this.#ipipNextHop.set(packet, nexthop);
      this.xmit(dev, packet);
      return;
    }
    if (packet.dst === 0xffffffff || this.#isBroadcastOn(dev, packet.dst)) {
      this.#sendFrame(dev, BROADCAST_MAC, packet);
      return;
    }
    let entry = ns.neighbour(dev, nexthop);
    const now = this.kernel.clock.micros;
    if (entry && entry.mac !== undefined && entry.state !== 'INCOMPLETE' && entry.state !== 'FAILED') {
      const state = ns.neighState(entry);
      if (state === 'STALE') this.#startDelay(dev, entry);
      this.#sendFrame(dev, entry.mac, packet);
      return;
    }
    if (!entry || entry.state === 'FAILED') entry = ns.setNeighbour(dev, nexthop, undefined, 'INCOMPLETE');
    const queue = this.#queues.get(entry) ?? [];
    if (queue.length === 0) this.#solicit(dev, entry, packet.src, ARP_PROBES);
    if (queue.length < 3) queue.push({ dev, packet });
    this.#queues.set(entry, queue);
    void now;
  }

  #isBroadcastOn(dev: Link, dst: Ipv4): boolean {
    return dev.netns
      .addrsOf(dev)
      .some(
        (a) =>
          a.broadcast === dst ||
          (a.prefixlen < 31 &&
            (networkOf(dst, a.prefixlen) | ~(0xffffffff << (32 - a.prefixlen))) >>> 0 === dst &&
            networkOf(dst, a.prefixlen) === networkOf(a.local, a.prefixlen)),
      );
  }

  #solicit(dev: Link, entry: Neighbour, hintSrc: Ipv4, left: number): void {
    const ns = dev.netns;
    if (!ns.neighbours.includes(entry) || entry.state !== 'INCOMPLETE') return;
    if (left === 0) {
      entry.state = 'FAILED';
      const queue = this.#queues.get(entry) ?? [];
      this.#queues.delete(entry);
      for (const { packet } of queue) this.#icmpError(ns, packet, 3, 1, dev);
      return;
    }
    const src = ns.isLocalAddress(hintSrc) ? hintSrc : (ns.selectSource(dev, entry.ip, SCOPE.link) ?? 0);
    this.#note(ns, 'arp', dev.name, `ARP request who-has ${formatIpv4(entry.ip)}`);
    this.xmit(dev, {
      kind: 'ethernet',
      src: dev.mac,
      dst: BROADCAST_MAC,
      ethertype: ETHERTYPE_ARP,
      payload: {
        kind: 'arp',
        op: 1,
        senderMac: dev.mac,
        senderIp: src,
        targetMac: '00:00:00:00:00:00',
        targetIp: entry.ip,
      },
    });
    this.#later(ARP_RETRANS_MICROS, () => this.#solicit(dev, entry, hintSrc, left - 1));
  }

  /** STALE → DELAY on use; after delay_first_probe_time a unicast probe confirms it (→ REACHABLE). */
  #startDelay(dev: Link, entry: Neighbour): void {
    const ns = dev.netns;
    entry.state = 'DELAY';
    const since = this.kernel.clock.micros;
    entry.confirmed = since;
    this.#later(DELAY_FIRST_PROBE_MICROS, () => {
      if (!ns.neighbours.includes(entry) || entry.state !== 'DELAY' || entry.confirmed !== since) return;
      entry.state = 'PROBE';
      const src = ns.selectSource(dev, entry.ip, SCOPE.link) ?? 0;
      this.xmit(dev, {
        kind: 'ethernet',
        src: dev.mac,
        dst: entry.mac ?? BROADCAST_MAC,
        ethertype: ETHERTYPE_ARP,
        payload: {
          kind: 'arp',
          op: 1,
          senderMac: dev.mac,
          senderIp: src,
          targetMac: '00:00:00:00:00:00',
          targetIp: entry.ip,
        },
      });
    });
  }

  // ---- IPv4 ---------------------------------------------------------------------------------

  /** What connect() on a datagram socket to `dst` would fail with, if anything. */
  routeCheck(ns: NetNs, dst: Ipv4): Errno | undefined {
    try {
      resolveOutput(ns, dst);
      return undefined;
    } catch (error) {
      if (error instanceof KernelError) return error.errno;
      throw error;
    }
  }

  /** Sends a locally generated packet; returns the errno the socket call would see, if any. */
  ipOutput(ns: NetNs, packet: Ipv4Packet): Errno | undefined {
    let resolved: ReturnType<typeof resolveOutput>;
    try {
      resolved = resolveOutput(ns, packet.dst, { src: packet.src === 0 ? undefined : packet.src });
    } catch (error) {
      if (error instanceof KernelError) return error.errno;
      throw error;
    }
    let out: Ipv4Packet = packet.src === 0 ? { ...packet, src: resolved.src ?? 0 } : packet;
    const local = this.#hook(ns, 'OUTPUT', out, undefined, resolved.dev);
    if (local.verdict === 'reject' && local.reject && !kernelIcmp(out))
      this.#icmpError(ns, out, local.reject.type, local.reject.code, resolved.dev);
    if (local.verdict !== 'accept') return 'EPERM';
    out = local.packet;
    if (out.dst !== packet.dst) {
      try {
        resolved = resolveOutput(ns, out.dst, { src: out.src });
      } catch (error) {
        if (error instanceof KernelError) return error.errno;
        throw error;
      }
    }
    const post = this.#hook(ns, 'POSTROUTING', out, undefined, resolved.dev);
    if (post.verdict === 'reject' && post.reject && !kernelIcmp(out))
      this.#icmpError(ns, out, post.reject.type, post.reject.code, resolved.dev);
    if (post.verdict !== 'accept') return 'EPERM';
    out = post.packet;
    this.#note(
      ns,
      'route',
      resolved.dev.name,
      `output ${formatIpv4(out.src)} > ${formatIpv4(out.dst)} via ${resolved.gateway !== undefined ? formatIpv4(resolved.gateway) : 'direct'}`,
    );
    if (resolved.route.type === 'local') {
      const lo = ns.linkByName('lo') as Link;
      this.xmit(lo, {
        kind: 'ethernet',
        src: '00:00:00:00:00:00',
        dst: '00:00:00:00:00:00',
        ethertype: ETHERTYPE_IPV4,
        payload: out,
      });
      return undefined;
    }
    this.#neighOutput(resolved.dev, resolved.gateway ?? out.dst, out);
    return undefined;
  }

  #ipRcv(inDev: Link, received: Ipv4Packet): void {
    const ns = inDev.netns;
    const pre = this.#hook(ns, 'PREROUTING', received, inDev);
    if (pre.verdict !== 'accept') return;
    const packet = pre.packet;
    const localTable = ns.tables.get(RT_TABLE.local);
    const localRoute = localTable?.lookup(packet.dst);
    const isLocal = localRoute !== undefined && (localRoute.type === 'local' || localRoute.type === 'broadcast');
    if (isLocal || packet.dst === 0xffffffff) {
      const input = this.#hook(ns, 'INPUT', packet, inDev);
      if (input.verdict === 'reject' && input.reject)
        this.#icmpError(ns, packet, input.reject.type, input.reject.code, inDev);
      if (input.verdict !== 'accept') return;
      this.#note(ns, 'deliver', inDev.name, `deliver locally ${formatIpv4(packet.src)} > ${formatIpv4(packet.dst)}`);
      this.#later(STACK_MICROS, () => this.#localDeliver(inDev, input.packet));
      return;
    }
    this.#forward(inDev, packet);
  }

  #forward(inDev: Link, packet: Ipv4Packet): void {
    const ns = inDev.netns;
    const conf = ns.devConf.get(inDev.name);
    if (conf?.forwarding !== '1') {
      this.#note(ns, 'drop', inDev.name, 'dropped: forwarding disabled on the input device');
      return;
    }
    let resolved: ReturnType<typeof resolveOutput>;
    try {
      resolved = resolveOutput(ns, packet.dst, { src: packet.src });
    } catch (error) {
      // ip_error: no route → net unreachable, `unreachable` → host unreachable, `prohibit` →
      // administratively prohibited; a blackhole drops silently.
      const errno = error instanceof KernelError ? error.errno : 'ENETUNREACH';
      const code = { ENETUNREACH: 0, EHOSTUNREACH: 1, EACCES: 13 }[errno as string];
      this.#note(ns, 'drop', inDev.name, code === undefined ? 'dropped: blackhole route' : 'dropped: no route');
      if (code !== undefined && routeErrorAllowed(ns, packet.src, this.kernel.clock.millis))
        this.#icmpError(ns, packet, 3, code, inDev);
      return;
    }
    if (packet.ttl <= 1) {
      this.#icmpError(ns, packet, 11, 0, inDev);
      return;
    }
    // ip_forward decrements the TTL before the FORWARD hook.
    const hopped: Ipv4Packet = { ...packet, ttl: packet.ttl - 1 };
    this.hooks?.carry(packet, hopped);
    // Back out of the device it came in by, to a sender on that link: an ICMP host redirect to the
    // next hop (send_redirects and shared_media are on by default), before the FORWARD hook.
    if (
      resolved.dev === inDev &&
      this.#onLink(inDev, packet.src) &&
      redirectAllowed(ns, packet.src, this.kernel.clock.millis)
    ) {
      this.#icmpError(ns, hopped, 5, 1, inDev, resolved.gateway ?? packet.dst);
    }
    const fwd = this.#hook(ns, 'FORWARD', hopped, inDev, resolved.dev);
    if (fwd.verdict === 'reject' && fwd.reject) this.#icmpError(ns, packet, fwd.reject.type, fwd.reject.code, inDev);
    if (fwd.verdict !== 'accept') return;
    const post = this.#hook(ns, 'POSTROUTING', fwd.packet, inDev, resolved.dev);
    if (post.verdict !== 'accept') return;
    this.#note(
      ns,
      'route',
      resolved.dev.name,
      `forward ${formatIpv4(packet.src)} > ${formatIpv4(packet.dst)} out ${resolved.dev.name}`,
    );
    this.#neighOutput(resolved.dev, resolved.gateway ?? post.packet.dst, post.packet);
  }

  #localDeliver(inDev: Link, packet: Ipv4Packet): void {
    const ns = inDev.netns;
    if (packet.protocol === IPPROTO_UDP && packet.payload.kind === 'udp') {
      const vxlan = ns
        .sortedLinks()
        .find(
          (l): l is VxlanLink => l.kind === 'vxlan' && (l.dstport || 8472) === (packet.payload as UdpDatagram).dstPort,
        );
      const payload = packet.payload.payload;
      if (vxlan && payload.kind === 'vxlan' && payload.vni === vxlan.vni) {
        this.#note(ns, 'decap', vxlan.name, `VXLAN decapsulation VNI ${payload.vni}`);
        if (vxlan.learning) this.#vxlanLearn(vxlan, payload.inner.src, packet.src);
        this.rx(vxlan, payload.inner);
        return;
      }
    }
    if (packet.protocol === IPPROTO_IPIP && packet.payload.kind === 'ipv4') {
      const tunnel = ns.sortedLinks().find((l) => l.kind === 'ipip' && l.adminUp);
      if (tunnel) {
        this.#note(ns, 'decap', tunnel.name, 'IPIP decapsulation');
        this.rx(tunnel, packet.payload);
        return;
      }
    }
    for (const listener of this.listeners) if (listener(ns, packet, inDev)) return;
    if (packet.protocol === IPPROTO_ICMP && packet.payload.kind === 'icmp') {
      const icmp = packet.payload;
      if (icmp.type === 8) {
        const reply: Ipv4Packet = {
          kind: 'ipv4',
          src: packet.dst,
          dst: packet.src,
          ttl: 64,
          id: this.kernel.rng.int(0, 0xffff),
          tos: packet.tos,
          df: false,
          protocol: IPPROTO_ICMP,
          payload: { ...icmp, type: 0 },
        };
        this.ipOutput(ns, reply);
      }
      return;
    }
    if (packet.protocol === IPPROTO_UDP) this.#icmpError(ns, packet, 3, 3, inDev);
  }

  #vxlanLearn(dev: VxlanLink, mac: Mac, remote: Ipv4): void {
    const entry = dev.fdb.find((e) => e.mac === mac);
    if (entry) {
      if (!entry.permanent) entry.dst = remote;
      return;
    }
    dev.fdb.push({ mac, dst: remote, permanent: false, local: false, updated: this.kernel.clock.micros });
  }

  /** Sends an ICMP error about `about` back to its source (never about ICMP errors). */
  /** Whether `addr` is in the subnet of one of the device's addresses (a directly connected sender). */
  #onLink(dev: Link, addr: Ipv4): boolean {
    return dev.netns.addrsOf(dev).some((a) => networkOf(addr, a.prefixlen) === networkOf(a.local, a.prefixlen));
  }

  /** `gateway`: the new next hop a redirect carries in the header's second word. */
  #icmpError(ns: NetNs, about: Ipv4Packet, type: number, code: number, dev: Link, gateway = 0): void {
    if (about.payload.kind === 'icmp' && about.payload.type !== 8 && about.payload.type !== 0) return;
    // icmp_send answers from the address the packet was for when it was for this host.
    const src = ns.isLocalAddress(about.dst)
      ? about.dst
      : ns.isLocalAddress(about.src)
        ? about.src
        : ns.selectSource(dev, about.src, SCOPE.link);
    if (src === undefined || !icmpErrorAllowed(ns, about.src, type, code, this.kernel.clock.millis)) return;
    const error: IcmpMessage = {
      kind: 'icmp',
      type,
      code,
      id: gateway >>> 16,
      seq: gateway & 0xffff,
      data: new Uint8Array(0),
      quoted: about,
    };
    const packet: Ipv4Packet = {
      kind: 'ipv4',
      src,
      dst: about.src,
      ttl: 64,
      id: this.kernel.rng.int(0, 0xffff),
      tos: 0xc0,
      df: false,
      protocol: IPPROTO_ICMP,
      payload: error,
    };
    // Errors about our own packets too go out through OUTPUT and come back over lo (lost if it is down).
    this.ipOutput(ns, packet);
  }
}

/**
 * The kernel's own ICMP messages (echo replies, errors) go out under the ICMP socket's lock, so a
 * REJECT on their way out cannot send an error about them (icmp_xmit_lock is a trylock).
 */
function kernelIcmp(packet: Ipv4Packet): boolean {
  return packet.payload.kind === 'icmp' && packet.payload.type !== 8;
}
