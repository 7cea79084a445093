import { describe, expect, it } from 'vitest';
import { LinuxHost } from '../../machine/host.ts';
import { splitWords } from '../../machine/script.ts';

/** Runs lines on one host (`sleep N` advances the clock) and returns the last line's result. */
function session() {
  const host = new LinuxHost({ seed: 1 });
  return (line: string) => {
    const sleep = /^sleep (\d+)$/.exec(line);
    if (sleep) host.kernel.events.runUntil(host.kernel.clock.micros + Number(sleep[1]) * 1_000_000);
    const r = sleep ? { stdout: '', stderr: '', exitCode: 0 } : host.run(splitWords(line));
    return { out: r.stdout, err: r.stderr, code: r.exitCode };
  };
}

// Expected texts from iproute2 6.1 and bridge-utils 1.7.1 on kernel 6.18.
describe('bridge fdb', () => {
  it('lists a bridge as the kernel keeps it: self groups, learned entries newest first, port addresses', () => {
    const sh = session();
    for (const line of [
      'ip link add br0 type bridge',
      'ip link set br0 up',
      'ip netns add h1',
      'ip link add p1 address 02:00:00:00:00:13 type veth peer name eth0 netns h1 address 02:00:00:00:00:99',
      'ip link set p1 master br0',
      'ip link set p1 up',
      'ip -n h1 link set eth0 up',
      'sleep 3',
      'bridge fdb add 02:aa:00:00:00:02 dev p1 master static',
      'bridge fdb add 02:aa:00:00:00:07 dev p1 master dynamic',
    ])
      expect(sh(line).code).toBe(0);
    const own = /^33:33:ff:(\S+) dev br0/m.exec(sh('bridge fdb show br br0').out)?.[1];
    expect(sh('bridge fdb show br br0').out).toBe(
      [
        '33:33:00:00:00:01 dev br0 self permanent',
        '01:00:5e:00:00:6a dev br0 self permanent',
        '33:33:00:00:00:6a dev br0 self permanent',
        '01:00:5e:00:00:01 dev br0 self permanent',
        `33:33:ff:${own} dev br0 self permanent`,
        '02:aa:00:00:00:07 dev p1 master br0 ',
        '02:aa:00:00:00:02 dev p1 master br0 static',
        '02:00:00:00:00:99 dev p1 master br0 ',
        '02:00:00:00:00:13 dev p1 master br0 permanent',
        '33:33:00:00:00:01 dev p1 self permanent',
        '01:00:5e:00:00:01 dev p1 self permanent',
        '33:33:ff:00:00:13 dev p1 self permanent',
        '',
      ].join('\n'),
    );
    expect(sh('bridge fdb add 02:aa:00:00:00:02 dev p1 master').err).toBe('RTNETLINK answers: File exists\n');
    expect(sh('bridge fdb del 02:aa:00:00:00:09 dev p1 master').err).toBe(
      'RTNETLINK answers: No such file or directory\n',
    );
    expect(sh('brctl showmacs br0').out).toBe(
      [
        'port no\tmac addr\t\tis local?\tageing timer',
        '  1\t02:00:00:00:00:13\tyes\t\t   0.00',
        '  1\t02:00:00:00:00:99\tno\t\t   2.99',
        '  1\t02:aa:00:00:00:02\tno\t\t   0.00',
        '  1\t02:aa:00:00:00:07\tno\t\t   0.00',
        '',
      ].join('\n'),
    );
    // Down, the bridge leaves its groups and its ports forget what they learned.
    sh('ip link set br0 down');
    expect(sh('bridge fdb show dev p1').out).toBe(
      [
        '02:aa:00:00:00:02 master br0 static',
        '02:00:00:00:00:13 master br0 permanent',
        '33:33:00:00:00:01 self permanent',
        '01:00:5e:00:00:01 self permanent',
        '33:33:ff:00:00:13 self permanent',
        '',
      ].join('\n'),
    );
    expect(sh('bridge fdb show dev br0').out).toBe('');
  });

  it('shows the bridge its own address until a port gives it one, and zeros once the last port leaves', () => {
    const sh = session();
    sh('ip link add br0 type bridge');
    sh('ip link add p1 address 02:00:00:00:00:13 type veth peer name q1');
    expect(sh('bridge fdb show dev br0').out).toMatch(/^33:33:00:00:00:01 self permanent\n\S+ master br0 permanent\n$/);
    sh('ip link set p1 master br0');
    expect(sh('bridge fdb show dev br0').out).toBe('33:33:00:00:00:01 self permanent\n');
    sh('ip link set p1 nomaster');
    expect(sh('ip -br link show br0').out).toBe(
      'br0              DOWN           00:00:00:00:00:00 <BROADCAST,MULTICAST> \n',
    );
    sh('ip link set br0 address 02:00:00:00:00:99');
    expect(sh('bridge fdb show dev br0').out).toBe(
      '33:33:00:00:00:01 self permanent\n02:00:00:00:00:99 master br0 permanent\n',
    );
  });

  it('keeps VXLAN entries newest first, with the default remote last', () => {
    const sh = session();
    sh('ip link add eth0 type veth peer name eth1');
    sh('ip link add vx0 type vxlan id 42 local 192.168.1.1 dev eth0 dstport 4789 remote 192.168.1.2');
    expect(sh('bridge fdb show dev vx0').out).toBe('00:00:00:00:00:00 dst 192.168.1.2 via eth0 self permanent\n');
    sh('ip link add vx1 type vxlan id 43 dstport 4789 dev eth0 local 192.168.1.1');
    sh('bridge fdb append 00:00:00:00:00:00 dev vx1 dst 192.168.1.5');
    sh('bridge fdb append 00:00:00:00:00:00 dev vx1 dst 192.168.1.6');
    sh('bridge fdb add 0e:00:00:00:00:01 dev vx1 dst 192.168.1.7');
    sh('bridge fdb add 0e:00:00:00:00:03 dev vx1 dst 192.168.1.8 static');
    sh('bridge fdb add 0e:00:00:00:00:04 dev vx1 dst 192.168.1.8 dynamic');
    expect(sh('bridge fdb add 0e:00:00:00:00:05 dev vx1').err).toBe('RTNETLINK answers: Invalid argument\n');
    expect(sh('bridge fdb add 0e:00:00:00:00:06 dev vx1 dst 192.168.1.8 master').err).toBe(
      'RTNETLINK answers: Operation not supported\n',
    );
    sh('bridge fdb replace 0e:00:00:00:00:01 dev vx1 dst 192.168.1.9');
    expect(sh('bridge fdb show dev vx1').out).toBe(
      [
        '0e:00:00:00:00:04 dst 192.168.1.8 self ',
        '0e:00:00:00:00:03 dst 192.168.1.8 self static',
        '0e:00:00:00:00:01 dst 192.168.1.9 self permanent',
        '00:00:00:00:00:00 dst 192.168.1.5 self permanent',
        '00:00:00:00:00:00 dst 192.168.1.6 self permanent',
        '',
      ].join('\n'),
    );
    sh('bridge fdb del 00:00:00:00:00:00 dev vx1 dst 192.168.1.5');
    expect(sh('bridge fdb show dev vx1').out).not.toContain('192.168.1.5');
  });

  it('reports errors in the tool’s words', () => {
    const sh = session();
    expect(sh('bridge fdb add 02:aa:00:00:00:08').err).toBe('Device and address are required arguments.\n');
    expect(sh('bridge fdb add zz dev lo').err).toBe('Invalid mac address zz\n');
    expect(sh('bridge fdb show dev nope')).toEqual({ out: '', err: 'Cannot find device "nope"\n', code: 255 });
    expect(sh('bridge foo').err).toBe('Object "foo" is unknown, try "bridge help".\n');
    expect(sh('bridge fdb foo').err).toBe('Command "foo" is unknown, try "bridge fdb help".\n');
  });
});

