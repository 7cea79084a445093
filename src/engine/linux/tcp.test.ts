import { describe, expect, it } from 'vitest';
import { LinuxHost } from '../../machine/host.ts';
import { parseIpv4 } from '../wire/addr.ts';
import type { TcpSegment } from '../wire/packet.ts';
import type { NetNs } from './netns.ts';
import type { WireEvent } from './stack.ts';
import type { TcpSocket } from './tcp.ts';

const A = parseIpv4('10.0.0.1') as number;
const B = parseIpv4('10.0.0.2') as number;

/** Two namespaces joined by a veth pair (10.0.0.1 in the root, 10.0.0.2 in `b`), with a capture on the root side. */
function pair(setup: string[] = []) {
  const host = new LinuxHost({ seed: 3 });
  for (const line of [
    'ip link set lo up',
    'ip netns add b',
    'ip link add veth0 type veth peer name eth0 netns b',
    'ip addr add 10.0.0.1/24 dev veth0',
    'ip -n b addr add 10.0.0.2/24 dev eth0',
    'ip link set veth0 up',
    'ip -n b link set eth0 up',
    'ip -n b link set lo up',
    ...setup,
  ]) {
    const out = host.run(line.split(' '));
    expect(out.stderr).toBe('');
  }
  const kernel = host.kernel;
  const a = kernel.root;
  const b = kernel.named.get('b') as NetNs;
  const seen: { time: number; segment: TcpSegment }[] = [];
  kernel.stack.taps.add({
    ns: a,
    ifindex: a.linkByName('veth0')?.ifindex,
    onPacket(event: WireEvent) {
      const frame = event.frame;
      const ip = frame.kind === 'ethernet' ? frame.payload : frame;
      if (ip.kind === 'ipv4' && ip.payload.kind === 'tcp' && event.dir === 'Out')
        seen.push({ time: event.time, segment: ip.payload });
      if (ip.kind === 'ipv4' && ip.payload.kind === 'tcp' && event.dir === 'In')
        seen.push({ time: event.time, segment: ip.payload });
    },
  });
  const run = (ms: number) => kernel.events.runUntil(kernel.clock.micros + ms * 1000);
  return { host, kernel, a, b, seen, run };
}

describe('TCP handshake', () => {
  it('sends the SYN options and windows Linux 6.x sends on a 1500-byte veth', () => {
    const { kernel, a, b, seen, run } = pair();
    const listener = kernel.sockets.listenTcp(b, 0, 8000, 5) as TcpSocket;
    let accepted: TcpSocket | undefined;
    listener.callbacks.onAccept = (child) => {
      accepted = child;
    };
    const client = kernel.sockets.connectTcp(a, B, 8000) as TcpSocket;
    let connected = false;
    client.callbacks.onConnect = () => {
      connected = true;
    };
    run(10);
    expect(connected).toBe(true);
    expect(accepted?.state).toBe('ESTABLISHED');
    const [syn, synAck, ack] = seen.map((s) => s.segment);
    expect(syn?.flags).toEqual({ syn: true });
    expect(syn?.window).toBe(64240);
    expect(syn?.options.map((o) => o.kind)).toEqual(['mss', 'sackOK', 'timestamp', 'nop', 'wscale']);
    expect(syn?.options[0]).toEqual({ kind: 'mss', value: 1460 });
    expect(syn?.options[4]).toEqual({ kind: 'wscale', shift: 7 });
    expect(client.localPort).toBeGreaterThanOrEqual(32768);
    expect(client.localPort).toBeLessThanOrEqual(60999);
    expect(synAck?.flags).toEqual({ syn: true, ack: true });
    expect(synAck?.window).toBe(65160);
    expect(synAck?.ack).toBe(((syn?.seq ?? 0) + 1) >>> 0);
    const synTs = syn?.options.find((o) => o.kind === 'timestamp');
    const synAckTs = synAck?.options.find((o) => o.kind === 'timestamp');
    expect(synAckTs).toMatchObject({ ecr: synTs?.kind === 'timestamp' ? synTs.val : -1 });
    expect(ack?.flags).toEqual({ ack: true });
    expect(ack?.window).toBe(502);
    expect(ack?.options.map((o) => o.kind)).toEqual(['nop', 'nop', 'timestamp']);
  });

  it('uses the loopback MTU for the MSS (65495) and the tunnel MTU on a smaller device', () => {
    const { kernel, a } = pair(['ip link set veth0 mtu 1450']);
    expect(kernel.sockets.advmssTo(a, parseIpv4('127.0.0.1') as number)).toBe(65495);
    expect(kernel.sockets.advmssTo(a, B)).toBe(1410);
  });

  it('follows net.ipv4.tcp_rmem for the window scale (32 MiB gives 10)', () => {
    const { host, kernel, a, seen, run } = pair();
    host.run(['sysctl', '-q', '-w', 'net.ipv4.tcp_rmem=4096 131072 33554432']);
    kernel.sockets.connectTcp(a, B, 9);
    run(1);
    expect(seen[0]?.segment.options[4]).toEqual({ kind: 'wscale', shift: 10 });
  });
});

