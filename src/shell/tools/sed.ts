/** sed: a parsed script run over a stream, line by line, with GNU's common extensions. */
import { FsError, resolvePath } from '../fs.ts';
import { translateRegex } from '../regex.ts';
import { Reader, stringReader } from '../stream.ts';
import type { Command, CommandContext } from '../types.ts';

type Address =
  | { kind: 'line'; n: number }
  | { kind: 'last' }
  | { kind: 're'; re: RegExp | null }
  | { kind: 'step'; first: number; step: number };

interface SedCommand {
  a1: Address | null;
  a2: Address | { kind: 'rel'; n: number } | null;
  negate: boolean;
  name: string;
  /** s: regex, replacement, flags; y: from/to; a/i/c: text; b/t/:: label; q: status; {: block end index. */
  re?: RegExp | null;
  replacement?: string;
  global?: boolean;
  occurrence?: number;
  print?: boolean;
  text?: string;
  label?: string;
  from?: string;
  to?: string;
  blockEnd?: number;
  status?: number;
  /** Range state: inside a range since this line. */
  active?: boolean;
  rangeEnd?: number;
  writeFile?: string;
}

class SedError extends Error {}

class ScriptParser {
  private i = 0;
  private readonly src: string;
  private readonly extended: boolean;
  readonly commands: SedCommand[] = [];

  constructor(src: string, extended: boolean) {
    this.src = src;
    this.extended = extended;
  }

  private regex(delim: string, flags: string): RegExp | null {
    let body = '';
    while (this.i < this.src.length && this.src[this.i] !== delim) {
      const c = this.src[this.i] as string;
      if (c === '\\' && this.i + 1 < this.src.length) {
        const n = this.src[this.i + 1] as string;
        body += n === delim ? (delim === '/' ? '\\/' : n) : n === 'n' ? '\\n' : c + n;
        this.i += 2;
        continue;
      }
      if (c === '[') {
        const close = this.src.indexOf(
          ']',
          this.i +
            (this.src[this.i + 1] === ']' ? 2 : this.src[this.i + 1] === '^' && this.src[this.i + 2] === ']' ? 3 : 1),
        );
        if (close > 0) {
          body += this.src.slice(this.i, close + 1);
          this.i = close + 1;
          continue;
        }
      }
      body += c;
      this.i++;
    }
    if (this.i >= this.src.length) throw new SedError(`unterminated address regex`);
    this.i++;
    if (body === '') return null;
    try {
      return new RegExp(translateRegex(body, { extended: this.extended }), flags);
    } catch {
      throw new SedError(`-e expression #1, char ${this.i}: Invalid preceding regular expression`);
    }
  }

  private address(): Address | null {
    const s = this.src;
    const m = /^(\d+)~(\d+)/.exec(s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      return { kind: 'step', first: Number(m[1]), step: Number(m[2]) };
    }
    const n = /^\d+/.exec(s.slice(this.i));
    if (n) {
      this.i += n[0].length;
      return { kind: 'line', n: Number(n[0]) };
    }
    if (s[this.i] === '$') {
      this.i++;
      return { kind: 'last' };
    }
    if (s[this.i] === '/' || s[this.i] === '\\') {
      let delim = '/';
      if (s[this.i] === '\\') {
        delim = s[this.i + 1] as string;
        this.i++;
      }
      this.i++;
      const re = this.regex(delim, '');
      let flags = '';
      while (s[this.i] === 'I' || s[this.i] === 'M') {
        if (s[this.i] === 'I') flags += 'i';
        this.i++;
      }
      return { kind: 're', re: re && flags ? new RegExp(re.source, flags) : re };
    }
    return null;
  }

  private skip(chars = ' \t'): void {
    while (this.i < this.src.length && chars.includes(this.src[this.i] as string)) this.i++;
  }

  private toEnd(): string {
    const nl = this.src.indexOf('\n', this.i);
    const end = nl < 0 ? this.src.length : nl;
    const text = this.src.slice(this.i, end);
    this.i = end;
    return text;
  }

  private textArg(): string {
    this.skip();
    if (this.src[this.i] === '\\') {
      this.i++;
      if (this.src[this.i] === '\n') this.i++;
    }
    let text = '';
    for (;;) {
      const line = this.toEnd();
      if (line.endsWith('\\') && this.i < this.src.length) {
        text += `${line.slice(0, -1)}\n`;
        this.i++;
        continue;
      }
      text += line;
      break;
    }
    return text.replace(/\\(.)/g, '$1');
  }

