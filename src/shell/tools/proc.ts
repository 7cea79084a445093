/** Tools that run other commands or read the environment: xargs, watch, env, printenv. */
import { stringReader } from '../stream.ts';
import type { Command, CommandContext } from '../types.ts';
import { strftime } from './text.ts';

/** Splits xargs input: blanks separate, quotes and backslashes group. */
function xargsWords(text: string): string[] | string {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '"' || c === "'") {
      const end = text.indexOf(c, i + 1);
      if (end < 0)
        return `xargs: unmatched ${c === '"' ? 'double' : 'single'} quote; by default quotes are special to xargs unless you use the -0 option`;
      cur += text.slice(i + 1, end);
      has = true;
      i = end;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

export const xargs: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  let maxArgs = Number.POSITIVE_INFINITY;
  let replace: string | null = null;
  let noRunEmpty = false;
  let trace = false;
  let delim: string | null = null;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n') maxArgs = Number(args[++i]);
    else if (/^-n\d+$/.test(a)) maxArgs = Number(a.slice(2));
    else if (a === '-I') replace = args[++i] ?? '{}';
    else if (a.startsWith('-I')) replace = a.slice(2);
    else if (a === '-i' || a.startsWith('--replace')) replace = a.includes('=') ? a.slice(a.indexOf('=') + 1) : '{}';
    else if (a === '-r' || a === '--no-run-if-empty') noRunEmpty = true;
    else if (a === '-t' || a === '--verbose') trace = true;
    else if (a === '-0' || a === '--null') delim = '\0';
    else if (a === '-d') delim = (args[++i] ?? '\n').replace('\\n', '\n').replace('\\t', '\t');
    else if (a === '-P' || a === '-L' || a === '-s') i++;
    else if (/^-[P]\d+$/.test(a)) continue;
    else if (a === '--') {
      i++;
      break;
    } else if (a.startsWith('-')) {
      await ctx.stderr.write(
        `xargs: invalid option -- '${a.slice(1)}'\nUsage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\n`,
      );
      return 1;
    } else break;
  }
  const command = args.slice(i);
  if (command.length === 0) command.push('echo');
  const text = await ctx.stdin.readAll();
  let items: string[];
  if (replace !== null) items = text.split('\n').filter((l) => l.trim() !== '');
  else if (delim !== null) items = text.split(delim).filter((w, k, all) => w !== '' || k < all.length - 1);
  else {
    const words = xargsWords(text);
    if (typeof words === 'string') {
      await ctx.stderr.write(`${words}\n`);
      return 1;
    }
    items = words;
  }
  const batches: string[][] = [];
  if (replace !== null) {
    const r = replace;
    for (const item of items) batches.push(command.map((c) => c.split(r).join(item.trim())));
  } else {
    const size = Number.isFinite(maxArgs) && maxArgs > 0 ? maxArgs : Math.max(1, items.length);
    for (let k = 0; k < items.length; k += size) batches.push([...command, ...items.slice(k, k + size)]);
    if (items.length === 0 && !noRunEmpty) batches.push([...command]);
  }
  let status = 0;
  for (const argv of batches) {
    if (ctx.signal.aborted) return 130;
    if (trace) await ctx.stderr.write(`${argv.join(' ')}\n`);
    const s = await ctx.exec(argv, { stdin: stringReader('') });
    if (s === 127) return 127;
    if (s === 255) return 124;
    if (s !== 0) status = 123;
  }
  return status;
};

/** Marks characters that changed since the previous screen in reverse video, as `watch -d` does. */
function highlight(current: string, previous: string | null): string {
  if (previous === null) return current;
  const prevLines = previous.split('\n');
  return current
    .split('\n')
    .map((line, li) => {
      const old = prevLines[li] ?? '';
      let out = '';
      for (let k = 0; k < line.length; k++) {
        out += line[k] !== old[k] ? `\x1b[7m${line[k]}\x1b[0m` : line[k];
      }
      return out;
    })
    .join('\n');
}

