/** Commands the shell runs itself because they read or change its own state. */

import { ArithError, evaluateArithmetic } from './arith.ts';
import { ExpansionError } from './expand.ts';
import { interpretEscapes, shellPrintf } from './format.ts';
import { FsError, resolvePath } from './fs.ts';
import { abortStatus, type Interpreter, type Job, safeWrite } from './interpreter.ts';
import { NAME_RE } from './parser.ts';
import { ExitSignal, InterruptSignal, LoopSignal, ReturnSignal } from './signals.ts';
import { runTest } from './test-expr.ts';
import type { Io } from './types.ts';

export type Builtin = (sh: Interpreter, argv: string[], io: Io) => Promise<number>;

const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'case',
  'esac',
  'for',
  'while',
  'until',
  'do',
  'done',
  'in',
  'function',
  '{',
  '}',
  '!',
  '[[',
  ']]',
  'time',
]);
/** Builtins that also exist as programs, so `which` finds them. */
export const ALSO_PROGRAMS: ReadonlySet<string> = new Set([
  'echo',
  'printf',
  'test',
  '[',
  'true',
  'false',
  'pwd',
  'kill',
  'sleep',
  'which',
]);

async function err(sh: Interpreter, io: Io, name: string, message: string): Promise<void> {
  await sh.error(io, `${name}: ${message}`);
}

function shellQuoteValue(v: string): string {
  return `'${v.replace(/'/g, "'\\''")}'`;
}

const echo: Builtin = async (sh, argv, io) => {
  let i = 1;
  let newline = true;
  let escapes = sh.host.dialect !== 'bash';
  while (i < argv.length && /^-[neE]+$/.test(argv[i] as string)) {
    for (const f of (argv[i] as string).slice(1)) {
      if (f === 'n') newline = false;
      else if (f === 'e') escapes = true;
      else escapes = false;
    }
    i++;
  }
  let text = argv.slice(i).join(' ');
  if (escapes) {
    const e = interpretEscapes(text);
    text = e.text;
    if (e.stop) newline = false;
  }
  await io.stdout.write(newline ? `${text}\n` : text);
  return 0;
};

const printf: Builtin = async (sh, argv, io) => {
  let args = argv.slice(1);
  let target: string | null = null;
  if (args[0] === '-v') {
    target = args[1] ?? null;
    args = args.slice(2);
  }
  if (args[0] === '--') args = args.slice(1);
  if (args.length === 0) {
    await safeWrite(io.stderr, 'printf: usage: printf [-v var] format [arguments]\n');
    return 2;
  }
  const { out, errors } = shellPrintf(args[0] as string, args.slice(1));
  for (const e of errors) await err(sh, io, 'printf', e);
  if (target !== null) sh.setVar(target, out);
  else await io.stdout.write(out);
  return errors.length > 0 ? 1 : 0;
};

const cd: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1).filter((a) => a !== '-L' && a !== '-P');
  if (args.length > 1) {
    await err(sh, io, 'cd', 'too many arguments');
    return 1;
  }
  let dir = args[0];
  let print = false;
  if (dir === undefined || dir === '') {
    dir = sh.getVar('HOME');
    if (dir === undefined) {
      await err(sh, io, 'cd', 'HOME not set');
      return 1;
    }
  } else if (dir === '-') {
    dir = sh.getVar('OLDPWD');
    if (dir === undefined) {
      await err(sh, io, 'cd', 'OLDPWD not set');
      return 1;
    }
    print = true;
  }
  const path = resolvePath(sh.state.cwd, dir);
  const st = sh.fs.stat(path);
  if (st === null || st.kind !== 'dir') {
    await err(sh, io, 'cd', `${dir}: ${st === null ? 'No such file or directory' : 'Not a directory'}`);
    return 1;
  }
  sh.setVar('OLDPWD', sh.state.cwd);
  sh.state.cwd = path;
  sh.setVar('PWD', path);
  if (print) await io.stdout.write(`${path}\n`);
  return 0;
};

