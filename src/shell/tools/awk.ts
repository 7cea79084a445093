/** A small but real awk: lexer, parser and tree-walking interpreter (POSIX awk plus common gawk bits). */

import { formatOne, parseFormat } from '../format.ts';
import { resolvePath } from '../fs.ts';
import { translateRegex } from '../regex.ts';
import { type Reader, stringReader } from '../stream.ts';
import type { Command, CommandContext } from '../types.ts';

// ---- values ------------------------------------------------------------------------------------

/** A string from input (a field, getline, -v) that compares as a number when it looks like one. */
interface StrNum {
  strnum: string;
}
type Value = number | string | StrNum;
const UNINIT: StrNum = { strnum: '' };
type AwkArray = Map<string, Value>;

const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

function strnum(s: string): StrNum {
  return { strnum: s };
}

function toNum(v: Value): number {
  if (typeof v === 'number') return v;
  const s = typeof v === 'string' ? v : v.strnum;
  const m = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/.exec(s);
  if (m) return Number(m[0]);
  const hex = /^\s*[-+]?0[xX][0-9a-fA-F]+/.exec(s);
  return hex ? 0 : 0;
}

function numToStr(n: number, fmt: string): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n);
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n < 0 ? '-inf' : 'inf';
  const spec = parseFormat(fmt)[0];
  return typeof spec === 'object' ? formatOne(spec, n) : String(n);
}

function looksNumeric(v: Value): boolean {
  if (typeof v === 'number') return true;
  if (typeof v === 'string') return false;
  return v === UNINIT || NUMERIC.test(v.strnum);
}

// ---- lexer -------------------------------------------------------------------------------------

type Tok =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 're'; v: string }
  | { t: 'name'; v: string }
  | { t: 'func'; v: string }
  | { t: 'kw'; v: string }
  | { t: 'op'; v: string }
  | { t: 'nl' }
  | { t: 'eof' };

const KEYWORDS = new Set([
  'BEGIN',
  'END',
  'function',
  'func',
  'if',
  'else',
  'while',
  'for',
  'do',
  'break',
  'continue',
  'next',
  'nextfile',
  'exit',
  'return',
  'delete',
  'in',
  'getline',
  'print',
  'printf',
]);
const BUILTIN_FUNCS = new Set([
  'length',
  'substr',
  'index',
  'split',
  'sub',
  'gsub',
  'match',
  'sprintf',
  'tolower',
  'toupper',
  'int',
  'sqrt',
  'exp',
  'log',
  'sin',
  'cos',
  'atan2',
  'rand',
  'srand',
  'system',
  'close',
  'fflush',
]);
const OPS = [
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '^=',
  '**=',
  '==',
  '<=',
  '>=',
  '!=',
  '++',
  '--',
  '&&',
  '||',
  '>>',
  '!~',
  '**',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '!',
  '>',
  '<',
  '|',
  '?',
  ':',
  '~',
  '$',
  '=',
];

class AwkSyntaxError extends Error {}

function unescapeString(s: string): string {
  return s.replace(/\\(["\\/abfnrtv]|[0-7]{1,3})/g, (_, c: string) => {
    const map: Record<string, string> = {
      '"': '"',
      '\\': '\\',
      '/': '/',
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
    };
    return map[c] ?? String.fromCharCode(Number.parseInt(c, 8));
  });
}

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const regexAllowed = () => {
    const last = toks[toks.length - 1];
    if (!last) return true;
    if (last.t === 'num' || last.t === 'str' || last.t === 'name' || last.t === 're') return false;
    if (last.t === 'kw') return last.v !== 'getline';
    if (last.t === 'op')
      return !(last.v === ')' || last.v === ']' || last.v === '$' || last.v === '++' || last.v === '--');
    return true;
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      toks.push({ t: 'nl' });
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let s = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length) {
          s += src.slice(j, j + 2);
          j += 2;
        } else s += src[j++];
      }
      if (j >= src.length) throw new AwkSyntaxError('non-terminated string');
      toks.push({ t: 'str', v: unescapeString(s) });
      i = j + 1;
      continue;
    }
    if (c === '/' && regexAllowed()) {
      let j = i + 1;
      let s = '';
      let inBracket = false;
      while (j < src.length && (src[j] !== '/' || inBracket)) {
        if (src[j] === '\n') throw new AwkSyntaxError('non-terminated regular expression');
        if (src[j] === '\\' && j + 1 < src.length) {
          s += src[j + 1] === '/' ? '/' : src.slice(j, j + 2);
          j += 2;
          continue;
        }
        if (src[j] === '[') inBracket = true;
        else if (src[j] === ']') inBracket = false;
        s += src[j++];
      }
      toks.push({ t: 're', v: s });
      i = j + 1;
      continue;
    }
    const num = /^(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(src.slice(i));
    if (num) {
      toks.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (name) {
      const w = name[0];
      i += w.length;
      if (KEYWORDS.has(w)) toks.push({ t: 'kw', v: w === 'func' ? 'function' : w });
      else if (BUILTIN_FUNCS.has(w)) toks.push({ t: 'func', v: w });
      else if (src[i] === '(') toks.push({ t: 'func', v: w });
      else toks.push({ t: 'name', v: w });
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new AwkSyntaxError(`invalid char '${c}' in expression`);
    toks.push({ t: 'op', v: op === '**' ? '^' : op === '**=' ? '^=' : op });
    i += op.length;
  }
  toks.push({ t: 'eof' });
  return toks;
}

// ---- syntax tree -------------------------------------------------------------------------------

type Expr =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 're'; re: string }
  | { k: 'var'; name: string }
  | { k: 'index'; name: string; subs: Expr[] }
  | { k: 'field'; e: Expr }
  | { k: 'assign'; op: string; target: Expr; e: Expr }
  | { k: 'cond'; c: Expr; a: Expr; b: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'un'; op: string; e: Expr }
  | { k: 'incdec'; op: string; prefix: boolean; target: Expr }
  | { k: 'in'; subs: Expr[]; name: string }
  | { k: 'match'; neg: boolean; l: Expr; r: Expr }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'getline'; target: Expr | null; file: Expr | null; cmd: Expr | null }
  | { k: 'group'; e: Expr };

