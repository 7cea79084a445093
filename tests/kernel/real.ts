/**
 * Runs a transcript script on the real Linux kernel, isolated from the host and from other runs.
 *
 * Isolation: `unshare --net --mount --pid --fork --mount-proc --kill-child --propagation private`
 * gives the script a fresh network namespace as its root namespace (only `lo`, down), a private
 * mount namespace and a private PID namespace. Inside, a new tmpfs is mounted on /run (so
 * /run/netns, /var/run/netns and /run/xtables.lock are the run's own) and on /etc/netns when the
 * host has one, so `ip netns add X` creates a namespace nobody else sees. When the driver (PID 1 of
 * the PID namespace) exits, the kernel kills every process left in it, the mount namespace goes
 * away with its bind mounts, and with them every network namespace of the run. `--kill-child`
 * extends that to a timeout: killing `unshare` kills PID 1, hence everything.
 *
 * driver.sh runs the steps there: each command as `stdbuf -oL -eL bash -c CMD >N.out 2>&1
 * </dev/null` (line buffering gives the stdout/stderr order a terminal would show); background jobs
 * write their own N.out, so their text never mixes with the foreground's; job control is on so
 * the end-of-script SIGINT reaches them like Ctrl-C.
 */

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Entry, parseScript, type Step } from './transcript.ts';

const DRIVER = fileURLToPath(new URL('./driver.sh', import.meta.url));

const UNSHARE = ['--net', '--mount', '--pid', '--fork', '--mount-proc', '--kill-child', '--propagation', 'private'];

export interface KernelOptions {
  /** Whole-run limit in milliseconds (default 120 s); the run is killed and the call rejects after it. */
  timeoutMs?: number;
}

/** Single-quotes a string for bash. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The calls driver.sh makes, one per step: `run`, `start` or `reap`. */
function stepsProgram(steps: readonly Step[]): string {
  const lines = steps.map((step, index) => {
    if (step.kind === 'wait') return `reap; : >"$D/${index}.out"; echo 0 >"$D/${index}.rc"`;
    return `${step.background ? 'start' : 'run'} ${index} ${quote(step.command)}`;
  });
  return `${lines.join('\n')}\n`;
}

function execute(
  command: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, output }));
  });
}

/**
 * At most this many runs at once per process: the scripts check timer-driven states (neighbour
 * DELAY, tentative addresses, linkwatch), and a machine crowded with runs stretches their timing.
 */
const RUNS_AT_ONCE = 4;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs `script` on the real kernel in fresh namespaces and returns one entry per step. */
export async function runOnKernel(script: string, options: KernelOptions = {}): Promise<Entry[]> {
  if (running < RUNS_AT_ONCE) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await runIsolated(script, options);
  } finally {
    // Hand the slot to the next waiting run, or free it.
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

async function runIsolated(script: string, options: KernelOptions): Promise<Entry[]> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const steps = parseScript(script);
  const dir = await mkdtemp(join(tmpdir(), 'packetlab-kernel-'));
  try {
    await writeFile(join(dir, 'steps.sh'), stepsProgram(steps));
    const result = await execute('unshare', [...UNSHARE, 'bash', DRIVER, dir], timeoutMs);
    if (result.signal !== null) {
      throw new Error(`kernel run killed by ${result.signal} (limit ${timeoutMs} ms)\n${result.output}`);
    }
    if (result.code !== 0) throw new Error(`kernel run failed with status ${result.code}\n${result.output}`);
    return await Promise.all(
      steps.map(async (step, index): Promise<Entry> => {
        const output = await readFile(join(dir, `${index}.out`), 'utf8');
        const status = Number((await readFile(join(dir, `${index}.rc`), 'utf8')).trim());
        return { command: step.command, background: step.background, output, status };
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * IPv4 settings that a new network namespace copies from the host's initial namespace (with
 * net.core.devconf_inherit_init_net at its default 0), and the kernel defaults the scripts, the
 * goldens and the engine assume. A Docker host, for one, has ip_forward=1: every namespace a
 * script creates would then forward too.
 */
export const INHERITED_DEFAULTS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_forward': '0',
  'net.ipv4.conf.all.rp_filter': '0',
  'net.ipv4.conf.default.rp_filter': '0',
  'net.ipv4.conf.all.proxy_arp': '0',
  'net.ipv4.conf.default.proxy_arp': '0',
  'net.ipv4.conf.all.arp_ignore': '0',
  'net.ipv4.conf.all.arp_announce': '0',
  'net.ipv4.conf.all.arp_filter': '0',
  'net.ipv4.conf.all.send_redirects': '1',
  'net.ipv4.conf.default.send_redirects': '1',
  'net.ipv4.conf.all.accept_local': '0',
  'net.ipv4.conf.all.route_localnet': '0',
};

/** Why the kernel side cannot run here, or undefined when it can. */
export async function kernelUnavailable(): Promise<string | undefined> {
  if (process.platform !== 'linux') return `not Linux (platform ${process.platform})`;
  if (process.getuid?.() !== 0) return 'not root (network namespaces need CAP_SYS_ADMIN and CAP_NET_ADMIN)';
  for (const tool of ['/usr/bin/unshare', '/usr/bin/stdbuf']) {
    if (!existsSync(tool)) return `no ${tool}`;
  }
  try {
    const probe = await execute(
      'unshare',
      [...UNSHARE, 'bash', '-c', 'mount -t tmpfs none /run && mkdir /run/netns && ip netns add probe && ip netns list'],
      20_000,
    );
    if (probe.code !== 0 || probe.output.trim() !== 'probe') {
      return `no isolated \`ip netns\` (unshare probe said: ${probe.output.trim() || `status ${probe.code}`})`;
    }
  } catch (error) {
    return `no unshare (${(error as Error).message})`;
  }
  const keys = Object.keys(INHERITED_DEFAULTS);
  const settings = await execute('unshare', ['--net', 'sysctl', ...keys], 20_000);
  const drift = settings.output
    .trim()
    .split('\n')
    .filter((line) => {
      const [key, value] = line.split(' = ');
      return key !== undefined && INHERITED_DEFAULTS[key] !== undefined && INHERITED_DEFAULTS[key] !== value;
    });
  if (drift.length > 0) {
    return (
      `new namespaces inherit non-default IPv4 settings from the host (${drift.join(', ')}); ` +
      'the scripts expect a fresh node with kernel defaults'
    );
  }
  return undefined;
}
