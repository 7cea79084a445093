/**
 * The kernel's TCP and UDP sockets across namespaces: binding and ephemeral ports, finding the
 * socket an arriving segment or datagram belongs to, resets for segments nobody wants, and ICMP
 * errors routed back to the socket whose packet caused them. It plugs into the stack only as a
 * local-delivery listener and sends only through `ipOutput`.
 */
import type { Ipv4 } from '../wire/addr.ts';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, type Ipv4Packet, type TcpSegment } from '../wire/packet.ts';
import { type Errno, KernelError } from './errors.ts';
import type { Kernel } from './kernel.ts';
import { resolveOutput } from './lookup.ts';
import type { NetNs } from './netns.ts';
import { TcpSocket } from './tcp.ts';
import { UdpSocket } from './udp.ts';

/** The sysctls sockets read, with the values a fresh namespace has on Debian 12. */
export const SOCKET_SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_local_port_range': '32768\t60999',
  'net.ipv4.tcp_rmem': '4096\t131072\t6291456',
  'net.ipv4.tcp_wmem': '4096\t16384\t4194304',
  'net.ipv4.tcp_syn_retries': '6',
  'net.ipv4.tcp_fin_timeout': '60',
};

const IPV4_TCP_HEADERS = 40;

export class SocketTable {
  readonly kernel: Kernel;
  readonly tcp: TcpSocket[] = [];
  readonly udp: UdpSocket[] = [];
  #nextInode = 31337;

  constructor(kernel: Kernel) {
    this.kernel = kernel;
    kernel.stack.listeners.add((ns, packet) => this.#deliver(ns, packet));
  }

  nextInode(): number {
    return this.#nextInode++;
  }

  // ---- TCP -----------------------------------------------------------------------------------

  createTcp(ns: NetNs, localAddr: Ipv4, localPort: number, remoteAddr?: Ipv4, remotePort?: number): TcpSocket {
    const socket = new TcpSocket({ ns, table: this, localAddr, localPort, remoteAddr, remotePort });
    this.tcp.push(socket);
    return socket;
  }

  /** socket() + bind() + listen(); EADDRINUSE when another listener holds the port. */
  listenTcp(ns: NetNs, addr: Ipv4, port: number, backlog: number): TcpSocket | Errno {
    if (addr !== 0 && !ns.isLocalAddress(addr)) return 'EADDRNOTAVAIL';
    const clash = this.tcp.some(
      (s) =>
        s.ns === ns &&
        s.localPort === port &&
        s.state === 'LISTEN' &&
        (s.localAddr === 0 || addr === 0 || s.localAddr === addr),
    );
    if (clash) return 'EADDRINUSE';
    const socket = this.createTcp(ns, addr, port);
    socket.listen(backlog);
    return socket;
  }

  /**
   * socket() + connect(): picks the source address and an ephemeral port and sends the SYN.
   * Returns the socket, or the errno connect() fails with at once (no route, …).
   */
  connectTcp(ns: NetNs, dst: Ipv4, port: number, src?: Ipv4): TcpSocket | Errno {
    let local = src;
    if (local === undefined) {
      try {
        local = resolveOutput(ns, dst).src ?? 0;
      } catch (error) {
        if (error instanceof KernelError) return error.errno;
        throw error;
      }
    }
    const socket = this.createTcp(ns, local, this.ephemeralPort(ns, local), dst, port);
    const errno = socket.connect();
    return errno ?? socket;
  }

  remove(socket: TcpSocket): void {
    const i = this.tcp.indexOf(socket);
    if (i >= 0) this.tcp.splice(i, 1);
  }

  /** The advertised MSS toward a destination: the output device's MTU less the IP and TCP headers. */
  advmssTo(ns: NetNs, dst: Ipv4): number {
    try {
      const route = resolveOutput(ns, dst);
      // ipv4_default_advmss: the MTU, at most IP_MAX_MTU (65535), less the headers (lo: 65495).
      return Math.min(route.dev.mtu, 65535) - IPV4_TCP_HEADERS;
    } catch {
      return 1460;
    }
  }

  synRetries(ns: NetNs): number {
    return Number(ns.readSysctl('net.ipv4.tcp_syn_retries') ?? 6) || 6;
  }

  /** A port from ip_local_port_range no socket of the namespace uses; Linux tries even ports first for connect(). */
  ephemeralPort(ns: NetNs, addr: Ipv4, parity = 0): number {
    const range = (ns.readSysctl('net.ipv4.ip_local_port_range') ?? '32768 60999').trim().split(/\s+/).map(Number);
    const low = range[0] ?? 32768;
    const high = range[1] ?? 60999;
    const used = (port: number) =>
      this.tcp.some((s) => s.ns === ns && s.localPort === port && (s.localAddr === addr || s.localAddr === 0)) ||
      this.udp.some((s) => s.ns === ns && s.localPort === port);
    const span = high - low + 1;
    const start = this.kernel.rng.int(0, span - 1);
    for (const wanted of [parity, 1 - parity]) {
      for (let i = 0; i < span; i++) {
        const port = low + ((start + i) % span);
        if ((port & 1) === wanted && !used(port)) return port;
      }
    }
    return low;
  }

  /** The reset Linux sends for a segment no socket wants (tcp_v4_send_reset). */
  sendReset(ns: NetNs, packet: Ipv4Packet, segment: TcpSegment): void {
    if (segment.flags.rst) return;
    const length = segment.data.length + (segment.flags.syn ? 1 : 0) + (segment.flags.fin ? 1 : 0);
    const reply: TcpSegment = segment.flags.ack
      ? { ...base(segment), seq: segment.ack, ack: 0, flags: { rst: true } }
      : { ...base(segment), seq: 0, ack: (segment.seq + length) >>> 0, flags: { rst: true, ack: true } };
    this.kernel.stack.ipOutput(ns, {
      kind: 'ipv4',
      src: packet.dst,
      dst: packet.src,
      ttl: 64,
      id: 0,
      tos: 0,
      df: true,
      protocol: IPPROTO_TCP,
      payload: reply,
    });
  }

  /** A reset from a socket in SYN_SENT for an unacceptable ACK. */
  sendResetFor(ns: NetNs, local: Ipv4, remote: Ipv4, segment: TcpSegment): void {
    this.sendReset(
      ns,
      {
        kind: 'ipv4',
        src: remote,
        dst: local,
        ttl: 64,
        id: 0,
        tos: 0,
        df: true,
        protocol: IPPROTO_TCP,
        payload: segment,
      },
      segment,
    );
  }

  // ---- UDP -----------------------------------------------------------------------------------

  /** socket(SOCK_DGRAM) + bind(); port 0 picks an ephemeral one. */
  bindUdp(ns: NetNs, addr: Ipv4, port: number): UdpSocket | Errno {
    if (addr !== 0 && !ns.isLocalAddress(addr)) return 'EADDRNOTAVAIL';
    if (
      port !== 0 &&
      this.udp.some(
        (s) => s.ns === ns && s.localPort === port && (s.localAddr === 0 || addr === 0 || s.localAddr === addr),
      )
    )
      return 'EADDRINUSE';
    const socket = new UdpSocket(ns, this, addr, port === 0 ? this.ephemeralPort(ns, addr, 1) : port);
    this.udp.push(socket);
    return socket;
  }

  removeUdp(socket: UdpSocket): void {
    const i = this.udp.indexOf(socket);
    if (i >= 0) this.udp.splice(i, 1);
  }

  // ---- demultiplexing --------------------------------------------------------------------------

  #deliver(ns: NetNs, packet: Ipv4Packet): boolean {
    const payload = packet.payload;
    if (packet.protocol === IPPROTO_TCP && payload.kind === 'tcp') {
      const socket = this.#lookupTcp(ns, packet.dst, payload.dstPort, packet.src, payload.srcPort);
      if (socket) socket.receive(packet, payload);
      else this.sendReset(ns, packet, payload);
      return true;
    }
    if (packet.protocol === IPPROTO_UDP && payload.kind === 'udp') {
      const socket = this.#lookupUdp(ns, packet.dst, payload.dstPort, packet.src, payload.srcPort);
      if (!socket) return false;
      socket.receive(packet, payload);
      return true;
    }
    if (packet.protocol === IPPROTO_ICMP && payload.kind === 'icmp' && (payload.type === 3 || payload.type === 11)) {
      const quoted = payload.quoted;
      const inner = quoted?.payload;
      if (!quoted || !inner) return false;
      if (inner.kind === 'tcp') {
        const socket = this.#lookupTcp(ns, quoted.src, inner.srcPort, quoted.dst, inner.dstPort, true);
        if (!socket) return false;
        socket.icmpError(payload.type, payload.code);
        return true;
      }
      if (inner.kind === 'udp') {
        const socket = this.#lookupUdp(ns, quoted.src, inner.srcPort, quoted.dst, inner.dstPort, true);
        if (!socket) return false;
        socket.icmpError(payload.type, payload.code);
        return true;
      }
    }
    return false;
  }

