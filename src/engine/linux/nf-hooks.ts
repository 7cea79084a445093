/**
 * Netfilter on the packet path: at each hook, the tables in the kernel's priority order, connection
 * tracking (nf_conntrack_in, confirm), NAT bound once per connection and then applied to every
 * packet of it in both directions, and marks that follow the packet from hook to hook.
 *
 *   PREROUTING  raw → conntrack → mangle → nat (DNAT)
 *   INPUT       mangle → filter → security → nat (SNAT) → confirm
 *   FORWARD     mangle → filter → security
 *   OUTPUT      raw → conntrack → mangle → nat (DNAT) → filter → security
 *   POSTROUTING mangle → nat (SNAT) → confirm
 */
import { formatIpv4, type Ipv4 } from '../wire/addr.ts';
import { ipv4TotalLength } from '../wire/encode.ts';
import { type EthernetFrame, IPPROTO_ICMP, type Ipv4Packet } from '../wire/packet.ts';
import { RT_TABLE } from './fib.ts';
import type { Kernel } from './kernel.ts';
import type { Link } from './links.ts';
import type { CtEntry, CtPacket, CtVerdict } from './netfilter/conntrack/conntrack-table.ts';
import { type EvalResult, evaluate } from './netfilter/eval.ts';
import type { AddrType, NatAction, NetfilterState, NfPacket, Rule, TableName } from './netfilter/types.ts';
import type { NetNs } from './netns.ts';
import type { HookResult, NfHook, PacketHooks } from './stack.ts';

/** What the kernel keeps on the sk_buff between hooks. */
interface PacketState {
  /** The namespace the state belongs to: crossing into another one scrubs it (skb_scrub_packet). */
  ns: NetNs;
  ct: CtVerdict | null;
  mark: number;
  /** The nftrace id once a TRACE rule marked the packet. */
  traceId?: number;
  /** The frame the packet arrived in, if it was received. */
  l2?: EthernetFrame;
}

/** One event of `xtables-monitor --trace`: the packet at a base chain, a rule it hit, or a policy. */
export interface NfTraceEvent {
  ns: NetNs;
  id: number;
  table: TableName;
  chain: string;
  kind: 'packet' | 'rule' | 'policy';
  /** For rules: the nf_tables handle and the rule as iptables-save writes it (with -A CHAIN). */
  handle?: number;
  rule?: string;
  /** CONTINUE, ACCEPT, DROP, RETURN, JUMP:X, GOTO:X. */
  verdict?: string;
  /** For packets: what the kernel knows at that hook. */
  packet?: Ipv4Packet;
  inDev?: string;
  outDev?: string;
  l2?: EthernetFrame;
}

const REJECT_ICMP: Record<string, { type: number; code: number }> = {
  'icmp-net-unreachable': { type: 3, code: 0 },
  'icmp-host-unreachable': { type: 3, code: 1 },
  'icmp-proto-unreachable': { type: 3, code: 2 },
  'icmp-port-unreachable': { type: 3, code: 3 },
  'icmp-net-prohibited': { type: 3, code: 9 },
  'icmp-host-prohibited': { type: 3, code: 10 },
  'icmp-admin-prohibited': { type: 3, code: 13 },
  // TCP resets need a TCP stack that answers for the socket; until then the peer sees a refusal.
  'tcp-reset': { type: 3, code: 3 },
};

