/** jq: the filter language labs use on kubectl's JSON (paths, iteration, select, pipes, objects). */
import type { Command } from '../types.ts';
import { readAllInputs } from './util.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

type Node =
  | { k: 'identity' }
  | { k: 'recurse' }
  | { k: 'field'; of: Node; name: string; opt: boolean }
  | { k: 'index'; of: Node; idx: Node; opt: boolean }
  | { k: 'slice'; of: Node; from: Node | null; to: Node | null }
  | { k: 'iter'; of: Node; opt: boolean }
  | { k: 'lit'; v: Json }
  | { k: 'str'; parts: (string | Node)[]; format: string | null }
  | { k: 'array'; e: Node | null }
  | { k: 'object'; entries: { key: Node | string; value: Node | null }[] }
  | { k: 'pipe'; l: Node; r: Node }
  | { k: 'comma'; l: Node; r: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'neg'; e: Node }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'var'; name: string }
  | { k: 'as'; src: Node; name: string; body: Node }
  | { k: 'if'; c: Node; a: Node; b: Node | null }
  | { k: 'reduce'; src: Node; name: string; init: Node; update: Node }
  | { k: 'try'; body: Node; handler: Node | null }
  | { k: 'format'; name: string }
  | { k: 'def'; name: string; params: string[]; body: Node; rest: Node };

class JqError extends Error {}

type Tok =
  | { t: 'num'; v: number }
  | { t: 'str'; parts: (string | Node)[] }
  | { t: 'ident'; v: string }
  | { t: 'field'; v: string }
  | { t: 'var'; v: string }
  | { t: 'format'; v: string }
  | { t: 'op'; v: string }
  | { t: 'eof' };

const OPS = [
  '?//',
  '|=',
  '+=',
  '-=',
  '*=',
  '/=',
  '//=',
  '==',
  '!=',
  '<=',
  '>=',
  '//',
  '..',
  '|',
  ',',
  '.',
  '[',
  ']',
  '(',
  ')',
  '{',
  '}',
  ':',
  ';',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '?',
  '=',
];