type Stmt =
  | { k: 'expr'; e: Expr }
  | { k: 'print'; args: Expr[]; printf: boolean; redir: { op: string; dest: Expr } | null }
  | { k: 'if'; c: Expr; a: Stmt; b: Stmt | null }
  | { k: 'while'; c: Expr; body: Stmt }
  | { k: 'do'; c: Expr; body: Stmt }
  | { k: 'for'; init: Stmt | null; c: Expr | null; step: Stmt | null; body: Stmt }
  | { k: 'forin'; v: string; arr: string; body: Stmt }
  | { k: 'block'; body: Stmt[] }
  | { k: 'next' }
  | { k: 'nextfile' }
  | { k: 'exit'; e: Expr | null }
  | { k: 'return'; e: Expr | null }
  | { k: 'break' }
  | { k: 'continue' }
  | { k: 'delete'; name: string; subs: Expr[] | null };

interface Rule {
  kind: 'begin' | 'end' | 'main';
  pattern: Expr | null;
  pattern2: Expr | null;
  body: Stmt[] | null;
  inRange: boolean;
}

interface FuncDef {
  params: string[];
  body: Stmt[];
}

class AwkParser {
  private i = 0;
  private readonly toks: Tok[];
  readonly rules: Rule[] = [];
  readonly funcs = new Map<string, FuncDef>();
  private noIn = 0;
  private noGt = 0;

  constructor(src: string) {
    this.toks = lex(src);
  }

  private peek(k = 0): Tok {
    return this.toks[this.i + k] as Tok;
  }

  private isOp(v: string, k = 0): boolean {
    const t = this.peek(k);
    return t.t === 'op' && t.v === v;
  }

  private isKw(v: string): boolean {
    const t = this.peek();
    return t.t === 'kw' && t.v === v;
  }

  private fail(): never {
    const t = this.peek();
    const text = t.t === 'eof' ? 'end of file' : t.t === 'nl' ? 'newline' : String(t.v);
    throw new AwkSyntaxError(`syntax error at source line 1: unexpected ${text}`);
  }

  private expectOp(v: string): void {
    if (!this.isOp(v)) this.fail();
    this.i++;
  }

  private nls(): void {
    while (this.peek().t === 'nl') this.i++;
  }

  private terminators(): void {
    while (this.peek().t === 'nl' || this.isOp(';')) this.i++;
  }

  parse(): void {
    this.terminators();
    while (this.peek().t !== 'eof') {
      if (this.isKw('function')) this.parseFunction();
      else if (this.isKw('BEGIN') || this.isKw('END')) {
        const kind = (this.peek() as { v: string }).v === 'BEGIN' ? 'begin' : 'end';
        this.i++;
        this.nls();
        this.rules.push({ kind, pattern: null, pattern2: null, body: this.block(), inRange: false });
      } else {
        let pattern: Expr | null = null;
        let pattern2: Expr | null = null;
        if (!this.isOp('{')) {
          pattern = this.expr();
          if (this.isOp(',')) {
            this.i++;
            this.nls();
            pattern2 = this.expr();
          }
        }
        const body = this.isOp('{') ? this.block() : null;
        this.rules.push({ kind: 'main', pattern, pattern2, body, inRange: false });
      }
      this.terminators();
    }
  }

  private parseFunction(): void {
    this.i++;
    const t = this.peek();
    if (t.t !== 'func' && t.t !== 'name') this.fail();
    this.i++;
    this.expectOp('(');
    const params: string[] = [];
    while (!this.isOp(')')) {
      const p = this.peek();
      if (p.t !== 'name') this.fail();
      params.push(p.v);
      this.i++;
      if (this.isOp(',')) {
        this.i++;
        this.nls();
      }
    }
    this.i++;
    this.nls();
    this.funcs.set(t.v, { params, body: this.block() });
  }

  private block(): Stmt[] {
    this.expectOp('{');
    const body: Stmt[] = [];
    this.terminators();
    while (!this.isOp('}')) {
      body.push(this.statement());
      this.terminators();
    }
    this.i++;
    return body;
  }

  private simpleEnd(): void {
    if (this.isOp(';') || this.peek().t === 'nl') this.i++;
    else if (!this.isOp('}') && this.peek().t !== 'eof') this.fail();
  }

  private statement(): Stmt {
    const t = this.peek();
    if (t.t === 'op' && t.v === '{') return { k: 'block', body: this.block() };
    if (t.t === 'op' && t.v === ';') {
      this.i++;
      return { k: 'block', body: [] };
    }
    if (t.t === 'kw') {
      switch (t.v) {
        case 'if': {
          this.i++;
          this.expectOp('(');
          const c = this.expr();
          this.expectOp(')');
          this.nls();
          const a = this.statement();
          const save = this.i;
          this.terminators();
          if (this.isKw('else')) {
            this.i++;
            this.nls();
            return { k: 'if', c, a, b: this.statement() };
          }
          this.i = save;
          return { k: 'if', c, a, b: null };
        }
        case 'while': {
          this.i++;
          this.expectOp('(');
          const c = this.expr();
          this.expectOp(')');
          if (this.isOp(';')) {
            this.i++;
            return { k: 'while', c, body: { k: 'block', body: [] } };
          }
          this.nls();
          return { k: 'while', c, body: this.statement() };
        }
        case 'do': {
          this.i++;
          this.nls();
          const body = this.statement();
          this.terminators();
          if (!this.isKw('while')) this.fail();
          this.i++;
          this.expectOp('(');
          const c = this.expr();
          this.expectOp(')');
          this.simpleEnd();
          return { k: 'do', c, body };
        }
        case 'for': {
          this.i++;
          this.expectOp('(');
          const a = this.peek();
          if (
            a.t === 'name' &&
            this.peek(1).t === 'kw' &&
            (this.peek(1) as { v: string }).v === 'in' &&
            this.peek(2).t === 'name' &&
            this.isOp(')', 3)
          ) {
            const arr = (this.peek(2) as { v: string }).v;
            this.i += 4;
            this.nls();
            return { k: 'forin', v: a.v, arr, body: this.statement() };
          }
          const init = this.isOp(';') ? null : this.simpleStatement();
          this.expectOp(';');
          this.nls();
          const c = this.isOp(';') ? null : this.expr();
          this.expectOp(';');
          this.nls();
          const step = this.isOp(')') ? null : this.simpleStatement();
          this.expectOp(')');
          if (this.isOp(';')) {
            this.i++;
            return { k: 'for', init, c, step, body: { k: 'block', body: [] } };
          }
          this.nls();
          return { k: 'for', init, c, step, body: this.statement() };
        }
        case 'next':
        case 'nextfile':
        case 'break':
        case 'continue':
          this.i++;
          this.simpleEnd();
          return { k: t.v } as Stmt;
        case 'exit':
        case 'return': {
          this.i++;
          const e =
            this.isOp(';') || this.isOp('}') || this.peek().t === 'nl' || this.peek().t === 'eof' ? null : this.expr();
          this.simpleEnd();
          return { k: t.v, e } as Stmt;
        }
      }
    }
    const s = this.simpleStatement();
    this.simpleEnd();
    return s;
  }

