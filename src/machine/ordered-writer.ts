/**
 * Output written from inside kernel callbacks (a tap seeing a packet, a listener getting a reply),
 * which cannot wait: each write is queued behind the previous one, so the text reaches the
 * command's stdout or stderr in order and right after the callback returns. The first failed write
 * (a closed pipe) is kept and thrown by `drain`.
 */
import type { Io } from '../shell/types.ts';

export class OrderedWriter {
  readonly #io: Pick<Io, 'stdout' | 'stderr'>;
  #chain: Promise<void> = Promise.resolve();
  #error: unknown;
  #failed = false;

  constructor(io: Pick<Io, 'stdout' | 'stderr'>) {
    this.#io = io;
  }

  /** True once a write failed; later writes are dropped. */
  get failed(): boolean {
    return this.#failed;
  }

  write(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '') return;
    this.#chain = this.#chain.then(async () => {
      if (this.#failed) return;
      try {
        await this.#io[stream].write(text);
      } catch (error) {
        this.#failed = true;
        this.#error = error;
      }
    });
  }

  /** Waits for every queued write; throws the first write error. */
  async drain(): Promise<void> {
    await this.#chain;
    if (this.#failed) throw this.#error;
  }

  /** Queues `text` and waits until it and everything before it are written. */
  async flushed(stream: 'stdout' | 'stderr', text: string): Promise<void> {
    this.write(stream, text);
    await this.drain();
  }
}