  parse(): SedCommand[] {
    const stack: number[] = [];
    const s = this.src;
    for (;;) {
      this.skip(' \t\n;');
      if (this.i >= s.length) break;
      const a1 = this.address();
      let a2: SedCommand['a2'] = null;
      if (a1 && s[this.i] === ',') {
        this.i++;
        const rel = /^\+(\d+)/.exec(s.slice(this.i));
        if (rel) {
          this.i += rel[0].length;
          a2 = { kind: 'rel', n: Number(rel[1]) };
        } else a2 = this.address();
        if (!a2) throw new SedError(`-e expression #1, char ${this.i}: unexpected \`,'`);
      }
      this.skip();
      let negate = false;
      while (s[this.i] === '!') {
        negate = true;
        this.i++;
        this.skip();
      }
      const name = s[this.i++];
      if (name === undefined) throw new SedError(`-e expression #1, char ${this.i}: missing command`);
      const cmd: SedCommand = { a1, a2, negate, name };
      switch (name) {
        case '{':
          stack.push(this.commands.length);
          break;
        case '}': {
          const open = stack.pop();
          if (open === undefined) throw new SedError(`-e expression #1, char ${this.i}: unexpected \`}'`);
          (this.commands[open] as SedCommand).blockEnd = this.commands.length;
          break;
        }
        case 's': {
          const delim = s[this.i++] as string;
          cmd.re = this.regex(delim, '');
          let rep = '';
          while (this.i < s.length && s[this.i] !== delim) {
            if (s[this.i] === '\\' && this.i + 1 < s.length) {
              rep += s[this.i + 1] === delim ? delim : s.slice(this.i, this.i + 2);
              this.i += 2;
              continue;
            }
            rep += s[this.i++];
          }
          if (this.i >= s.length) throw new SedError(`-e expression #1, char ${this.i}: unterminated \`s' command`);
          this.i++;
          cmd.replacement = rep;
          let flags = '';
          for (;;) {
            const f = s[this.i];
            if (f === 'g') cmd.global = true;
            else if (f === 'p') cmd.print = true;
            else if (f === 'i' || f === 'I') flags += 'i';
            else if (f === 'm' || f === 'M') flags += 'm';
            else if (f !== undefined && /\d/.test(f)) {
              const num = /^\d+/.exec(s.slice(this.i)) as RegExpExecArray;
              cmd.occurrence = Number(num[0]);
              this.i += num[0].length - 1;
            } else if (f === 'w') {
              this.i++;
              this.skip();
              cmd.writeFile = this.toEnd();
              break;
            } else break;
            this.i++;
          }
          if (flags && cmd.re) cmd.re = new RegExp(cmd.re.source, flags);
          break;
        }
        case 'y': {
          const delim = s[this.i++] as string;
          const end1 = s.indexOf(delim, this.i);
          const end2 = s.indexOf(delim, end1 + 1);
          if (end1 < 0 || end2 < 0) throw new SedError(`-e expression #1, char ${this.i}: unterminated \`y' command`);
          const unesc = (t: string) => t.replace(/\\n/g, '\n').replace(/\\\\/g, '\\');
          cmd.from = unesc(s.slice(this.i, end1));
          cmd.to = unesc(s.slice(end1 + 1, end2));
          if ([...cmd.from].length !== [...cmd.to].length) {
            throw new SedError(`-e expression #1, char ${end2 + 1}: strings for \`y' command are different lengths`);
          }
          this.i = end2 + 1;
          break;
        }
        case 'a':
        case 'i':
        case 'c':
          cmd.text = this.textArg();
          break;
        case 'b':
        case 't':
        case 'T':
        case ':': {
          this.skip();
          const m = /^[^;\n}]*/.exec(s.slice(this.i)) as RegExpExecArray;
          cmd.label = m[0].trim();
          this.i += m[0].length;
          if (name === ':' && cmd.label === '') throw new SedError('":" lacks a label');
          break;
        }
        case 'q':
        case 'Q': {
          this.skip();
          const m = /^\d+/.exec(s.slice(this.i));
          cmd.status = m ? Number(m[0]) : 0;
          if (m) this.i += m[0].length;
          break;
        }
        case 'r':
        case 'w':
          this.skip();
          cmd.text = this.toEnd();
          break;
        case 'p':
        case 'P':
        case 'd':
        case 'D':
        case 'n':
        case 'N':
        case 'g':
        case 'G':
        case 'h':
        case 'H':
        case 'x':
        case '=':
        case 'l':
        case 'z':
          break;
        default:
          throw new SedError(`-e expression #1, char ${this.i}: unknown command: \`${name}'`);
      }
      this.commands.push(cmd);
    }
    if (stack.length > 0) throw new SedError(`-e expression #1, char 0: unmatched \`{'`);
    return this.commands;
  }
}

