/**
 * The terminal's state without the DOM: one machine, its panes (a shell, a history and a
 * transcript each) and the ordered log of what the learner did, with the kernel time of each
 * action. The engine is deterministic, so replaying the log on a fresh machine with the same seed
 * and setup rebuilds the same state; that is how a reload restores a terminal.
 */

import type { ExecResult } from '../../shell/shell.ts';
import type { Writer } from '../../shell/stream.ts';
import { History, joinForHistory } from './history.ts';
import type { PaneContext, PaneShell, TerminalMachine } from './machine.ts';
import { Transcript } from './transcript.ts';

export interface PaneSpec {
  id: string;
  name: string;
  context: PaneContext;
}

/** A command line run in a pane: when it started, and when Ctrl-C stopped it or that it ended by itself. */
export interface RunEntry {
  kind: 'run';
  pane: string;
  line: string;
  at: number;
  /** Kernel time of the Ctrl-C that stopped it. */
  stop?: number;
  /** It ended by itself. */
  done?: boolean;
}

export type LogEntry =
  | RunEntry
  | { kind: 'open'; pane: string; name: string; context: PaneContext; at: number }
  | { kind: 'restart'; pane: string; at: number }
  | { kind: 'close'; pane: string; at: number };

export interface Pane {
  readonly spec: PaneSpec;
  readonly history: History;
  readonly transcript: Transcript;
  shell: PaneShell;
  /** Where the pane's commands write; null discards (while replaying). */
  output: ((chunk: string) => void) | null;
  running: { controller: AbortController; entry: RunEntry; done: Promise<number> } | null;
}

/** What a reload keeps of each pane besides the log. */
export interface SavedPane {
  id: string;
  history: string[];
  transcript: string;
}

export interface SavedWorkspace {
  /** Kernel time when saved: the replay brings the kernel this far. */
  clock: number;
  log: LogEntry[];
  panes: SavedPane[];
}

export interface WorkspaceOptions {
  setup: string;
  panes: readonly PaneSpec[];
  /** Characters of scrollback each pane keeps for a reload. */
  scrollback?: number;
}

export class Workspace {
  readonly machine: TerminalMachine;
  readonly panes = new Map<string, Pane>();
  readonly log: LogEntry[] = [];
  /** Called after every logged action and command end (to save). */
  onChange: () => void = () => {};
  readonly #options: WorkspaceOptions;

  constructor(machine: TerminalMachine, options: WorkspaceOptions) {
    this.machine = machine;
    this.#options = options;
  }

