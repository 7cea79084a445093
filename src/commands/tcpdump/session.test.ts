import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../engine/wire/addr.ts';
import type { Ipv4Packet } from '../../engine/wire/packet.ts';
import { type CaptureDevice, openCapture } from './session.ts';

const DEVICES: CaptureDevice[] = [
  { name: 'eth0', linkType: 'EN10MB', up: true },
  { name: 'any', linkType: 'LINUX_SLL2', up: true },
  { name: 'eth1', linkType: 'EN10MB', up: false },
];
const find = (name?: string) => DEVICES.find((device) => device.name === (name ?? 'eth0')) ?? null;

function echo(seq: number, protocol = 1): Ipv4Packet {
  return {
    kind: 'ipv4',
    src: parseIpv4('127.0.0.1') as number,
    dst: parseIpv4('127.0.0.1') as number,
    ttl: 64,
    id: seq,
    tos: 0,
    df: true,
    protocol,
    payload:
      protocol === 1
        ? { kind: 'icmp', type: 8, code: 0, id: 11364, seq, data: new Uint8Array(56) }
        : { kind: 'raw', bytes: new Uint8Array(4) },
  };
}
const frame = (payload: Ipv4Packet) =>
  ({ kind: 'ethernet', src: '00:00:00:00:00:00', dst: '00:00:00:00:00:00', ethertype: 0x0800, payload }) as const;

describe('a tcpdump run', () => {
  it('prints matching packets until -c is reached, then the summary (no Ctrl-C newline)', () => {
    const opened = openCapture(['-i', 'eth0', '-c', '2', '-n', 'icmp'], find);
    if (opened.kind !== 'capture') throw new Error(opened.output.stderr);
    const { session } = opened;
    expect(session.startMessage).toBe(
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n' +
        'listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n',
    );
    expect(session.offer(86_277_978_688, frame(echo(1, 47)))).toBe('');
    expect(session.offer(86_277_978_688, frame(echo(1)))).toBe(
      '23:57:57.978688 IP 127.0.0.1 > 127.0.0.1: ICMP echo request, id 11364, seq 1, length 64\n',
    );
    expect(session.finished).toBe(false);
    session.offer(86_277_978_696, frame(echo(2)));
    expect(session.finished).toBe(true);
    expect(session.offer(86_277_978_700, frame(echo(3)))).toBe('');
    expect(session.stop(false)).toEqual({
      stdout: '',
      stderr: '2 packets captured\n3 packets received by filter\n0 packets dropped by kernel\n',
      exitCode: 0,
    });
  });

  it('says "1 packet" and writes a newline to stdout when interrupted', () => {
    const opened = openCapture(['-i', 'any', '-v'], find);
    if (opened.kind !== 'capture') throw new Error('not opened');
    expect(opened.session.startMessage).toBe(
      'tcpdump: data link type LINUX_SLL2\n' +
        'tcpdump: listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes\n',
    );
    opened.session.offer(0, {
      kind: 'cooked',
      ifName: 'lo',
      ifIndex: 1,
      direction: 'In',
      address: null,
      payload: echo(1),
    });
    expect(opened.session.stop(true)).toEqual({
      stdout: '\n',
      stderr: '1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n',
      exitCode: 0,
    });
  });

  it.each([
    [['-i', 'eth9'], 'tcpdump: eth9: No such device exists\n(No such device exists)\n'],
    [['-i', 'eth9', 'tcp and'], 'tcpdump: eth9: No such device exists\n(No such device exists)\n'],
    [['-i', 'eth1'], 'tcpdump: eth1: That device is not up\n'],
    [['-i', 'eth0', 'tcp and'], "tcpdump: can't parse filter expression: syntax error\n"],
    [['port 99999'], 'tcpdump: illegal port number 99999 > 65535\n'],
  ])('%j fails with status 1', (args, stderr) => {
    expect(openCapture(args, find)).toEqual({ kind: 'exit', output: { stdout: '', stderr, exitCode: 1 } });
  });
});
