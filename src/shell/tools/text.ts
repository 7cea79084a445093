/** Line tools from coreutils: head, tail, wc, cut, tr, tee, seq, yes, uniq, sort, column, date. */

import { formatOne, parseFormat } from '../format.ts';
import { FsError, resolvePath } from '../fs.ts';
import { BrokenPipeError } from '../stream.ts';
import type { Command, CommandContext } from '../types.ts';
import { inputs, joinLines, parseOptions, readAllInputs, splitLines } from './util.ts';

async function usage(ctx: CommandContext, message: string, status = 1): Promise<number> {
  await ctx.stderr.write(message);
  return status;
}

/** `-5` written for `-n 5` (head, tail). */
function numericShorthand(argv: string[]): string[] {
  return argv.map((a, i) => (i > 0 && /^-\d+$/.test(a) && !/^-[nc]$/.test(argv[i - 1] ?? '') ? `-n${a.slice(1)}` : a));
}

// ---- head / tail -------------------------------------------------------------------------------

export const head: Command = async (ctx) => {
  const opts = parseOptions('head', numericShorthand(ctx.argv), {
    flags: 'qv',
    withArg: 'nc',
    long: { 'lines=': 'n', 'bytes=': 'c', quiet: 'q', silent: 'q', verbose: 'v' },
  });
  if (typeof opts === 'string') return usage(ctx, opts);
  const bytes = opts.flags.get('c');
  const spec = String(bytes ?? opts.flags.get('n') ?? '10');
  if (!/^-?\d+$/.test(spec)) {
    return usage(ctx, `head: invalid number of ${bytes ? 'bytes' : 'lines'}: '${spec}'\n`);
  }
  const n = Number(spec);
  let failed = false;
  const files = opts.operands;
  const headers = (files.length > 1 && !opts.flags.has('q')) || opts.flags.has('v');
  let first = true;
  for await (const input of inputs(ctx, 'head', files, () => {
    failed = true;
  })) {
    if (headers) await ctx.stdout.write(`${first ? '' : '\n'}==> ${input.name} <==\n`);
    first = false;
    if (bytes !== undefined) {
      const all = await input.reader.readAll();
      await ctx.stdout.write(n >= 0 ? all.slice(0, n) : all.slice(0, Math.max(0, all.length + n)));
      continue;
    }
    if (n < 0) {
      const lines = splitLines(await input.reader.readAll());
      await ctx.stdout.write(joinLines(lines.slice(0, Math.max(0, lines.length + n))));
      continue;
    }
    for (let i = 0; i < n; i++) {
      const got = await input.reader.readLine();
      if (got === null) break;
      await ctx.stdout.write(got.terminated ? `${got.line}\n` : got.line);
    }
  }
  return failed ? 1 : 0;
};

