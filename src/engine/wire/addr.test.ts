import { describe, expect, it } from 'vitest';
import {
  broadcastOf,
  formatIpv4,
  formatIpv6Words,
  type Ipv4Prefix,
  inPrefix,
  linkLocalFromMac,
  maskLength,
  parseIpv4,
  parseMac,
  parsePrefix,
  prefixMask,
} from './addr.ts';

describe('IPv4 addresses', () => {
  it('round-trips dotted quads', () => {
    for (const text of ['0.0.0.0', '10.244.1.2', '255.255.255.255', '192.168.56.11']) {
      const addr = parseIpv4(text);
      expect(addr).not.toBeNull();
      expect(formatIpv4(addr as number)).toBe(text);
    }
  });

  it('rejects what is not a dotted quad', () => {
    for (const text of ['10.0.0.300', '10.0.0', '10.0.0.1.2', 'a.b.c.d', '', '10.0.0.1/24'])
      expect(parseIpv4(text)).toBeNull();
  });

  it('does prefix arithmetic', () => {
    expect(formatIpv4(prefixMask(24))).toBe('255.255.255.0');
    expect(prefixMask(0)).toBe(0);
    expect(maskLength(prefixMask(26))).toBe(26);
    expect(maskLength(parseIpv4('255.0.255.0') as number)).toBeNull();
    const p = parsePrefix('10.244.0.1/24') as Ipv4Prefix;
    expect(p).toEqual({ addr: parseIpv4('10.244.0.1'), len: 24 });
    expect(formatIpv4(broadcastOf(p.addr, p.len))).toBe('10.244.0.255');
    expect(inPrefix(parseIpv4('10.244.0.77') as number, p)).toBe(true);
    expect(inPrefix(parseIpv4('10.244.1.77') as number, p)).toBe(false);
    expect(parsePrefix('10.0.0.0/33')).toBeNull();
  });
});

describe('MAC addresses', () => {
  it('canonicalises', () => {
    expect(parseMac('E6:B8:36:A0:25:3B')).toBe('e6:b8:36:a0:25:3b');
    expect(parseMac('a:b:c:d:e:f')).toBe('0a:0b:0c:0d:0e:0f');
    expect(parseMac('zz:b8:36:a0:25:3b')).toBeNull();
  });

  it('derives the EUI-64 link-local address as the kernel does', () => {
    // From ip-a.flannel-pod.txt: link/ether e6:b8:36:a0:25:3b → fe80::e4b8:36ff:fea0:253b/64
    expect(linkLocalFromMac('e6:b8:36:a0:25:3b')).toBe('fe80::e4b8:36ff:fea0:253b');
    expect(linkLocalFromMac('02:00:00:00:00:01')).toBe('fe80::ff:fe00:1');
    expect(formatIpv6Words([0, 0, 0, 0, 0, 0, 0, 1])).toBe('::1');
    expect(formatIpv6Words([1, 0, 2, 0, 0, 3, 0, 0])).toBe('1:0:2::3:0:0');
  });
});