describe('TCP errors and timers', () => {
  it('answers a SYN to a closed port with RST,ACK and the connect fails with ECONNREFUSED', () => {
    const { kernel, a, seen, run } = pair();
    const client = kernel.sockets.connectTcp(a, B, 81) as TcpSocket;
    let error: string | undefined;
    client.callbacks.onError = (errno) => {
      error = errno;
    };
    run(10);
    expect(error).toBe('ECONNREFUSED');
    const rst = seen[1]?.segment;
    expect(rst?.flags).toEqual({ rst: true, ack: true });
    expect(rst?.seq).toBe(0);
    expect(rst?.window).toBe(0);
    expect(kernel.sockets.tcp).toHaveLength(0);
  });

  it('retransmits an unanswered SYN after 1, 2, 4 … seconds and gives up with ETIMEDOUT after 127 s', () => {
    const { kernel, a, seen, run } = pair(['ip route add 10.9.0.0/24 via 10.0.0.2']);
    const client = kernel.sockets.connectTcp(a, parseIpv4('10.9.0.1') as number, 80) as TcpSocket;
    let error: string | undefined;
    client.callbacks.onError = (errno) => {
      error = errno;
    };
    const start = kernel.clock.micros;
    run(200_000);
    const times = seen.filter((s) => s.segment.flags.syn).map((s) => Math.round((s.time - start) / 1e6));
    expect(times).toEqual([0, 1, 3, 7, 15, 31, 63]);
    expect(error).toBe('ETIMEDOUT');
  });

  it('leaves the active closer in TIME_WAIT for 60 s and the passive closer CLOSED', () => {
    const { kernel, a, b, run } = pair();
    const listener = kernel.sockets.listenTcp(b, 0, 8000, 5) as TcpSocket;
    let server: TcpSocket | undefined;
    listener.callbacks.onAccept = (child) => {
      server = child;
      child.callbacks.onEof = () => child.close();
    };
    const client = kernel.sockets.connectTcp(a, B, 8000) as TcpSocket;
    run(10);
    client.close();
    run(10);
    expect(client.state).toBe('TIME_WAIT');
    expect(server?.state).toBe('CLOSED');
    run(60_000);
    expect(kernel.sockets.tcp.filter((s) => s.ns === a)).toHaveLength(0);
  });

  it('moves data both ways in MSS-sized segments with PSH on the last', () => {
    const { kernel, a, b, seen, run } = pair();
    const listener = kernel.sockets.listenTcp(b, 0, 7, 5) as TcpSocket;
    listener.callbacks.onAccept = (child) => {
      child.callbacks.onData = (data) => child.send(data);
    };
    const client = kernel.sockets.connectTcp(a, B, 7) as TcpSocket;
    let echoed = 0;
    client.callbacks.onData = (data) => {
      echoed += data.length;
    };
    run(10);
    client.send(new Uint8Array(3000));
    run(10);
    expect(echoed).toBe(3000);
    const out = seen.filter((s) => s.segment.srcPort === client.localPort && s.segment.data.length > 0);
    expect(out.map((s) => s.segment.data.length)).toEqual([1448, 1448, 104]);
    expect(out.map((s) => s.segment.flags.psh === true)).toEqual([false, false, true]);
  });
});

describe('UDP', () => {
  it('delivers datagrams, and a connected socket hears ECONNREFUSED from a port unreachable', () => {
    const { kernel, a, b, run } = pair();
    const server = kernel.sockets.bindUdp(b, 0, 5353);
    if (typeof server === 'string') throw new Error(server);
    const got: string[] = [];
    server.callbacks.onMessage = (data, from) => got.push(`${new TextDecoder().decode(data)} from ${from === A}`);
    const client = kernel.sockets.bindUdp(a, 0, 0);
    if (typeof client === 'string') throw new Error(client);
    client.connect(B, 5353);
    client.sendTo(new TextEncoder().encode('hi'));
    run(10);
    expect(got).toEqual(['hi from true']);
    client.connect(B, 5354);
    client.sendTo(new TextEncoder().encode('x'));
    run(10);
    expect(client.error).toBe('ECONNREFUSED');
  });
});