const pwd: Builtin = async (sh, _argv, io) => {
  await io.stdout.write(`${sh.state.cwd}\n`);
  return 0;
};

function assignArg(sh: Interpreter, arg: string): { name: string; value?: string } | null {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?=)(.*)$/s.exec(arg);
  if (m) {
    const name = m[1] as string;
    const value = m[2] === '+=' ? (sh.getVar(name) ?? '') + (m[3] as string) : (m[3] as string);
    return { name, value };
  }
  return NAME_RE.test(arg) ? { name: arg } : null;
}

const exportBuiltin: Builtin = async (sh, argv, io) => {
  let args = argv.slice(1);
  let unexport = false;
  while (args[0]?.startsWith('-')) {
    if (args[0] === '-n') unexport = true;
    args = args.slice(1);
  }
  if (args.length === 0) {
    const names = [...sh.state.vars.keys()].filter((k) => sh.state.vars.get(k)?.exported).sort();
    for (const n of names) {
      const v = sh.state.vars.get(n)?.value ?? '';
      await io.stdout.write(`declare -x ${n}="${v.replace(/(["\\$`])/g, '\\$1')}"\n`);
    }
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const parsed = assignArg(sh, a);
    if (!parsed) {
      await err(sh, io, 'export', `\`${a}': not a valid identifier`);
      status = 1;
      continue;
    }
    const existing = sh.state.vars.get(parsed.name);
    if (parsed.value !== undefined) sh.setVar(parsed.name, parsed.value, !unexport);
    else if (existing) existing.exported = !unexport;
    else if (!unexport) sh.state.vars.set(parsed.name, { value: '', exported: true });
  }
  return status;
};

const unset: Builtin = async (sh, argv) => {
  let functions = false;
  for (const a of argv.slice(1)) {
    if (a === '-f') functions = true;
    else if (a === '-v') functions = false;
    else if (functions) sh.state.functions.delete(a);
    else if (sh.state.vars.has(a)) sh.unsetVar(a);
    else sh.state.functions.delete(a);
  }
  return 0;
};

const set: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const n of [...sh.state.vars.keys()].sort()) {
      const v = sh.state.vars.get(n)?.value ?? '';
      await io.stdout.write(`${n}=${/^[A-Za-z0-9_./:@%+,-]*$/.test(v) ? v : shellQuoteValue(v)}\n`);
    }
    return 0;
  }
  const opts = sh.state.options;
  const letters: Record<string, keyof typeof opts> = { e: 'errexit', u: 'nounset', x: 'xtrace' };
  let i = 0;
  while (i < args.length) {
    const a = args[i] as string;
    if (a === '--') {
      sh.state.positional = args.slice(i + 1);
      return 0;
    }
    if (a === '-o' || a === '+o') {
      const name = args[i + 1];
      if (name === undefined) {
        for (const [k, v] of Object.entries(opts)) await io.stdout.write(`${k.padEnd(15)}\t${v ? 'on' : 'off'}\n`);
        return 0;
      }
      if (!(name in opts)) {
        await err(sh, io, 'set', `${name}: invalid option name`);
        return 1;
      }
      opts[name as keyof typeof opts] = a === '-o';
      i += 2;
      continue;
    }
    if (/^[-+][a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        const key = letters[f];
        if (key) opts[key] = a[0] === '-';
        else if (f !== 'h' && f !== 'B' && f !== 'm' && f !== 'H') {
          await err(sh, io, 'set', `${a[0]}${f}: invalid option`);
          return 2;
        }
      }
      i++;
      continue;
    }
    sh.state.positional = args.slice(i);
    return 0;
  }
  return 0;
};

