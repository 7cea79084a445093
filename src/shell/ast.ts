/** The syntax tree the parser builds and the interpreter walks. */

export type WordPart =
  /** Unquoted text: subject to brace expansion, tilde, splitting of nothing (it is literal), globbing. */
  | { type: 'lit'; value: string }
  /** Text from '…', $'…' or a backslash escape: taken literally, never split or globbed. */
  | { type: 'quoted'; value: string }
  | { type: 'dq'; parts: WordPart[] }
  | ParamPart
  | { type: 'cmdsub'; body: List }
  | { type: 'arith'; expr: Word };

/**
 * `$x`, `${x}` and `${x<op><arg>}`. op is '' for a plain reference, 'length' for `${#x}`,
 * 'substr' for `${x:off:len}` (arg = offset, arg2 = length), or the operator text (':-', '##', '//', '^^', …).
 */
export interface ParamPart {
  type: 'param';
  name: string;
  op: string;
  arg: Word | null;
  arg2: Word | null;
}

export interface Word {
  parts: WordPart[];
}

export type RedirOp = '<' | '>' | '>>' | '>|' | '<>' | '>&' | '<&' | '&>' | '&>>' | '<<' | '<<-' | '<<<';

export interface Redir {
  /** The file descriptor written before the operator (`2>`), or null for the operator's default. */
  fd: number | null;
  op: RedirOp;
  /** The file, the fd for `>&`/`<&`, the here-string, or a here-document's body. */
  target: Word;
}

export interface Assign {
  name: string;
  append: boolean;
  value: Word;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assign[];
  words: Word[];
  redirs: Redir[];
}

export interface CaseItem {
  patterns: Word[];
  body: List;
  /** `;;` stops, `;&` falls through into the next body, `;;&` tests the next patterns. */
  terminator: ';;' | ';&' | ';;&';
}

export type CondExpr =
  | { type: 'and' | 'or'; left: CondExpr; right: CondExpr }
  | { type: 'not'; expr: CondExpr }
  | { type: 'unary'; op: string; arg: Word }
  | { type: 'binary'; op: string; left: Word; right: Word }
  | { type: 'word'; word: Word };

export type CompoundBody =
  | { type: 'subshell'; body: List }
  | { type: 'group'; body: List }
  | { type: 'if'; clauses: { cond: List; body: List }[]; elseBody: List | null }
  | { type: 'for'; name: string; items: Word[] | null; body: List }
  | { type: 'arithfor'; init: Word; cond: Word; step: Word; body: List }
  | { type: 'while'; until: boolean; cond: List; body: List }
  | { type: 'case'; word: Word; items: CaseItem[] }
  | { type: 'arithcmd'; expr: Word }
  | { type: 'cond'; expr: CondExpr };

export type CompoundCommand = CompoundBody & { redirs: Redir[] };

export interface FunctionDef {
  type: 'function';
  name: string;
  body: CompoundCommand;
}

export type CommandNode = SimpleCommand | CompoundCommand | FunctionDef;

export interface Pipeline {
  negate: boolean;
  commands: CommandNode[];
  /** pipeStderr[i]: stage i is joined to the next with `|&`. */
  pipeStderr: boolean[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

export interface ListItem {
  andOr: AndOr;
  background: boolean;
  /** The source text, shown by `jobs`. */
  text: string;
}

export interface List {
  items: ListItem[];
}
