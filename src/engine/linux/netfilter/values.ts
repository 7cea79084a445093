/**
 * Parsing and printing of the small values rule options carry (numbers, ports, addresses, masks),
 * with the messages libxtables gives for bad ones.
 */
import { formatIpv4, type Ipv4, maskLength } from '../../wire/addr.ts';
import { serviceName, servicePort } from './netdb.ts';
import { XtablesError } from './types.ts';

/** strtoul with base 0, as xtables_strtoui reads numbers: 0x… hex, 0… octal, else decimal. */
export function parseUint(text: string, max = 0xffffffff): number | null {
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) value = Number.parseInt(text.slice(2), 16);
  else if (/^0[0-7]+$/.test(text)) value = Number.parseInt(text.slice(1), 8);
  else if (/^\d+$/.test(text)) value = Number(text);
  else return null;
  return value <= max ? value : null;
}

/** A `value[/mask]` pair as the mark match and MARK target read it. */
export function parseMarkMask(module: string, option: string, text: string): { value: number; mask: number | null } {
  const slash = text.indexOf('/');
  const valueText = slash < 0 ? text : text.slice(0, slash);
  const value = parseUintPrefix(valueText);
  if (value === null) {
    throw new XtablesError(`${module}: bad integer value for option "--${option}", or out of range.\n`);
  }
  if (value.rest !== '') throw new XtablesError(`${module}: trailing garbage after value for option "--${option}".\n`);
  if (slash < 0) return { value: value.num, mask: null };
  const mask = parseUintPrefix(text.slice(slash + 1));
  if (mask === null)
    throw new XtablesError(`${module}: bad integer value for option "--${option}", or out of range.\n`);
  if (mask.rest !== '') throw new XtablesError(`${module}: trailing garbage after value for option "--${option}".\n`);
  return { value: value.num, mask: mask.num };
}

function parseUintPrefix(text: string): { num: number; rest: string } | null {
  const m = /^(0[xX][0-9a-fA-F]+|\d+)(.*)$/.exec(text);
  if (!m?.[1]) return null;
  const num = parseUint(m[1]);
  return num === null ? null : { num, rest: m[2] ?? '' };
}

export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

/** A port number or service name (xtables_parse_port). */
export function parsePort(text: string, proto: string): number {
  const num = parseUint(text, 65535);
  if (num !== null && /^\d+$/.test(text)) return num;
  const byName = servicePort(text, proto);
  if (byName !== undefined) return byName;
  throw new XtablesError(`invalid port/service \`${text}' specified`);
}

/** `a`, `a:b`, `a:` or `:b` (missing ends are 0 and 65535). */
export function parsePortRange(text: string, proto: string): [number, number] {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const port = parsePort(text, proto);
    return [port, port];
  }
  const lo = colon === 0 ? 0 : parsePort(text.slice(0, colon), proto);
  const hiText = text.slice(colon + 1);
  const hi = hiText === '' ? 65535 : parsePort(hiText, proto);
  if (lo > hi) throw new XtablesError(`invalid portrange (min > max)`);
  return [lo, hi];
}

/** A port as `iptables -L` prints it: a service name unless numeric. */
export function portName(port: number, proto: string, numeric: boolean): string {
  if (numeric) return String(port);
  return serviceName(port, proto) ?? String(port);
}

/** The first few dotted parts of an address, padded with zeros (xtables_numeric_to_ipaddr). */
export function parseDotted(text: string): Ipv4 | null {
  let value = 0;
  let part = -1;
  let parts = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46;
    if (c === 46) {
      if (digits === 0 || part > 255 || parts === 4) return null;
      value = value * 256 + part;
      parts++;
      part = -1;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      part = (part < 0 ? 0 : part * 10) + (c - 48);
      digits++;
    } else {
      return null;
    }
  }
  for (; parts < 4; parts++) value *= 256;
  return value >>> 0;
}

const HOSTS = new Map<string, Ipv4>([['localhost', 0x7f000001]]);

/** `addr[/len|/mask]` of -s/-d and friends; the address comes back masked. */
export function parseAddrMask(text: string): { addr: Ipv4; mask: Ipv4 } {
  const slash = text.indexOf('/');
  const hostText = slash < 0 ? text : text.slice(0, slash);
  let mask = 0xffffffff;
  if (slash >= 0) {
    const maskText = text.slice(slash + 1);
    if (maskText.includes('.')) {
      const m = parseDotted(maskText);
      if (m === null) throw new XtablesError(`host/network \`${maskText}' not found`);
      mask = m;
    } else {
      const len = /^\d+$/.test(maskText) ? Number(maskText) : Number.NaN;
      if (!(len >= 0 && len <= 32)) throw new XtablesError(`invalid mask \`${maskText}' specified`);
      mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
    }
  }
  const addr = parseDotted(hostText) ?? HOSTS.get(hostText);
  if (addr === undefined) throw new XtablesError(`host/network \`${hostText}' not found`);
  return { addr: (addr & mask) >>> 0, mask };
}

/** `/len` for a contiguous mask, `/a.b.c.d` otherwise, nothing for /32 (xtables_ipmask_to_numeric). */
export function maskSuffix(mask: Ipv4): string {
  if (mask === 0xffffffff) return '';
  const len = maskLength(mask);
  return len === null ? `/${formatIpv4(mask)}` : `/${len}`;
}

/** The form iptables-save prints: always with a prefix length (or a dotted mask). */
export function saveAddr(addr: Ipv4, mask: Ipv4): string {
  const len = maskLength(mask);
  return `${formatIpv4(addr)}/${len === null ? formatIpv4(mask) : len}`;
}

const HOST_NAMES = new Map<Ipv4, string>([[0x7f000001, 'localhost']]);
const NETWORK_NAMES = new Map<Ipv4, string>([
  [0, 'default'],
  [0x7f000000, 'loopback'],
  [0xa9fe0000, 'link-local'],
]);

/**
 * An address the way `iptables -L` without -n prints it: /etc/hosts, then /etc/networks, then the
 * number. The engine has no DNS, so other addresses stay numeric (as on a node without PTR records).
 */
export function addrName(addr: Ipv4, mask: Ipv4, numeric: boolean): string {
  if (!numeric && mask === 0) return 'anywhere';
  const name = numeric ? undefined : (HOST_NAMES.get(addr) ?? NETWORK_NAMES.get(addr));
  return (name ?? formatIpv4(addr)) + maskSuffix(mask);
}

/** xtables_save_string: bare when only safe characters, else double-quoted with \ escapes. */
export function quoteString(value: string): string {
  if (/^[-_0-9a-zA-Z]+$/.test(value)) return value;
  return `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}
