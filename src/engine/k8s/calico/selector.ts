/**
 * Calico's label selector language (libcalico-go lib/selector): tokenizer, parser, the canonical
 * text felix hashes into IP set IDs, evaluation against labels, and the label-prefixing visitor
 * the policy conversion uses for namespace (`pcns.`) selectors.
 */
import { base64UrlNoPad, sha224, utf8 } from './digest.ts';

export type SelectorNode =
  | { kind: 'eq' | 'ne' | 'contains' | 'starts' | 'ends'; label: string; value: string }
  | { kind: 'in' | 'notin'; label: string; values: string[] }
  | { kind: 'has'; label: string }
  | { kind: 'not'; operand: SelectorNode }
  | { kind: 'and' | 'or'; operands: SelectorNode[] }
  | { kind: 'all' | 'global' };

type Tok =
  | { kind: 'label' | 'string' | 'has'; value: string }
  | {
      kind:
        | '('
        | ')'
        | '{'
        | '}'
        | ','
        | '=='
        | '!='
        | '!'
        | '&&'
        | '||'
        | 'in'
        | 'notin'
        | 'contains'
        | 'starts'
        | 'ends'
        | 'all'
        | 'global'
        | 'self'
        | 'eof';
    };

export class SelectorError extends Error {}

const LABEL = '[a-zA-Z0-9_./-]{1,512}';
const IDENTIFIER = new RegExp(`^${LABEL}`);
const HAS = new RegExp(`^has\\([\\t\\n\\f\\r ]*(${LABEL})[\\t\\n\\f\\r ]*\\)`);
const ALL = /^all\([\t\n\f\r ]*\)/;
const GLOBAL = /^global\([\t\n\f\r ]*\)/;
const SELF = /^self\([\t\n\f\r ]*\)/;
const CONTAINS = /^contains/;
const STARTS_WITH = /^starts[\t\n\f\r ]*with/;
const ENDS_WITH = /^ends[\t\n\f\r ]*with/;
const NOT_IN = /^not[\t\n\f\r ]*in\b/;
const IN = /^in\b/;

/** has(label), all(), global(), self() or a label, with the length of text it took. */
function word(input: string): [Tok, number] {
  const has = HAS.exec(input);
  if (has) return [{ kind: 'has', value: has[1] as string }, has[0].length];
  for (const [re, kind] of [
    [ALL, 'all'],
    [GLOBAL, 'global'],
    [SELF, 'self'],
  ] as const) {
    const m = re.exec(input);
    if (m) return [{ kind }, m[0].length];
  }
  const label = IDENTIFIER.exec(input);
  if (label) return [{ kind: 'label', value: label[0] }, label[0].length];
  throw new SelectorError('unexpected characters');
}

function tokenize(text: string): Tok[] {
  const tokens: Tok[] = [];
  let input = text;
  for (;;) {
    input = input.replace(/^[ \t]+/, '');
    if (input.length === 0) {
      tokens.push({ kind: 'eof' });
      return tokens;
    }
    const last = tokens[tokens.length - 1]?.kind;
    const c = input[0] as string;
    const two = input.slice(0, 2);
    if (c === '(' || c === ')' || c === '{' || c === '}' || c === ',') {
      tokens.push({ kind: c });
      input = input.slice(1);
    } else if (c === '"' || c === "'") {
      const end = input.indexOf(c, 1);
      if (end < 0) throw new SelectorError('unterminated string');
      tokens.push({ kind: 'string', value: input.slice(1, end) });
      input = input.slice(end + 1);
    } else if (c === '=') {
      if (two !== '==') throw new SelectorError('expected ==');
      tokens.push({ kind: '==' });
      input = input.slice(2);
    } else if (c === '!') {
      if (two === '!=') {
        tokens.push({ kind: '!=' });
        input = input.slice(2);
      } else {
        tokens.push({ kind: '!' });
        input = input.slice(1);
      }
    } else if (c === '&' || c === '|') {
      if (two !== c + c) throw new SelectorError(`expected ${c}${c}`);
      tokens.push({ kind: two === '&&' ? '&&' : '||' });
      input = input.slice(2);
    } else if (last === 'label') {
      const ops: [RegExp, 'contains' | 'starts' | 'ends' | 'notin' | 'in'][] = [
        [CONTAINS, 'contains'],
        [STARTS_WITH, 'starts'],
        [ENDS_WITH, 'ends'],
        [NOT_IN, 'notin'],
        [IN, 'in'],
      ];
      const hit = ops.find(([re]) => re.test(input));
      if (!hit) throw new SelectorError('unexpected characters after label, was expecting an operator');
      const m = hit[0].exec(input) as RegExpExecArray;
      tokens.push({ kind: hit[1] });
      input = input.slice(m[0].length);
    } else {
      const [tok, length] = word(input);
      tokens.push(tok);
      input = input.slice(length);
    }
  }
}

