/**
 * What a pane showed, kept for a reload: the committed text (prompts with their lines, command
 * output), bounded to its newest `max` characters and cut at a line start so no escape sequence
 * is split. The line being edited is not part of it; it is drawn again from the editor.
 */
export class Transcript {
  readonly max: number;
  #text: string;

  constructor(text = '', max = 100_000) {
    this.max = max;
    this.#text = '';
    this.append(text);
  }

  get text(): string {
    return this.#text;
  }

  append(chunk: string): void {
    this.#text += chunk;
    if (this.#text.length <= this.max) return;
    const cut = this.#text.length - this.max;
    const lineStart = this.#text.indexOf('\n', cut);
    this.#text = lineStart < 0 ? this.#text.slice(cut) : this.#text.slice(lineStart + 1);
  }

  clear(): void {
    this.#text = '';
  }
}
