/** The shell a host owns: one session whose variables, functions, aliases, cwd and jobs persist. */
import { formatJobs } from './builtins.ts';
import { type Clock, VirtualClock } from './clock.ts';
import { VirtualFs } from './fs.ts';
import { type Dialect, Interpreter, type Job, type SessionHost, ShellState } from './interpreter.ts';
import type { CommandRegistry } from './registry.ts';
import { ExitSignal } from './signals.ts';
import { CollectingWriter, emptyReader, type Reader, stringReader, type Writer } from './stream.ts';
import { createTextTools } from './tools/index.ts';

export interface ShellOptions {
  fs?: VirtualFs;
  /** Defaults to the text and file tools; hosts layer engine tools on top (`new CommandRegistry(parent)`). */
  registry?: CommandRegistry;
  clock?: Clock;
  /** Which shell's words the error messages use. */
  dialect?: Dialect;
  env?: Record<string, string>;
  cwd?: string;
  /** The lines `history` lists (the host's line editor keeps them). */
  history?: () => string[];
  /** Interactive shells announce background jobs (`[1] 1234`) and report them when done. */
  interactive?: boolean;
  /** Commands one run may execute before it is stopped. */
  maxSteps?: number;
  /** Characters one run may print before it is stopped. */
  maxOutput?: number;
  pid?: number;
  /** Seeds $RANDOM. */
  seed?: number;
}

export interface RunOptions {
  stdout?: Writer;
  stderr?: Writer;
  stdin?: Reader | string;
  /** Ctrl-C. */
  signal?: AbortSignal;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const DEFAULT_ENV: Record<string, string> = {
  HOME: '/root',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  USER: 'root',
  LOGNAME: 'root',
  SHELL: '/bin/bash',
  TERM: 'xterm-256color',
  LANG: 'C.UTF-8',
};

/** A filesystem with the directories a fresh node has. */
export function createDefaultFs(clock?: Clock): VirtualFs {
  const fs = new VirtualFs(clock ? () => clock.now() : undefined);
  for (const d of ['/root', '/tmp', '/etc', '/home', '/var/log', '/usr/bin', '/usr/sbin', '/proc', '/dev']) {
    fs.mkdir(d, { parents: true });
  }
  return fs;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Shell {
  readonly fs: VirtualFs;
  readonly registry: CommandRegistry;
  readonly clock: Clock;
  private readonly host: SessionHost;
  private readonly state: ShellState;
  private readonly maxOutput: number;
  /** Set once `exit` ran at the top level; the host may close the terminal. */
  exited = false;

  constructor(options: ShellOptions = {}) {
    this.clock = options.clock ?? new VirtualClock();
    this.fs = options.fs ?? createDefaultFs(this.clock);
    this.registry = options.registry ?? createTextTools();
    this.maxOutput = options.maxOutput ?? 1_000_000;
    let pid = options.pid ?? 4242;
    const shellPid = pid;
    this.host = {
      fs: this.fs,
      registry: this.registry,
      clock: this.clock,
      dialect: options.dialect ?? 'bash',
      history: options.history ?? (() => []),
      interactive: options.interactive ?? false,
      maxSteps: options.maxSteps ?? 200_000,
      nextPid: () => ++pid,
      pid: shellPid,
      random: mulberry32(options.seed ?? 1),
    };
    this.state = new ShellState();
    this.state.arg0 = this.host.dialect;
    for (const [k, v] of Object.entries({ ...DEFAULT_ENV, ...options.env })) {
      this.state.vars.set(k, { value: v, exported: true });
    }
    const home = this.state.vars.get('HOME')?.value ?? '/';
    this.state.cwd = options.cwd ?? (this.fs.isDir(home) ? home : '/');
    this.state.vars.set('PWD', { value: this.state.cwd, exported: true });
  }

  /** This session's background jobs, oldest first (a host reads their status, or stops one). */
  get jobs(): readonly Job[] {
    return this.state.jobs;
  }

  get cwd(): string {
    return this.state.cwd;
  }

  getVar(name: string): string | undefined {
    return this.state.vars.get(name)?.value;
  }

  setVar(name: string, value: string, exported = true): void {
    this.state.vars.set(name, { value, exported });
  }

  /** Names a terminal can complete: aliases, functions, builtins and commands. */
  commandNames(): string[] {
    const names = new Set([...this.state.aliases.keys(), ...this.state.functions.keys(), ...this.registry.names()]);
    return [...names].sort();
  }

  /** Runs a script (one line or many) and resolves to its exit status; state carries over to the next run. */
  async run(script: string, options: RunOptions = {}): Promise<number> {
    const controller = new AbortController();
    const outer = options.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    outer?.addEventListener('abort', onAbort, { once: true });
    const stderr = options.stderr ?? { write() {} };
    let written = 0;
    let over = false;
    const cap = (w: Writer): Writer => ({
      isTerminal: w.isTerminal,
      write: (chunk) => {
        if (over) return;
        written += chunk.length;
        if (written > this.maxOutput) {
          over = true;
          controller.abort(new Error('output limit'));
          return stderr.write(`\n${this.host.dialect}: output limit reached (${this.maxOutput} characters); stopped\n`);
        }
        return w.write(chunk);
      },
    });
    const io = {
      stdin:
        options.stdin === undefined
          ? emptyReader()
          : typeof options.stdin === 'string'
            ? stringReader(options.stdin)
            : options.stdin,
      stdout: cap(options.stdout ?? { write() {} }),
      stderr: cap(stderr),
    };
    const interp = new Interpreter(this.host, this.state, controller.signal, { steps: 0 });
    try {
      const status = await interp.runTop(() => interp.runScript(script, io), io);
      if (this.host.interactive) await this.reportJobs(io.stderr);
      return status;
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      throw e;
    } finally {
      outer?.removeEventListener('abort', onAbort);
      if (this.state.exitRequested) this.exited = true;
    }
  }

  /** Runs a script and collects what it printed (for graders, the CLI and tests). */
  async exec(script: string, options: { stdin?: string; signal?: AbortSignal } = {}): Promise<ExecResult> {
    const stdout = new CollectingWriter();
    const stderr = new CollectingWriter();
    const exitCode = await this.run(script, { ...options, stdout, stderr });
    return { stdout: stdout.text(), stderr: stderr.text(), exitCode };
  }

  /** Waits for every background job of this session. */
  async waitForJobs(): Promise<void> {
    await Promise.all(this.state.jobs.map((j) => j.done));
  }

  /** Prints "[1]+  Done  …" for jobs that finished, and forgets them, as bash does before a prompt. */
  private async reportJobs(stderr: Writer): Promise<void> {
    const finished = this.state.jobs.filter((j) => j.status !== null);
    if (finished.length === 0) return;
    const lines = formatJobs(this.state.jobs)
      .split('\n')
      .filter((_, i) => this.state.jobs[i]?.status !== null)
      .filter(Boolean);
    this.state.jobs = this.state.jobs.filter((j) => j.status === null);
    for (const line of lines) await stderr.write(`${line}\n`);
  }
}