class Parser {
  pos = 0;
  readonly tokens: Tok[];
  constructor(tokens: Tok[]) {
    this.tokens = tokens;
  }
  peek(offset = 0): Tok {
    return this.tokens[this.pos + offset] ?? { kind: 'eof' };
  }
  orExpression(): SelectorNode {
    const nodes = [this.andExpression()];
    while (this.peek().kind === '||') {
      this.pos++;
      nodes.push(this.andExpression());
    }
    return nodes.length === 1 ? (nodes[0] as SelectorNode) : { kind: 'or', operands: nodes };
  }
  andExpression(): SelectorNode {
    const nodes = [this.operation()];
    while (this.peek().kind === '&&') {
      this.pos++;
      nodes.push(this.operation());
    }
    return nodes.length === 1 ? (nodes[0] as SelectorNode) : { kind: 'and', operands: nodes };
  }
  operation(): SelectorNode {
    let negated = false;
    while (this.peek().kind === '!') {
      negated = !negated;
      this.pos++;
    }
    const tok = this.peek();
    let node: SelectorNode;
    if (tok.kind === 'has') {
      node = { kind: 'has', label: tok.value };
      this.pos++;
    } else if (tok.kind === 'all' || tok.kind === 'global') {
      node = { kind: tok.kind };
      this.pos++;
    } else if (tok.kind === 'label') {
      node = this.labelOperation(tok.value);
    } else if (tok.kind === '(') {
      this.pos++;
      node = this.orExpression();
      if (this.peek().kind !== ')') throw new SelectorError('Expected )');
      this.pos++;
    } else {
      throw new SelectorError(`Unexpected token: ${tok.kind}`);
    }
    return negated ? { kind: 'not', operand: node } : node;
  }
  labelOperation(label: string): SelectorNode {
    const op = this.peek(1);
    const arg = this.peek(2);
    if (op.kind === 'eof' || arg.kind === 'eof') throw new SelectorError('Unexpected end of string in middle of op');
    if (op.kind === '==' || op.kind === '!=' || op.kind === 'contains' || op.kind === 'starts' || op.kind === 'ends') {
      if (arg.kind !== 'string') throw new SelectorError('Expected string');
      this.pos += 3;
      const kind = op.kind === '==' ? 'eq' : op.kind === '!=' ? 'ne' : op.kind;
      return { kind, label, value: arg.value };
    }
    if (op.kind === 'in' || op.kind === 'notin') {
      if (arg.kind !== '{') throw new SelectorError('Expected set literal');
      this.pos += 3;
      const values: string[] = [];
      for (;;) {
        const t = this.peek();
        if (t.kind !== 'string') break;
        values.push(t.value);
        this.pos++;
        if (this.peek().kind !== ',') break;
        this.pos++;
      }
      if (this.peek().kind !== '}') throw new SelectorError('Expected }');
      this.pos++;
      const set = [...new Set(values)].sort(compareBytes);
      return { kind: op.kind, label, values: set };
    }
    throw new SelectorError(`Expected == or != not ${op.kind}`);
  }
}

