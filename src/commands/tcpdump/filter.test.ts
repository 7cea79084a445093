import { describe, expect, it } from 'vitest';
import { compileFilter } from './filter.ts';
import { decodeRecord, readFixtureText, readIfNames, readPcap } from './fixtures/pcap.ts';

const EXPRESSIONS = readFixtureText('filters.list').trim().split('\n');

/** make.sh: "<expression index> <capture> <selected record numbers, 1-based>" per line. */
const SELECTED = readFixtureText('filters.selected')
  .trim()
  .split('\n')
  .map((line) => {
    const [index = '', capture = '', records = ''] = line.split(' ');
    return [capture, EXPRESSIONS[Number(index)] ?? '', records] as const;
  });

describe('filters, against what the real tcpdump -r selects from real captures', () => {
  it.each(SELECTED)('%s: %s', (capture, expression, records) => {
    const pcap = readPcap(`${capture}.pcap`);
    const filter = compileFilter(expression, capture === 'node-any' ? 'LINUX_SLL2' : 'EN10MB');
    if (!filter.ok) throw new Error(filter.error);
    const ifNames = capture === 'node-any' ? readIfNames('node-any.ifnames') : undefined;
    const selected = pcap.records.flatMap((record, i) => {
      const packet = decodeRecord(pcap.linkType, record.bytes, ifNames);
      return packet !== null && filter.match(packet) ? [String(i + 1)] : [];
    });
    expect(selected.join(',')).toBe(records);
  });
});

describe('filter syntax errors, in the real tool words', () => {
  // Each expression was given to tcpdump 4.99.3; the message follows "tcpdump: " (exit status 1).
  const ERRORS: [string, string][] = [
    ['tcp and', "can't parse filter expression: syntax error"],
    ['port 99999', 'illegal port number 99999 > 65535'],
    ['udp port 65536', 'illegal port number 65536 > 65535'],
    ['portrange 1-70000', 'illegal port number 70000 > 65535'],
    ['foo', "can't parse filter expression: syntax error"],
    ['10.244.0.2', "can't parse filter expression: syntax error"],
    ['80', "can't parse filter expression: syntax error"],
    ['xyz abc', "can't parse filter expression: syntax error"],
    ['host 1.2.3.4.5', "unknown host '1.2.3.4.5'"],
    ['host foo.invalid', "unknown host 'foo.invalid'"],
    ['host 10.244.0.256', "invalid IPv4 address '10.244.0.256'"],
    ['net 10.0.0.1/8', 'non-network bits set in "10.0.0.1/8"'],
    ['net 10.0.0.0/33', 'mask length must be <= 32'],
    ['net 10.0.0.0/8/8', "can't parse filter expression: syntax error"],
    ['(', "can't parse filter expression: syntax error"],
    ['()', "can't parse filter expression: syntax error"],
    ['tcp)', "can't parse filter expression: syntax error"],
    ['icmp and (port 80', "can't parse filter expression: syntax error"],
    ['src', "can't parse filter expression: syntax error"],
    ['tcp or', "can't parse filter expression: syntax error"],
    ['not', "can't parse filter expression: syntax error"],
    ['host', "can't parse filter expression: syntax error"],
    ['tcp and port', "can't parse filter expression: syntax error"],
    ['src port 8080 and', "can't parse filter expression: syntax error"],
    ['port foo', "unknown port 'foo'"],
    ['port -1', "can't parse filter expression: syntax error"],
    ['portrange 80-', "can't parse filter expression: syntax error"],
    ['port 80 80', "can't parse filter expression: syntax error"],
    ['tcp port 80 udp', "can't parse filter expression: syntax error"],
    ['host 192.168.56.12 tcp', "can't parse filter expression: syntax error"],
    ['ip proto icmp', "can't parse filter expression: syntax error"],
    ['HOST 10.244.0.2', "can't parse filter expression: syntax error"],
  ];
  it.each(ERRORS)('%s', (expression, message) => {
    expect(compileFilter(expression)).toEqual({ ok: false, error: message });
  });

  it('accepts what the real tool accepts', () => {
    for (const expression of [
      'portrange 10-5',
      'port http',
      'dst net 10.0.0.0/8 and src 1.2.3',
      'portrange 5',
      'ip proto \\icmp',
      'proto 6',
      'not not tcp',
      'src and dst host 10.244.0.2',
      'net 10.244.0.0 mask 255.255.0.0',
      '',
    ]) {
      expect(compileFilter(expression).ok, expression).toBe(true);
    }
    expect(compileFilter('ether host 02:00:00:00:01:02', 'RAW')).toEqual({
      ok: false,
      error: 'ethernet addresses supported only on ethernet/FDDI/token ring/802.11/ATM LANE/Fibre Channel',
    });
  });
});
