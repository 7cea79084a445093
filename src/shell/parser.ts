import type {
  AndOr,
  Assign,
  CaseItem,
  CommandNode,
  CompoundCommand,
  CondExpr,
  List,
  ListItem,
  ParamPart,
  Pipeline,
  Redir,
  RedirOp,
  SimpleCommand,
  Word,
  WordPart,
} from './ast.ts';

/** A syntax error; `eof` means the input ended early, so a terminal should ask for another line. */
export class ParseError extends Error {
  readonly eof: boolean;
  constructor(message: string, eof = false) {
    super(message);
    this.name = 'ParseError';
    this.eof = eof;
  }
}

type Token =
  | { kind: 'word'; word: Word; start: number; end: number }
  | { kind: 'op'; value: string; fd: number | null; start: number; end: number }
  | { kind: 'newline'; start: number; end: number }
  | { kind: 'eof'; start: number; end: number };

const META = ' \t\n;&|()<>';
const OPERATORS = [
  ';;&',
  '&>>',
  '<<-',
  '<<<',
  '&&',
  '||',
  ';;',
  ';&',
  '|&',
  '<<',
  '>>',
  '<&',
  '>&',
  '<>',
  '>|',
  '&>',
  '|',
  '&',
  ';',
  '(',
  ')',
  '<',
  '>',
];
const REDIR_OPS = new Set(['<', '>', '>>', '>|', '<>', '>&', '<&', '&>', '&>>', '<<', '<<-', '<<<']);
const LIST_END_WORDS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
const UNARY_TESTS = new Set('-a -b -c -d -e -f -g -h -k -p -r -s -t -u -w -x -G -L -N -O -S -z -n -o -v'.split(' '));
const BINARY_TESTS = new Set(['==', '=', '!=', '=~', '-eq', '-ne', '-lt', '-le', '-gt', '-ge', '-nt', '-ot', '-ef']);

export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The literal text of a word if it is made of unquoted text only. */
export function plainWord(word: Word): string | null {
  if (word.parts.length !== 1) return null;
  const part = word.parts[0];
  return part?.type === 'lit' ? part.value : null;
}

function tokenText(t: Token): string {
  if (t.kind === 'newline') return 'newline';
  if (t.kind === 'op') return t.value;
  return '';
}

function decodeAnsiC(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const n = body[++i] as string;
    const simple: Record<string, string> = {
      n: '\n',
      t: '\t',
      r: '\r',
      a: '\x07',
      b: '\b',
      e: '\x1b',
      E: '\x1b',
      f: '\f',
      v: '\v',
      '\\': '\\',
      "'": "'",
      '"': '"',
      '?': '?',
    };
    if (simple[n] !== undefined) out += simple[n];
    else if (n === 'x') {
      const m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1));
      if (m) {
        out += String.fromCharCode(Number.parseInt(m[0], 16));
        i += m[0].length;
      } else out += '\\x';
    } else if (n >= '0' && n <= '7') {
      const m = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
      out += String.fromCharCode(Number.parseInt(m[0], 8));
      i += m[0].length - 1;
    } else out += `\\${n}`;
  }
  return out;
}

/** Turns a literal delimiter word back into its text, and tells whether any of it was quoted. */
function delimiterText(word: Word): { text: string; quoted: boolean } {
  let text = '';
  let quoted = false;
  const walk = (parts: WordPart[]) => {
    for (const p of parts) {
      if (p.type === 'lit') text += p.value;
      else if (p.type === 'quoted') {
        text += p.value;
        quoted = true;
      } else if (p.type === 'dq') {
        quoted = true;
        walk(p.parts);
      } else if (p.type === 'param') text += `$${p.name}`;
    }
  };
  walk(word.parts);
  return { text, quoted };
}

export class Parser {
  private src: string;
  private pos: number;
  /** How much alias substitution has grown the source, so a nested parser can report where it stopped. */
  private shift = 0;
  private peeked: Token | null = null;
  private pending: { redir: Redir; delim: string; strip: boolean; quoted: boolean }[] = [];
  private readonly aliases: ReadonlyMap<string, string>;

