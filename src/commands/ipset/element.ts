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

/**
 * "a.b.c.d", "a.b.c.d/len" or "a.b.c.d-e.f.g.h": the address as written (`ip`, and `end` for a
 * range), and the first and last address covered (a range in either order, a prefix masked).
 */
interface IpSpec {
  ip: number;
  end?: number;
  cidr?: number;
  from: number;
  to: number;
}

function parseIpSpec(text: string, allowRange: boolean): IpSpec {
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const ip = parseAddress(text.slice(0, slash));
    const cidr = parseCidr(text.slice(slash + 1));
    const from = networkOf(ip, cidr);
    return { ip, cidr, from, to: (from | (~prefixMask(cidr) >>> 0)) >>> 0 };
  }
  const dash = text.indexOf('-');
  if (allowRange && dash >= 0) {
    const ip = parseAddress(text.slice(0, dash));
    const end = parseAddress(text.slice(dash + 1));
    return { ip, end, from: Math.min(ip, end), to: Math.max(ip, end) };
  }
  const ip = parseAddress(text);
  return { ip, from: ip, to: ip };
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

/** "[proto:]port[-port]" (or "icmp:type/code|name") → protocol and the port range. */
function parseProtoPort(text: string): { proto: number; from: number; to: number; range: boolean } {
  const colon = text.indexOf(':');
  const protoName = colon >= 0 ? text.slice(0, colon) : 'tcp';
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  const proto = PORT_PROTOS[protoName] ?? protocolNumber(protoName);
  if (proto === undefined) throw new IpsetSyntaxError(`Syntax error: cannot parse '${protoName}' as a protocol`);
  const one = (port: number) => ({ proto, from: port, to: port, range: false });
  if (proto === 1) {
    const named = ICMP_NAMES.find(([name]) => name.toLowerCase() === rest.toLowerCase());
    if (named) return one((named[1] << 8) | named[2]);
    const m = /^(\d+)\/(\d+)$/.exec(rest);
    if (!m) throw new IpsetSyntaxError(`Syntax error: cannot parse ${rest} as an ICMP type`);
    return one((Number(m[1]) << 8) | Number(m[2]));
  }
  if (!(protoName in PORT_PROTOS)) return one(0);
  const port = (p: string): number => {
    if (/^\d+$/.test(p)) {
      const n = Number(p);
      if (n > 65535) {
        throw new IpsetSyntaxError(
          `Syntax error: '${p}' is out of range 0-65535\nSyntax error: '${protoName}' is invalid as number\ncannot parse '${p}' as a ${protoName} port`,
        );
      }
      return n;
    }
    const named = servicePort(p, protoName === 'udplite' ? 'udp' : protoName);
    if (named === undefined) throw new IpsetSyntaxError(`Syntax error: cannot parse '${p}' as a ${protoName} port`);
    return named;
  };
  const dash = rest.indexOf('-');
  if (dash < 0) return one(port(rest));
  const a = port(rest.slice(0, dash));
  const b = port(rest.slice(dash + 1));
  return { proto, from: Math.min(a, b), to: Math.max(a, b), range: true };
}

export interface ParsedElement {
  /** How many elements add and del touch. */
  size: number;
  /** Those elements in the kernel's order, made one at a time: a /8 is 16M addresses. */
  elements(): Generator<Element>;
  /** Whether add and del touch `e` (so a wide delete can walk the set instead of the range). */
  covers(e: Element): boolean;
  /** The one element test checks: the address as written (test never expands a range). */
  first: Element;
  /** The element as ipset repeats it in test's answer: as written, a range or prefix included. */
  shown: string;
  /** Why ipset refuses this element in `test` (a range where the type tests one element). */
  testRefusal?: string;
  /** What the kernel answers to add and del before touching the set, if it refuses the element. */
  refusal?: 'null-element' | 'invalid-argument' | 'cidr-invalid' | 'out-of-range';
}

function notAllowed(what: string, type: SetTypeName): string {
  const family = type === 'bitmap:port' ? 'unspec' : 'inet';
  return `${what} is not allowed in command test with set type ${type} and family ${family}`;
}

