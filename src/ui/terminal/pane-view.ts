/**
 * One pane on the page: an xterm.js terminal joined to a workspace pane through the line editor.
 * Lines run through the pane's shell with output streamed as written; Ctrl-C aborts the running
 * command; keys typed meanwhile wait as type-ahead; background output lifts the prompt and puts it
 * back; Ctrl-D (or `exit`) ends the shell and Enter starts a new one.
 */

import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal } from '@xterm/xterm';
import { isComplete } from '../../shell/parser.ts';
import { complete } from './completion.ts';
import { LineEditor } from './line-editor.ts';
import { type SiteTheme, xtermTheme } from './theme.ts';
import type { Pane, Workspace } from './workspace.ts';

export interface PaneViewOptions {
  theme: SiteTheme;
  screenReaderMode: boolean;
  /** The sentence printed when the shell exits. */
  exitedMessage: string;
  /** Something the app wants to know about: output arrived (save soon), a command started or ended. */
  onActivity: () => void;
}

/** `element` is the pane's section; the terminal is drawn in a child of it. */
export class PaneView {
  readonly pane: Pane;
  readonly element: HTMLElement;
  readonly term: Terminal;
  readonly #workspace: Workspace;
  readonly #fit = new FitAddon();
  readonly #editor: LineEditor;
  readonly #options: PaneViewOptions;
  readonly #resize: ResizeObserver;
  /** The element xterm draws in, inside the pane's section. */
  readonly #host: HTMLElement;
  /** Lines of a command that continues (`for …; do` then Enter). */
  #pending: string[] = [];
  #busy = false;
  #exited = false;
  /** Whether the last text written ended a line, so a prompt starts in column 0. */
  #atLineStart = true;

  constructor(workspace: Workspace, pane: Pane, element: HTMLElement, options: PaneViewOptions) {
    this.#workspace = workspace;
    this.pane = pane;
    this.element = element;
    this.#options = options;
    this.term = new Terminal({
      convertEol: true,
      cursorBlink: true,
      screenReaderMode: options.screenReaderMode,
      theme: xtermTheme(options.theme),
      fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Noto Sans Mono CJK KR", monospace',
      fontSize: 14,
      scrollback: 5000,
    });
    this.term.loadAddon(this.#fit);
    this.term.loadAddon(new WebLinksAddon());
    this.#editor = new LineEditor({
      io: { write: (data) => this.term.write(data), columns: () => this.term.cols },
      history: pane.history,
      complete: (line, cursor) => complete(line, cursor, this.pane.shell.completions),
      onLine: (text) => void this.#line(text),
      onInterrupt: () => this.#cancelLine(),
      onEof: () => void this.#eof(),
    });
    this.term.attachCustomKeyEventHandler((event) => this.#key(event));
    this.term.onData((data) => this.#input(data));
    this.#host = document.createElement('div');
    this.#host.className = 'pt-xterm';
    element.append(this.#host);
    this.term.open(this.#host);
    // Bracketed paste: xterm wraps pasted text so the editor can run it line by line.
    this.term.write('\x1b[?2004h');
    this.#resize = new ResizeObserver(() => this.fit());
    this.#resize.observe(this.#host);
    pane.output = (chunk) => this.#output(chunk);
  }

  get busy(): boolean {
    return this.#busy;
  }

  /** Shows the restored scrollback, then a prompt (or the exited notice). */
  start(restored: { interrupted: boolean }): void {
    const text = this.pane.transcript.text;
    if (text !== '') this.#write(text);
    if (restored.interrupted) this.#record('^C\n');
    this.fit();
    if (this.pane.shell.exited) this.#showExited();
    else this.#prompt();
  }

  fit(): void {
    if (this.#host.offsetParent === null) return;
    try {
      this.#fit.fit();
    } catch {
      // A pane without a size yet (hidden tab) is fitted when it is shown.
    }
    this.pane.shell.setColumns(this.term.cols);
  }

  setTheme(theme: SiteTheme): void {
    this.term.options.theme = xtermTheme(theme);
  }

  setScreenReaderMode(on: boolean): void {
    this.term.options.screenReaderMode = on;
  }

  focus(): void {
    this.term.focus();
  }

  /** Everything in the terminal's buffer as text, one line per row (what tests read). */
  text(): string {
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) {
      const line = buffer.getLine(i);
      if (!line) continue;
      const text = line.translateToString(true);
      if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
      else lines.push(text);
    }
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  }

  dispose(): void {
    this.#resize.disconnect();
    this.pane.output = null;
    this.term.dispose();
  }

  /** Copy with Ctrl-Shift-C (or Ctrl-C over a selection); paste is left to the browser. */
  #key(event: KeyboardEvent): boolean {
    if (event.type !== 'keydown') return true;
    const ctrl = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (ctrl && key === 'c' && (event.shiftKey || this.term.hasSelection())) {
      void navigator.clipboard?.writeText(this.term.getSelection()).catch(() => {});
      if (!event.shiftKey) this.term.clearSelection();
      event.preventDefault();
      return false;
    }
    if (ctrl && key === 'v') return false;
    return true;
  }

  #input(data: string): void {
    if (this.#exited) {
      if (data.includes('\r')) this.#restart();
      return;
    }
    if (this.#busy && data.includes('\x03')) {
      this.#editor.discardTypeahead();
      this.#record('^C');
      this.#workspace.interrupt(this.pane.spec.id);
      return;
    }
    this.#editor.feed(data);
  }

  /** Text that stays on screen and in the transcript. */
  #record(text: string): void {
    this.pane.transcript.append(text);
    this.#write(text);
  }

