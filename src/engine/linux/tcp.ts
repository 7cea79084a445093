/**
 * TCP as Linux 6.x speaks it: the three-way handshake with the options Linux puts on a SYN
 * (mss, sackOK, timestamps, nop, wscale), data with PSH, FIN/ACK both ways, RST for segments no
 * socket wants, TIME_WAIT on the side that closed first, and retransmissions on the virtual clock
 * (SYN after 1 s, 2 s, 4 s …). Sockets live in the kernel's SocketTable (sockets.ts), which
 * demultiplexes arriving segments; everything a socket sends goes out through `ipOutput`.
 */
import type { Ipv4 } from '../wire/addr.ts';
import { IPPROTO_TCP, type Ipv4Packet, type TcpFlags, type TcpOption, type TcpSegment } from '../wire/packet.ts';
import type { Errno } from './errors.ts';
import type { NetNs } from './netns.ts';
import type { FileLike } from './processes.ts';
import type { SocketTable } from './sockets.ts';

export type TcpState =
  | 'LISTEN'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'CLOSE_WAIT'
  | 'CLOSING'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSED';

/** What an application hears from its socket. Callbacks run inside kernel events. */
export interface TcpCallbacks {
  /** An active open completed (SYN-ACK arrived). */
  onConnect?: () => void;
  /** A listening socket has a new established connection (accept() returned it). */
  onAccept?: (child: TcpSocket) => void;
  onData?: (data: Uint8Array) => void;
  /** The peer sent FIN: no more data will come. */
  onEof?: () => void;
  /** The connection failed (refused, reset, timed out, unreachable). */
  onError?: (errno: Errno) => void;
}

/** Microseconds: the first SYN (and SYN-ACK) retransmission, TCP_TIMEOUT_INIT. */
const SYN_RTO_MICROS = 1_000_000;
/** TCP_RTO_MIN: the floor of the retransmission timeout once the connection has an RTT sample. */
const RTO_MIN_MICROS = 200_000;
/** TCP_TIMEWAIT_LEN and the orphaned FIN_WAIT2 lifetime (tcp_fin_timeout). */
const TIME_WAIT_MICROS = 60_000_000;
const SYNACK_RETRIES = 5;
const DATA_RETRIES = 15;
/** rmem_max as Debian 12 ships it: the window scale looks at max(tcp_rmem[2], rmem_max). */
const RMEM_MAX = 212992;
/** tcp_rmem[1], the default receive buffer; tcp_win_from_space halves it (tcp_adv_win_scale 1). */
const DEFAULT_RCVBUF = 131072;

interface Outstanding {
  seq: number;
  flags: TcpFlags;
  data: Uint8Array;
  /** Sequence space it takes (data, plus one for SYN and FIN). */
  length: number;
}

export interface TcpSocketInit {
  ns: NetNs;
  table: SocketTable;
  localAddr: Ipv4;
  localPort: number;
  remoteAddr?: Ipv4;
  remotePort?: number;
}

const seqAdd = (a: number, b: number): number => (a + b) >>> 0;
/** a < b in sequence space. */
const seqLt = (a: number, b: number): boolean => ((a - b) | 0) < 0;
const seqLe = (a: number, b: number): boolean => ((a - b) | 0) <= 0;

export class TcpSocket implements FileLike {
  readonly ns: NetNs;
  readonly table: SocketTable;
  readonly inode: number;
  state: TcpState = 'CLOSED';
  localAddr: Ipv4;
  localPort: number;
  remoteAddr: Ipv4;
  remotePort: number;
  callbacks: TcpCallbacks = {};
  /** listen() backlog, and connections handshaken but not yet accepted. */
  backlog = 0;
  readonly acceptQueue: TcpSocket[] = [];
  /** The listening socket a passive connection came from, until it is accepted. */
  parent: TcpSocket | undefined;
  /** Closed by its application: nobody owns it, the kernel finishes the close alone. */
  orphan = false;
  /** Bytes received but not read (no onData handler yet), for Recv-Q. */
  unread: Uint8Array[] = [];

  // Send and receive sequence state.
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  irs = 0;
  rcvNxt = 0;
  outstanding: Outstanding[] = [];
  // Negotiated options.
  advmss = 1460;
  peerMss = 536;
  tsOk = false;
  sackOk = false;
  wscaleOk = false;
  sndWscale = 0;
  rcvWscale = 0;
  rcvWnd = 0;
  sndWnd = 0;
  tsOffset = 0;
  tsRecent = 0;
  #ipId = 0;
  #timer = 0;
  #retries = 0;
  #rto = SYN_RTO_MICROS;

