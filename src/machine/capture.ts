/**
 * `tcpdump` on a simulated host: opens a capture session (src/commands/tcpdump decides what to
 * print) and taps the kernel's stack for the frames the device sees, printing each line as the
 * packet passes. It waits while the kernel's event queue runs until -c packets were printed or it
 * is interrupted (Ctrl-C, or in a script nothing left to capture); then it prints its statistics.
 */
import { type CapturedPacket, cookPacket, type LinkType } from '../commands/tcpdump/format.ts';
import { openCapture } from '../commands/tcpdump/session.ts';
import type { ToolEmit, ToolProgram } from '../commands/types.ts';
import type { Link } from '../engine/linux/links.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { Tap, WireEvent } from '../engine/linux/stack.ts';

function linkTypeOf(link: Link): LinkType {
  return link.kind === 'ipip' ? 'RAW' : 'EN10MB';
}

function broadcastish(frame: WireEvent['frame']): boolean {
  return frame.kind === 'ethernet' && frame.dst === 'ff:ff:ff:ff:ff:ff';
}

/** `tcpdump ARGS` in `ns` as a program (see ToolProgram). */
export function* tcpdumpProgram(args: string[], ns: NetNs, emit: ToolEmit): ToolProgram {
  const opened = openCapture(args, (name) => {
    if (name === 'any') return { name: 'any', linkType: 'LINUX_SLL2', up: true };
    const link =
      name === undefined ? ns.sortedLinks().find((l) => l.kind !== 'loopback' && l.adminUp) : ns.linkByName(name);
    return link ? { name: link.name, linkType: linkTypeOf(link), up: link.adminUp } : null;
  });
  if (opened.kind === 'exit') {
    emit('stdout', opened.output.stdout);
    emit('stderr', opened.output.stderr);
    return opened.output.exitCode;
  }
  const { session, device } = opened;
  const stack = ns.kernel.stack;
  emit('stderr', session.startMessage);
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
      emit('stdout', session.offer(event.time, packet));
      if (session.finished) stack.taps.delete(tap);
    },
  };
  stack.taps.add(tap);
  try {
    yield { until: Number.POSITIVE_INFINITY, wake: () => session.finished };
  } finally {
    stack.taps.delete(tap);
  }
  const end = session.stop(!session.finished);
  emit('stdout', end.stdout);
  emit('stderr', end.stderr);
  return end.exitCode;
}