const test: Builtin = async (sh, argv, io) => {
  let args = argv.slice(1);
  const name = argv[0] as string;
  if (name === '[') {
    if (args[args.length - 1] !== ']') {
      await err(sh, io, '[', "missing `]'");
      return 2;
    }
    args = args.slice(0, -1);
  }
  const r = runTest(args, sh.fs, sh.state.cwd);
  if (r.error) await err(sh, io, name, r.error);
  return r.status;
};

function statusArg(sh: Interpreter, arg: string | undefined): number | null {
  if (arg === undefined) return sh.state.status;
  if (!/^-?\d+$/.test(arg)) return null;
  return ((Number(arg) % 256) + 256) % 256;
}

const exit: Builtin = async (sh, argv, io) => {
  const status = statusArg(sh, argv[1]);
  if (status === null) {
    await err(sh, io, 'exit', `${argv[1]}: numeric argument required`);
    throw new ExitSignal(2);
  }
  throw new ExitSignal(status);
};

const returnBuiltin: Builtin = async (sh, argv, io) => {
  const status = statusArg(sh, argv[1]);
  if (status === null) {
    await err(sh, io, 'return', `${argv[1]}: numeric argument required`);
    throw new ReturnSignal(2);
  }
  throw new ReturnSignal(status);
};

function loopControl(isContinue: boolean): Builtin {
  return async (sh, argv, io) => {
    const n = argv[1] === undefined ? 1 : Number(argv[1]);
    if (!Number.isInteger(n) || n < 1) {
      await err(sh, io, argv[0] as string, `${argv[1]}: loop count out of range`);
      return 1;
    }
    throw new LoopSignal(n, isContinue);
  };
}

const source: Builtin = async (sh, argv, io) => {
  const file = argv[1];
  if (file === undefined) {
    await err(sh, io, argv[0] as string, 'filename argument required');
    return 2;
  }
  let text: string;
  try {
    text = sh.fs.readFile(resolvePath(sh.state.cwd, file));
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    await err(sh, io, file, e.message);
    return 1;
  }
  const saved = sh.state.positional;
  if (argv.length > 2) sh.state.positional = argv.slice(2);
  try {
    return await sh.runScript(text, io);
  } catch (e) {
    if (e instanceof ReturnSignal) return e.status;
    throw e;
  } finally {
    if (argv.length > 2) sh.state.positional = saved;
  }
};

const alias: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1).filter((a) => a !== '-p');
  if (args.length === 0) {
    for (const [k, v] of [...sh.state.aliases].sort(([a], [b]) => (a < b ? -1 : 1))) {
      await io.stdout.write(`alias ${k}=${shellQuoteValue(v)}\n`);
    }
    return 0;
  }
  let status = 0;
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq > 0) sh.state.aliases.set(a.slice(0, eq), a.slice(eq + 1));
    else {
      const v = sh.state.aliases.get(a);
      if (v === undefined) {
        await err(sh, io, 'alias', `${a}: not found`);
        status = 1;
      } else await io.stdout.write(`alias ${a}=${shellQuoteValue(v)}\n`);
    }
  }
  return status;
};

const unalias: Builtin = async (sh, argv, io) => {
  let status = 0;
  for (const a of argv.slice(1)) {
    if (a === '-a') sh.state.aliases.clear();
    else if (!sh.state.aliases.delete(a)) {
      await err(sh, io, 'unalias', `${a}: not found`);
      status = 1;
    }
  }
  return status;
};

/** How a name resolves, for `type`, `command -v` and `which`. */
function lookup(sh: Interpreter, name: string): { kind: string; path?: string } | null {
  if (sh.state.aliases.has(name)) return { kind: 'alias' };
  if (KEYWORDS.has(name)) return { kind: 'keyword' };
  if (sh.state.functions.has(name)) return { kind: 'function' };
  if (BUILTINS.has(name)) return { kind: 'builtin' };
  if (name === 'sh' || name === 'bash' || name === 'zsh') return { kind: 'file', path: `/usr/bin/${name}` };
  const cmd = name.includes('/')
    ? sh.host.registry.byPath(resolvePath(sh.state.cwd, name))
    : sh.host.registry.get(name);
  if (cmd) return { kind: 'file', path: name.includes('/') ? name : cmd.path };
  return null;
}

