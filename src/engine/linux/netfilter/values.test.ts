import { describe, expect, it } from 'vitest';
import { formatProbability } from './matches.ts';
import { addrName, parseAddrMask, parseDotted, quoteString, saveAddr } from './values.ts';

describe('rule values', () => {
  it('prints statistic probabilities as iptables does (%.11f of the kernel value, ties to even)', () => {
    const stored = (p: number) => Math.round(0x80000000 * p);
    expect(formatProbability(stored(0.3333333333))).toBe('0.33333333349');
    expect(formatProbability(stored(0.1666666667))).toBe('0.16666666651');
    expect(formatProbability(stored(1))).toBe('1.00000000000');
    // 1/4096 = 0.000244140625 exactly: glibc rounds the tie to even.
    expect(formatProbability(0x80000000 / 4096)).toBe('0.00024414062');
  });

  it('reads addresses the way libxtables does', () => {
    expect(parseDotted('1.2.3')).toBe(0x01020300);
    expect(parseAddrMask('192.168.1.77/24')).toEqual({ addr: 0xc0a80100, mask: 0xffffff00 });
    expect(saveAddr(0x0a000000, 0xff00ff00)).toBe('10.0.0.0/255.0.255.0');
    expect(() => parseAddrMask('1.2.3.4/33')).toThrow("invalid mask `33' specified");
    expect(addrName(0x7f000000, 0xff000000, false)).toBe('loopback/8');
    expect(addrName(0x7f000001, 0xffffffff, false)).toBe('localhost');
    expect(addrName(0, 0, false)).toBe('anywhere');
  });

  it('quotes like xtables_save_string', () => {
    expect(quoteString('hello')).toBe('hello');
    expect(quoteString('ns1/svc1:p80')).toBe('"ns1/svc1:p80"');
    expect(quoteString(`a 'b' "c"`)).toBe(`"a \\'b\\' \\"c\\""`);
  });
});