  private simpleStatement(): Stmt {
    const t = this.peek();
    if (t.t === 'kw' && (t.v === 'print' || t.v === 'printf')) {
      this.i++;
      let args: Expr[] = [];
      this.noGt++;
      if (this.isOp('(')) {
        // print (a, b) > "f" — a parenthesised list, or a grouped first expression.
        const save = this.i;
        this.i++;
        const list = [this.expr()];
        while (this.isOp(',')) {
          this.i++;
          this.nls();
          list.push(this.expr());
        }
        if (
          this.isOp(')') &&
          (this.isOp(';', 1) ||
            this.isOp('}', 1) ||
            this.isOp('>', 1) ||
            this.isOp('>>', 1) ||
            this.isOp('|', 1) ||
            this.peek(1).t === 'nl' ||
            this.peek(1).t === 'eof')
        ) {
          this.i++;
          args = list;
        } else {
          this.i = save;
          args = this.exprList();
        }
      } else if (
        !this.isOp(';') &&
        !this.isOp('}') &&
        !this.isOp('>') &&
        !this.isOp('>>') &&
        !this.isOp('|') &&
        this.peek().t !== 'nl' &&
        this.peek().t !== 'eof'
      ) {
        args = this.exprList();
      }
      this.noGt--;
      let redir: { op: string; dest: Expr } | null = null;
      if (this.isOp('>') || this.isOp('>>') || this.isOp('|')) {
        const op = (this.peek() as { v: string }).v;
        this.i++;
        this.noGt++;
        redir = { op, dest: this.concat() };
        this.noGt--;
      }
      return { k: 'print', args, printf: t.v === 'printf', redir };
    }
    if (t.t === 'kw' && t.v === 'delete') {
      this.i++;
      const n = this.peek();
      if (n.t !== 'name') this.fail();
      this.i++;
      if (this.isOp('[')) {
        this.i++;
        const subs = this.exprList();
        this.expectOp(']');
        return { k: 'delete', name: n.v, subs };
      }
      return { k: 'delete', name: n.v, subs: null };
    }
    return { k: 'expr', e: this.expr() };
  }

  private exprList(): Expr[] {
    const list = [this.expr()];
    while (this.isOp(',')) {
      this.i++;
      this.nls();
      list.push(this.expr());
    }
    return list;
  }

  expr(): Expr {
    return this.ternary();
  }

  private ternary(): Expr {
    const c = this.or();
    if (this.isOp('?')) {
      this.i++;
      this.nls();
      const a = this.ternary();
      this.nls();
      this.expectOp(':');
      this.nls();
      const b = this.ternary();
      return { k: 'cond', c, a, b };
    }
    const t = this.peek();
    if (t.t === 'op' && ['=', '+=', '-=', '*=', '/=', '%=', '^='].includes(t.v)) {
      if (c.k !== 'var' && c.k !== 'index' && c.k !== 'field') return c;
      this.i++;
      this.nls();
      return { k: 'assign', op: t.v, target: c, e: this.ternary() };
    }
    return c;
  }

  private or(): Expr {
    let l = this.and();
    while (this.isOp('||')) {
      this.i++;
      this.nls();
      l = { k: 'bin', op: '||', l, r: this.and() };
    }
    return l;
  }

  private and(): Expr {
    let l = this.inExpr();
    while (this.isOp('&&')) {
      this.i++;
      this.nls();
      l = { k: 'bin', op: '&&', l, r: this.inExpr() };
    }
    return l;
  }

  private inExpr(): Expr {
    let l = this.matchExpr();
    while (this.isKw('in') && this.noIn === 0) {
      this.i++;
      const n = this.peek();
      if (n.t !== 'name') this.fail();
      this.i++;
      l = { k: 'in', subs: l.k === 'group' && l.e.k === 'bin' && l.e.op === ',' ? flattenComma(l.e) : [l], name: n.v };
    }
    return l;
  }

  private matchExpr(): Expr {
    let l = this.relational();
    while (this.isOp('~') || this.isOp('!~')) {
      const neg = this.isOp('!~');
      this.i++;
      l = { k: 'match', neg, l, r: this.relational() };
    }
    return l;
  }

  private relational(): Expr {
    const l = this.concat();
    const t = this.peek();
    if (t.t === 'op' && ['<', '<=', '!=', '==', '>=', '>'].includes(t.v) && !(t.v === '>' && this.noGt > 0)) {
      this.i++;
      return { k: 'bin', op: t.v, l, r: this.concat() };
    }
    return l;
  }

  private startsPrimary(): boolean {
    const t = this.peek();
    if (t.t === 'num' || t.t === 'str' || t.t === 're' || t.t === 'name' || t.t === 'func') return true;
    if (t.t === 'op')
      return t.v === '$' || t.v === '(' || t.v === '!' || t.v === '++' || t.v === '--' || t.v === '-' || t.v === '+';
    return false;
  }

  private concat(): Expr {
    let l = this.additive();
    for (;;) {
      const t = this.peek();
      if (t.t === 'op' && (t.v === '-' || t.v === '+' || t.v === '!')) break;
      if (t.t === 'kw' && t.v === 'in') break;
      if (!this.startsPrimary()) break;
      if (t.t === 'kw') break;
      l = { k: 'bin', op: 'concat', l, r: this.additive() };
    }
    return l;
  }

