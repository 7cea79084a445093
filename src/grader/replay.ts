/**
 * Replays a learner's log on a freshly built lab instance. Each pane is a root shell of its own;
 * the log's events are played in order, each at its virtual timestamp, while what the panes run
 * goes on side by side on the kernel's one clock (a capture in one pane sees the ping typed in
 * another). An interrupt is Ctrl-C to what the pane runs at that moment. Answers are checked when
 * they were given, against the engine as it was then. A line typed into a pane that is still busy
 * waits for it, as a terminal's type-ahead does, but at most a grace period before it gets Ctrl-C;
 * so do commands still running when the log ends, as when a learner submits with a capture open.
 */
import type { LogEvent, Observations, World } from '../../exercises/types.ts';
import type { Shell } from '../shell/shell.ts';
import type { Writer } from '../shell/stream.ts';
import { type GivenAnswer, judgeAnswer } from './answers.ts';
import { type OpenedLab, rootShell } from './instance.ts';
import { observe } from './observe.ts';

/** Virtual time a busy pane gets before Ctrl-C. */
const GRACE_MICROS = 30_000_000;
/** Turns of the event loop a command gets to reach its first wait before the replay moves on. */
const HOLD_TURNS = 8;

export type { GivenAnswer } from './answers.ts';

export interface Replayed {
  world: World<unknown>;
  /** The last answer per `task/check`. */
  answers: Map<string, GivenAnswer>;
  /** Hints the learner revealed. */
  hints: number;
}

/** A pane: its shell and what it runs in the foreground. */
interface Slot {
  shell: Shell;
  done?: Promise<number>;
  controller?: AbortController;
}

const discard: Writer = { write: () => {} };

export async function replay(opened: OpenedLab, log: readonly LogEvent[]): Promise<Replayed> {
  const { lab, session, start, params } = opened;
  const clock = session.clock;
  const observed: Observations = observe(session, start);
  const world: World<unknown> = { params, host: session.host, observed };
  if (opened.cluster) world.cluster = opened.cluster;
  const answers = new Map<string, GivenAnswer>();
  let hints = 0;

  const until = async (t: number) => {
    if (start + t > clock.micros) await clock.waitFor(start + t);
  };

  /**
   * Lets a command just started run until it waits or ends, without moving the clock: each turn is
   * a wait due now, so the clock neither jumps to a later deadline before the command's first wait
   * is registered nor decides that a capture waiting in another pane has nothing left to see.
   */
  const hold = async () => {
    for (let i = 0; i < HOLD_TURNS; i++) await clock.waitFor(clock.micros);
  };

  /** Waits for what a pane runs, up to virtual time `byT`, then sends it Ctrl-C. */
  const finish = async (slot: Slot, byT: number) => {
    if (!slot.done) return;
    const timer = new AbortController();
    await Promise.race([slot.done, clock.waitFor(start + byT, { signal: timer.signal })]);
    timer.abort();
    slot.controller?.abort('INT');
    await slot.done;
    slot.done = undefined;
  };

  const slots = new Map<string, Slot>();
  const paneSlot = (pane: string): Slot => {
    let slot = slots.get(pane);
    if (!slot) {
      slot = { shell: rootShell(session, opened.scenario.engineSeed + slots.size) };
      slots.set(pane, slot);
    }
    return slot;
  };

  for (const event of log) {
    await until(event.t);
    switch (event.type) {
      case 'command': {
        const slot = paneSlot(event.pane);
        await finish(slot, event.t + GRACE_MICROS);
        const controller = new AbortController();
        slot.controller = controller;
        slot.done = slot.shell
          .run(event.line, { stdout: discard, stderr: discard, signal: controller.signal })
          .catch(() => 1);
        await hold();
        break;
      }
      case 'interrupt':
        paneSlot(event.pane).controller?.abort('INT');
        await hold();
        break;
      case 'hint':
        hints++;
        break;
      case 'answer': {
        const given = judgeAnswer(lab, world, event.task, event.check, event.value);
        if (given) answers.set(`${event.task}/${event.check}`, given);
        break;
      }
    }
  }

  const last = log.length > 0 ? (log[log.length - 1] as LogEvent).t : 0;
  await Promise.all([...slots.values()].map((slot) => finish(slot, last + GRACE_MICROS)));
  for (const { shell } of slots.values()) {
    for (const job of shell.jobs) if (job.status === null) job.controller.abort('INT');
    await shell.waitForJobs();
  }
  return { world, answers, hints };
}
