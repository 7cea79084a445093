/**
 * `packet-lab shell` in a real terminal: tmux runs the CLI in a pseudo-terminal, the test types
 * keys and reads the screen. Skipped (loudly) where tmux is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const tmuxMissing = spawnSync('tmux', ['-V']).status !== 0;
if (tmuxMissing)
  console.warn('[packet-lab shell] SKIPPING the terminal test: tmux is not installed (apt-get install tmux)');

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOCKET = `packet-lab-test-${process.pid}`;
const SESSION = 'shell';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', SOCKET, ...args], { encoding: 'utf8' });
}

/** The visible screen; tmux drops trailing blanks, so a prompt reads `…:~#`. */
function screen(): string {
  return tmux('capture-pane', '-p', '-t', SESSION);
}

/** Waits until the screen matches `pattern` (the CLI runs in its own process, at its own pace). */
async function waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  let text = '';
  while (performance.now() < deadline) {
    text = screen();
    if (pattern.test(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the screen never matched ${pattern}:\n${text}`);
}

function keys(...list: string[]): void {
  tmux('send-keys', '-t', SESSION, ...list);
}

describe.skipIf(tmuxMissing)('packet-lab shell in a terminal', () => {
  afterAll(() => {
    spawnSync('tmux', ['-L', SOCKET, 'kill-server']);
  });

  it('runs commands, completes names, interrupts with Ctrl-C and exits on Ctrl-D', async () => {
    tmux(
      'new-session',
      '-d',
      '-s',
      SESSION,
      '-x',
      '100',
      '-y',
      '40',
      '-c',
      ROOT,
      'node bin/packet-lab.mjs shell --seed 1',
    );
    await waitFor(/root@packet-lab:~#$/m);

    keys('ip link set lo up', 'Enter');
    keys('ip -br a show lo', 'Enter');
    await waitFor(/^lo\s+UNKNOWN\s+127\.0\.0\.1\/8/m);

    // Tab completes a command name, then a file name.
    keys('hostn', 'Tab');
    await waitFor(/# hostname$/m);
    keys('Enter');
    await waitFor(/^packet-lab$/m);
    keys('cat /etc/hostn', 'Tab');
    await waitFor(/# cat \/etc\/hostname$/m);
    keys('Enter');

    // ping without -c prints replies as they come until Ctrl-C, then its statistics.
    keys('ping 127.0.0.1', 'Enter');
    await waitFor(/icmp_seq=2 /);
    keys('C-c');
    const stats = await waitFor(/rtt min\/avg\/max\/mdev = .*\nroot@packet-lab:~#$/m);
    expect(stats).toMatch(
      /\^C\n--- 127\.0\.0\.1 ping statistics ---\n\d+ packets transmitted, \d+ received, 0% packet loss/,
    );

    // The status survives, history recalls the last line, and Ctrl-C drops a half-typed line.
    keys('echo status=$?', 'Enter');
    await waitFor(/^status=0$/m);
    keys('echo half', 'C-c');
    await waitFor(/# echo half\^C\nroot@packet-lab:~#$/m);
    keys('Up', 'Enter');
    await waitFor(/status=0\n(.|\n)*status=0\n/);

    // A line that is not complete gets a continuation prompt.
    keys('for i in 1 2', 'Enter');
    await waitFor(/^>$/m);
    keys('do echo n$i; done', 'Enter');
    await waitFor(/^n1\nn2$/m);

    keys('C-d');
    const deadline = performance.now() + 10_000;
    while (spawnSync('tmux', ['-L', SOCKET, 'has-session', '-t', SESSION]).status === 0) {
      if (performance.now() > deadline) throw new Error(`Ctrl-D did not end the shell:\n${screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);
});
