/** Shell arithmetic (`$((…))`, `((…))`, `let`): 64-bit-like integers, C operators, assignments. */

export class ArithError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArithError';
  }
}

export interface ArithVars {
  get(name: string): string | undefined;
  set(name: string, value: string): void;
}

type Node =
  | { t: 'num'; v: bigint }
  | { t: 'var'; name: string }
  | { t: 'un'; op: string; e: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'assign'; op: string; name: string; e: Node }
  | { t: 'incdec'; op: '++' | '--'; prefix: boolean; name: string }
  | { t: 'cond'; c: Node; a: Node; b: Node };

const OPS = [
  '<<=',
  '>>=',
  '**',
  '++',
  '--',
  '<<',
  '>>',
  '<=',
  '>=',
  '==',
  '!=',
  '&&',
  '||',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '+',
  '-',
  '*',
  '/',
  '%',
  '<',
  '>',
  '=',
  '!',
  '~',
  '&',
  '|',
  '^',
  '?',
  ':',
  '(',
  ')',
  ',',
];

const BINARY: Record<string, number> = {
  ',': 1,
  '||': 4,
  '&&': 5,
  '|': 6,
  '^': 7,
  '&': 8,
  '==': 9,
  '!=': 9,
  '<': 10,
  '>': 10,
  '<=': 10,
  '>=': 10,
  '<<': 11,
  '>>': 11,
  '+': 12,
  '-': 12,
  '*': 13,
  '/': 13,
  '%': 13,
  '**': 14,
};

const MASK = (1n << 64n) - 1n;
function wrap(v: bigint): bigint {
  return BigInt.asIntN(64, v & MASK);
}

/** Parses an integer constant the way bash does: 0x1f, 017, 2#101, 64#_. */
export function parseIntegerConstant(text: string): bigint | null {
  if (/^[0-9]+#[0-9A-Za-z@_]+$/.test(text)) {
    const [b, digits] = text.split('#') as [string, string];
    const base = Number(b);
    if (base < 2 || base > 64) return null;
    let v = 0n;
    for (const ch of digits) {
      let d: number;
      if (ch >= '0' && ch <= '9') d = ch.charCodeAt(0) - 48;
      else if (ch >= 'a' && ch <= 'z') d = ch.charCodeAt(0) - 87;
      else if (ch >= 'A' && ch <= 'Z') d = base <= 36 ? ch.charCodeAt(0) - 55 : ch.charCodeAt(0) - 29;
      else d = ch === '@' ? 62 : 63;
      if (d >= base) return null;
      v = v * BigInt(base) + BigInt(d);
    }
    return v;
  }
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) return BigInt(text);
  if (/^0[0-7]*$/.test(text)) return BigInt(`0o${text.slice(1) || '0'}`);
  if (/^[1-9][0-9]*$/.test(text)) return BigInt(text);
  return null;
}

class ArithParser {
  private toks: string[];
  private i = 0;
  private readonly src: string;

