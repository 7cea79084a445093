/**
 * Word expansion in bash's order: braces, tilde, parameters, command substitution and arithmetic,
 * word splitting, globbing, quote removal.
 */
import { ArithError, evaluateArithmetic } from './arith.ts';
import type { List, ParamPart, Word, WordPart } from './ast.ts';
import type { VirtualFs } from './fs.ts';
import { resolvePath } from './fs.ts';
import { hasGlobChars, matchPattern, type Pattern, removeAffix, replacePattern } from './pattern.ts';

/** An expansion error (`${x:?msg}`, bad arithmetic): the command fails with `message`. */
export class ExpansionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpansionError';
  }
}

export interface ExpandContext {
  /** A variable or special parameter (`?`, `#`, `$`, `!`, `0`, `1`…), undefined when unset. */
  getVar(name: string): string | undefined;
  setVar(name: string, value: string): void;
  positional(): string[];
  commandSubstitution(body: List): Promise<string>;
  fs: VirtualFs;
  cwd: string;
  /** `set -u`: an unset variable is an error. */
  nounset: boolean;
}

interface Segment {
  text: string;
  /** Quoted text: never split, never a glob. */
  quoted: boolean;
  /** Result of an unquoted expansion: split on IFS. */
  split: boolean;
  /** Starts a new field (between the words of "$@"). */
  fieldBreak?: boolean;
}

// ---- brace expansion ---------------------------------------------------------------------------

type Item = { ch: string } | { part: WordPart };

function toItems(word: Word): Item[] {
  const items: Item[] = [];
  for (const part of word.parts) {
    if (part.type === 'lit') for (const ch of part.value) items.push({ ch });
    else items.push({ part });
  }
  return items;
}

function fromItems(items: Item[]): Word {
  const parts: WordPart[] = [];
  let lit = '';
  for (const item of items) {
    if ('ch' in item) lit += item.ch;
    else {
      if (lit) parts.push({ type: 'lit', value: lit });
      lit = '';
      parts.push(item.part);
    }
  }
  if (lit) parts.push({ type: 'lit', value: lit });
  return { parts };
}

function isCh(item: Item | undefined, ch: string): boolean {
  return item !== undefined && 'ch' in item && item.ch === ch;
}

function sequence(inner: Item[]): string[] | null {
  if (!inner.every((i) => 'ch' in i)) return null;
  const text = inner.map((i) => (i as { ch: string }).ch).join('');
  const num = /^(-?\d+)\.\.(-?\d+)(?:\.\.(-?\d+))?$/.exec(text);
  if (num) {
    const [, a = '', b = '', s] = num;
    const from = Number(a);
    const to = Number(b);
    let step = Math.abs(Number(s ?? 1)) || 1;
    if (from > to) step = -step;
    const width = /^-?0\d/.test(a) || /^-?0\d/.test(b) ? Math.max(a.length, b.length) : 0;
    const out: string[] = [];
    for (let v = from; step > 0 ? v <= to : v >= to; v += step) {
      const body = String(Math.abs(v)).padStart(width - (v < 0 ? 1 : 0), '0');
      out.push(v < 0 ? `-${body}` : body);
      if (out.length > 100000) break;
    }
    return out;
  }
  const chars = /^([A-Za-z])\.\.([A-Za-z])(?:\.\.(-?\d+))?$/.exec(text);
  if (chars) {
    const from = (chars[1] as string).charCodeAt(0);
    const to = (chars[2] as string).charCodeAt(0);
    let step = Math.abs(Number(chars[3] ?? 1)) || 1;
    if (from > to) step = -step;
    const out: string[] = [];
    for (let v = from; step > 0 ? v <= to : v >= to; v += step) out.push(String.fromCharCode(v));
    return out;
  }
  return null;
}

