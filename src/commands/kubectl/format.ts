/**
 * The text primitives kubectl prints with: Go's text/tabwriter (column blocks), apimachinery's
 * HumanDuration for ages, RFC 1123Z dates for describe, go-yaml v2's emitter as sigs.k8s.io/yaml
 * drives it (sorted keys, quoting, 80-column folding) and encoding/json's MarshalIndent.
 */

/** text/tabwriter with padchar ' ' and no flags: cells end at tabs, columns are per block of lines. */
export function tabwrite(text: string, minwidth: number, padding: number): string {
  const trailingNewline = text.endsWith('\n');
  const lines = (trailingNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];
  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i] ?? [];
      let s = '';
      cells.forEach((c, j) => {
        s += c;
        const w = widths[j];
        if (j < cells.length - 1 && w !== undefined) s += ' '.repeat(Math.max(0, w - [...c].length));
      });
      out.push(s);
    }
  };
  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let t = line0; t < line1; t++) {
      if (column >= (lines[t]?.length ?? 0) - 1) continue;
      writeLines(start, t);
      start = t;
      let width = minwidth;
      for (; t < line1; t++) {
        const line = lines[t] ?? [];
        if (column >= line.length - 1) break;
        width = Math.max(width, [...(line[column] ?? '')].length + padding);
      }
      widths.push(width);
      format(start, t);
      widths.pop();
      start = t;
      t--;
    }
    writeLines(start, line1);
  };
  format(0, lines.length);
  return out.join('\n') + (trailingNewline ? '\n' : '');
}

/** printers' tabwriter for tables: minwidth 6, padding 3. */
export function table(rows: string[][]): string {
  return tabwrite(`${rows.map((r) => r.join('\t')).join('\n')}\n`, 6, 3);
}

/** duration.HumanDuration. */
export function humanDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 10) return s % 60 === 0 ? `${minutes}m` : `${minutes}m${s % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(s / 3600);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8)
    return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** The AGE column: time since an RFC 3339 timestamp, `<unknown>` without one. */
export function age(timestamp: string | undefined, nowMillis: number): string {
  if (!timestamp) return '<unknown>';
  return humanDuration((nowMillis - Date.parse(timestamp)) / 1000);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** time.RFC1123Z in UTC, as describe prints timestamps: `Mon, 02 Jan 2006 15:04:05 +0000`. */
export function rfc1123z(timestamp: string): string {
  const d = new Date(timestamp);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Values as the API serializes them: keys sorted, as Go marshals maps. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** json.MarshalIndent(v, "", "    ") with Go's HTML escaping, plus the printer's newline. */
export function toJson(v: unknown): string {
  return `${JSON.stringify(sortKeys(v), null, 4)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')}\n`;
}