const TABLES: Record<NfHook, TableName[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

/** NAT manipulation per hook: destination on the way in and out of local processes, source on the way out. */
const MANIP: Partial<Record<NfHook, 'dst' | 'src'>> = {
  PREROUTING: 'dst',
  OUTPUT: 'dst',
  INPUT: 'src',
  POSTROUTING: 'src',
};

export class NetfilterHooks implements PacketHooks {
  readonly #kernel: Kernel;
  readonly #packets = new WeakMap<Ipv4Packet, PacketState>();
  /** Which NAT manipulations were decided for a connection (possibly "none"). */
  readonly #natDone = new WeakMap<CtEntry, Set<'dst' | 'src'>>();
  /** Subscribers to nftrace events (`xtables-monitor --trace`). */
  readonly traceListeners = new Set<(event: NfTraceEvent) => void>();

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
  }

  carry(from: Ipv4Packet, to: Ipv4Packet): void {
    const state = this.#packets.get(from);
    if (state) this.#packets.set(to, state);
  }

  run(ns: NetNs, hook: NfHook, packet: Ipv4Packet, inDev?: Link, outDev?: Link): HookResult {
    const nf = ns.netfilter;
    const tracking = conntrackNeeded(nf);
    if (nf.tables.size === 0 && !tracking) return { verdict: 'accept', packet };
    const now = this.#kernel.clock.millis;
    let state = this.#packets.get(packet);
    if (state?.ns !== ns) {
      // An ICMP error this host makes carries the conntrack of the packet it is about from the
      // start (icmp_send attaches it), so even raw sees it RELATED.
      const ct = ns.isLocalAddress(packet.src) ? this.#errorOf(ns, packet) : null;
      state = { ns, ct, mark: 0, l2: this.#kernel.stack.linkHeaderOf(packet) };
      this.#packets.set(packet, state);
    }
    let current = packet;
    for (const table of TABLES[hook]) {
      // Conntrack runs after raw, before mangle (priority -200), on the first hook a packet meets.
      if (table === 'mangle' && (hook === 'PREROUTING' || hook === 'OUTPUT') && tracking && !state.ct) {
        state.ct = ns.conntrack.track(ctPacket(current), now);
      }
      if (table === 'nat') {
        const natted = this.#nat(ns, hook, current, state, inDev, outDev);
        if (!natted) return { verdict: 'drop', packet: current };
        current = natted;
        continue;
      }
      if (!nf.tables.has(table)) continue;
      const result = this.#eval(ns, table, hook, current, state, inDev, outDev);
      if (result.verdict === 'DROP') {
        const reject = result.reject !== undefined ? REJECT_ICMP[result.reject] : undefined;
        return reject ? { verdict: 'reject', packet: current, reject } : { verdict: 'drop', packet: current };
      }
    }
    // Only a packet in the original direction confirms its connection (a RELATED error does not).
    const ct = state.ct;
    if (
      (hook === 'POSTROUTING' || hook === 'INPUT') &&
      ct?.entry &&
      !ct.entry.confirmed &&
      ct.dir === 'original' &&
      ct.state !== 'RELATED'
    ) {
      if (!ns.conntrack.confirm(ct.entry, now)) return { verdict: 'drop', packet: current };
    }
    this.#packets.set(current, state);
    return { verdict: 'accept', packet: current };
  }

  /**
   * An ICMP error this host makes about a packet it tracked (REJECT, no route, TTL) is RELATED to
   * that packet's connection, even one not confirmed yet.
   */
  #errorOf(ns: NetNs, packet: Ipv4Packet): CtVerdict | null {
    const icmp = packet.payload;
    if (icmp.kind !== 'icmp' || !icmp.quoted) return null;
    const about = this.#packets.get(icmp.quoted);
    const ct = about?.ns === ns ? about.ct : null;
    if (!ct?.entry) return null;
    return { entry: ct.entry, dir: ct.dir === 'original' ? 'reply' : 'original', state: 'RELATED' };
  }

  #eval(
    ns: NetNs,
    table: TableName,
    hook: NfHook,
    packet: Ipv4Packet,
    state: PacketState,
    inDev?: Link,
    outDev?: Link,
  ): EvalResult {
    const nfPacket = this.#nfPacket(ns, packet, state, inDev, outDev);
    const result = evaluate(ns.netfilter, table, hook, nfPacket, {
      now: this.#kernel.clock.millis,
      random: () => this.#kernel.rng.next(),
    });
    state.mark = result.mark;
    if (this.traceListeners.size > 0 && table !== 'nat')
      this.#traceEvents(ns, table, hook, packet, state, result, inDev, outDev);
    const stack = this.#kernel.stack;
    if (stack.tracing) {
      for (const hit of result.hits) {
        stack.record({
          ns,
          kind: 'rule',
          where: `${hit.table}/${hit.chain}#${hit.index}`,
          what: `-A ${hit.chain} ${hit.rule.spec}`,
        });
      }
    }
    return result;
  }

  /**
   * nftrace as the kernel reports it: from the TRACE rule on (or for a packet already marked), the
   * packet once per base chain, each rule that matched with its verdict, and the policy when it
   * decided. (nat chains report nothing, as on the real kernel.)
   */
  #traceEvents(
    ns: NetNs,
    table: TableName,
    hook: NfHook,
    packet: Ipv4Packet,
    state: PacketState,
    result: EvalResult,
    inDev?: Link,
    outDev?: Link,
  ): void {
    // iptables-nft creates base chains lazily: one never written to does not exist in nf_tables.
    if (ns.netfilter.tables.get(table)?.chains.get(hook)?.handle === undefined) return;
    let hits = result.hits;
    if (state.traceId === undefined) {
      const start = hits.findIndex(
        (hit) => hit.rule.target?.kind === 'module' && hit.rule.target.target.module.name === 'TRACE',
      );
      if (start < 0) return;
      state.traceId = this.#kernel.rng.int(0, 0xffffffff);
      hits = hits.slice(start);
    }
    const base = { ns, id: state.traceId, table };
    const emit = (event: NfTraceEvent) => {
      for (const listener of this.traceListeners) listener(event);
    };
    emit({ ...base, chain: hook, kind: 'packet', packet, inDev: inDev?.name, outDev: outDev?.name, l2: state.l2 });
    for (const hit of hits) {
      emit({
        ...base,
        chain: hit.chain,
        kind: 'rule',
        handle: hit.rule.handle,
        rule: `-A ${hit.chain} ${hit.rule.spec}`,
        verdict: traceVerdict(hit.rule),
      });
    }
    if (result.byPolicy) emit({ ...base, chain: hook, kind: 'policy', verdict: result.verdict });
  }

  /** The nat table decides once per connection and manipulation; every packet then follows the binding. */
  /** The packet after the nat hook, or null when the hook drops it. */
  #nat(
    ns: NetNs,
    hook: NfHook,
    packet: Ipv4Packet,
    state: PacketState,
    inDev?: Link,
    outDev?: Link,
  ): Ipv4Packet | null {
    const manip = MANIP[hook];
    const ct = state.ct;
    if (!manip || !ct?.entry) return packet;
    const entry = ct.entry;
    let done = this.#natDone.get(entry);
    if (!done) {
      done = new Set();
      this.#natDone.set(entry, done);
    }
    if (!done.has(manip) && ct.dir === 'original' && ct.state === 'NEW') {
      done.add(manip);
      if (ns.netfilter.tables.has('nat')) {
        const result = this.#eval(ns, 'nat', hook, packet, state, inDev, outDev);
        if (result.nat) this.#bind(ns, entry, result.nat, packet, outDev);
      }
    }
    // A redirect about a NATed connection, or one whose NAT is not settled both ways yet, is dropped
    // (nf_nat_icmp_reply_translation): the hosts would start talking past the translation.
    const icmp = packet.payload;
    if (ct.state === 'RELATED' && icmp.kind === 'icmp' && icmp.type === 5 && ns.netfilter.tables.has('nat')) {
      if (!(done.has('src') && done.has('dst')) || entry.srcNat || entry.dstNat) return null;
    }
    // An ICMP error RELATED to the connection is rewritten only where the connection is NATed in
    // this manipulation (nf_nat_icmp_reply_translation's status bit); otherwise it keeps its addresses.
    if (ct.state === 'RELATED' && !((manip === 'src') === (ct.dir === 'original') ? entry.srcNat : entry.dstNat)) {
      return packet;
    }
    const target = ns.conntrack.rewrite(entry, ct.dir);
    const next =
      manip === 'dst'
        ? rewrite(packet, packet.src, target.dst, undefined, target.dport)
        : rewrite(packet, target.src, packet.dst, target.sport, undefined);
    if (next !== packet) {
      const kind =
        manip === 'dst' ? (ct.dir === 'original' ? 'DNAT' : 'un-SNAT') : ct.dir === 'original' ? 'SNAT' : 'un-DNAT';
      const [from, to] =
        manip === 'dst'
          ? [endpoint(packet, 'dst'), endpoint(next, 'dst')]
          : [endpoint(packet, 'src'), endpoint(next, 'src')];
      this.#kernel.stack.record({ ns, kind: 'nat', where: hook, what: `${kind} ${from} -> ${to}` });
    }
    return next;
  }

  #bind(ns: NetNs, entry: CtEntry, nat: NatAction, packet: Ipv4Packet, outDev?: Link): void {
    const isIcmp = entry.orig.proto === IPPROTO_ICMP;
    const portFrom = (min?: number, max?: number) => {
      if (min === undefined || isIcmp) return undefined;
      return max !== undefined && max > min ? this.#kernel.rng.int(min, max) : min;
    };
    if (nat.type === 'DNAT') {
      const addr = pickAddr(nat.minAddr, nat.maxAddr, this.#kernel.rng.int.bind(this.#kernel.rng)) ?? packet.dst;
      ns.conntrack.bindNat(entry, { dnat: { addr, port: portFrom(nat.minPort, nat.maxPort) } });
      return;
    }
    let addr: Ipv4 | undefined;
    if (nat.type === 'SNAT') addr = pickAddr(nat.minAddr, nat.maxAddr, this.#kernel.rng.int.bind(this.#kernel.rng));
    else addr = outDev ? ns.selectSource(outDev, packet.dst, 0) : undefined;
    if (addr === undefined) return;
    let port = portFrom(nat.minPort, nat.maxPort);
    // --random-fully picks the source port (or ICMP id) at random; otherwise the original is kept.
    if (port === undefined && nat.randomFully && !isIcmp) port = this.#kernel.rng.int(1024, 65535);
    ns.conntrack.bindNat(entry, { snat: { addr, port } });
  }

  #nfPacket(ns: NetNs, packet: Ipv4Packet, state: PacketState, inDev?: Link, outDev?: Link): NfPacket {
    const ct = state.ct;
    const payload = packet.payload;
    const ports = payload.kind === 'tcp' || payload.kind === 'udp' ? payload : undefined;
    return {
      src: packet.src,
      dst: packet.dst,
      proto: packet.protocol,
      sport: ports?.srcPort,
      dport: ports?.dstPort,
      icmpType: payload.kind === 'icmp' ? payload.type : undefined,
      icmpCode: payload.kind === 'icmp' ? payload.code : undefined,
      inIface: inDev?.name,
      outIface: outDev?.name,
      mark: state.mark,
      ttl: packet.ttl,
      length: totalLength(packet),
      // Before conntrack has run (raw) or when it does not run, a packet has no entry: INVALID.
      ctState: ct ? ct.state : 'INVALID',
      ctDnat: ct?.entry?.dstNat,
      ctSnat: ct?.entry?.srcNat,
      ctOrigSrc: ct?.entry?.orig.src,
      ctOrigDst: ct?.entry?.orig.dst,
      ctOrigSrcPort: ct?.entry?.orig.sport,
      ctOrigDstPort: ct?.entry?.orig.dport,
      srcType: addrType(ns, packet.src),
      dstType: addrType(ns, packet.dst),
    };
  }
}

