/**
 * The terminal's line editor (readline's emacs keys): it draws the prompt and the line being typed,
 * moves and edits by character and word, keeps a kill buffer, walks and searches the pane's
 * history, completes on Tab and turns a bracketed paste into lines. It knows nothing of xterm: it
 * reads tokens and writes escape sequences, so it is tested without a browser.
 */

import type { History } from './history.ts';
import { parseInput, type Token } from './keys.ts';
import { charWidth, textWidth } from './width.ts';

export interface EditorIo {
  /** Writes to the terminal. */
  write(data: string): void;
  /** The terminal's width in cells. */
  columns(): number;
}

export interface CompletionItem {
  /** The whole word that replaces the one being completed. */
  value: string;
  /** What follows a sole match: a space, or nothing after a directory's `/`. */
  suffix: string;
}

export interface CompletionResult {
  /** Where the word being completed starts (a string index into the line). */
  start: number;
  items: CompletionItem[];
}

export interface EditorOptions {
  io: EditorIo;
  history: History;
  complete?: (line: string, cursor: number) => CompletionResult;
  /** Enter: the editor has moved to a new row and stopped reading; `start` shows the next prompt. */
  onLine(text: string): void;
  /** Ctrl-C on the line: `^C` is echoed and the line dropped. */
  onInterrupt(): void;
  /** Ctrl-D on an empty line. */
  onEof(): void;
}

interface Search {
  query: string;
  /** History index of the entry shown, or -1 when nothing matched. */
  match: number;
  failed: boolean;
  saved: { chars: string[]; cursor: number };
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_]/u.test(ch);

export class LineEditor {
  readonly #io: EditorIo;
  readonly #history: History;
  readonly #options: EditorOptions;
  #prompt = '';
  #chars: string[] = [];
  #cursor = 0;
  /** Row of the terminal cursor below the prompt's first row. */
  #row = 0;
  #active = false;
  #visible = false;
  #histIndex = 0;
  #draft: string[] | null = null;
  #search: Search | null = null;
  #kill = '';
  #lastKey = '';
  #queue: Token[] = [];

  constructor(options: EditorOptions) {
    this.#io = options.io;
    this.#history = options.history;
    this.#options = options;
  }

  /** True while a prompt is shown and keys edit the line. */
  get active(): boolean {
    return this.#active;
  }

  get line(): string {
    return this.#chars.join('');
  }

  /** The cursor as an index into `line`. */
  get cursor(): number {
    return this.#chars.slice(0, this.#cursor).join('').length;
  }

  get prompt(): string {
    return this.#prompt;
  }

  /** Shows `prompt` with `initial` text and reads keys, typed-ahead ones first. */
  start(prompt: string, initial = ''): void {
    this.#prompt = prompt;
    this.#chars = Array.from(initial);
    this.#cursor = this.#chars.length;
    this.#histIndex = this.#history.length;
    this.#draft = null;
    this.#search = null;
    this.#lastKey = '';
    this.#active = true;
    this.#row = 0;
    this.#visible = true;
    this.#io.write(this.#drawn());
    this.#drain();
  }

  /** Input from the terminal; kept as type-ahead while no prompt is shown. */
  feed(data: string): void {
    this.#queue.push(...parseInput(data));
    this.#drain();
  }

  /** Drops type-ahead (Ctrl-C while a command runs). */
  discardTypeahead(): void {
    this.#queue = [];
  }