function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (c === '"') {
      const parts: (string | Node)[] = [];
      let s = '';
      i++;
      while (i < src.length && src[i] !== '"') {
        if (src[i] === '\\') {
          const n = src[i + 1] as string;
          if (n === '(') {
            let depth = 1;
            let j = i + 2;
            while (j < src.length && depth > 0) {
              if (src[j] === '(') depth++;
              else if (src[j] === ')') depth--;
              j++;
            }
            if (s) parts.push(s);
            s = '';
            parts.push(parse(src.slice(i + 2, j - 1)));
            i = j;
            continue;
          }
          const map: Record<string, string> = {
            n: '\n',
            t: '\t',
            r: '\r',
            b: '\b',
            f: '\f',
            '"': '"',
            '\\': '\\',
            '/': '/',
          };
          if (n === 'u') {
            s += String.fromCharCode(Number.parseInt(src.slice(i + 2, i + 6), 16));
            i += 6;
            continue;
          }
          s += map[n] ?? n;
          i += 2;
          continue;
        }
        s += src[i++];
      }
      if (i >= src.length) throw new JqError('unterminated string');
      i++;
      if (s || parts.length === 0) parts.push(s);
      toks.push({ t: 'str', parts });
      continue;
    }
    const num = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(src.slice(i));
    if (num && (c !== '.' || /^\.\d/.test(src.slice(i)))) {
      toks.push({ t: 'num', v: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (c === '.' && /[A-Za-z_]/.test(src[i + 1] ?? '')) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i + 1)) as RegExpExecArray;
      toks.push({ t: 'field', v: m[0] });
      i += 1 + m[0].length;
      continue;
    }
    if (c === '$') {
      const m = /^\$(__loc__|[A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(i));
      if (!m) throw new JqError(`syntax error at '$'`);
      toks.push({ t: 'var', v: m[1] as string });
      i += m[0].length;
      continue;
    }
    if (c === '@') {
      const m = /^@([A-Za-z0-9]+)/.exec(src.slice(i));
      if (!m) throw new JqError(`syntax error at '@'`);
      toks.push({ t: 'format', v: m[1] as string });
      i += m[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*(::[A-Za-z_][A-Za-z0-9_]*)*/.exec(src.slice(i));
    if (id) {
      toks.push({ t: 'ident', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new JqError(`syntax error: unexpected '${c}'`);
    toks.push({ t: 'op', v: op });
    i += op.length;
  }
  toks.push({ t: 'eof' });
  return toks;
}

class Parser {
  private i = 0;
  private readonly toks: Tok[];
  constructor(src: string) {
    this.toks = lex(src);
  }
  private peek(): Tok {
    return this.toks[this.i] as Tok;
  }
  private isOp(v: string): boolean {
    const t = this.peek();
    return t.t === 'op' && t.v === v;
  }
  private isIdent(v: string): boolean {
    const t = this.peek();
    return t.t === 'ident' && t.v === v;
  }
  private expect(v: string): void {
    if (!this.isOp(v) && !this.isIdent(v)) {
      const t = this.peek();
      throw new JqError(
        `syntax error: expected '${v}' but got ${t.t === 'eof' ? 'end of input' : 'v' in t ? `'${t.v}'` : t.t}`,
      );
    }
    this.i++;
  }
  parseAll(): Node {
    const n = this.pipe();
    if (this.peek().t !== 'eof') throw new JqError(`syntax error: unexpected token ${JSON.stringify(this.peek())}`);
    return n;
  }
  pipe(): Node {
    if (this.isIdent('def')) {
      this.i++;
      const name = (this.peek() as { v: string }).v;
      this.i++;
      const params: string[] = [];
      if (this.isOp('(')) {
        this.i++;
        while (!this.isOp(')')) {
          const t = this.peek();
          params.push('v' in t ? String(t.v) : '');
          this.i++;
          if (this.isOp(';')) this.i++;
        }
        this.i++;
      }
      this.expect(':');
      const body = this.pipe();
      this.expect(';');
      return { k: 'def', name, params, body, rest: this.pipe() };
    }
    let l = this.comma();
    if (this.isIdent('as')) {
      this.i++;
      const v = this.peek();
      if (v.t !== 'var') throw new JqError('syntax error: expected $name after as');
      this.i++;
      this.expect('|');
      return { k: 'as', src: l, name: v.v, body: this.pipe() };
    }
    while (this.isOp('|')) {
      this.i++;
      l = { k: 'pipe', l, r: this.pipe() };
    }
    return l;
  }
  private comma(): Node {
    let l = this.alt();
    while (this.isOp(',')) {
      this.i++;
      l = { k: 'comma', l, r: this.alt() };
    }
    return l;
  }
  private alt(): Node {
    const l = this.assign();
    if (this.isOp('//')) {
      this.i++;
      return { k: 'bin', op: '//', l, r: this.alt() };
    }
    return l;
  }
  private assign(): Node {
    const l = this.or();
    for (const op of ['|=', '=', '+=', '-=', '*=', '/=', '//=']) {
      if (this.isOp(op)) {
        this.i++;
        return { k: 'bin', op, l, r: this.alt() };
      }
    }
    return l;
  }
  private or(): Node {
    let l = this.and();
    while (this.isIdent('or')) {
      this.i++;
      l = { k: 'bin', op: 'or', l, r: this.and() };
    }
    return l;
  }
  private and(): Node {
    let l = this.compare();
    while (this.isIdent('and')) {
      this.i++;
      l = { k: 'bin', op: 'and', l, r: this.compare() };
    }
    return l;
  }
  private compare(): Node {
    const l = this.additive();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (this.isOp(op)) {
        this.i++;
        return { k: 'bin', op, l, r: this.additive() };
      }
    }
    return l;
  }
  private additive(): Node {
    let l = this.multiplicative();
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      l = { k: 'bin', op, l, r: this.multiplicative() };
    }
    return l;
  }
  private multiplicative(): Node {
    let l = this.unary();
    while (this.isOp('*') || this.isOp('/') || this.isOp('%')) {
      const op = (this.peek() as { v: string }).v;
      this.i++;
      l = { k: 'bin', op, l, r: this.unary() };
    }
    return l;
  }
  private unary(): Node {
    if (this.isOp('-')) {
      this.i++;
      return { k: 'neg', e: this.postfix() };
    }
    return this.postfix();
  }
  private postfix(): Node {
    let n = this.primary();
    for (;;) {
      const t = this.peek();
      if (t.t === 'field') {
        this.i++;
        n = { k: 'field', of: n, name: t.v, opt: this.optional() };
      } else if (t.t === 'op' && t.v === '.' && this.toks[this.i + 1]?.t === 'str') {
        this.i++;
        const s = this.peek() as { parts: (string | Node)[] };
        this.i++;
        n = { k: 'field', of: n, name: String(s.parts[0] ?? ''), opt: this.optional() };
      } else if (
        t.t === 'op' &&
        (t.v === '[' ||
          (t.v === '.' && this.toks[this.i + 1]?.t === 'op' && (this.toks[this.i + 1] as { v: string }).v === '['))
      ) {
        if (t.v === '.') this.i++;
        n = this.bracket(n);
      } else if (t.t === 'op' && t.v === '?') {
        this.i++;
        n = { k: 'try', body: n, handler: null };
      } else return n;
    }
  }
  private optional(): boolean {
    if (this.isOp('?')) {
      this.i++;
      return true;
    }
    return false;
  }
  private bracket(of: Node): Node {
    this.expect('[');
    if (this.isOp(']')) {
      this.i++;
      return { k: 'iter', of, opt: this.optional() };
    }
    if (this.isOp(':')) {
      this.i++;
      const to = this.pipe();
      this.expect(']');
      return { k: 'slice', of, from: null, to };
    }
    const idx = this.pipe();
    if (this.isOp(':')) {
      this.i++;
      const to = this.isOp(']') ? null : this.pipe();
      this.expect(']');
      return { k: 'slice', of, from: idx, to };
    }
    this.expect(']');
    return { k: 'index', of, idx, opt: this.optional() };
  }
  private primary(): Node {
    const t = this.peek();
    this.i++;
    switch (t.t) {
      case 'num':
        return { k: 'lit', v: t.v };
      case 'str':
        return { k: 'str', parts: t.parts, format: null };
      case 'field':
        return { k: 'field', of: { k: 'identity' }, name: t.v, opt: this.optional() };
      case 'var':
        return { k: 'var', name: t.v };
      case 'format': {
        const s = this.peek();
        if (s.t === 'str') {
          this.i++;
          return { k: 'str', parts: s.parts, format: t.v };
        }
        return { k: 'format', name: t.v };
      }
      case 'ident': {
        if (t.v === 'true' || t.v === 'false') return { k: 'lit', v: t.v === 'true' };
        if (t.v === 'null') return { k: 'lit', v: null };
        if (t.v === 'if') {
          const c = this.pipe();
          this.expect('then');
          const a = this.pipe();
          let b: Node | null = null;
          if (this.isIdent('elif')) {
            (this.toks[this.i] as { v: string }).v = 'if';
            b = this.primary();
            return { k: 'if', c, a, b };
          }
          if (this.isIdent('else')) {
            this.i++;
            b = this.pipe();
          }
          this.expect('end');
          return { k: 'if', c, a, b };
        }
        if (t.v === 'reduce') {
          const src = this.postfix();
          this.expect('as');
          const v = this.peek() as { v: string };
          this.i++;
          this.expect('(');
          const init = this.pipe();
          this.expect(';');
          const update = this.pipe();
          this.expect(')');
          return { k: 'reduce', src, name: v.v, init, update };
        }
        if (t.v === 'try') {
          const body = this.postfix();
          let handler: Node | null = null;
          if (this.isIdent('catch')) {
            this.i++;
            handler = this.postfix();
          }
          return { k: 'try', body, handler };
        }
        if (t.v === 'not') return { k: 'call', name: 'not', args: [] };
        const args: Node[] = [];
        if (this.isOp('(')) {
          this.i++;
          args.push(this.pipe());
          while (this.isOp(';')) {
            this.i++;
            args.push(this.pipe());
          }
          this.expect(')');
        }
        return { k: 'call', name: t.v, args };
      }
      case 'op':
        if (t.v === '.') {
          if (this.peek().t === 'str') {
            const s = this.peek() as { parts: (string | Node)[] };
            this.i++;
            return { k: 'field', of: { k: 'identity' }, name: String(s.parts[0] ?? ''), opt: this.optional() };
          }
          if (this.isOp('[')) return this.bracket({ k: 'identity' });
          return { k: 'identity' };
        }
        if (t.v === '..') return { k: 'recurse' };
        if (t.v === '(') {
          const e = this.pipe();
          this.expect(')');
          return e;
        }
        if (t.v === '[') {
          if (this.isOp(']')) {
            this.i++;
            return { k: 'array', e: null };
          }
          const e = this.pipe();
          this.expect(']');
          return { k: 'array', e };
        }
        if (t.v === '{') return this.object();
        break;
    }
    throw new JqError(`syntax error: unexpected ${t.t === 'eof' ? 'end of input' : `'${t.v}'`}`);
  }
  private object(): Node {
    const entries: { key: Node | string; value: Node | null }[] = [];
    while (!this.isOp('}')) {
      const t = this.peek();
      this.i++;
      let key: Node | string;
      if (t.t === 'ident') key = t.v;
      else if (t.t === 'str')
        key =
          t.parts.length === 1 && typeof t.parts[0] === 'string'
            ? t.parts[0]
            : { k: 'str', parts: t.parts, format: null };
      else if (t.t === 'var') {
        entries.push({ key: t.v, value: { k: 'var', name: t.v } });
        if (this.isOp(',')) this.i++;
        continue;
      } else if (t.t === 'op' && t.v === '(') {
        key = this.pipe();
        this.expect(')');
      } else throw new JqError('syntax error in object construction');
      let value: Node | null = null;
      if (this.isOp(':')) {
        this.i++;
        value = this.objectValue();
      }
      entries.push({ key, value });
      if (this.isOp(',')) this.i++;
      else if (!this.isOp('}')) throw new JqError("syntax error: expected ',' or '}' in object");
    }
    this.i++;
    return { k: 'object', entries };
  }
  private objectValue(): Node {
    let l = this.alt();
    while (this.isOp('|')) {
      this.i++;
      l = { k: 'pipe', l, r: this.alt() };
    }
    return l;
  }
}

function parse(src: string): Node {
  return new Parser(src).pipe();
}

// ---- evaluation --------------------------------------------------------------------------------

function typeOf(v: Json): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

function describeValue(v: Json): string {
  const s = JSON.stringify(v);
  return `${typeOf(v)} (${s.length > 11 ? `${s.slice(0, 10)}...` : s})`;
}

const ORDER = ['null', 'boolean', 'number', 'string', 'array', 'object'];

function compareJson(a: Json, b: Json): number {
  const ta = ORDER.indexOf(typeOf(a));
  const tb = ORDER.indexOf(typeOf(b));
  if (ta !== tb) return ta - tb;
  if (typeof a === 'boolean' || typeof a === 'number') return Number(a) - Number(b);
  if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (Array.isArray(a)) {
    const bb = b as Json[];
    for (let i = 0; i < Math.min(a.length, bb.length); i++) {
      const c = compareJson(a[i] as Json, bb[i] as Json);
      if (c !== 0) return c;
    }
    return a.length - bb.length;
  }
  if (a === null) return 0;
  const ao = a as Record<string, Json>;
  const bo = b as Record<string, Json>;
  const ka = Object.keys(ao).sort();
  const kb = Object.keys(bo).sort();
  const kc = compareJson(ka, kb);
  if (kc !== 0) return kc;
  for (const k of ka) {
    const c = compareJson(ao[k] as Json, bo[k] as Json);
    if (c !== 0) return c;
  }
  return 0;
}

function truthy(v: Json): boolean {
  return v !== null && v !== false;
}

function tostring(v: Json): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

interface Env {
  vars: Map<string, Json>;
  funcs: Map<string, { params: string[]; body: Node; env: Env }>;
}

function formatValue(name: string, v: Json): string {
  switch (name) {
    case 'text':
      return tostring(v);
    case 'json':
      return JSON.stringify(v);
    case 'csv':
    case 'tsv': {
      if (!Array.isArray(v)) throw new JqError(`${describeValue(v)} cannot be ${name}-formatted, only an array can be`);
      return v
        .map((x) => {
          if (typeof x === 'string')
            return name === 'csv'
              ? `"${x.replace(/"/g, '""')}"`
              : x.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
          return x === null ? '' : tostring(x);
        })
        .join(name === 'csv' ? ',' : '\t');
    }
    case 'base64': {
      let bin = '';
      for (const b of new TextEncoder().encode(tostring(v))) bin += String.fromCharCode(b);
      return btoa(bin);
    }
    case 'base64d':
      return new TextDecoder().decode(Uint8Array.from(atob(tostring(v)), (c) => c.charCodeAt(0)));
    case 'uri':
      return encodeURIComponent(tostring(v));
    case 'html':
      return tostring(v).replace(
        /[<>&'"]/g,
        (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": '#39', '"': 'quot' }[c]};`,
      );
    case 'sh':
      return (Array.isArray(v) ? v : [v])
        .map((x) => (typeof x === 'string' ? `'${x.replace(/'/g, "'\\''")}'` : tostring(x)))
        .join(' ');
  }
  throw new JqError(`${name} is not a valid format`);
}

function getPath(v: Json, path: (string | number)[]): Json {
  let cur: Json = v;
  for (const p of path) {
    if (cur === null) return null;
    cur = (cur as Record<string, Json>)[p as string] ?? null;
  }
  return cur;
}

function setPath(v: Json, path: (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (typeof head === 'number') {
    const arr = Array.isArray(v) ? [...v] : [];
    arr[head] = setPath(arr[head] ?? null, rest, value);
    for (let i = 0; i < arr.length; i++) if (arr[i] === undefined) arr[i] = null;
    return arr;
  }
  const obj = v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...v } : {};
  obj[head] = setPath(obj[head] ?? null, rest, value);
  return obj;
}

class Evaluator {
  private readonly env0: Env;
  constructor(vars: Map<string, Json>) {
    this.env0 = { vars, funcs: new Map() };
  }

  run(n: Node, input: Json): Json[] {
    return this.ev(n, input, this.env0);
  }

  /** The paths a filter selects, for assignment operators. */
  private paths(n: Node, input: Json, env: Env): (string | number)[][] {
    switch (n.k) {
      case 'identity':
        return [[]];
      case 'field':
        return this.paths(n.of, input, env).map((p) => [...p, n.name]);
      case 'index':
        return this.paths(n.of, input, env).flatMap((p) =>
          this.ev(n.idx, input, env).map((i) => [...p, i as string | number]),
        );
      case 'iter':
        return this.paths(n.of, input, env).flatMap((p) => {
          const v = getPath(input, p);
          if (Array.isArray(v)) return v.map((_, i) => [...p, i]);
          if (v !== null && typeof v === 'object') return Object.keys(v).map((k) => [...p, k]);
          return [];
        });
      case 'pipe':
        return this.paths(n.l, input, env).flatMap((p) =>
          this.paths(n.r, getPath(input, p), env).map((q) => [...p, ...q]),
        );
      case 'call':
        if (n.name === 'select') {
          return truthy(this.ev(n.args[0] as Node, input, env)[0] ?? null) ? [[]] : [];
        }
        break;
    }
    throw new JqError('Invalid path expression');
  }

  private ev(n: Node, input: Json, env: Env): Json[] {
    switch (n.k) {
      case 'identity':
        return [input];
      case 'recurse': {
        const out: Json[] = [];
        const walk = (v: Json) => {
          out.push(v);
          if (Array.isArray(v)) v.forEach(walk);
          else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
        };
        walk(input);
        return out;
      }
      case 'lit':
        return [n.v];
      case 'str': {
        let results = [''];
        for (const p of n.parts) {
          if (typeof p === 'string') results = results.map((r) => r + p);
          else {
            const vals = this.ev(p, input, env).map((v) => (n.format ? formatValue(n.format, v) : tostring(v)));
            results = results.flatMap((r) => vals.map((v) => r + v));
          }
        }
        return results;
      }
      case 'format':
        return [formatValue(n.name, input)];
      case 'field':
        return this.ev(n.of, input, env).flatMap((v) => {
          if (v === null) return [null];
          if (typeof v !== 'object' || Array.isArray(v)) {
            if (n.opt) return [];
            throw new JqError(`Cannot index ${typeOf(v)} with "${n.name}"`);
          }
          return [v[n.name] ?? null];
        });
      case 'index':
        return this.ev(n.of, input, env).flatMap((v) =>
          this.ev(n.idx, input, env).flatMap((i): Json[] => {
            if (v === null) return [null];
            if (typeof i === 'number' && Array.isArray(v)) {
              const k = i < 0 ? v.length + Math.floor(i) : Math.floor(i);
              return [v[k] ?? null];
            }
            if (typeof i === 'string' && typeof v === 'object' && !Array.isArray(v)) return [v[i] ?? null];
            if (n.opt) return [];
            throw new JqError(`Cannot index ${typeOf(v)} with ${typeOf(i)}`);
          }),
        );
      case 'slice':
        return this.ev(n.of, input, env).map((v) => {
          if (v === null) return null;
          if (!Array.isArray(v) && typeof v !== 'string') throw new JqError(`Cannot index ${typeOf(v)} with object`);
          const from = n.from ? Number(this.ev(n.from, input, env)[0]) : 0;
          const to = n.to ? Number(this.ev(n.to, input, env)[0]) : v.length;
          return v.slice(from, to) as Json;
        });
      case 'iter':
        return this.ev(n.of, input, env).flatMap((v) => {
          if (Array.isArray(v)) return v;
          if (v !== null && typeof v === 'object') return Object.values(v);
          if (n.opt) return [];
          throw new JqError(`Cannot iterate over ${v === null ? 'null' : describeValue(v)}`);
        });
      case 'array':
        return [n.e ? this.ev(n.e, input, env) : []];
      case 'object': {
        let results: Record<string, Json>[] = [{}];
        for (const e of n.entries) {
          const keys = typeof e.key === 'string' ? [e.key] : this.ev(e.key, input, env);
          const next: Record<string, Json>[] = [];
          for (const key of keys) {
            if (typeof key !== 'string') throw new JqError(`Object keys must be strings`);
            const values = e.value
              ? this.ev(e.value, input, env)
              : [typeof e.key === 'string' ? ((input as Record<string, Json>)?.[key] ?? null) : null];
            for (const r of results) for (const v of values) next.push({ ...r, [key]: v });
          }
          results = next;
        }
        return results;
      }
      case 'pipe':
        return this.ev(n.l, input, env).flatMap((v) => this.ev(n.r, v, env));
      case 'comma':
        return [...this.ev(n.l, input, env), ...this.ev(n.r, input, env)];
      case 'neg':
        return this.ev(n.e, input, env).map((v) => {
          if (typeof v !== 'number') throw new JqError(`${describeValue(v)} cannot be negated`);
          return -v;
        });
      case 'var': {
        if (n.name === 'ENV' || n.name === '__prog_env') return [env.vars.get('ENV') ?? {}];
        if (!env.vars.has(n.name)) throw new JqError(`$${n.name} is not defined`);
        return [env.vars.get(n.name) as Json];
      }
      case 'as':
        return this.ev(n.src, input, env).flatMap((v) =>
          this.ev(n.body, input, { ...env, vars: new Map(env.vars).set(n.name, v) }),
        );
      case 'if':
        return this.ev(n.c, input, env).flatMap((c) =>
          truthy(c) ? this.ev(n.a, input, env) : n.b ? this.ev(n.b, input, env) : [input],
        );
      case 'reduce': {
        let acc = this.ev(n.init, input, env);
        for (const v of this.ev(n.src, input, env)) {
          const e2 = { ...env, vars: new Map(env.vars).set(n.name, v) };
          acc = acc.flatMap((a) => this.ev(n.update, a, e2));
        }
        return acc;
      }
      case 'try':
        try {
          return this.ev(n.body, input, env);
        } catch (e) {
          if (!(e instanceof JqError)) throw e;
          return n.handler ? this.ev(n.handler, e.message, env) : [];
        }
      case 'def': {
        const funcs = new Map(env.funcs);
        const e2: Env = { ...env, funcs };
        funcs.set(`${n.name}/${n.params.length}`, { params: n.params, body: n.body, env: e2 });
        return this.ev(n.rest, input, e2);
      }
      case 'bin':
        return this.binary(n, input, env);
      case 'call':
        return this.call(n.name, n.args, input, env);
    }
  }

  private binary(n: Extract<Node, { k: 'bin' }>, input: Json, env: Env): Json[] {
    if (n.op === 'and' || n.op === 'or') {
      return this.ev(n.l, input, env).flatMap((l) => {
        if (n.op === 'and' && !truthy(l)) return [false];
        if (n.op === 'or' && truthy(l)) return [true];
        return this.ev(n.r, input, env).map(truthy);
      });
    }
    if (n.op === '//') {
      const left = (() => {
        try {
          return this.ev(n.l, input, env).filter(truthy);
        } catch (e) {
          if (e instanceof JqError) return [];
          throw e;
        }
      })();
      return left.length > 0 ? left : this.ev(n.r, input, env);
    }
    if (
      n.op === '|=' ||
      n.op === '=' ||
      (n.op.endsWith('=') && n.op.length > 1 && !['==', '!=', '<=', '>='].includes(n.op))
    ) {
      const paths = this.paths(n.l, input, env);
      if (n.op === '=') {
        return this.ev(n.r, input, env).map((v) => paths.reduce<Json>((acc, p) => setPath(acc, p, v), input));
      }
      let out = input;
      for (const p of paths) {
        const cur = getPath(out, p);
        const nv =
          n.op === '|='
            ? (this.ev(n.r, cur, env)[0] ?? null)
            : this.arith(n.op.slice(0, -1), cur, this.ev(n.r, input, env)[0] ?? null);
        out = setPath(out, p, nv);
      }
      return [out];
    }
    const rs = this.ev(n.r, input, env);
    return this.ev(n.l, input, env).flatMap((l) => rs.map((r) => this.arith(n.op, l, r)));
  }

  private arith(op: string, l: Json, r: Json): Json {
    switch (op) {
      case '==':
        return compareJson(l, r) === 0;
      case '!=':
        return compareJson(l, r) !== 0;
      case '<':
        return compareJson(l, r) < 0;
      case '<=':
        return compareJson(l, r) <= 0;
      case '>':
        return compareJson(l, r) > 0;
      case '>=':
        return compareJson(l, r) >= 0;
      case '+':
        if (l === null) return r;
        if (r === null) return l;
        if (typeof l === 'number' && typeof r === 'number') return l + r;
        if (typeof l === 'string' && typeof r === 'string') return l + r;
        if (Array.isArray(l) && Array.isArray(r)) return [...l, ...r];
        if (typeof l === 'object' && typeof r === 'object' && !Array.isArray(l) && !Array.isArray(r))
          return { ...l, ...r };
        break;
      case '-':
        if (typeof l === 'number' && typeof r === 'number') return l - r;
        if (Array.isArray(l) && Array.isArray(r)) return l.filter((x) => !r.some((y) => compareJson(x, y) === 0));
        break;
      case '*':
        if (typeof l === 'number' && typeof r === 'number') return l * r;
        if (typeof l === 'string' && typeof r === 'number') return r > 0 ? l.repeat(r) : null;
        if (l && r && typeof l === 'object' && typeof r === 'object' && !Array.isArray(l) && !Array.isArray(r))
          return { ...l, ...r };
        break;
      case '/':
        if (typeof l === 'number' && typeof r === 'number') {
          if (r === 0)
            throw new JqError(
              `${describeValue(l)} and ${describeValue(r)} cannot be divided because the divisor is zero`,
            );
          return l / r;
        }
        if (typeof l === 'string' && typeof r === 'string') return l.split(r);
        break;
      case '%':
        if (typeof l === 'number' && typeof r === 'number') {
          if (Math.trunc(r) === 0)
            throw new JqError(
              `${describeValue(l)} and ${describeValue(r)} cannot be divided because the divisor is zero`,
            );
          return Math.trunc(l) % Math.trunc(r);
        }
        break;
    }
    const verb =
      { '+': 'added', '-': 'subtracted', '*': 'multiplied', '/': 'divided', '%': 'divided' }[op] ?? 'combined';
    throw new JqError(`${describeValue(l)} and ${describeValue(r)} cannot be ${verb}`);
  }

  private call(name: string, args: Node[], input: Json, env: Env): Json[] {
    const user = env.funcs.get(`${name}/${args.length}`);
    if (user) {
      const funcs = new Map(user.env.funcs);
      user.params.forEach((p, i) => {
        const argNode = args[i] as Node;
        funcs.set(`${p.replace(/^\$/, '')}/0`, { params: [], body: argNode, env });
      });
      funcs.set(`${name}/${args.length}`, user);
      const vars = new Map(user.env.vars);
      for (const p of user.params.filter((x) => x.startsWith('$'))) {
        vars.set(p.slice(1), this.ev(args[user.params.indexOf(p)] as Node, input, env)[0] ?? null);
      }
      return this.ev(user.body, input, { vars, funcs });
    }
    const arg = (i: number, v: Json = input) => this.ev(args[i] as Node, v, env);
    const one = (i: number, v: Json = input) => arg(i, v)[0] ?? null;
    const need = (t: string) => {
      if (typeOf(input) !== t && !(t === 'iterable' && (Array.isArray(input) || typeOf(input) === 'object'))) {
        throw new JqError(`${describeValue(input)} has no ${name}`);
      }
    };
    switch (name) {
      case 'empty':
        return [];
      case 'not':
        return [!truthy(input)];
      case 'error':
        throw new JqError(args.length ? tostring(one(0)) : tostring(input));
      case 'length':
        if (input === null) return [0];
        if (typeof input === 'number') return [Math.abs(input)];
        if (typeof input === 'string') return [[...input].length];
        if (Array.isArray(input)) return [input.length];
        if (typeof input === 'object') return [Object.keys(input).length];
        throw new JqError(`${describeValue(input)} has no length`);
      case 'keys':
      case 'keys_unsorted':
        if (Array.isArray(input)) return [input.map((_, i) => i)];
        if (input !== null && typeof input === 'object')
          return [name === 'keys' ? Object.keys(input).sort() : Object.keys(input)];
        throw new JqError(`${describeValue(input)} has no keys`);
      case 'values':
        return truthy(input) || input === false ? (input === null ? [] : [input]) : [];
      case 'has': {
        const k = one(0);
        if (Array.isArray(input)) return [typeof k === 'number' && k >= 0 && k < input.length];
        if (input !== null && typeof input === 'object') return [typeof k === 'string' && k in input];
        throw new JqError(`Cannot check whether ${typeOf(input)} has a ${typeOf(k)} key`);
      }
      case 'in':
        return arg(0).map((o) =>
          Array.isArray(o)
            ? typeof input === 'number' && input < o.length
            : o !== null && typeof o === 'object' && typeof input === 'string' && input in o,
        );
      case 'select':
        return arg(0).some(truthy) ? [input] : [];
      case 'map':
        need('iterable');
        return [(Array.isArray(input) ? input : Object.values(input as object)).flatMap((v) => arg(0, v))];
      case 'map_values': {
        if (Array.isArray(input)) return [input.map((v) => arg(0, v)[0] ?? null)];
        const out: Record<string, Json> = {};
        for (const [k, v] of Object.entries(input as Record<string, Json>)) {
          const r = arg(0, v);
          if (r.length > 0) out[k] = r[0] as Json;
        }
        return [out];
      }
      case 'to_entries':
        need('object');
        return [Object.entries(input as Record<string, Json>).map(([key, value]) => ({ key, value }))];
      case 'from_entries': {
        const out: Record<string, Json> = {};
        for (const e of input as Record<string, Json>[]) {
          const k = e.key ?? e.k ?? e.name ?? e.Name ?? e.Key ?? e.K;
          out[typeof k === 'string' ? k : JSON.stringify(k)] = e.value ?? e.v ?? e.Value ?? e.V ?? null;
        }
        return [out];
      }
      case 'with_entries':
        return this.ev(parse(`to_entries | map(__f) | from_entries`), input, {
          ...env,
          funcs: new Map(env.funcs).set('__f/0', { params: [], body: args[0] as Node, env }),
        });
      case 'add':
        if (!Array.isArray(input)) {
          if (input !== null && typeof input === 'object')
            return [Object.values(input).reduce<Json>((a, b) => this.arith('+', a, b), null)];
          throw new JqError(`Cannot iterate over ${describeValue(input)}`);
        }
        return [input.reduce<Json>((a, b) => this.arith('+', a, b), null)];
      case 'any':
        return [
          (args.length ? (input as Json[]).map((v) => truthy(one(0, v))) : (input as Json[]).map(truthy)).some(Boolean),
        ];
      case 'all':
        return [
          (args.length ? (input as Json[]).map((v) => truthy(one(0, v))) : (input as Json[]).map(truthy)).every(
            Boolean,
          ),
        ];
      case 'range': {
        const nums = args.map((_, i) => Number(one(i)));
        const [from, to, step] =
          nums.length === 1 ? [0, nums[0] as number, 1] : [nums[0] as number, nums[1] as number, nums[2] ?? 1];
        const out: number[] = [];
        for (let v = from; step > 0 ? v < to : v > to; v += step) out.push(v);
        return out;
      }
      case 'first':
        return args.length ? arg(0).slice(0, 1) : [(input as Json[])[0] ?? null];
      case 'last':
        return args.length ? arg(0).slice(-1) : [(input as Json[])[(input as Json[]).length - 1] ?? null];
      case 'limit': {
        const n = Number(one(0));
        return arg(1).slice(0, Math.max(0, n));
      }
      case 'nth':
        return args.length > 1
          ? arg(1).slice(Number(one(0)), Number(one(0)) + 1)
          : [(input as Json[])[Number(one(0))] ?? null];
      case 'reverse':
        if (typeof input === 'string') return [[...input].reverse().join('')];
        return [input === null ? [] : [...(input as Json[])].reverse()];
      case 'sort':
        need('array');
        return [[...(input as Json[])].sort(compareJson)];
      case 'sort_by':
        need('array');
        return [
          [...(input as Json[])]
            .map((v) => ({ v, k: arg(0, v) }))
            .sort((a, b) => compareJson(a.k, b.k))
            .map((x) => x.v),
        ];
      case 'group_by': {
        need('array');
        const sorted = [...(input as Json[])].map((v) => ({ v, k: arg(0, v) })).sort((a, b) => compareJson(a.k, b.k));
        const groups: Json[][] = [];
        let lastKey: Json | undefined;
        for (const x of sorted) {
          if (lastKey !== undefined && compareJson(lastKey, x.k) === 0) (groups[groups.length - 1] as Json[]).push(x.v);
          else groups.push([x.v]);
          lastKey = x.k;
        }
        return [groups];
      }
      case 'unique':
        return [
          [...(input as Json[])]
            .sort(compareJson)
            .filter((v, i, a) => i === 0 || compareJson(a[i - 1] as Json, v) !== 0),
        ];
      case 'unique_by': {
        const seen: Json[] = [];
        const out: Json[] = [];
        for (const x of [...(input as Json[])]
          .map((v) => ({ v, k: arg(0, v) }))
          .sort((a, b) => compareJson(a.k, b.k))) {
          if (!seen.some((s) => compareJson(s, x.k) === 0)) {
            seen.push(x.k);
            out.push(x.v);
          }
        }
        return [out];
      }
      case 'min':
      case 'max': {
        const arr = [...(input as Json[])].sort(compareJson);
        return [(name === 'min' ? arr[0] : arr[arr.length - 1]) ?? null];
      }
      case 'min_by':
      case 'max_by': {
        const arr = [...(input as Json[])].map((v) => ({ v, k: arg(0, v) })).sort((a, b) => compareJson(a.k, b.k));
        return [(name === 'min_by' ? arr[0] : arr[arr.length - 1])?.v ?? null];
      }
      case 'flatten': {
        const depth = args.length ? Number(one(0)) : 1e9;
        const flat = (a: Json[], d: number): Json[] =>
          a.flatMap((x) => (Array.isArray(x) && d > 0 ? flat(x, d - 1) : [x]));
        return [flat(input as Json[], depth)];
      }
      case 'tostring':
        return [tostring(input)];
      case 'tonumber': {
        if (typeof input === 'number') return [input];
        const v = Number(input);
        if (typeof input !== 'string' || input.trim() === '' || Number.isNaN(v))
          throw new JqError(`Cannot parse '${tostring(input)}' as JSON`);
        return [v];
      }
      case 'tojson':
        return [JSON.stringify(input)];
      case 'fromjson':
        return [JSON.parse(String(input))];
      case 'type':
        return [typeOf(input)];
      case 'join': {
        const sep = String(one(0));
        return [(input as Json[]).map((v) => (v === null ? '' : tostring(v))).join(sep)];
      }
      case 'split':
        return [String(input).split(String(one(0)))];
      case 'ascii_downcase':
        return [String(input).toLowerCase()];
      case 'ascii_upcase':
        return [String(input).toUpperCase()];
      case 'ltrimstr': {
        const p = one(0);
        return [
          typeof input === 'string' && typeof p === 'string' && input.startsWith(p) ? input.slice(p.length) : input,
        ];
      }
      case 'rtrimstr': {
        const p = one(0);
        return [
          typeof input === 'string' && typeof p === 'string' && p !== '' && input.endsWith(p)
            ? input.slice(0, -p.length)
            : input,
        ];
      }
      case 'startswith':
        return [String(input).startsWith(String(one(0)))];
      case 'endswith':
        return [String(input).endsWith(String(one(0)))];
      case 'contains': {
        const b = one(0);
        const contains = (a: Json, c: Json): boolean => {
          if (typeof a === 'string' && typeof c === 'string') return a.includes(c);
          if (Array.isArray(a) && Array.isArray(c)) return c.every((x) => a.some((y) => contains(y, x)));
          if (a && c && typeof a === 'object' && typeof c === 'object' && !Array.isArray(a) && !Array.isArray(c)) {
            return Object.entries(c).every(([k, v]) => k in a && contains(a[k] as Json, v));
          }
          return compareJson(a, c) === 0;
        };
        return [contains(input, b)];
      }
      case 'inside':
        return this.call('contains', [{ k: 'lit', v: input }], one(0), env);
      case 'test':
      case 'match':
      case 'capture': {
        const re = new RegExp(String(one(0)), args.length > 1 ? String(one(1)).replace(/[gx]/g, '') : '');
        const m = re.exec(String(input));
        if (name === 'test') return [m !== null];
        if (!m) return [];
        if (name === 'capture') return [{ ...(m.groups ?? {}) } as Json];
        return [
          {
            offset: m.index,
            length: m[0].length,
            string: m[0],
            captures: m.slice(1).map((s) => ({ string: s ?? null })),
          },
        ];
      }
      case 'sub':
      case 'gsub': {
        const re = new RegExp(String(one(0)), name === 'gsub' ? 'g' : '');
        return [String(input).replace(re, (...m: unknown[]) => tostring(one(1, (m.at(-1) as Json) ?? null)))];
      }
      case 'ascii':
        return [String.fromCharCode(Number(input))];
      case 'explode':
        return [[...String(input)].map((c) => c.codePointAt(0) as number)];
      case 'implode':
        return [String.fromCodePoint(...(input as number[]))];
      case 'floor':
        return [Math.floor(Number(input))];
      case 'ceil':
        return [Math.ceil(Number(input))];
      case 'round':
        return [Math.round(Number(input))];
      case 'sqrt':
        return [Math.sqrt(Number(input))];
      case 'fabs':
      case 'abs':
        return [Math.abs(Number(input))];
      case 'tostream':
      case 'paths': {
        const out: Json[] = [];
        const walk = (v: Json, p: (string | number)[]) => {
          if (p.length > 0) out.push(p);
          if (Array.isArray(v)) {
            v.forEach((x, i) => {
              walk(x, [...p, i]);
            });
          } else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
        };
        walk(input, []);
        return out;
      }
      case 'path':
        return this.paths(args[0] as Node, input, env);
      case 'getpath':
        return [getPath(input, one(0) as (string | number)[])];
      case 'setpath':
        return [setPath(input, one(0) as (string | number)[], one(1))];
      case 'del': {
        const paths = this.paths(args[0] as Node, input, env).sort((a, b) => compareJson(b, a));
        let out = input;
        for (const p of paths) {
          const parent = getPath(out, p.slice(0, -1));
          const key = p[p.length - 1];
          if (Array.isArray(parent))
            out = setPath(
              out,
              p.slice(0, -1),
              parent.filter((_, i) => i !== key),
            );
          else if (parent && typeof parent === 'object') {
            const copy = { ...parent };
            delete copy[key as string];
            out = setPath(out, p.slice(0, -1), copy);
          }
        }
        return [out];
      }
      case 'to_number':
        return this.call('tonumber', [], input, env);
      case 'env':
        return [env.vars.get('ENV') ?? {}];
      case 'input_line_number':
        return [0];
      case 'recurse':
        return this.ev({ k: 'recurse' }, input, env);
      case 'objects':
        return typeOf(input) === 'object' ? [input] : [];
      case 'arrays':
        return Array.isArray(input) ? [input] : [];
      case 'strings':
        return typeof input === 'string' ? [input] : [];
      case 'numbers':
        return typeof input === 'number' ? [input] : [];
      case 'booleans':
        return typeof input === 'boolean' ? [input] : [];
      case 'nulls':
        return input === null ? [input] : [];
      case 'iterables':
        return typeOf(input) === 'object' || Array.isArray(input) ? [input] : [];
      case 'scalars':
        return typeOf(input) !== 'object' && !Array.isArray(input) ? [input] : [];
      case 'isempty':
        return [arg(0).length === 0];
      case 'splits':
        return String(input).split(new RegExp(String(one(0))));
      case 'indices':
      case 'index':
      case 'rindex': {
        const t = one(0);
        const idx: number[] = [];
        if (typeof input === 'string' && typeof t === 'string' && t !== '') {
          for (let i = input.indexOf(t); i >= 0; i = input.indexOf(t, i + 1)) idx.push(i);
        } else if (Array.isArray(input)) {
          input.forEach((v, i) => {
            if (compareJson(v, t) === 0) idx.push(i);
          });
        }
        if (name === 'indices') return [idx];
        return [(name === 'index' ? idx[0] : idx[idx.length - 1]) ?? null];
      }
      case 'now':
        return [0];
    }
    throw new JqError(`${name}/${args.length} is not defined`);
  }
}

/** Splits a text holding several JSON documents into values. */
function parseInputs(text: string): Json[] {
  const out: Json[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i] as string)) i++;
    if (i >= n) break;
    const start = i;
    const c = text[i];
    if (c === '{' || c === '[') {
      let depth = 0;
      let inStr = false;
      for (; i < n; i++) {
        const ch = text[i];
        if (inStr) {
          if (ch === '\\') i++;
          else if (ch === '"') inStr = false;
          continue;
        }
        if (ch === '"') inStr = true;
        else if (ch === '{' || ch === '[') depth++;
        else if (ch === '}' || ch === ']') {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
      }
    } else if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
      i++;
    } else {
      while (i < n && !/[\s{["]/.test(text[i] as string)) i++;
    }
    out.push(JSON.parse(text.slice(start, i)));
  }
  return out;
}

function sortKeys(v: Json): Json {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, Json> = {};
    for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k] as Json);
    return o;
  }
  return v;
}

/** jq's layout: like JSON.stringify, but numbers like 1e1000 and -0 are printed the jq way. */
function render(v: Json, compact: boolean, indent: string): string {
  if (compact) return JSON.stringify(v);
  return JSON.stringify(v, null, indent);
}

export const jq: Command = async (ctx) => {
  const args = ctx.argv.slice(1);
  let raw = false;
  let join = false;
  let compact = false;
  let nullInput = false;
  let slurp = false;
  let exitStatus = false;
  let sort = false;
  let indent = '  ';
  let filter: string | null = null;
  const files: string[] = [];
  const vars = new Map<string, Json>();
  vars.set('ENV', { ...ctx.env });
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--arg') {
      vars.set(args[i + 1] ?? '', args[i + 2] ?? '');
      i += 2;
    } else if (a === '--argjson') {
      try {
        vars.set(args[i + 1] ?? '', JSON.parse(args[i + 2] ?? 'null'));
      } catch {
        await ctx.stderr.write(`jq: Invalid JSON text passed to --argjson\n`);
        return 2;
      }
      i += 2;
    } else if (a === '--tab') indent = '\t';
    else if (a === '--indent') indent = ' '.repeat(Number(args[++i] ?? 2));
    else if (a === '--raw-output') raw = true;
    else if (a === '--compact-output') compact = true;
    else if (a === '--null-input') nullInput = true;
    else if (a === '--slurp') slurp = true;
    else if (a === '--sort-keys') sort = true;
    else if (a === '--join-output') {
      raw = true;
      join = true;
    } else if (a.startsWith('-') && a.length > 1 && !a.startsWith('--')) {
      for (const f of a.slice(1)) {
        if (f === 'r') raw = true;
        else if (f === 'j') {
          raw = true;
          join = true;
        } else if (f === 'c') compact = true;
        else if (f === 'n') nullInput = true;
        else if (f === 's') slurp = true;
        else if (f === 'e') exitStatus = true;
        else if (f === 'S') sort = true;
        else if (f === 'M' || f === 'C' || f === 'a') continue;
        else {
          await ctx.stderr.write(
            `jq: Unknown option: ${a}\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n`,
          );
          return 2;
        }
      }
    } else if (filter === null) filter = a;
    else files.push(a);
  }
  // jq 1.6+: with no filter and its input or output a pipe (`kubectl … | jq`), the filter is `.`.
  // The shell's readers do not say whether they are a terminal, so a missing filter is always `.`.
  if (filter === null) filter = '.';
  let ast: Node;
  try {
    ast = new Parser(filter).parseAll();
  } catch (e) {
    if (!(e instanceof JqError)) throw e;
    await ctx.stderr.write(`jq: error: ${e.message}\njq: 1 compile error\n`);
    return 3;
  }
  const { text, failed } = await readAllInputs(ctx, 'jq', files);
  if (failed) return 2;
  let values: Json[];
  try {
    values = nullInput ? [null] : parseInputs(text);
  } catch (e) {
    await ctx.stderr.write(`parse error: ${(e as Error).message}\n`);
    return 2;
  }
  if (slurp && !nullInput) values = [values];
  const ev = new Evaluator(vars);
  let last: Json | undefined;
  for (const v of values) {
    let results: Json[];
    try {
      results = ev.run(ast, v);
    } catch (e) {
      if (!(e instanceof JqError)) throw e;
      await ctx.stderr.write(`jq: error (at <stdin>:0): ${e.message}\n`);
      return 5;
    }
    let out = '';
    for (const r of results) {
      const val = sort ? sortKeys(r) : r;
      out += raw && typeof val === 'string' ? val : render(val, compact, indent);
      if (!join) out += '\n';
      last = r;
    }
    await ctx.stdout.write(out);
  }
  if (exitStatus) return last === undefined ? 4 : truthy(last) ? 0 : 1;
  return 0;
};
