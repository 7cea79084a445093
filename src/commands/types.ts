/**
 * What every simulated tool returns. A tool is a pure function of its arguments, its standard input
 * and the engine state it is handed; it formats that state (or asks the engine to change it) and
 * never keeps state of its own. It never throws: bad input gets the real tool's message and status.
 */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function ok(stdout = ''): CommandOutput {
  return { stdout, stderr: '', exitCode: 0 };
}

export function fail(stderr: string, exitCode = 1, stdout = ''): CommandOutput {
  return { stdout, stderr, exitCode };
}

/**
 * A wait of a tool that runs over virtual time (ping, tcpdump, a server): run the kernel until
 * `until` (microseconds of virtual time; Infinity for no deadline), or only until `wake` holds.
 * `paced` marks waits a live terminal also spends in real time (ping's interval).
 */
export interface ToolWait {
  until: number;
  wake?: () => boolean;
  paced?: boolean;
  /**
   * A server's wait: only `wake` or a signal ends it, never "nothing left to happen", and on its
   * own it does not make virtual time pass (a script does not fast-forward while only servers run).
   */
  daemon?: boolean;
}

/** Where a running tool writes, at any moment (from inside kernel callbacks too). */
export type ToolEmit = (stream: 'stdout' | 'stderr', text: string) => void;

/**
 * A tool that waits: a generator yielding each wait to its driver, resumed with `true` when the
 * wait ended by an interrupt (Ctrl-C, or nothing left that could ever end it), returning the exit
 * status. The shell drives it on the host's clock (src/machine/programs.ts); `runProgram` drives
 * it synchronously on the kernel's event queue.
 */
export type ToolProgram = Generator<ToolWait, number, boolean>;

/** What `runProgram` needs of a kernel: its event queue and clock. */
export interface ProgramKernel {
  events: { runWhile(keepGoing: () => boolean, limitMicros?: number): void; runUntil(time: number): void };
  clock: { readonly micros: number };
}

/** Runs a program to completion at once; a wait with no deadline ends when no event is left. */
export function runProgram(start: (emit: ToolEmit) => ToolProgram, kernel: ProgramKernel): CommandOutput {
  const out = { stdout: '', stderr: '' };
  const program = start((stream, text) => {
    out[stream] += text;
  });
  let step = program.next();
  while (!step.done) {
    const { until, wake, daemon } = step.value;
    // Nothing can wait for a server synchronously: it is interrupted at once.
    if (daemon) {
      step = program.next(true);
      continue;
    }
    kernel.events.runWhile(() => wake?.() !== true, until - kernel.clock.micros);
    const woken = wake?.() === true;
    if (!woken && Number.isFinite(until)) kernel.events.runUntil(until);
    step = program.next(!woken && !Number.isFinite(until));
  }
  return { ...out, exitCode: step.value };
}