const type: Builtin = async (sh, argv, io) => {
  let terse = false;
  let status = 0;
  for (const name of argv.slice(1)) {
    if (name === '-t') {
      terse = true;
      continue;
    }
    const found = lookup(sh, name);
    if (!found) {
      if (!terse) await err(sh, io, 'type', `${name}: not found`);
      status = 1;
      continue;
    }
    if (terse) {
      await io.stdout.write(`${found.kind}\n`);
      continue;
    }
    const text: Record<string, string> = {
      alias: `${name} is aliased to \`${sh.state.aliases.get(name)}'`,
      keyword: `${name} is a shell keyword`,
      function: `${name} is a function`,
      builtin: `${name} is a shell builtin`,
      file: `${name} is ${found.path}`,
    };
    await io.stdout.write(`${text[found.kind]}\n`);
  }
  return status;
};

const which: Builtin = async (sh, argv, io) => {
  let status = 0;
  for (const name of argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const cmd = name.includes('/') ? null : sh.host.registry.get(name);
    if (cmd) await io.stdout.write(`${cmd.path}\n`);
    else if (ALSO_PROGRAMS.has(name) || name === 'sh' || name === 'bash') await io.stdout.write(`/usr/bin/${name}\n`);
    else status = 1;
  }
  return status;
};

const command: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1);
  if (args[0] === '-v' || args[0] === '-V') {
    let status = 0;
    for (const name of args.slice(1)) {
      const found = lookup(sh, name);
      if (!found) status = 1;
      else if (args[0] === '-V') await type(sh, ['type', name], io);
      else if (found.kind === 'alias')
        await io.stdout.write(`alias ${name}=${shellQuoteValue(sh.state.aliases.get(name) ?? '')}\n`);
      else await io.stdout.write(`${found.path ?? name}\n`);
    }
    return status;
  }
  if (args.length === 0) return 0;
  const saved = sh.state.functions;
  sh.state.functions = new Map();
  try {
    return await sh.invoke(args, io);
  } finally {
    sh.state.functions = saved;
  }
};

const history: Builtin = async (sh, argv, io) => {
  const list = sh.host.history();
  const n = argv[1] !== undefined && /^\d+$/.test(argv[1]) ? Number(argv[1]) : list.length;
  const start = Math.max(0, list.length - n);
  for (let i = start; i < list.length; i++) await io.stdout.write(`${String(i + 1).padStart(5)}  ${list[i]}\n`);
  return 0;
};

/** Parses `sleep`'s arguments (1, 0.5, 2m, 1h, infinity) into milliseconds, or the bad argument. */
export function parseDuration(args: string[]): number | string {
  let total = 0;
  for (const a of args) {
    if (a === 'infinity') return Number.POSITIVE_INFINITY;
    const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(a);
    if (!m) return a;
    const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
    total += Number(m[1]) * unit * 1000;
  }
  return total;
}

