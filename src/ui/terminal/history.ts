/** A pane's command history: what ↑/↓ walk and Ctrl-R searches, newest last. */

export class History {
  readonly #entries: string[];
  readonly max: number;

  constructor(entries: readonly string[] = [], max = 1000) {
    this.max = max;
    this.#entries = entries.slice(-max);
  }

  get entries(): readonly string[] {
    return this.#entries;
  }

  get length(): number {
    return this.#entries.length;
  }

  at(index: number): string | undefined {
    return this.#entries[index];
  }

  /** Adds a line unless it is blank or repeats the newest entry (bash's HISTCONTROL=ignoredups). */
  add(line: string): void {
    if (line.trim() === '' || this.#entries[this.#entries.length - 1] === line) return;
    this.#entries.push(line);
    if (this.#entries.length > this.max) this.#entries.splice(0, this.#entries.length - this.max);
  }

  /** The index of the newest entry at or before `from` that contains `query`, or -1. */
  search(query: string, from = this.#entries.length - 1): number {
    for (let i = Math.min(from, this.#entries.length - 1); i >= 0; i--) {
      if ((this.#entries[i] as string).includes(query)) return i;
    }
    return -1;
  }
}

/** Words after which a command goes on to the next line without a `;` (bash's cmdhist). */
const CONTINUES = /(?:^|\s)(?:do|then|else|elif|in|\{|\()$|(?:\||&&|\|\||;)$/;

/** One history line for a command typed over several lines, the way bash's cmdhist joins them. */
export function joinForHistory(lines: readonly string[]): string {
  let out = '';
  for (const raw of lines) {
    const line = raw.trim();
    if (out === '') out = line;
    else if (out.endsWith('\\')) out = `${out.slice(0, -1)}${line}`;
    else if (line === '') continue;
    else out = CONTINUES.test(out) ? `${out} ${line}` : `${out}; ${line}`;
  }
  return out;
}