  constructor(src: string, aliases: ReadonlyMap<string, string> = new Map(), pos = 0) {
    this.src = src;
    this.aliases = aliases;
    this.pos = pos;
  }

  /** Parses the whole input. */
  parseAll(): List {
    const list = this.parseCompoundList(true);
    const t = this.peek();
    if (t.kind !== 'eof') this.unexpected(t);
    return list;
  }

  /** Parses the next line's complete command (one or more and-or lists), or null at the end. */
  parseNext(): List | null {
    this.skipNewlines();
    if (this.peek().kind === 'eof') return null;
    const items: ListItem[] = [];
    for (;;) {
      const { item, separated } = this.parseItem();
      items.push(item);
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'newline') {
        this.next();
        break;
      }
      if (!separated || this.isListEnd(t)) this.unexpected(t);
    }
    return { items };
  }

  // ---- tokens ----------------------------------------------------------------------------------

  private unexpected(t: Token): never {
    if (t.kind === 'eof') throw new ParseError('syntax error: unexpected end of file', true);
    const text = t.kind === 'word' ? this.src.slice(t.start, t.end) : tokenText(t);
    throw new ParseError(`syntax error near unexpected token \`${text}'`);
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.src[this.pos];
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && this.src[this.pos + 1] === '\n') this.pos += 2;
      else if (c === '#') {
        while (this.pos < this.src.length && this.src[this.pos] !== '\n') this.pos++;
      } else return;
    }
  }

  private peek(): Token {
    if (this.peeked) return this.peeked;
    this.skipBlanks();
    const start = this.pos;
    let token: Token;
    const c = this.src[start];
    if (c === undefined) token = { kind: 'eof', start, end: start };
    else if (c === '\n') token = { kind: 'newline', start, end: start + 1 };
    else {
      const fdMatch = /^(\d+)(?=[<>])/.exec(this.src.slice(start, start + 12));
      const opStart = fdMatch ? start + fdMatch[0].length : start;
      const op = OPERATORS.find((o) => this.src.startsWith(o, opStart));
      if (op && (!fdMatch || REDIR_OPS.has(op))) {
        token = { kind: 'op', value: op, fd: fdMatch ? Number(fdMatch[1]) : null, start, end: opStart + op.length };
      } else {
        const word = this.readWord();
        token = { kind: 'word', word, start, end: this.pos };
        this.pos = start;
      }
    }
    this.peeked = token;
    return token;
  }

  private next(): Token {
    const t = this.peek();
    this.peeked = null;
    this.pos = t.end;
    if (t.kind === 'newline') this.readHeredocs();
    return t;
  }

  private isWord(t: Token, text: string): boolean {
    return t.kind === 'word' && plainWord(t.word) === text;
  }

  private isOp(t: Token, value: string): boolean {
    return t.kind === 'op' && t.value === value;
  }

  private expectWord(text: string): void {
    const t = this.peek();
    if (!this.isWord(t, text)) this.unexpected(t);
    this.next();
  }

  private expectOp(value: string): void {
    const t = this.peek();
    if (!this.isOp(t, value)) this.unexpected(t);
    this.next();
  }

  private skipNewlines(): void {
    while (this.peek().kind === 'newline') this.next();
  }

  private isListEnd(t: Token): boolean {
    if (t.kind === 'eof') return true;
    if (t.kind === 'op') return t.value === ')' || t.value === ';;' || t.value === ';&' || t.value === ';;&';
    return t.kind === 'word' && LIST_END_WORDS.has(plainWord(t.word) ?? '');
  }

  // ---- words -----------------------------------------------------------------------------------

  /** Reads an unquoted word at pos; in regex mode (after `=~`) parentheses and `|` are part of it. */
  private readWord(regex = false): Word {
    const parts: WordPart[] = [];
    let lit = '';
    let depth = 0;
    const flush = () => {
      if (lit !== '') parts.push({ type: 'lit', value: lit });
      lit = '';
    };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) break;
      if (regex && (c === '(' || c === '|' || ((c === '<' || c === '>') && depth > 0))) {
        if (c === '(') depth++;
        lit += c;
        this.pos++;
        continue;
      }
      if (regex && c === ')' && depth > 0) {
        depth--;
        lit += c;
        this.pos++;
        continue;
      }
      if (META.includes(c)) break;
      const part = this.readSpecial(c, false);
      if (part === undefined) {
        lit += c;
        this.pos++;
      } else if (part !== null) {
        flush();
        parts.push(part);
      }
    }
    flush();
    return { parts };
  }

  /**
   * Handles a quoting or expansion character at pos and returns its part (null when it produced
   * nothing, e.g. a line continuation), or undefined when `c` is ordinary text.
   */
  private readSpecial(c: string, inParamArg: boolean): WordPart | null | undefined {
    if (c === '\\') {
      const n = this.src[this.pos + 1];
      if (n === '\n') {
        this.pos += 2;
        return null;
      }
      if (n === undefined) return undefined;
      this.pos += 2;
      return { type: 'quoted', value: n };
    }
    if (c === "'") {
      const end = this.src.indexOf("'", this.pos + 1);
      if (end < 0) throw new ParseError("unexpected EOF while looking for matching `''", true);
      const value = this.src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return { type: 'quoted', value };
    }
    if (c === '"') {
      this.pos++;
      return { type: 'dq', parts: this.readDoubleQuoted('dq') };
    }
    if (c === '$') {
      const n = this.src[this.pos + 1];
      if (n === "'") {
        let i = this.pos + 2;
        while (i < this.src.length && this.src[i] !== "'") i += this.src[i] === '\\' ? 2 : 1;
        if (i >= this.src.length) throw new ParseError("unexpected EOF while looking for matching `''", true);
        const value = decodeAnsiC(this.src.slice(this.pos + 2, i));
        this.pos = i + 1;
        return { type: 'quoted', value };
      }
      if (n === '"' && !inParamArg) {
        this.pos += 2;
        return { type: 'dq', parts: this.readDoubleQuoted('dq') };
      }
      return this.readDollar() ?? undefined;
    }
    if (c === '`') return this.readBacktick(false);
    return undefined;
  }

  /** Reads the inside of "…" (pos after the quote), a here-document body, or an arithmetic expression. */
  private readDoubleQuoted(mode: 'dq' | 'heredoc' | 'arith'): WordPart[] {
    const parts: WordPart[] = [];
    let lit = '';
    const flush = () => {
      if (lit !== '') parts.push({ type: 'quoted', value: lit });
      lit = '';
    };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) {
        if (mode === 'dq') throw new ParseError('unexpected EOF while looking for matching `"\'', true);
        break;
      }
      if (c === '"' && mode === 'dq') {
        this.pos++;
        break;
      }
      if (c === '"' && mode === 'arith') {
        this.pos++;
        continue;
      }
      if (c === '\\') {
        const n = this.src[this.pos + 1];
        const escapable = mode === 'dq' ? '$`"\\\n' : '$`\\\n';
        if (n !== undefined && escapable.includes(n)) {
          if (n !== '\n') lit += n;
          this.pos += 2;
        } else {
          lit += c;
          this.pos++;
        }
        continue;
      }
      if (c === '$') {
        const part = this.readDollar();
        if (part) {
          flush();
          parts.push(part);
          continue;
        }
      }
      if (c === '`') {
        flush();
        parts.push(this.readBacktick(mode === 'dq'));
        continue;
      }
      lit += c;
      this.pos++;
    }
    flush();
    return parts;
  }

  /** A nested parser for `$(…)`: parses from pos up to the matching `)`. */
  private readCommandSubstitution(): List {
    const sub = new Parser(this.src, this.aliases, this.pos);
    const body = sub.parseCompoundList(true);
    const t = sub.peek();
    if (t.kind === 'eof') throw new ParseError("unexpected EOF while looking for matching `)'", true);
    if (!sub.isOp(t, ')')) sub.unexpected(t);
    this.pos = t.end - sub.shift;
    return body;
  }

  /** Scans an arithmetic expression from pos to the matching `))`; returns its text. */
  private scanArithmetic(): string {
    let depth = 0;
    const start = this.pos;
    for (let i = this.pos; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0 && this.src[i + 1] === ')') {
          this.pos = i + 2;
          return this.src.slice(start, i);
        }
        depth--;
      }
    }
    throw new ParseError("unexpected EOF while looking for matching `)'", true);
  }

  private arithWord(text: string): Word {
    const sub = new Parser(text, this.aliases);
    return { parts: sub.readDoubleQuoted('arith') };
  }

  private readDollar(): WordPart | null {
    const src = this.src;
    const n = src[this.pos + 1];
    if (n === '(') {
      if (src[this.pos + 2] === '(') {
        const save = this.pos;
        this.pos += 3;
        try {
          return { type: 'arith', expr: this.arithWord(this.scanArithmetic()) };
        } catch (error) {
          // `$( (cmd) )` written without the space: fall back to a command substitution.
          this.pos = save;
          if (!(error instanceof ParseError)) throw error;
        }
      }
      this.pos += 2;
      return { type: 'cmdsub', body: this.readCommandSubstitution() };
    }
    if (n === '{') {
      this.pos += 2;
      return this.readBraceParam();
    }
    if (n !== undefined && /[A-Za-z_]/.test(n)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(this.pos + 1)) as RegExpExecArray;
      this.pos += 1 + m[0].length;
      return { type: 'param', name: m[0], op: '', arg: null, arg2: null };
    }
    if (n !== undefined && /[0-9?#$!@*-]/.test(n)) {
      this.pos += 2;
      return { type: 'param', name: n, op: '', arg: null, arg2: null };
    }
    return null;
  }

  private readBraceParam(): ParamPart {
    const rest = this.src.slice(this.pos);
    const nameRe = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[?#$!@*-])/;
    if (rest[0] === '#' && rest[1] !== '}') {
      const m = nameRe.exec(rest.slice(1));
      if (m && rest[1 + m[0].length] === '}') {
        this.pos += 2 + m[0].length;
        return { type: 'param', name: m[0], op: 'length', arg: null, arg2: null };
      }
    }
    const m = nameRe.exec(rest);
    if (!m) throw new ParseError(`\${${rest.slice(0, rest.indexOf('}'))}}: bad substitution`);
    this.pos += m[0].length;
    const name = m[0];
    if (this.src[this.pos] === '}') {
      this.pos++;
      return { type: 'param', name, op: '', arg: null, arg2: null };
    }
    const ops = [
      ':-',
      ':=',
      ':+',
      ':?',
      '-',
      '=',
      '+',
      '?',
      '##',
      '#',
      '%%',
      '%',
      '//',
      '/#',
      '/%',
      '/',
      '^^',
      '^',
      ',,',
      ',',
    ];
    const op = ops.find((o) => this.src.startsWith(o, this.pos));
    if (op) {
      this.pos += op.length;
      if (op.startsWith('/')) {
        const pattern = this.readParamArg('/}');
        let replacement: Word = { parts: [] };
        if (this.src[this.pos] === '/') {
          this.pos++;
          replacement = this.readParamArg('}');
        }
        this.pos++;
        return { type: 'param', name, op, arg: pattern, arg2: replacement };
      }
      const arg = this.readParamArg('}');
      this.pos++;
      return { type: 'param', name, op, arg, arg2: null };
    }
    if (this.src[this.pos] === ':') {
      this.pos++;
      const offset = this.readParamArg(':}');
      let length: Word | null = null;
      if (this.src[this.pos] === ':') {
        this.pos++;
        length = this.readParamArg('}');
      }
      this.pos++;
      return { type: 'param', name, op: 'substr', arg: offset, arg2: length };
    }
    throw new ParseError(`\${${name}${rest.slice(name.length, rest.indexOf('}'))}}: bad substitution`);
  }

  /** The argument of `${x<op>…}`, up to one of `stops` outside nested braces. */
  private readParamArg(stops: string): Word {
    const parts: WordPart[] = [];
    let lit = '';
    let depth = 0;
    const flush = () => {
      if (lit !== '') parts.push({ type: 'lit', value: lit });
      lit = '';
    };
    for (;;) {
      const c = this.src[this.pos];
      if (c === undefined) throw new ParseError("unexpected EOF while looking for matching `}'", true);
      if (depth === 0 && stops.includes(c)) break;
      if (c === '{') depth++;
      if (c === '}') depth--;
      const part = this.readSpecial(c, true);
      if (part === undefined) {
        lit += c;
        this.pos++;
      } else if (part !== null) {
        flush();
        parts.push(part);
      }
    }
    flush();
    return { parts };
  }

  private readBacktick(inDq: boolean): WordPart {
    let inner = '';
    let i = this.pos + 1;
    for (;;) {
      const c = this.src[i];
      if (c === undefined) throw new ParseError("unexpected EOF while looking for matching ``'", true);
      if (c === '`') break;
      if (c === '\\') {
        const n = this.src[i + 1];
        if (n === '`' || n === '$' || n === '\\' || (inDq && n === '"')) {
          inner += n;
          i += 2;
          continue;
        }
      }
      inner += c;
      i++;
    }
    this.pos = i + 1;
    return { type: 'cmdsub', body: new Parser(inner, this.aliases).parseAll() };
  }

  private readHeredocs(): void {
    for (const doc of this.pending) {
      const lines: string[] = [];
      while (this.pos < this.src.length) {
        const nl = this.src.indexOf('\n', this.pos);
        const line = nl < 0 ? this.src.slice(this.pos) : this.src.slice(this.pos, nl);
        this.pos = nl < 0 ? this.src.length : nl + 1;
        const text = doc.strip ? line.replace(/^\t+/, '') : line;
        if (text === doc.delim) break;
        lines.push(text);
      }
      const body = lines.map((l) => `${l}\n`).join('');
      doc.redir.target = doc.quoted
        ? { parts: [{ type: 'quoted', value: body }] }
        : { parts: new Parser(body, this.aliases).readDoubleQuoted('heredoc') };
    }
    this.pending = [];
  }

  // ---- grammar ---------------------------------------------------------------------------------

  private parseCompoundList(allowEmpty = false): List {
    const items: ListItem[] = [];
    this.skipNewlines();
    for (;;) {
      const t = this.peek();
      if (this.isListEnd(t)) break;
      const { item, separated } = this.parseItem();
      items.push(item);
      const sep = this.peek();
      if (sep.kind === 'newline') this.next();
      else if (!separated && !this.isListEnd(sep)) this.unexpected(sep);
      this.skipNewlines();
    }
    if (items.length === 0 && !allowEmpty) this.unexpected(this.peek());
    return { items };
  }

  /** One and-or list with its `;` or `&`. */
  private parseItem(): { item: ListItem; separated: boolean } {
    const start = this.peek().start;
    const andOr = this.parseAndOr();
    const end = this.pos;
    const t = this.peek();
    const separated = this.isOp(t, '&') || this.isOp(t, ';');
    if (separated) this.next();
    const background = this.isOp(t, '&');
    return { item: { andOr, background, text: this.src.slice(start, end).trim() }, separated };
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '&&') && !this.isOp(t, '||')) break;
      this.next();
      this.skipNewlines();
      rest.push({ op: (t as { value: '&&' | '||' }).value, pipeline: this.parsePipeline() });
    }
    return { first, rest };
  }

  private parsePipeline(): Pipeline {
    let negate = false;
    while (this.isWord(this.peek(), '!')) {
      this.next();
      negate = !negate;
    }
    const commands = [this.parseCommand()];
    const pipeStderr: boolean[] = [];
    for (;;) {
      const t = this.peek();
      if (!this.isOp(t, '|') && !this.isOp(t, '|&')) break;
      this.next();
      pipeStderr.push(this.isOp(t, '|&'));
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    return { negate, commands, pipeStderr };
  }

  private parseCommand(): CommandNode {
    const t = this.peek();
    if (t.kind === 'op' && t.value === '(') {
      if (this.src[t.start + 1] === '(') {
        this.next();
        this.pos++;
        const expr = this.arithWord(this.scanArithmetic());
        return this.withRedirs({ type: 'arithcmd', expr });
      }
      this.next();
      const body = this.parseCompoundList();
      this.expectOp(')');
      return this.withRedirs({ type: 'subshell', body });
    }
    if (t.kind === 'word') {
      const w = plainWord(t.word);
      switch (w) {
        case 'if':
          return this.parseIf();
        case 'while':
        case 'until':
          return this.parseWhile(w === 'until');
        case 'for':
          return this.parseFor();
        case 'case':
          return this.parseCase();
        case '{': {
          this.next();
          const body = this.parseCompoundList();
          this.expectWord('}');
          return this.withRedirs({ type: 'group', body });
        }
        case '[[':
          return this.parseCond();
        case 'function':
          return this.parseFunctionKeyword();
        default:
          if (w !== null && LIST_END_WORDS.has(w)) this.unexpected(t);
      }
    }
    return this.parseSimple();
  }

  private withRedirs(body: CompoundCommand | Omit<CompoundCommand, 'redirs'>): CompoundCommand {
    const redirs: Redir[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !REDIR_OPS.has(t.value)) break;
      redirs.push(this.parseRedir());
    }
    return { ...body, redirs } as CompoundCommand;
  }

  private parseIf(): CompoundCommand {
    this.next();
    const clauses: { cond: List; body: List }[] = [];
    let elseBody: List | null = null;
    for (;;) {
      const cond = this.parseCompoundList();
      this.expectWord('then');
      const body = this.parseCompoundList();
      clauses.push({ cond, body });
      const t = this.peek();
      if (this.isWord(t, 'elif')) {
        this.next();
        continue;
      }
      if (this.isWord(t, 'else')) {
        this.next();
        elseBody = this.parseCompoundList();
      }
      this.expectWord('fi');
      break;
    }
    return this.withRedirs({ type: 'if', clauses, elseBody });
  }

  private parseWhile(until: boolean): CompoundCommand {
    this.next();
    const cond = this.parseCompoundList();
    const body = this.parseDoGroup();
    return this.withRedirs({ type: 'while', until, cond, body });
  }

  private parseDoGroup(): List {
    this.expectWord('do');
    const body = this.parseCompoundList();
    this.expectWord('done');
    return body;
  }

  private parseFor(): CompoundCommand {
    this.next();
    const t = this.peek();
    if (t.kind === 'op' && t.value === '(' && this.src[t.start + 1] === '(') {
      this.pos = t.start + 2;
      this.peeked = null;
      const text = this.scanArithmetic();
      const [init = '', cond = '', step = ''] = text.split(';');
      const sep = this.peek();
      if (this.isOp(sep, ';')) this.next();
      this.skipNewlines();
      const body = this.parseDoGroup();
      return this.withRedirs({
        type: 'arithfor',
        init: this.arithWord(init),
        cond: this.arithWord(cond.trim() === '' ? '1' : cond),
        step: this.arithWord(step),
        body,
      });
    }
    const name = t.kind === 'word' ? plainWord(t.word) : null;
    if (name === null || !NAME_RE.test(name)) {
      if (t.kind === 'word') throw new ParseError(`\`${this.src.slice(t.start, t.end)}': not a valid identifier`);
      this.unexpected(t);
    }
    this.next();
    let items: Word[] | null = null;
    this.skipNewlines();
    if (this.isWord(this.peek(), 'in')) {
      this.next();
      items = [];
      for (;;) {
        const w = this.peek();
        if (w.kind !== 'word') break;
        items.push(w.word);
        this.next();
      }
      const sep = this.peek();
      if (this.isOp(sep, ';') || sep.kind === 'newline') this.next();
      else this.unexpected(sep);
    } else if (this.isOp(this.peek(), ';')) this.next();
    this.skipNewlines();
    const body = this.parseDoGroup();
    return this.withRedirs({ type: 'for', name, items, body });
  }

  private parseCase(): CompoundCommand {
    this.next();
    const t = this.peek();
    if (t.kind !== 'word') this.unexpected(t);
    this.next();
    this.skipNewlines();
    this.expectWord('in');
    this.skipNewlines();
    const items: CaseItem[] = [];
    while (!this.isWord(this.peek(), 'esac')) {
      if (this.isOp(this.peek(), '(')) this.next();
      const patterns: Word[] = [];
      for (;;) {
        const p = this.peek();
        if (p.kind !== 'word') this.unexpected(p);
        patterns.push(p.word);
        this.next();
        if (!this.isOp(this.peek(), '|')) break;
        this.next();
      }
      this.expectOp(')');
      const body = this.parseCompoundList(true);
      const end = this.peek();
      let terminator: CaseItem['terminator'] = ';;';
      if (end.kind === 'op' && (end.value === ';;' || end.value === ';&' || end.value === ';;&')) {
        terminator = end.value;
        this.next();
      } else if (!this.isWord(end, 'esac')) this.unexpected(end);
      items.push({ patterns, body, terminator });
      this.skipNewlines();
    }
    this.next();
    return this.withRedirs({ type: 'case', word: t.word, items });
  }

  private parseCond(): CompoundCommand {
    this.next();
    const expr = this.parseCondOr();
    this.skipNewlines();
    this.expectWord(']]');
    return this.withRedirs({ type: 'cond', expr });
  }

  private parseCondOr(): CondExpr {
    let left = this.parseCondAnd();
    while (this.isOp(this.peek(), '||')) {
      this.next();
      this.skipNewlines();
      left = { type: 'or', left, right: this.parseCondAnd() };
    }
    return left;
  }

  private parseCondAnd(): CondExpr {
    let left = this.parseCondNot();
    while (this.isOp(this.peek(), '&&')) {
      this.next();
      this.skipNewlines();
      left = { type: 'and', left, right: this.parseCondNot() };
    }
    return left;
  }

  private parseCondNot(): CondExpr {
    this.skipNewlines();
    if (this.isWord(this.peek(), '!')) {
      this.next();
      return { type: 'not', expr: this.parseCondNot() };
    }
    if (this.isOp(this.peek(), '(')) {
      this.next();
      const expr = this.parseCondOr();
      this.expectOp(')');
      return expr;
    }
    const t = this.peek();
    if (t.kind !== 'word' || this.isWord(t, ']]')) this.unexpected(t);
    this.next();
    const first = plainWord(t.word);
    const after = this.peek();
    if (first !== null && UNARY_TESTS.has(first) && after.kind === 'word' && !this.isWord(after, ']]')) {
      this.next();
      return { type: 'unary', op: first, arg: after.word };
    }
    const opText =
      after.kind === 'word'
        ? plainWord(after.word)
        : after.kind === 'op' && (after.value === '<' || after.value === '>')
          ? after.value
          : null;
    if (opText !== null && (BINARY_TESTS.has(opText) || opText === '<' || opText === '>')) {
      this.next();
      let right: Word;
      if (opText === '=~') {
        this.skipBlanks();
        right = this.readWord(true);
      } else {
        const r = this.peek();
        if (r.kind !== 'word') this.unexpected(r);
        this.next();
        right = r.word;
      }
      return { type: 'binary', op: opText, left: t.word, right };
    }
    return { type: 'word', word: t.word };
  }

  private parseFunctionKeyword(): FunctionDefNode {
    this.next();
    const t = this.peek();
    const name = t.kind === 'word' ? plainWord(t.word) : null;
    if (name === null) this.unexpected(t);
    this.next();
    if (this.isOp(this.peek(), '(')) {
      this.next();
      this.expectOp(')');
    }
    return this.parseFunctionBody(name);
  }

  private parseFunctionBody(name: string): FunctionDefNode {
    this.skipNewlines();
    const body = this.parseCommand();
    if (body.type === 'simple' || body.type === 'function') this.unexpected(this.peek());
    return { type: 'function', name, body };
  }

  private parseRedir(): Redir {
    const t = this.next() as Extract<Token, { kind: 'op' }>;
    const target = this.peek();
    if (target.kind === 'eof') throw new ParseError("syntax error near unexpected token `newline'");
    if (target.kind !== 'word') this.unexpected(target);
    this.next();
    const op = t.value as RedirOp;
    const redir: Redir = { fd: t.fd, op, target: target.word };
    if (op === '<<' || op === '<<-') {
      const { text, quoted } = delimiterText(target.word);
      redir.target = { parts: [] };
      this.pending.push({ redir, delim: text, strip: op === '<<-', quoted });
    }
    return redir;
  }

  private parseSimple(): CommandNode {
    const cmd: SimpleCommand = { type: 'simple', assigns: [], words: [], redirs: [] };
    const expanded = new Set<string>();
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && REDIR_OPS.has(t.value)) {
        cmd.redirs.push(this.parseRedir());
        continue;
      }
      if (t.kind !== 'word') break;
      if (cmd.words.length === 0) {
        const assign = asAssignment(t.word);
        if (assign) {
          cmd.assigns.push(assign);
          this.next();
          continue;
        }
        const w = plainWord(t.word);
        const alias = w === null ? undefined : this.aliases.get(w);
        if (w !== null && alias !== undefined && !expanded.has(w)) {
          expanded.add(w);
          this.src = this.src.slice(0, t.start) + alias + this.src.slice(t.end);
          this.shift += alias.length - (t.end - t.start);
          this.peeked = null;
          this.pos = t.start;
          continue;
        }
        this.next();
        if (
          w !== null &&
          NAME_RE.test(w.replace(/[-.:]/g, '_')) &&
          cmd.assigns.length === 0 &&
          cmd.redirs.length === 0
        ) {
          if (this.isOp(this.peek(), '(')) {
            this.next();
            this.expectOp(')');
            return this.parseFunctionBody(w);
          }
        }
        cmd.words.push(t.word);
        continue;
      }
      this.next();
      cmd.words.push(t.word);
    }
    if (cmd.words.length === 0 && cmd.assigns.length === 0 && cmd.redirs.length === 0) this.unexpected(this.peek());
    return cmd;
  }
}

type FunctionDefNode = Extract<CommandNode, { type: 'function' }>;

function asAssignment(word: Word): Assign | null {
  const first = word.parts[0];
  if (first?.type !== 'lit') return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(\+?)=/.exec(first.value);
  if (!m) return null;
  const rest = first.value.slice(m[0].length);
  const parts: WordPart[] = rest === '' ? [] : [{ type: 'lit', value: rest }];
  return { name: m[1] as string, append: m[2] === '+', value: { parts: [...parts, ...word.parts.slice(1)] } };
}

/** Parses a whole script (aliases are not expanded). */
export function parse(src: string, aliases?: ReadonlyMap<string, string>): List {
  return new Parser(src, aliases).parseAll();
}

/** False when the input stops in the middle of a command (open quote, `if` without `fi`, …). */
export function isComplete(src: string): boolean {
  try {
    parse(src);
    return !/(^|[^\\])\\$/.test(src.replace(/\n$/, ''));
  } catch (error) {
    return !(error instanceof ParseError && error.eof);
  }
}