export const tail: Command = async (ctx) => {
  const opts = parseOptions('tail', numericShorthand(ctx.argv), {
    flags: 'fFqv',
    withArg: 'ncs',
    long: { 'lines=': 'n', 'bytes=': 'c', follow: 'f', quiet: 'q', verbose: 'v', retry: 'F', 'sleep-interval=': 's' },
  });
  if (typeof opts === 'string') return usage(ctx, opts);
  const bytes = opts.flags.get('c');
  const spec = String(bytes ?? opts.flags.get('n') ?? '10');
  if (!/^[+-]?\d+$/.test(spec)) {
    return usage(ctx, `tail: invalid number of ${bytes ? 'bytes' : 'lines'}: '${spec}'\n`);
  }
  const fromStart = spec.startsWith('+');
  const n = Math.abs(Number(spec));
  const pick = (text: string): string => {
    if (bytes !== undefined)
      return fromStart ? text.slice(Math.max(0, n - 1)) : text.slice(Math.max(0, text.length - n));
    const lines = splitLines(text);
    const chosen = fromStart ? lines.slice(Math.max(0, n - 1)) : n === 0 ? [] : lines.slice(-n);
    const tailText = joinLines(chosen);
    return text.endsWith('\n') || chosen.length === 0 ? tailText : tailText.slice(0, -1);
  };
  const follow = opts.flags.has('f') || opts.flags.has('F');
  const files = opts.operands;
  const headers = (files.length > 1 && !opts.flags.has('q')) || opts.flags.has('v');
  let failed = false;
  let first = true;
  for await (const input of inputs(ctx, 'tail', files, () => {
    failed = true;
  })) {
    if (headers) await ctx.stdout.write(`${first ? '' : '\n'}==> ${input.name} <==\n`);
    first = false;
    await ctx.stdout.write(pick(await input.reader.readAll()));
  }
  if (!follow) return failed ? 1 : 0;
  const interval = Number(opts.flags.get('s') ?? 1) * 1000;
  const watched = files.filter((f) => f !== '-').map((f) => ({ name: f, size: sizeOf(ctx, f) }));
  let lastShown = watched[watched.length - 1]?.name;
  while (!ctx.signal.aborted && watched.length > 0) {
    await ctx.clock.idle(interval, ctx.signal);
    if (ctx.signal.aborted) break;
    for (const w of watched) {
      let text: string;
      try {
        text = ctx.fs.readFile(resolvePath(ctx.cwd, w.name));
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        continue;
      }
      if (text.length < w.size) {
        await ctx.stderr.write(`tail: ${w.name}: file truncated\n`);
        w.size = 0;
      }
      if (text.length > w.size) {
        if (headers && lastShown !== w.name) await ctx.stdout.write(`\n==> ${w.name} <==\n`);
        lastShown = w.name;
        await ctx.stdout.write(text.slice(w.size));
        w.size = text.length;
      }
    }
  }
  return 130;
};

function sizeOf(ctx: CommandContext, file: string): number {
  try {
    return ctx.fs.readFile(resolvePath(ctx.cwd, file)).length;
  } catch {
    return 0;
  }
}

// ---- wc ----------------------------------------------------------------------------------------

export const wc: Command = async (ctx) => {
  const opts = parseOptions('wc', ctx.argv, {
    flags: 'lwcmL',
    long: { lines: 'l', words: 'w', bytes: 'c', chars: 'm', 'max-line-length': 'L' },
  });
  if (typeof opts === 'string') return usage(ctx, opts);
  let cols = ['l', 'w', 'm', 'c', 'L'].filter((c) => opts.flags.has(c));
  if (cols.length === 0) cols = ['l', 'w', 'c'];
  const rows: { counts: number[]; name: string | null }[] = [];
  let failed = false;
  let usedStdin = false;
  for await (const input of inputs(ctx, 'wc', opts.operands, () => {
    failed = true;
  })) {
    const text = await input.reader.readAll();
    const isStdin = input.name === '(standard input)';
    usedStdin ||= isStdin;
    const counts = cols.map((c) => {
      if (c === 'l') return (text.match(/\n/g) ?? []).length;
      if (c === 'w') return text.split(/\s+/).filter(Boolean).length;
      if (c === 'c') return new TextEncoder().encode(text).length;
      if (c === 'm') return [...text].length;
      return Math.max(0, ...splitLines(text).map((l) => l.length));
    });
    rows.push({
      counts,
      name: isStdin && opts.operands.length === 0 ? null : input.name === '(standard input)' ? '-' : input.name,
    });
  }
  if (rows.length > 1) {
    rows.push({ counts: cols.map((_, i) => rows.reduce((s, r) => s + (r.counts[i] ?? 0), 0)), name: 'total' });
  }
  let width = 1;
  if (cols.length > 1 || rows.length > 1) {
    width = usedStdin ? 7 : Math.max(1, ...rows.map((r) => String(Math.max(...r.counts)).length));
  }
  for (const r of rows) {
    const nums = r.counts.map((c) => String(c).padStart(width)).join(' ');
    await ctx.stdout.write(r.name === null ? `${nums}\n` : `${nums} ${r.name}\n`);
  }
  return failed ? 1 : 0;
};

