/**
 * The kernel's process table: what `ps -ef` lists and what `ss -p` / `netstat -p` name as a
 * socket's owner. A process lives in one network namespace and holds file descriptors; servers are
 * processes whose descriptors are listening sockets. Pids count up like a fresh PID namespace.
 */
import type { NetNs } from './netns.ts';

/** Something a descriptor can point at; sockets carry an inode for `socket:[N]` links. */
export interface FileLike {
  readonly inode: number;
}

export interface Process {
  readonly pid: number;
  readonly ppid: number;
  readonly user: string;
  /** The command name (/proc/PID/comm, at most 15 characters), as `ss -p` prints it. */
  readonly comm: string;
  /** The command line as `ps -ef` prints it. */
  readonly argv: readonly string[];
  readonly netns: NetNs;
  /** Virtual time (µs) the process started. */
  readonly startMicros: number;
  /** Open descriptors from 3 up (0–2 are the terminal). */
  readonly fds: Map<number, FileLike>;
  /** Set when the process has exited; it stays out of every listing from then on. */
  exitCode?: number;
  /** The tty column of `ps` ("?" for daemons, "pts/0" for a terminal's jobs). */
  tty: string;
}

export interface SpawnOptions {
  ppid?: number;
  user?: string;
  /** Defaults to the basename of argv[0]. */
  comm?: string;
  tty?: string;
  /** A fixed pid (init, a container's pause); otherwise the next free one. */
  pid?: number;
}

export class ProcessTable {
  readonly #byPid = new Map<number, Process>();
  readonly #now: () => number;
  #nextPid = 1;

  constructor(now: () => number) {
    this.#now = now;
  }

  spawn(argv: readonly string[], netns: NetNs, options: SpawnOptions = {}): Process {
    let pid = options.pid ?? this.#nextPid;
    while (options.pid === undefined && this.#byPid.has(pid)) pid++;
    this.#nextPid = Math.max(this.#nextPid, pid + 1);
    const base = (argv[0] ?? '').split('/').pop() ?? '';
    const process: Process = {
      pid,
      ppid: options.ppid ?? 1,
      user: options.user ?? 'root',
      comm: (options.comm ?? base).slice(0, 15),
      argv: [...argv],
      netns,
      startMicros: this.#now(),
      fds: new Map(),
      tty: options.tty ?? '?',
    };
    this.#byPid.set(pid, process);
    return process;
  }

  get(pid: number): Process | undefined {
    return this.#byPid.get(pid);
  }

  /** Live processes by pid. */
  list(): Process[] {
    return [...this.#byPid.values()].filter((p) => p.exitCode === undefined).sort((a, b) => a.pid - b.pid);
  }

  /** Gives the file the lowest free descriptor (from 3) and returns it. */
  addFd(process: Process, file: FileLike): number {
    let fd = 3;
    while (process.fds.has(fd)) fd++;
    process.fds.set(fd, file);
    return fd;
  }

  /** The process and descriptor that hold a file, for `ss -p` and `netstat -p`. */
  ownerOf(file: FileLike): { process: Process; fd: number } | undefined {
    for (const process of this.list())
      for (const [fd, held] of process.fds) if (held.inode === file.inode) return { process, fd };
    return undefined;
  }

  exit(process: Process, code: number): void {
    if (process.exitCode !== undefined) return;
    process.exitCode = code;
    process.fds.clear();
    this.#byPid.delete(process.pid);
  }
}
