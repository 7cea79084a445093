/**
 * UDP sockets: bound to a port (and maybe an address), optionally connected to one peer. A
 * datagram to a port nobody holds is left to the stack, which answers with ICMP port unreachable;
 * a connected socket hears that as ECONNREFUSED on its next call, as on Linux.
 */
import type { Ipv4 } from '../wire/addr.ts';
import { IPPROTO_UDP, type Ipv4Packet, type UdpDatagram } from '../wire/packet.ts';
import type { Errno } from './errors.ts';
import { KernelError } from './errors.ts';
import { resolveOutput } from './lookup.ts';
import type { NetNs } from './netns.ts';
import type { FileLike } from './processes.ts';
import type { SocketTable } from './sockets.ts';

export interface UdpCallbacks {
  onMessage?: (data: Uint8Array, from: Ipv4, fromPort: number) => void;
  onError?: (errno: Errno) => void;
}

export class UdpSocket implements FileLike {
  readonly ns: NetNs;
  readonly table: SocketTable;
  readonly inode: number;
  localAddr: Ipv4;
  localPort: number;
  remoteAddr: Ipv4 = 0;
  remotePort = 0;
  callbacks: UdpCallbacks = {};
  /** Datagrams not read yet (no handler), for Recv-Q. */
  readonly queued: Uint8Array[] = [];
  /** The pending error a connected socket reports on its next call (sk_err). */
  error: Errno | undefined;

  constructor(ns: NetNs, table: SocketTable, localAddr: Ipv4, localPort: number) {
    this.ns = ns;
    this.table = table;
    this.inode = table.nextInode();
    this.localAddr = localAddr;
    this.localPort = localPort;
  }

  get recvQueue(): number {
    return this.queued.reduce((sum, d) => sum + d.length, 0);
  }

  /** connect(): fixes the peer (and the source address, from the route). */
  connect(addr: Ipv4, port: number): Errno | undefined {
    if (this.localAddr === 0) {
      try {
        this.localAddr = resolveOutput(this.ns, addr).src ?? 0;
      } catch (error) {
        if (error instanceof KernelError) return error.errno;
        throw error;
      }
    }
    this.remoteAddr = addr;
    this.remotePort = port;
    return undefined;
  }

  sendTo(data: Uint8Array, addr: Ipv4 = this.remoteAddr, port: number = this.remotePort): Errno | undefined {
    const datagram: UdpDatagram = {
      kind: 'udp',
      srcPort: this.localPort,
      dstPort: port,
      payload: { kind: 'raw', bytes: data },
    };
    const kernel = this.ns.kernel;
    return kernel.stack.ipOutput(this.ns, {
      kind: 'ipv4',
      src: this.localAddr,
      dst: addr,
      ttl: 64,
      id: kernel.rng.int(0, 0xffff),
      tos: 0,
      df: true,
      protocol: IPPROTO_UDP,
      payload: datagram,
    });
  }

  receive(packet: Ipv4Packet, datagram: UdpDatagram): void {
    const payload = datagram.payload;
    const data = payload.kind === 'raw' ? payload.bytes : new Uint8Array(0);
    if (this.callbacks.onMessage) this.callbacks.onMessage(data, packet.src, datagram.srcPort);
    else this.queued.push(data);
  }

  icmpError(type: number, code: number): void {
    if (this.remotePort === 0) return;
    const errno: Errno = type === 3 && code === 3 ? 'ECONNREFUSED' : 'EHOSTUNREACH';
    this.error = errno;
    this.callbacks.onError?.(errno);
  }

  close(): void {
    this.table.removeUdp(this);
  }
}
