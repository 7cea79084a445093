/**
 * A simulated Linux machine as a user meets it: a kernel, the namespace names under /run/netns,
 * and the tools on its PATH. A process runs a tool in one network namespace; `ip netns exec`,
 * `nsenter` and friends re-enter the same table in another.
 */

import type { CommandOutput } from '../commands/types.ts';
import { fail as failOutput } from '../commands/types.ts';
import { Kernel } from '../engine/linux/kernel.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import { Rng, VirtualClock } from '../engine/sim.ts';
import { type Started, startTcpdump } from './capture.ts';
import { type Tool, toolTable } from './tools.ts';

export interface HostOptions {
  seed?: number;
  hostname?: string;
  clock?: VirtualClock;
}

export class LinuxHost {
  readonly kernel: Kernel;
  readonly hostname: string;
  readonly tools: Map<string, Tool>;

  constructor(options: HostOptions = {}) {
    const clock = options.clock ?? new VirtualClock();
    this.kernel = new Kernel(clock, new Rng(options.seed ?? 1));
    this.hostname = options.hostname ?? 'packet-lab';
    this.tools = toolTable();
  }

  /** Starts a command that may keep running (tcpdump); other commands complete at once. */
  start(argv: string[], netns: NetNs = this.kernel.root, stdin = ''): Started {
    if (argv[0] === 'tcpdump') return startTcpdump(argv.slice(1), { host: this, netns, stdin, name: 'tcpdump' });
    if (
      argv[0] === 'ip' &&
      argv[1] === 'netns' &&
      argv[2] === 'exec' &&
      argv[3] !== undefined &&
      argv[4] === 'tcpdump'
    ) {
      const target = this.kernel.named.get(argv[3]);
      if (target) return startTcpdump(argv.slice(5), { host: this, netns: target, stdin, name: 'tcpdump' });
    }
    return { kind: 'done', output: this.run(argv, netns, stdin) };
  }

  /** Runs one command (argv already split) in a namespace of this host. */
  run(argv: string[], netns: NetNs = this.kernel.root, stdin = ''): CommandOutput {
    const [name, ...args] = argv;
    if (name === undefined) return { stdout: '', stderr: '', exitCode: 0 };
    const tool = this.tools.get(name);
    if (!tool) return failOutput(`bash: ${name}: command not found\n`, 127);
    return tool(args, { host: this, netns, stdin, name });
  }
}