// ---- cut ---------------------------------------------------------------------------------------

function parseRanges(list: string): [number, number][] | null {
  const out: [number, number][] = [];
  for (const part of list.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '') || part === '') return null;
    const a = m[1] === '' ? 1 : Number(m[1]);
    const b = m[2] === '' ? a : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (a < 1) return null;
    out.push([a, b]);
  }
  return out;
}

export const cut: Command = async (ctx) => {
  const opts = parseOptions('cut', ctx.argv, {
    flags: 'sn',
    withArg: 'dfcb',
    long: {
      'delimiter=': 'd',
      'fields=': 'f',
      'characters=': 'c',
      'bytes=': 'b',
      'only-delimited': 's',
      complement: 'C',
      'output-delimiter=': 'O',
    },
  });
  if (typeof opts === 'string') return usage(ctx, opts);
  const fieldList = opts.flags.get('f');
  const charList = opts.flags.get('c') ?? opts.flags.get('b');
  if (fieldList === undefined && charList === undefined) {
    return usage(
      ctx,
      "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
    );
  }
  const ranges = parseRanges(String(fieldList ?? charList));
  if (ranges === null)
    return usage(ctx, `cut: invalid field value '${fieldList ?? charList}'\nTry 'cut --help' for more information.\n`);
  const delim = String(opts.flags.get('d') ?? '\t');
  if (delim.length !== 1)
    return usage(ctx, "cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n");
  const outDelim = String(opts.flags.get('O') ?? (fieldList !== undefined ? delim : ''));
  const complement = opts.flags.has('C');
  const selected = (i: number) => ranges.some(([a, b]) => i >= a && i <= b) !== complement;
  let failed = false;
  for await (const input of inputs(ctx, 'cut', opts.operands, () => {
    failed = true;
  })) {
    for await (const line of input.reader.lines()) {
      if (fieldList !== undefined) {
        if (!line.includes(delim)) {
          if (!opts.flags.has('s')) await ctx.stdout.write(`${line}\n`);
          continue;
        }
        const fields = line.split(delim).filter((_, i) => selected(i + 1));
        await ctx.stdout.write(`${fields.join(outDelim)}\n`);
      } else {
        const chars = [...line];
        let out = '';
        let prev = false;
        chars.forEach((c, i) => {
          const sel = selected(i + 1);
          if (sel && out !== '' && !prev && outDelim) out += outDelim;
          if (sel) out += c;
          prev = sel;
        });
        await ctx.stdout.write(`${out}\n`);
      }
    }
  }
  return failed ? 1 : 0;
};

// ---- tr ----------------------------------------------------------------------------------------

const TR_CLASSES: Record<string, string> = {
  upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  lower: 'abcdefghijklmnopqrstuvwxyz',
  digit: '0123456789',
  space: ' \t\n\r\f\v',
  blank: ' \t',
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  alnum: '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  punct: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  xdigit: '0123456789ABCDEFabcdef',
};

function expandTrSet(set: string): string[] {
  const chars: string[] = [];
  const unescapeAt = (s: string, i: number): [string, number] => {
    if (s[i] !== '\\' || i + 1 >= s.length) return [s[i] as string, i + 1];
    const n = s[i + 1] as string;
    const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };
    if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(s.slice(i + 1)) as RegExpExecArray;
      return [String.fromCharCode(Number.parseInt(m[0], 8)), i + 1 + m[0].length];
    }
    return [map[n] ?? n, i + 2];
  };
  let i = 0;
  while (i < set.length) {
    const cls = /^\[:([a-z]+):\]/.exec(set.slice(i));
    if (cls && TR_CLASSES[cls[1] as string]) {
      chars.push(...(TR_CLASSES[cls[1] as string] as string));
      i += cls[0].length;
      continue;
    }
    const [c, next] = unescapeAt(set, i);
    if (set[next] === '-' && next + 1 < set.length) {
      const [d, after] = unescapeAt(set, next + 1);
      for (let x = c.charCodeAt(0); x <= d.charCodeAt(0); x++) chars.push(String.fromCharCode(x));
      i = after;
      continue;
    }
    chars.push(c);
    i = next;
  }
  return chars;
}

