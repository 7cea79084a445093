import { describe, expect, it } from 'vitest';
import { LinuxHost } from '../machine/host.ts';
import { splitWords } from '../machine/script.ts';

function session() {
  const host = new LinuxHost({ seed: 1 });
  return (line: string) => {
    const r = host.run(splitWords(line));
    return { out: r.stdout.replace(/([0-9a-f]{2}:){5}[0-9a-f]{2}/g, 'MAC'), err: r.stderr, code: r.exitCode };
  };
}

// Expected texts from net-tools 2.10 on kernel 6.18.
describe('ifconfig', () => {
  it('lists lo (down only with -a)', () => {
    const sh = session();
    expect(sh('ifconfig').out).toBe('');
    expect(sh('ifconfig -a').out).toBe(
      [
        'lo: flags=8<LOOPBACK>  mtu 65536',
        '        loop  txqueuelen 1000  (Local Loopback)',
        '        RX packets 0  bytes 0 (0.0 B)',
        '        RX errors 0  dropped 0  overruns 0  frame 0',
        '        TX packets 0  bytes 0 (0.0 B)',
        '        TX errors 0  dropped 0 overruns 0  carrier 0  collisions 0',
        '',
        '',
      ].join('\n'),
    );
  });

  it('configures an address with a classful mask, then the given netmask, and brings the device up', () => {
    const sh = session();
    sh('ip link add p1 type veth peer name q1');
    expect(sh('ifconfig p1 10.1.0.1 netmask 255.255.0.0 up').code).toBe(0);
    expect(sh('ip -4 a show p1').out).toContain('inet 10.1.0.1/16 brd 10.1.255.255 scope global p1');
    expect(sh('ifconfig p1').out.split('\n').slice(0, 2)).toEqual([
      'p1: flags=4099<UP,BROADCAST,MULTICAST>  mtu 1500',
      '        inet 10.1.0.1  netmask 255.255.0.0  broadcast 10.1.255.255',
    ]);
    sh('ifconfig p1 10.1.0.2');
    expect(sh('ip -4 a show p1').out).toContain('inet 10.1.0.2/8 brd 10.255.255.255 scope global p1');
    sh('ifconfig p1 down');
    expect(sh('ifconfig -a -s').out).toBe(
      [
        'Iface      MTU    RX-OK RX-ERR RX-DRP RX-OVR    TX-OK TX-ERR TX-DRP TX-OVR Flg',
        'lo              65536        0      0      0 0             0      0      0      0 L',
        'p1               1500        0      0      0 0             0      0      0      0 BM',
        'q1               1500        0      0      0 0             0      0      0      0 BM',
        '',
      ].join('\n'),
    );
  });

  it('reports a missing device in the tool’s words', () => {
    const sh = session();
    expect(sh('ifconfig eth9')).toEqual({
      out: '',
      err: 'eth9: error fetching interface information: Device not found\n',
      code: 1,
    });
    expect(sh('ifconfig nope up')).toEqual({
      out: '',
      err: 'nope: ERROR while getting interface flags: No such device\n',
      code: 255,
    });
    expect(sh('ifconfig nope 1.2.3.4').err).toBe(
      'SIOCSIFADDR: No such device\nnope: ERROR while getting interface flags: No such device\n',
    );
    expect(sh('ifconfig -x').err).toBe(
      "ifconfig: option `-x' not recognised.\nifconfig: `--help' gives usage information.\n",
    );
  });
});
