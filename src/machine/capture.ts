/**
 * `tcpdump` on a simulated host: opens a capture session (src/commands/tcpdump decides what to
 * print), taps the kernel's stack for the frames the device sees and streams each printed line as
 * the packet passes. It runs while the kernel's event queue runs (driven by the host's clock) until
 * -c packets were printed or Ctrl-C; then it prints tcpdump's closing statistics.
 */
import { type CapturedPacket, cookPacket, type LinkType } from '../commands/tcpdump/format.ts';
import { openCapture } from '../commands/tcpdump/session.ts';
import type { Link } from '../engine/linux/links.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { Tap, WireEvent } from '../engine/linux/stack.ts';
import type { CommandContext } from '../shell/types.ts';
import type { KernelClock } from './clock.ts';
import { OrderedWriter } from './ordered-writer.ts';

function linkTypeOf(link: Link): LinkType {
  return link.kind === 'ipip' ? 'RAW' : 'EN10MB';
}

function broadcastish(frame: WireEvent['frame']): boolean {
  return frame.kind === 'ethernet' && frame.dst === 'ff:ff:ff:ff:ff:ff';
}

/** Runs `tcpdump ARGS` in `ns` with the command's streams; resolves to tcpdump's exit status. */
export async function runTcpdump(ctx: CommandContext, ns: NetNs, clock: KernelClock): Promise<number> {
  const opened = openCapture(ctx.argv.slice(1), (name) => {
    if (name === 'any') return { name: 'any', linkType: 'LINUX_SLL2', up: true };
    const link =
      name === undefined ? ns.sortedLinks().find((l) => l.kind !== 'loopback' && l.adminUp) : ns.linkByName(name);
    return link ? { name: link.name, linkType: linkTypeOf(link), up: link.adminUp } : null;
  });
  if (opened.kind === 'exit') {
    if (opened.output.stdout) await ctx.stdout.write(opened.output.stdout);
    if (opened.output.stderr) await ctx.stderr.write(opened.output.stderr);
    return opened.output.exitCode;
  }
  const { session, device } = opened;
  const stack = ns.kernel.stack;
  const out = new OrderedWriter(ctx);
  await out.flushed('stderr', session.startMessage);
  const target = device.name === 'any' ? undefined : ns.linkByName(device.name);
  const tap: Tap = {
    ns,
    ifindex: target?.ifindex,
    onPacket(event) {
      const packet: CapturedPacket =
        device.name === 'any'
          ? cookPacket(
              event.link.name,
              event.link.ifindex,
              event.dir === 'Out' ? 'Out' : broadcastish(event.frame) ? 'B' : 'In',
              event.frame,
            )
          : event.frame;
      const line = session.offer(event.time, packet);
      if (line !== '') out.write('stdout', line);
      if (session.finished) stack.taps.delete(tap);
    },
  };
  stack.taps.add(tap);
  try {
    // A reader that went away (`tcpdump | head -2`) ends the capture too, as SIGPIPE would.
    await clock.waitFor(Number.POSITIVE_INFINITY, {
      wake: () => session.finished || out.failed,
      signal: ctx.signal,
    });
  } finally {
    stack.taps.delete(tap);
  }
  await out.drain();
  const end = session.stop(!session.finished);
  await out.flushed('stdout', end.stdout);
  await out.flushed('stderr', end.stderr);
  return end.exitCode;
}