export const tr: Command = async (ctx) => {
  const opts = parseOptions('tr', ctx.argv, {
    flags: 'dscCt',
    long: { delete: 'd', 'squeeze-repeats': 's', complement: 'c' },
  });
  if (typeof opts === 'string') return usage(ctx, opts);
  const [s1, s2] = opts.operands;
  const del = opts.flags.has('d');
  const squeeze = opts.flags.has('s');
  const complement = opts.flags.has('c') || opts.flags.has('C');
  if (s1 === undefined) return usage(ctx, "tr: missing operand\nTry 'tr --help' for more information.\n");
  if (!del && !squeeze && s2 === undefined) {
    return usage(
      ctx,
      `tr: missing operand after '${s1}'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n`,
    );
  }
  const set1 = new Set(expandTrSet(s1));
  const list1 = expandTrSet(s1);
  const list2 = s2 === undefined ? [] : expandTrSet(s2);
  const inSet1 = (c: string) => set1.has(c) !== complement;
  const map = new Map<string, string>();
  if (!del && s2 !== undefined && !complement) {
    list1.forEach((c, i) => {
      map.set(c, list2[Math.min(i, list2.length - 1)] ?? c);
    });
  }
  const squeezeSet = new Set(del ? list2 : s2 !== undefined ? list2 : list1);
  let last = '';
  for (;;) {
    const chunk = await ctx.stdin.read();
    if (chunk === null) break;
    let out = '';
    for (const c of chunk) {
      let r: string | null = c;
      if (del && inSet1(c)) r = null;
      else if (!del && s2 !== undefined) {
        if (complement && inSet1(c)) r = list2[list2.length - 1] ?? c;
        else r = map.get(c) ?? c;
      }
      if (r === null) continue;
      if (squeeze && r === last && (squeezeSet.has(r) || (complement && !del && s2 === undefined && inSet1(r))))
        continue;
      out += r;
      last = r;
    }
    await ctx.stdout.write(out);
  }
  return 0;
};

// ---- tee, seq, yes -----------------------------------------------------------------------------

export const tee: Command = async (ctx) => {
  const opts = parseOptions('tee', ctx.argv, { flags: 'ai', long: { append: 'a' } });
  if (typeof opts === 'string') return usage(ctx, opts);
  let failed = false;
  const paths: string[] = [];
  for (const f of opts.operands) {
    const path = resolvePath(ctx.cwd, f);
    try {
      if (!opts.flags.has('a') || !ctx.fs.exists(path)) ctx.fs.writeFile(path, '');
      paths.push(path);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      await ctx.stderr.write(`tee: ${f}: ${e.message}\n`);
      failed = true;
    }
  }
  let stdoutOpen = true;
  for (;;) {
    const chunk = await ctx.stdin.read();
    if (chunk === null) break;
    for (const p of paths) ctx.fs.writeFile(p, chunk, { append: true });
    if (stdoutOpen) {
      try {
        await ctx.stdout.write(chunk);
      } catch (e) {
        if (!(e instanceof BrokenPipeError)) throw e;
        stdoutOpen = false;
        if (paths.length === 0) return 141;
      }
    }
  }
  return failed ? 1 : 0;
};

