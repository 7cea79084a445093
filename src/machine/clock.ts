/**
 * One clock for a simulated host: the shell's `Clock` (sleep, idle, date) is the kernel's virtual
 * clock, and waiting on it runs the kernel's event queue. Everything that waits (sleep, ping between
 * probes, tcpdump for packets) registers a waiter; once every task has reached its next wait, the
 * clock runs kernel events in time order up to the earliest waiter's deadline, stopping early when
 * a waiter's wake condition holds (a reply arrived, -c packets were captured).
 */
import type { Kernel } from '../engine/linux/kernel.ts';
import { type Clock, nextMacrotask } from '../shell/clock.ts';

/** Why a wait ended: its condition held, its deadline came, Ctrl-C, or nothing can ever happen. */
export type WaitResult = 'woken' | 'time' | 'aborted' | 'stalled';

export interface WaitOptions {
  /** Checked before each kernel event; the wait ends as soon as it holds. */
  wake?: () => boolean;
  signal?: AbortSignal;
  /** On a paced clock, also wait the same span of real time (a live terminal's ping interval). */
  paced?: boolean;
  /** A server's wait (ToolWait.daemon): never 'stalled', and alone it does not move an unpaced clock. */
  daemon?: boolean;
}

interface Waiter {
  at: number;
  seq: number;
  wake: (() => boolean) | undefined;
  daemon: boolean;
  resolve: (result: WaitResult) => void;
}

/** Quiet macrotask turns before the clock runs events for waiters that have no deadline. */
const SETTLE_TURNS = 3;
/** A paced clock with only open-ended waiters steps kernel time in real time, this much at a go. */
const PACED_TICK_MS = 100;

function realDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class KernelClock implements Clock {
  readonly paced: boolean;
  readonly #kernel: Kernel;
  #waiters: Waiter[] = [];
  #seq = 0;
  #advancing = false;

  /**
   * `paced`: a live terminal. Waits marked paced also take real time, and open-ended waits (a
   * tcpdump with nothing else running) let kernel timers fire in real time. Otherwise a wait that
   * nothing can ever end (no events left, no deadline) ends as 'stalled' rather than hanging.
   */
  constructor(kernel: Kernel, options: { paced?: boolean } = {}) {
    this.#kernel = kernel;
    this.paced = options.paced ?? false;
  }

  /** Kernel time in milliseconds since the epoch. */
  now(): number {
    return this.#kernel.clock.millis;
  }

  get micros(): number {
    return this.#kernel.clock.micros;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await this.waitFor(this.micros + Math.max(0, ms) * 1000, { signal });
  }

  async idle(ms: number, signal?: AbortSignal): Promise<void> {
    await this.waitFor(this.micros + Math.max(0, ms) * 1000, { signal, paced: true });
  }

  /** Waits until kernel time `untilMicros` (Infinity: no deadline) or until `wake` holds. */
  async waitFor(untilMicros: number, options: WaitOptions = {}): Promise<WaitResult> {
    const { signal, wake } = options;
    if (signal?.aborted) return 'aborted';
    const startedAt = this.micros;
    const result = await new Promise<WaitResult>((resolve) => {
      const onAbort = () => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        resolve('aborted');
      };
      const waiter: Waiter = {
        at: untilMicros,
        seq: this.#seq++,
        wake,
        daemon: options.daemon === true,
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      void this.#schedule();
    });
    if (options.paced && this.paced && result === 'time') {
      await realDelay((this.micros - startedAt) / 1000, signal);
      if (signal?.aborted) return 'aborted';
    }
    return result;
  }

  #anyAwake(): boolean {
    return this.#waiters.some((w) => w.wake?.() === true);
  }

  /** Resolves waiters whose condition holds or whose deadline has come; true when any did. */
  #fire(stalled = false): boolean {
    const now = this.micros;
    const ready: [Waiter, WaitResult][] = [];
    for (const w of this.#waiters) {
      if (w.wake?.() === true) ready.push([w, 'woken']);
      else if (w.at <= now) ready.push([w, 'time']);
      else if (stalled && !w.daemon) ready.push([w, 'stalled']);
    }
    if (ready.length === 0) return false;
    const gone = new Set(ready.map(([w]) => w));
    this.#waiters = this.#waiters.filter((w) => !gone.has(w));
    for (const [w, r] of ready.sort(([a], [b]) => a.at - b.at || a.seq - b.seq)) w.resolve(r);
    return true;
  }

  /** Lets every runnable task reach its next wait: `turns` macrotasks in a row with no new waiter. */
  async #settle(turns: number): Promise<void> {
    let quiet = 0;
    let seen = this.#seq;
    while (quiet < turns) {
      await nextMacrotask();
      if (seen === this.#seq) quiet++;
      else {
        seen = this.#seq;
        quiet = 0;
      }
    }
  }

  async #schedule(): Promise<void> {
    if (this.#advancing) return;
    this.#advancing = true;
    try {
      for (;;) {
        await this.#settle(1);
        if (this.#waiters.length === 0) return;
        if (this.#fire()) continue;
        // Only servers wait: on an unpaced clock nothing moves time until someone else waits.
        if (!this.paced && this.#waiters.every((w) => w.daemon)) return;
        const events = this.#kernel.events;
        const deadline = Math.min(...this.#waiters.map((w) => w.at));
        if (Number.isFinite(deadline)) {
          events.runWhile(() => !this.#anyAwake(), deadline - this.micros);
          if (!this.#anyAwake()) events.runUntil(deadline);
          this.#fire();
          continue;
        }
        // Only open-ended waits (captures, `wait` for them): make sure nothing else is still busy.
        await this.#settle(SETTLE_TURNS);
        if (this.#waiters.some((w) => Number.isFinite(w.at)) || this.#fire()) continue;
        if (this.paced) {
          if (events.size === 0) return;
          // Real time follows virtual time up to the next event, at most a tick at a go: a packet
          // microseconds away runs at once, a timer seconds away is waited for in real time.
          const gap = Math.min(PACED_TICK_MS * 1000, Math.max(0, (events.nextAt() ?? this.micros) - this.micros));
          if (gap >= 1000) await realDelay(gap / 1000);
          else await nextMacrotask();
          const until = this.micros + gap;
          events.runWhile(() => !this.#anyAwake(), gap);
          if (!this.#anyAwake()) events.runUntil(until);
          this.#fire();
          continue;
        }
        events.runWhile(() => !this.#anyAwake());
        if (!this.#fire()) this.#fire(events.size === 0);
      }
    } finally {
      this.#advancing = false;
    }
  }
}
