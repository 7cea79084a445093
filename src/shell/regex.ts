/** POSIX regular expressions (basic and extended) translated to JavaScript ones. */

const CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  digit: '0-9',
  alnum: 'a-zA-Z0-9',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  xdigit: '0-9A-Fa-f',
  cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e',
  graph: '\\x21-\\x7e',
};

export interface RegexOptions {
  /** ERE (grep -E, sed -E, awk) rather than BRE. */
  extended: boolean;
  /** awk reads backslash escapes inside brackets; grep and sed take them literally. */
  bracketEscapes?: boolean;
}

/** Copies a bracket expression starting at `i` (the '['); returns [js, index after ']']. */
function bracket(src: string, i: number, escapes: boolean): [string, number] {
  let j = i + 1;
  let out = '[';
  if (src[j] === '^') {
    out += '^';
    j++;
  }
  let first = true;
  for (; j < src.length; j++) {
    const c = src[j] as string;
    if (c === ']' && !first) return [`${out}]`, j + 1];
    first = false;
    const cls = /^\[:([a-z]+):\]/.exec(src.slice(j));
    if (cls) {
      out += CLASSES[cls[1] as string] ?? '';
      j += cls[0].length - 1;
      continue;
    }
    if (c === '\\') {
      if (escapes && j + 1 < src.length) {
        out += `\\${src[++j]}`;
      } else out += '\\\\';
      continue;
    }
    if (c === '[' || c === ']') out += `\\${c}`;
    else out += c;
  }
  return ['\\[', i + 1];
}

/** Translates a POSIX regex to a JavaScript regex source. */
export function translateRegex(src: string, options: RegexOptions): string {
  const ere = options.extended;
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '[') {
      const [b, next] = bracket(src, i, options.bracketEscapes ?? false);
      out += b;
      i = next - 1;
      continue;
    }
    if (c === '\\' && i + 1 < src.length) {
      const n = src[++i] as string;
      if (n === '<') out += '\\b(?=\\w)';
      else if (n === '>') out += '\\b(?<=\\w)';
      else if (!ere && '(){}|+?'.includes(n)) out += n;
      else if ('wWsSbB1234567890'.includes(n)) out += `\\${n}`;
      else if (n === 'n') out += '\\n';
      else if (n === 't') out += '\\t';
      else if (n === '/') out += '\\/';
      else out += /[a-zA-Z]/.test(n) ? n : `\\${n}`;
      continue;
    }
    if (!ere && '(){}|+?'.includes(c)) {
      out += `\\${c}`;
      continue;
    }
    if (c === '*' && (out === '' || out.endsWith('(') || out.endsWith('|') || out === '^')) {
      out += '\\*';
      continue;
    }
    if (ere && c === '{' && !/^\{\d+(,\d*)?\}/.test(src.slice(i))) {
      out += '\\{';
      continue;
    }
    if (c === '/') {
      out += '\\/';
      continue;
    }
    out += c;
  }
  return out;
}

/** Compiles a POSIX regex; null when it is not valid. */
export function compileRegex(src: string, options: RegexOptions & { flags?: string }): RegExp | null {
  try {
    return new RegExp(translateRegex(src, options), options.flags ?? '');
  } catch {
    return null;
  }
}
