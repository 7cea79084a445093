/**
 * kubectl's JSONPath templates (k8s.io/client-go/util/jsonpath): text with `{…}` actions holding
 * field paths (`.items[*].metadata.name`, `['a.b']`, `[0]`, `[-1:]`, `[?(@.type=="InternalIP")]`,
 * `..name`), `range`/`end` and quoted literals. Results print as kubectl prints them: strings bare,
 * maps and lists as compact JSON, several results joined by a space.
 */
import { toCompactJson } from './format.ts';

type Step =
  | { t: 'field'; name: string }
  | { t: 'all' }
  | { t: 'index'; start?: number; end?: number; single: boolean }
  | { t: 'filter'; path: Step[]; op?: string; value?: string | number | boolean }
  | { t: 'recursive'; name: string };

type Node = { t: 'text'; text: string } | { t: 'path'; steps: Step[] } | { t: 'range'; steps: Step[]; body: Node[] };

export class JsonPathError extends Error {}

function parsePath(src: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const s = src.trim();
  if (s.startsWith('$')) i = 1;
  while (i < s.length) {
    const ch = s[i];
    if (s.startsWith('..', i)) {
      const m = /^\.\.([\w-]+)/.exec(s.slice(i));
      if (!m) throw new JsonPathError(`unrecognized identifier ${s.slice(i)}`);
      steps.push({ t: 'recursive', name: m[1] ?? '' });
      i += m[0].length;
    } else if (ch === '.') {
      const m = /^\.([\w/-]*|\*)/.exec(s.slice(i));
      const name = m?.[1] ?? '';
      if (name === '*') steps.push({ t: 'all' });
      else if (name !== '') steps.push({ t: 'field', name });
      i += (m?.[0].length ?? 1) || 1;
    } else if (ch === '[') {
      const close = s.indexOf(']', s[i + 1] === '?' ? s.indexOf(')', i) : i);
      if (close < 0) throw new JsonPathError('unterminated array');
      const inner = s.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') steps.push({ t: 'all' });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ t: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(')) {
        const body = inner.slice(2, -1).trim();
        const m = /^@((?:\.[\w/.-]+|\['[^']*'\])*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body);
        if (m) {
          const raw = (m[3] ?? '').trim();
          const value = /^['"].*['"]$/.test(raw)
            ? raw.slice(1, -1)
            : raw === 'true' || raw === 'false'
              ? raw === 'true'
              : Number(raw);
          steps.push({ t: 'filter', path: parsePath(m[1] ?? ''), op: m[2], value });
        } else steps.push({ t: 'filter', path: parsePath(body.replace(/^@/, '')) });
      } else {
        const m = /^(-?\d*)(?::(-?\d*))?$/.exec(inner);
        if (!m) throw new JsonPathError(`invalid array index ${inner}`);
        const single = m[2] === undefined;
        steps.push({
          t: 'index',
          single,
          start: m[1] === '' ? undefined : Number(m[1]),
          end: single ? undefined : m[2] === '' ? undefined : Number(m[2]),
        });
      }
    } else if (ch === ' ') i++;
    else {
      const m = /^[\w-]+/.exec(s.slice(i));
      if (!m)
        throw new JsonPathError(
          `unrecognized character in action: U+${(ch ?? '').charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${ch}'`,
        );
      steps.push({ t: 'field', name: m[0] });
      i += m[0].length;
    }
  }
  return steps;
}

function parseTemplate(tpl: string): Node[] {
  const root: Node[] = [];
  const stack: Node[][] = [root];
  let i = 0;
  const top = () => stack[stack.length - 1] ?? root;
  while (i < tpl.length) {
    const open = tpl.indexOf('{', i);
    if (open < 0) {
      top().push({ t: 'text', text: tpl.slice(i) });
      break;
    }
    if (open > i) top().push({ t: 'text', text: tpl.slice(i, open) });
    let close = open + 1;
    let quote = '';
    for (; close < tpl.length; close++) {
      const c = tpl[close];
      if (quote) {
        if (c === '\\') close++;
        else if (c === quote) quote = '';
      } else if (c === '"') quote = '"';
      else if (c === '}') break;
    }
    if (close >= tpl.length) throw new JsonPathError(`unclosed action`);
    const action = tpl.slice(open + 1, close).trim();
    i = close + 1;
    if (action.startsWith('range ')) {
      const node: Node = { t: 'range', steps: parsePath(action.slice(6)), body: [] };
      top().push(node);
      stack.push(node.body);
    } else if (action === 'end') {
      if (stack.length === 1) throw new JsonPathError('not in range, nothing to end');
      stack.pop();
    } else if (/^".*"$/s.test(action)) {
      top().push({ t: 'text', text: JSON.parse(action) as string });
    } else if (/^'.*'$/s.test(action)) {
      top().push({ t: 'text', text: action.slice(1, -1) });
    } else top().push({ t: 'path', steps: parsePath(action) });
  }
  return root;
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return Object.keys(o)
      .sort()
      .map((k) => o[k]);
  }
  return [];
}

