/** The line editor against a tiny VT screen: what it draws, where the cursor is, what it hands on. */
import { describe, expect, it } from 'vitest';
import { History, joinForHistory } from './history.ts';
import { parseInput } from './keys.ts';
import { type CompletionResult, LineEditor } from './line-editor.ts';

/** Enough of a VT100 for the editor's output: text, CR, LF, cursor moves, erase below, clear. */
class Screen {
  rows: string[][] = [[]];
  r = 0;
  c = 0;
  wrap = false;
  readonly cols: number;
  constructor(cols: number) {
    this.cols = cols;
  }
  write(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const ch = data[i] as string;
      if (ch === '\x1b') {
        const m = /^\[(\??)(\d*)([A-Za-z~])/.exec(data.slice(i + 1)) as RegExpExecArray;
        i += m[0].length;
        const n = Number(m[2] || '1');
        if (m[1] === '?') continue;
        if (m[3] === 'A') this.r = Math.max(0, this.r - n);
        if (m[3] === 'B') this.r += n;
        if (m[3] === 'C') this.c = Math.min(this.cols - 1, this.c + n);
        if (m[3] === 'H') [this.r, this.c] = [0, 0];
        if (m[3] === 'J' && m[2] === '2') this.rows = [[]];
        if (m[3] === 'J' && m[2] !== '2') {
          this.line().length = this.c;
          this.rows.length = this.r + 1;
        }
        this.wrap = false;
        continue;
      }
      if (ch === '\r') [this.c, this.wrap] = [0, false];
      else if (ch === '\n') {
        [this.r, this.wrap] = [this.r + 1, false];
        this.line();
      } else if (ch === '\x07') continue;
      else {
        if (this.wrap) [this.r, this.c, this.wrap] = [this.r + 1, 0, false];
        const line = this.line();
        while (line.length < this.c) line.push(' ');
        line[this.c] = ch;
        if (this.c === this.cols - 1) this.wrap = true;
        else this.c++;
      }
    }
  }
  line(): string[] {
    while (this.rows.length <= this.r) this.rows.push([]);
    return this.rows[this.r] as string[];
  }
  text(): string {
    return this.rows.map((r) => r.join('').trimEnd()).join('\n');
  }
}

function setup(
  options: { cols?: number; history?: string[]; complete?: (l: string, c: number) => CompletionResult } = {},
) {
  const screen = new Screen(options.cols ?? 40);
  const events: string[] = [];
  const history = new History(options.history ?? []);
  const editor = new LineEditor({
    io: { write: (d) => screen.write(d), columns: () => screen.cols },
    history,
    complete: options.complete,
    onLine: (text) => events.push(`line:${text}`),
    onInterrupt: () => events.push('interrupt'),
    onEof: () => events.push('eof'),
  });
  editor.start('$ ');
  return { screen, events, editor, history };
}

