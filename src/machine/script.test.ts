/** runOnEngine: one entry per line, through one persistent shell, with background jobs on their own entries. */
import { describe, expect, it } from 'vitest';
import { runOnEngine } from './script.ts';

describe('runOnEngine', () => {
  it('keeps shell state across lines: variables, functions, pipes, quotes and $(…)', async () => {
    const entries = await runOnEngine(
      [
        '# a comment',
        'NS=red',
        'ip netns add "$NS"',
        'up() { ip -n "$1" link set lo up; }',
        'up $NS',
        '',
        "ip -n red -br link | awk '{print $1, $2}'",
        'echo "count=$(ip netns list | wc -l)"',
        'false',
      ].join('\n'),
      { seed: 1 },
    );
    expect(entries.map((e) => [e.command, e.output, e.status])).toEqual([
      ['NS=red', '', 0],
      ['ip netns add "$NS"', '', 0],
      ['up() { ip -n "$1" link set lo up; }', '', 0],
      ['up $NS', '', 0],
      ["ip -n red -br link | awk '{print $1, $2}'", 'lo UNKNOWN\n', 0],
      ['echo "count=$(ip netns list | wc -l)"', 'count=1\n', 0],
      ['false', '', 1],
    ]);
  });

  it('gives a background job its own entry, collected at wait', async () => {
    const entries = await runOnEngine('sleep 2; echo late &\necho now\nwait\necho after', { seed: 1 });
    expect(entries).toEqual([
      { command: 'sleep 2; echo late', background: true, output: 'late\n', status: 0 },
      { command: 'echo now', background: false, output: 'now\n', status: 0 },
      { command: 'wait', background: false, output: '', status: 0 },
      { command: 'echo after', background: false, output: 'after\n', status: 0 },
    ]);
  });

  it('sends Ctrl-C to captures still running at the end; tcpdump prints its statistics and exits 0', async () => {
    const entries = await runOnEngine(
      [
        'ip link add veth0 type veth peer name veth1',
        'ip addr add 10.0.0.1/24 dev veth0',
        'ip link set veth0 up',
        'ip link set veth1 up',
        'tcpdump -n -i veth1 icmp &',
        'sleep 1',
        'ping -c 1 10.0.0.2',
        'sleep 2',
      ].join('\n'),
      { seed: 1 },
    );
    const capture = entries[4];
    expect(capture?.status).toBe(0);
    expect(capture?.output).toMatch(
      /^tcpdump: verbose output suppressed.*\nlistening on veth1, .*\n\n0 packets captured\n0 packets received by filter\n/,
    );
    expect(entries[6]?.output).toContain('1 packets transmitted, 0 received');
  });

  it('reports a job killed by a signal with 128+n', async () => {
    const entries = await runOnEngine('sleep 100 &\nkill %1\nwait', { seed: 1 });
    expect(entries.map((e) => e.status)).toEqual([143, 0, 0]);
  });
});
