/** An in-memory filesystem: directories, files, symlinks, and host-generated files mounted by path. */

export type FsErrorCode =
  | 'ENOENT'
  | 'EISDIR'
  | 'ENOTDIR'
  | 'EEXIST'
  | 'ENOTEMPTY'
  | 'EACCES'
  | 'EROFS'
  | 'ELOOP'
  | 'EINVAL';

const MESSAGES: Record<FsErrorCode, string> = {
  ENOENT: 'No such file or directory',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
  EACCES: 'Permission denied',
  EROFS: 'Read-only file system',
  ELOOP: 'Too many levels of symbolic links',
  EINVAL: 'Invalid argument',
};

/** A failed filesystem call; `message` is the libc text tools print after the file name. */
export class FsError extends Error {
  readonly code: FsErrorCode;
  constructor(code: FsErrorCode) {
    super(MESSAGES[code]);
    this.code = code;
    this.name = 'FsError';
  }
}

/** A file whose content the host computes (e.g. /proc/sys/net/ipv4/ip_forward from the engine). */
export interface GeneratedFile {
  read(): string;
  /** Absent: the file is read-only and writes fail with EACCES. */
  write?(content: string): void;
}

interface DirNode {
  kind: 'dir';
  mode: number;
  mtime: number;
  children: Map<string, FsNode>;
}
interface FileNode {
  kind: 'file';
  mode: number;
  mtime: number;
  content: string;
  generated?: GeneratedFile;
}
interface SymlinkNode {
  kind: 'symlink';
  mode: number;
  mtime: number;
  target: string;
}
type FsNode = DirNode | FileNode | SymlinkNode;

export interface Stat {
  kind: 'dir' | 'file' | 'symlink';
  size: number;
  mode: number;
  mtime: number;
}

