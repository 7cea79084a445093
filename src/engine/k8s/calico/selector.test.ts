import { describe, expect, it } from 'vitest';
import {
  canonicalSelector,
  evaluateSelector,
  parseSelector,
  prefixLabels,
  selectorString,
  selectorUniqueId,
} from './selector.ts';

// Vectors from libcalico-go lib/selector/parser/parser_test.go.
const CANONICAL: [string, string, string?][] = [
  ['', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
  [' all() ', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
  [' (all() )', 'all()', 's:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug'],
  ['! (has( b)||! has(a ))', '!(has(b) || !has(a))', 's:Iss0uCleLYv1GSv_pNm7hAO58kE9jAx1NKyG3Q'],
  ['! (a == "b"&&! c != "d")', '!(a == "b" && !c != "d")', 's:lh3haoY1ikTRkd4UZu0nWSaIBknYLPJLX16d-w'],
  [`a == "'"`, `a == "'"`],
  [`a == '"'`, `a == '"'`],
  [`a contains '"'`, `a contains '"'`],
  [`a contains "'"`, `a contains "'"`],
  [`a startswith '"'`, `a starts with '"'`],
  [`a endswith "'"`, `a ends with "'"`],
  [`a!='"'`, `a != '"'`],
  ['a in {"d"}', 'a in {"d"}'],
  ['a in {"a", "b"}', 'a in {"a", "b"}'],
  ['a in {"d", "a", "b"}', 'a in {"a", "b", "d"}'],
  ['a in {"z", "x", "y", "a"}', 'a in {"a", "x", "y", "z"}'],
  ['a in {"z", "z", "x", "y", "x", "a"}', 'a in {"a", "x", "y", "z"}'],
];

const VISITOR: [string, string][] = [
  ["k == 'v'", 'visited/k == "v"'],
  ["k != 'v'", 'visited/k != "v"'],
  ["k contains 'v'", 'visited/k contains "v"'],
  ["k starts with 'v'", 'visited/k starts with "v"'],
  ["k ends with 'v'", 'visited/k ends with "v"'],
  ["k == 'v' && x == 'y'", '(visited/k == "v" && visited/x == "y")'],
  ["k == 'v' || has(x)", '(visited/k == "v" || has(visited/x))'],
  ["!(k == 'v')", '!visited/k == "v"'],
  ["k in {'v'}", 'visited/k in {"v"}'],
  ["k not in {'v'}", 'visited/k not in {"v"}'],
  [
    "!(!(k == 'v' && has(t) || all()) && (a in {'b', 'c'}))",
    '!(!((visited/k == "v" && has(visited/t)) || all()) && visited/a in {"b", "c"})',
  ],
];

const BAD = [
  'b == b',
  'b contains b',
  "'b1' == b",
  'b',
  'a b',
  '!',
  'foo == "bar" &',
  'foo == "bar" |',
  'foo != ||',
  'foo in {"", ||',
  'foo in ""',
  '"FOO',
  `"FOO'`,
  "'FOO",
  '(',
  '(a == "foo"',
  ')',
  '()',
  '%',
  'a == "b" && %',
  'a ',
  'has(foo) &&',
];

describe('selector canonical form and IDs (Calico parser_test vectors)', () => {
  for (const [input, expected, uid] of CANONICAL) {
    it(JSON.stringify(input), () => {
      const canon = canonicalSelector(input);
      expect(canon).toBe(expected);
      expect(canonicalSelector(canon)).toBe(canon);
      if (uid) expect(selectorUniqueId(canon)).toBe(uid);
    });
  }
  for (const bad of BAD) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      expect(() => parseSelector(bad)).toThrow();
    });
  }
  for (const [input, expected] of VISITOR) {
    it(`prefixes ${input}`, () => {
      expect(selectorString(prefixLabels(parseSelector(input), 'visited/'))).toBe(expected);
    });
  }
  it('the k8s NetworkPolicy peer selectors of the reference', () => {
    expect(
      canonicalSelector(
        "(projectcalico.org/namespace == 'demo') && (projectcalico.org/orchestrator == 'k8s' && app == 'client')",
      ),
    ).toBe('(projectcalico.org/namespace == "demo" && (projectcalico.org/orchestrator == "k8s" && app == "client"))');
  });
});

describe('selector evaluation (Calico parser_test vectors)', () => {
  const cases: [string, Record<string, string>[], Record<string, string>[]][] = [
    ['a == "b"', [{ a: 'b' }, { a: 'b', c: 'd' }], [{}, { a: 'c' }, { c: 'd' }]],
    [
      'a == "b" && c == "d"',
      [{ a: 'b', c: 'd' }],
      [{}, { a: 'b', c: 'e' }, { a: 'c', c: 'd' }, { c: 'd' }, { a: 'b' }],
    ],
    ['a == "b" || c == "d"', [{ a: 'b', c: 'd' }, { a: 'b' }, { c: 'd' }], [{}, { a: 'e', c: 'e' }, { c: 'e' }]],
    [`a in {"'", '"', "c"}`, [{ a: 'c' }, { a: '"' }, { a: "'" }], [{}, { a: 'e' }]],
    [`a not in {"'", '"', "c"}`, [{}, { a: 'e' }], [{ a: 'c' }, { a: '"' }, { a: "'" }]],
    ['a != "a"', [{}], [{ a: 'a' }]],
    ['a contains "a"', [{ a: 'bab' }], [{}, { a: 'b' }, { b: 'aaa' }]],
    ['a starts with "a"', [{ a: 'abb' }], [{}, { a: 'baa' }]],
    ['a ends with "a"', [{ a: 'bba' }], [{}, { a: 'aab' }]],
    ['!a in {"a"}', [{ a: 'b' }], [{ a: 'a' }]],
    ['!!has(b)', [], [{ a: 'b' }]],
    ['! !!has(a)', [], [{ a: 'b' }]],
    ['!(has(b) || !has(a))', [{ a: 'a' }], []],
    ["a != 'a1' || b != 'b1'", [], [{ a: 'a1', b: 'b1' }]],
    ["! a == 'a1' || ! b == 'b1'", [], [{ a: 'a1', b: 'b1' }]],
    ['global()', [{}], []],
  ];
  for (const [sel, yes, no] of cases) {
    it(sel, () => {
      const node = parseSelector(sel);
      for (const labels of yes) expect(evaluateSelector(node, labels)).toBe(true);
      for (const labels of no) expect(evaluateSelector(node, labels)).toBe(false);
    });
  }
});