/** json.Marshal (compact, HTML-escaped), as jsonpath prints maps and lists. */
export function toCompactJson(v: unknown): string {
  return JSON.stringify(sortKeys(v)).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const YAML11_SPECIAL =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const NUMBERISH =
  /^(?:[-+]?(?:0|[1-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|[-+]?\.[0-9_]+(?:[eE][-+]?[0-9]+)?|[-+]?0[0-7_]+|[-+]?0x[0-9a-fA-F_]+|[-+]?0b[01_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)$/;
const TIMESTAMP =
  /^\d{4}-\d\d?-\d\d?(?:(?:[Tt]|[ \t]+)\d\d?:\d\d:\d\d(?:\.\d*)?(?:[ \t]*(?:Z|[-+]\d\d?(?::\d\d)?))?)?$/;

/** Whether go-yaml's resolver would read the plain text as something other than a string. */
function resolvesToNonString(s: string): boolean {
  return s === '' || YAML11_SPECIAL.test(s) || NUMBERISH.test(s) || TIMESTAMP.test(s);
}

/** Whether the emitter allows a plain scalar (yaml_emitter_analyze_scalar, block context). */
function plainAllowed(s: string): boolean {
  if (/^[\s]|[\s]$/.test(s)) return false;
  if (/^[-?:,[\]{}#&*!|>'"%@`]/.test(s) && !/^[-?:][^\s]/.test(s)) return false;
  if (/^[,[\]{}#&*!|>'"%@`]/.test(s)) return false;
  if (s === '-' || s.startsWith('- ') || s.startsWith('---') || s.startsWith('...')) return false;
  if (/: |:$| #/.test(s)) return false;
  if (hasControl(s, true)) return false;
  return true;
}

/** C0 controls and DEL; tab and newline allowed when `exceptTabNewline`. */
function hasControl(s: string, exceptTabNewline = false): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (exceptTabNewline && (c === 9 || c === 10)) continue;
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const BEST_WIDTH = 80;

/** Writes words, breaking at a single space once past column 80 (yaml_emitter_write_plain_scalar). */
function folded(text: string, column: number, indent: number): string {
  let out = '';
  let col = column;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === ' ' && col > BEST_WIDTH && text[i + 1] !== ' ' && i > 0 && text[i - 1] !== ' ') {
      out += `\n${' '.repeat(indent)}`;
      col = indent;
      continue;
    }
    out += ch;
    col += 1;
  }
  return out;
}

function doubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A scalar after `key: ` or `- ` at `column`; continuation lines at `indent`. */
function scalar(v: unknown, column: number, indent: number): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  const s = String(v);
  if (s.includes('\n')) {
    const chomp = s.endsWith('\n') ? (s.endsWith('\n\n') ? '+' : '') : '-';
    const body = (chomp === '-' ? s : s.replace(/\n+$/, (m) => (chomp === '+' ? m.slice(0, -1) : '')))
      .split('\n')
      .map((l) => (l === '' ? '' : ' '.repeat(indent) + l))
      .join('\n');
    return `|${chomp}\n${body}`;
  }
  if (resolvesToNonString(s)) return doubleQuoted(s);
  if (plainAllowed(s)) return folded(s, column, indent);
  if (hasControl(s)) return doubleQuoted(s);
  return `'${folded(s.replace(/'/g, "''"), column + 1, indent)}'`;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function emit(v: unknown, indent: number, lines: string[], prefix: string): void {
  if (isMap(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (keys.length === 0) {
      lines.push(`${prefix}{}`);
      return;
    }
    keys.forEach((k, i) => {
      const head = i === 0 ? prefix : ' '.repeat(indent);
      const keyText = plainAllowed(k) && !resolvesToNonString(k) ? k : doubleQuoted(k);
      emitEntry(`${head}${keyText}:`, v[k], indent, lines);
    });
    return;
  }
  if (Array.isArray(v)) {
    if (v.length === 0) {
      lines.push(`${prefix}[]`);
      return;
    }
    v.forEach((x, i) => {
      const head = `${i === 0 ? prefix : ' '.repeat(indent)}- `;
      if (isMap(x) && Object.keys(x).length > 0) emit(x, indent + 2, lines, head);
      else if (Array.isArray(x) && x.length > 0) emit(x, indent + 2, lines, head);
      else lines.push(head + (isMap(x) ? '{}' : Array.isArray(x) ? '[]' : scalar(x, head.length, indent + 2)));
    });
    return;
  }
  lines.push(prefix + scalar(v, prefix.length, indent));
}

function emitEntry(head: string, value: unknown, indent: number, lines: string[]): void {
  if (isMap(value) && Object.keys(value).length > 0) {
    lines.push(head);
    emit(value, indent + 2, lines, ' '.repeat(indent + 2));
  } else if (Array.isArray(value) && value.length > 0) {
    lines.push(head);
    emit(value, indent, lines, ' '.repeat(indent));
  } else if (isMap(value)) lines.push(`${head} {}`);
  else if (Array.isArray(value)) lines.push(`${head} []`);
  else lines.push(`${head} ${scalar(value, head.length + 1, indent + 2)}`);
}

/** yaml.Marshal of a JSON value, as kubectl -o yaml prints it. */
export function toYaml(v: unknown): string {
  const lines: string[] = [];
  emit(sortKeys(v), 0, lines, '');
  return `${lines.join('\n')}\n`;
}