/** Joins `path` onto `cwd` and removes `.`, `..` and repeated slashes (lexically, as `cd` does). */
export function resolvePath(cwd: string, path: string): string {
  const full = path.startsWith('/') ? path : `${cwd}/${path}`;
  const out: string[] = [];
  for (const part of full.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

export function dirname(path: string): string {
  const i = path.replace(/\/+$/, '').lastIndexOf('/');
  if (i < 0) return '.';
  return i === 0 ? '/' : path.slice(0, i);
}

export function basename(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return path === '' ? '' : '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

export class VirtualFs {
  private readonly root: DirNode;
  private readonly now: () => number;

  /** `now` stamps modification times (virtual milliseconds). */
  constructor(now: () => number = () => 0) {
    this.now = now;
    this.root = { kind: 'dir', mode: 0o755, mtime: now(), children: new Map() };
  }

  private walk(
    path: string,
    followLast: boolean,
    depth = 0,
  ): { node: FsNode | undefined; parent: DirNode; name: string } {
    if (depth > 40) throw new FsError('ELOOP');
    const parts = resolvePath('/', path).split('/').filter(Boolean);
    let dir = this.root;
    let dirPath = '';
    for (let i = 0; i < parts.length; i++) {
      const name = parts[i] as string;
      const last = i === parts.length - 1;
      let node = dir.children.get(name);
      if (node?.kind === 'symlink' && (!last || followLast)) {
        const target = resolvePath(dirPath || '/', node.target);
        const rest = parts.slice(i + 1).join('/');
        return this.walk(rest ? `${target}/${rest}` : target, followLast, depth + 1);
      }
      if (last) return { node, parent: dir, name };
      if (node === undefined) throw new FsError('ENOENT');
      if (node.kind !== 'dir') throw new FsError('ENOTDIR');
      dir = node;
      dirPath += `/${name}`;
      node = undefined;
    }
    return { node: this.root, parent: this.root, name: '' };
  }

  private get(path: string, follow = true): FsNode {
    const { node } = this.walk(path, follow);
    if (node === undefined) throw new FsError('ENOENT');
    return node;
  }

  exists(path: string): boolean {
    try {
      this.get(path);
      return true;
    } catch {
      return false;
    }
  }

  stat(path: string): Stat | null {
    return this.statNode(path, true);
  }

  lstat(path: string): Stat | null {
    return this.statNode(path, false);
  }

  private statNode(path: string, follow: boolean): Stat | null {
    let node: FsNode;
    try {
      node = this.get(path, follow);
    } catch {
      return null;
    }
    const size =
      node.kind === 'file'
        ? (node.generated ? node.generated.read() : node.content).length
        : node.kind === 'symlink'
          ? node.target.length
          : 4096;
    return { kind: node.kind, size, mode: node.mode, mtime: node.mtime };
  }

  isDir(path: string): boolean {
    return this.stat(path)?.kind === 'dir';
  }

  readFile(path: string): string {
    const node = this.get(path);
    if (node.kind === 'dir') throw new FsError('EISDIR');
    if (node.kind !== 'file') throw new FsError('EINVAL');
    return node.generated ? node.generated.read() : node.content;
  }

  /** Creates or replaces (or appends to) a file; the parent directory must exist. */
  writeFile(path: string, content: string, options: { append?: boolean } = {}): void {
    const { node, parent, name } = this.walk(path, true);
    if (name === '') throw new FsError('EISDIR');
    if (node === undefined) {
      parent.children.set(name, { kind: 'file', mode: 0o644, mtime: this.now(), content });
      parent.mtime = this.now();
      return;
    }
    if (node.kind === 'dir') throw new FsError('EISDIR');
    if (node.kind !== 'file') throw new FsError('EINVAL');
    if (node.generated) {
      if (!node.generated.write) throw new FsError('EACCES');
      node.generated.write(options.append ? node.generated.read() + content : content);
      return;
    }
    node.content = options.append ? node.content + content : content;
    node.mtime = this.now();
  }

  mkdir(path: string, options: { parents?: boolean } = {}): void {
    if (options.parents) {
      const parts = resolvePath('/', path).split('/').filter(Boolean);
      let acc = '';
      for (const part of parts) {
        acc += `/${part}`;
        const st = this.stat(acc);
        if (st === null) this.mkdir(acc);
        else if (st.kind !== 'dir') throw new FsError('ENOTDIR');
      }
      return;
    }
    const { node, parent, name } = this.walk(path, false);
    if (node !== undefined || name === '') throw new FsError('EEXIST');
    parent.children.set(name, { kind: 'dir', mode: 0o755, mtime: this.now(), children: new Map() });
    parent.mtime = this.now();
  }

  /** Names in a directory, sorted as `ls` sorts them in the C locale. */
  readdir(path: string): string[] {
    const node = this.get(path);
    if (node.kind !== 'dir') throw new FsError('ENOTDIR');
    return [...node.children.keys()].sort();
  }

  /** Removes a file or symlink (not a directory). */
  unlink(path: string): void {
    const { node, parent, name } = this.walk(path, false);
    if (node === undefined) throw new FsError('ENOENT');
    if (node.kind === 'dir') throw new FsError('EISDIR');
    parent.children.delete(name);
  }

  /** Removes an empty directory, or any directory with `recursive`. */
  rmdir(path: string, options: { recursive?: boolean } = {}): void {
    const { node, parent, name } = this.walk(path, false);
    if (node === undefined) throw new FsError('ENOENT');
    if (node.kind !== 'dir') throw new FsError('ENOTDIR');
    if (name === '') throw new FsError('EACCES');
    if (!options.recursive && node.children.size > 0) throw new FsError('ENOTEMPTY');
    parent.children.delete(name);
  }

  rename(from: string, to: string): void {
    const src = this.walk(from, false);
    if (src.node === undefined) throw new FsError('ENOENT');
    const dst = this.walk(to, false);
    if (dst.node?.kind === 'dir') throw new FsError('EISDIR');
    src.parent.children.delete(src.name);
    dst.parent.children.set(dst.name, src.node);
  }

  symlink(target: string, path: string): void {
    const { node, parent, name } = this.walk(path, false);
    if (node !== undefined) throw new FsError('EEXIST');
    parent.children.set(name, { kind: 'symlink', mode: 0o777, mtime: this.now(), target });
  }

  readlink(path: string): string {
    const node = this.get(path, false);
    if (node.kind !== 'symlink') throw new FsError('EINVAL');
    return node.target;
  }

  chmod(path: string, mode: number): void {
    this.get(path).mode = mode & 0o7777;
  }

  /** Marks a file as touched now, creating it empty if missing. */
  touch(path: string): void {
    const { node } = this.walk(path, true);
    if (node === undefined) this.writeFile(path, '');
    else node.mtime = this.now();
  }

  /** Mounts a generated file at `path`, creating parent directories. */
  mount(path: string, file: GeneratedFile): void {
    this.mkdir(dirname(resolvePath('/', path)), { parents: true });
    const { parent, name } = this.walk(path, false);
    parent.children.set(name, {
      kind: 'file',
      mode: file.write ? 0o644 : 0o444,
      mtime: this.now(),
      content: '',
      generated: file,
    });
  }
}
