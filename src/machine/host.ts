/**
 * A simulated Linux machine as a user meets it: a kernel, the namespace names under /run/netns,
 * the tools on its PATH and the processes `nsenter -t PID` can enter. A tool runs in one network
 * namespace; `ip netns exec`, `nsenter` and friends re-enter the same table in another. `run` is the
 * synchronous way in (tests, fuzzing); src/machine/session.ts puts a shell on top.
 */

import type { CommandOutput } from '../commands/types.ts';
import { fail as failOutput, runProgram } from '../commands/types.ts';
import { Kernel } from '../engine/linux/kernel.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import { Rng, VirtualClock } from '../engine/sim.ts';
import { type ProgramEntry, programTable } from './programs.ts';
import { type Tool, toolTable } from './tools.ts';

export interface HostOptions {
  seed?: number;
  hostname?: string;
  clock?: VirtualClock;
}

/** A process that holds a network namespace (a shell, a container's pause process). */
export interface Process {
  pid: number;
  command: string;
  netns: NetNs;
}

export class LinuxHost {
  readonly kernel: Kernel;
  /** The UTS hostname (`hostname NAME` changes it, as on a real machine). */
  hostname: string;
  readonly tools: Map<string, Tool>;
  /** Tools that run over virtual time (ping, tcpdump); `run` drives them to completion. */
  readonly programs: Map<string, ProgramEntry>;
  /** Processes by pid; pid 1 is init in the root namespace. */
  readonly processes = new Map<number, Process>();
  #nextPid = 1;

  constructor(options: HostOptions = {}) {
    const clock = options.clock ?? new VirtualClock();
    this.kernel = new Kernel(clock, new Rng(options.seed ?? 1));
    this.hostname = options.hostname ?? 'packet-lab';
    this.tools = toolTable();
    this.programs = programTable();
    this.spawn('/sbin/init', this.kernel.root);
  }

  /** Records a process in a namespace and returns it; `pid` picks its number (else the next free one). */
  spawn(command: string, netns: NetNs, pid?: number): Process {
    const process = { pid: pid ?? this.#nextPid, command, netns };
    this.processes.set(process.pid, process);
    this.#nextPid = Math.max(this.#nextPid, process.pid + 1);
    return process;
  }

  /** Runs one command (argv already split) in a namespace of this host. */
  run(argv: string[], netns: NetNs = this.kernel.root, stdin = ''): CommandOutput {
    const [name, ...args] = argv;
    if (name === undefined) return { stdout: '', stderr: '', exitCode: 0 };
    const env = { host: this, netns, stdin, name };
    const tool = this.tools.get(name);
    if (tool) return tool(args, env);
    const program = this.programs.get(name);
    if (program) return runProgram((emit) => program.start(args, env, emit, { endless: false }), this.kernel);
    return failOutput(`bash: ${name}: command not found\n`, 127);
  }
}
