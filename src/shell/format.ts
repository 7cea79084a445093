/** C-style `printf` formatting shared by the printf builtin and awk. */

/** Backslash escapes as printf's format (and echo -e, and %b) read them; `stop` is set by `\c`. */
export function interpretEscapes(text: string, octalNeedsZero = false): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const n = text[++i] as string;
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      a: '\x07',
      b: '\b',
      f: '\f',
      v: '\v',
      e: '\x1b',
      E: '\x1b',
      '\\': '\\',
      '"': '"',
    };
    if (simple[n] !== undefined) out += simple[n];
    else if (n === 'c') return { text: out, stop: true };
    else if (n === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(i + 1));
      if (m) {
        out += String.fromCharCode(Number.parseInt(m[0], 16));
        i += m[0].length;
      } else out += '\\x';
    } else if (n === '0' || (!octalNeedsZero && n >= '1' && n <= '7')) {
      const digits = n === '0' ? /^[0-7]{0,3}/.exec(text.slice(i + 1)) : /^[0-7]{0,2}/.exec(text.slice(i + 1));
      const d = digits?.[0] ?? '';
      out += String.fromCharCode(Number.parseInt(n === '0' ? d || '0' : n + d, 8));
      i += d.length;
    } else out += `\\${n}`;
  }
  return { text: out, stop: false };
}

export interface Spec {
  flags: string;
  width: number | null;
  precision: number | null;
  conv: string;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  const width = spec.width ?? 0;
  if (s.length >= width) return s;
  if (spec.flags.includes('-')) return s.padEnd(width);
  if (numeric && spec.flags.includes('0') && spec.precision === null) {
    const sign = /^[-+ ]/.test(s) ? (s[0] as string) : '';
    const prefix = /^[-+ ]?0[xX]/.test(s) ? s.slice(sign.length, sign.length + 2) : '';
    const body = s.slice(sign.length + prefix.length);
    return sign + prefix + body.padStart(width - sign.length - prefix.length, '0');
  }
  return s.padStart(width);
}

function signed(body: string, negative: boolean, flags: string): string {
  if (negative) return `-${body}`;
  if (flags.includes('+')) return `+${body}`;
  if (flags.includes(' ')) return ` ${body}`;
  return body;
}

function exponential(v: number, precision: number, upper: boolean): string {
  const s = Math.abs(v)
    .toExponential(precision)
    .replace(/e([+-])(\d)$/, 'e$10$2');
  return upper ? s.toUpperCase() : s;
}

function general(v: number, precision: number, flags: string, upper: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const abs = Math.abs(v);
  if (abs === 0) return '0';
  const exp = Math.floor(Math.log10(abs));
  let s: string;
  if (exp < -4 || exp >= p) {
    s = exponential(abs, p - 1, upper);
    if (!flags.includes('#')) s = s.replace(/\.?0+([eE])/, '$1');
  } else {
    s = abs.toFixed(Math.max(0, p - 1 - exp));
    if (!flags.includes('#') && s.includes('.')) s = s.replace(/\.?0+$/, '');
  }
  return s;
}

/** Formats one conversion. Integers take a bigint or number, floats a number, strings a string. */
export function formatOne(spec: Spec, value: string | number | bigint): string {
  const { conv, flags, precision } = spec;
  switch (conv) {
    case 's': {
      let s = String(value);
      if (precision !== null) s = s.slice(0, precision);
      return pad(s, spec, false);
    }
    case 'c':
      return pad(typeof value === 'string' ? value.charAt(0) : String.fromCharCode(Number(value)), spec, false);
    case 'd':
    case 'i':
    case 'u': {
      const n = typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)) || 0);
      let body = (n < 0n ? -n : n).toString();
      if (precision !== null) body = body.padStart(precision, '0');
      return pad(signed(body, n < 0n, flags), spec, true);
    }
    case 'x':
    case 'X':
    case 'o': {
      let n = typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)) || 0);
      if (n < 0n) n = BigInt.asUintN(64, n);
      let body = n.toString(conv === 'o' ? 8 : 16);
      if (conv === 'X') body = body.toUpperCase();
      if (precision !== null) body = body.padStart(precision, '0');
      if (flags.includes('#') && n !== 0n) body = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + body;
      return pad(body, spec, true);
    }
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G': {
      const v = Number(value);
      const p = precision ?? 6;
      if (!Number.isFinite(v)) return pad(signed(Number.isNaN(v) ? 'nan' : 'inf', v < 0, flags), spec, false);
      let body: string;
      if (conv === 'f' || conv === 'F') body = Math.abs(v).toFixed(p);
      else if (conv === 'e' || conv === 'E') body = exponential(v, p, conv === 'E');
      else body = general(v, p, flags, conv === 'G');
      return pad(signed(body, v < 0 || Object.is(v, -0), flags), spec, true);
    }
    default:
      return '';
  }
}