const sleep: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1);
  if (args.length === 0) {
    await safeWrite(io.stderr, "sleep: missing operand\nTry 'sleep --help' for more information.\n");
    return 1;
  }
  const ms = parseDuration(args);
  if (typeof ms === 'string') {
    await safeWrite(io.stderr, `sleep: invalid time interval '${ms}'\nTry 'sleep --help' for more information.\n`);
    return 1;
  }
  if (ms === Number.POSITIVE_INFINITY) {
    await new Promise<void>((resolve) => {
      if (sh.signal.aborted) resolve();
      sh.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } else await sh.clock.sleep(ms, sh.signal);
  if (sh.signal.aborted) throw new InterruptSignal(abortStatus(sh.signal));
  return 0;
};

const read: Builtin = async (sh, argv, io) => {
  const args = argv.slice(1);
  let raw = false;
  let prompt = '';
  let nchars: number | null = null;
  let delim = '\n';
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-r') raw = true;
    else if (a === '-s') continue;
    else if (a === '-p') prompt = args[++i] ?? '';
    else if (a === '-n' || a === '-N') nchars = Number(args[++i] ?? '1');
    else if (a === '-d') delim = (args[++i] ?? '').charAt(0) || '\0';
    else if (a === '-t' || a === '-u' || a === '-a') i++;
    else if (/^-[rs]+$/.test(a)) raw = raw || a.includes('r');
    else names.push(a);
  }
  if (prompt) await safeWrite(io.stderr, prompt);
  let line = '';
  let eof = false;
  for (;;) {
    const chunk = await io.stdin.read();
    if (chunk === null) {
      eof = true;
      break;
    }
    let cut = -1;
    if (nchars !== null) cut = Math.min(chunk.length, nchars - line.length);
    else {
      const d = chunk.indexOf(delim);
      if (d >= 0) cut = d;
    }
    if (cut < 0) {
      line += chunk;
      continue;
    }
    line += chunk.slice(0, cut);
    io.stdin.unread(chunk.slice(nchars !== null ? cut : cut + 1));
    if (!raw && line.endsWith('\\') && nchars === null) {
      line = `${line.slice(0, -1)}`;
      continue;
    }
    if (nchars === null || line.length >= nchars) break;
  }
  if (!raw) line = line.replace(/\\(.)/g, '$1');
  if (names.length === 0) {
    sh.setVar('REPLY', line);
    return eof && line === '' ? 1 : eof ? 1 : 0;
  }
  const ifs = sh.getVar('IFS') ?? ' \t\n';
  const white = [...ifs].filter((c) => ' \t\n'.includes(c)).join('');
  const isWhite = (c: string) => white.includes(c);
  const isIfs = (c: string) => ifs.includes(c);
  let rest = line;
  const trimWhite = (s: string) => {
    let a = 0;
    let b = s.length;
    while (a < b && isWhite(s[a] as string)) a++;
    while (b > a && isWhite(s[b - 1] as string)) b--;
    return s.slice(a, b);
  };
  rest = trimWhite(rest);
  names.forEach((name, idx) => {
    if (idx === names.length - 1) {
      sh.setVar(name, rest);
      return;
    }
    let j = 0;
    while (j < rest.length && !isIfs(rest[j] as string)) j++;
    sh.setVar(name, rest.slice(0, j));
    rest = rest.slice(j);
    let k = 0;
    while (k < rest.length && isWhite(rest[k] as string)) k++;
    if (k < rest.length && isIfs(rest[k] as string) && !isWhite(rest[k] as string)) k++;
    rest = trimWhite(rest.slice(k));
  });
  return eof ? 1 : 0;
};

const shift: Builtin = async (sh, argv, io) => {
  const n = argv[1] === undefined ? 1 : Number(argv[1]);
  if (!Number.isInteger(n) || n < 0) {
    await err(sh, io, 'shift', `${argv[1]}: numeric argument required`);
    return 1;
  }
  if (n > sh.state.positional.length) return 1;
  sh.state.positional = sh.state.positional.slice(n);
  return 0;
};

const evalBuiltin: Builtin = async (sh, argv, io) => sh.runScript(argv.slice(1).join(' '), io);

function findJobs(sh: Interpreter, spec: string): Job | undefined {
  const jobs = sh.state.jobs;
  if (spec === '%%' || spec === '%+' || spec === '%') return jobs[jobs.length - 1];
  if (spec === '%-') return jobs[jobs.length - 2];
  if (/^%\d+$/.test(spec)) return jobs.find((j) => j.id === Number(spec.slice(1)));
  if (spec.startsWith('%')) return jobs.find((j) => j.text.startsWith(spec.slice(1)));
  return jobs.find((j) => j.pid === Number(spec));
}

