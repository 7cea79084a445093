/**
 * One network namespace's connection-tracking table (nf_conntrack): entries keyed by their
 * original and reply tuples, protocol state (TCP state machine, UDP/ICMP replied-or-not), status
 * bits ([UNREPLIED], [ASSURED]), mark, zone, NAT bindings, and timeouts counting down on the
 * virtual clock. The packet walk calls `track` where the kernel runs nf_conntrack_in (PREROUTING
 * and OUTPUT), `bindNat` from NAT targets, `confirm` where the kernel confirms (the end of
 * POSTROUTING or INPUT), and `rewrite` to learn how NAT changes each later packet.
 */
import type { Ipv4 } from '../../../wire/addr.ts';
import {
  type ConntrackTimeouts,
  DEFAULT_TIMEOUTS,
  nextTcpState,
  type TcpFlagBits,
  type TcpState,
  tcpStateTimeout,
} from './tcp-states.ts';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** What conntrack needs from a packet. Ports for TCP/UDP; type, code and id for ICMP. */
export interface CtPacket {
  proto: number;
  src: Ipv4;
  dst: Ipv4;
  sport?: number;
  dport?: number;
  icmpType?: number;
  icmpCode?: number;
  icmpId?: number;
  tcpFlags?: TcpFlagBits;
  /** For ICMP errors: the quoted packet that caused it (as sent, so seen from its sender). */
  quoted?: CtPacket;
  length?: number;
  zone?: number;
}

/** A conntrack tuple: addresses plus ports (TCP/UDP) or ICMP type/code/id. */
export interface CtTuple {
  proto: number;
  src: Ipv4;
  dst: Ipv4;
  /** TCP/UDP source port; ICMP id. */
  sport: number;
  /** TCP/UDP destination port; ICMP (type << 8 | code). */
  dport: number;
}

export type CtDirection = 'original' | 'reply';
export type CtState = 'NEW' | 'ESTABLISHED' | 'RELATED' | 'INVALID';

export interface CtEntry {
  /** A stable id (the kernel's is a hashed pointer; this one counts). */
  id: number;
  orig: CtTuple;
  reply: CtTuple;
  zone: number;
  mark: number;
  tcpState?: TcpState;
  seenReply: boolean;
  assured: boolean;
  confirmed: boolean;
  /** Virtual-clock instant (ms) at which the entry expires. */
  expires: number;
  created: number;
  /** NAT done on this connection (so that further NAT rules are not consulted). */
  srcNat: boolean;
  dstNat: boolean;
}

export interface CtVerdict {
  /** null for untracked packets (and INVALID ones). */
  entry: CtEntry | null;
  dir: CtDirection;
  state: CtState;
}

export type CtEventType = 'NEW' | 'UPDATE' | 'DESTROY';

export interface CtEvent {
  type: CtEventType;
  /** A copy of the entry at the moment of the event. */
  entry: CtEntry;
  /** Remaining timeout in seconds at that moment. */
  timeout: number;
}

const ICMP_REPLY_TYPE: Record<number, number> = { 8: 0, 13: 14, 15: 16, 17: 18 };
const ICMP_ERROR_TYPES = new Set([3, 4, 5, 11, 12]);
/** How long a UDP flow must live before a reply makes it a stream (ct->proto.udp.stream_ts). */
const UDP_STREAM_AFTER_MS = 2000;

function tupleKey(t: CtTuple, zone: number): string {
  return `${zone}/${t.proto}/${t.src}/${t.dst}/${t.sport}/${t.dport}`;
}

function invert(t: CtTuple): CtTuple {
  if (t.proto === IPPROTO_ICMP) {
    const type = t.dport >> 8;
    const replyType = ICMP_REPLY_TYPE[type] ?? type;
    return { proto: t.proto, src: t.dst, dst: t.src, sport: t.sport, dport: (replyType << 8) | (t.dport & 0xff) };
  }
  return { proto: t.proto, src: t.dst, dst: t.src, sport: t.dport, dport: t.sport };
}

