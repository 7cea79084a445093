/**
 * Tools that run over virtual time (ping, tcpdump; servers and clients to come), as programs that
 * yield their waits (ToolProgram in src/commands/types.ts). `programTable` lists them; the shell
 * drives each on the host's clock with `driveProgram`, so output streams as it is produced, other
 * jobs run meanwhile and Ctrl-C reaches it; LinuxHost.run drives them synchronously.
 */
import { conntrackProgram } from '../commands/conntrack/events.ts';
import { pingProgram } from '../commands/ping.ts';
import type { ToolEmit, ToolProgram } from '../commands/types.ts';
import { xtablesMonitorProgram } from '../commands/xtables-monitor.ts';
import { NetfilterHooks } from '../engine/linux/nf-hooks.ts';
import type { CommandContext } from '../shell/types.ts';
import { tcpdumpProgram } from './capture.ts';
import type { KernelClock } from './clock.ts';
import { netPrograms } from './net-programs.ts';
import { OrderedWriter } from './ordered-writer.ts';
import type { ToolEnv } from './tools.ts';

export interface ProgramEntry {
  /** Starts the program: `endless` when an interrupt can end it (ping without -c runs until Ctrl-C). */
  start(args: string[], env: ToolEnv, emit: ToolEmit, options: { endless: boolean }): ToolProgram;
  /** Signals it handles itself, printing its statistics (see RegisterOptions.catches in src/shell). */
  catches?: readonly string[];
  /**
   * A client takes a moment to start: jobs started just before it (`tcpdump & ping …`) reach their
   * first wait, so a capture is listening, before it sends anything.
   */
  client?: boolean;
}

export function programTable(): Map<string, ProgramEntry> {
  return new Map<string, ProgramEntry>([
    [
      'ping',
      {
        start: (args, env, emit, options) => pingProgram(args, env.host.kernel, env.netns, emit, options),
        catches: ['INT'],
        client: true,
      },
    ],
    ['tcpdump', { start: (args, env, emit) => tcpdumpProgram(args, env.netns, emit), catches: ['INT', 'TERM', 'HUP'] }],
    [
      'xtables-monitor',
      {
        start: (args, env, emit) => {
          const hooks = env.host.kernel.stack.hooks;
          if (!(hooks instanceof NetfilterHooks)) throw new Error('netfilter hooks are not installed');
          return xtablesMonitorProgram(args, hooks, env.netns, emit);
        },
      },
    ],
    [
      'conntrack',
      {
        start: (args, env, emit) =>
          conntrackProgram(args, env.netns.conntrack, () => env.host.kernel.clock.millis, emit),
        catches: ['INT', 'TERM'],
      },
    ],
    ...netPrograms(),
  ]);
}

/** Runs a program as a shell command: its waits on `clock`, its output to the command's streams. */
export async function driveProgram(
  ctx: CommandContext,
  clock: KernelClock,
  start: (emit: ToolEmit) => ToolProgram,
  options: { client?: boolean } = {},
): Promise<number> {
  // A wait due now, not a bare macrotask: the clock sees a waiter, so it cannot jump to another
  // pane's deadline while the client is starting (a loop of curls would otherwise lose time).
  if (options.client) await clock.waitFor(clock.micros);
  const out = new OrderedWriter(ctx);
  const program = start((stream, text) => out.write(stream, text));
  try {
    let step = program.next();
    while (!step.done) {
      await out.drain();
      const { until, wake, paced, daemon } = step.value;
      const result = await clock.waitFor(until, {
        daemon,
        wake: () => wake?.() === true || out.failed,
        signal: ctx.signal,
        paced,
      });
      // A reader that went away ends the program too, as SIGPIPE would.
      const interrupted = result === 'aborted' || result === 'stalled' || ctx.signal.aborted || out.failed;
      step = program.next(interrupted);
    }
    await out.drain();
    return step.value;
  } finally {
    program.return(0);
  }
}