/** How nftrace names what a matched rule decided. */
function traceVerdict(rule: Rule): string {
  const target = rule.target;
  if (!target) return 'CONTINUE';
  if (target.kind === 'verdict') return target.name;
  if (target.kind === 'chain') return `${target.goto ? 'GOTO' : 'JUMP'}:${target.name}`;
  const name = target.target.module.name;
  if (name === 'REJECT') return 'DROP';
  if (name === 'DNAT' || name === 'SNAT' || name === 'MASQUERADE') return 'ACCEPT';
  return 'CONTINUE';
}

/** Conntrack runs in a namespace once a rule needs it: a match on connection state, or a NAT target. */
function conntrackNeeded(nf: NetfilterState): boolean {
  for (const table of nf.tables.values()) {
    for (const chain of table.chains.values()) {
      for (const rule of chain.rules) {
        if (rule.matches.some((m) => CT_MATCHES.has(m.module.name))) return true;
        if (rule.target?.kind === 'module' && CT_TARGETS.has(rule.target.target.module.name)) return true;
      }
    }
  }
  return false;
}

/**
 * The matches and targets whose checkentry calls nf_ct_netns_get. A nat table alone does not: its
 * chains run from conntrack's hooks and see nothing while no entry exists. (CT --notrack does not
 * either, but it only matters once something else turned tracking on.)
 */