describe('bridge link', () => {
  it('lists ports with the iflink looked up locally, and sets hairpin', () => {
    const sh = session();
    sh('ip link add br0 type bridge');
    sh('ip link add p1 address 02:00:00:00:00:13 type veth peer name q1');
    sh('ip link set p1 master br0');
    expect(sh('bridge link').out).toBe(
      '4: p1@q1: <BROADCAST,MULTICAST,M-DOWN> mtu 1500 master br0 state disabled priority 32 cost 2 \n',
    );
    expect(sh('bridge link set dev p1 hairpin on').code).toBe(0);
    expect(sh('bridge -d link show dev p1').out).toContain('\n    hairpin on guard off root_block off');
    expect(sh('bridge link set dev q1 hairpin on').err).toBe('RTNETLINK answers: Operation not supported\n');
    expect(sh('bridge link set dev nope hairpin on').err).toBe('Cannot find bridge device "nope"\n');
    expect(sh('bridge link set dev p1 hairpin maybe')).toEqual({
      out: '',
      err: 'Error: argument of "hairpin" must be one of "off", "on", not "maybe"\n',
      code: 234,
    });
  });
});

describe('brctl', () => {
  it('adds, shows and deletes bridges and ports', () => {
    const sh = session();
    expect(sh('brctl show')).toEqual({ out: '', err: '', code: 0 });
    sh('brctl addbr br0');
    expect(sh('brctl addbr br0').err).toBe("device br0 already exists; can't create bridge with the same name\n");
    expect(sh('brctl show').out).toBe(
      'bridge name\tbridge id\t\tSTP enabled\tinterfaces\nbr0\t\t8000.000000000000\tno\t\t\n',
    );
    sh('ip link add p1 address 02:00:00:00:00:13 type veth peer name q1');
    sh('ip link add p2 address 02:00:00:00:00:12 type veth peer name q2');
    sh('brctl addif br0 p2');
    sh('brctl addif br0 p1');
    expect(sh('brctl addif br0 p1').err).toBe(
      "device p1 is already a member of a bridge; can't add it to bridge br0.\n",
    );
    expect(sh('brctl show br0').out).toBe(
      'bridge name\tbridge id\t\tSTP enabled\tinterfaces\nbr0\t\t8000.020000000012\tno\t\tp1\n\t\t\t\t\t\t\tp2\n',
    );
    expect(sh('brctl show p1').err).toBe('device p1 is not a bridge!\n');
    sh('brctl delif br0 p2');
    expect(sh('brctl delif br0 p2').err).toBe('device p2 is not a port of br0\n');
    sh('ip link set br0 up');
    expect(sh('brctl delbr br0').err).toBe("bridge br0 is still up; can't delete it\n");
    sh('ip link set br0 down');
    expect(sh('brctl delbr br0').code).toBe(0);
    expect(sh('brctl addif br0').out).toBe(
      'Incorrect number of arguments for command\nUsage: brctl addif <bridge> <device>\tadd interface to bridge\n',
    );
  });
});
