/**
 * The view `-m set` has of a namespace's sets: whether a set exists, and whether a packet's
 * fields, taken in the order of the rule's src/dst flags, are in it (ip_set_test).
 */
import type { IpsetLookup, NfPacket } from '../types.ts';
import type { IpsetTable } from './ipset-table.ts';
import type { MatchValue } from './types.ts';

const IPPROTO_ICMP = 1;

/** One dimension of a packet: its address and, for the port types, protocol and port. */
function value(packet: NfPacket, dim: 'src' | 'dst'): MatchValue {
  // ip_set_get_ip4_port: an ICMP packet's "port" is its type and code, on either side.
  const port =
    packet.proto === IPPROTO_ICMP
      ? ((packet.icmpType ?? 0) << 8) | (packet.icmpCode ?? 0)
      : dim === 'src'
        ? packet.sport
        : packet.dport;
  return { addr: dim === 'src' ? packet.src : packet.dst, proto: packet.proto, port };
}

/** `now` reads the virtual clock in ms (timeouts and counters follow it). */
export function ipsetLookup(table: IpsetTable, now: () => number): IpsetLookup {
  return {
    exists: (name) => table.has(name),
    test: (name, dims, packet) =>
      table.matchSet(
        name,
        dims.map((dim) => value(packet, dim)),
        now(),
        packet.length,
      ),
  };
}