/** The tuple of a packet as it appears on the wire (before NAT). */
export function packetTuple(p: CtPacket): CtTuple {
  if (p.proto === IPPROTO_ICMP) {
    return {
      proto: p.proto,
      src: p.src,
      dst: p.dst,
      sport: p.icmpId ?? 0,
      dport: ((p.icmpType ?? 0) << 8) | (p.icmpCode ?? 0),
    };
  }
  if (p.proto === IPPROTO_TCP || p.proto === IPPROTO_UDP) {
    return { proto: p.proto, src: p.src, dst: p.dst, sport: p.sport ?? 0, dport: p.dport ?? 0 };
  }
  return { proto: p.proto, src: p.src, dst: p.dst, sport: 0, dport: 0 };
}

export interface ConntrackOptions {
  /** net.netfilter.nf_conntrack_max */
  max?: number;
  timeouts?: Partial<ConntrackTimeouts>;
  /** nf_conntrack_tcp_loose: pick up established TCP connections from a bare ACK. */
  tcpLoose?: boolean;
}

export class ConntrackTable {
  max: number;
  tcpLoose: boolean;
  readonly timeouts: ConntrackTimeouts;
  private readonly byTuple = new Map<string, { entry: CtEntry; dir: CtDirection }>();
  private readonly list: CtEntry[] = [];
  private nextId = 1;
  private listeners: ((e: CtEvent) => void)[] = [];
  /** Packets dropped because the table was full (the "table full, dropping packet" count). */
  drops = 0;

  constructor(opts: ConntrackOptions = {}) {
    this.max = opts.max ?? 262144;
    this.tcpLoose = opts.tcpLoose ?? true;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  }