  /** Runs the setup script and opens the starting panes; resolves to what the setup printed. */
  async start(): Promise<ExecResult> {
    const result = await this.machine.setup(this.#options.setup);
    for (const spec of this.#options.panes) this.#open(spec);
    return result;
  }

  /** Opens another pane (logged, so a reload opens it at the same point). */
  open(spec: PaneSpec): Pane {
    this.#record({ kind: 'open', pane: spec.id, name: spec.name, context: spec.context, at: this.machine.now() });
    return this.#open(spec);
  }

  /** Runs a (possibly multi-line) command in a pane and resolves to its exit status (Ctrl-D's `exit` skips history). */
  async run(paneId: string, text: string, options: { history?: boolean } = {}): Promise<number> {
    const pane = this.#pane(paneId);
    if (options.history !== false) pane.history.add(joinForHistory(text.split('\n')));
    const entry: RunEntry = { kind: 'run', pane: paneId, line: text, at: this.machine.now() };
    this.#record(entry);
    const status = await this.#launch(pane, entry);
    if (entry.stop === undefined) entry.done = true;
    this.onChange();
    return status;
  }

  /** Ctrl-C for the pane's running command; false when nothing runs. */
  interrupt(paneId: string): boolean {
    const running = this.#pane(paneId).running;
    if (!running) return false;
    if (running.entry.stop === undefined) running.entry.stop = this.machine.now();
    running.controller.abort('INT');
    this.onChange();
    return true;
  }

  /** A fresh shell for a pane whose shell exited; history and transcript stay. */
  restart(paneId: string): void {
    this.#record({ kind: 'restart', pane: paneId, at: this.machine.now() });
    this.#restart(this.#pane(paneId));
  }

  close(paneId: string): void {
    this.#record({ kind: 'close', pane: paneId, at: this.machine.now() });
    this.#close(this.#pane(paneId));
  }

  snapshot(): SavedWorkspace {
    return {
      clock: this.machine.now(),
      log: this.log.map((e) => ({ ...e })),
      panes: [...this.panes.values()].map((p) => ({
        id: p.spec.id,
        history: [...p.history.entries],
        transcript: p.transcript.text,
      })),
    };
  }

  /**
   * Replays a saved log on this (started) workspace with output discarded: each action at its
   * kernel time, in order; a command stopped by Ctrl-C (or still running when saved) is stopped
   * at that time. Then restores each pane's history and transcript.
   */
  async restore(saved: SavedWorkspace): Promise<void> {
    this.machine.setPaced(false);
    const outputs = new Map([...this.panes.values()].map((p) => [p, p.output]));
    for (const pane of this.panes.values()) pane.output = null;
    try {
      type Step = { at: number; order: number; entry: LogEntry; stop: boolean };
      const steps: Step[] = [];
      saved.log.forEach((entry, i) => {
        steps.push({ at: entry.at, order: 2 * i, entry, stop: false });
        if (entry.kind === 'run' && !entry.done) {
          steps.push({ at: Math.max(entry.at, entry.stop ?? saved.clock), order: 2 * i + 1, entry, stop: true });
        }
      });
      steps.sort((a, b) => a.at - b.at || a.order - b.order);
      const launched = new Map<LogEntry, { pane: Pane; copy: RunEntry }>();
      for (const step of steps) {
        await this.machine.advanceTo(step.at);
        const { entry } = step;
        if (step.stop) {
          const run = launched.get(entry);
          const running = run?.pane.running;
          // Abort before yielding: any wait here would let the kernel's clock run past this instant.
          if (running && running.entry === run?.copy) running.controller.abort('INT');
          continue;
        }
        this.log.push({ ...entry });
        if (entry.kind === 'open') {
          const pane = this.#open({ id: entry.pane, name: entry.name, context: entry.context });
          outputs.set(pane, null);
          pane.output = null;
          continue;
        }
        const pane = this.panes.get(entry.pane);
        if (!pane) continue;
        if (entry.kind === 'close') this.#close(pane);
        else if (entry.kind === 'restart') this.#restart(pane);
        else {
          await pane.running?.done;
          const copy = this.log[this.log.length - 1] as RunEntry;
          launched.set(entry, { pane, copy });
          void this.#launch(pane, copy);
        }
      }
      await this.machine.advanceTo(saved.clock);
      await Promise.all([...this.panes.values()].map((p) => p.running?.done));
    } finally {
      this.machine.setPaced(true);
      for (const [pane, output] of outputs) pane.output = output;
    }
    for (const savedPane of saved.panes) {
      const pane = this.panes.get(savedPane.id);
      if (!pane) continue;
      for (const line of savedPane.history) pane.history.add(line);
      pane.transcript.clear();
      pane.transcript.append(savedPane.transcript);
    }
  }

  #record(entry: LogEntry): void {
    this.log.push(entry);
    this.onChange();
  }

  #pane(id: string): Pane {
    const pane = this.panes.get(id);
    if (!pane) throw new Error(`no pane "${id}"`);
    return pane;
  }

  #open(spec: PaneSpec): Pane {
    const history = new History();
    const pane: Pane = {
      spec,
      history,
      transcript: new Transcript('', this.#options.scrollback),
      shell: this.machine.open(spec.context, () => history.entries),
      output: null,
      running: null,
    };
    this.panes.set(spec.id, pane);
    return pane;
  }

  #restart(pane: Pane): void {
    pane.shell.hangup();
    pane.shell = this.machine.open(pane.spec.context, () => pane.history.entries);
  }

  #close(pane: Pane): void {
    pane.running?.controller.abort('HUP');
    pane.shell.hangup();
    this.panes.delete(pane.spec.id);
  }

  async #launch(pane: Pane, entry: RunEntry): Promise<number> {
    const controller = new AbortController();
    const writer: Writer = { isTerminal: true, write: (chunk) => pane.output?.(chunk) };
    const done = pane.shell
      .run(entry.line, { stdout: writer, stderr: writer, signal: controller.signal })
      .catch((error: unknown) => {
        pane.output?.(`packet-lab: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      });
    const running = { controller, entry, done };
    pane.running = running;
    try {
      return await done;
    } finally {
      if (pane.running === running) pane.running = null;
    }
  }
}