function braceExpand(items: Item[]): Item[][] {
  for (let open = 0; open < items.length; open++) {
    if (!isCh(items[open], '{')) continue;
    let depth = 0;
    const commas: number[] = [];
    let close = -1;
    for (let j = open + 1; j < items.length; j++) {
      if (isCh(items[j], '{')) depth++;
      else if (isCh(items[j], '}')) {
        if (depth === 0) {
          close = j;
          break;
        }
        depth--;
      } else if (isCh(items[j], ',') && depth === 0) commas.push(j);
    }
    if (close < 0) return [items];
    const inner = items.slice(open + 1, close);
    let alternatives: Item[][];
    if (commas.length > 0) {
      alternatives = [];
      let from = open + 1;
      for (const c of [...commas, close]) {
        alternatives.push(...braceExpand(items.slice(from, c)));
        from = c + 1;
      }
    } else {
      const seq = sequence(inner);
      if (seq === null) continue;
      alternatives = seq.map((s) => [...s].map((ch) => ({ ch })));
    }
    const prefix = items.slice(0, open);
    const suffixes = braceExpand(items.slice(close + 1));
    const out: Item[][] = [];
    for (const alt of alternatives) for (const s of suffixes) out.push([...prefix, ...alt, ...s]);
    return out;
  }
  return [items];
}

/** `{a,b}` and `{1..3}` on the unquoted text of a word. */
export function expandBraces(word: Word): Word[] {
  if (!word.parts.some((p) => p.type === 'lit' && p.value.includes('{'))) return [word];
  return braceExpand(toItems(word)).map(fromItems);
}

// ---- parameters --------------------------------------------------------------------------------

function tilde(word: Word, ctx: ExpandContext): Word {
  const first = word.parts[0];
  if (first?.type !== 'lit' || !first.value.startsWith('~')) return word;
  const m = /^~([A-Za-z0-9_.-]*)(?=\/|$)/.exec(first.value);
  if (!m) return word;
  const user = m[1] as string;
  let home: string | undefined;
  if (user === '') home = ctx.getVar('HOME');
  else if (user === 'root') home = '/root';
  else return word;
  if (home === undefined) return word;
  return {
    parts: [
      { type: 'quoted', value: home },
      { type: 'lit', value: first.value.slice(m[0].length) },
      ...word.parts.slice(1),
    ],
  };
}

async function wordToString(word: Word | null, ctx: ExpandContext): Promise<string> {
  if (word === null) return '';
  const segs = await expandParts(tilde(word, ctx).parts, ctx, false);
  return segs.map((s) => s.text).join('');
}

async function wordToPattern(word: Word | null, ctx: ExpandContext): Promise<Pattern> {
  if (word === null) return { text: '' };
  const segs = await expandParts(word.parts, ctx, false);
  const literal: boolean[] = [];
  let text = '';
  for (const s of segs) {
    text += s.text;
    for (let i = 0; i < s.text.length; i++) literal.push(s.quoted);
  }
  return { text, literal };
}

function arithVars(ctx: ExpandContext) {
  return { get: (n: string) => ctx.getVar(n), set: (n: string, v: string) => ctx.setVar(n, v) };
}

/** Evaluates an arithmetic word (after expanding `$x` and `$(…)` inside it). */
export async function evalArithWord(word: Word, ctx: ExpandContext): Promise<bigint> {
  const text = await wordToString(word, ctx);
  try {
    return evaluateArithmetic(text, arithVars(ctx));
  } catch (error) {
    if (error instanceof ArithError) throw new ExpansionError(error.message);
    throw error;
  }
}

function caseConvert(value: string, op: string): string {
  if (op === '^^') return value.toUpperCase();
  if (op === ',,') return value.toLowerCase();
  if (op === '^') return value.charAt(0).toUpperCase() + value.slice(1);
  return value.charAt(0).toLowerCase() + value.slice(1);
}