export const seq: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  let sep = '\n';
  let equalWidth = false;
  let format: string | null = null;
  const nums: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-s') sep = args[++i] ?? '\n';
    else if (a.startsWith('-s') && !/^-s?\d/.test(a)) sep = a.slice(2);
    else if (a === '-w') equalWidth = true;
    else if (a === '-f') format = args[++i] ?? null;
    else nums.push(a);
  }
  if (nums.length === 0 || nums.length > 3)
    return usage(ctx, "seq: missing operand\nTry 'seq --help' for more information.\n");
  for (const n of nums) {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(n)) {
      return usage(ctx, `seq: invalid floating point argument: '${n}'\nTry 'seq --help' for more information.\n`);
    }
  }
  const [first, step, last] =
    nums.length === 1 ? ['1', '1', nums[0]] : nums.length === 2 ? [nums[0], '1', nums[1]] : nums;
  const decimals = (s: string) => (s.includes('.') ? s.length - s.indexOf('.') - 1 : 0);
  const prec = Math.max(decimals(first as string), decimals(step as string));
  const a = Number(first);
  const d = Number(step);
  const b = Number(last);
  if (d === 0)
    return usage(ctx, `seq: invalid Zero increment value: '${step}'\nTry 'seq --help' for more information.\n`);
  const values: string[] = [];
  const fmt = format === null ? null : parseFormat(format);
  for (let k = 0; ; k++) {
    const v = a + k * d;
    if (d > 0 ? v > b + 1e-12 : v < b - 1e-12) break;
    let s: string;
    if (fmt) s = fmt.map((p) => (typeof p === 'string' ? p : formatOne(p, v))).join('');
    else s = prec > 0 ? v.toFixed(prec) : String(Math.round(v));
    values.push(s);
    if (values.length >= 1000 || ctx.signal.aborted) {
      await ctx.stdout.write(values.join(sep) + sep);
      values.length = 0;
      if (ctx.signal.aborted) return 130;
    }
  }
  if (equalWidth && fmt === null) {
    const all = values;
    const w = Math.max(...all.map((s) => s.replace('-', '').length));
    for (let i = 0; i < all.length; i++) {
      const s = all[i] as string;
      all[i] = s.startsWith('-') ? `-${s.slice(1).padStart(w, '0')}` : s.padStart(w, '0');
    }
  }
  if (values.length > 0) await ctx.stdout.write(`${values.join(sep)}\n`);
  return 0;
};

export const yes: Command = async (ctx) => {
  const line = `${ctx.argv.length > 1 ? ctx.argv.slice(1).join(' ') : 'y'}\n`;
  const block = line.repeat(Math.max(1, Math.floor(4096 / line.length)));
  for (;;) {
    if (ctx.signal.aborted) return 130;
    await ctx.stdout.write(block);
  }
};

// ---- uniq --------------------------------------------------------------------------------------

export const uniq: Command = async (ctx) => {
  const opts = parseOptions('uniq', ctx.argv, {
    flags: 'cdui',
    withArg: 'fs',
    long: { count: 'c', repeated: 'd', unique: 'u', 'ignore-case': 'i', 'skip-fields=': 'f', 'skip-chars=': 's' },
  });
  if (typeof opts === 'string') return usage(ctx, opts);
  const [inFile, outFile] = opts.operands;
  const skipFields = Number(opts.flags.get('f') ?? 0);
  const skipChars = Number(opts.flags.get('s') ?? 0);
  const key = (l: string) => {
    let s = l;
    for (let i = 0; i < skipFields; i++) s = s.replace(/^\s*\S+/, '');
    s = s.slice(skipChars);
    return opts.flags.has('i') ? s.toLowerCase() : s;
  };
  let out = '';
  const emit = async (line: string, count: number) => {
    if (opts.flags.has('d') && count < 2) return;
    if (opts.flags.has('u') && count > 1) return;
    const text = opts.flags.has('c') ? `${String(count).padStart(7)} ${line}\n` : `${line}\n`;
    if (outFile !== undefined) out += text;
    else await ctx.stdout.write(text);
  };
  let failed = false;
  let prev: string | null = null;
  let count = 0;
  for await (const input of inputs(ctx, 'uniq', inFile === undefined ? [] : [inFile], () => {
    failed = true;
  })) {
    for await (const line of input.reader.lines()) {
      if (prev !== null && key(prev) === key(line)) {
        count++;
        continue;
      }
      if (prev !== null) await emit(prev, count);
      prev = line;
      count = 1;
    }
  }
  if (prev !== null) await emit(prev, count);
  if (outFile !== undefined) ctx.fs.writeFile(resolvePath(ctx.cwd, outFile), out);
  return failed ? 1 : 0;
};

