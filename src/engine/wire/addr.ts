/**
 * IPv4 and MAC addresses. An IPv4 address is an unsigned 32-bit number (0 … 2^32-1), which makes
 * prefix arithmetic cheap; a MAC address is its canonical text, six lowercase hex pairs.
 */

export type Ipv4 = number;
export type Mac = string;

export interface Ipv4Prefix {
  addr: Ipv4;
  len: number;
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Parses a dotted quad ("10.0.0.1"); null when it is not one. */
export function parseIpv4(text: string): Ipv4 | null {
  const m = DOTTED.exec(text);
  if (!m) return null;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIpv4(addr: Ipv4): string {
  return `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}`;
}

/** The netmask of a prefix length as a number: 24 → 255.255.255.0. */
export function prefixMask(len: number): Ipv4 {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** The prefix length of a contiguous netmask, or null when the mask has holes. */
export function maskLength(mask: Ipv4): number | null {
  const inverted = ~mask >>> 0;
  if ((inverted & (inverted + 1)) !== 0) return null;
  return 32 - Math.log2(inverted + 1);
}

export function networkOf(addr: Ipv4, len: number): Ipv4 {
  return (addr & prefixMask(len)) >>> 0;
}

export function broadcastOf(addr: Ipv4, len: number): Ipv4 {
  return (networkOf(addr, len) | ~prefixMask(len)) >>> 0;
}

export function inPrefix(addr: Ipv4, prefix: Ipv4Prefix): boolean {
  return networkOf(addr, prefix.len) === networkOf(prefix.addr, prefix.len);
}

/** "10.0.0.0/24" → prefix; a bare address is /32. The address keeps its host bits. */
export function parsePrefix(text: string): Ipv4Prefix | null {
  const slash = text.indexOf('/');
  const addr = parseIpv4(slash < 0 ? text : text.slice(0, slash));
  if (addr === null) return null;
  if (slash < 0) return { addr, len: 32 };
  const lenText = text.slice(slash + 1);
  if (!/^\d{1,2}$/.test(lenText)) return null;
  const len = Number(lenText);
  return len > 32 ? null : { addr, len };
}

export function formatPrefix(prefix: Ipv4Prefix): string {
  return `${formatIpv4(prefix.addr)}/${prefix.len}`;
}

export function isMulticast(addr: Ipv4): boolean {
  return addr >>> 28 === 0xe;
}

export function isLoopback(addr: Ipv4): boolean {
  return addr >>> 24 === 127;
}

export const BROADCAST_MAC: Mac = 'ff:ff:ff:ff:ff:ff';
export const ZERO_MAC: Mac = '00:00:00:00:00:00';

const MAC_TEXT = /^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/;

/** Parses "aa:bb:cc:dd:ee:ff" (one-digit groups allowed, as iproute2 allows); canonical lowercase. */
export function parseMac(text: string): Mac | null {
  if (!MAC_TEXT.test(text)) return null;
  return text
    .split(':')
    .map((part) => part.toLowerCase().padStart(2, '0'))
    .join(':');
}

export function macBytes(mac: Mac): number[] {
  return mac.split(':').map((part) => Number.parseInt(part, 16));
}

export function macFromBytes(bytes: ArrayLike<number>): Mac {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Formats eight 16-bit words as RFC 5952 text (longest run of two or more zero words as "::"). */
export function formatIpv6Words(words: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < words.length; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < words.length && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (ws: readonly number[]) => ws.map((w) => w.toString(16)).join(':');
  if (bestStart < 0) return hex(words);
  return `${hex(words.slice(0, bestStart))}::${hex(words.slice(bestStart + bestLen))}`;
}

/** The IPv6 link-local address the kernel derives from a MAC (EUI-64), as iproute2 prints it. */
export function linkLocalFromMac(mac: Mac): string {
  const b = macBytes(mac);
  return formatIpv6Words([
    0xfe80,
    0,
    0,
    0,
    (((b[0] ?? 0) ^ 0x02) << 8) | (b[1] ?? 0),
    ((b[2] ?? 0) << 8) | 0xff,
    (0xfe << 8) | (b[3] ?? 0),
    ((b[4] ?? 0) << 8) | (b[5] ?? 0),
  ]);
}
