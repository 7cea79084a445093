/**
 * pcap-filter expressions (the part labs use) compiled to a predicate over a captured packet.
 * Like libpcap, the filter looks at the outermost packet only: `icmp` does not match ICMP carried
 * in VXLAN or IP-in-IP. `and` and `or` share one precedence and group from the left; `not` binds
 * tighter; a bare value after `and`/`or` reuses the previous qualifiers (`port 80 or 8080`).
 */
import { type Ipv4Prefix, inPrefix, parseIpv4, prefixMask } from '../../engine/wire/addr.ts';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, type Ipv4Packet } from '../../engine/wire/packet.ts';
import type { CapturedPacket, LinkType } from './format.ts';
import { portByName } from './services.ts';

export type PacketFilter = (packet: CapturedPacket) => boolean;

export type FilterResult = { ok: true; match: PacketFilter } | { ok: false; error: string };

const SYNTAX_ERROR = "can't parse filter expression: syntax error";

type Proto = 'ip' | 'arp' | 'tcp' | 'udp' | 'icmp' | 'ether';
type Dir = 'src' | 'dst' | 'src or dst' | 'src and dst';
type AddrType = 'host' | 'net' | 'port' | 'portrange' | 'proto';

interface Qualifiers {
  proto?: Proto;
  dir?: Dir;
  type?: AddrType;
}

const PROTOS = new Set<string>(['ip', 'arp', 'tcp', 'udp', 'icmp', 'ether']);
const TYPES = new Set<string>(['host', 'net', 'port', 'portrange', 'proto']);
/** Words libpcap's lexer reserves; none of them can stand where a value is expected. */
const KEYWORDS = new Set<string>([
  ...PROTOS,
  ...TYPES,
  'src',
  'dst',
  'and',
  'or',
  'not',
  'mask',
  'gateway',
  'less',
  'greater',
  'broadcast',
  'multicast',
  'vlan',
  'ip6',
  'icmp6',
  'rarp',
  'sctp',
  'igmp',
  'len',
  'inbound',
  'outbound',
]);

class FilterError extends Error {}

function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(&&|\|\||[()!]|[^\s()!&|]+|[&|])/gy;
  let match: RegExpExecArray | null = re.exec(expression);
  while (match !== null) {
    tokens.push(match[1] ?? '');
    match = re.exec(expression);
  }
  return tokens;
}

interface Layers {
  ip: Ipv4Packet | null;
  arp: { senderIp: number; targetIp: number } | null;
  etherSrc: string | null;
  etherDst: string | null;
}

function layersOf(packet: CapturedPacket): Layers {
  const empty: Layers = { ip: null, arp: null, etherSrc: null, etherDst: null };
  if (packet.kind === 'ipv4') return { ...empty, ip: packet };
  const payload = packet.payload;
  const base = packet.kind === 'ethernet' ? { ...empty, etherSrc: packet.src, etherDst: packet.dst } : { ...empty };
  if (payload.kind === 'arp') return { ...base, arp: payload };
  return { ...base, ip: payload };
}

/** The transport ports of an IPv4 packet, also when its payload stayed raw bytes. */
function portsOf(ip: Ipv4Packet, protocol: number): [number, number] | null {
  if (ip.protocol !== protocol) return null;
  const payload = ip.payload;
  if (payload.kind === 'tcp' || payload.kind === 'udp') return [payload.srcPort, payload.dstPort];
  if (payload.kind === 'raw' && payload.bytes.length >= 4) {
    const b = payload.bytes;
    return [((b[0] ?? 0) << 8) | (b[1] ?? 0), ((b[2] ?? 0) << 8) | (b[3] ?? 0)];
  }
  return null;
}

function dirMatch(dir: Dir | undefined, src: boolean, dst: boolean): boolean {
  if (dir === 'src') return src;
  if (dir === 'dst') return dst;
  if (dir === 'src and dst') return src && dst;
  return src || dst;
}

/** A dotted address with one to four parts, as libpcap reads it for `host` and `net`. */
function parseDotted(text: string): Ipv4Prefix | null {
  if (!/^\d+(\.\d+){0,3}$/.test(text)) return null;
  const parts = text.split('.').map(Number);
  if (parts.some((part) => part > 255)) return null;
  let addr = 0;
  for (const part of parts) addr = addr * 256 + part;
  const len = parts.length * 8;
  return { addr: (len === 32 ? addr : addr * 2 ** (32 - len)) >>> 0, len };
}

class Parser {
  private readonly tokens: string[];
  private readonly linkType: LinkType;
  private at = 0;
  private last: Qualifiers = {};

