/** Streams of text chunks between commands: readers, writers and the pipe that joins them. */

/** Thrown by a write into a pipe whose reader has gone away (the shell turns it into SIGPIPE, 141). */
export class BrokenPipeError extends Error {
  constructor() {
    super('Broken pipe');
    this.name = 'BrokenPipeError';
  }
}

/** Where a command writes. A write may wait (a full pipe) or throw BrokenPipeError. */
export interface Writer {
  write(chunk: string): void | Promise<void>;
  /** Set by a host on its terminal's writer: tools such as ls then lay out columns. */
  readonly isTerminal?: boolean;
}

/** Where a command reads: chunks of text until null (end of file), with push-back for line reads. */
export class Reader {
  private readonly source: () => Promise<string | null>;
  private readonly onClose: (() => void) | undefined;
  private buffer = '';
  private ended = false;

  constructor(source: () => Promise<string | null>, onClose?: () => void) {
    this.source = source;
    this.onClose = onClose;
  }

  /** The next chunk, or null at end of file. */
  async read(): Promise<string | null> {
    if (this.buffer !== '') {
      const chunk = this.buffer;
      this.buffer = '';
      return chunk;
    }
    if (this.ended) return null;
    const chunk = await this.source();
    if (chunk === null) this.ended = true;
    return chunk;
  }

  /** Puts text back so the next read returns it first. */
  unread(text: string): void {
    this.buffer = text + this.buffer;
  }

  /** One line without its newline, or null at end of file; `terminated` tells whether a newline ended it. */
  async readLine(): Promise<{ line: string; terminated: boolean } | null> {
    let acc = '';
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return acc === '' ? null : { line: acc, terminated: false };
      const nl = chunk.indexOf('\n');
      if (nl < 0) {
        acc += chunk;
        continue;
      }
      this.unread(chunk.slice(nl + 1));
      return { line: acc + chunk.slice(0, nl), terminated: true };
    }
  }

  /** Every line (without newline) as it arrives. */
  async *lines(): AsyncGenerator<string> {
    for (;;) {
      const got = await this.readLine();
      if (got === null) return;
      yield got.line;
    }
  }

  /** Everything until end of file. */
  async readAll(): Promise<string> {
    let acc = '';
    for (;;) {
      const chunk = await this.read();
      if (chunk === null) return acc;
      acc += chunk;
    }
  }

  /** The reader stops reading; a pipe's writer then gets BrokenPipeError. */
  close(): void {
    this.buffer = '';
    this.ended = true;
    this.onClose?.();
  }
}

export function stringReader(text: string): Reader {
  let done = false;
  return new Reader(async () => {
    if (done || text === '') return null;
    done = true;
    return text;
  });
}

export function emptyReader(): Reader {
  return stringReader('');
}

/** A writer that keeps everything written, for tests and command substitution. */
export class CollectingWriter implements Writer {
  private chunks: string[] = [];
  write(chunk: string): void {
    this.chunks.push(chunk);
  }
  text(): string {
    return this.chunks.join('');
  }
}

export const nullWriter: Writer = { write() {} };

/** Above this many buffered characters a writer waits for the reader, so `yes | head -1` ends. */
const PIPE_CAPACITY = 65536;

/** A pipe: stages on both sides run concurrently and text flows chunk by chunk. */
export class Pipe {
  private queue: string[] = [];
  private size = 0;
  private writeClosed = false;
  private readClosed = false;
  private wakeReader: (() => void) | null = null;
  private wakeWriters: (() => void)[] = [];

  readonly writer: Writer = { write: (chunk) => this.write(chunk) };
  readonly reader: Reader = new Reader(
    () => this.take(),
    () => this.closeRead(),
  );

  private async write(chunk: string): Promise<void> {
    if (this.readClosed) throw new BrokenPipeError();
    if (chunk === '') return;
    this.queue.push(chunk);
    this.size += chunk.length;
    this.notifyReader();
    while (this.size > PIPE_CAPACITY && !this.readClosed) {
      await new Promise<void>((resolve) => this.wakeWriters.push(resolve));
    }
  }

  private async take(): Promise<string | null> {
    while (this.queue.length === 0) {
      if (this.writeClosed || this.readClosed) return null;
      await new Promise<void>((resolve) => {
        this.wakeReader = resolve;
      });
    }
    const chunk = this.queue.join('');
    this.queue = [];
    this.size = 0;
    this.notifyWriters();
    return chunk;
  }

  /** The writing side is done: the reader sees end of file once the queue drains. */
  closeWrite(): void {
    this.writeClosed = true;
    this.notifyReader();
  }

  private closeRead(): void {
    this.readClosed = true;
    this.queue = [];
    this.size = 0;
    this.notifyWriters();
    this.notifyReader();
  }

  private notifyReader(): void {
    const wake = this.wakeReader;
    this.wakeReader = null;
    wake?.();
  }

  private notifyWriters(): void {
    const waiting = this.wakeWriters;
    this.wakeWriters = [];
    for (const wake of waiting) wake();
  }
}