// ---- sort --------------------------------------------------------------------------------------

interface SortKey {
  startField: number;
  startChar: number;
  endField: number;
  endChar: number;
  flags: string;
}

function parseKey(spec: string): SortKey | null {
  const m = /^(\d+)(?:\.(\d+))?([bdfghinMrRV]*)(?:,(\d+)(?:\.(\d+))?([bdfghinMrRV]*))?$/.exec(spec);
  if (!m) return null;
  return {
    startField: Number(m[1]),
    startChar: Number(m[2] ?? 1),
    endField: m[4] === undefined ? Number.POSITIVE_INFINITY : Number(m[4]),
    endChar: Number(m[5] ?? 0),
    flags: (m[3] ?? '') + (m[6] ?? ''),
  };
}

/** Field boundaries as sort sees them: with -t the separator, else runs of blanks lead each field. */
function fieldSpans(line: string, sep: string | null): [number, number][] {
  const spans: [number, number][] = [];
  if (sep !== null) {
    let start = 0;
    for (;;) {
      const i = line.indexOf(sep, start);
      if (i < 0) {
        spans.push([start, line.length]);
        return spans;
      }
      spans.push([start, i]);
      start = i + sep.length;
    }
  }
  let i = 0;
  while (i < line.length) {
    const start = i;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    while (i < line.length && line[i] !== ' ' && line[i] !== '\t') i++;
    spans.push([start, i]);
  }
  if (spans.length === 0) spans.push([0, 0]);
  return spans;
}

function keyText(line: string, key: SortKey, sep: string | null, blanks: boolean): string {
  const spans = fieldSpans(line, sep);
  const sf = spans[key.startField - 1];
  if (!sf) return '';
  let startBase = sf[0];
  if (blanks) while (startBase < sf[1] && (line[startBase] === ' ' || line[startBase] === '\t')) startBase++;
  const start = Math.min(startBase + key.startChar - 1, sf[1]);
  let end = line.length;
  if (key.endField !== Number.POSITIVE_INFINITY) {
    const ef = spans[key.endField - 1];
    if (ef) {
      end = key.endChar === 0 ? ef[1] : Math.min(ef[0] + key.endChar, ef[1]);
      if (sep === null && key.endChar !== 0) {
        let b = ef[0];
        while (b < ef[1] && (line[b] === ' ' || line[b] === '\t')) b++;
        end = Math.min(b + key.endChar, ef[1]);
      }
    }
  }
  return line.slice(start, Math.max(start, end));
}

function numericPrefix(s: string): number {
  const m = /^\s*(-?\d*\.?\d+|-?\d+\.?)/.exec(s);
  return m ? Number(m[1]) : 0;
}

function humanValue(s: string): number {
  const m = /^\s*(-?\d*\.?\d+)\s*([KMGTPEZY]?)/i.exec(s);
  if (!m) return 0;
  const power = ' KMGTPEZY'.indexOf((m[2] ?? '').toUpperCase() || ' ');
  return Number(m[1]) * 1024 ** Math.max(0, power);
}

function versionCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (/^\d/.test(x) && /^\d/.test(y)) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareBy(flags: string, a: string, b: string): number {
  let x = a;
  let y = b;
  if (flags.includes('b')) {
    x = x.trimStart();
    y = y.trimStart();
  }
  if (flags.includes('f')) {
    x = x.toUpperCase();
    y = y.toUpperCase();
  }
  if (flags.includes('n') || flags.includes('g')) return numericPrefix(x) - numericPrefix(y);
  if (flags.includes('h')) return humanValue(x) - humanValue(y);
  if (flags.includes('V')) return versionCompare(x, y);
  if (flags.includes('M')) {
    const months = 'JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC';
    const mi = (s: string) => (months.indexOf(s.trim().slice(0, 3).toUpperCase()) + 3) / 3;
    return mi(x) - mi(y);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

export const sort: Command = async (ctx) => {
  const opts = parseOptions('sort', ctx.argv, {
    flags: 'nrufbhgVMsdciR',
    withArg: 'ktoTS',
    long: {
      'numeric-sort': 'n',
      reverse: 'r',
      unique: 'u',
      'ignore-case': 'f',
      'human-numeric-sort': 'h',
      'general-numeric-sort': 'g',
      'version-sort': 'V',
      stable: 's',
      'key=': 'k',
      'field-separator=': 't',
      'output=': 'o',
      'ignore-leading-blanks': 'b',
    },
  });
  if (typeof opts === 'string') return usage(ctx, opts, 2);
  const sepOpt = opts.flags.get('t');
  const sep = typeof sepOpt === 'string' ? sepOpt : null;
  if (sep !== null && sep.length !== 1) return usage(ctx, `sort: multi-character tab '${sep}'\n`, 2);
  const keys: SortKey[] = [];
  for (const k of opts.all.get('k') ?? []) {
    const key = parseKey(k);
    if (!key) return usage(ctx, `sort: invalid number at field start: invalid count at start of '${k}'\n`, 2);
    keys.push(key);
  }
  const global = ['n', 'r', 'f', 'b', 'h', 'g', 'V', 'M'].filter((f) => opts.flags.has(f)).join('');
  const { text, failed } = await readAllInputs(ctx, 'sort', opts.operands);
  if (failed) return 2;
  const lines = splitLines(text);
  const cmp = (a: string, b: string): number => {
    for (const key of keys) {
      const flags = key.flags.replace(/[b]/g, '') === '' && !key.flags.includes('r') ? global + key.flags : key.flags;
      const blanks = flags.includes('b');
      let c = compareBy(flags.replace('r', ''), keyText(a, key, sep, blanks), keyText(b, key, sep, blanks));
      if (flags.includes('r')) c = -c;
      if (c !== 0) return c;
    }
    if (keys.length === 0 && global.replace('r', '') !== '') {
      const c = compareBy(global, a, b);
      if (c !== 0) return global.includes('r') ? -c : c;
    }
    if ((opts.flags.has('u') || opts.flags.has('s')) && (keys.length > 0 || global.replace('r', '') !== '')) return 0;
    const c = a < b ? -1 : a > b ? 1 : 0;
    return global.includes('r') ? -c : c;
  };
  const sorted = lines.map((l, i) => ({ l, i })).sort((x, y) => cmp(x.l, y.l) || x.i - y.i);
  let out = sorted.map((x) => x.l);
  if (opts.flags.has('u')) out = out.filter((l, i) => i === 0 || cmp(out[i - 1] as string, l) !== 0);
  const outFile = opts.flags.get('o');
  if (typeof outFile === 'string') {
    ctx.fs.writeFile(resolvePath(ctx.cwd, outFile), joinLines(out));
    return 0;
  }
  await ctx.stdout.write(joinLines(out));
  return 0;
};

// ---- column ------------------------------------------------------------------------------------

export const column: Command = async (ctx) => {
  const opts = parseOptions('column', ctx.argv, {
    flags: 'tnxeLR',
    withArg: 'socNH',
    long: { table: 't', 'separator=': 's', 'output-separator=': 'o', 'table-columns=': 'N', 'output-width=': 'c' },
  });
  if (typeof opts === 'string') return usage(ctx, opts);
  const { text, failed } = await readAllInputs(ctx, 'column', opts.operands);
  const lines = splitLines(text).filter((l) => l.trim() !== '');
  if (!opts.flags.has('t')) {
    await ctx.stdout.write(joinLines(lines));
    return failed ? 1 : 0;
  }
  const sepChars = opts.flags.get('s');
  const outSep = String(opts.flags.get('o') ?? '  ');
  const rows = lines.map((l) => {
    if (typeof sepChars === 'string') {
      const re = new RegExp(`[${sepChars.replace(/[\]\\^-]/g, '\\$&')}]+`);
      return l.split(re);
    }
    return l.trim().split(/[ \t]+/);
  });
  const names = opts.flags.get('N');
  if (typeof names === 'string') rows.unshift(names.split(','));
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...c].length);
    });
  }
  let out = '';
  for (const r of rows) {
    out += `${r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - [...c].length))).join(outSep)}\n`;
  }
  await ctx.stdout.write(out);
  return failed ? 1 : 0;
};

