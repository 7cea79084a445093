/**
 * What xterm's onData hands over, split into what a line editor acts on: runs of text, named keys
 * (Enter, arrows, Ctrl-A, Alt-B, …) and bracketed pastes.
 */

export type Token = { kind: 'text'; text: string } | { kind: 'key'; name: string } | { kind: 'paste'; text: string };

const PASTE_START = '\x1b[200~';
const PASTE_END = '\x1b[201~';

const CSI_KEYS: Record<string, string> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  '1~': 'home',
  '7~': 'home',
  '4~': 'end',
  '8~': 'end',
  '3~': 'delete',
  '1;5C': 'ctrl-right',
  '1;5D': 'ctrl-left',
  '1;3C': 'alt-f',
  '1;3D': 'alt-b',
  '5~': 'page-up',
  '6~': 'page-down',
};

const CONTROL: Record<number, string> = {
  13: 'enter',
  10: 'enter',
  9: 'tab',
  127: 'backspace',
  8: 'backspace',
};

/** Splits one onData chunk into tokens. */
export function parseInput(data: string): Token[] {
  const tokens: Token[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') tokens.push({ kind: 'text', text });
    text = '';
  };
  const key = (name: string) => {
    flush();
    tokens.push({ kind: 'key', name });
  };
  let i = 0;
  while (i < data.length) {
    if (data.startsWith(PASTE_START, i)) {
      flush();
      const end = data.indexOf(PASTE_END, i + PASTE_START.length);
      const stop = end < 0 ? data.length : end;
      tokens.push({ kind: 'paste', text: data.slice(i + PASTE_START.length, stop) });
      i = end < 0 ? data.length : end + PASTE_END.length;
      continue;
    }
    const c = data.charCodeAt(i);
    if (c === 0x1b) {
      const next = data[i + 1];
      if (next === '[' || next === 'O') {
        const m = /^[0-9;]*[~A-Za-z]/.exec(data.slice(i + 2));
        if (m) {
          key(CSI_KEYS[m[0]] ?? `unknown:${m[0]}`);
          i += 2 + m[0].length;
          continue;
        }
      }
      if (next === undefined) {
        key('esc');
        i++;
        continue;
      }
      if (next === '\x7f' || next === '\b') key('alt-backspace');
      else key(`alt-${next.toLowerCase()}`);
      i += 2;
      continue;
    }
    const named = CONTROL[c];
    if (c === 0x0d && data[i + 1] === '\n') i++;
    if (named !== undefined) key(named);
    else if (c < 0x20) key(`ctrl-${String.fromCharCode(c + 0x60)}`);
    else text += data[i];
    i++;
  }
  flush();
  return tokens;
}
