/** Shell patterns (`*`, `?`, `[…]`) for globbing, `case`, `[[ == ]]` and `${x#pat}`. */

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: '\\s',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
};

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * A pattern as text plus, per character, whether it was quoted (and so matches itself only).
 * Without a mask every character is active.
 */
export interface Pattern {
  text: string;
  literal?: boolean[];
}

export function hasGlobChars(p: Pattern): boolean {
  for (let i = 0; i < p.text.length; i++) {
    if (p.literal?.[i]) continue;
    const c = p.text[i];
    if (c === '*' || c === '?' || c === '[') return true;
  }
  return false;
}

/** The regex source for a pattern (no anchors). */
export function patternSource(p: Pattern): string {
  const { text } = p;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (p.literal?.[i]) {
      out += escapeRe(c);
      continue;
    }
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '\\' && i + 1 < text.length) out += escapeRe(text[++i] as string);
    else if (c === '[') {
      const end = findBracketEnd(text, i);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = text.slice(i + 1, end);
      let negate = false;
      if (body[0] === '!' || body[0] === '^') {
        negate = true;
        body = body.slice(1);
      }
      let cls = '';
      for (let j = 0; j < body.length; j++) {
        const m = /^\[:([a-z]+):\]/.exec(body.slice(j));
        if (m) {
          cls += CLASSES[m[1] as string] ?? '';
          j += m[0].length - 1;
          continue;
        }
        const b = body[j] as string;
        if (b === '-' && j > 0 && j < body.length - 1) cls += '-';
        else cls += b === '\\' ? '\\\\' : b.replace(/[\]^\\[]/g, '\\$&');
      }
      out += `[${negate ? '^' : ''}${cls}]`;
      i = end;
    } else out += escapeRe(c);
  }
  return out;
}

function findBracketEnd(text: string, start: number): number {
  let j = start + 1;
  if (text[j] === '!' || text[j] === '^') j++;
  if (text[j] === ']') j++;
  for (; j < text.length; j++) {
    if (text.startsWith('[:', j)) {
      const close = text.indexOf(':]', j + 2);
      if (close > 0) {
        j = close + 1;
        continue;
      }
    }
    if (text[j] === ']') return j;
  }
  return -1;
}

/** Whole-string match, as `case` and `[[ x == pat ]]` do. */
export function matchPattern(p: Pattern | string, value: string): boolean {
  const pat = typeof p === 'string' ? { text: p } : p;
  return new RegExp(`^${patternSource(pat)}$`).test(value);
}

/** `${x#pat}` (prefix) and `${x%pat}` (suffix), shortest or longest match removed. */
export function removeAffix(value: string, p: Pattern, suffix: boolean, longest: boolean): string {
  const re = new RegExp(`^${patternSource(p)}$`);
  if (!suffix) {
    const lengths = [...Array(value.length + 1).keys()];
    if (longest) lengths.reverse();
    for (const n of lengths) if (re.test(value.slice(0, n))) return value.slice(n);
    return value;
  }
  const starts = [...Array(value.length + 1).keys()];
  if (!longest) starts.reverse();
  for (const s of starts) if (re.test(value.slice(s))) return value.slice(0, s);
  return value;
}

/** `${x/pat/rep}`: first (or every, or anchored) longest match replaced. */
export function replacePattern(value: string, p: Pattern, rep: string, mode: '/' | '//' | '/#' | '/%'): string {
  if (p.text === '') return value;
  const src = patternSource(p);
  if (mode === '/#') {
    const m = new RegExp(`^(?:${src})`).exec(value);
    return m ? rep + value.slice(m[0].length) : value;
  }
  if (mode === '/%') {
    for (let s = 0; s <= value.length; s++) {
      if (new RegExp(`^(?:${src})$`).test(value.slice(s))) return value.slice(0, s) + rep;
    }
    return value;
  }
  const re = new RegExp(src, mode === '//' ? 'g' : '');
  return value.replace(re, () => rep);
}