function substitute(cmd: SedCommand, space: string, lastRe: RegExp): { text: string; changed: boolean } {
  const re = new RegExp(lastRe.source, `${lastRe.flags.replace('g', '')}g`);
  let n = 0;
  let changed = false;
  const text = space.replace(re, (...m: unknown[]) => {
    n++;
    const whole = m[0] as string;
    if (
      cmd.occurrence !== undefined ? n < cmd.occurrence || (n > cmd.occurrence && !cmd.global) : n > 1 && !cmd.global
    ) {
      return whole;
    }
    changed = true;
    const groups = m.slice(1, -2) as (string | undefined)[];
    return expandReplacement(cmd.replacement ?? '', whole, groups);
  });
  return { text, changed };
}

function expandReplacement(rep: string, whole: string, groups: (string | undefined)[]): string {
  let out = '';
  let mode: 'U' | 'L' | null = null;
  let once: 'u' | 'l' | null = null;
  const add = (t: string) => {
    let s = t;
    if (mode === 'U') s = s.toUpperCase();
    if (mode === 'L') s = s.toLowerCase();
    if (once && s) {
      s = (once === 'u' ? s[0]?.toUpperCase() : s[0]?.toLowerCase()) + s.slice(1);
      once = null;
    }
    out += s;
  };
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i] as string;
    if (c === '&') add(whole);
    else if (c === '\\' && i + 1 < rep.length) {
      const n = rep[++i] as string;
      if (/\d/.test(n)) add(n === '0' ? whole : (groups[Number(n) - 1] ?? ''));
      else if (n === 'n') add('\n');
      else if (n === 't') add('\t');
      else if (n === 'U' || n === 'L') mode = n;
      else if (n === 'E') mode = null;
      else if (n === 'u' || n === 'l') once = n;
      else add(n);
    } else add(c);
  }
  return out;
}

interface RunResult {
  quit: number | null;
}