const CT_MATCHES = new Set(['conntrack', 'state', 'connmark', 'connbytes', 'connlimit', 'helper']);
const CT_TARGETS = new Set(['DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'NETMAP', 'CONNMARK']);

/** `10.0.2.2:8080` (or the bare address for ICMP) of one end of a packet. */
function endpoint(packet: Ipv4Packet, side: 'src' | 'dst'): string {
  const addr = formatIpv4(side === 'src' ? packet.src : packet.dst);
  const payload = packet.payload;
  if (payload.kind !== 'tcp' && payload.kind !== 'udp') return addr;
  return `${addr}:${side === 'src' ? payload.srcPort : payload.dstPort}`;
}

function addrType(ns: NetNs, addr: Ipv4): AddrType {
  if (addr >>> 28 === 0xe) return 'MULTICAST';
  if (addr === 0xffffffff) return 'BROADCAST';
  const route = ns.tables.get(RT_TABLE.local)?.lookup(addr);
  if (route?.type === 'local') return 'LOCAL';
  if (route?.type === 'broadcast') return 'BROADCAST';
  return 'UNICAST';
}

function pickAddr(
  min: Ipv4 | undefined,
  max: Ipv4 | undefined,
  int: (a: number, b: number) => number,
): Ipv4 | undefined {
  if (min === undefined) return undefined;
  return max !== undefined && max > min ? int(min, max) : min;
}

function ctPacket(packet: Ipv4Packet): CtPacket {
  const payload = packet.payload;
  const base: CtPacket = { proto: packet.protocol, src: packet.src, dst: packet.dst, length: totalLength(packet) };
  if (payload.kind === 'tcp')
    return { ...base, sport: payload.srcPort, dport: payload.dstPort, tcpFlags: payload.flags };
  if (payload.kind === 'udp') return { ...base, sport: payload.srcPort, dport: payload.dstPort };
  if (payload.kind === 'icmp') {
    return {
      ...base,
      icmpType: payload.type,
      icmpCode: payload.code,
      icmpId: payload.id,
      quoted: payload.quoted ? ctPacket(payload.quoted) : undefined,
    };
  }
  return base;
}

function totalLength(packet: Ipv4Packet): number {
  const payload = packet.payload;
  // An ICMP error quotes as much of the packet it is about as fits in 576 bytes (icmp_send).
  if (payload.kind === 'icmp' && payload.quoted) {
    return 28 + payload.data.length + Math.min(totalLength(payload.quoted), 548);
  }
  return ipv4TotalLength(packet);
}

/** A copy of the packet with new addresses and ports. (ICMP ids are never remapped here.) */
function rewrite(packet: Ipv4Packet, src: Ipv4, dst: Ipv4, sport?: number, dport?: number): Ipv4Packet {
  const payload = packet.payload;
  let next = payload;
  if ((payload.kind === 'tcp' || payload.kind === 'udp') && (sport !== undefined || dport !== undefined)) {
    const srcPort = sport ?? payload.srcPort;
    const dstPort = dport ?? payload.dstPort;
    if (srcPort !== payload.srcPort || dstPort !== payload.dstPort) next = { ...payload, srcPort, dstPort };
  }
  if (src === packet.src && dst === packet.dst && next === payload) return packet;
  return { ...packet, src, dst, payload: next };
}