  /** Subscribes to NEW/UPDATE/DESTROY events (what `conntrack -E` prints); returns the unsubscribe. */
  onEvent(listener: (e: CtEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private emit(type: CtEventType, entry: CtEntry, now: number): void {
    if (this.listeners.length === 0) return;
    const event: CtEvent = {
      type,
      entry: { ...entry, orig: { ...entry.orig }, reply: { ...entry.reply } },
      timeout: Math.max(0, Math.floor((entry.expires - now) / 1000)),
    };
    for (const l of this.listeners) l(event);
  }

  get count(): number {
    return this.list.length;
  }

  /** Confirmed, unexpired entries, oldest first. */
  entries(now: number): CtEntry[] {
    this.expire(now);
    return [...this.list];
  }

  /** Finds the entry whose original or reply tuple equals `t`, and which direction matched. */
  lookup(t: CtTuple, zone = 0, now?: number): { entry: CtEntry; dir: CtDirection } | null {
    const hit = this.byTuple.get(tupleKey(t, zone)) ?? null;
    if (hit && now !== undefined && hit.entry.expires <= now) return null;
    return hit;
  }

  /**
   * nf_conntrack_in: finds the packet's connection or starts a new (unconfirmed) one, runs the
   * protocol state machine, refreshes the timeout, and classifies the packet for --ctstate.
   */
  track(p: CtPacket, now: number): CtVerdict {
    this.expire(now);
    const zone = p.zone ?? 0;
    if (p.proto === IPPROTO_ICMP && ICMP_ERROR_TYPES.has(p.icmpType ?? -1)) {
      const inner = p.quoted ? this.lookup(packetTuple(p.quoted), zone) : null;
      if (!inner) return { entry: null, dir: 'original', state: 'INVALID' };
      return { entry: inner.entry, dir: inner.dir === 'original' ? 'reply' : 'original', state: 'RELATED' };
    }
    const tuple = packetTuple(p);
    const hit = this.lookup(tuple, zone);
    if (!hit) {
      const entry = this.start(p, tuple, zone, now);
      if (!entry) return { entry: null, dir: 'original', state: 'INVALID' };
      return { entry, dir: 'original', state: 'NEW' };
    }
    const { entry, dir } = hit;
    if (isReopen(entry, dir, p)) {
      // tcp_packet: a SYN for a connection that already closed kills the old entry (-NF_REPEAT),
      // so the new connection is tracked, and NATed, afresh.
      this.remove(entry, now);
      const fresh = this.start(p, tuple, zone, now);
      if (!fresh) return { entry: null, dir: 'original', state: 'INVALID' };
      return { entry: fresh, dir: 'original', state: 'NEW' };
    }
    if (!this.update(entry, dir, p, now)) return { entry, dir, state: 'INVALID' };
    const state: CtState = dir === 'reply' || entry.seenReply ? 'ESTABLISHED' : 'NEW';
    return { entry, dir, state };
  }

  private start(p: CtPacket, tuple: CtTuple, zone: number, now: number): CtEntry | null {
    let tcpState: TcpState | undefined;
    let timeout: number;
    if (p.proto === IPPROTO_TCP) {
      const next = nextTcpState('original', p.tcpFlags ?? {}, 'NONE');
      if (next === 'INVALID' || next === 'IGNORE') return null;
      if (next !== 'SYN_SENT' && !this.tcpLoose) return null;
      tcpState = next;
      timeout = tcpStateTimeout(next, this.timeouts);
    } else if (p.proto === IPPROTO_UDP) {
      timeout = this.timeouts.udp_timeout;
    } else if (p.proto === IPPROTO_ICMP) {
      if (!((p.icmpType ?? -1) in ICMP_REPLY_TYPE)) return null;
      timeout = this.timeouts.icmp_timeout;
    } else {
      timeout = this.timeouts.generic_timeout;
    }
    const entry: CtEntry = {
      id: this.nextId++,
      orig: tuple,
      reply: invert(tuple),
      zone,
      mark: 0,
      tcpState,
      seenReply: false,
      assured: false,
      confirmed: false,
      expires: now + timeout * 1000,
      created: now,
      srcNat: false,
      dstNat: false,
    };
    return entry;
  }

  /** Protocol state update for a packet of an existing entry; false when the packet is invalid. */
  private update(entry: CtEntry, dir: CtDirection, p: CtPacket, now: number): boolean {
    let changed = false;
    // The protocol handler runs before the kernel sets IPS_SEEN_REPLY for this packet.
    const hadReply = entry.seenReply;
    if (dir === 'reply' && !hadReply) {
      entry.seenReply = true;
      changed = true;
    }
    if (entry.orig.proto === IPPROTO_TCP && entry.tcpState) {
      const flags = p.tcpFlags ?? {};
      const next = nextTcpState(dir, flags, entry.tcpState);
      if (next === 'INVALID') {
        entry.seenReply = hadReply;
        return false;
      }
      if (next === 'IGNORE') return true;
      const old = entry.tcpState;
      if (flags.rst && !hadReply) {
        // "If only reply is a RST, we can consider ourselves not to have an established
        // connection": the kernel kills the entry at once.
        entry.tcpState = next;
        entry.seenReply = hadReply;
        this.remove(entry, now);
        return true;
      }
      entry.tcpState = next;
      if (next !== old) changed = true;
      if (!entry.assured && next === 'ESTABLISHED' && (old === 'SYN_RECV' || old === 'ESTABLISHED')) {
        entry.assured = true;
        changed = true;
      }
      entry.expires = now + tcpStateTimeout(next, this.timeouts) * 1000;
    } else if (entry.orig.proto === IPPROTO_UDP) {
      if (entry.seenReply) {
        const stream = now > entry.created + UDP_STREAM_AFTER_MS;
        entry.expires = now + (stream ? this.timeouts.udp_timeout_stream : this.timeouts.udp_timeout) * 1000;
        if (stream && !entry.assured) {
          entry.assured = true;
          changed = true;
        }
      } else {
        entry.expires = now + this.timeouts.udp_timeout * 1000;
      }
    } else if (entry.orig.proto === IPPROTO_ICMP) {
      entry.expires = now + this.timeouts.icmp_timeout * 1000;
    } else {
      entry.expires = now + this.timeouts.generic_timeout * 1000;
    }
    if (changed && entry.confirmed) this.emit('UPDATE', entry, now);
    return true;
  }

  /**
   * Binds NAT for a new connection: DNAT changes where the reply comes from, SNAT where it goes.
   * Only the first binding of each kind counts, as the nat table is consulted once per connection.
   */
  bindNat(entry: CtEntry, nat: { dnat?: { addr: Ipv4; port?: number }; snat?: { addr: Ipv4; port?: number } }): void {
    // nf_nat_setup_info sets the NAT status bit only when the mapping changes the tuple (a DNAT to the
    // address the packet already has is no DNAT for --ctstate).
    if (nat.dnat && !entry.dstNat) {
      const reply = { ...entry.reply, src: nat.dnat.addr, sport: nat.dnat.port ?? entry.reply.sport };
      entry.dstNat = reply.src !== entry.reply.src || reply.sport !== entry.reply.sport;
      entry.reply = reply;
    }
    if (nat.snat && !entry.srcNat) {
      const reply = { ...entry.reply, dst: nat.snat.addr, dport: nat.snat.port ?? entry.reply.dport };
      entry.srcNat = reply.dst !== entry.reply.dst || reply.dport !== entry.reply.dport;
      entry.reply = reply;
    }
  }

  /**
   * How NAT rewrites a packet of this connection travelling in `dir`: packets in the original
   * direction take the inverted reply tuple as their addresses, replies take the inverted original.
   */
  rewrite(entry: CtEntry, dir: CtDirection): CtTuple {
    return dir === 'original' ? invert(entry.reply) : invert(entry.orig);
  }

  /**
   * __nf_conntrack_confirm: inserts a new entry. When the table is full the kernel drops an
   * unassured entry to make room (early_drop); here the oldest one. Returns false when nothing
   * could be dropped, and the packet is dropped instead.
   */
  confirm(entry: CtEntry, now: number): boolean {
    if (entry.confirmed) return true;
    this.expire(now);
    if (this.lookup(entry.orig, entry.zone) || this.lookup(entry.reply, entry.zone)) return false;
    if (this.list.length >= this.max) {
      const victim = this.list.find((e) => !e.assured);
      if (!victim) {
        this.drops++;
        return false;
      }
      this.remove(victim, now);
    }
    entry.confirmed = true;
    this.list.push(entry);
    this.byTuple.set(tupleKey(entry.orig, entry.zone), { entry, dir: 'original' });
    this.byTuple.set(tupleKey(entry.reply, entry.zone), { entry, dir: 'reply' });
    this.emit('NEW', entry, now);
    return true;
  }

  setMark(entry: CtEntry, mark: number, now: number): void {
    if (entry.mark === mark >>> 0) return;
    entry.mark = mark >>> 0;
    if (entry.confirmed) this.emit('UPDATE', entry, now);
  }

  /** Removes an entry (conntrack -D, a RST, expiry), with its DESTROY event. */
  remove(entry: CtEntry, now: number): void {
    const i = this.list.indexOf(entry);
    if (i >= 0) this.list.splice(i, 1);
    this.byTuple.delete(tupleKey(entry.orig, entry.zone));
    this.byTuple.delete(tupleKey(entry.reply, entry.zone));
    if (entry.confirmed) this.emit('DESTROY', entry, now);
    entry.confirmed = false;
  }

  /** Drops every entry whose timeout has run out by `now`. */
  expire(now: number): void {
    for (const e of this.list.filter((x) => x.expires <= now)) this.remove(e, now);
  }

  flush(now: number): void {
    for (const e of [...this.list]) this.remove(e, now);
  }
}

/** A bare SYN in the original direction of a TCP connection in TIME_WAIT or CLOSE: a reopen. */
function isReopen(entry: CtEntry, dir: CtDirection, p: CtPacket): boolean {
  const flags = p.tcpFlags ?? {};
  return (
    dir === 'original' &&
    entry.orig.proto === IPPROTO_TCP &&
    flags.syn === true &&
    !flags.ack &&
    (entry.tcpState === 'TIME_WAIT' || entry.tcpState === 'CLOSE')
  );
}