  private additive(): Expr {
    let l = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      l = { k: 'bin', op, l, r: this.multiplicative() };
    }
    return l;
  }

  private multiplicative(): Expr {
    let l = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      l = { k: 'bin', op, l, r: this.unary() };
    }
    return l;
  }

  private unary(): Expr {
    if (this.isOp('!') || this.isOp('-') || this.isOp('+')) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      return { k: 'un', op, e: this.unary() };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.postfix();
    if (this.isOp('^')) {
      this.i++;
      const isUnary = this.isOp('-') || this.isOp('+') || this.isOp('!');
      return { k: 'bin', op: '^', l: base, r: isUnary ? this.unary() : this.power() };
    }
    return base;
  }

  private postfix(): Expr {
    if (this.isOp('++') || this.isOp('--')) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      return { k: 'incdec', op, prefix: true, target: this.postfix() };
    }
    const e = this.primary();
    if ((e.k === 'var' || e.k === 'index' || e.k === 'field') && (this.isOp('++') || this.isOp('--'))) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      return { k: 'incdec', op, prefix: false, target: e };
    }
    return e;
  }

  private primary(): Expr {
    const t = this.peek();
    this.i++;
    switch (t.t) {
      case 'num':
        return { k: 'num', v: t.v };
      case 'str':
        return { k: 'str', v: t.v };
      case 're':
        return { k: 're', re: t.v };
      case 'name':
        if (this.isOp('[')) {
          this.i++;
          const subs = this.exprList();
          this.expectOp(']');
          return { k: 'index', name: t.v, subs };
        }
        return { k: 'var', name: t.v };
      case 'func': {
        if (!this.isOp('(')) {
          if (t.v === 'length') return { k: 'call', name: 'length', args: [] };
          this.fail();
        }
        this.i++;
        const args: Expr[] = [];
        this.noIn++;
        this.noIn--;
        while (!this.isOp(')')) {
          this.noGt++;
          const saved = this.noGt;
          this.noGt = 0;
          args.push(this.expr());
          this.noGt = saved - 1;
          if (this.isOp(',')) {
            this.i++;
            this.nls();
          } else if (!this.isOp(')')) this.fail();
        }
        this.i++;
        return { k: 'call', name: t.v, args };
      }
      case 'kw':
        if (t.v === 'getline') {
          let target: Expr | null = null;
          if (this.peek().t === 'name' || this.isOp('$')) target = this.postfix();
          let file: Expr | null = null;
          if (this.isOp('<')) {
            this.i++;
            file = this.postfix();
          }
          return { k: 'getline', target, file, cmd: null };
        }
        break;
      case 'op':
        if (t.v === '$') return { k: 'field', e: this.postfixNoIncdec() };
        if (t.v === '(') {
          const savedGt = this.noGt;
          this.noGt = 0;
          let e = this.expr();
          while (this.isOp(',')) {
            this.i++;
            e = { k: 'bin', op: ',', l: e, r: this.expr() };
          }
          this.noGt = savedGt;
          this.expectOp(')');
          return { k: 'group', e };
        }
        if (t.v === '-' || t.v === '+' || t.v === '!') return { k: 'un', op: t.v, e: this.unary() };
        break;
    }
    this.i--;
    this.fail();
  }

  private postfixNoIncdec(): Expr {
    if (this.isOp('++') || this.isOp('--')) return this.postfix();
    if (this.isOp('-')) {
      this.i++;
      return { k: 'un', op: '-', e: this.primary() };
    }
    return this.primary();
  }
}

function flattenComma(e: Expr): Expr[] {
  if (e.k === 'bin' && e.op === ',') return [...flattenComma(e.l), ...flattenComma(e.r)];
  return [e];
}

// ---- interpreter -------------------------------------------------------------------------------

class NextSignal {}
class NextFileSignal {}
class ExitAwk {
  readonly status: number;
  constructor(status: number) {
    this.status = status;
  }
}
class ReturnAwk {
  readonly value: Value;
  constructor(value: Value) {
    this.value = value;
  }
}
class BreakSignal {}
class ContinueSignal {}
class AwkRuntimeError extends Error {}

interface Frame {
  locals: Map<string, Value | AwkArray>;
}

class AwkMachine {
  private readonly globals = new Map<string, Value | AwkArray>();
  private frames: Frame[] = [];
  private fields: string[] = [''];
  private nf = 0;
  private record = '';
  private out = '';
  private readonly files = new Map<string, { append: boolean; text: string; pipe: boolean }>();
  private readonly regexCache = new Map<string, RegExp>();
  private randSeed = 0;
  private randState = 0;
  private readonly ctx: CommandContext;
  private readonly parser: AwkParser;
  private mainReader: Reader | null = null;
  private readonly getlineFiles = new Map<string, Reader>();
  private steps = 0;

  constructor(ctx: CommandContext, parser: AwkParser) {
    this.ctx = ctx;
    this.parser = parser;
    for (const [k, v] of Object.entries({
      FS: ' ',
      OFS: ' ',
      ORS: '\n',
      RS: '\n',
      NR: 0,
      NF: 0,
      FNR: 0,
      SUBSEP: '\x1c',
      CONVFMT: '%.6g',
      OFMT: '%.6g',
      RSTART: 0,
      RLENGTH: -1,
      FILENAME: '',
    })) {
      this.globals.set(k, v);
    }
    const env: AwkArray = new Map();
    for (const [k, v] of Object.entries(ctx.env)) env.set(k, strnum(v));
    this.globals.set('ENVIRON', env);
  }

  setVar(name: string, v: Value): void {
    this.globals.set(name, v);
  }

  // -- output --

  private async flush(): Promise<void> {
    if (this.out) {
      const text = this.out;
      this.out = '';
      await this.ctx.stdout.write(text);
    }
  }

  async finish(): Promise<void> {
    await this.flush();
    for (const name of [...this.files.keys()]) await this.closeFile(name);
  }

  private async closeFile(name: string): Promise<number> {
    const f = this.files.get(name);
    this.getlineFiles.delete(name);
    if (!f) return -1;
    this.files.delete(name);
    if (f.pipe) {
      await this.flush();
      return this.ctx.exec(['sh', '-c', name], { stdin: stringReader(f.text) });
    }
    return 0;
  }

  private writeTo(op: string, dest: string, text: string): void {
    let f = this.files.get(dest);
    if (op === '|') {
      if (!f) {
        f = { append: false, text: '', pipe: true };
        this.files.set(dest, f);
      }
      f.text += text;
      return;
    }
    if (dest === '/dev/stdout' || dest === '-') {
      this.out += text;
      return;
    }
    if (dest === '/dev/stderr') {
      void this.ctx.stderr.write(text);
      return;
    }
    const path = resolvePath(this.ctx.cwd, dest);
    if (!f) {
      f = { append: op === '>>', text: '', pipe: false };
      this.files.set(dest, f);
      if (op === '>') this.ctx.fs.writeFile(path, '');
    }
    this.ctx.fs.writeFile(path, text, { append: true });
  }

  // -- variables --