  constructor(tokens: string[], linkType: LinkType) {
    this.tokens = tokens;
    this.linkType = linkType;
  }

  parse(): PacketFilter {
    const filter = this.expression();
    if (this.at < this.tokens.length) throw new FilterError(SYNTAX_ERROR);
    return filter;
  }

  private peek(): string | undefined {
    return this.tokens[this.at];
  }

  private next(): string {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new FilterError(SYNTAX_ERROR);
    return token;
  }

  private expression(): PacketFilter {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      if (op === 'and' || op === '&&') {
        this.at++;
        const a = left;
        const b = this.unary();
        left = (p) => a(p) && b(p);
      } else if (op === 'or' || op === '||') {
        this.at++;
        const a = left;
        const b = this.unary();
        left = (p) => a(p) || b(p);
      } else {
        return left;
      }
    }
  }

  private unary(): PacketFilter {
    const token = this.peek();
    if (token === 'not' || token === '!') {
      this.at++;
      const inner = this.unary();
      return (p) => !inner(p);
    }
    if (token === '(') {
      this.at++;
      const inner = this.expression();
      if (this.next() !== ')') throw new FilterError(SYNTAX_ERROR);
      return inner;
    }
    return this.primitive();
  }

  private primitive(): PacketFilter {
    const token = this.peek();
    if (token === undefined || token === ')') throw new FilterError(SYNTAX_ERROR);
    // A bare value continues the previous primitive's qualifiers (`host a or b`).
    if (!KEYWORDS.has(token)) {
      if (this.last.type === undefined && this.last.dir === undefined) throw new FilterError(SYNTAX_ERROR);
      this.at++;
      return this.value(this.last, token);
    }
    const q: Qualifiers = {};
    if (PROTOS.has(token)) {
      q.proto = token as Proto;
      this.at++;
    }
    const dir = this.direction();
    if (dir) q.dir = dir;
    const type = this.peek();
    if (type !== undefined && TYPES.has(type)) {
      q.type = type as AddrType;
      this.at++;
    }
    if (q.dir === undefined && q.type === undefined) {
      if (q.proto === undefined || q.proto === 'ether') throw new FilterError(SYNTAX_ERROR);
      return this.protocol(q.proto);
    }
    this.last = q;
    return this.value(q, this.next());
  }

  private direction(): Dir | undefined {
    const first = this.peek();
    if (first !== 'src' && first !== 'dst') return undefined;
    this.at++;
    const op = this.peek();
    const second = this.tokens[this.at + 1];
    if (
      (op === 'or' || op === 'and') &&
      second !== undefined &&
      second !== first &&
      (second === 'src' || second === 'dst')
    ) {
      this.at += 2;
      return op === 'or' ? 'src or dst' : 'src and dst';
    }
    return first;
  }

  private protocol(proto: Proto): PacketFilter {
    switch (proto) {
      case 'arp':
        return (p) => layersOf(p).arp !== null;
      case 'ip':
        return (p) => layersOf(p).ip !== null;
      default: {
        const number = proto === 'tcp' ? IPPROTO_TCP : proto === 'udp' ? IPPROTO_UDP : IPPROTO_ICMP;
        return (p) => layersOf(p).ip?.protocol === number;
      }
    }
  }

  private value(q: Qualifiers, text: string): PacketFilter {
    if (KEYWORDS.has(text) || text === '(' || text === ')' || text === '!') throw new FilterError(SYNTAX_ERROR);
    const type = q.type ?? 'host';
    switch (type) {
      case 'host':
      case 'net':
        return this.address(q, type, text);
      case 'port':
        return this.ports(q, this.port(text), this.port(text));
      case 'portrange': {
        const m = /^([^-]+)-([^-]+)$/.exec(text);
        const low = this.port(m ? (m[1] ?? '') : text);
        const high = m ? this.port(m[2] ?? '') : low;
        return this.ports(q, Math.min(low, high), Math.max(low, high));
      }
      case 'proto': {
        const name = text.startsWith('\\') ? text.slice(1) : text;
        const number = /^\d+$/.test(name)
          ? Number(name)
          : ({ icmp: IPPROTO_ICMP, tcp: IPPROTO_TCP, udp: IPPROTO_UDP, ipip: 4 } as Record<string, number>)[name];
        if (number === undefined) throw new FilterError(`unknown ip proto '${name}'`);
        return (p) => layersOf(p).ip?.protocol === number;
      }
    }
  }

  private port(text: string): number {
    if (/^\d+$/.test(text)) {
      const port = Number(text);
      if (port > 65535) throw new FilterError(`illegal port number ${port} > 65535`);
      return port;
    }
    if (!/^[A-Za-z][\w.-]*$/.test(text)) throw new FilterError(SYNTAX_ERROR);
    const port = portByName(text);
    if (port === undefined) throw new FilterError(`unknown port '${text}'`);
    return port;
  }

  private ports(q: Qualifiers, low: number, high: number): PacketFilter {
    if (q.proto === 'arp' || q.proto === 'icmp' || q.proto === 'ether') throw new FilterError(SYNTAX_ERROR);
    const protocols =
      q.proto === 'tcp' ? [IPPROTO_TCP] : q.proto === 'udp' ? [IPPROTO_UDP] : [IPPROTO_TCP, IPPROTO_UDP];
    const inRange = (port: number) => port >= low && port <= high;
    return (p) => {
      const ip = layersOf(p).ip;
      if (!ip) return false;
      return protocols.some((protocol) => {
        const ports = portsOf(ip, protocol);
        return ports !== null && dirMatch(q.dir, inRange(ports[0]), inRange(ports[1]));
      });
    };
  }

  private address(q: Qualifiers, type: 'host' | 'net', text: string): PacketFilter {
    if (q.proto === 'ether') return this.etherAddress(q, text);
    if (q.proto === 'tcp' || q.proto === 'udp' || q.proto === 'icmp') throw new FilterError(SYNTAX_ERROR);
    const prefix = this.prefix(type, text);
    const matches = (addr: number) => inPrefix(addr, prefix);
    const ipOk = q.proto !== 'arp';
    const arpOk = q.proto !== 'ip';
    return (p) => {
      const { ip, arp } = layersOf(p);
      if (ip && ipOk) return dirMatch(q.dir, matches(ip.src), matches(ip.dst));
      if (arp && arpOk) return dirMatch(q.dir, matches(arp.senderIp), matches(arp.targetIp));
      return false;
    };
  }

  private prefix(type: 'host' | 'net', text: string): Ipv4Prefix {
    const slash = text.indexOf('/');
    const maskWord = this.peek() === 'mask';
    if (slash >= 0 || maskWord) {
      if (type === 'host') throw new FilterError('Mask syntax for networks only');
      const base = parseDotted(slash >= 0 ? text.slice(0, slash) : text);
      if (base === null) throw new FilterError(SYNTAX_ERROR);
      let len: number;
      if (maskWord) {
        this.at++;
        const mask = parseIpv4(this.next());
        if (mask === null) throw new FilterError(SYNTAX_ERROR);
        len = 32 - Math.log2((~mask >>> 0) + 1);
        if (!Number.isInteger(len)) len = 32;
      } else {
        const lenText = text.slice(slash + 1);
        if (!/^\d+$/.test(lenText)) throw new FilterError(SYNTAX_ERROR);
        len = Number(lenText);
        if (len > 32) throw new FilterError('mask length must be <= 32');
      }
      if ((base.addr & ~prefixMask(len)) >>> 0 !== 0) throw new FilterError(`non-network bits set in "${text}"`);
      return { addr: base.addr, len };
    }
    if (/^\d+(\.\d+){0,3}$/.test(text)) {
      const parsed = parseDotted(text);
      if (parsed === null) throw new FilterError(`invalid IPv4 address '${text}'`);
      return parsed;
    }
    if (/^[A-Za-z0-9][\w.-]*$/.test(text)) throw new FilterError(`unknown host '${text}'`);
    throw new FilterError(SYNTAX_ERROR);
  }

  private etherAddress(q: Qualifiers, text: string): PacketFilter {
    if (this.linkType !== 'EN10MB') {
      throw new FilterError(
        'ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel',
      );
    }
    if (q.type !== 'host' && q.type !== undefined) throw new FilterError(SYNTAX_ERROR);
    const mac = /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(text)
      ? text
          .split(':')
          .map((part) => part.toLowerCase().padStart(2, '0'))
          .join(':')
      : null;
    if (mac === null) throw new FilterError(`unknown ether host '${text}'`);
    return (p) => {
      const { etherSrc, etherDst } = layersOf(p);
      return etherSrc !== null && dirMatch(q.dir, etherSrc === mac, etherDst === mac);
    };
  }
}

/**
 * Compiles a filter for a capture of the given link type. An empty expression matches everything.
 * Errors carry the text tcpdump prints after "tcpdump: " (its exit status is 1).
 */
export function compileFilter(expression: string, linkType: LinkType = 'EN10MB'): FilterResult {
  const tokens = tokenize(expression);
  if (tokens.length === 0) return { ok: true, match: () => true };
  try {
    return { ok: true, match: new Parser(tokens, linkType).parse() };
  } catch (error) {
    if (error instanceof FilterError) return { ok: false, error: error.message };
    throw error;
  }
}