/** Splits a printf format into literal text and conversion specs (`*` widths marked as -1). */
export function parseFormat(format: string): (string | Spec)[] {
  const out: (string | Spec)[] = [];
  let lit = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c !== '%') {
      lit += c;
      continue;
    }
    if (format[i + 1] === '%') {
      lit += '%';
      i++;
      continue;
    }
    const m = /^%([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d*))?([hlLqjzt]*)([diouxXeEfFgGcsbq])/.exec(format.slice(i));
    if (!m) {
      lit += c;
      continue;
    }
    if (lit) out.push(lit);
    lit = '';
    out.push({
      flags: m[1] ?? '',
      width: m[2] === undefined ? null : m[2] === '*' ? -1 : Number(m[2]),
      precision: m[3] === undefined ? null : m[3] === '*' ? -1 : Number(m[3] || 0),
      conv: m[5] as string,
    });
    i += m[0].length - 1;
  }
  if (lit) out.push(lit);
  return out;
}

function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return s.replace(/[^A-Za-z0-9_./:=@%+,-]/g, '\\$&');
}

/** The shell's printf: the format is reused until every argument is consumed. */
export function shellPrintf(format: string, args: string[]): { out: string; errors: string[] } {
  const pieces = parseFormat(format);
  const errors: string[] = [];
  let out = '';
  let ai = 0;
  const next = (): string | undefined => args[ai++];
  const toInt = (a: string | undefined): bigint => {
    if (a === undefined || a === '') return 0n;
    if (/^['"]/.test(a)) return BigInt(a.codePointAt(1) ?? 0);
    const t = a.trim();
    try {
      if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(t)) return BigInt(t.replace(/^([-+]?)/, '')) * (t.startsWith('-') ? -1n : 1n);
      if (/^[-+]?0[0-7]+$/.test(t)) return BigInt(`0o${t.replace(/^[-+]?0/, '')}`) * (t.startsWith('-') ? -1n : 1n);
      if (/^[-+]?\d+$/.test(t)) return BigInt(t);
    } catch {}
    const lead = /^[-+]?\d+/.exec(t);
    errors.push(`${a}: invalid number`);
    return lead ? BigInt(lead[0]) : 0n;
  };
  for (;;) {
    for (const p of pieces) {
      if (typeof p === 'string') {
        const e = interpretEscapes(p, true);
        out += e.text;
        if (e.stop) return { out, errors };
        continue;
      }
      const spec = { ...p };
      if (spec.width === -1) spec.width = Number(toInt(next()));
      if (spec.width !== null && spec.width < 0) {
        spec.flags += '-';
        spec.width = -spec.width;
      }
      if (spec.precision === -1) spec.precision = Number(toInt(next()));
      const a = next();
      if (spec.conv === 'b') {
        const e = interpretEscapes(a ?? '');
        out += formatOne({ ...spec, conv: 's' }, e.text);
        if (e.stop) return { out, errors };
      } else if (spec.conv === 'q') out += formatOne({ ...spec, conv: 's' }, shellQuote(a ?? ''));
      else if ('diouxXc'.includes(spec.conv)) {
        out += spec.conv === 'c' ? formatOne(spec, a ?? '') : formatOne(spec, toInt(a));
      } else if ('eEfFgG'.includes(spec.conv)) {
        const v = a === undefined || a === '' ? 0 : Number(a);
        if (Number.isNaN(v)) errors.push(`${a}: invalid number`);
        out += formatOne(spec, Number.isNaN(v) ? 0 : v);
      } else out += formatOne(spec, a ?? '');
    }
    if (ai >= args.length || !pieces.some((p) => typeof p !== 'string')) break;
  }
  return { out, errors };
}