  private lookup(name: string): Value | AwkArray | undefined {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.locals.has(name)) return frame.locals.get(name);
    if (name === 'NF') return this.nf;
    return this.globals.get(name);
  }

  private getScalar(name: string): Value {
    const v = this.lookup(name);
    if (v instanceof Map) throw new AwkRuntimeError(`can't use array ${name} in scalar context`);
    return v ?? UNINIT;
  }

  private setScalar(name: string, v: Value): void {
    const frame = this.frames[this.frames.length - 1];
    if (frame?.locals.has(name)) {
      frame.locals.set(name, v);
      return;
    }
    if (name === 'NF') {
      this.setNF(Math.max(0, Math.trunc(toNum(v))));
      return;
    }
    this.globals.set(name, v);
  }

  private getArray(name: string): AwkArray {
    const frame = this.frames[this.frames.length - 1];
    const scope = frame?.locals.has(name) ? frame.locals : this.globals;
    let v = scope.get(name);
    if (v === undefined || v === UNINIT) {
      v = new Map();
      scope.set(name, v);
    }
    if (!(v instanceof Map)) throw new AwkRuntimeError(`can't use scalar ${name} as array`);
    return v;
  }

  str(v: Value): string {
    if (typeof v === 'number') return numToStr(v, this.convfmt());
    return typeof v === 'string' ? v : v.strnum;
  }

  private convfmt(): string {
    return this.str(this.getScalar('CONVFMT') as string);
  }

  private outStr(v: Value): string {
    if (typeof v === 'number') return numToStr(v, this.str(this.getScalar('OFMT')));
    return this.str(v);
  }

  // -- records and fields --

  setRecord(text: string): void {
    this.record = text;
    this.splitRecord();
  }

  private splitRecord(): void {
    const parts = this.splitFields(this.record, this.str(this.getScalar('FS')));
    this.fields = [this.record, ...parts];
    this.nf = parts.length;
  }

  splitFields(text: string, fs: string): string[] {
    if (fs === ' ') return text.split(/[ \t\n]+/).filter((s) => s !== '');
    if (text === '') return [];
    if (fs.length === 1 && fs !== '\\') return text.split(fs === '\t' ? '\t' : fs);
    return text.split(this.regex(fs));
  }

  private getField(i: number): Value {
    if (i < 0) throw new AwkRuntimeError(`trying to access out of range field ${i}`);
    if (i === 0) return strnum(this.record);
    return i <= this.nf ? strnum(this.fields[i] ?? '') : UNINIT;
  }

  private setField(i: number, v: string): void {
    if (i === 0) {
      this.setRecord(v);
      return;
    }
    while (this.fields.length <= i) this.fields.push('');
    this.fields[i] = v;
    if (i > this.nf) this.nf = i;
    this.rebuild();
  }

  private setNF(n: number): void {
    while (this.fields.length <= n) this.fields.push('');
    this.fields.length = n + 1;
    this.nf = n;
    this.rebuild();
  }

  private rebuild(): void {
    this.record = this.fields.slice(1, this.nf + 1).join(this.str(this.getScalar('OFS')));
    this.fields[0] = this.record;
  }

  regex(src: string): RegExp {
    let re = this.regexCache.get(src);
    if (!re) {
      try {
        re = new RegExp(translateRegex(src, { extended: true, bracketEscapes: true }));
      } catch {
        throw new AwkRuntimeError(`syntax error in regular expression ${src}`);
      }
      this.regexCache.set(src, re);
    }
    return re;
  }

  private toRegex(e: Expr, v: Value): RegExp {
    return this.regex(e.k === 're' ? e.re : this.str(v));
  }

  // -- evaluation --

  private async assignTo(target: Expr, v: Value): Promise<void> {
    if (target.k === 'var') this.setScalar(target.name, v);
    else if (target.k === 'index') this.getArray(target.name).set(await this.subscript(target.subs), v);
    else if (target.k === 'field') this.setField(Math.trunc(toNum(await this.eval(target.e))), this.str(v));
    else if (target.k === 'group') await this.assignTo(target.e, v);
  }

  private async subscript(subs: Expr[]): Promise<string> {
    const parts: string[] = [];
    for (const s of subs) parts.push(this.str(await this.eval(s)));
    return parts.join(this.str(this.getScalar('SUBSEP')));
  }

  private compare(a: Value, b: Value): number {
    if (looksNumeric(a) && looksNumeric(b)) {
      const x = toNum(a);
      const y = toNum(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const x = this.str(a);
    const y = this.str(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  async eval(e: Expr): Promise<Value> {
    switch (e.k) {
      case 'num':
        return e.v;
      case 'str':
        return e.v;
      case 're':
        return this.regex(e.re).test(this.record) ? 1 : 0;
      case 'group':
        return this.eval(e.e);
      case 'var':
        return this.getScalar(e.name);
      case 'index': {
        const arr = this.getArray(e.name);
        const key = await this.subscript(e.subs);
        const v = arr.get(key);
        if (v === undefined) {
          arr.set(key, UNINIT);
          return UNINIT;
        }
        return v;
      }
      case 'field':
        return this.getField(Math.trunc(toNum(await this.eval(e.e))));
      case 'assign': {
        let v = await this.eval(e.e);
        if (e.op !== '=') {
          const cur = toNum(await this.eval(e.target));
          v = arith(e.op.slice(0, -1), cur, toNum(v));
        } else if (typeof v === 'object' && v !== UNINIT) v = strnum(v.strnum);
        await this.assignTo(e.target, v);
        return v;
      }
      case 'cond':
        return this.truthy(await this.eval(e.c)) ? this.eval(e.a) : this.eval(e.b);
      case 'un': {
        const v = await this.eval(e.e);
        if (e.op === '!') return this.truthy(v) ? 0 : 1;
        return e.op === '-' ? -toNum(v) : toNum(v);
      }
      case 'incdec': {
        const old = toNum(await this.eval(e.target));
        const nv = e.op === '++' ? old + 1 : old - 1;
        await this.assignTo(e.target, nv);
        return e.prefix ? nv : old;
      }
      case 'in':
        return this.getArray(e.name).has(await this.subscript(e.subs)) ? 1 : 0;
      case 'match': {
        const l = this.str(await this.eval(e.l));
        const re = this.toRegex(e.r, e.r.k === 're' ? '' : await this.eval(e.r));
        return re.test(l) !== e.neg ? 1 : 0;
      }
      case 'bin': {
        if (e.op === '&&') return this.truthy(await this.eval(e.l)) && this.truthy(await this.eval(e.r)) ? 1 : 0;
        if (e.op === '||') return this.truthy(await this.eval(e.l)) || this.truthy(await this.eval(e.r)) ? 1 : 0;
        const l = await this.eval(e.l);
        const r = await this.eval(e.r);
        switch (e.op) {
          case 'concat':
            return this.str(l) + this.str(r);
          case '<':
            return this.compare(l, r) < 0 ? 1 : 0;
          case '<=':
            return this.compare(l, r) <= 0 ? 1 : 0;
          case '>':
            return this.compare(l, r) > 0 ? 1 : 0;
          case '>=':
            return this.compare(l, r) >= 0 ? 1 : 0;
          case '==':
            return this.compare(l, r) === 0 ? 1 : 0;
          case '!=':
            return this.compare(l, r) !== 0 ? 1 : 0;
          case ',':
            return this.str(l) + this.str(this.getScalar('SUBSEP')) + this.str(r);
          default:
            return arith(e.op, toNum(l), toNum(r));
        }
      }
      case 'call':
        return this.call(e.name, e.args);
      case 'getline':
        return this.getline(e);
    }
  }

  truthy(v: Value): boolean {
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return v !== '';
    if (v === UNINIT) return false;
    return NUMERIC.test(v.strnum) ? toNum(v) !== 0 : v.strnum !== '';
  }

  private async getline(e: Extract<Expr, { k: 'getline' }>): Promise<Value> {
    let reader: Reader | null;
    if (e.file) {
      const name = this.str(await this.eval(e.file));
      reader = this.getlineFiles.get(name) ?? null;
      if (!reader) {
        try {
          reader =
            name === '-' || name === '/dev/stdin'
              ? this.ctx.stdin
              : stringReader(this.ctx.fs.readFile(resolvePath(this.ctx.cwd, name)));
        } catch {
          return -1;
        }
        this.getlineFiles.set(name, reader);
      }
    } else reader = this.mainReader;
    if (!reader) return 0;
    const got = await reader.readLine();
    if (got === null) return 0;
    if (e.target) await this.assignTo(e.target, strnum(got.line));
    else if (!e.file) this.setRecord(got.line);
    else this.setRecord(got.line);
    if (!e.file) {
      this.globals.set('NR', toNum(this.getScalar('NR')) + 1);
      this.globals.set('FNR', toNum(this.getScalar('FNR')) + 1);
    }
    return 1;
  }

  private async call(name: string, args: Expr[]): Promise<Value> {
    const user = this.parser.funcs.get(name);
    if (user) return this.callUser(name, user, args);
    const arg = async (i: number): Promise<Value> => {
      const a = args[i];
      return a === undefined ? UNINIT : this.eval(a);
    };
    switch (name) {
      case 'length': {
        if (args.length === 0) return [...this.record].length;
        const a = args[0] as Expr;
        if (a.k === 'var') {
          const v = this.lookup(a.name);
          if (v instanceof Map) return v.size;
        }
        return [...this.str(await arg(0))].length;
      }
      case 'substr': {
        const s = [...this.str(await arg(0))];
        const m = toNum(await arg(1));
        let start = Math.round(m);
        let end = args.length > 2 ? start + Math.round(toNum(await arg(2))) : s.length + 1;
        if (start < 1) start = 1;
        if (end > s.length + 1) end = s.length + 1;
        return end <= start ? '' : s.slice(start - 1, end - 1).join('');
      }
      case 'index': {
        const s = this.str(await arg(0));
        const t = this.str(await arg(1));
        return s.indexOf(t) + 1;
      }
      case 'split': {
        const s = this.str(await arg(0));
        const target = args[1];
        if (target?.k !== 'var') throw new AwkRuntimeError('split: second argument is not an array');
        const arr = this.getArray(target.name);
        arr.clear();
        let parts: string[];
        const sep = args[2];
        if (sep === undefined) parts = this.splitFields(s, this.str(this.getScalar('FS')));
        else if (sep.k === 're') parts = s === '' ? [] : s.split(this.regex(sep.re));
        else parts = this.splitFields(s, this.str(await this.eval(sep)));
        parts.forEach((p, i) => {
          arr.set(String(i + 1), strnum(p));
        });
        return parts.length;
      }
      case 'sub':
      case 'gsub': {
        const reExpr = args[0] as Expr;
        const re = this.toRegex(reExpr, reExpr.k === 're' ? '' : await this.eval(reExpr));
        const repl = this.str(await arg(1));
        const target: Expr = args[2] ?? { k: 'field', e: { k: 'num', v: 0 } };
        const s = this.str(await this.eval(target));
        let count = 0;
        const global = new RegExp(re.source, `${re.flags}g`);
        const result = s.replace(global, (m: string) => {
          if (name === 'sub' && count > 0) return m;
          count++;
          return repl.replace(/\\\\|\\&|&/g, (x) => (x === '&' ? m : x === '\\&' ? '&' : '\\'));
        });
        if (count > 0) await this.assignTo(target, result);
        return count;
      }
      case 'match': {
        const s = this.str(await arg(0));
        const reExpr = args[1] as Expr;
        const re = this.toRegex(reExpr, reExpr.k === 're' ? '' : await this.eval(reExpr));
        const m = re.exec(s);
        const start = m ? [...s.slice(0, m.index)].length + 1 : 0;
        const len = m ? [...m[0]].length : -1;
        this.globals.set('RSTART', start);
        this.globals.set('RLENGTH', len);
        const arrArg = args[2];
        if (arrArg?.k === 'var' && m) {
          const arr = this.getArray(arrArg.name);
          arr.clear();
          m.forEach((g, i) => {
            if (g !== undefined) arr.set(String(i), strnum(g));
          });
        }
        return start;
      }
      case 'sprintf': {
        const vals: Value[] = [];
        for (let i = 0; i < args.length; i++) vals.push(await arg(i));
        return this.sprintf(vals);
      }
      case 'tolower':
        return this.str(await arg(0)).toLowerCase();
      case 'toupper':
        return this.str(await arg(0)).toUpperCase();
      case 'int':
        return Math.trunc(toNum(await arg(0)));
      case 'sqrt':
        return Math.sqrt(toNum(await arg(0)));
      case 'exp':
        return Math.exp(toNum(await arg(0)));
      case 'log':
        return Math.log(toNum(await arg(0)));
      case 'sin':
        return Math.sin(toNum(await arg(0)));
      case 'cos':
        return Math.cos(toNum(await arg(0)));
      case 'atan2':
        return Math.atan2(toNum(await arg(0)), toNum(await arg(1)));
      case 'rand': {
        this.randState = (this.randState * 1103515245 + 12345) % 2147483648;
        return this.randState / 2147483648;
      }
      case 'srand': {
        const prev = this.randSeed;
        this.randSeed = args.length > 0 ? Math.trunc(toNum(await arg(0))) : Math.floor(this.ctx.clock.now() / 1000);
        this.randState = this.randSeed;
        return prev;
      }
      case 'system': {
        await this.flush();
        return this.ctx.exec(['sh', '-c', this.str(await arg(0))]);
      }
      case 'close':
        return this.closeFile(this.str(await arg(0)));
      case 'fflush':
        await this.flush();
        return 0;
    }
    throw new AwkRuntimeError(`calling undefined function ${name}`);
  }

  private async callUser(name: string, def: FuncDef, args: Expr[]): Promise<Value> {
    if (args.length > def.params.length)
      throw new AwkRuntimeError(`function \`${name}' called with more arguments than declared`);
    const locals = new Map<string, Value | AwkArray>();
    for (let i = 0; i < def.params.length; i++) {
      const a = args[i];
      const p = def.params[i] as string;
      if (a === undefined) continue;
      if (a.k === 'var') {
        const v = this.lookup(a.name);
        if (v instanceof Map) {
          locals.set(p, v);
          continue;
        }
        if (v === undefined) {
          // An untouched name may be used as an array by the callee: share one.
          const arr: AwkArray = new Map();
          this.globals.set(a.name, arr);
          locals.set(p, arr);
          continue;
        }
      }
      locals.set(p, await this.eval(a));
    }
    if (this.frames.length > 1000) throw new AwkRuntimeError('function call nesting too deep');
    this.frames.push({ locals });
    try {
      await this.execAll(def.body);
      return UNINIT;
    } catch (e) {
      if (e instanceof ReturnAwk) return e.value;
      throw e;
    } finally {
      this.frames.pop();
    }
  }

  sprintf(vals: Value[]): string {
    const fmt = this.str(vals[0] ?? '');
    let i = 1;
    let out = '';
    for (const p of parseFormat(fmt)) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      const spec = { ...p };
      if (spec.width === -1) spec.width = Math.trunc(toNum(vals[i++] ?? 0));
      if (spec.width !== null && spec.width < 0) {
        spec.flags += '-';
        spec.width = -spec.width;
      }
      if (spec.precision === -1) spec.precision = Math.trunc(toNum(vals[i++] ?? 0));
      const v = vals[i++] ?? UNINIT;
      if (spec.conv === 'c') out += formatOne(spec, typeof v === 'number' ? v : this.str(v));
      else if ('diouxX'.includes(spec.conv)) out += formatOne(spec, Math.trunc(toNum(v)));
      else if ('eEfFgG'.includes(spec.conv)) out += formatOne(spec, toNum(v));
      else out += formatOne({ ...spec, conv: 's' }, this.str(v));
    }
    return out;
  }

  // -- statements --

  async execAll(stmts: Stmt[]): Promise<void> {
    for (const s of stmts) await this.exec(s);
  }

  private async tick(): Promise<void> {
    if (++this.steps % 10000 === 0) {
      if (this.ctx.signal.aborted) throw new ExitAwk(130);
      await this.flush();
    }
  }

  private async exec(s: Stmt): Promise<void> {
    switch (s.k) {
      case 'expr':
        await this.eval(s.e);
        return;
      case 'print': {
        let text: string;
        if (s.printf) {
          const vals: Value[] = [];
          for (const a of s.args) vals.push(await this.eval(a));
          text = this.sprintf(vals);
        } else {
          const parts: string[] = [];
          for (const a of s.args) parts.push(this.outStr(await this.eval(a)));
          text =
            (s.args.length === 0 ? this.record : parts.join(this.str(this.getScalar('OFS')))) +
            this.str(this.getScalar('ORS'));
        }
        if (s.redir) this.writeTo(s.redir.op, this.str(await this.eval(s.redir.dest)), text);
        else {
          this.out += text;
          if (this.out.length > 8192) await this.flush();
        }
        return;
      }
      case 'if':
        if (this.truthy(await this.eval(s.c))) await this.exec(s.a);
        else if (s.b) await this.exec(s.b);
        return;
      case 'while':
        while (this.truthy(await this.eval(s.c))) {
          await this.tick();
          if (await this.loopBody(s.body)) break;
        }
        return;
      case 'do':
        do {
          await this.tick();
          if (await this.loopBody(s.body)) break;
        } while (this.truthy(await this.eval(s.c)));
        return;
      case 'for':
        if (s.init) await this.exec(s.init);
        while (s.c === null || this.truthy(await this.eval(s.c))) {
          await this.tick();
          if (await this.loopBody(s.body)) break;
          if (s.step) await this.exec(s.step);
        }
        return;
      case 'forin': {
        const keys = [...this.getArray(s.arr).keys()];
        for (const k of keys) {
          await this.tick();
          this.setScalar(s.v, strnum(k));
          if (await this.loopBody(s.body)) break;
        }
        return;
      }
      case 'block':
        await this.execAll(s.body);
        return;
      case 'next':
        throw new NextSignal();
      case 'nextfile':
        throw new NextFileSignal();
      case 'exit':
        throw new ExitAwk(s.e ? Math.trunc(toNum(await this.eval(s.e))) : 0);
      case 'return':
        throw new ReturnAwk(s.e ? await this.eval(s.e) : UNINIT);
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'delete': {
        const arr = this.getArray(s.name);
        if (s.subs === null) arr.clear();
        else arr.delete(await this.subscript(s.subs));
        return;
      }
    }
  }

  /** Runs a loop body; true when it ended with `break`. */
  private async loopBody(body: Stmt): Promise<boolean> {
    try {
      await this.exec(body);
      return false;
    } catch (e) {
      if (e instanceof BreakSignal) return true;
      if (e instanceof ContinueSignal) return false;
      throw e;
    }
  }

  // -- program --

  async run(operands: string[]): Promise<number> {
    let status = 0;
    const rules = this.parser.rules;
    let exiting: number | null = null;
    try {
      for (const r of rules) if (r.kind === 'begin' && r.body) await this.execAll(r.body);
    } catch (e) {
      if (e instanceof ExitAwk) exiting = e.status;
      else throw e;
    }
    const mains = rules.filter((r) => r.kind === 'main');
    const hasEnd = rules.some((r) => r.kind === 'end');
    if (exiting === null && (mains.length > 0 || hasEnd)) {
      const inputsList = operands.length === 0 ? ['-'] : operands;
      let sawFile = false;
      outer: for (let idx = 0; idx < inputsList.length; idx++) {
        const op = inputsList[idx] as string;
        const assign = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(op);
        if (assign) {
          this.globals.set(assign[1] as string, strnum(unescapeString(assign[2] as string)));
          if (idx === inputsList.length - 1 && !sawFile) inputsList.push('-');
          continue;
        }
        sawFile = true;
        let reader: Reader;
        if (op === '-' || op === '/dev/stdin') reader = this.ctx.stdin;
        else {
          try {
            reader = stringReader(this.ctx.fs.readFile(resolvePath(this.ctx.cwd, op)));
          } catch (e) {
            await this.flush();
            await this.ctx.stderr.write(`awk: cannot open "${op}" (${(e as Error).message})\n`);
            status = 2;
            continue;
          }
        }
        this.mainReader = reader;
        this.globals.set('FILENAME', op === '-' ? '' : op);
        this.globals.set('FNR', 0);
        for (;;) {
          const rec = await this.readRecord(reader);
          if (rec === null) break;
          this.globals.set('NR', toNum(this.getScalar('NR')) + 1);
          this.globals.set('FNR', toNum(this.getScalar('FNR')) + 1);
          this.setRecord(rec);
          try {
            for (const r of mains) await this.runRule(r);
          } catch (e) {
            if (e instanceof NextSignal) continue;
            if (e instanceof NextFileSignal) break;
            if (e instanceof ExitAwk) {
              exiting = e.status;
              break outer;
            }
            throw e;
          }
          if (this.out.length > 0) await this.flush();
          if (this.ctx.signal.aborted) {
            exiting = 130;
            break outer;
          }
        }
      }
    }
    try {
      for (const r of rules) if (r.kind === 'end' && r.body) await this.execAll(r.body);
    } catch (e) {
      if (e instanceof ExitAwk) exiting = e.status;
      else throw e;
    }
    await this.finish();
    return exiting ?? status;
  }

  private async readRecord(reader: Reader): Promise<string | null> {
    const rs = this.str(this.getScalar('RS'));
    if (rs === '\n') return (await reader.readLine())?.line ?? null;
    if (rs === '') {
      const lines: string[] = [];
      for (;;) {
        const got = await reader.readLine();
        if (got === null) break;
        if (got.line === '') {
          if (lines.length === 0) continue;
          break;
        }
        lines.push(got.line);
      }
      return lines.length === 0 ? null : lines.join('\n');
    }
    let acc = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk === null) return acc === '' ? null : acc.replace(/\n$/, '');
      acc += chunk;
      const at = rs.length === 1 ? acc.indexOf(rs) : acc.search(this.regex(rs));
      if (at >= 0) {
        const m = rs.length === 1 ? rs : (acc.slice(at).match(this.regex(rs))?.[0] ?? rs);
        reader.unread(acc.slice(at + m.length));
        return acc.slice(0, at);
      }
    }
  }

  private async runRule(r: Rule): Promise<void> {
    await this.tick();
    let hit: boolean;
    if (r.pattern === null) hit = true;
    else if (r.pattern2 === null) hit = this.truthy(await this.eval(r.pattern));
    else if (r.inRange) {
      hit = true;
      if (this.truthy(await this.eval(r.pattern2))) r.inRange = false;
    } else if (this.truthy(await this.eval(r.pattern))) {
      hit = true;
      r.inRange = !this.truthy(await this.eval(r.pattern2));
    } else hit = false;
    if (!hit) return;
    if (r.body === null) {
      this.out += this.record + this.str(this.getScalar('ORS'));
      return;
    }
    await this.execAll(r.body);
  }
}

