import { formatIpv6Words } from '../../wire/addr.ts';

/**
 * Addresses as kube-proxy reads them: k8s.io/utils/net's "sloppy" parsers accept IPv4 octets with
 * leading zeros ("172.30.0.041" is 172.30.0.41), and Go prints addresses back in canonical form.
 */

export interface IpAddr {
  family: 4 | 6;
  bytes: Uint8Array;
  /** Canonical text, as Go's net.IP.String() prints it. */
  text: string;
}

export interface IpNet {
  family: 4 | 6;
  /** Network address (host bits cleared). */
  bytes: Uint8Array;
  len: number;
  /** "network/len", as Go's net.IPNet.String() prints it. */
  text: string;
}

function parseV4Bytes(text: string): number[] | null {
  const out: number[] = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 46;
    if (code === 46) {
      if (digits === 0 || value > 255 || out.length === 4) return null;
      out.push(value);
      value = 0;
      digits = 0;
    } else if (code >= 48 && code <= 57 && digits < 3) {
      value = value * 10 + code - 48;
      digits++;
    } else {
      return null;
    }
  }
  return out.length === 4 ? out : null;
}

function parseV6Words(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): number[] | null => {
    if (half === '') return [];
    const out: number[] = [];
    const parts = half.split(':');
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (i === parts.length - 1 && part.includes('.')) {
        const v4 = parseV4Bytes(part);
        if (!v4) return null;
        out.push(((v4[0] as number) << 8) | (v4[1] as number), ((v4[2] as number) << 8) | (v4[3] as number));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return null;
        out.push(Number.parseInt(part, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (!head || !tail) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

function formatBytes(family: 4 | 6, bytes: Uint8Array): string {
  if (family === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  return formatIpv6Words(words);
}

/** Parses an address the way netutils.ParseIPSloppy does (surrounding spaces are not accepted). */
export function parseIpSloppy(text: string): IpAddr | null {
  if (text.includes(':')) {
    const words = parseV6Words(text);
    if (!words) return null;
    const bytes = new Uint8Array(16);
    words.forEach((w, i) => {
      bytes[2 * i] = w >> 8;
      bytes[2 * i + 1] = w & 255;
    });
    // Go prints an IPv4-mapped IPv6 address as plain IPv4.
    if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
      const v4 = bytes.slice(12);
      return { family: 4, bytes: v4, text: formatBytes(4, v4) };
    }
    return { family: 6, bytes, text: formatBytes(6, bytes) };
  }
  const v4 = parseV4Bytes(text);
  if (!v4) return null;
  const bytes = Uint8Array.from(v4);
  return { family: 4, bytes, text: formatBytes(4, bytes) };
}

/** Parses "addr/len" the way netutils.ParseCIDRSloppy does; the result is the network. */
export function parseCidrSloppy(text: string): IpNet | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const ip = parseIpSloppy(text.slice(0, slash));
  const lenText = text.slice(slash + 1);
  if (!ip || !/^\d{1,3}$/.test(lenText)) return null;
  const len = Number(lenText);
  if (len > ip.bytes.length * 8) return null;
  const bytes = maskBytes(ip.bytes, len);
  return { family: ip.family, bytes, len, text: `${formatBytes(ip.family, bytes)}/${len}` };
}

function maskBytes(bytes: Uint8Array, len: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const bits = Math.max(0, Math.min(8, len - i * 8));
    out[i] = (bytes[i] as number) & ((0xff00 >> bits) & 0xff);
  }
  return out;
}

export function cidrContains(net: IpNet, ip: IpAddr): boolean {
  if (net.family !== ip.family) return false;
  const masked = maskBytes(ip.bytes, net.len);
  return masked.every((b, i) => b === net.bytes[i]);
}

export function isLoopbackIp(ip: IpAddr): boolean {
  if (ip.family === 4) return ip.bytes[0] === 127;
  return ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

/** Which family an address or CIDR text belongs to, judged as Go's utilnet does: by a colon. */
export function familyOfText(text: string): 4 | 6 {
  return text.includes(':') ? 6 : 4;
}

/** "ip:port", or "[ip6]:port" (net.JoinHostPort). */
export function joinHostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** A host address as a CIDR ("10.0.0.1/32", "fd00::1/128"): the 1.19-era utilproxy.ToCIDR. */
export function hostCidr(ip: IpAddr): string {
  return `${ip.text}/${ip.family === 4 ? 32 : 128}`;
}
