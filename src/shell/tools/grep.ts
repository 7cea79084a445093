/** grep with the GNU options labs use; reads line by line so it filters a live stream. */
import { resolvePath } from '../fs.ts';
import { translateRegex } from '../regex.ts';
import { stringReader } from '../stream.ts';
import type { Command, CommandContext } from '../types.ts';
import { inputs, parseOptions } from './util.ts';

function walk(ctx: CommandContext, path: string): string[] {
  const abs = resolvePath(ctx.cwd, path);
  if (!ctx.fs.isDir(abs)) return [path];
  const out: string[] = [];
  for (const name of ctx.fs.readdir(abs)) out.push(...walk(ctx, `${path.replace(/\/$/, '')}/${name}`));
  return out;
}

export const grep: Command = async (ctx) => {
  const opts = parseOptions(ctx.argv[0] === 'egrep' ? 'grep' : 'grep', ctx.argv, {
    flags: 'ivcnEFGowxqslLhHrRzaU',
    withArg: 'mABCef',
    long: {
      'ignore-case': 'i',
      'invert-match': 'v',
      count: 'c',
      'line-number': 'n',
      'extended-regexp': 'E',
      'fixed-strings': 'F',
      'only-matching': 'o',
      'word-regexp': 'w',
      'line-regexp': 'x',
      quiet: 'q',
      silent: 'q',
      'no-messages': 's',
      'files-with-matches': 'l',
      'files-without-match': 'L',
      'no-filename': 'h',
      'with-filename': 'H',
      recursive: 'r',
      'max-count=': 'm',
      'after-context=': 'A',
      'before-context=': 'B',
      'context=': 'C',
      'regexp=': 'e',
      'file=': 'f',
      'color=': 'color',
      colour: 'color',
      color: 'color',
    },
  });
  if (typeof opts === 'string') {
    await ctx.stderr.write(opts.replace(/Try/, 'Usage: grep [OPTION]... PATTERNS [FILE]...\nTry'));
    return 2;
  }
  const f = (k: string) => opts.flags.has(k);
  let patterns = [...(opts.all.get('e') ?? [])];
  for (const file of opts.all.get('f') ?? []) {
    try {
      patterns.push(
        ...ctx.fs
          .readFile(resolvePath(ctx.cwd, file))
          .split('\n')
          .filter((l, i, a) => l !== '' || i < a.length - 1),
      );
    } catch (e) {
      await ctx.stderr.write(`grep: ${file}: ${(e as Error).message}\n`);
      return 2;
    }
  }
  const operands = [...opts.operands];
  if (patterns.length === 0) {
    const p = operands.shift();
    if (p === undefined) {
      await ctx.stderr.write("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
      return 2;
    }
    patterns = p.split('\n');
  }
  const extended = f('E') || ctx.argv[0] === 'egrep';
  const sources = patterns.map((p) =>
    f('F') || ctx.argv[0] === 'fgrep' ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : translateRegex(p, { extended }),
  );
  let source = sources.map((s) => `(?:${s})`).join('|');
  if (f('w')) source = `(?<![A-Za-z0-9_])(?:${source})(?![A-Za-z0-9_])`;
  if (f('x')) source = `^(?:${source})$`;
  const flags = f('i') ? 'i' : '';
  let re: RegExp;
  try {
    re = new RegExp(source, flags);
  } catch {
    await ctx.stderr.write('grep: Unmatched ( or \\(\n');
    return 2;
  }
  const reAll = new RegExp(source, `${flags}g`);
  const maxCount = opts.flags.has('m') ? Number(opts.flags.get('m')) : Number.POSITIVE_INFINITY;
  const ctxBoth = opts.flags.has('C') ? Number(opts.flags.get('C')) : 0;
  const after = opts.flags.has('A') ? Number(opts.flags.get('A')) : ctxBoth;
  const before = opts.flags.has('B') ? Number(opts.flags.get('B')) : ctxBoth;
  let files = operands;
  if (f('r') || f('R')) files = (files.length === 0 ? ['.'] : files).flatMap((p) => walk(ctx, p));
  const withName = f('H') || (!f('h') && (files.length > 1 || f('r') || f('R')));
  let anyMatch = false;
  let error = false;
  for await (const input of inputs(ctx, 'grep', files, () => {
    error = true;
  })) {
    const name = input.name;
    let count = 0;
    let lineNo = 0;
    let afterLeft = 0;
    let lastPrinted = 0;
    const pending: [number, string][] = [];
    const prefix = (n: number, sep: string) => `${withName ? name + sep : ''}${f('n') ? n + sep : ''}`;
    const emit = async (n: number, line: string, sep: string) => {
      if (lastPrinted > 0 && n > lastPrinted + 1 && (before > 0 || after > 0)) await ctx.stdout.write('--\n');
      await ctx.stdout.write(`${prefix(n, sep)}${line}\n`);
      lastPrinted = n;
    };
    const reader = ctx.fs.isDir(resolvePath(ctx.cwd, name)) ? stringReader('') : input.reader;
    if (reader !== input.reader) {
      await ctx.stderr.write(`grep: ${name}: Is a directory\n`);
      continue;
    }
    for await (const line of reader.lines()) {
      lineNo++;
      const hit = re.test(line) !== f('v');
      if (!hit) {
        if (afterLeft > 0 && !f('c') && !f('l') && !f('q')) {
          afterLeft--;
          await emit(lineNo, line, '-');
        } else if (before > 0) {
          pending.push([lineNo, line]);
          if (pending.length > before) pending.shift();
        }
        continue;
      }
      if (count >= maxCount) break;
      count++;
      anyMatch = true;
      if (f('q')) return 0;
      if (f('l') || f('L')) break;
      if (f('c')) {
        if (count >= maxCount) break;
        continue;
      }
      for (const [n, l] of pending) await emit(n, l, '-');
      pending.length = 0;
      if (f('o') && !f('v')) {
        for (const m of line.matchAll(reAll)) {
          if (m[0] !== '') await ctx.stdout.write(`${prefix(lineNo, ':')}${m[0]}\n`);
        }
        lastPrinted = lineNo;
      } else await emit(lineNo, line, ':');
      afterLeft = after;
      if (count >= maxCount && after === 0) break;
    }
    if (f('c')) await ctx.stdout.write(`${withName ? `${name}:` : ''}${count}\n`);
    if (f('l') && count > 0) await ctx.stdout.write(`${name}\n`);
    if (f('L') && count === 0) await ctx.stdout.write(`${name}\n`);
  }
  if (error && !(f('q') && anyMatch)) return 2;
  return anyMatch ? 0 : 1;
};
