/** The synchronous way in: tools and programs run to completion on the kernel's event queue. */
import { describe, expect, it } from 'vitest';
import { LinuxHost } from './host.ts';

describe('LinuxHost.run', () => {
  it('runs ping to completion, four probes without -c', () => {
    const host = new LinuxHost();
    host.run(['ip', 'link', 'set', 'lo', 'up']);
    const r = host.run(['ping', '-i', '0.2', '127.0.0.1']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('4 packets transmitted, 4 received, 0% packet loss, time 600ms');
  });

  it('ends a capture when nothing is left to happen, with its statistics', () => {
    const host = new LinuxHost();
    host.run(['ip', 'link', 'set', 'lo', 'up']);
    const r = host.run(['tcpdump', '-n', '-i', 'lo']);
    expect(r).toEqual({
      stdout: '\n',
      stderr:
        'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\n' +
        'listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n' +
        '0 packets captured\n0 packets received by filter\n0 packets dropped by kernel\n',
      exitCode: 0,
    });
  });

  it('keeps a process table for nsenter -t', () => {
    const host = new LinuxHost();
    const ns = host.kernel.createNamespace();
    const pause = host.spawn('/pause', ns);
    expect(host.processes.get(1)?.netns).toBe(host.kernel.root);
    expect(host.processes.get(pause.pid)).toEqual({ pid: 2, command: '/pause', netns: ns });
  });
});
