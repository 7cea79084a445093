/** Virtual time for the shell: `sleep` and long-running tools wait on it, never on the wall clock. */
export interface Clock {
  /** Virtual time in milliseconds. */
  now(): number;
  /** Resolves once `ms` of virtual time have passed, or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Like sleep, for tools that repeat until Ctrl-C (watch, tail -f). A live terminal paces these at
   * real speed so the screen is readable; scripts and tests let them jump.
   */
  idle(ms: number, signal?: AbortSignal): Promise<void>;
}

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * Resolves after pending promise callbacks have run (a macrotask), in Node and in browsers. Browsers
 * clamp nested setTimeout(0) to 4 ms, which a busy shell meets dozens of times per command, so there
 * a MessageChannel message (not clamped) does the job.
 */
export function nextMacrotask(): Promise<void> {
  const g = globalThis as { setImmediate?: (fn: () => void) => unknown };
  if (g.setImmediate) {
    const immediate = g.setImmediate;
    return new Promise((resolve) => void immediate(resolve));
  }
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A discrete-event clock: time jumps straight to the earliest pending sleep once everything else has
 * run, so `sleep 60` returns at once while concurrent sleepers still wake in virtual-time order.
 */
export class VirtualClock implements Clock {
  private time: number;
  private timers: Timer[] = [];
  private seq = 0;
  private advancing = false;
  private readonly paced: boolean;

  /** With `paced`, idle() waits real time too (for the browser terminal); sleep() never does. */
  constructor(start = 0, options: { paced?: boolean } = {}) {
    this.time = start;
    this.paced = options.paced ?? false;
  }

  async idle(ms: number, signal?: AbortSignal): Promise<void> {
    if (!this.paced) return this.sleep(ms, signal);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });
    if (!signal?.aborted) this.advance(ms);
  }

  now(): number {
    return this.time;
  }

  /** Moves time forward by hand (the host's own tick), waking sleepers that are due. */
  advance(ms: number): void {
    this.time += Math.max(0, ms);
    this.fire((t) => t.at <= this.time);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, resolve };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      timer.resolve = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      void this.scheduleAdvance();
    });
  }

  private async scheduleAdvance(): Promise<void> {
    if (this.advancing) return;
    this.advancing = true;
    // Let every runnable task reach its next sleep before time jumps.
    let seen = -1;
    while (seen !== this.seq) {
      seen = this.seq;
      await nextMacrotask();
    }
    this.advancing = false;
    if (this.timers.length === 0) return;
    const next = Math.min(...this.timers.map((t) => t.at));
    this.time = Math.max(this.time, next);
    this.fire((t) => t.at <= this.time);
    if (this.timers.length > 0) void this.scheduleAdvance();
  }

  private fire(due: (t: Timer) => boolean): void {
    const ready = this.timers.filter(due).sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.timers = this.timers.filter((t) => !due(t));
    for (const t of ready) t.resolve();
  }
}