/** Screens a watch not writing to a terminal shows before it ends. */
const SCRIPT_ROUNDS = 5;

export const watch: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  let interval = 2;
  let differences = false;
  let noTitle = false;
  let untilChange = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-n' || a === '--interval') interval = Number(args[++i]);
    else if (/^-n[\d.]+$/.test(a)) interval = Number(a.slice(2));
    else if (a.startsWith('--interval=')) interval = Number(a.slice(11));
    else if (a === '-d' || a === '--differences') differences = true;
    else if (a === '-t' || a === '--no-title') noTitle = true;
    else if (a === '-g' || a === '--chgexit') untilChange = true;
    else if (a === '-x' || a === '--exec' || a === '-c' || a === '--color') continue;
    else break;
  }
  if (!Number.isFinite(interval) || interval < 0.1) interval = Number.isFinite(interval) ? 0.1 : 2;
  const command = args.slice(i).join(' ');
  if (command === '') {
    await ctx.stderr.write('Usage:\n watch [options] command\n');
    return 1;
  }
  const width = Number(ctx.env.COLUMNS ?? 80) || 80;
  const host = ctx.env.HOSTNAME ?? 'localhost';
  let previous: string | null = null;
  // Real watch repeats until Ctrl-C. Writing to a pipe or a file (a script, a grader, `exec -c`),
  // nobody can press Ctrl-C, so it shows a few screens and ends as if interrupted then.
  let rounds = ctx.stdout.isTerminal ? Number.POSITIVE_INFINITY : SCRIPT_ROUNDS;
  while (!ctx.signal.aborted && rounds-- > 0) {
    const out = await capture(ctx, command);
    if (ctx.signal.aborted) break;
    let screen = '\x1b[H\x1b[2J';
    if (!noTitle) {
      const left = `Every ${interval.toFixed(1)}s: ${command}`;
      const right = `${host}: ${strftime('%a %b %e %H:%M:%S %Y', ctx.clock.now())}`;
      screen += `${left}${' '.repeat(Math.max(1, width - left.length - right.length))}${right}\n\n`;
    }
    screen += differences ? highlight(out, previous) : out;
    await ctx.stdout.write(screen);
    if (untilChange && previous !== null && out !== previous) return 0;
    previous = out;
    await ctx.clock.idle(interval * 1000, ctx.signal);
  }
  return ctx.signal.aborted ? 130 : 0;
};

async function capture(ctx: CommandContext, command: string): Promise<string> {
  let text = '';
  const sink = {
    write: (s: string) => {
      text += s;
    },
  };
  await ctx.exec(['sh', '-c', command], { stdin: stringReader(''), stdout: sink, stderr: sink });
  return text;
}

export const env: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  const vars: Record<string, string> = { ...ctx.env };
  let k = 0;
  for (; k < args.length; k++) {
    const a = args[k] as string;
    if (a === '-i' || a === '-') {
      for (const key of Object.keys(vars)) delete vars[key];
    } else if (a === '-u') delete vars[args[++k] ?? ''];
    else if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(a)) vars[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    else break;
  }
  const rest = args.slice(k);
  if (rest.length === 0) {
    await ctx.stdout.write(
      Object.entries(vars)
        .map(([key, v]) => `${key}=${v}\n`)
        .join(''),
    );
    return 0;
  }
  const assigns = Object.entries(vars)
    .filter(([key, v]) => ctx.env[key] !== v)
    .map(([key, v]) => `${key}=${shQuote(v)}`);
  return ctx.exec(['sh', '-c', [...assigns, ...rest.map(shQuote)].join(' ')]);
};

function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

export const printenv: Command = async (ctx) => {
  const names = ctx.argv.slice(1);
  if (names.length === 0) {
    await ctx.stdout.write(
      Object.entries(ctx.env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    return 0;
  }
  let status = 0;
  for (const n of names) {
    const v = ctx.env[n];
    if (v === undefined) status = 1;
    else await ctx.stdout.write(`${v}\n`);
  }
  return status;
};
