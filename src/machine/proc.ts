/**
 * The files under /proc (and /run/netns) that network labs read, generated from engine state on
 * each read: /proc/sys/net/… (read and write, one file per sysctl of the namespace) and
 * /proc/net/nf_conntrack. Like the real ones they depend on the reader's network namespace, so a
 * process gets a view of the host's filesystem for its namespace (`procView`).
 */
import { procNfConntrack } from '../commands/conntrack/format.ts';
import type { CommandOutput } from '../commands/types.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import { FsError, resolvePath, type Stat, type VirtualFs } from '../shell/fs.ts';
import type { ToolEnv } from './tools.ts';

/** The text of a /proc file as seen from a namespace, or undefined when it does not exist. */
export function readProc(path: string, ns: NetNs): string | undefined {
  const sys = /^\/proc\/sys\/(.+)$/.exec(path);
  if (sys?.[1] !== undefined) {
    const value = ns.readSysctl(sys[1].replaceAll('/', '.'));
    return value === undefined ? undefined : `${value}\n`;
  }
  if (path === '/proc/net/nf_conntrack')
    return procNfConntrack(ns.conntrack.entries(ns.kernel.clock.millis), ns.kernel.clock.millis);
  return undefined;
}

/** Writes a /proc/sys file (`echo 1 > /proc/sys/net/ipv4/ip_forward`); false when it does not exist. */
export function writeProc(path: string, ns: NetNs, text: string): boolean {
  const sys = /^\/proc\/sys\/(.+)$/.exec(path);
  return sys?.[1] !== undefined && ns.writeSysctl(sys[1].replaceAll('/', '.'), text);
}

/** `cat` for the synchronous tool table (LinuxHost.run): /proc files only. */
export function runCat(args: string[], env: ToolEnv): CommandOutput {
  if (args.length === 0) return { stdout: env.stdin, stderr: '', exitCode: 0 };
  let stdout = '';
  let stderr = '';
  for (const path of args) {
    const text = readProc(path, env.netns);
    if (text === undefined) stderr += `cat: ${path}: No such file or directory\n`;
    else stdout += text;
  }
  return { stdout, stderr, exitCode: stderr === '' ? 0 : 1 };
}

type Node = { kind: 'dir'; names: string[] } | { kind: 'file'; writable: boolean };

/** The generated files of a namespace, as absolute paths. */
function generatedFiles(ns: NetNs): { path: string; writable: boolean }[] {
  const files = ns.sysctlKeys().map((key) => ({ path: `/proc/sys/${key.replaceAll('.', '/')}`, writable: true }));
  files.push({ path: '/proc/net/nf_conntrack', writable: false });
  for (const name of ns.kernel.named.keys()) files.push({ path: `/run/netns/${name}`, writable: false });
  return files;
}

const GENERATED_ROOTS = ['/proc/sys', '/proc/net', '/run/netns'];

function isGeneratedPath(path: string): boolean {
  return GENERATED_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
}

/** What a generated path is, or undefined when it does not exist. */
function generatedNode(path: string, ns: NetNs): Node | undefined {
  const files = generatedFiles(ns);
  const file = files.find((f) => f.path === path);
  if (file) return { kind: 'file', writable: file.writable };
  const names = new Set<string>();
  for (const f of files) {
    if (f.path.startsWith(`${path}/`)) names.add(f.path.slice(path.length + 1).split('/')[0] as string);
  }
  if (names.size === 0 && !GENERATED_ROOTS.includes(path)) return undefined;
  return { kind: 'dir', names: [...names].sort() };
}

function readGenerated(path: string, ns: NetNs): string {
  if (path.startsWith('/run/netns/')) return '';
  const text = readProc(path, ns);
  if (text === undefined) throw new FsError('ENOENT');
  return text;
}

/**
 * The host's filesystem as a process in `ns` sees it: /proc/sys, /proc/net and /run/netns come
 * from the engine, everything else is the shared tree. A write to a /proc/sys file is one write(2):
 * the shell's truncating open writes nothing, and appending writes just the new text.
 */
export function procView(base: VirtualFs, ns: NetNs): VirtualFs {
  const norm = (path: string) => resolvePath('/', path);
  const stat = (path: string, lstat: boolean): Stat | null => {
    const p = norm(path);
    if (!isGeneratedPath(p)) return lstat ? base.lstat(p) : base.stat(p);
    const node = generatedNode(p, ns);
    if (!node) return null;
    if (node.kind === 'dir') return { kind: 'dir', size: 0, mode: 0o555, mtime: ns.kernel.clock.millis };
    return { kind: 'file', size: 0, mode: node.writable ? 0o644 : 0o444, mtime: ns.kernel.clock.millis };
  };
  const refuse = (path: string) => {
    if (isGeneratedPath(norm(path))) throw new FsError('EACCES');
  };
  const overrides: Partial<VirtualFs> = {
    exists: (path) => stat(path, false) !== null,
    stat: (path) => stat(path, false),
    lstat: (path) => stat(path, true),
    isDir: (path) => stat(path, false)?.kind === 'dir',
    readFile(path) {
      const p = norm(path);
      if (!isGeneratedPath(p)) return base.readFile(p);
      const node = generatedNode(p, ns);
      if (!node) throw new FsError('ENOENT');
      if (node.kind === 'dir') throw new FsError('EISDIR');
      return readGenerated(p, ns);
    },
    writeFile(path, content, options) {
      const p = norm(path);
      if (!isGeneratedPath(p)) return base.writeFile(p, content, options);
      const node = generatedNode(p, ns);
      if (!node) throw new FsError(p.startsWith('/proc/') ? 'ENOENT' : 'EACCES');
      if (node.kind === 'dir') throw new FsError('EISDIR');
      if (!node.writable) throw new FsError('EACCES');
      if (content === '') return;
      if (!writeProc(p, ns, content)) throw new FsError('EINVAL');
    },
    readdir(path) {
      const p = norm(path);
      const node = isGeneratedPath(p) ? generatedNode(p, ns) : undefined;
      if (!isGeneratedPath(p)) {
        const own = base.readdir(p);
        const extra = GENERATED_ROOTS.filter((r) => r.startsWith(`${p === '/' ? '' : p}/`))
          .map((r) => r.slice(p === '/' ? 1 : p.length + 1).split('/')[0] as string)
          .filter((n) => !own.includes(n));
        return [...own, ...extra].sort();
      }
      if (!node) throw new FsError('ENOENT');
      if (node.kind !== 'dir') throw new FsError('ENOTDIR');
      return node.names;
    },
    touch(path) {
      if (!isGeneratedPath(norm(path))) base.touch(path);
      else if (!stat(path, false)) throw new FsError('EACCES');
    },
    mkdir(path, options) {
      refuse(path);
      base.mkdir(path, options);
    },
    unlink(path) {
      refuse(path);
      base.unlink(path);
    },
    rmdir(path, options) {
      refuse(path);
      base.rmdir(path, options);
    },
    rename(from, to) {
      refuse(from);
      refuse(to);
      base.rename(from, to);
    },
    symlink(target, path) {
      refuse(path);
      base.symlink(target, path);
    },
    chmod(path, mode) {
      refuse(path);
      base.chmod(path, mode);
    },
  };
  return new Proxy(base, {
    get(target, prop, receiver) {
      const own = (overrides as Record<string | symbol, unknown>)[prop];
      if (own !== undefined) return own;
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
