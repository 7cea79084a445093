/**
 * The part of Go's text/template that `docker inspect -f` and `docker ps --format` users type:
 * field chains (`.NetworkSettings.Networks.kind.IPAddress`), `$`, string and number literals,
 * pipelines, parentheses, `range`/`if`/`with`/`else`/`end`, trim markers, and docker's template
 * functions (json, index, len, join, split, upper, lower, title, println, print, printf, pad,
 * truncate, table). Values print as Go's fmt %v prints them.
 */

export class TemplateError extends Error {}

type Value = unknown;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'action'; pipe: Pipe; assign?: string }
  | { kind: 'range' | 'if' | 'with'; pipe: Pipe; vars: string[]; body: Node[]; otherwise: Node[] };

type Operand =
  | { kind: 'field'; base: 'dot' | 'var'; name?: string; path: string[] }
  | { kind: 'literal'; value: Value }
  | { kind: 'ident'; name: string }
  | { kind: 'group'; pipe: Pipe; path: string[] };

type Command = Operand[];
type Pipe = Command[];

/** Go's %v for the values a decoded JSON document holds. */
export function goString(v: Value): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, Value>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `map[${entries.map(([k, x]) => `${k}:${goString(x)}`).join(' ')}]`;
  }
  return String(v);
}

/** encoding/json's Marshal: compact, with <, > and & escaped as Go does. */
export function goJson(v: Value, indent?: string): string {
  const text = indent === undefined ? JSON.stringify(v) : JSON.stringify(v, null, indent);
  return (text ?? 'null')
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function truthy(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

// ---- lexing and parsing ------------------------------------------------------------------------

interface Token {
  kind: 'field' | 'var' | 'string' | 'number' | 'ident' | 'pipe' | 'lparen' | 'rparen' | 'dot';
  text: string;
}

function lexAction(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === ' ' || c === '\t' || c === '\n') {
      i++;
    } else if (c === '|') {
      out.push({ kind: 'pipe', text: c });
      i++;
    } else if (c === '(') {
      out.push({ kind: 'lparen', text: c });
      i++;
    } else if (c === ')') {
      out.push({ kind: 'rparen', text: c });
      i++;
    } else if (c === '"' || c === '`') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== c) {
        if (c === '"' && src[j] === '\\' && j + 1 < src.length) {
          const e = src[j + 1] as string;
          text += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else text += src[j++];
      }
      if (j >= src.length) throw new TemplateError('unterminated quoted string');
      out.push({ kind: 'string', text });
      i = j + 1;
    } else if (c === '.' || c === '$') {
      const m = /^(\$?[\w]*)((?:\.[\w-]+)*)/.exec(src.slice(i));
      const text = m?.[0] ?? c;
      if (text === '.') out.push({ kind: 'dot', text });
      else out.push({ kind: c === '$' ? 'var' : 'field', text });
      i += Math.max(1, text.length);
    } else if (/[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(src.slice(i));
      if (!m) throw new TemplateError(`bad number syntax: "${src.slice(i)}"`);
      out.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_]\w*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ kind: 'ident', text: m[0] });
      i += m[0].length;
    } else throw new TemplateError(`unexpected "${c}" in command`);
  }
  return out;
}

function parsePipe(tokens: Token[], at: { i: number }, inGroup: boolean): Pipe {
  const pipe: Pipe = [];
  let cmd: Command = [];
  while (at.i < tokens.length) {
    const t = tokens[at.i] as Token;
    if (t.kind === 'rparen') {
      if (!inGroup) throw new TemplateError('unexpected right paren');
      break;
    }
    at.i++;
    if (t.kind === 'pipe') {
      if (cmd.length === 0) throw new TemplateError('missing command');
      pipe.push(cmd);
      cmd = [];
      continue;
    }
    if (t.kind === 'lparen') {
      const inner = parsePipe(tokens, at, true);
      if (tokens[at.i]?.kind !== 'rparen') throw new TemplateError('unclosed left paren');
      at.i++;
      // A field chain straight after the group: (index . 0).Name
      const next = tokens[at.i];
      let path: string[] = [];
      if (next?.kind === 'field' && next.text.startsWith('.')) {
        path = next.text.slice(1).split('.');
        at.i++;
      }
      cmd.push({ kind: 'group', pipe: inner, path });
      continue;
    }
    if (t.kind === 'dot') cmd.push({ kind: 'field', base: 'dot', path: [] });
    else if (t.kind === 'field') cmd.push({ kind: 'field', base: 'dot', path: t.text.slice(1).split('.') });
    else if (t.kind === 'var') {
      const parts = t.text.split('.');
      cmd.push({ kind: 'field', base: 'var', name: parts[0] ?? '$', path: parts.slice(1) });
    } else if (t.kind === 'string') cmd.push({ kind: 'literal', value: t.text });
    else if (t.kind === 'number') cmd.push({ kind: 'literal', value: Number(t.text) });
    else if (t.kind === 'ident') {
      if (t.text === 'true' || t.text === 'false') cmd.push({ kind: 'literal', value: t.text === 'true' });
      else if (t.text === 'nil') cmd.push({ kind: 'literal', value: null });
      else cmd.push({ kind: 'ident', name: t.text });
    }
  }
  if (cmd.length > 0) pipe.push(cmd);
  if (pipe.length === 0) throw new TemplateError('missing value for command');
  return pipe;
}