async function expandParam(p: ParamPart, ctx: ExpandContext, inDq: boolean): Promise<Segment[]> {
  const split = !inDq;
  const seg = (text: string): Segment[] => [{ text, quoted: inDq, split }];
  if (p.name === '@' || p.name === '*') {
    const args = ctx.positional();
    if (p.op === 'length') return seg(String(args.length));
    if (p.op === 'substr') {
      const list = [ctx.getVar('0') ?? '', ...args];
      let off = Number(await evalArithWord(p.arg ?? { parts: [] }, ctx));
      if (off < 0) off = Math.max(0, list.length + off);
      const len = p.arg2 ? Number(await evalArithWord(p.arg2, ctx)) : list.length;
      const picked = list.slice(off, off + Math.max(0, len));
      if (inDq && p.name === '@')
        return picked.map((a, i) => ({ text: a, quoted: true, split: false, fieldBreak: i > 0 }));
      return seg(picked.join(' '));
    }
    if (p.op === '') {
      if (inDq && p.name === '@') {
        return args.map((a, i) => ({ text: a, quoted: true, split: false, fieldBreak: i > 0 }));
      }
      const sep = inDq ? (ctx.getVar('IFS') ?? ' ').charAt(0) : ' ';
      return seg(args.join(sep));
    }
  }
  let value = ctx.getVar(p.name);
  const isSet = value !== undefined;
  const isNull = value === undefined || value === '';
  switch (p.op) {
    case '':
      break;
    case 'length':
      return seg(String([...(value ?? '')].length));
    case '-':
    case ':-':
      if (p.op === '-' ? !isSet : isNull) return p.arg ? expandParts(p.arg.parts, ctx, inDq) : [];
      break;
    case '=':
    case ':=':
      if (p.op === '=' ? !isSet : isNull) {
        value = await wordToString(p.arg, ctx);
        ctx.setVar(p.name, value);
      }
      break;
    case '+':
    case ':+':
      if (p.op === '+' ? isSet : !isNull) return p.arg ? expandParts(p.arg.parts, ctx, inDq) : [];
      return [];
    case '?':
    case ':?':
      if (p.op === '?' ? !isSet : isNull) {
        const msg = await wordToString(p.arg, ctx);
        throw new ExpansionError(`${p.name}: ${msg || 'parameter null or not set'}`);
      }
      break;
    case '#':
    case '##':
    case '%':
    case '%%':
      value = removeAffix(value ?? '', await wordToPattern(p.arg, ctx), p.op.startsWith('%'), p.op.length === 2);
      break;
    case '/':
    case '//':
    case '/#':
    case '/%':
      value = replacePattern(value ?? '', await wordToPattern(p.arg, ctx), await wordToString(p.arg2, ctx), p.op);
      break;
    case '^^':
    case '^':
    case ',,':
    case ',':
      value = caseConvert(value ?? '', p.op);
      break;
    case 'substr': {
      const chars = [...(value ?? '')];
      let off = Number(await evalArithWord(p.arg ?? { parts: [] }, ctx));
      if (off < 0) off = Math.max(0, chars.length + off);
      let end = chars.length;
      if (p.arg2) {
        const len = Number(await evalArithWord(p.arg2, ctx));
        end = len < 0 ? chars.length + len : off + len;
      }
      value = chars.slice(off, Math.max(off, end)).join('');
      break;
    }
  }
  if (value === undefined) {
    if (ctx.nounset && p.op === '' && !/^[@*#?$!0-]$/.test(p.name))
      throw new ExpansionError(`${p.name}: unbound variable`);
    return inDq ? seg('') : [];
  }
  return seg(value);
}

async function expandParts(parts: WordPart[], ctx: ExpandContext, inDq: boolean): Promise<Segment[]> {
  const out: Segment[] = [];
  for (const part of parts) {
    switch (part.type) {
      case 'lit':
        out.push({ text: part.value, quoted: inDq, split: false });
        break;
      case 'quoted':
        out.push({ text: part.value, quoted: true, split: false });
        break;
      case 'dq': {
        const inner = await expandParts(part.parts, ctx, true);
        const onlyAt = part.parts.length === 1 && part.parts[0]?.type === 'param' && part.parts[0].name === '@';
        if (inner.length === 0 && !onlyAt) out.push({ text: '', quoted: true, split: false });
        out.push(...inner);
        break;
      }
      case 'param':
        out.push(...(await expandParam(part, ctx, inDq)));
        break;
      case 'cmdsub': {
        const text = (await ctx.commandSubstitution(part.body)).replace(/\n+$/, '');
        out.push({ text, quoted: inDq, split: !inDq });
        break;
      }
      case 'arith':
        out.push({ text: (await evalArithWord(part.expr, ctx)).toString(), quoted: inDq, split: !inDq });
        break;
    }
  }
  return out;
}

// ---- splitting and globbing --------------------------------------------------------------------

interface Field {
  text: string;
  literal: boolean[];
  quoted: boolean;
}

function splitFields(segs: Segment[], ifs: string): Field[] {
  const fields: Field[] = [];
  let cur: Field | null = null;
  const ensure = (): Field => {
    cur ??= { text: '', literal: [], quoted: false };
    return cur;
  };
  const ifsWhite = [...ifs].filter((c) => c === ' ' || c === '\t' || c === '\n').join('');
  for (const seg of segs) {
    if (seg.fieldBreak) {
      fields.push(ensure());
      cur = null;
    }
    if (seg.split && ifs !== '') {
      for (const ch of seg.text) {
        if (ifsWhite.includes(ch)) {
          if (cur) fields.push(cur);
          cur = null;
        } else if (ifs.includes(ch)) {
          fields.push(ensure());
          cur = null;
        } else {
          const f = ensure();
          f.text += ch;
          f.literal.push(false);
        }
      }
      continue;
    }
    const f = ensure();
    f.text += seg.text;
    for (let i = 0; i < seg.text.length; i++) f.literal.push(seg.quoted);
    if (seg.quoted) f.quoted = true;
  }
  if (cur) fields.push(cur);
  return fields.filter((f) => f.text !== '' || f.quoted);
}

/** Expands a glob against the filesystem; sorted matches, or [] when nothing matches. */
export function glob(pattern: Pattern, fs: VirtualFs, cwd: string): string[] {
  const { text } = pattern;
  const literal = pattern.literal ?? [];
  const comps: Pattern[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === '/') {
      comps.push({ text: text.slice(start, i), literal: literal.slice(start, i) });
      start = i + 1;
    }
  }
  const absolute = text.startsWith('/');
  let paths: string[] = [absolute ? '/' : ''];
  comps.forEach((comp, idx) => {
    if (idx === 0 && absolute) return;
    const last = idx === comps.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      const join = (name: string) => (base === '' ? name : base.endsWith('/') ? base + name : `${base}/${name}`);
      if (comp.text === '') {
        if (last) next.push(base.endsWith('/') ? base : `${base}/`);
        continue;
      }
      if (!hasGlobChars(comp)) {
        const p = join(comp.text);
        if (fs.lstat(resolvePath(cwd, p)) !== null) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = fs.readdir(resolvePath(cwd, base === '' ? '.' : base));
      } catch {
        continue;
      }
      const dotOk = comp.text.startsWith('.');
      for (const name of names) {
        if (name.startsWith('.') && !dotOk) continue;
        if (!matchPattern(comp, name)) continue;
        const p = join(name);
        if (!last && !fs.isDir(resolvePath(cwd, p))) continue;
        next.push(p);
      }
    }
    paths = next;
  });
  return paths.filter((p) => p !== '' && p !== '/').sort();
}

/** Full expansion of command words into fields. */
export async function expandWords(words: Word[], ctx: ExpandContext): Promise<string[]> {
  const out: string[] = [];
  const ifs = ctx.getVar('IFS') ?? ' \t\n';
  for (const word of words) {
    for (const w of expandBraces(word)) {
      const segs = await expandParts(tilde(w, ctx).parts, ctx, false);
      for (const field of splitFields(segs, ifs)) {
        if (hasGlobChars(field)) {
          const matches = glob(field, ctx.fs, ctx.cwd);
          if (matches.length > 0) {
            out.push(...matches);
            continue;
          }
        }
        out.push(field.text);
      }
    }
  }
  return out;
}

/** Expansion to one string without splitting or globbing (assignments, redirections, here-docs). */
export function expandWord(word: Word, ctx: ExpandContext): Promise<string> {
  return wordToString(word, ctx);
}

/** Expansion to a pattern whose quoted characters match literally (`case`, `[[ == ]]`). */
export function expandPattern(word: Word, ctx: ExpandContext): Promise<Pattern> {
  return wordToPattern(tilde(word, ctx), ctx);
}
