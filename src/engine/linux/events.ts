/**
 * The kernel's timeline: everything that happens later (a frame arriving at a peer, a neighbour
 * timer, a ping's next probe) is an event at a virtual time. Running the queue is the only thing
 * that moves the clock, so a script's output depends only on its inputs and seed.
 */
import type { VirtualClock } from '../sim.ts';

interface Pending {
  at: number;
  seq: number;
  run: () => void;
}

export class EventQueue {
  readonly #clock: VirtualClock;
  #pending: Pending[] = [];
  #seq = 0;

  constructor(clock: VirtualClock) {
    this.#clock = clock;
  }

  get size(): number {
    return this.#pending.length;
  }

  /** The virtual time of the next event, if any. */
  nextAt(): number | undefined {
    return this.#pending[0]?.at;
  }

  /** Runs `run` after `delayMicros` of virtual time (same-time events keep their order). */
  schedule(delayMicros: number, run: () => void): void {
    const item = { at: this.#clock.micros + Math.max(0, delayMicros), seq: this.#seq++, run };
    // Binary search insertion keeps the queue sorted by (at, seq).
    let lo = 0;
    let hi = this.#pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const other = this.#pending[mid] as Pending;
      if (other.at < item.at || (other.at === item.at && other.seq < item.seq)) lo = mid + 1;
      else hi = mid;
    }
    this.#pending.splice(lo, 0, item);
  }

  /** Runs every event due up to `time`, then leaves the clock at `time`. */
  runUntil(time: number): void {
    while (this.#pending.length > 0 && (this.#pending[0] as Pending).at <= time) this.#step();
    this.#clock.advance(time - this.#clock.micros);
  }

  /** Runs events until `done()` holds or the queue is empty; the clock stops at the last event run. */
  runWhile(keepGoing: () => boolean, limitMicros = Number.POSITIVE_INFINITY): void {
    const deadline = this.#clock.micros + limitMicros;
    while (keepGoing() && this.#pending.length > 0 && (this.#pending[0] as Pending).at <= deadline) this.#step();
  }

  #step(): void {
    const next = this.#pending.shift() as Pending;
    this.#clock.advance(next.at - this.#clock.micros);
    next.run();
  }
}