  constructor(src: string) {
    this.src = src;
    this.toks = [];
    let p = 0;
    while (p < src.length) {
      const c = src[p] as string;
      if (/\s/.test(c)) {
        p++;
        continue;
      }
      const m = /^([0-9][0-9A-Za-z@_#]*|[A-Za-z_][A-Za-z0-9_]*)/.exec(src.slice(p));
      if (m) {
        this.toks.push(m[0]);
        p += m[0].length;
        continue;
      }
      const op = OPS.find((o) => src.startsWith(o, p));
      if (!op)
        throw new ArithError(`${src}: syntax error: invalid arithmetic operator (error token is "${src.slice(p)}")`);
      this.toks.push(op);
      p += op.length;
    }
  }

  private peek(): string | undefined {
    return this.toks[this.i];
  }

  private rest(): string {
    return this.toks.slice(this.i).join(' ');
  }

  parse(): Node | null {
    if (this.toks.length === 0) return null;
    const n = this.expr(0);
    if (this.i < this.toks.length) {
      throw new ArithError(`${this.src}: syntax error in expression (error token is "${this.rest()}")`);
    }
    return n;
  }

  private expr(minPrec: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.peek();
      if (op === undefined) return left;
      if (op === '?' && minPrec <= 3) {
        this.i++;
        const a = this.expr(1);
        if (this.peek() !== ':') throw new ArithError(`${this.src}: expected \`:' for conditional expression`);
        this.i++;
        const b = this.expr(3);
        left = { t: 'cond', c: left, a, b };
        continue;
      }
      if (/^([-+*/%&|^]|<<|>>)?=$/.test(op) && op !== '==' && minPrec <= 2) {
        if (left.t !== 'var')
          throw new ArithError(`${this.src}: attempted assignment to non-variable (error token is "${this.rest()}")`);
        this.i++;
        left = { t: 'assign', op, name: left.name, e: this.expr(2) };
        continue;
      }
      const prec = BINARY[op];
      if (prec === undefined || prec < minPrec) return left;
      this.i++;
      const right = this.expr(op === '**' ? prec : prec + 1);
      left = { t: 'bin', op, l: left, r: right };
    }
  }

  private unary(): Node {
    const tok = this.peek();
    if (tok === undefined)
      throw new ArithError(
        `${this.src}: syntax error: operand expected (error token is "${this.src.trim().split(/\s+/).pop() ?? ''}")`,
      );
    if (tok === '++' || tok === '--') {
      this.i++;
      const name = this.peek();
      if (name === undefined || !/^[A-Za-z_]/.test(name))
        throw new ArithError(`${this.src}: syntax error: operand expected (error token is "${tok}")`);
      this.i++;
      return { t: 'incdec', op: tok, prefix: true, name };
    }
    if (tok === '-' || tok === '+' || tok === '!' || tok === '~') {
      this.i++;
      return { t: 'un', op: tok, e: this.unary() };
    }
    if (tok === '(') {
      this.i++;
      const e = this.expr(0);
      if (this.peek() !== ')') throw new ArithError(`${this.src}: missing \`)' (error token is "${this.rest()}")`);
      this.i++;
      return e;
    }
    this.i++;
    if (/^[A-Za-z_]/.test(tok)) {
      const after = this.peek();
      if (after === '++' || after === '--') {
        this.i++;
        return { t: 'incdec', op: after, prefix: false, name: tok };
      }
      return { t: 'var', name: tok };
    }
    const v = parseIntegerConstant(tok);
    if (v === null) {
      throw new ArithError(`${this.src}: value too great for base (error token is "${tok}")`);
    }
    return { t: 'num', v };
  }
}

/** Evaluates an arithmetic expression; variables holding expressions are evaluated in turn. */
export function evaluateArithmetic(src: string, vars: ArithVars, depth = 0): bigint {
  if (depth > 32) throw new ArithError(`${src}: expression recursion level exceeded`);
  const tree = new ArithParser(src).parse();
  if (tree === null) return 0n;
  const varValue = (name: string): bigint => {
    const raw = vars.get(name);
    if (raw === undefined || raw.trim() === '') return 0n;
    const direct = parseIntegerConstant(raw.trim());
    if (direct !== null) return direct;
    return evaluateArithmetic(raw, vars, depth + 1);
  };
  const ev = (n: Node): bigint => {
    switch (n.t) {
      case 'num':
        return n.v;
      case 'var':
        return varValue(n.name);
      case 'un': {
        const v = ev(n.e);
        if (n.op === '-') return wrap(-v);
        if (n.op === '+') return v;
        if (n.op === '!') return v === 0n ? 1n : 0n;
        return wrap(~v);
      }
      case 'incdec': {
        const old = varValue(n.name);
        const nv = wrap(n.op === '++' ? old + 1n : old - 1n);
        vars.set(n.name, nv.toString());
        return n.prefix ? nv : old;
      }
      case 'cond':
        return ev(n.c) !== 0n ? ev(n.a) : ev(n.b);
      case 'assign': {
        let v = ev(n.e);
        if (n.op !== '=') v = binary(n.op.slice(0, -1), varValue(n.name), v, src);
        vars.set(n.name, v.toString());
        return v;
      }
      case 'bin': {
        if (n.op === '&&') return ev(n.l) !== 0n && ev(n.r) !== 0n ? 1n : 0n;
        if (n.op === '||') return ev(n.l) !== 0n || ev(n.r) !== 0n ? 1n : 0n;
        if (n.op === ',') {
          ev(n.l);
          return ev(n.r);
        }
        return binary(n.op, ev(n.l), ev(n.r), src);
      }
    }
  };
  return ev(tree);
}

function binary(op: string, a: bigint, b: bigint, src: string): bigint {
  switch (op) {
    case '+':
      return wrap(a + b);
    case '-':
      return wrap(a - b);
    case '*':
      return wrap(a * b);
    case '/':
    case '%':
      if (b === 0n)
        throw new ArithError(`${src}: division by 0 (error token is "${src.split(op).pop()?.trim() ?? ''}")`);
      return op === '/' ? a / b : a % b;
    case '**':
      if (b < 0n) throw new ArithError(`${src}: exponent less than 0 (error token is "${b}")`);
      return wrap(a ** b);
    case '<<':
      return wrap(a << (b & 63n));
    case '>>':
      return a >> (b & 63n);
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    case '==':
      return a === b ? 1n : 0n;
    case '!=':
      return a !== b ? 1n : 0n;
    case '<':
      return a < b ? 1n : 0n;
    case '>':
      return a > b ? 1n : 0n;
    case '<=':
      return a <= b ? 1n : 0n;
    case '>=':
      return a >= b ? 1n : 0n;
    default:
      throw new ArithError(`${src}: syntax error in expression`);
  }
}