/** Go's string ordering: by UTF-8 bytes, which for these label values is code-point order. */
export function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function parseSelector(text: string): SelectorNode {
  const tokens = tokenize(text);
  if (tokens[0]?.kind === 'eof') return { kind: 'all' };
  const parser = new Parser(tokens);
  const node = parser.orExpression();
  if (parser.pos !== tokens.length - 1) throw new SelectorError('unexpected content at end of selector');
  return node;
}

function quoted(value: string): string {
  const q = value.includes('"') ? "'" : '"';
  return `${q}${value}${q}`;
}

const OP_TEXT = { eq: ' == ', ne: ' != ', contains: ' contains ', starts: ' starts with ', ends: ' ends with ' };

/** The canonical text (libcalico-go collectFragments) that selector IDs hash. */
export function selectorString(node: SelectorNode): string {
  switch (node.kind) {
    case 'eq':
    case 'ne':
    case 'contains':
    case 'starts':
    case 'ends':
      return `${node.label}${OP_TEXT[node.kind]}${quoted(node.value)}`;
    case 'in':
    case 'notin':
      return `${node.label} ${node.kind === 'in' ? 'in' : 'not in'} {${node.values.map(quoted).join(', ')}}`;
    case 'has':
      return `has(${node.label})`;
    case 'not':
      return `!${selectorString(node.operand)}`;
    case 'and':
    case 'or':
      return `(${node.operands.map(selectorString).join(node.kind === 'and' ? ' && ' : ' || ')})`;
    case 'all':
      return 'all()';
    case 'global':
      return 'global()';
  }
}

export function evaluateSelector(node: SelectorNode, labels: Readonly<Record<string, string>>): boolean {
  const get = (label: string): string | undefined => (Object.hasOwn(labels, label) ? labels[label] : undefined);
  switch (node.kind) {
    case 'eq':
      return get(node.label) === node.value;
    case 'ne':
      return get(node.label) !== node.value;
    case 'contains': {
      const v = get(node.label);
      return v?.includes(node.value) ?? false;
    }
    case 'starts': {
      const v = get(node.label);
      return v?.startsWith(node.value) ?? false;
    }
    case 'ends': {
      const v = get(node.label);
      return v?.endsWith(node.value) ?? false;
    }
    case 'in': {
      const v = get(node.label);
      return v !== undefined && node.values.includes(v);
    }
    case 'notin': {
      const v = get(node.label);
      return v === undefined || !node.values.includes(v);
    }
    case 'has':
      return get(node.label) !== undefined;
    case 'not':
      return !evaluateSelector(node.operand, labels);
    case 'and':
      return node.operands.every((n) => evaluateSelector(n, labels));
    case 'or':
      return node.operands.some((n) => evaluateSelector(n, labels));
    case 'all':
    case 'global':
      return true;
  }
}

/** PrefixVisitor: every label name in the selector gets `prefix` in front. */
export function prefixLabels(node: SelectorNode, prefix: string): SelectorNode {
  switch (node.kind) {
    case 'not':
      return { kind: 'not', operand: prefixLabels(node.operand, prefix) };
    case 'and':
    case 'or':
      return { kind: node.kind, operands: node.operands.map((n) => prefixLabels(n, prefix)) };
    case 'all':
    case 'global':
      return node;
    default:
      return { ...node, label: `${prefix}${node.label}` };
  }
}

/** hash.MakeUniqueID: `<prefix>:` + base64url(sha224("<prefix>:<content>")). */
export function makeUniqueId(prefix: string, content: string): string {
  return `${prefix}:${base64UrlNoPad(sha224(utf8(`${prefix}:${content}`)))}`;
}

/** The ID felix names a selector's IP set after: `s:` + hash of the canonical text. */
export function selectorUniqueId(canonical: string): string {
  return makeUniqueId('s', canonical);
}

/** Parses and canonicalises in one step. */
export function canonicalSelector(text: string): string {
  return selectorString(parseSelector(text));
}
