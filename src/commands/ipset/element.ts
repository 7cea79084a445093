/**
 * ipset's element syntax, both ways: parsing what the user typed into the elements the kernel
 * would store (ranges and CIDRs expanded the way the kernel expands them), and printing a stored
 * element the way `ipset list` and `ipset save` do.
 */

import type { Element, SetTypeName } from '../../engine/linux/netfilter/ipset/types.ts';
import { protocolNumber, servicePort } from '../../engine/linux/netfilter/netdb.ts';
import { formatIpv4, networkOf, prefixMask } from '../../engine/wire/addr.ts';

/** A parse failure (exit status 1): the message after "ipset v7.17: ". */
export class IpsetSyntaxError extends Error {}

const ICMP_NAMES: [string, number, number][] = [
  ['echo-reply', 0, 0],
  ['pong', 0, 0],
  ['network-unreachable', 3, 0],
  ['host-unreachable', 3, 1],
  ['protocol-unreachable', 3, 2],
  ['port-unreachable', 3, 3],
  ['fragmentation-needed', 3, 4],
  ['source-route-failed', 3, 5],
  ['network-unknown', 3, 6],
  ['host-unknown', 3, 7],
  ['network-prohibited', 3, 9],
  ['host-prohibited', 3, 10],
  ['TOS-network-unreachable', 3, 11],
  ['TOS-host-unreachable', 3, 12],
  ['communication-prohibited', 3, 13],
  ['host-precedence-violation', 3, 14],
  ['precedence-cutoff', 3, 15],
  ['source-quench', 4, 0],
  ['network-redirect', 5, 0],
  ['host-redirect', 5, 1],
  ['TOS-network-redirect', 5, 2],
  ['TOS-host-redirect', 5, 3],
  ['echo-request', 8, 0],
  ['ping', 8, 0],
  ['router-advertisement', 9, 0],
  ['router-solicitation', 10, 0],
  ['ttl-zero-during-transit', 11, 0],
  ['ttl-zero-during-reassembly', 11, 1],
  ['ip-header-bad', 12, 0],
  ['required-option-missing', 12, 1],
  ['timestamp-request', 13, 0],
  ['timestamp-reply', 14, 0],
  ['address-mask-request', 17, 0],
  ['address-mask-reply', 18, 0],
];

const PORT_PROTOS: Record<string, number> = { tcp: 6, udp: 17, sctp: 132, udplite: 136, icmp: 1 };

/** inet_aton-style parsing, as getaddrinfo accepts it: "1.2.3" is 1.2.0.3. */
export function parseAddress(text: string): number {
  const parts = text.split('.');
  const fail = () => new IpsetSyntaxError(`Syntax error: cannot parse ${text}: resolving to IPv4 address failed`);
  if (parts.length > 4 || parts.some((p) => !/^\d+$/.test(p))) throw fail();
  const nums = parts.map(Number);
  const last = nums[nums.length - 1] ?? 0;
  const lead = nums.slice(0, -1);
  if (lead.some((n) => n > 255) || last >= 2 ** (8 * (5 - nums.length))) throw fail();
  let value = 0;
  for (const n of lead) value = value * 256 + n;
  return value * 2 ** (8 * (5 - nums.length)) + last;
}

export function parseNumber(text: string, min: number, max: number): number {
  if (!/^(0x[0-9a-fA-F]+|-?\d+)$/.test(text))
    throw new IpsetSyntaxError(`Syntax error: '${text}' is invalid as number`);
  const n = Number(text);
  if (n < min || n > max) throw new IpsetSyntaxError(`Syntax error: '${text}' is out of range ${min}-${max}`);
  return n;
}

function parseCidr(text: string): number {
  return parseNumber(text, 0, 32);
}

/** "a.b.c.d", "a.b.c.d/len" or "a.b.c.d-e.f.g.h" as a first and last address (and the prefix). */
function parseIpSpec(text: string, allowRange: boolean): { from: number; to: number; cidr?: number } {
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const ip = parseAddress(text.slice(0, slash));
    const cidr = parseCidr(text.slice(slash + 1));
    const from = networkOf(ip, cidr);
    return { from, to: (from | (~prefixMask(cidr) >>> 0)) >>> 0, cidr };
  }
  const dash = text.indexOf('-');
  if (allowRange && dash >= 0) {
    let from = parseAddress(text.slice(0, dash));
    let to = parseAddress(text.slice(dash + 1));
    if (to < from) [from, to] = [to, from];
    return { from, to };
  }
  const ip = parseAddress(text);
  return { from: ip, to: ip };
}

/** ip_set_range_to_cidr: the largest aligned prefix starting at `from` that stays within `to`. */
export function rangeToCidrs(from: number, to: number): { ip: number; cidr: number }[] {
  const out: { ip: number; cidr: number }[] = [];
  let ip = from;
  for (;;) {
    let cidr = 32;
    for (let c = 1; c <= 32; c++) {
      const last = (networkOf(ip, c) | (~prefixMask(c) >>> 0)) >>> 0;
      if (networkOf(ip, c) === ip && last <= to) {
        cidr = c;
        break;
      }
    }
    out.push({ ip, cidr });
    const last = (ip | (~prefixMask(cidr) >>> 0)) >>> 0;
    if (last >= to) return out;
    ip = last + 1;
  }
}

