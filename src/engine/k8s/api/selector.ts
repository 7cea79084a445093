/**
 * Label selectors: the API's LabelSelector (matchLabels + matchExpressions) and the text form
 * `kubectl -l` takes (`app=web,tier!=db,env in (a,b),!legacy`), as apimachinery's labels package
 * parses and prints them.
 */
import type { LabelSelector } from './types.ts';

export type Requirement =
  | { key: string; op: '=' | '==' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!' };

export function matches(reqs: readonly Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
      case '==':
        return has && v === r.value;
      case '!=':
        return !has || v !== r.value;
      case 'in':
        return has && r.values.includes(v ?? '');
      case 'notin':
        return !has || !r.values.includes(v ?? '');
      case 'exists':
        return has;
      case '!':
        return !has;
    }
    return false;
  });
}

/** A LabelSelector as requirements; an empty selector selects everything. */
export function fromLabelSelector(sel: LabelSelector | undefined): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ key, op: '=', value });
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === 'In') reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
    else if (e.operator === 'NotIn') reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
    else if (e.operator === 'Exists') reqs.push({ key: e.key, op: 'exists' });
    else reqs.push({ key: e.key, op: '!' });
  }
  return reqs;
}

export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return matches(fromLabelSelector(sel), labels);
}

/** A Service's map selector: every pair must match. An empty map selects nothing (no selector). */
export function mapMatches(sel: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(sel).every(([k, v]) => labels?.[k] === v);
}

/** Parses `kubectl -l` text; returns an error message on bad syntax. */
export function parseSelector(text: string): Requirement[] | { error: string } {
  const reqs: Requirement[] = [];
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur !== '' || parts.length > 0) parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    const not = /^!\s*([\w./-]+)$/.exec(p);
    const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(p);
    const eq = /^([\w./-]+)\s*(==|!=|=)\s*([\w.-]*)$/.exec(p);
    const exists = /^([\w./-]+)$/.exec(p);
    if (not) reqs.push({ key: not[1] ?? '', op: '!' });
    else if (set)
      reqs.push({
        key: set[1] ?? '',
        op: set[2] as 'in' | 'notin',
        values: (set[3] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      });
    else if (eq) reqs.push({ key: eq[1] ?? '', op: eq[2] as '=' | '==' | '!=', value: eq[3] ?? '' });
    else if (exists) reqs.push({ key: exists[1] ?? '', op: 'exists' });
    else return { error: `unable to parse requirement: found '${p}', expected: identifier` };
  }
  return reqs;
}

/** metav1.FormatLabelSelector: how describe and `-o wide` print a LabelSelector. */
export function formatLabelSelector(sel: LabelSelector | undefined): string {
  if (!sel) return '<none>';
  const parts: string[] = [];
  const ml = Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [k, v] of ml) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  const s = parts.join(',');
  return s === '' ? '<none>' : s;
}

/** labels.FormatLabels / labels.Set.String: sorted `k=v` pairs, `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '<none>' : entries.map(([k, v]) => `${k}=${v}`).join(',');
}
