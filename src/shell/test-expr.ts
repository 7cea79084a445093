/** `test` / `[` and the file and string tests `[[ … ]]` shares with them. */
import { resolvePath, type VirtualFs } from './fs.ts';

const UNARY = new Set([
  '-e',
  '-a',
  '-f',
  '-d',
  '-s',
  '-r',
  '-w',
  '-x',
  '-L',
  '-h',
  '-z',
  '-n',
  '-b',
  '-c',
  '-p',
  '-S',
  '-t',
  '-g',
  '-u',
  '-k',
  '-O',
  '-G',
  '-N',
]);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

export function testUnary(op: string, arg: string, fs: VirtualFs, cwd: string): boolean {
  if (op === '-z') return arg === '';
  if (op === '-n') return arg !== '';
  if (op === '-t') return false;
  const path = resolvePath(cwd, arg);
  if (arg === '') return false;
  const st = op === '-L' || op === '-h' ? fs.lstat(path) : fs.stat(path);
  if (st === null) return false;
  switch (op) {
    case '-e':
    case '-a':
      return true;
    case '-f':
      return st.kind === 'file';
    case '-d':
      return st.kind === 'dir';
    case '-s':
      return st.size > 0;
    case '-r':
    case '-w':
    case '-O':
    case '-G':
      return true;
    case '-x':
      return (st.mode & 0o111) !== 0;
    case '-L':
    case '-h':
      return st.kind === 'symlink';
    default:
      return false;
  }
}

/** True/false, or an error message when an operand is not an integer. */
export function testBinary(op: string, a: string, b: string, fs: VirtualFs, cwd: string): boolean | string {
  switch (op) {
    case '=':
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '-nt':
    case '-ot': {
      const sa = fs.stat(resolvePath(cwd, a));
      const sb = fs.stat(resolvePath(cwd, b));
      if (op === '-nt') return sa !== null && (sb === null || sa.mtime > sb.mtime);
      return sb !== null && (sa === null || sa.mtime < sb.mtime);
    }
    case '-ef':
      return resolvePath(cwd, a) === resolvePath(cwd, b) && fs.exists(resolvePath(cwd, a));
  }
  const int = /^\s*[-+]?\d+\s*$/;
  if (!int.test(a)) return `${a}: integer expression expected`;
  if (!int.test(b)) return `${b}: integer expression expected`;
  const x = BigInt(a.trim());
  const y = BigInt(b.trim());
  switch (op) {
    case '-eq':
      return x === y;
    case '-ne':
      return x !== y;
    case '-lt':
      return x < y;
    case '-le':
      return x <= y;
    case '-gt':
      return x > y;
    default:
      return x >= y;
  }
}

class TestError extends Error {}

/** Evaluates `test` arguments: 0 true, 1 false, 2 with a message on error. */
export function runTest(args: string[], fs: VirtualFs, cwd: string): { status: number; error?: string } {
  let i = 0;
  const peek = (k = 0) => args[i + k];
  const orExpr = (): boolean => {
    let v = andExpr();
    while (peek() === '-o') {
      i++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  };
  const andExpr = (): boolean => {
    let v = notExpr();
    while (peek() === '-a') {
      i++;
      const r = notExpr();
      v = v && r;
    }
    return v;
  };
  const notExpr = (): boolean => {
    if (peek() === '!' && args.length - i > 1) {
      i++;
      return !notExpr();
    }
    return primary();
  };
  const primary = (): boolean => {
    const t = peek();
    if (t === undefined) throw new TestError('argument expected');
    const left = args.length - i;
    if (left >= 3 && BINARY.has(peek(1) as string)) {
      const r = testBinary(peek(1) as string, t, peek(2) as string, fs, cwd);
      i += 3;
      if (typeof r === 'string') throw new TestError(r);
      return r;
    }
    if (t === '(' && left >= 2) {
      i++;
      const v = orExpr();
      if (peek() !== ')') throw new TestError("`)' expected");
      i++;
      return v;
    }
    if (UNARY.has(t) && left >= 2) {
      i += 2;
      return testUnary(t, args[i - 1] as string, fs, cwd);
    }
    i++;
    return t !== '';
  };
  if (args.length === 0) return { status: 1 };
  try {
    if (args.length === 2 && args[0] !== '!' && !UNARY.has(args[0] as string)) {
      throw new TestError(`${args[0]}: unary operator expected`);
    }
    if (
      args.length === 3 &&
      args[0] !== '!' &&
      args[0] !== '(' &&
      !BINARY.has(args[1] as string) &&
      args[1] !== '-a' &&
      args[1] !== '-o'
    ) {
      throw new TestError(`${args[1]}: binary operator expected`);
    }
    const v = orExpr();
    if (i < args.length) throw new TestError('too many arguments');
    return { status: v ? 0 : 1 };
  } catch (e) {
    if (e instanceof TestError) return { status: 2, error: e.message };
    throw e;
  }
}