  constructor(init: TcpSocketInit) {
    this.ns = init.ns;
    this.table = init.table;
    this.inode = init.table.nextInode();
    this.localAddr = init.localAddr;
    this.localPort = init.localPort;
    this.remoteAddr = init.remoteAddr ?? 0;
    this.remotePort = init.remotePort ?? 0;
  }

  get #kernel() {
    return this.ns.kernel;
  }

  /** Send-Q as ss shows it: the backlog for a listener, else bytes sent and not acknowledged. */
  get sendQueue(): number {
    if (this.state === 'LISTEN') return this.backlog;
    if (this.state === 'TIME_WAIT') return 0;
    return this.outstanding.reduce((sum, o) => sum + o.data.length, 0);
  }

  /** Recv-Q: connections waiting for accept() on a listener, else bytes not read yet. */
  get recvQueue(): number {
    if (this.state === 'LISTEN') return this.acceptQueue.length;
    return this.unread.reduce((sum, chunk) => sum + chunk.length, 0);
  }

  // ---- the application side ----------------------------------------------------------------

  listen(backlog: number): void {
    this.state = 'LISTEN';
    this.backlog = backlog;
  }

  /** Active open: sends the SYN. Returns the errno connect() fails with at once, if any. */
  connect(): Errno | undefined {
    this.#initSequence();
    this.advmss = this.table.advmssTo(this.ns, this.remoteAddr);
    this.#chooseReceiveWindow(this.advmss);
    this.rcvWscale = this.#windowScale();
    this.state = 'SYN_SENT';
    this.#rto = SYN_RTO_MICROS;
    const errno = this.#queue({ syn: true }, new Uint8Array(0));
    if (errno) this.table.remove(this);
    return errno;
  }

  /** Sends data, in segments of at most one MSS, PSH on the last. */
  send(data: Uint8Array): void {
    if (this.state !== 'ESTABLISHED' && this.state !== 'CLOSE_WAIT') return;
    const mss = this.#sendMss();
    for (let at = 0; at < data.length; at += mss) {
      const chunk = data.slice(at, at + mss);
      this.#queue({ ack: true, psh: at + mss >= data.length }, chunk);
    }
  }

  /** shutdown(SHUT_WR): our FIN goes out after the data. */
  shutdown(): void {
    if (this.state === 'ESTABLISHED' || this.state === 'SYN_RECV') this.state = 'FIN_WAIT1';
    else if (this.state === 'CLOSE_WAIT') this.state = 'LAST_ACK';
    else return;
    this.#queue({ fin: true, ack: true }, new Uint8Array(0));
  }

  /** close(): the application lets go; the kernel finishes the connection (or resets it). */
  close(): void {
    this.orphan = true;
    switch (this.state) {
      case 'LISTEN':
        for (const child of this.acceptQueue) child.abort();
        this.acceptQueue.length = 0;
        this.table.remove(this);
        return;
      case 'SYN_SENT':
      case 'CLOSED':
        this.table.remove(this);
        return;
      case 'ESTABLISHED':
      case 'CLOSE_WAIT':
      case 'SYN_RECV':
        // Unread data makes close() reset the connection (tcp_close).
        if (this.recvQueue > 0) {
          this.abort();
          return;
        }
        this.shutdown();
        return;
      default:
        return;
    }
  }

  /** Sends RST and forgets the connection. */
  abort(): void {
    if (this.state !== 'CLOSED' && this.state !== 'LISTEN' && this.state !== 'TIME_WAIT' && this.state !== 'SYN_SENT')
      this.#transmit({ rst: true, ack: true }, this.sndNxt, new Uint8Array(0));
    this.#finish();
  }

  /** Data already received before the application asked for it. */
  takeUnread(): Uint8Array[] {
    return this.unread.splice(0);
  }

  // ---- the network side --------------------------------------------------------------------

  /** A segment for this socket arrived (sockets.ts found it by its addresses). */
  receive(packet: Ipv4Packet, segment: TcpSegment): void {
    if (this.state === 'LISTEN') {
      this.#listenReceive(packet, segment);
      return;
    }
    if (this.state === 'SYN_SENT') {
      this.#synSentReceive(segment);
      return;
    }
    this.#recordTimestamp(segment);
    if (segment.flags.rst) {
      if (this.state === 'TIME_WAIT' || this.state === 'SYN_RECV') {
        this.#finish();
        return;
      }
      this.#fail('ECONNRESET');
      return;
    }
    if (segment.flags.syn) {
      // A retransmitted SYN (our SYN-ACK was lost): answer again.
      if (this.state === 'SYN_RECV') this.#retransmit();
      return;
    }
    if (segment.flags.ack) this.#ackReceived(segment.ack, segment.window);
    if (this.#isClosed()) return;
    let needAck = false;
    const data = segment.data;
    if (data.length > 0) {
      if (segment.seq === this.rcvNxt && this.#canReceive()) {
        this.rcvNxt = seqAdd(this.rcvNxt, data.length);
        this.#deliver(data);
      }
      needAck = true;
    }
    if (segment.flags.fin) {
      if (seqAdd(segment.seq, data.length) === this.rcvNxt && this.#canReceive()) {
        this.rcvNxt = seqAdd(this.rcvNxt, 1);
        this.#finReceived();
      }
      needAck = true;
    }
    if (needAck && !this.#isClosed()) this.#transmit({ ack: true }, this.sndNxt, new Uint8Array(0));
  }

  /** An ICMP error about a segment of ours. */
  icmpError(type: number, code: number): void {
    if (type !== 3 || (this.state !== 'SYN_SENT' && this.state !== 'SYN_RECV')) return;
    // tcp_v4_err: during the handshake an unreachable is a hard error (icmp_err_convert).
    const errno: Errno = code === 3 ? 'ECONNREFUSED' : code === 0 ? 'ENETUNREACH' : 'EHOSTUNREACH';
    if (code === 4) return;
    this.#fail(errno);
  }

  #listenReceive(packet: Ipv4Packet, segment: TcpSegment): void {
    if (segment.flags.rst) return;
    if (segment.flags.ack) {
      this.table.sendReset(this.ns, packet, segment);
      return;
    }
    if (!segment.flags.syn) return;
    const pending = this.table.tcp.filter((s) => s.parent === this).length;
    if (pending >= Math.max(this.backlog, 1) + 1) return;
    const child = this.table.createTcp(this.ns, packet.dst, this.localPort, packet.src, segment.srcPort);
    child.parent = this;
    child.#passiveOpen(segment);
  }

  #passiveOpen(syn: TcpSegment): void {
    this.#initSequence();
    this.irs = syn.seq;
    this.rcvNxt = seqAdd(syn.seq, 1);
    this.#takeSynOptions(syn);
    this.advmss = this.table.advmssTo(this.ns, this.remoteAddr);
    this.#chooseReceiveWindow(this.advmss - (this.tsOk ? 12 : 0));
    this.state = 'SYN_RECV';
    this.#rto = SYN_RTO_MICROS;
    this.#queue({ syn: true, ack: true }, new Uint8Array(0));
  }

  #synSentReceive(segment: TcpSegment): void {
    const f = segment.flags;
    if (f.ack && segment.ack !== this.sndNxt) {
      if (!f.rst) this.table.sendResetFor(this.ns, this.localAddr, this.remoteAddr, segment);
      return;
    }
    if (f.rst) {
      if (f.ack) this.#fail('ECONNREFUSED');
      return;
    }
    if (!f.syn) return;
    this.irs = segment.seq;
    this.rcvNxt = seqAdd(segment.seq, 1);
    this.#takeSynOptions(segment);
    this.#recordTimestamp(segment);
    if (!f.ack) return;
    this.#ackReceived(segment.ack, segment.window);
    this.state = 'ESTABLISHED';
    this.#rto = RTO_MIN_MICROS;
    this.#transmit({ ack: true }, this.sndNxt, new Uint8Array(0));
    this.callbacks.onConnect?.();
  }

  #isClosed(): boolean {
    return this.state === 'CLOSED';
  }

  #canReceive(): boolean {
    return this.state === 'ESTABLISHED' || this.state === 'FIN_WAIT1' || this.state === 'FIN_WAIT2';
  }

  #deliver(data: Uint8Array): void {
    if (this.callbacks.onData && !this.orphan) this.callbacks.onData(data);
    else if (!this.orphan) this.unread.push(data);
  }

  #finReceived(): void {
    switch (this.state) {
      case 'ESTABLISHED':
        this.state = 'CLOSE_WAIT';
        this.callbacks.onEof?.();
        return;
      case 'FIN_WAIT1':
        // Our FIN is still unacknowledged: a simultaneous close.
        this.state = 'CLOSING';
        return;
      case 'FIN_WAIT2':
        this.#enterTimeWait();
        return;
      default:
        return;
    }
  }

  #ackReceived(ack: number, window: number): void {
    if (!seqLt(this.sndUna, ack) || !seqLe(ack, this.sndNxt)) return;
    this.sndUna = ack;
    this.sndWnd = window << this.sndWscale;
    this.outstanding = this.outstanding.filter((o) => seqLt(ack, seqAdd(o.seq, o.length)));
    this.#retries = 0;
    if (this.outstanding.length === 0) this.#stopTimer();
    else this.#armTimer();
    const finAcked = ack === this.sndNxt;
    switch (this.state) {
      case 'SYN_RECV':
        this.state = 'ESTABLISHED';
        this.#rto = RTO_MIN_MICROS;
        this.#accepted();
        return;
      case 'FIN_WAIT1':
        if (finAcked) {
          this.state = 'FIN_WAIT2';
          // An orphan does not wait forever for the peer's FIN (tcp_fin_timeout).
          if (this.orphan) this.#kernel.events.schedule(TIME_WAIT_MICROS, () => this.#finishIf('FIN_WAIT2'));
        }
        return;
      case 'CLOSING':
        if (finAcked) this.#enterTimeWait();
        return;
      case 'LAST_ACK':
        if (finAcked) this.#finish();
        return;
      default:
        return;
    }
  }

  #accepted(): void {
    const parent = this.parent;
    if (parent?.state !== 'LISTEN') {
      this.abort();
      return;
    }
    if (parent.callbacks.onAccept) {
      this.parent = undefined;
      parent.callbacks.onAccept(this);
    } else parent.acceptQueue.push(this);
  }

  #enterTimeWait(): void {
    this.state = 'TIME_WAIT';
    this.#stopTimer();
    this.outstanding = [];
    this.#kernel.events.schedule(TIME_WAIT_MICROS, () => this.#finishIf('TIME_WAIT'));
  }

  #finishIf(state: TcpState): void {
    if (this.state === state) this.#finish();
  }

  #fail(errno: Errno): void {
    const callbacks = this.callbacks;
    this.#finish();
    if (!this.orphan) callbacks.onError?.(errno);
  }

  #finish(): void {
    this.state = 'CLOSED';
    this.#stopTimer();
    this.outstanding = [];
    this.table.remove(this);
  }

  // ---- options, windows, sequence numbers --------------------------------------------------

  #initSequence(): void {
    const rng = this.#kernel.rng;
    this.iss = rng.int(0, 0xffffffff);
    this.sndUna = this.iss;
    this.sndNxt = this.iss;
    this.tsOffset = rng.int(0, 0xffffffff);
    this.#ipId = rng.int(0, 0xffff);
  }

  #takeSynOptions(syn: TcpSegment): void {
    let wscale: number | undefined;
    let ts = false;
    let sack = false;
    for (const option of syn.options) {
      if (option.kind === 'mss') this.peerMss = option.value;
      else if (option.kind === 'wscale') wscale = option.shift;
      else if (option.kind === 'timestamp') {
        ts = true;
        this.tsRecent = option.val;
      } else if (option.kind === 'sackOK') sack = true;
    }
    const passive = this.state !== 'SYN_SENT';
    // On an active open we offered everything; the peer's SYN-ACK says what it accepted.
    this.tsOk = ts;
    this.sackOk = sack;
    this.wscaleOk = wscale !== undefined;
    this.sndWscale = wscale ?? 0;
    if (!this.wscaleOk) this.rcvWscale = 0;
    this.sndWnd = syn.window;
    if (passive) this.rcvWscale = this.wscaleOk ? this.#windowScale() : 0;
  }

  /** tcp_select_initial_window: the window is the buffer space in whole segments, scaled to fit the largest buffer. */
  #chooseReceiveWindow(mss: number): void {
    const space = DEFAULT_RCVBUF / 2;
    this.rcvWnd = Math.min(space > mss ? Math.floor(space / mss) * mss : space, 65535);
  }

  #windowScale(): number {
    const rmem = (this.ns.readSysctl('net.ipv4.tcp_rmem') ?? '').trim().split(/\s+/);
    const max = Math.max(Number(rmem[2] ?? 6291456) || 6291456, RMEM_MAX);
    return Math.min(14, Math.max(0, Math.floor(Math.log2(max)) - 15));
  }

  /** The largest segment we send: the peer's MSS and ours, less the timestamp option. */
  #sendMss(): number {
    return Math.min(this.peerMss, this.advmss) - (this.tsOk ? 12 : 0);
  }

  /** The window field: unscaled on SYNs, else the buffer rounded up to the scale (tcp_select_window). */
  #windowField(syn: boolean): number {
    if (syn) return this.rcvWnd;
    if (!this.wscaleOk) return Math.min(this.rcvWnd, 65535);
    const unit = 2 ** this.rcvWscale;
    return Math.min(Math.ceil(this.rcvWnd / unit), 65535);
  }

  #recordTimestamp(segment: TcpSegment): void {
    for (const option of segment.options) if (option.kind === 'timestamp') this.tsRecent = option.val;
  }

  #tsVal(): number {
    return (Math.floor(this.#kernel.clock.micros / 1000) + this.tsOffset) >>> 0;
  }

  // ---- output ------------------------------------------------------------------------------

  /** Sends a segment that occupies sequence space and keeps it for retransmission. */
  #queue(flags: TcpFlags, data: Uint8Array): Errno | undefined {
    const length = data.length + (flags.syn ? 1 : 0) + (flags.fin ? 1 : 0);
    const seq = this.sndNxt;
    this.outstanding.push({ seq, flags, data, length });
    this.sndNxt = seqAdd(this.sndNxt, length);
    const errno = this.#transmit(flags, seq, data);
    this.#armTimer();
    return errno;
  }

  #transmit(flags: TcpFlags, seq: number, data: Uint8Array): Errno | undefined {
    const syn = flags.syn === true;
    const options: TcpOption[] = [];
    if (syn) {
      // tcp_options_write: mss, then sackOK+TS (or nop,nop,TS), nop+wscale, and nop,nop,sackOK without TS.
      const offer = flags.ack !== true;
      const ts = offer || this.tsOk;
      const sack = offer || this.sackOk;
      options.push({ kind: 'mss', value: this.advmss });
      if (ts) {
        if (sack) options.push({ kind: 'sackOK' });
        else options.push({ kind: 'nop' }, { kind: 'nop' });
        options.push({ kind: 'timestamp', val: this.#tsVal(), ecr: offer ? 0 : this.tsRecent });
      }
      if (offer || this.wscaleOk) options.push({ kind: 'nop' }, { kind: 'wscale', shift: this.rcvWscale });
      if (sack && !ts) options.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'sackOK' });
    } else if (this.tsOk && !flags.rst) {
      options.push({ kind: 'nop' }, { kind: 'nop' }, { kind: 'timestamp', val: this.#tsVal(), ecr: this.tsRecent });
    }
    const segment: TcpSegment = {
      kind: 'tcp',
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq,
      ack: flags.ack ? this.rcvNxt : 0,
      flags,
      window: flags.rst ? 0 : this.#windowField(syn),
      urgent: 0,
      options,
      data,
    };
    const packet: Ipv4Packet = {
      kind: 'ipv4',
      src: this.localAddr,
      dst: this.remoteAddr,
      ttl: 64,
      // Linux sends SYN-ACKs and resets with id 0 (no socket id yet); other segments count up.
      id: syn && flags.ack ? 0 : this.#nextIpId(),
      tos: 0,
      df: true,
      protocol: IPPROTO_TCP,
      payload: segment,
    };
    return this.#kernel.stack.ipOutput(this.ns, packet);
  }

  #nextIpId(): number {
    const id = this.#ipId;
    this.#ipId = (this.#ipId + 1) & 0xffff;
    return id;
  }

  // ---- retransmission ----------------------------------------------------------------------

  #armTimer(): void {
    const generation = ++this.#timer;
    this.#kernel.events.schedule(this.#rto, () => {
      if (generation === this.#timer) this.#retransmit();
    });
  }

  #stopTimer(): void {
    this.#timer++;
  }

  #retransmit(): void {
    const first = this.outstanding[0];
    if (!first || this.state === 'CLOSED') return;
    const limit =
      this.state === 'SYN_SENT'
        ? this.table.synRetries(this.ns)
        : this.state === 'SYN_RECV'
          ? SYNACK_RETRIES
          : DATA_RETRIES;
    if (this.#retries >= limit) {
      this.#fail('ETIMEDOUT');
      return;
    }
    this.#retries++;
    this.#rto = Math.min(this.#rto * 2, 120_000_000);
    this.#transmit(first.flags, first.seq, first.data);
    this.#armTimer();
  }
}
