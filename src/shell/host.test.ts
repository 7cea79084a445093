/** What a host relies on: registering tools, streaming, Ctrl-C, mounts, clock, jobs, completion checks. */
import { describe, expect, it } from 'vitest';
import { fail, ok } from '../commands/types.ts';
import { VirtualClock } from './clock.ts';
import { isComplete } from './parser.ts';
import { CommandRegistry } from './registry.ts';
import { createDefaultFs, Shell } from './shell.ts';
import { createTextTools } from './tools/index.ts';
import type { Command } from './types.ts';

/** A long-running tool that prints one line per virtual second until Ctrl-C, like tcpdump. */
const ticker: Command = async (ctx) => {
  for (let i = 1; !ctx.signal.aborted; i++) {
    await ctx.stdout.write(`${i} ICMP echo request\n${i} ARP who-has\n`);
    await ctx.clock.sleep(1000, ctx.signal);
  }
  return 130;
};

describe('the host interface', () => {
  it('plugs in synchronous engine tools, with argv[0] and the whole stdin', async () => {
    const registry = new CommandRegistry(createTextTools());
    registry.registerSimple(
      'ip',
      (argv) => (argv[1] === 'route' ? ok('default via 10.0.0.1 dev eth0\n') : fail('Object "x" is unknown\n', 255)),
      {
        path: '/usr/sbin/ip',
      },
    );
    registry.registerSimple('upper', (_argv, stdin) => ok(stdin.toUpperCase()));
    const sh = new Shell({ registry });
    expect((await sh.exec('ip route | grep default')).stdout).toBe('default via 10.0.0.1 dev eth0\n');
    expect(await sh.exec('ip x')).toEqual({ stdout: '', stderr: 'Object "x" is unknown\n', exitCode: 255 });
    expect((await sh.exec('echo hi | upper')).stdout).toBe('HI\n');
    expect((await sh.exec('which ip; type ip; /usr/sbin/ip route; /sbin/ip route')).stdout).toBe(
      '/usr/sbin/ip\nip is /usr/sbin/ip\ndefault via 10.0.0.1 dev eth0\ndefault via 10.0.0.1 dev eth0\n',
    );
  });

  it('streams a long-running tool through a filter chunk by chunk until Ctrl-C', async () => {
    const registry = new CommandRegistry(createTextTools()).register('tcpdump', ticker);
    const sh = new Shell({ registry });
    const controller = new AbortController();
    const seen: string[] = [];
    const stdout = {
      write: (s: string) => {
        seen.push(s);
        if (seen.length === 3) controller.abort();
      },
    };
    const status = await sh.run('tcpdump | grep ICMP', { stdout, signal: controller.signal });
    expect(seen.slice(0, 3)).toEqual(['1 ICMP echo request\n', '2 ICMP echo request\n', '3 ICMP echo request\n']);
    expect(status).toBe(130);
    expect((await sh.exec('echo still alive')).stdout).toBe('still alive\n');
  });

  it('keeps a background tool writing to a file, and kills it by job number', async () => {
    const registry = new CommandRegistry(createTextTools()).register('tcpdump', ticker);
    const sh = new Shell({ registry, interactive: true });
    const started = await sh.exec('tcpdump > /tmp/cap &');
    expect(started.stderr).toBe('[1] 4243\n');
    await sh.exec('sleep 3');
    expect((await sh.exec('grep -c ICMP /tmp/cap')).stdout).toBe('4\n');
    const killed = await sh.exec('kill %1; wait');
    expect(killed.exitCode).toBe(0);
    expect((await sh.exec('jobs')).stdout).toBe('');
  });

  it('reports finished background jobs like an interactive bash', async () => {
    const sh = new Shell({ interactive: true });
    await sh.exec('sleep 1 &');
    const r = await sh.exec('sleep 2');
    expect(r.stderr).toBe('[1]+  Done                    sleep 1\n');
  });

  it('mounts generated files backed by the host', async () => {
    const fs = createDefaultFs();
    let forwarding = '0';
    fs.mount('/proc/sys/net/ipv4/ip_forward', {
      read: () => `${forwarding}\n`,
      write: (v) => {
        forwarding = v.trim();
      },
    });
    fs.mount('/proc/version', { read: () => 'Linux version 6.1\n' });
    const sh = new Shell({ fs });
    expect((await sh.exec('cat /proc/sys/net/ipv4/ip_forward')).stdout).toBe('0\n');
    await sh.exec('echo 1 > /proc/sys/net/ipv4/ip_forward');
    expect(forwarding).toBe('1');
    const r = await sh.exec('echo x > /proc/version');
    expect(r.stderr).toBe('bash: /proc/version: Permission denied\n');
    expect(r.exitCode).toBe(1);
  });

  it('makes sleep instant while concurrent sleepers wake in virtual-time order', async () => {
    const clock = new VirtualClock(Date.UTC(2026, 0, 1));
    const sh = new Shell({ clock });
    const r = await sh.exec('date +%T; sleep 3600; date +%T; (sleep 2; echo b) & (sleep 1; echo a) & wait');
    expect(r.stdout).toBe('00:00:00\n01:00:00\na\nb\n');
  });

  it('re-runs a command with watch until Ctrl-C', async () => {
    const sh = new Shell({ env: { HOSTNAME: 'node1', COLUMNS: '70' } });
    const controller = new AbortController();
    let screens = 0;
    let last = '';
    const stdout = {
      write: (s: string) => {
        screens++;
        last = s;
        if (screens === 3) controller.abort();
      },
    };
    await sh.run('watch -n 1 "echo count; date +%s"', { stdout, signal: controller.signal });
    expect(last).toBe(
      `\x1b[H\x1b[2JEvery 1.0s: echo count; date +%s${' '.repeat(7)}node1: Thu Jan  1 00:00:02 1970\n\ncount\n2\n`,
    );
  });

  it('follows a growing file with tail -f', async () => {
    const sh = new Shell();
    await sh.exec('echo first > /tmp/log');
    const controller = new AbortController();
    let out = '';
    const pending = sh.run('tail -f /tmp/log', {
      stdout: {
        write: (s: string) => {
          out += s;
          if (out.includes('third')) controller.abort();
        },
      },
      signal: controller.signal,
    });
    await new Promise((r) => setTimeout(r, 5));
    sh.fs.writeFile('/tmp/log', 'second\nthird\n', { append: true });
    expect(await pending).toBe(130);
    expect(out).toBe('first\nsecond\nthird\n');
  });

  it('tells a terminal whether a line is complete', () => {
    expect(isComplete('echo hi')).toBe(true);
    expect(isComplete('if true; then')).toBe(false);
    expect(isComplete('echo "open')).toBe(false);
    expect(isComplete('for i in 1 2; do echo $i;')).toBe(false);
    expect(isComplete('echo a |')).toBe(false);
    expect(isComplete('echo a \\')).toBe(false);
    expect(isComplete('fi')).toBe(true);
  });

  it('lays out ls in columns on a terminal, one per line into a pipe', async () => {
    const sh = new Shell({ env: { COLUMNS: '20' } });
    await sh.exec('cd /tmp; touch alpha beta gamma delta epsilon');
    let screen = '';
    const terminal = {
      isTerminal: true,
      write: (s: string) => {
        screen += s;
      },
    };
    await sh.run('ls', { stdout: terminal });
    expect(screen).toBe('alpha  epsilon\nbeta   gamma\ndelta\n');
    expect((await sh.exec('ls')).stdout).toBe('alpha\nbeta\ndelta\nepsilon\ngamma\n');
  });

  it('runs sh, bash and zsh -c with their own message styles', async () => {
    const sh = new Shell();
    expect((await sh.exec('sh -c nosuch')).stderr).toBe('sh: nosuch: not found\n');
    expect((await sh.exec('zsh -c nosuch')).stderr).toBe('zsh: command not found: nosuch\n');
    expect((await sh.exec('bash -c "exit 5"')).exitCode).toBe(5);
  });

  it('points editors at the editor pane', async () => {
    expect((await new Shell().exec('vi /etc/hosts')).stdout).toBe(
      'vi: no full-screen editor in this terminal; use the editor pane to edit /etc/hosts\n',
    );
  });

  it('lists history from the host', async () => {
    const sh = new Shell({ history: () => ['ls', 'ip a'] });
    expect((await sh.exec('history')).stdout).toBe('    1  ls\n    2  ip a\n');
  });
});