async function runSed(
  commands: SedCommand[],
  reader: Reader,
  write: (s: string) => Promise<void> | void,
  ctx: CommandContext,
  quiet: boolean,
  state: { lineNo: number; hold: string; lastRe: RegExp | null },
  moreInput: () => boolean,
): Promise<RunResult> {
  const labels = new Map<string, number>();
  commands.forEach((c, i) => {
    if (c.name === ':' && c.label) labels.set(c.label, i);
  });
  let next = await reader.readLine();
  const readNext = async () => {
    const cur = next;
    next = cur === null ? null : await reader.readLine();
    return cur;
  };
  const isLast = () => next === null && !moreInput();
  const matches = (a: Address, space: string): boolean => {
    switch (a.kind) {
      case 'line':
        return state.lineNo === a.n;
      case 'last':
        return isLast();
      case 'step':
        return a.step <= 0
          ? state.lineNo === a.first
          : state.lineNo >= a.first && (state.lineNo - a.first) % a.step === 0;
      case 're': {
        const re = a.re ?? state.lastRe;
        if (!re) return false;
        state.lastRe = re;
        return re.test(space);
      }
    }
  };
  const selected = (c: SedCommand, space: string): boolean => {
    if (!c.a1) return true;
    if (!c.a2) return matches(c.a1, space);
    if (c.active) {
      const a2 = c.a2;
      let end = false;
      if (a2.kind === 'rel') end = state.lineNo >= (c.rangeEnd ?? 0);
      else if (a2.kind === 'line') end = state.lineNo >= a2.n;
      else end = matches(a2, space);
      if (end) c.active = false;
      return true;
    }
    if (matches(c.a1, space)) {
      const a2 = c.a2;
      if (a2.kind === 'rel') {
        c.rangeEnd = state.lineNo + a2.n;
        c.active = a2.n > 0;
      } else if (a2.kind === 'line') c.active = a2.n > state.lineNo;
      else c.active = true;
      return true;
    }
    return false;
  };
  for (;;) {
    const got = await readNext();
    if (got === null) return { quit: null };
    state.lineNo++;
    let space = got.line;
    let appendQueue = '';
    let deleted = false;
    let substituted = false;
    let quit: number | null = null;
    let printOnQuit = true;
    let pc = 0;
    let restart = false;
    while (pc < commands.length) {
      const c = commands[pc] as SedCommand;
      if (c.name === '}' || c.name === ':') {
        pc++;
        continue;
      }
      if (selected(c, space) === c.negate) {
        pc = c.name === '{' ? (c.blockEnd ?? pc) + 1 : pc + 1;
        continue;
      }
      pc++;
      switch (c.name) {
        case 's': {
          const re = c.re ?? state.lastRe;
          if (!re) throw new SedError('no previous regular expression');
          state.lastRe = re;
          const r = substitute(c, space, re);
          if (r.changed) {
            space = r.text;
            substituted = true;
            if (c.print) await write(`${space}\n`);
            if (c.writeFile) ctx.fs.writeFile(resolvePath(ctx.cwd, c.writeFile), `${space}\n`, { append: true });
          }
          break;
        }
        case 'y':
          space = [...space]
            .map((ch) => {
              const k = [...(c.from ?? '')].indexOf(ch);
              return k < 0 ? ch : ([...(c.to ?? '')][k] as string);
            })
            .join('');
          break;
        case 'p':
          await write(`${space}\n`);
          break;
        case 'P':
          await write(`${space.split('\n')[0]}\n`);
          break;
        case 'd':
          deleted = true;
          pc = commands.length;
          break;
        case 'D': {
          const nl = space.indexOf('\n');
          if (nl < 0) {
            deleted = true;
            pc = commands.length;
          } else {
            space = space.slice(nl + 1);
            pc = 0;
            restart = true;
          }
          break;
        }
        case 'n':
          if (!quiet) await write(`${space}\n`);
          if (next === null && !moreInput()) {
            deleted = true;
            printOnQuit = false;
            quit = 0;
            pc = commands.length;
            break;
          }
          space = (await readNext())?.line ?? '';
          state.lineNo++;
          break;
        case 'N':
          if (next === null) {
            pc = commands.length;
            break;
          }
          space += `\n${(await readNext())?.line ?? ''}`;
          state.lineNo++;
          break;
        case 'h':
          state.hold = space;
          break;
        case 'H':
          state.hold += `\n${space}`;
          break;
        case 'g':
          space = state.hold;
          break;
        case 'G':
          space += `\n${state.hold}`;
          break;
        case 'x':
          [space, state.hold] = [state.hold, space];
          break;
        case '=':
          await write(`${state.lineNo}\n`);
          break;
        case 'l':
          await write(`${space.replace(/\\/g, '\\\\').replace(/\t/g, '\\t')}$\n`);
          break;
        case 'z':
          space = '';
          break;
        case 'a':
          appendQueue += `${c.text}\n`;
          break;
        case 'i':
          await write(`${c.text}\n`);
          break;
        case 'c':
          if (!c.a2 || !c.active) await write(`${c.text}\n`);
          deleted = true;
          pc = commands.length;
          break;
        case 'r':
          try {
            appendQueue += ctx.fs.readFile(resolvePath(ctx.cwd, c.text ?? ''));
          } catch {}
          break;
        case 'w':
          ctx.fs.writeFile(resolvePath(ctx.cwd, c.text ?? ''), `${space}\n`, { append: true });
          break;
        case 'b':
        case 't':
        case 'T': {
          if (c.name === 't' && !substituted) break;
          if (c.name === 'T' && substituted) break;
          if (c.name !== 'b') substituted = false;
          if (!c.label) pc = commands.length;
          else {
            const target = labels.get(c.label);
            if (target === undefined) throw new SedError(`can't find label for jump to \`${c.label}'`);
            pc = target;
          }
          break;
        }
        case 'q':
          quit = c.status ?? 0;
          pc = commands.length;
          break;
        case 'Q':
          quit = c.status ?? 0;
          printOnQuit = false;
          deleted = true;
          pc = commands.length;
          break;
      }
      if (restart) {
        restart = false;
      }
    }
    if (!deleted && !quiet && printOnQuit) await write(`${space}\n`);
    if (appendQueue) await write(appendQueue);
    if (quit !== null) return { quit };
  }
}