describe('LineEditor', () => {
  it('echoes typing and hands the line on at Enter', () => {
    const { screen, events, editor } = setup();
    editor.feed('echo hi\r');
    expect(events).toEqual(['line:echo hi']);
    expect(screen.text()).toBe('$ echo hi\n');
    expect([screen.r, screen.c]).toEqual([1, 0]);
    expect(editor.active).toBe(false);
  });

  it('moves and edits by character and word', () => {
    const { screen, editor } = setup();
    editor.feed('world\x1b[Hhello \x1b[F!');
    expect(editor.line).toBe('hello world!');
    editor.feed('\x1bb\x1bb');
    expect(editor.cursor).toBe(0);
    editor.feed('\x1bf\x1b[C\x1bd');
    expect(editor.line).toBe('hello !');
    editor.feed('\x05\x7f\x01\x1b[3~');
    expect(editor.line).toBe('ello ');
    expect(screen.text()).toBe('$ ello');
    expect(screen.c).toBe(2);
  });

  it('kills and yanks with Ctrl-K, Ctrl-U, Ctrl-W and Ctrl-Y', () => {
    const { editor } = setup();
    editor.feed('ip link show dev eth0');
    editor.feed('\x17');
    expect(editor.line).toBe('ip link show dev ');
    editor.feed('\x19');
    expect(editor.line).toBe('ip link show dev eth0');
    editor.feed('\x01\x1bf\x0b');
    expect(editor.line).toBe('ip');
    editor.feed('\x15');
    expect(editor.line).toBe('');
    editor.feed('\x19');
    expect(editor.line).toBe('ip');
  });

  it('keeps the cursor right on wrapped lines', () => {
    const { screen, editor } = setup({ cols: 10 });
    editor.feed('abcdefghijklmnop');
    expect(screen.text()).toBe('$ abcdefgh\nijklmnop');
    editor.feed('\x01X');
    expect(screen.text()).toBe('$ Xabcdefg\nhijklmnop');
    expect([screen.r, screen.c]).toEqual([0, 3]);
    editor.feed('\x05');
    expect([screen.r, screen.c]).toEqual([1, 9]);
    editor.feed('Q');
    // Exactly two full rows: the cursor waits at the start of a third.
    expect(screen.text()).toBe('$ Xabcdefg\nhijklmnopQ\n');
    expect([screen.r, screen.c]).toEqual([2, 0]);
    editor.feed('\r');
    expect([screen.r, screen.c]).toEqual([2, 0]);
  });

  it('walks the history with ↑ and ↓ and keeps the line being typed', () => {
    const { editor } = setup({ history: ['one', 'two'] });
    editor.feed('dra');
    editor.feed('\x1b[A');
    expect(editor.line).toBe('two');
    editor.feed('\x1b[A\x1b[A');
    expect(editor.line).toBe('one');
    editor.feed('\x1b[B\x1b[B');
    expect(editor.line).toBe('dra');
  });

  it('searches the history with Ctrl-R', () => {
    const { screen, events, editor } = setup({ cols: 60, history: ['ping 10.0.0.2', 'ip a', 'ping -c 1 10.0.0.1'] });
    editor.feed('\x12pin');
    expect(screen.text()).toBe("(reverse-i-search)`pin': ping -c 1 10.0.0.1");
    editor.feed('\x12');
    expect(editor.line).toBe('ping 10.0.0.2');
    editor.feed('x');
    expect(screen.text()).toBe("(failed reverse-i-search)`pinx': ping 10.0.0.2");
    editor.feed('\x7f\r');
    expect(events).toEqual(['line:ping 10.0.0.2']);
  });

  it('gives the line back when a search is cancelled', () => {
    const { screen, editor } = setup({ history: ['ip a'] });
    editor.feed('ls\x12ip\x07');
    expect(editor.line).toBe('ls');
    expect(screen.text()).toBe('$ ls');
    editor.feed('\x12ip\x1b[D');
    expect(editor.line).toBe('ip a');
    expect(screen.text()).toBe('$ ip a');
  });

  it('completes a sole match, a common prefix, and lists on a second Tab', () => {
    const names = ['tcpdump', 'tee', 'test'];
    const complete = (line: string, cursor: number): CompletionResult => {
      const start = line.lastIndexOf(' ', cursor - 1) + 1;
      const word = line.slice(start, cursor);
      return { start, items: names.filter((n) => n.startsWith(word)).map((value) => ({ value, suffix: ' ' })) };
    };
    const { screen, editor } = setup({ complete });
    editor.feed('tc\t');
    expect(editor.line).toBe('tcpdump ');
    editor.feed('\x15t\t');
    expect(editor.line).toBe('t');
    editor.feed('e\t');
    expect(editor.line).toBe('te');
    editor.feed('\t');
    expect(screen.text()).toBe('$ te\ntee   test\n$ te');
    expect(editor.line).toBe('te');
  });

  it('turns Ctrl-C into an interrupt and Ctrl-D into end of file or delete', () => {
    const { screen, events, editor } = setup();
    editor.feed('sleep 5\x03');
    expect(screen.text()).toBe('$ sleep 5^C\n');
    editor.start('$ ');
    editor.feed('ab\x01\x04');
    expect(editor.line).toBe('b');
    editor.feed('\x05\x15\x04');
    expect(events).toEqual(['interrupt', 'eof']);
  });

  it('runs a multi-line paste line by line, holding the rest as type-ahead', () => {
    const { events, editor } = setup();
    editor.feed('\x1b[200~echo a\necho\tb\r\necho c\x1b[201~');
    expect(events).toEqual(['line:echo a']);
    editor.start('$ ');
    expect(events).toEqual(['line:echo a', 'line:echo b']);
    editor.start('$ ');
    expect(editor.line).toBe('echo c');
  });

  it('lifts the prompt for other output and puts it back', () => {
    const { screen, editor } = setup();
    editor.feed('ip li');
    editor.hide();
    screen.write('job output\r\n');
    editor.show();
    expect(screen.text()).toBe('job output\n$ ip li');
    expect(editor.line).toBe('ip li');
  });

  it('clears the screen with Ctrl-L and keeps the line', () => {
    const { screen, editor } = setup();
    editor.feed('abc\x0c');
    expect(screen.text()).toBe('$ abc');
    expect(screen.r).toBe(0);
  });
});

describe('parseInput', () => {
  it('names keys, keeps text runs and brackets pastes', () => {
    expect(parseInput('ab\x1b[A\x1bOH\x1b[1;5C\x1bb\x1b\x7f\x03\r\n\x1b[200~x\ny\x1b[201~')).toEqual([
      { kind: 'text', text: 'ab' },
      { kind: 'key', name: 'up' },
      { kind: 'key', name: 'home' },
      { kind: 'key', name: 'ctrl-right' },
      { kind: 'key', name: 'alt-b' },
      { kind: 'key', name: 'alt-backspace' },
      { kind: 'key', name: 'ctrl-c' },
      { kind: 'key', name: 'enter' },
      { kind: 'paste', text: 'x\ny' },
    ]);
  });
});

describe('History', () => {
  it('skips blanks and repeats, and caps its length', () => {
    const h = new History([], 3);
    for (const line of ['a', 'a', ' ', 'b', 'c', 'd']) h.add(line);
    expect(h.entries).toEqual(['b', 'c', 'd']);
    expect(h.search('c')).toBe(1);
    expect(h.search('c', 0)).toBe(-1);
  });

  it('joins a command typed over several lines as bash does', () => {
    expect(joinForHistory(['for i in 1 2; do', 'echo $i', 'done'])).toBe('for i in 1 2; do echo $i; done');
    expect(joinForHistory(['echo a |', 'wc -l'])).toBe('echo a | wc -l');
    expect(joinForHistory(['echo a \\', 'b'])).toBe('echo a b');
    expect(joinForHistory(['if true', 'then echo y', 'fi'])).toBe('if true; then echo y; fi');
  });
});
