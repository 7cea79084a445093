/**
 * `ping` as a shell command: drives src/commands/ping.ts's program on the host's clock, so each
 * reply is printed as it arrives, other jobs (a capture) run meanwhile, and Ctrl-C ends it with
 * its statistics. Without -c it runs until interrupted.
 */
import { pingProgram } from '../commands/ping.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import { nextMacrotask } from '../shell/clock.ts';
import type { CommandContext } from '../shell/types.ts';
import type { KernelClock } from './clock.ts';
import { OrderedWriter } from './ordered-writer.ts';

export async function runPingCommand(ctx: CommandContext, ns: NetNs, clock: KernelClock): Promise<number> {
  // Starting up takes a moment: a capture started just before (`tcpdump & ping …`) is listening.
  await nextMacrotask();
  const out = new OrderedWriter(ctx);
  const program = pingProgram(ctx.argv.slice(1), ns.kernel, ns, (stream, text) => out.write(stream, text), {
    endless: true,
  });
  try {
    let step = program.next();
    while (!step.done) {
      await out.drain();
      const { until, wake, paced } = step.value;
      const result = await clock.waitFor(until, {
        wake: () => wake?.() === true || out.failed,
        signal: ctx.signal,
        paced,
      });
      step = program.next(result === 'aborted' || ctx.signal.aborted || out.failed);
    }
    await out.drain();
    return step.value;
  } finally {
    program.return(0);
  }
}
