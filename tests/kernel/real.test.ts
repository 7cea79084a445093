import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { kernelUnavailable, runOnKernel } from './real.ts';

const reason = await kernelUnavailable();
if (reason !== undefined) console.warn(`[kernel runner] SKIPPING: ${reason}`);

const hostNamespaces = () => (reason === undefined ? execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }) : '');

describe.skipIf(reason !== undefined)('runOnKernel', () => {
  it('starts in a fresh namespace with only lo, down, and no named namespaces', async () => {
    const entries = await runOnKernel('ip -br a\nip netns list\nsysctl net.ipv4.ip_forward');
    expect(entries.map((entry) => [entry.output, entry.status])).toEqual([
      ['lo               DOWN           \n', 0],
      ['', 0],
      ['net.ipv4.ip_forward = 0\n', 0],
    ]);
  });

  it('keeps parallel runs and the host apart and removes every namespace afterwards', async () => {
    const before = hostNamespaces();
    const script = 'ip netns add iso\nip -n iso link add d0 type veth peer name d1\nip netns list\nip -n iso -br link';
    const runs = await Promise.all([runOnKernel(script), runOnKernel(script), runOnKernel(script)]);
    for (const entries of runs) {
      expect(entries.map((entry) => entry.status)).toEqual([0, 0, 0, 0]);
      expect(entries[2]?.output).toBe('iso\n');
    }
    expect(hostNamespaces()).toBe(before);
  });

  it('merges stdout and stderr in write order and reports exit statuses', async () => {
    const [entry] = await runOnKernel('echo out; echo err >&2; echo out2; exit 3');
    expect(entry).toEqual({
      command: 'echo out; echo err >&2; echo out2; exit 3',
      background: false,
      output: 'out\nerr\nout2\n',
      status: 3,
    });
  });

  it('gives background jobs their own output, collected at wait', async () => {
    const entries = await runOnKernel('sleep 0.3; echo late &\necho now\nwait\necho after');
    expect(entries).toEqual([
      { command: 'sleep 0.3; echo late', background: true, output: 'late\n', status: 0 },
      { command: 'echo now', background: false, output: 'now\n', status: 0 },
      { command: 'wait', background: false, output: '', status: 0 },
      { command: 'echo after', background: false, output: 'after\n', status: 0 },
    ]);
  });

  it('sends SIGINT to jobs still running at the end, like Ctrl-C', async () => {
    // tcpdump hands packets to its printer when a capture block times out (about 1 s): the final
    // sleep lets them through before the SIGINT, as a user would wait before pressing Ctrl-C.
    const entries = await runOnKernel(
      'ip link set lo up\ntcpdump -n -i lo icmp &\nsleep 1\nping -c 1 127.0.0.1\nsleep 2',
    );
    const tcpdump = entries[1];
    expect(tcpdump?.status).toBe(0);
    // On SIGINT tcpdump prints an empty line before its statistics; on lo the kernel counts each
    // packet twice (out and in) while tcpdump shows it once.
    expect(tcpdump?.output).toMatch(
      /ICMP echo request.*\n.*ICMP echo reply.*\n\n2 packets captured\n4 packets received by filter\n/,
    );
  });
});