function evalSteps(values: unknown[], steps: Step[], allowMissing: boolean): unknown[] {
  let cur = values;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      switch (step.t) {
        case 'field': {
          if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
            const o = v as Record<string, unknown>;
            if (Object.hasOwn(o, step.name)) next.push(o[step.name]);
            else if (!allowMissing) throw new JsonPathError(`${step.name} is not found`);
          }
          break;
        }
        case 'all':
          next.push(...children(v));
          break;
        case 'index': {
          if (!Array.isArray(v)) break;
          const len = v.length;
          const norm = (n: number) => (n < 0 ? n + len : n);
          if (step.single) {
            const idx = norm(step.start ?? 0);
            if (idx < 0 || idx >= len) {
              if (!allowMissing)
                throw new JsonPathError(`array index out of bounds: index ${step.start}, length ${len}`);
              break;
            }
            next.push(v[idx]);
          } else next.push(...v.slice(norm(step.start ?? 0), step.end === undefined ? len : norm(step.end)));
          break;
        }
        case 'filter': {
          for (const item of children(v)) {
            const got = evalSteps([item], step.path, true);
            if (step.op === undefined) {
              if (got.length > 0) next.push(item);
              continue;
            }
            const x = got[0];
            const want = step.value;
            const ok =
              step.op === '=='
                ? String(x) === String(want)
                : step.op === '!='
                  ? String(x) !== String(want)
                  : step.op === '<'
                    ? Number(x) < Number(want)
                    : step.op === '>'
                      ? Number(x) > Number(want)
                      : step.op === '<='
                        ? Number(x) <= Number(want)
                        : Number(x) >= Number(want);
            if (got.length > 0 && ok) next.push(item);
          }
          break;
        }
        case 'recursive': {
          const walk = (x: unknown) => {
            if (x !== null && typeof x === 'object' && !Array.isArray(x) && Object.hasOwn(x, step.name))
              next.push((x as Record<string, unknown>)[step.name]);
            for (const c of children(x)) walk(c);
          };
          walk(v);
          break;
        }
      }
    }
    cur = next;
  }
  return cur;
}

export function printValue(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return toCompactJson(v);
  return String(v);
}

function run(nodes: Node[], data: unknown, allowMissing: boolean): string {
  let out = '';
  for (const n of nodes) {
    if (n.t === 'text') out += n.text;
    else if (n.t === 'path') out += evalSteps([data], n.steps, allowMissing).map(printValue).join(' ');
    else for (const item of evalSteps([data], n.steps, allowMissing)) out += run(n.body, item, allowMissing);
  }
  return out;
}

/** Runs a template over a value; kubectl -o jsonpath allows missing keys (`--allow-missing-template-keys`). */
export function jsonpath(template: string, data: unknown, allowMissing = true): string {
  return run(parseTemplate(template), data, allowMissing);
}

/** The values one custom-columns path selects (`.metadata.name` or `{.metadata.name}`). */
export function selectValues(path: string, data: unknown): unknown[] {
  const src = path.startsWith('{') && path.endsWith('}') ? path.slice(1, -1) : path;
  return evalSteps([data], parsePath(src), true);
}
