import { describe, expect, it } from 'vitest';
import { cidrContains, hostCidr, joinHostPort, parseCidrSloppy, parseIpSloppy } from './ip.ts';
import { probability } from './probability.ts';

describe('sloppy addresses', () => {
  it('accepts IPv4 leading zeros and prints canonically', () => {
    expect(parseIpSloppy('172.30.0.041')?.text).toBe('172.30.0.41');
    expect(parseIpSloppy('256.1.1.1')).toBeNull();
    expect(parseIpSloppy(' 1.2.3.4')).toBeNull();
  });
  it('prints IPv6 like Go', () => {
    expect(parseIpSloppy('FD00:AB34:0:0:0:0:0:20')?.text).toBe('fd00:ab34::20');
    expect(parseIpSloppy('::ffff:1.2.3.4')?.text).toBe('1.2.3.4');
    expect(joinHostPort('ff06::c1', 80)).toBe('[ff06::c1]:80');
  });
  it('normalises CIDRs to the network', () => {
    const net = parseCidrSloppy('203.0.113.7/25');
    const inside = parseIpSloppy('203.0.113.127');
    const outside = parseIpSloppy('203.0.113.130');
    const v6 = parseIpSloppy('fd00::1');
    if (!net || !inside || !outside || !v6) throw new Error('test addresses must parse');
    expect(net.text).toBe('203.0.113.0/25');
    expect(cidrContains(net, inside)).toBe(true);
    expect(cidrContains(net, outside)).toBe(false);
    expect(hostCidr(v6)).toBe('fd00::1/128');
  });
});

describe('probability', () => {
  it('prints 1/n as %0.10f', () => {
    expect([2, 3, 4, 5, 6, 7].map(probability)).toEqual([
      '0.5000000000',
      '0.3333333333',
      '0.2500000000',
      '0.2000000000',
      '0.1666666667',
      '0.1428571429',
    ]);
  });
  it('rounds an exact tie half to even, as Go does', () => {
    expect(probability(2048)).toBe('0.0004882812');
  });
});