/** `$k, $v := rest` → the variables declared and the pipeline after them. */
function declarations(text: string): [string[], string] {
  const m = /^\s*(\$\w*)\s*(?:,\s*(\$\w*)\s*)?:=/.exec(text);
  if (!m) return [[], text];
  return [[m[1] as string, ...(m[2] ? [m[2]] : [])], text.slice(m[0].length)];
}

function parse(src: string): Node[] {
  const root: Node[] = [];
  const stack: { node: Extract<Node, { body: Node[] }>; inElse: boolean }[] = [];
  const emit = (n: Node) => {
    const top = stack.at(-1);
    if (!top) root.push(n);
    else (top.inElse ? top.node.otherwise : top.node.body).push(n);
  };
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) emit({ kind: 'text', text });
      break;
    }
    let start = open + 2;
    if (src.startsWith('- ', start) || src.startsWith('-\t', start) || src.startsWith('-\n', start)) {
      text = text.replace(/\s+$/, '');
      start += 1;
    }
    if (text) emit({ kind: 'text', text });
    const close = src.indexOf('}}', start);
    if (close < 0) throw new TemplateError('unclosed action');
    let body = src.slice(start, close);
    if (/\s-$/.test(body)) {
      body = body.slice(0, -1);
      trimNext = true;
    }
    i = close + 2;
    body = body.trim();
    if (body.startsWith('/*')) continue;
    const word = /^(\w+)\b/.exec(body)?.[1];
    if (word === 'end') {
      if (!stack.pop()) throw new TemplateError('unexpected {{end}}');
      continue;
    }
    if (word === 'else') {
      const top = stack.at(-1);
      if (!top) throw new TemplateError('unexpected {{else}}');
      top.inElse = true;
      continue;
    }
    if (word === 'range' || word === 'if' || word === 'with') {
      const [vars, rest] = declarations(body.slice(word.length));
      const node = {
        kind: word,
        pipe: parsePipe(lexAction(rest), { i: 0 }, false),
        vars,
        body: [],
        otherwise: [],
      } as Extract<Node, { body: Node[] }>;
      emit(node);
      stack.push({ node, inElse: false });
      continue;
    }
    const [vars, rest] = declarations(body);
    emit({ kind: 'action', pipe: parsePipe(lexAction(rest), { i: 0 }, false), assign: vars[0] });
  }
  if (stack.length > 0) throw new TemplateError('unexpected EOF');
  return root;
}

// ---- evaluation --------------------------------------------------------------------------------

function field(value: Value, name: string): Value {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new TemplateError(
      `can't evaluate field ${name} in type ${Array.isArray(value) ? '[]interface {}' : typeof value}`,
    );
  return (value as Record<string, Value>)[name];
}

function walk(value: Value, path: string[]): Value {
  let v = value;
  for (const p of path) if (p !== '') v = field(v, p);
  return v;
}

function titleCase(s: string): string {
  return s.replace(/\b\w/g, (c) => c.toUpperCase());
}

/** Go's fmt.Sprintf for %s, %d, %v, %q and widths, enough for docker format strings. */
function sprintf(format: string, args: Value[]): string {
  let n = 0;
  return format.replace(/%([-\d]*)([sdvq%])/g, (_m, width: string, verb: string) => {
    if (verb === '%') return '%';
    const arg = args[n++];
    let s = verb === 'q' ? JSON.stringify(goString(arg)) : goString(arg);
    const w = Number.parseInt(width, 10);
    if (!Number.isNaN(w)) s = w < 0 ? s.padEnd(-w) : s.padStart(w);
    return s;
  });
}

