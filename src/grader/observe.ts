/**
 * Watches a lab session for observation checks: every command the shells execute, in whichever
 * namespace's shell runs it (so `ip netns exec X ip a` records `ip a` in X), with what it printed;
 * and every capture opened, with the frames its device saw. It wraps the session's command tables
 * and the stack's tap set from outside, so neither the engine nor the machine knows about grading.
 */
import type { CaptureRun, CommandRun, Observations } from '../../exercises/types.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { Tap } from '../engine/linux/stack.ts';
import type { HostSession } from '../machine/session.ts';
import type { CommandRegistry } from '../shell/registry.ts';
import type { Writer } from '../shell/stream.ts';

/** Enough of a command's output to find what it showed; the rest is dropped. */
const OUTPUT_CAP = 64 * 1024;
/** Frames kept per capture. */
const FRAME_CAP = 10_000;

export function observe(session: HostSession, start: number): Observations {
  const observed: Observations = { commands: [], captures: [] };
  const kernel = session.host.kernel;
  const now = () => kernel.clock.micros - start;
  const wrapped = new WeakSet<CommandRegistry>();
  // The command a tap is opened by: set just before a command starts, read synchronously by taps.add.
  let starting: CommandRun | undefined;

  const wrap = (registry: CommandRegistry, ns: NetNs) => {
    if (wrapped.has(registry)) return;
    wrapped.add(registry);
    for (const name of registry.names()) {
      const entry = registry.get(name);
      if (!entry) continue;
      registry.register(
        name,
        async (ctx) => {
          const run: CommandRun = { t: now(), ns, argv: [...ctx.argv], output: '' };
          observed.commands.push(run);
          const stdout: Writer = {
            isTerminal: ctx.stdout.isTerminal,
            write: (chunk) => {
              if (run.output.length < OUTPUT_CAP) run.output += chunk.slice(0, OUTPUT_CAP - run.output.length);
              return ctx.stdout.write(chunk);
            },
          };
          starting = run;
          const pending = entry.run({ ...ctx, stdout });
          starting = undefined;
          run.status = await pending;
          return run.status;
        },
        { path: entry.path, ...(entry.catches ? { catches: [...entry.catches] } : {}) },
      );
    }
  };

  // Every namespace's command table passes through `context`, including ones made later.
  const context = session.context.bind(session);
  session.context = (ns: NetNs) => {
    const found = context(ns);
    wrap(found.registry, ns);
    return found;
  };
  session.context(kernel.root);

  const taps = kernel.stack.taps;
  const add = taps.add.bind(taps);
  taps.add = (tap: Tap) => {
    if (starting !== undefined) {
      const capture: CaptureRun = {
        ns: tap.ns,
        device: tap.ifindex === undefined ? 'any' : (tap.ns.links.get(tap.ifindex)?.name ?? String(tap.ifindex)),
        command: starting,
        frames: [],
      };
      observed.captures.push(capture);
      const onPacket = tap.onPacket.bind(tap);
      tap.onPacket = (event) => {
        if (capture.frames.length < FRAME_CAP)
          capture.frames.push({ t: now(), link: event.link, dir: event.dir, frame: event.frame });
        onPacket(event);
      };
    }
    return add(tap);
  };
  return observed;
}
