/**
 * `tcpdump` on a simulated host: opens a capture session (src/commands/tcpdump decides what to
 * print) and taps the kernel's stack for the frames the device sees. A capture is a job: it runs
 * while the kernel's event queue runs, until -c packets were printed or it is interrupted.
 */
import { type CapturedPacket, cookPacket, type LinkType } from '../commands/tcpdump/format.ts';
import { openCapture } from '../commands/tcpdump/session.ts';
import type { CommandOutput } from '../commands/types.ts';
import type { Link } from '../engine/linux/links.ts';
import type { Tap, WireEvent } from '../engine/linux/stack.ts';
import type { ToolEnv } from './tools.ts';

export interface Job {
  readonly finished: boolean;
  /** Ends the job (an interrupt when it has not finished by itself) and returns all it printed. */
  stop(): CommandOutput;
}

export type Started = { kind: 'done'; output: CommandOutput } | { kind: 'job'; job: Job };

function linkTypeOf(link: Link): LinkType {
  return link.kind === 'ipip' ? 'RAW' : 'EN10MB';
}

function broadcastish(frame: WireEvent['frame']): boolean {
  return frame.kind === 'ethernet' && frame.dst === 'ff:ff:ff:ff:ff:ff';
}

export function startTcpdump(args: string[], env: ToolEnv): Started {
  const ns = env.netns;
  const opened = openCapture(args, (name) => {
    if (name === 'any') return { name: 'any', linkType: 'LINUX_SLL2', up: true };
    const link =
      name === undefined ? ns.sortedLinks().find((l) => l.kind !== 'loopback' && l.adminUp) : ns.linkByName(name);
    return link ? { name: link.name, linkType: linkTypeOf(link), up: link.adminUp } : null;
  });
  if (opened.kind === 'exit') return { kind: 'done', output: opened.output };
  const { session, device } = opened;
  const stack = env.host.kernel.stack;
  let stdout = '';
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
      stdout += session.offer(event.time, packet);
      if (session.finished) stack.taps.delete(tap);
    },
  };
  stack.taps.add(tap);
  const job: Job = {
    get finished() {
      return session.finished;
    },
    stop() {
      stack.taps.delete(tap);
      const end = session.stop(!session.finished);
      return { stdout: stdout + end.stdout, stderr: session.startMessage + end.stderr, exitCode: end.exitCode };
    },
  };
  return { kind: 'job', job };
}