// ---- date --------------------------------------------------------------------------------------

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** strftime in UTC, for `date +FORMAT`. */
export function strftime(format: string, ms: number): string {
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const yday = Math.floor((ms - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
  const h12 = d.getUTCHours() % 12 || 12;
  const table: Record<string, () => string> = {
    Y: () => String(d.getUTCFullYear()),
    y: () => p2(d.getUTCFullYear() % 100),
    m: () => p2(d.getUTCMonth() + 1),
    d: () => p2(d.getUTCDate()),
    e: () => String(d.getUTCDate()).padStart(2, ' '),
    H: () => p2(d.getUTCHours()),
    I: () => p2(h12),
    M: () => p2(d.getUTCMinutes()),
    S: () => p2(d.getUTCSeconds()),
    N: () => String((ms % 1000) * 1000000).padStart(9, '0'),
    s: () => String(Math.floor(ms / 1000)),
    a: () => (DAYS[d.getUTCDay()] as string).slice(0, 3),
    A: () => DAYS[d.getUTCDay()] as string,
    b: () => (MONTHS[d.getUTCMonth()] as string).slice(0, 3),
    h: () => (MONTHS[d.getUTCMonth()] as string).slice(0, 3),
    B: () => MONTHS[d.getUTCMonth()] as string,
    j: () => String(yday).padStart(3, '0'),
    p: () => (d.getUTCHours() < 12 ? 'AM' : 'PM'),
    u: () => String(d.getUTCDay() || 7),
    w: () => String(d.getUTCDay()),
    Z: () => 'UTC',
    z: () => '+0000',
    F: () => `${d.getUTCFullYear()}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}`,
    T: () => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`,
    R: () => `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}`,
    D: () => `${p2(d.getUTCMonth() + 1)}/${p2(d.getUTCDate())}/${p2(d.getUTCFullYear() % 100)}`,
    n: () => '\n',
    t: () => '\t',
    '%': () => '%',
  };
  return format.replace(/%([a-zA-Z%])/g, (all, c: string) => table[c]?.() ?? all);
}

export const date: Command = async (ctx) => {
  let ms = ctx.clock.now();
  let format = '%a %b %e %H:%M:%S %Z %Y';
  const args = ctx.argv.slice(1);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a.startsWith('+')) format = a.slice(1);
    else if (a === '-u' || a === '--utc' || a === '-R') {
      if (a === '-R') format = '%a, %d %b %Y %H:%M:%S %z';
    } else if (a === '-I' || a.startsWith('--iso-8601'))
      format = a.includes('seconds') ? '%Y-%m-%dT%H:%M:%S+00:00' : '%Y-%m-%d';
    else if (a === '-d' || a.startsWith('--date=')) {
      const v = a === '-d' ? (args[++i] ?? '') : a.slice(7);
      const parsed = v.startsWith('@')
        ? Number(v.slice(1)) * 1000
        : Date.parse(v.includes('Z') || /[+-]\d\d:?\d\d$/.test(v) ? v : `${v} UTC`);
      if (Number.isNaN(parsed)) return usage(ctx, `date: invalid date '${v}'\n`);
      ms = parsed;
    } else
      return usage(ctx, `date: invalid option -- '${a.replace(/^-+/, '')}'\nTry 'date --help' for more information.\n`);
  }
  await ctx.stdout.write(`${strftime(format, ms)}\n`);
  return 0;
};