function untilAbort(signal: AbortSignal): Promise<'aborted'> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve('aborted');
    signal.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
}

function forget(sh: Interpreter, job: Job): void {
  sh.state.jobs = sh.state.jobs.filter((j) => j !== job);
}

const wait: Builtin = async (sh, argv, io) => {
  const specs = argv.slice(1).filter((a) => a !== '-n' && a !== '-f');
  const targets: Job[] = [];
  let status = 0;
  if (specs.length === 0) targets.push(...sh.state.jobs);
  for (const spec of specs) {
    const job = findJobs(sh, spec);
    if (!job) {
      await err(
        sh,
        io,
        'wait',
        spec.startsWith('%') ? `${spec}: no such job` : `pid ${spec} is not a child of this shell`,
      );
      status = 127;
    } else targets.push(job);
  }
  for (const job of targets) {
    const r = await Promise.race([job.done, untilAbort(sh.signal)]);
    if (r === 'aborted') throw new InterruptSignal(130);
    status = specs.length === 0 ? 0 : r;
    forget(sh, job);
  }
  return status;
};

function jobLine(job: Job, marker: string, withPid: boolean): string {
  let state = 'Running';
  if (job.status !== null) {
    if (job.status === 0) state = 'Done';
    else if (job.status === 143) state = 'Terminated';
    else if (job.status === 137) state = 'Killed';
    else if (job.status === 130) state = 'Interrupt';
    else state = `Exit ${job.status}`;
  }
  const text = job.status === null ? job.text : job.text.replace(/\s*&$/, '');
  return `[${job.id}]${marker}  ${withPid ? `${job.pid} ` : ''}${state.padEnd(24)}${text}\n`;
}

/** `jobs` and the shell's "Done" notices: `+` marks the current job, `-` the previous one. */
export function formatJobs(jobs: Job[], withPid = false): string {
  return jobs
    .map((job, i) => jobLine(job, i === jobs.length - 1 ? '+' : i === jobs.length - 2 ? '-' : ' ', withPid))
    .join('');
}

const jobs: Builtin = async (sh, argv, io) => {
  const withPid = argv.includes('-l');
  if (argv.includes('-p')) {
    for (const j of sh.state.jobs) await io.stdout.write(`${j.pid}\n`);
    return 0;
  }
  await io.stdout.write(formatJobs(sh.state.jobs, withPid));
  for (const j of [...sh.state.jobs]) if (j.status !== null) forget(sh, j);
  return 0;
};

const SIGNALS = [
  'HUP',
  'INT',
  'QUIT',
  'ILL',
  'TRAP',
  'ABRT',
  'BUS',
  'FPE',
  'KILL',
  'USR1',
  'SEGV',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
];

const kill: Builtin = async (sh, argv, io) => {
  let args = argv.slice(1);
  let sig = 'TERM';
  if (args[0] === '-l' || args[0] === '-L') {
    await io.stdout.write(`${SIGNALS.map((s, i) => `${String(i + 1).padStart(2)}) SIG${s}`).join('\t')}\n`);
    return 0;
  }
  if (args[0] === '-s' || args[0] === '-n') {
    sig = (args[1] ?? 'TERM').replace(/^SIG/, '');
    args = args.slice(2);
  } else if (args[0]?.startsWith('-')) {
    const s = args[0].slice(1).replace(/^SIG/, '');
    sig = /^\d+$/.test(s) ? (SIGNALS[Number(s) - 1] ?? s) : s;
    args = args.slice(1);
  }
  if (args.length === 0) {
    await safeWrite(
      io.stderr,
      'kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n',
    );
    return 2;
  }
  let status = 0;
  for (const spec of args) {
    const job = findJobs(sh, spec);
    if (!job || job.status !== null) {
      if (spec.startsWith('%')) await err(sh, io, 'kill', `${spec}: no such job`);
      else if (/^\d+$/.test(spec) && Number(spec) === sh.host.pid) continue;
      else await err(sh, io, 'kill', `(${spec}) - No such process`);
      status = 1;
      continue;
    }
    if (sig === '0') continue;
    job.controller.abort(sig);
  }
  return status;
};