  /** Takes the prompt and line off the screen so other output can be written where they were. */
  hide(): void {
    if (!this.#visible) return;
    this.#io.write(this.#erased());
    this.#visible = false;
  }

  /** Draws the prompt and line again after `hide` (on a fresh row). */
  show(): void {
    if (!this.#active || this.#visible) return;
    this.#row = 0;
    this.#visible = true;
    this.#io.write(this.#drawn());
  }

  /** Redraws after the screen was cleared (Ctrl-L, or the host cleared it). */
  redraw(): void {
    if (!this.#active) return;
    this.#row = 0;
    this.#visible = true;
    this.#io.write(this.#drawn());
  }

  #drain(): void {
    while (this.#active && this.#queue.length > 0) this.#handle(this.#queue.shift() as Token);
  }

  #handle(token: Token): void {
    if (token.kind === 'paste') {
      const parts = token.text.replaceAll('\t', ' ').split(/\r\n|\r|\n/);
      const tokens: Token[] = [];
      parts.forEach((part, i) => {
        if (i > 0) tokens.push({ kind: 'key', name: 'enter' });
        if (part !== '') tokens.push({ kind: 'text', text: part });
      });
      this.#queue.unshift(...tokens);
      return;
    }
    if (this.#search && this.#searchKey(token)) return;
    if (token.kind === 'text') {
      this.#insert(Array.from(token.text).filter((ch) => charWidth(ch) > 0 || ch === ' '));
      this.#lastKey = 'text';
      return;
    }
    const name = token.name;
    const lastKey = this.#lastKey;
    this.#lastKey = name;
    switch (name) {
      case 'enter':
        this.#accept();
        return;
      case 'ctrl-c':
        this.#interrupt();
        return;
      case 'ctrl-d':
        if (this.#chars.length === 0) {
          this.#finish('');
          this.#options.onEof();
          return;
        }
        this.#edit(() => this.#chars.splice(this.#cursor, 1));
        return;
      case 'tab':
        this.#complete(lastKey === 'tab');
        return;
      case 'left':
      case 'ctrl-b':
        this.#move(this.#cursor - 1);
        return;
      case 'right':
      case 'ctrl-f':
        this.#move(this.#cursor + 1);
        return;
      case 'home':
      case 'ctrl-a':
        this.#move(0);
        return;
      case 'end':
      case 'ctrl-e':
        this.#move(this.#chars.length);
        return;
      case 'alt-b':
      case 'ctrl-left':
        this.#move(this.#wordStart(this.#cursor));
        return;
      case 'alt-f':
      case 'ctrl-right':
        this.#move(this.#wordEnd(this.#cursor));
        return;
      case 'backspace':
        if (this.#cursor === 0) return;
        this.#edit(() => this.#chars.splice(--this.#cursor, 1));
        return;
      case 'delete':
        this.#edit(() => this.#chars.splice(this.#cursor, 1));
        return;
      case 'ctrl-k':
        this.#killRange(this.#cursor, this.#chars.length);
        return;
      case 'ctrl-u':
        this.#killRange(0, this.#cursor);
        return;
      case 'ctrl-w': {
        let start = this.#cursor;
        while (start > 0 && this.#chars[start - 1] === ' ') start--;
        while (start > 0 && this.#chars[start - 1] !== ' ') start--;
        this.#killRange(start, this.#cursor);
        return;
      }
      case 'alt-backspace':
        this.#killRange(this.#wordStart(this.#cursor), this.#cursor);
        return;
      case 'alt-d':
        this.#killRange(this.#cursor, this.#wordEnd(this.#cursor));
        return;
      case 'ctrl-y':
        this.#insert(Array.from(this.#kill));
        return;
      case 'ctrl-t': {
        if (this.#cursor === 0 || this.#chars.length < 2) return;
        const at = this.#cursor === this.#chars.length ? this.#cursor - 1 : this.#cursor;
        const a = this.#chars[at - 1] as string;
        const b = this.#chars[at] as string;
        this.#edit(() => {
          this.#chars.splice(at - 1, 2, b, a);
          this.#cursor = at + 1;
        });
        return;
      }
      case 'up':
      case 'ctrl-p':
        this.#historyTo(this.#histIndex - 1);
        return;
      case 'down':
      case 'ctrl-n':
        this.#historyTo(this.#histIndex + 1);
        return;
      case 'ctrl-r':
        this.#startSearch();
        return;
      case 'ctrl-l':
        this.#io.write('\x1b[H\x1b[2J');
        this.redraw();
        return;
      case 'ctrl-g':
        this.#io.write('\x07');
        return;
      default:
        return;
    }
  }

  #accept(): void {
    const line = this.line;
    this.#finish('\r\n');
    this.#options.onLine(line);
  }

  #interrupt(): void {
    this.#finish('^C\r\n');
    this.#options.onInterrupt();
  }

  /** Leaves the line: cursor after its end, `tail` written, no longer reading keys. */
  #finish(tail: string): void {
    const cells = this.#cells(this.#chars.length);
    // A line that fills its last row exactly already left the cursor on a fresh row.
    const end = cells > 0 && cells % this.#cols() === 0 && tail.startsWith('\r\n') ? tail.slice(2) : tail;
    this.#io.write(`${this.#moveTo(this.#chars.length)}${end}`);
    this.#search = null;
    this.#active = false;
    this.#visible = false;
  }

  #insert(chars: string[]): void {
    if (chars.length === 0) return;
    const atEnd = this.#cursor === this.#chars.length;
    this.#chars.splice(this.#cursor, 0, ...chars);
    this.#cursor += chars.length;
    const cells = this.#cells(this.#cursor);
    // Typing at the end of the line just echoes, unless the text ends exactly at a row's edge.
    if (atEnd && cells % this.#cols() !== 0) {
      this.#io.write(chars.join(''));
      this.#row = Math.floor(cells / this.#cols());
      return;
    }
    this.#refresh();
  }

  #edit(change: () => void): void {
    change();
    this.#refresh();
  }