function arith(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      if (b === 0) throw new AwkRuntimeError('division by zero');
      return a / b;
    case '%':
      if (b === 0) throw new AwkRuntimeError('division by zero in %');
      return a % b;
    case '^':
      return a ** b;
  }
  return 0;
}

export const awk: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  let program: string | null = null;
  let fs: string | null = null;
  const assigns: [string, string][] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      i++;
      break;
    }
    if (a === '-F') fs = args[++i] ?? ' ';
    else if (a.startsWith('-F')) fs = a.slice(2);
    else if (a === '-v' || a.startsWith('-v')) {
      const spec = a === '-v' ? (args[++i] ?? '') : a.slice(2);
      const eq = spec.indexOf('=');
      if (eq < 1) {
        await ctx.stderr.write(`awk: invalid -v argument: ${spec}\n`);
        return 2;
      }
      assigns.push([spec.slice(0, eq), spec.slice(eq + 1)]);
    } else if (a === '-f') {
      const file = args[++i] ?? '';
      try {
        program = `${program ?? ''}${ctx.fs.readFile(resolvePath(ctx.cwd, file))}\n`;
      } catch (e) {
        await ctx.stderr.write(`awk: can't open file ${file}: ${(e as Error).message}\n`);
        return 2;
      }
    } else if (a.startsWith('-') && a !== '-') {
      await ctx.stderr.write(`awk: not an option: ${a}\n`);
      return 2;
    } else break;
  }
  if (program === null) {
    program = args[i++] ?? null;
    if (program === null) {
      await ctx.stderr.write('usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n');
      return 2;
    }
  }
  let parser: AwkParser;
  try {
    parser = new AwkParser(program);
    parser.parse();
  } catch (e) {
    if (!(e instanceof AwkSyntaxError)) throw e;
    await ctx.stderr.write(`awk: ${e.message}\n awk: source line number 1\n`);
    return 2;
  }
  const machine = new AwkMachine(ctx, parser);
  if (fs !== null) machine.setVar('FS', fs === 't' ? '\t' : unescapeString(fs));
  for (const [k, v] of assigns) machine.setVar(k, strnum(unescapeString(v)));
  try {
    return await machine.run(args.slice(i));
  } catch (e) {
    if (!(e instanceof AwkRuntimeError)) throw e;
    await machine.finish();
    await ctx.stderr.write(`awk: ${e.message}\n`);
    return 2;
  }
};
