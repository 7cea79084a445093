import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../../wire/addr.ts';
import { IpsetTable } from './ipset-table.ts';
import { jhash2 } from './jhash.ts';

const ip = (t: string) => parseIpv4(t) ?? 0;

describe('jhash2', () => {
  it('returns the initial state for no words, as the kernel does', () => {
    // The bucket order of real listings (fixtures in src/commands/ipset) checks the mixing itself.
    expect(jhash2([], 0)).toBe(0xdeadbeef);
  });
});

describe('IpsetTable.matchSet', () => {
  const table = () => {
    const t = new IpsetTable(() => 0x12345678);
    t.create('hosts', { type: 'hash:ip' }, false, 0);
    t.add('hosts', { ip: ip('192.168.57.11') }, {}, false, 0);
    t.create('nets', { type: 'hash:net', counters: true }, false, 0);
    t.add('nets', { ip: ip('10.244.0.0'), cidr: 16 }, {}, false, 0);
    t.add('nets', { ip: ip('10.244.3.0'), cidr: 24 }, { nomatch: true }, false, 0);
    t.create('svc', { type: 'hash:ip,port' }, false, 0);
    t.add('svc', { ip: ip('10.96.0.10'), proto: 17, port: 53 }, {}, false, 0);
    t.create('ports', { type: 'bitmap:port', range: { from: 0, to: 1024 } }, false, 0);
    t.add('ports', { port: 80 }, {}, false, 0);
    t.create('all', { type: 'list:set' }, false, 0);
    t.add('all', { set: 'hosts' }, {}, false, 0);
    t.add('all', { set: 'nets' }, {}, false, 0);
    return t;
  };

  it('matches addresses, prefixes (longest first, nomatch wins) and ports', () => {
    const t = table();
    expect(t.matchSet('hosts', [{ addr: ip('192.168.57.11') }])).toBe(true);
    expect(t.matchSet('hosts', [{ addr: ip('192.168.57.12') }])).toBe(false);
    expect(t.matchSet('nets', [{ addr: ip('10.244.9.9') }])).toBe(true);
    expect(t.matchSet('nets', [{ addr: ip('10.244.3.9') }])).toBe(false);
    expect(t.matchSet('svc', [{ addr: ip('10.96.0.10') }, { proto: 17, port: 53 }])).toBe(true);
    expect(t.matchSet('svc', [{ addr: ip('10.96.0.10') }, { proto: 6, port: 53 }])).toBe(false);
    expect(t.matchSet('ports', [{ proto: 6, port: 80 }])).toBe(true);
    expect(t.matchSet('ports', [{ proto: 1, port: 80 }])).toBe(false);
    expect(t.matchSet('all', [{ addr: ip('10.244.1.1') }])).toBe(true);
    expect(t.matchSet('nosuch', [{ addr: ip('10.244.1.1') }])).toBe(false);
  });

  it('counts matched packets on sets with counters, and holds references for rules', () => {
    const t = table();
    t.matchSet('nets', [{ addr: ip('10.244.9.9') }], 0, 84);
    expect(t.members('nets', 0).find((m) => m.element.cidr === 16)).toMatchObject({ packets: 1, bytes: 84 });
    expect(t.hold('hosts')).toBe(true);
    expect(t.header('hosts', 0)?.references).toBe(2);
    expect(t.destroy('hosts', 0)).toBe('in-use');
    t.release('hosts');
    expect(t.header('hosts', 0)?.references).toBe(1);
  });

  it('lets timed-out elements lapse on the virtual clock', () => {
    const t = new IpsetTable(() => 1);
    t.create('tmp', { type: 'hash:ip', timeout: 10 }, false, 0);
    t.add('tmp', { ip: ip('1.1.1.1') }, {}, false, 0);
    expect(t.matchSet('tmp', [{ addr: ip('1.1.1.1') }], 9999)).toBe(true);
    expect(t.matchSet('tmp', [{ addr: ip('1.1.1.1') }], 10000)).toBe(false);
    expect(t.members('tmp', 5000)[0]?.timeout).toBe(4);
  });
});