  #lookupTcp(
    ns: NetNs,
    laddr: Ipv4,
    lport: number,
    raddr: Ipv4,
    rport: number,
    exactOnly = false,
  ): TcpSocket | undefined {
    const exact = this.tcp.find(
      (s) =>
        s.ns === ns &&
        s.state !== 'LISTEN' &&
        s.localPort === lport &&
        s.remotePort === rport &&
        s.localAddr === laddr &&
        s.remoteAddr === raddr,
    );
    if (exact || exactOnly) return exact;
    const listeners = this.tcp.filter((s) => s.ns === ns && s.state === 'LISTEN' && s.localPort === lport);
    return listeners.find((s) => s.localAddr === laddr) ?? listeners.find((s) => s.localAddr === 0);
  }

  #lookupUdp(
    ns: NetNs,
    laddr: Ipv4,
    lport: number,
    raddr: Ipv4,
    rport: number,
    exactOnly = false,
  ): UdpSocket | undefined {
    const candidates = this.udp.filter(
      (s) =>
        s.ns === ns &&
        s.localPort === lport &&
        (s.localAddr === 0 || s.localAddr === laddr) &&
        (s.remotePort === 0 || (s.remotePort === rport && s.remoteAddr === raddr)),
    );
    if (exactOnly) return candidates.find((s) => s.remotePort === rport && s.remoteAddr === raddr) ?? candidates[0];
    return candidates.find((s) => s.remotePort !== 0) ?? candidates.find((s) => s.localAddr !== 0) ?? candidates[0];
  }
}

function base(segment: TcpSegment): TcpSegment {
  return {
    kind: 'tcp',
    srcPort: segment.dstPort,
    dstPort: segment.srcPort,
    seq: 0,
    ack: 0,
    flags: {},
    window: 0,
    urgent: 0,
    options: [],
    data: new Uint8Array(0),
  };
}
