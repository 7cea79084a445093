/** Tab completion: the word under the cursor, tool options, live engine names, files. */
import { describe, expect, it } from 'vitest';
import { complete, parseCompletion } from './completion.ts';
import { createTerminalMachine, type PaneShell } from './machine.ts';

async function pane(): Promise<PaneShell> {
  const machine = createTerminalMachine({ seed: 1, paced: false });
  const setup = await machine.setup(
    'ip netns add red\nip link add veth-red type veth peer name veth-blue\nip link set veth-red netns red\nmkdir -p /root/labs/one',
  );
  expect(setup.exitCode).toBe(0);
  return machine.open({}, () => []);
}

const values = (shell: PaneShell, line: string) =>
  complete(line, line.length, shell.completions).items.map((i) => `${i.value}${i.suffix}`);

describe('parseCompletion', () => {
  it('finds the command and the word being typed', () => {
    expect(parseCompletion('sudo ip -n red link set v')).toMatchObject({
      words: ['ip', '-n', 'red', 'link', 'set'],
      word: 'v',
      command: false,
    });
    expect(parseCompletion('ip a | gr')).toMatchObject({ words: [], word: 'gr', command: true });
    expect(parseCompletion('for i in 1; do tc')).toMatchObject({ command: true, word: 'tc' });
    expect(parseCompletion('X=1 tcp')).toMatchObject({ command: true, word: 'tcp' });
    expect(parseCompletion('ip netns exec red tcpdump -i ')).toMatchObject({
      words: ['tcpdump', '-i'],
      word: '',
      netns: 'red',
    });
    expect(parseCompletion('cat < /et')).toMatchObject({ redirect: true, word: '/et', start: 6 });
    expect(parseCompletion('echo "a b')).toMatchObject({ word: 'a b', start: 6 });
  });
});

describe('completion on a machine', () => {
  it('completes command names, options and ip keywords', async () => {
    const shell = await pane();
    expect(values(shell, 'tcpd')).toEqual(['tcpdump ']);
    expect(values(shell, 'ping -c')).toEqual(['-c ']);
    expect(values(shell, 'ip li')).toEqual(['link ']);
    expect(values(shell, 'ip link s')).toEqual(['set ', 'show ']);
    expect(values(shell, 'ip link add x type v')).toEqual(['veth ', 'vlan ', 'vxlan ']);
    expect(values(shell, 'iptables -t n')).toEqual(['nat ']);
  });

  it('completes live interface and namespace names', async () => {
    const shell = await pane();
    expect(values(shell, 'ip netns exec ')).toEqual(['red ']);
    expect(values(shell, 'ip -n r')).toEqual(['red ']);
    expect(values(shell, 'ip link set ')).toEqual(['lo ', 'veth-blue ']);
    expect(values(shell, 'ip -n red addr add 10.0.0.1/24 dev ')).toEqual(['lo ', 'veth-red ']);
    expect(values(shell, 'ip netns exec red tcpdump -i ')).toEqual(['any ', 'lo ', 'veth-red ']);
    expect(values(shell, 'sysctl net.ipv4.ip_f')).toEqual(['net.ipv4.ip_forward ']);
  });

  it('completes file names, directories with a slash', async () => {
    const shell = await pane();
    expect(values(shell, 'ls la')).toEqual(['labs/']);
    expect(values(shell, 'cat /etc/host')).toEqual(['/etc/hostname ', '/etc/hosts ']);
    expect(values(shell, 'ls /run/netns/')).toEqual(['/run/netns/red ']);
  });
});