export const sed: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  const scripts: string[] = [];
  const files: string[] = [];
  let quiet = false;
  let extended = false;
  let inPlace: string | null = null;
  let separate = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      files.push(...args.slice(i + 1));
      break;
    }
    if (a === '-e' || a === '--expression') scripts.push(args[++i] ?? '');
    else if (a.startsWith('--expression=')) scripts.push(a.slice(13));
    else if (a === '-f' || a === '--file') {
      const f = args[++i] ?? '';
      try {
        scripts.push(ctx.fs.readFile(resolvePath(ctx.cwd, f)));
      } catch (e) {
        await ctx.stderr.write(`sed: couldn't open file ${f}: ${(e as Error).message}\n`);
        return 1;
      }
    } else if (a === '-n' || a === '--quiet' || a === '--silent') quiet = true;
    else if (a === '-E' || a === '-r' || a === '--regexp-extended') extended = true;
    else if (a === '-s' || a === '--separate') separate = true;
    else if (a.startsWith('-i') || a.startsWith('--in-place')) inPlace = a.startsWith('-i') ? a.slice(2) : a.slice(11);
    else if (/^-[nErs]+$/.test(a)) {
      quiet ||= a.includes('n');
      extended ||= a.includes('E') || a.includes('r');
      separate ||= a.includes('s');
    } else if (/^-[nErs]*i/.test(a)) {
      quiet ||= a.includes('n');
      extended ||= a.includes('E') || a.includes('r');
      inPlace = a.slice(a.indexOf('i') + 1);
    } else if (a.startsWith('-') && a !== '-') {
      await ctx.stderr.write(
        `sed: invalid option -- '${a.slice(1, 2)}'\nUsage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n`,
      );
      return 1;
    } else if (scripts.length === 0 && !args.slice(0, i).some((x) => x === '-e' || x === '-f')) scripts.push(a);
    else files.push(a);
  }
  if (scripts.length === 0) {
    await ctx.stderr.write('Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n');
    return 1;
  }
  let commands: SedCommand[];
  try {
    commands = new ScriptParser(scripts.join('\n'), extended).parse();
  } catch (e) {
    if (!(e instanceof SedError)) throw e;
    await ctx.stderr.write(`sed: ${e.message}\n`);
    return 1;
  }
  const state = { lineNo: 0, hold: '', lastRe: null as RegExp | null };
  let status = 0;
  const open = (f: string): string | null => {
    try {
      return ctx.fs.readFile(resolvePath(ctx.cwd, f));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      return null;
    }
  };
  try {
    if (inPlace !== null || separate) {
      if (files.length === 0) {
        await ctx.stderr.write('sed: no input files\n');
        return 1;
      }
      for (const f of files) {
        const text = open(f);
        if (text === null) {
          await ctx.stderr.write(`sed: can't read ${f}: No such file or directory\n`);
          status = 2;
          continue;
        }
        let out = '';
        state.lineNo = inPlace !== null ? 0 : state.lineNo;
        for (const c of commands) c.active = false;
        const r = await runSed(
          commands,
          stringReader(text),
          inPlace !== null
            ? (s) => {
                out += s;
              }
            : (s) => ctx.stdout.write(s),
          ctx,
          quiet,
          state,
          () => false,
        );
        if (inPlace !== null) {
          if (inPlace) ctx.fs.writeFile(resolvePath(ctx.cwd, f + inPlace), text);
          ctx.fs.writeFile(resolvePath(ctx.cwd, f), out);
        }
        if (r.quit !== null) return r.quit;
      }
      return status;
    }
    const list = files.length === 0 ? ['-'] : files;
    let idx = 0;
    const readers: Reader[] = [];
    for (const f of list) {
      if (f === '-') readers.push(ctx.stdin);
      else {
        const text = open(f);
        if (text === null) {
          await ctx.stderr.write(`sed: can't read ${f}: No such file or directory\n`);
          status = 2;
        } else readers.push(stringReader(text));
      }
    }
    // One stream across files, so `$` is the last line of the last file.
    const joined = new Reader(async () => {
      while (idx < readers.length) {
        const chunk = await (readers[idx] as Reader).read();
        if (chunk !== null) return chunk;
        idx++;
      }
      return null;
    });
    const r = await runSed(
      commands,
      joined,
      (s) => ctx.stdout.write(s),
      ctx,
      quiet,
      state,
      () => false,
    );
    if (r.quit !== null) return r.quit;
  } catch (e) {
    if (!(e instanceof SedError)) throw e;
    await ctx.stderr.write(`sed: ${e.message}\n`);
    return 1;
  }
  return status;
};