  #write(text: string): void {
    if (text === '') return;
    this.term.write(text);
    this.#atLineStart = text.endsWith('\n');
  }

  #output(chunk: string): void {
    if (this.#editor.active) {
      // Output of a background job while a line is being typed: lift the prompt, print, redraw it.
      this.#editor.hide();
      this.#record(chunk);
      if (!this.#atLineStart) this.#write('\r\n');
      this.#editor.show();
    } else {
      this.#record(chunk);
    }
    this.#options.onActivity();
  }

  #prompt(): void {
    if (!this.#atLineStart) this.#record('\n');
    const prompt = this.#pending.length > 0 ? '> ' : this.pane.shell.prompt();
    this.#editor.start(prompt);
  }

  async #line(text: string): Promise<void> {
    this.pane.transcript.append(`${this.#editor.prompt}${text}\n`);
    this.#atLineStart = true;
    this.#pending.push(text);
    const script = this.#pending.join('\n');
    if (!isComplete(script)) {
      this.#prompt();
      return;
    }
    this.#pending = [];
    if (script.trim() === '') {
      this.#prompt();
      return;
    }
    await this.#run(script, true);
  }

  async #run(script: string, history: boolean): Promise<void> {
    this.#busy = true;
    this.element.dataset.busy = 'true';
    this.#options.onActivity();
    try {
      await this.#workspace.run(this.pane.spec.id, script, { history });
    } finally {
      this.#busy = false;
      delete this.element.dataset.busy;
    }
    this.#options.onActivity();
    if (this.pane.shell.exited) this.#showExited();
    else this.#prompt();
  }

  #cancelLine(): void {
    this.pane.transcript.append(`${this.#editor.prompt}${this.#editor.line}^C\n`);
    this.#atLineStart = true;
    this.#pending = [];
    this.#prompt();
  }

  async #eof(): Promise<void> {
    if (this.#pending.length > 0) {
      this.#record('\nbash: syntax error: unexpected end of file\n');
      this.#pending = [];
      this.#prompt();
      return;
    }
    this.pane.transcript.append(this.#editor.prompt);
    this.#record('exit\n');
    await this.#run('exit', false);
  }

  #showExited(): void {
    this.#exited = true;
    this.element.dataset.exited = 'true';
    this.#record(`\x1b[2m${this.#options.exitedMessage}\x1b[0m\n`);
  }

  #restart(): void {
    this.#exited = false;
    delete this.element.dataset.exited;
    this.#workspace.restart(this.pane.spec.id);
    this.#record('\n');
    this.#prompt();
  }
}