  #move(to: number): void {
    const target = Math.max(0, Math.min(this.#chars.length, to));
    if (target === this.#cursor) return;
    this.#io.write(this.#moveTo(target));
  }

  #killRange(from: number, to: number): void {
    if (to <= from) return;
    this.#kill = this.#chars.slice(from, to).join('');
    this.#edit(() => {
      this.#chars.splice(from, to - from);
      this.#cursor = from;
    });
  }

  #wordStart(from: number): number {
    let i = from;
    while (i > 0 && !isWordChar(this.#chars[i - 1])) i--;
    while (i > 0 && isWordChar(this.#chars[i - 1])) i--;
    return i;
  }

  #wordEnd(from: number): number {
    let i = from;
    while (i < this.#chars.length && !isWordChar(this.#chars[i])) i++;
    while (i < this.#chars.length && isWordChar(this.#chars[i])) i++;
    return i;
  }

  #historyTo(index: number): void {
    if (index < 0 || index > this.#history.length || index === this.#histIndex) return;
    if (this.#histIndex === this.#history.length) this.#draft = this.#chars.slice();
    this.#histIndex = index;
    this.#chars = index === this.#history.length ? (this.#draft ?? []) : Array.from(this.#history.at(index) ?? '');
    this.#cursor = this.#chars.length;
    this.#refresh();
  }

  #complete(again: boolean): void {
    const complete = this.#options.complete;
    if (!complete) return;
    const line = this.line;
    const cursorIndex = this.cursor;
    const { start, items } = complete(line, cursorIndex);
    const word = line.slice(start, cursorIndex);
    const startChar = Array.from(line.slice(0, start)).length;
    const replace = (text: string) =>
      this.#edit(() => {
        this.#chars.splice(startChar, this.#cursor - startChar, ...Array.from(text));
        this.#cursor = startChar + Array.from(text).length;
      });
    const values = [...new Set(items.map((i) => i.value))];
    if (values.length === 0) {
      this.#io.write('\x07');
      return;
    }
    if (values.length === 1) {
      const item = items[0] as CompletionItem;
      replace(`${item.value}${item.suffix}`);
      return;
    }
    const common = commonPrefix(values);
    if (common.length > word.length) {
      replace(common);
      return;
    }
    if (!again) {
      this.#io.write('\x07');
      return;
    }
    this.#io.write(`${this.#moveTo(this.#chars.length)}\r\n${formatColumns(values, this.#cols())}`);
    this.#row = 0;
    this.#io.write(this.#drawn());
  }

  #startSearch(): void {
    if (this.#search) {
      this.#searchStep(this.#search.query, this.#search.match - 1);
      return;
    }
    this.#search = {
      query: '',
      match: -1,
      failed: false,
      saved: { chars: this.#chars.slice(), cursor: this.#cursor },
    };
    this.#refresh();
  }

  /** Keys while Ctrl-R searches; false hands the key on to normal editing (after accepting the match). */
  #searchKey(token: Exclude<Token, { kind: 'paste' }>): boolean {
    const search = this.#search as Search;
    if (token.kind === 'text') {
      this.#searchStep(search.query + token.text, search.match < 0 ? this.#history.length - 1 : search.match);
      return true;
    }
    switch (token.name) {
      case 'ctrl-r':
        this.#searchStep(search.query, (search.match < 0 ? this.#history.length : search.match) - 1);
        return true;
      case 'backspace':
        this.#searchStep(search.query.slice(0, -1), search.match < 0 ? this.#history.length - 1 : search.match);
        return true;
      case 'ctrl-g':
      case 'esc':
        this.#chars = search.saved.chars;
        this.#cursor = search.saved.cursor;
        this.#search = null;
        this.#refresh();
        return true;
      case 'ctrl-c':
        return false;
      default:
        // Any other key takes the match as the line and then acts on it (Enter runs it).
        this.#search = null;
        this.#histIndex = this.#history.length;
        this.#refresh();
        return false;
    }
  }

  #searchStep(query: string, from: number): void {
    const search = this.#search as Search;
    search.query = query;
    const found = query === '' ? -1 : this.#history.search(query, from);
    search.failed = query !== '' && found < 0;
    if (found >= 0) {
      search.match = found;
      const entry = this.#history.at(found) ?? '';
      this.#chars = Array.from(entry);
      this.#cursor = Array.from(entry.slice(0, entry.lastIndexOf(query))).length;
    }
    this.#refresh();
  }

  #cols(): number {
    return Math.max(1, this.#io.columns());
  }

  #shownPrompt(): string {
    const search = this.#search;
    if (!search) return this.#prompt;
    return `(${search.failed ? 'failed ' : ''}reverse-i-search)\`${search.query}': `;
  }

  /** Cells from the prompt's start to character `index` of the line. */
  #cells(index: number): number {
    let cells = textWidth(this.#shownPrompt());
    for (let i = 0; i < index; i++) cells += charWidth(this.#chars[i] as string);
    return cells;
  }

  /** Escape sequences that move the cursor from where it is to character `index`. */
  #moveTo(index: number): string {
    const cols = this.#cols();
    const cells = this.#cells(index);
    const row = Math.floor(cells / cols);
    const col = cells % cols;
    let out = '';
    if (row < this.#row) out += `\x1b[${this.#row - row}A`;
    else if (row > this.#row) out += `\x1b[${row - this.#row}B`;
    out += '\r';
    if (col > 0) out += `\x1b[${col}C`;
    this.#cursor = index;
    this.#row = row;
    return out;
  }

  /** Back to the prompt's first row, column 0, with everything below erased. */
  #erased(): string {
    const up = this.#row > 0 ? `\x1b[${this.#row}A` : '';
    this.#row = 0;
    return `${up}\r\x1b[J`;
  }

  /** Prompt and line written from the prompt's first row, then the cursor put in place. */
  #drawn(): string {
    const cols = this.#cols();
    let out = this.#shownPrompt() + this.#chars.join('');
    const total = this.#cells(this.#chars.length);
    // A line that fills its last row exactly leaves the cursor waiting to wrap; wrap it now.
    if (total > 0 && total % cols === 0) out += '\r\n';
    this.#row = Math.floor(total / cols);
    const cursor = this.#cursor;
    out += this.#moveTo(cursor);
    return out;
  }

  #refresh(): void {
    if (!this.#visible) return;
    this.#io.write(this.#erased() + this.#drawn());
  }
}

function commonPrefix(values: string[]): string {
  let prefix = values[0] ?? '';
  for (const v of values) {
    while (!v.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix;
}

/** Candidates in columns, down then across, as bash lists them. */
export function formatColumns(values: string[], cols: number): string {
  const width = Math.max(...values.map(textWidth)) + 2;
  const perRow = Math.max(1, Math.floor(cols / width));
  const rows = Math.ceil(values.length / perRow);
  let out = '';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const value = values[c * rows + r];
      if (value === undefined) continue;
      line += value + ' '.repeat(Math.max(0, width - textWidth(value)));
    }
    out += `${line.trimEnd()}\r\n`;
  }
  return out;
}