const fg: Builtin = async (sh, argv, io) => {
  const job = findJobs(sh, argv[1] ?? '%+');
  if (!job) {
    await err(sh, io, 'fg', `${argv[1] ?? 'current'}: no such job`);
    return 1;
  }
  await io.stdout.write(`${job.text.replace(/\s*&$/, '')}\n`);
  const onAbort = () => job.controller.abort('INT');
  sh.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const status = await job.done;
    forget(sh, job);
    return status;
  } finally {
    sh.signal.removeEventListener('abort', onAbort);
  }
};

const local: Builtin = async (sh, argv, io) => {
  const frame = sh.state.locals[sh.state.locals.length - 1];
  if (!frame) {
    await err(sh, io, 'local', 'can only be used in a function');
    return 1;
  }
  for (const a of argv.slice(1)) {
    if (a.startsWith('-')) continue;
    const parsed = assignArg(sh, a);
    if (!parsed) {
      await err(sh, io, 'local', `\`${a}': not a valid identifier`);
      return 1;
    }
    if (!frame.has(parsed.name)) {
      const old = sh.state.vars.get(parsed.name);
      frame.set(parsed.name, old ? { ...old } : undefined);
    }
    sh.state.vars.set(parsed.name, { value: parsed.value ?? '', exported: false });
  }
  return 0;
};

const declare: Builtin = async (sh, argv, io) => {
  const flags = new Set<string>();
  const names: string[] = [];
  for (const a of argv.slice(1)) {
    if (/^[-+][a-zA-Z]+$/.test(a)) for (const f of a.slice(1)) flags.add(a[0] === '+' ? `+${f}` : f);
    else names.push(a);
  }
  if (flags.has('f') || flags.has('F')) {
    for (const n of [...sh.state.functions.keys()].sort()) await io.stdout.write(`declare -f ${n}\n`);
    return 0;
  }
  if (names.length === 0 || flags.has('p')) {
    const list = names.length > 0 ? names : [...sh.state.vars.keys()].sort();
    for (const n of list) {
      const v = sh.state.vars.get(n);
      if (!v) continue;
      const attrs = `${v.exported ? 'x' : ''}${v.readonly ? 'r' : ''}` || '-';
      await io.stdout.write(`declare -${attrs.replace(/^-?/, attrs === '-' ? '-' : '')} ${n}="${v.value}"\n`);
    }
    return 0;
  }
  const inFunction = sh.state.locals.length > 0 && !flags.has('g');
  for (const a of names) {
    const parsed = assignArg(sh, a);
    if (!parsed) {
      await err(sh, io, argv[0] as string, `\`${a}': not a valid identifier`);
      return 1;
    }
    if (inFunction) await local(sh, ['local', a], io);
    else if (parsed.value !== undefined) sh.setVar(parsed.name, parsed.value);
    else if (!sh.state.vars.has(parsed.name)) sh.state.vars.set(parsed.name, { value: '', exported: false });
    const v = sh.state.vars.get(parsed.name);
    if (v) {
      if (flags.has('x')) v.exported = true;
      if (flags.has('+x')) v.exported = false;
      if (flags.has('r')) v.readonly = true;
    }
  }
  return 0;
};

const readonly: Builtin = async (sh, argv, io) => {
  for (const a of argv.slice(1)) {
    if (a.startsWith('-')) continue;
    const parsed = assignArg(sh, a);
    if (!parsed) {
      await err(sh, io, 'readonly', `\`${a}': not a valid identifier`);
      return 1;
    }
    if (parsed.value !== undefined) sh.setVar(parsed.name, parsed.value);
    const v = sh.state.vars.get(parsed.name) ?? { value: '', exported: false };
    v.readonly = true;
    sh.state.vars.set(parsed.name, v);
  }
  return 0;
};