/** Parses an element for `type`: every element an add or del touches, and the one a test checks. */
export function parseElement(type: SetTypeName, text: string, bounds?: { from: number; to: number }): ParsedElement {
  if (type === 'list:set') {
    const e = { set: text };
    return {
      size: 1,
      *elements() {
        yield e;
      },
      covers: (x) => x.set === text,
      first: e,
      shown: text,
    };
  }
  if (type === 'bitmap:port') {
    const ports = parseProtoPort(text);
    const first = { port: ports.from };
    const parsed: ParsedElement = {
      size: ports.to - ports.from + 1,
      *elements() {
        for (let port = ports.from; port <= ports.to; port++) yield { port };
      },
      covers: (x) => (x.port ?? -1) >= ports.from && (x.port ?? -1) <= ports.to,
      first,
      shown: String(ports.from),
    };
    if (ports.range) parsed.testRefusal = notAllowed('FROM-TO port range', type);
    // bitmap_port_uadt checks the whole range against the set's before adding anything.
    if (bounds && (ports.from < bounds.from || ports.to > bounds.to)) parsed.refusal = 'out-of-range';
    return parsed;
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
  const ports = withPort ? parseProtoPort(text.slice(comma + 1)) : { proto: 0, from: 0, to: 0, range: false };
  // hash:net stores a prefix as one element and a range as the prefixes that cover it.
  const nets =
    withNets && spec.cidr === undefined && spec.end !== undefined ? rangeToCidrs(spec.from, spec.to) : undefined;
  const make = (ip: number, cidr: number | undefined, port: number): Element => {
    const e: Element = { ip };
    if (withNets) e.cidr = cidr ?? 32;
    if (withPort) {
      e.proto = ports.proto;
      e.port = port;
    }
    return e;
  };
  const portCount = ports.to - ports.from + 1;
  const size = (nets ? nets.length : withNets ? 1 : spec.to - spec.from + 1) * portCount;
  function* elements(): Generator<Element> {
    const blocks = nets ?? (withNets ? [{ ip: spec.ip, cidr: spec.cidr ?? 32 }] : undefined);
    if (blocks) {
      for (const block of blocks) for (let p = ports.from; p <= ports.to; p++) yield make(block.ip, block.cidr, p);
      return;
    }
    for (let ip = spec.from; ip <= spec.to; ip++) for (let p = ports.from; p <= ports.to; p++) yield make(ip, 32, p);
  }
  const covers = (e: Element): boolean =>
    !withNets &&
    (e.ip ?? -1) >= spec.from &&
    (e.ip ?? -1) <= spec.to &&
    (!withPort || (e.proto === ports.proto && (e.port ?? -1) >= ports.from && (e.port ?? -1) <= ports.to));
  let shown = formatIpv4(spec.ip);
  if (spec.end !== undefined) shown += `-${formatIpv4(spec.end)}`;
  else if (spec.cidr !== undefined && spec.cidr !== 32) shown += `/${spec.cidr}`;
  if (withPort) shown += `,${formatProtoPort(ports.proto, ports.from)}`;
  const parsed: ParsedElement = {
    size,
    elements,
    covers,
    first: make(spec.ip, withNets ? spec.cidr : undefined, ports.from),
    shown,
  };
  if (spec.end !== undefined && type !== 'hash:ip') parsed.testRefusal = notAllowed('FROM-TO IP range', type);
  else if (spec.cidr !== undefined && type === 'hash:ip,port') parsed.testRefusal = notAllowed('IP/CIDR range', type);
  else if (ports.range) parsed.testRefusal = notAllowed('FROM-TO port range', type);
  if (!withNets && (spec.ip === 0 || spec.end === 0)) {
    parsed.refusal = type === 'hash:ip' ? 'null-element' : 'invalid-argument';
  } else if (!withNets && spec.cidr === 0) parsed.refusal = 'cidr-invalid';
  return parsed;
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
