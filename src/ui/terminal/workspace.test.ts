/** Replaying a terminal's log on a fresh machine rebuilds the same engine and shell state. */
import { describe, expect, it } from 'vitest';
import { CollectingWriter } from '../../shell/stream.ts';
import { createTerminalMachine } from './machine.ts';
import { type Pane, type PaneSpec, type SavedWorkspace, Workspace } from './workspace.ts';

const SETUP = `ip netns add red
ip netns add blue
ip link add veth-red type veth peer name veth-blue
ip link set veth-red netns red
ip link set veth-blue netns blue
ip -n red addr add 10.0.0.1/24 dev veth-red
ip -n blue addr add 10.0.0.2/24 dev veth-blue
ip -n red link set veth-red up
ip -n blue link set veth-blue up`;

const PANES: PaneSpec[] = [
  { id: 'red', name: 'red', context: { netns: 'red' } },
  { id: 'blue', name: 'blue', context: { netns: 'blue' } },
];

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

async function started(seed: number, paced = true): Promise<{ ws: Workspace; out: Record<string, string> }> {
  const ws = new Workspace(createTerminalMachine({ seed, paced }), { setup: SETUP, panes: PANES });
  const setup = await ws.start();
  expect(setup.stderr).toBe('');
  const out: Record<string, string> = {};
  for (const [id, pane] of ws.panes) {
    out[id] = '';
    pane.output = (chunk) => {
      out[id] += chunk;
    };
  }
  return { ws, out };
}

/** Engine and shell state as text, read without logging anything. */
async function state(ws: Workspace): Promise<string> {
  let text = `clock ${ws.machine.now()}\n`;
  for (const [id, pane] of ws.panes) {
    const out = new CollectingWriter();
    await pane.shell.run('ip neigh; ip -s link; echo "x=$x cwd=$PWD"; jobs', { stdout: out, stderr: out });
    text += `[${id}]\n${out.text()}`;
  }
  return text;
}

describe('Workspace', () => {
  it('replays commands, Ctrl-C and a capture in another pane into the same state', async () => {
    // Unpaced, the live run's kernel timeline depends on nothing but the commands and their Ctrl-C
    // times, which is what the log records. (Paced, src/machine's clock lets open-ended captures
    // advance kernel time during ping's real-time interval, so live ping timings drift.)
    const { ws, out } = await started(7, false);
    await ws.run('red', 'ping -c 2 10.0.0.2 > /dev/null; x=5; cd /tmp');
    const capture = ws.run('blue', 'tcpdump -n -i veth-blue -c 4 icmp');
    const red = ws.panes.get('red');
    let replies = 0;
    const ping = ws.run('red', 'ping -i 0.2 10.0.0.2');
    (red as Pane).output = (chunk) => {
      out.red += chunk;
      if (/bytes from/.test(chunk) && ++replies === 3) ws.interrupt('red');
    };
    expect(await ping).toBe(0);
    expect(out.red).toMatch(/3 packets transmitted, 3 received/);
    expect(await capture).toBe(0);
    expect(out.blue).toMatch(/ICMP echo request/);
    await ws.run('blue', 'ip link set lo up');
    const before = await state(ws);
    const saved = JSON.parse(JSON.stringify(ws.snapshot())) as SavedWorkspace;

    const { ws: copy } = await started(7);
    await copy.restore(saved);
    expect(await state(copy)).toBe(before);
    expect(copy.panes.get('red')?.history.entries).toEqual([
      'ping -c 2 10.0.0.2 > /dev/null; x=5; cd /tmp',
      'ping -i 0.2 10.0.0.2',
    ]);
    expect(copy.panes.get('red')?.transcript.text).toBe('');
  });

  it('stops a command still running when saved, and keeps a background capture running', async () => {
    const { ws, out } = await started(5);
    await ws.run('blue', 'tcpdump -n -i veth-blue icmp > /tmp/cap &');
    const ping = ws.run('red', 'ping -i 0.5 10.0.0.2');
    await until(() => /icmp_seq=2/.test(out.red as string));
    const saved = JSON.parse(JSON.stringify(ws.snapshot())) as SavedWorkspace;
    ws.interrupt('red');
    await ping;
    const { ws: copy } = await started(5);
    await copy.restore(saved);
    expect(copy.machine.now()).toBe(saved.clock);
    const blue = copy.panes.get('blue') as Pane;
    const jobs = new CollectingWriter();
    await blue.shell.run(
      'jobs; ip netns exec red ping -c 1 10.0.0.2 > /dev/null; sleep 1; grep -c "echo request" /tmp/cap',
      {
        stdout: jobs,
      },
    );
    expect(jobs.text()).toMatch(/^\[1\]\+\s+Running\s+tcpdump -n -i veth-blue icmp > \/tmp\/cap &\n\d+\n$/);
    blue.shell.hangup();
  });

  it('replays an added pane, a restart and a close', async () => {
    const { ws } = await started(3);
    ws.open({ id: 'host', name: 'host', context: {} });
    await ws.run('host', 'ip netns add green; y=1');
    await ws.run('red', 'exit');
    expect(ws.panes.get('red')?.shell.exited).toBe(true);
    ws.restart('red');
    await ws.run('red', 'z=2');
    ws.close('blue');
    const before = await state(ws);
    const saved = JSON.parse(JSON.stringify(ws.snapshot())) as SavedWorkspace;
    const { ws: copy } = await started(3);
    await copy.restore(saved);
    expect([...copy.panes.keys()]).toEqual(['red', 'host']);
    expect(await state(copy)).toBe(before);
  });
});
