/** File tools: ls, mkdir, rm, cp, mv, ln, touch, chmod, basename, dirname, and editor pointers. */
import { basename as baseOf, dirname as dirOf, FsError, resolvePath, type Stat } from '../fs.ts';
import type { Command, CommandContext } from '../types.ts';
import { parseOptions } from './util.ts';

async function fail(ctx: CommandContext, text: string): Promise<void> {
  await ctx.stderr.write(`${text}\n`);
}

function modeString(st: Stat): string {
  const kind = st.kind === 'dir' ? 'd' : st.kind === 'symlink' ? 'l' : '-';
  let s = '';
  for (let shift = 6; shift >= 0; shift -= 3) {
    const bits = (st.mode >> shift) & 7;
    s += (bits & 4 ? 'r' : '-') + (bits & 2 ? 'w' : '-') + (bits & 1 ? 'x' : '-');
  }
  return kind + s;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function lsTime(mtime: number, now: number): string {
  const d = new Date(mtime);
  const mon = MONTHS[d.getUTCMonth()] as string;
  const day = String(d.getUTCDate()).padStart(2);
  const sixMonths = 182 * 86400 * 1000;
  if (Math.abs(now - mtime) > sixMonths) return `${mon} ${day}  ${d.getUTCFullYear()}`;
  return `${mon} ${day} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

function humanSize(n: number): string {
  if (n < 1024) return String(n);
  const units = ['K', 'M', 'G', 'T'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? Math.ceil(v * 10) / 10 : Math.ceil(v)}${units[u]}`;
}

/** GNU ls's layout for a terminal: names down columns, as many columns as fit the width. */
function columns(names: string[], width: number): string {
  if (names.length === 0) return '';
  for (let cols = names.length; cols >= 1; cols--) {
    const rows = Math.ceil(names.length / cols);
    const widths: number[] = [];
    for (let c = 0; c < cols; c++) {
      widths.push(Math.max(0, ...names.slice(c * rows, (c + 1) * rows).map((n) => n.length)));
    }
    const total = widths.reduce((a, b) => a + b, 0) + 2 * (cols - 1);
    if (total <= width || cols === 1) {
      let out = '';
      for (let r = 0; r < rows; r++) {
        const line: string[] = [];
        for (let c = 0; c < cols; c++) {
          const name = names[c * rows + r];
          if (name === undefined) continue;
          const isLast = c === cols - 1 || names[(c + 1) * rows + r] === undefined;
          line.push(isLast ? name : name.padEnd((widths[c] as number) + 2));
        }
        out += `${line.join('')}\n`;
      }
      return out;
    }
  }
  return '';
}

export const ls: Command = async (ctx) => {
  const opts = parseOptions('ls', ctx.argv, {
    flags: 'laA1dhrtSRFip',
    long: {
      all: 'a',
      'almost-all': 'A',
      'human-readable': 'h',
      reverse: 'r',
      directory: 'd',
      recursive: 'R',
      color: 'color',
      'color=': 'color',
    },
  });
  if (typeof opts === 'string') {
    await ctx.stderr.write(opts);
    return 2;
  }
  const f = (k: string) => opts.flags.has(k);
  const long = f('l');
  const width = Number(ctx.env.COLUMNS ?? 80) || 80;
  const oneLine = f('1') || !ctx.stdout.isTerminal;
  const now = ctx.clock.now();
  let status = 0;
  const operands = opts.operands.length === 0 ? ['.'] : opts.operands;
  const fileOps: string[] = [];
  const dirOps: string[] = [];
  for (const op of operands) {
    const path = resolvePath(ctx.cwd, op);
    const st = ctx.fs.stat(path) ?? ctx.fs.lstat(path);
    if (st === null) {
      await fail(ctx, `ls: cannot access '${op}': No such file or directory`);
      status = 2;
    } else if (st.kind === 'dir' && !f('d')) dirOps.push(op);
    else fileOps.push(op);
  }
  const decorate = (name: string, st: Stat) => ((f('F') || f('p')) && st.kind === 'dir' ? `${name}/` : name);
  const render = (entries: { name: string; path: string }[], withTotal: boolean): string => {
    const stats = entries.map((e) => ({ ...e, st: ctx.fs.lstat(e.path) as Stat }));
    if (f('t')) stats.sort((a, b) => b.st.mtime - a.st.mtime || (a.name < b.name ? -1 : 1));
    if (f('S')) stats.sort((a, b) => b.st.size - a.st.size);
    if (f('r')) stats.reverse();
    if (!long) {
      const names = stats.map((s) => decorate(s.name, s.st));
      return oneLine ? names.map((n) => `${n}\n`).join('') : columns(names, width);
    }
    const rows = stats.map((s) => {
      let links = 1;
      if (s.st.kind === 'dir') {
        try {
          links = 2 + ctx.fs.readdir(s.path).filter((n) => ctx.fs.lstat(`${s.path}/${n}`)?.kind === 'dir').length;
        } catch {}
      }
      const size = f('h') ? humanSize(s.st.size) : String(s.st.size);
      let name = decorate(s.name, s.st);
      if (s.st.kind === 'symlink') name += ` -> ${ctx.fs.readlink(s.path)}`;
      return [modeString(s.st), String(links), 'root', 'root', size, lsTime(s.st.mtime, now), name];
    });
    const w = [0, 1, 2, 3, 4].map((i) => Math.max(0, ...rows.map((r) => (r[i] as string).length)));
    let out = '';
    if (withTotal) {
      const blocks = stats.reduce((sum, s) => sum + (s.st.kind === 'symlink' ? 0 : Math.ceil(s.st.size / 4096) * 4), 0);
      out += `total ${f('h') ? humanSize(blocks * 1024) : blocks}\n`;
    }
    for (const r of rows) {
      out += `${r[0] as string} ${(r[1] as string).padStart(w[1] as number)} ${(r[2] as string).padEnd(w[2] as number)} ${(r[3] as string).padEnd(w[3] as number)} ${(r[4] as string).padStart(w[4] as number)} ${r[5]} ${r[6]}\n`;
    }
    return out;
  };
  let out = render(
    fileOps.map((op) => ({ name: op, path: resolvePath(ctx.cwd, op) })),
    false,
  );
  const listDir = (op: string, header: boolean): void => {
    const path = resolvePath(ctx.cwd, op);
    let names: string[];
    try {
      names = ctx.fs.readdir(path);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      out += `ls: cannot open directory '${op}': ${e.message}\n`;
      return;
    }
    if (!f('a') && !f('A')) names = names.filter((n) => !n.startsWith('.'));
    const entries = names.map((name) => ({ name, path: path === '/' ? `/${name}` : `${path}/${name}` }));
    if (f('a')) entries.unshift({ name: '.', path }, { name: '..', path: dirOf(path) });
    if (header) out += `${out === '' ? '' : '\n'}${op}:\n`;
    out += render(entries, true);
    if (f('R')) {
      for (const e of entries) {
        if (e.name === '.' || e.name === '..') continue;
        if (ctx.fs.lstat(e.path)?.kind === 'dir') listDir(`${op.replace(/\/$/, '')}/${e.name}`, true);
      }
    }
  };
  const headers = dirOps.length + fileOps.length > 1 || f('R');
  for (const op of dirOps) listDir(op, headers);
  await ctx.stdout.write(out);
  return status;
};

export const mkdir: Command = async (ctx) => {
  const opts = parseOptions('mkdir', ctx.argv, {
    flags: 'pv',
    withArg: 'm',
    long: { parents: 'p', verbose: 'v', 'mode=': 'm' },
  });
  if (typeof opts === 'string') {
    await ctx.stderr.write(opts);
    return 1;
  }
  if (opts.operands.length === 0) {
    await ctx.stderr.write("mkdir: missing operand\nTry 'mkdir --help' for more information.\n");
    return 1;
  }
  let status = 0;
  for (const op of opts.operands) {
    const path = resolvePath(ctx.cwd, op);
    try {
      ctx.fs.mkdir(path, { parents: opts.flags.has('p') });
      if (opts.flags.has('v')) await ctx.stdout.write(`mkdir: created directory '${op}'\n`);
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      await fail(ctx, `mkdir: cannot create directory '${op}': ${e.message}`);
      status = 1;
    }
  }
  return status;
};

export const rm: Command = async (ctx) => {
  const opts = parseOptions('rm', ctx.argv, {
    flags: 'rRfiv d',
    long: { recursive: 'r', force: 'f', verbose: 'v', dir: 'd' },
  });
  if (typeof opts === 'string') {
    await ctx.stderr.write(opts);
    return 1;
  }
  const force = opts.flags.has('f');
  const recursive = opts.flags.has('r') || opts.flags.has('R');
  if (opts.operands.length === 0 && !force) {
    await ctx.stderr.write("rm: missing operand\nTry 'rm --help' for more information.\n");
    return 1;
  }
  let status = 0;
  for (const op of opts.operands) {
    const path = resolvePath(ctx.cwd, op);
    const st = ctx.fs.lstat(path);
    if (st === null) {
      if (!force) {
        await fail(ctx, `rm: cannot remove '${op}': No such file or directory`);
        status = 1;
      }
      continue;
    }
    if (st.kind === 'dir') {
      if (path === '/') {
        await fail(
          ctx,
          "rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe",
        );
        status = 1;
        continue;
      }
      if (!recursive && !opts.flags.has('d')) {
        await fail(ctx, `rm: cannot remove '${op}': Is a directory`);
        status = 1;
        continue;
      }
      try {
        ctx.fs.rmdir(path, { recursive });
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        await fail(ctx, `rm: cannot remove '${op}': ${e.message}`);
        status = 1;
        continue;
      }
    } else {
      try {
        ctx.fs.unlink(path);
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        await fail(ctx, `rm: cannot remove '${op}': ${e.message}`);
        status = 1;
        continue;
      }
    }
    if (opts.flags.has('v')) await ctx.stdout.write(`removed '${op}'\n`);
  }
  return status;
};

function copyTree(ctx: CommandContext, from: string, to: string): void {
  const st = ctx.fs.lstat(from);
  if (st?.kind === 'dir') {
    if (!ctx.fs.exists(to)) ctx.fs.mkdir(to);
    for (const name of ctx.fs.readdir(from)) copyTree(ctx, `${from}/${name}`, `${to}/${name}`);
  } else if (st?.kind === 'symlink') {
    ctx.fs.symlink(ctx.fs.readlink(from), to);
  } else ctx.fs.writeFile(to, ctx.fs.readFile(from));
}

function transfer(tool: 'cp' | 'mv'): Command {
  return async (ctx) => {
    const opts = parseOptions(tool, ctx.argv, {
      flags: 'rRafpivnTu',
      long: { recursive: 'r', force: 'f', verbose: 'v', archive: 'a' },
    });
    if (typeof opts === 'string') {
      await ctx.stderr.write(opts);
      return 1;
    }
    const ops = opts.operands;
    if (ops.length < 2) {
      await ctx.stderr.write(
        ops.length === 0
          ? `${tool}: missing file operand\nTry '${tool} --help' for more information.\n`
          : `${tool}: missing destination file operand after '${ops[0]}'\nTry '${tool} --help' for more information.\n`,
      );
      return 1;
    }
    const dest = ops[ops.length - 1] as string;
    const destPath = resolvePath(ctx.cwd, dest);
    const destIsDir = ctx.fs.isDir(destPath);
    const sources = ops.slice(0, -1);
    if (sources.length > 1 && !destIsDir) {
      await fail(ctx, `${tool}: target '${dest}' is not a directory`);
      return 1;
    }
    const recursive = tool === 'mv' || opts.flags.has('r') || opts.flags.has('R') || opts.flags.has('a');
    let status = 0;
    for (const src of sources) {
      const from = resolvePath(ctx.cwd, src);
      const st = ctx.fs.lstat(from);
      if (st === null) {
        await fail(ctx, `${tool}: cannot stat '${src}': No such file or directory`);
        status = 1;
        continue;
      }
      if (st.kind === 'dir' && !recursive) {
        await fail(ctx, `cp: -r not specified; omitting directory '${src}'`);
        status = 1;
        continue;
      }
      const to = destIsDir ? resolvePath(destPath, baseOf(from)) : destPath;
      if (to === from || to.startsWith(`${from}/`)) {
        await fail(
          ctx,
          `${tool}: cannot ${tool === 'mv' ? 'move' : 'copy'} '${src}' to a subdirectory of itself, '${dest}'`,
        );
        status = 1;
        continue;
      }
      try {
        if (tool === 'mv') {
          if (ctx.fs.lstat(to)?.kind === 'file') ctx.fs.unlink(to);
          ctx.fs.rename(from, to);
        } else copyTree(ctx, from, to);
        if (opts.flags.has('v'))
          await ctx.stdout.write(
            `${tool === 'mv' ? 'renamed ' : ''}'${src}' -> '${destIsDir ? `${dest.replace(/\/$/, '')}/${baseOf(from)}` : dest}'\n`,
          );
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        await fail(ctx, `${tool}: cannot create regular file '${dest}': ${e.message}`);
        status = 1;
      }
    }
    return status;
  };
}

export const cp = transfer('cp');
export const mv = transfer('mv');

export const ln: Command = async (ctx) => {
  const opts = parseOptions('ln', ctx.argv, { flags: 'sfnvrT', long: { symbolic: 's', force: 'f' } });
  if (typeof opts === 'string') {
    await ctx.stderr.write(opts);
    return 1;
  }
  const [target, link] = opts.operands;
  if (target === undefined) {
    await ctx.stderr.write("ln: missing file operand\nTry 'ln --help' for more information.\n");
    return 1;
  }
  let path = resolvePath(ctx.cwd, link ?? baseOf(target));
  if (ctx.fs.isDir(path) && !opts.flags.has('n')) path = resolvePath(path, baseOf(target));
  if (ctx.fs.lstat(path) !== null) {
    if (!opts.flags.has('f')) {
      await fail(
        ctx,
        `ln: failed to create ${opts.flags.has('s') ? 'symbolic ' : 'hard '}link '${link ?? baseOf(target)}': File exists`,
      );
      return 1;
    }
    ctx.fs.unlink(path);
  }
  try {
    if (opts.flags.has('s')) ctx.fs.symlink(target, path);
    else ctx.fs.writeFile(path, ctx.fs.readFile(resolvePath(ctx.cwd, target)));
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    await fail(ctx, `ln: failed to access '${target}': ${e.message}`);
    return 1;
  }
  return 0;
};

export const touch: Command = async (ctx) => {
  const opts = parseOptions('touch', ctx.argv, { flags: 'acm', withArg: 'dt' });
  if (typeof opts === 'string') {
    await ctx.stderr.write(opts);
    return 1;
  }
  let status = 0;
  for (const op of opts.operands) {
    try {
      ctx.fs.touch(resolvePath(ctx.cwd, op));
    } catch (e) {
      if (!(e instanceof FsError)) throw e;
      await fail(ctx, `touch: cannot touch '${op}': ${e.message}`);
      status = 1;
    }
  }
  return status;
};

function applySymbolicMode(mode: number, spec: string): number | null {
  let m = mode;
  for (const clause of spec.split(',')) {
    const parsed = /^([ugoa]*)([-+=])([rwxX]*)$/.exec(clause);
    if (!parsed) return null;
    const who = parsed[1] || 'a';
    let bits = 0;
    for (const p of parsed[3] ?? '') bits |= p === 'r' ? 4 : p === 'w' ? 2 : 1;
    let mask = 0;
    if (who.includes('u') || who.includes('a')) mask |= bits << 6;
    if (who.includes('g') || who.includes('a')) mask |= bits << 3;
    if (who.includes('o') || who.includes('a')) mask |= bits;
    if (parsed[2] === '+') m |= mask;
    else if (parsed[2] === '-') m &= ~mask;
    else m = mask;
  }
  return m;
}

export const chmod: Command = async (ctx) => {
  const args = ctx.argv.slice(1).filter((a) => a !== '-R');
  const [spec, ...files] = args;
  if (spec === undefined || files.length === 0) {
    await ctx.stderr.write("chmod: missing operand\nTry 'chmod --help' for more information.\n");
    return 1;
  }
  let status = 0;
  for (const f of files) {
    const path = resolvePath(ctx.cwd, f);
    const st = ctx.fs.stat(path);
    if (st === null) {
      await fail(ctx, `chmod: cannot access '${f}': No such file or directory`);
      status = 1;
      continue;
    }
    const mode = /^[0-7]{1,4}$/.test(spec) ? Number.parseInt(spec, 8) : applySymbolicMode(st.mode, spec);
    if (mode === null) {
      await fail(ctx, `chmod: invalid mode: '${spec}'\nTry 'chmod --help' for more information.`);
      return 1;
    }
    ctx.fs.chmod(path, mode);
  }
  return status;
};

export const basename: Command = async (ctx) => {
  const [name, suffix] = ctx.argv.slice(1);
  if (name === undefined) {
    await ctx.stderr.write("basename: missing operand\nTry 'basename --help' for more information.\n");
    return 1;
  }
  let b = baseOf(name);
  if (suffix && b.endsWith(suffix) && b !== suffix) b = b.slice(0, -suffix.length);
  await ctx.stdout.write(`${b}\n`);
  return 0;
};

export const dirname: Command = async (ctx) => {
  const names = ctx.argv.slice(1);
  if (names.length === 0) {
    await ctx.stderr.write("dirname: missing operand\nTry 'dirname --help' for more information.\n");
    return 1;
  }
  for (const n of names) await ctx.stdout.write(`${dirOf(n)}\n`);
  return 0;
};

export const readlink: Command = async (ctx) => {
  const canonical = ctx.argv.includes('-f') || ctx.argv.includes('-e') || ctx.argv.includes('-m');
  let status = 0;
  for (const op of ctx.argv.slice(1).filter((a) => !a.startsWith('-'))) {
    const path = resolvePath(ctx.cwd, op);
    if (canonical) {
      await ctx.stdout.write(`${path}\n`);
      continue;
    }
    try {
      await ctx.stdout.write(`${ctx.fs.readlink(path)}\n`);
    } catch {
      status = 1;
    }
  }
  return status;
};

/** Full-screen editors cannot run in this terminal; point at the editor pane instead. */
export const editor: Command = async (ctx) => {
  const file = ctx.argv.slice(1).find((a) => !a.startsWith('-') && !a.startsWith('+'));
  const target = file ? ` ${file}` : ' files';
  await ctx.stdout.write(
    `${ctx.argv[0]}: no full-screen editor in this terminal; use the editor pane to edit${target}\n`,
  );
  return 0;
};
