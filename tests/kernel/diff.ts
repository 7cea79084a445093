/** A unified line diff for failure messages: `-` lines are expected only, `+` lines actual only. */

type Op = { kind: ' ' | '-' | '+'; text: string; a: number; b: number };

function operations(expected: string[], actual: string[]): Op[] {
  const n = expected.length;
  const m = actual.length;
  // lcs[i][j] = length of the longest common subsequence of expected[i..] and actual[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array;
    const below = lcs[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--) {
      row[j] = expected[i] === actual[j] ? (below[j + 1] ?? 0) + 1 : Math.max(below[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && expected[i] === actual[j]) {
      ops.push({ kind: ' ', text: expected[i] ?? '', a: i++, b: j++ });
    } else if (i < n && (j === m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      ops.push({ kind: '-', text: expected[i] ?? '', a: i++, b: j });
    } else {
      ops.push({ kind: '+', text: actual[j] ?? '', a: i, b: j++ });
    }
  }
  return ops;
}

/**
 * Hunks of differing lines with `context` unchanged lines around them, headed `@@ -a +b @@` with
 * 1-based line numbers; trailing spaces are made visible as `·` so they can be told apart. Empty
 * when the texts are equal.
 */
export function lineDiff(expected: string, actual: string, context = 3): string {
  if (expected === actual) return '';
  const ops = operations(expected.split('\n'), actual.split('\n'));
  const show = (text: string) => text.replace(/ +$/, (spaces) => '·'.repeat(spaces.length));
  const keep = ops.map(() => false);
  ops.forEach((op, index) => {
    if (op.kind === ' ') return;
    for (let k = Math.max(0, index - context); k <= Math.min(ops.length - 1, index + context); k++) keep[k] = true;
  });
  const out: string[] = [];
  let previous = -2;
  ops.forEach((op, index) => {
    if (!keep[index]) return;
    if (index !== previous + 1) out.push(`@@ -${op.a + 1} +${op.b + 1} @@`);
    out.push(`${op.kind}${show(op.text)}`);
    previous = index;
  });
  return out.join('\n');
}