const FUNCS: Record<string, (...args: Value[]) => Value> = {
  json: (v) => goJson(v),
  index: (v, ...keys) => {
    let x = v;
    for (const k of keys) {
      if (Array.isArray(x)) x = x[Number(k)];
      else if (x && typeof x === 'object') x = (x as Record<string, Value>)[String(k)];
      else throw new TemplateError(`can't index item of type ${typeof x}`);
    }
    return x;
  },
  len: (v) => {
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (v && typeof v === 'object') return Object.keys(v).length;
    throw new TemplateError(`len of type ${typeof v}`);
  },
  join: (v, sep) => (Array.isArray(v) ? v.map(goString).join(String(sep)) : goString(v)),
  split: (s, sep) => goString(s).split(String(sep)),
  upper: (s) => goString(s).toUpperCase(),
  lower: (s) => goString(s).toLowerCase(),
  title: (s) => titleCase(goString(s)),
  println: (...args) => `${args.map(goString).join(' ')}\n`,
  print: (...args) => args.map(goString).join(''),
  printf: (format, ...args) => sprintf(goString(format), args),
  pad: (s, before, after) => `${' '.repeat(Number(before))}${goString(s)}${' '.repeat(Number(after))}`,
  truncate: (s, n) => goString(s).slice(0, Number(n)),
  eq: (a, ...bs) => bs.some((b) => a === b),
  ne: (a, b) => a !== b,
  not: (a) => !truthy(a),
  and: (...args) => args.find((a) => !truthy(a)) ?? args.at(-1),
  or: (...args) => args.find((a) => truthy(a)) ?? args.at(-1),
};

type Scope = Map<string, Value>;

function evalOperand(op: Operand, dot: Value, root: Scope): Value {
  switch (op.kind) {
    case 'field': {
      if (op.base === 'dot') return walk(dot, op.path);
      if (!root.has(op.name ?? '$')) throw new TemplateError(`undefined variable "${op.name}"`);
      return walk(root.get(op.name ?? '$'), op.path);
    }
    case 'literal':
      return op.value;
    case 'group':
      return walk(evalPipe(op.pipe, dot, root), op.path);
    case 'ident': {
      const fn = FUNCS[op.name];
      if (!fn) throw new TemplateError(`function "${op.name}" not defined`);
      return fn();
    }
  }
}

function evalPipe(pipe: Pipe, dot: Value, root: Scope): Value {
  let prev: Value;
  let first = true;
  for (const cmd of pipe) {
    const [head, ...rest] = cmd;
    if (!head) continue;
    if (head.kind === 'ident') {
      const fn = FUNCS[head.name];
      if (!fn) throw new TemplateError(`function "${head.name}" not defined`);
      const args = rest.map((a) => evalOperand(a, dot, root));
      prev = fn(...args, ...(first ? [] : [prev]));
    } else {
      if (rest.length > 0) throw new TemplateError(`can't give argument to non-function ${goString(head)}`);
      prev = evalOperand(head, dot, root);
    }
    first = false;
  }
  return prev;
}

function run(nodes: Node[], dot: Value, scope: Scope, out: string[]): void {
  for (const node of nodes) {
    if (node.kind === 'text') out.push(node.text);
    else if (node.kind === 'action') {
      const v = evalPipe(node.pipe, dot, scope);
      if (node.assign !== undefined) scope.set(node.assign, v);
      else out.push(goString(v));
    } else {
      const v = evalPipe(node.pipe, dot, scope);
      const inner = new Map(scope);
      if (node.kind !== 'range' && node.vars[0] !== undefined) inner.set(node.vars[0], v);
      if (node.kind === 'if') run(truthy(v) ? node.body : node.otherwise, dot, inner, out);
      else if (node.kind === 'with') run(truthy(v) ? node.body : node.otherwise, truthy(v) ? v : dot, inner, out);
      else {
        const entries: [Value, Value][] = Array.isArray(v)
          ? v.map((x, i): [Value, Value] => [i, x])
          : v && typeof v === 'object'
            ? Object.keys(v as object)
                .sort()
                .map((k): [Value, Value] => [k, (v as Record<string, Value>)[k]])
            : [];
        if (entries.length === 0) run(node.otherwise, dot, inner, out);
        for (const [key, item] of entries) {
          const [a, b] = node.vars;
          if (b !== undefined) {
            inner.set(a as string, key);
            inner.set(b, item);
          } else if (a !== undefined) inner.set(a, item);
          run(node.body, item, inner, out);
        }
      }
    }
  }
}

/** Parses a template once; `execute` renders it over a value. Throws TemplateError. */
export function compileTemplate(src: string): (data: Value) => string {
  const nodes = parse(src);
  return (data) => {
    const out: string[] = [];
    run(nodes, data, new Map([['$', data]]), out);
    return out.join('');
  };
}