const letBuiltin: Builtin = async (sh, argv, io) => {
  let last = 0n;
  for (const expr of argv.slice(1)) {
    try {
      last = evaluateArithmetic(expr, { get: (n) => sh.getVar(n), set: (n, v) => sh.setVar(n, v) });
    } catch (e) {
      if (!(e instanceof ArithError || e instanceof ExpansionError)) throw e;
      await err(sh, io, 'let', e.message);
      return 1;
    }
  }
  return last !== 0n ? 0 : 1;
};

const builtin: Builtin = async (sh, argv, io) => {
  const name = argv[1];
  const b = name === undefined ? undefined : BUILTINS.get(name);
  if (!b) {
    if (name !== undefined) await err(sh, io, 'builtin', `${name}: not a shell builtin`);
    return name === undefined ? 0 : 1;
  }
  return b(sh, argv.slice(1), io);
};

const exec: Builtin = async (sh, argv, io) => {
  if (argv.length < 2) return 0;
  throw new ExitSignal(await sh.invoke(argv.slice(1), io));
};

const noop: Builtin = async () => 0;

const getopts: Builtin = async (sh, argv) => {
  const spec = argv[1] ?? '';
  const name = argv[2] ?? 'OPTARG';
  const args = argv.length > 3 ? argv.slice(3) : sh.state.positional;
  let ind = Number(sh.getVar('OPTIND') ?? '1');
  let pos = Number(sh.getVar('__OPTPOS') ?? '1');
  const word = args[ind - 1];
  if (word === undefined || !word.startsWith('-') || word === '-' || word === '--') {
    if (word === '--') sh.setVar('OPTIND', String(ind + 1));
    sh.setVar(name, '?');
    return 1;
  }
  const ch = word[pos] as string;
  const k = spec.indexOf(ch);
  pos++;
  const advance = () => {
    ind++;
    pos = 1;
  };
  if (k < 0 || ch === ':') {
    sh.setVar(name, '?');
    if (pos >= word.length) advance();
  } else if (spec[k + 1] === ':') {
    if (pos < word.length) sh.setVar('OPTARG', word.slice(pos));
    else {
      sh.setVar('OPTARG', args[ind] ?? '');
      ind++;
    }
    advance();
    sh.setVar(name, ch);
  } else {
    sh.setVar(name, ch);
    if (pos >= word.length) advance();
  }
  sh.setVar('OPTIND', String(ind));
  sh.setVar('__OPTPOS', String(pos));
  return 0;
};

export const BUILTINS: ReadonlyMap<string, Builtin> = new Map<string, Builtin>([
  [':', noop],
  ['true', noop],
  ['false', async () => 1],
  ['echo', echo],
  ['printf', printf],
  ['cd', cd],
  ['pwd', pwd],
  ['export', exportBuiltin],
  ['unset', unset],
  ['set', set],
  ['test', test],
  ['[', test],
  ['exit', exit],
  ['return', returnBuiltin],
  ['break', loopControl(false)],
  ['continue', loopControl(true)],
  ['source', source],
  ['.', source],
  ['alias', alias],
  ['unalias', unalias],
  ['type', type],
  ['which', which],
  ['command', command],
  ['builtin', builtin],
  ['history', history],
  ['sleep', sleep],
  ['read', read],
  ['shift', shift],
  ['eval', evalBuiltin],
  ['wait', wait],
  ['jobs', jobs],
  ['kill', kill],
  ['fg', fg],
  ['local', local],
  ['declare', declare],
  ['typeset', declare],
  ['readonly', readonly],
  ['let', letBuiltin],
  ['exec', exec],
  ['getopts', getopts],
  ['trap', noop],
  ['umask', noop],
  ['hash', noop],
  ['shopt', noop],
  ['ulimit', noop],
]);