/** "[proto:]port[-port]" (or "icmp:type/code|name") → protocol and the ports. */
function parseProtoPort(text: string): { proto: number; ports: number[] } {
  const colon = text.indexOf(':');
  const protoName = colon >= 0 ? text.slice(0, colon) : 'tcp';
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  const proto = PORT_PROTOS[protoName] ?? protocolNumber(protoName);
  if (proto === undefined) throw new IpsetSyntaxError(`Syntax error: cannot parse '${protoName}' as a protocol`);
  if (proto === 1) {
    const named = ICMP_NAMES.find(([name]) => name.toLowerCase() === rest.toLowerCase());
    if (named) return { proto, ports: [(named[1] << 8) | named[2]] };
    const m = /^(\d+)\/(\d+)$/.exec(rest);
    if (!m) throw new IpsetSyntaxError(`Syntax error: cannot parse ${rest} as an ICMP type`);
    return { proto, ports: [(Number(m[1]) << 8) | Number(m[2])] };
  }
  if (!(protoName in PORT_PROTOS)) return { proto, ports: [0] };
  const one = (p: string): number => {
    if (/^\d+$/.test(p)) {
      const n = Number(p);
      if (n > 65535) {
        throw new IpsetSyntaxError(
          `Syntax error: '${p}' is out of range 0-65535\nSyntax error: '${protoName}' is invalid as number\ncannot parse '${p}' as a ${protoName} port`,
        );
      }
      return n;
    }
    const port = servicePort(p, protoName === 'udplite' ? 'udp' : protoName);
    if (port === undefined) throw new IpsetSyntaxError(`Syntax error: cannot parse '${p}' as a ${protoName} port`);
    return port;
  };
  const dash = rest.indexOf('-');
  if (dash < 0) return { proto, ports: [one(rest)] };
  let a = one(rest.slice(0, dash));
  let b = one(rest.slice(dash + 1));
  if (b < a) [a, b] = [b, a];
  return { proto, ports: Array.from({ length: b - a + 1 }, (_, i) => a + i) };
}

export interface ParsedElement {
  /** What the kernel would add, in the kernel's order. */
  elements: Element[];
  /** The first element, for test (which never expands ranges). */
  first: Element;
}

/** Parses an element for `type`: every element an add or del touches, and the one a test checks. */
export function parseElement(type: SetTypeName, text: string): ParsedElement {
  if (type === 'list:set') return { elements: [{ set: text }], first: { set: text } };
  if (type === 'bitmap:port') {
    const { ports } = parseProtoPort(text);
    const elements = ports.map((port) => ({ port }));
    return { elements, first: elements[0] ?? { port: 0 } };
  }
  const withPort = type === 'hash:ip,port' || type === 'hash:net,port';
  const comma = text.indexOf(',');
  if (!withPort && comma >= 0) {
    throw new IpsetSyntaxError(`Syntax error: Elem separator in ${text}, but settype ${type} supports none.`);
  }
  if (withPort && comma < 0) throw new IpsetSyntaxError(`Syntax error: Second element is missing from ${text}.`);
  const ipText = withPort ? text.slice(0, comma) : text;
  const withNets = type === 'hash:net' || type === 'hash:net,port';
  if (withNets && ipText.includes('/') && ipText.includes('-')) {
    const bad = ipText.slice(ipText.indexOf('/') + 1);
    throw new IpsetSyntaxError(`Syntax error: '${bad}' is invalid as number`);
  }
  const spec = parseIpSpec(ipText, true);
  const ports = withPort ? parseProtoPort(text.slice(comma + 1)) : { proto: 0, ports: [0] };
  let ips: { ip: number; cidr: number }[];
  let first: { ip: number; cidr: number };
  if (withNets) {
    ips = spec.cidr !== undefined ? [{ ip: spec.from, cidr: spec.cidr }] : rangeToCidrs(spec.from, spec.to);
    first =
      spec.cidr !== undefined
        ? { ip: parseAddress(ipText.split('/')[0] ?? ''), cidr: spec.cidr }
        : { ip: spec.from, cidr: 32 };
    if (spec.cidr === undefined && spec.from !== spec.to) first = ips[0] ?? first;
  } else {
    ips = [];
    for (let ip = spec.from; ip <= spec.to; ip++) ips.push({ ip, cidr: 32 });
    first = { ip: spec.cidr !== undefined ? parseAddress(ipText.split('/')[0] ?? '') : spec.from, cidr: 32 };
  }
  const make = (ip: { ip: number; cidr: number }, port: number): Element => {
    const e: Element = { ip: ip.ip };
    if (withNets) e.cidr = ip.cidr;
    if (withPort) {
      e.proto = ports.proto;
      e.port = port;
    }
    return e;
  };
  const elements: Element[] = [];
  for (const ip of ips) for (const port of ports.ports) elements.push(make(ip, port));
  return { elements, first: make(first, ports.ports[0] ?? 0) };
}

function formatProtoPort(proto: number, port: number): string {
  if (proto === 1) {
    const named = ICMP_NAMES.find(([, t, c]) => ((t << 8) | c) === port && t !== -1);
    return named ? `icmp:${named[0]}` : `icmp:${port >> 8}/${port & 0xff}`;
  }
  const name = Object.entries(PORT_PROTOS).find(([, n]) => n === proto)?.[0];
  return name ? `${name}:${port}` : `${proto}:${port}`;
}

export function formatElement(type: SetTypeName, e: Element): string {
  if (type === 'list:set') return e.set ?? '';
  if (type === 'bitmap:port') return String(e.port ?? 0);
  let text = formatIpv4(e.ip ?? 0);
  if ((type === 'hash:net' || type === 'hash:net,port') && (e.cidr ?? 32) !== 32) text += `/${e.cidr}`;
  if (type === 'hash:ip,port' || type === 'hash:net,port') text += `,${formatProtoPort(e.proto ?? 0, e.port ?? 0)}`;
  return text;
}
