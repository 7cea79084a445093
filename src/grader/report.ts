/**
 * A batch of grade results as an instructor reads them: a padded table with each failed check's
 * feedback below, CSV for a gradebook (one row per submission, one column per task), JSON with
 * everything, or JUnit XML for CI dashboards (a test suite per submission, a test case per check).
 */
import type { GradeResult } from './grade.ts';

export const FORMATS = ['table', 'csv', 'json', 'junit'] as const;
export type ReportFormat = (typeof FORMATS)[number];

export function formatReport(results: readonly GradeResult[], format: ReportFormat, engine: string): string {
  switch (format) {
    case 'table':
      return formatTable(results);
    case 'csv':
      return formatCsv(results);
    case 'json':
      return `${JSON.stringify(
        {
          engine,
          graded: results.filter((r) => r.status === 'graded').length,
          unreplayable: results.filter((r) => r.status === 'unreplayable').length,
          results,
        },
        null,
        2,
      )}\n`;
    case 'junit':
      return formatJunit(results);
  }
}

/** Task ids in the order they first appear across the batch. */
function taskIds(results: readonly GradeResult[]): string[] {
  const ids: string[] = [];
  for (const result of results) for (const task of result.tasks) if (!ids.includes(task.id)) ids.push(task.id);
  return ids;
}

function who(result: GradeResult): string {
  return result.student ?? (result.instance === 'canonical' ? '(canonical)' : '-');
}

function pad(rows: string[][]): string {
  const widths = (rows[0] ?? []).map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd((widths[col] ?? 0) + 2)))
        .join('')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function formatTable(results: readonly GradeResult[]): string {
  if (results.length === 0) return 'No submissions.\n';
  const out: string[] = [];
  const graded = results.filter((r) => r.status === 'graded');
  for (const lab of [...new Set(graded.map((r) => r.lab))]) {
    const mine = graded.filter((r) => r.lab === lab);
    const ids = taskIds(mine);
    out.push(`${lab}: ${mine[0]?.labTitle ?? ''} (${mine[0]?.max ?? 0} points)\n`);
    const rows = [
      ['SUBMISSION', 'ASSIGNMENT', 'STUDENT', 'POINTS', ...ids],
      ...mine.map((r) => [
        r.source,
        r.assignment ?? '-',
        who(r),
        `${r.points}/${r.max}`,
        ...ids.map((id) => {
          const task = r.tasks.find((t) => t.id === id);
          return task ? `${task.points}/${task.max}` : '-';
        }),
      ]),
    ];
    out.push(pad(rows), '\n');
  }
  const bad = results.filter((r) => r.status === 'unreplayable');
  if (bad.length > 0) {
    out.push('Unreplayable\n');
    out.push(pad([['SUBMISSION', 'REASON'], ...bad.map((r) => [r.source, r.reason ?? ''])]), '\n');
  }
  const notes = graded.filter((r) => r.notes.length > 0 || r.points < r.max);
  if (notes.length > 0) out.push('Feedback\n');
  for (const r of notes) {
    out.push(`${r.source} (${who(r)}) ${r.points}/${r.max}\n`);
    for (const note of r.notes) out.push(`  note: ${note}\n`);
    for (const task of r.tasks)
      for (const check of task.checks.filter((c) => !c.ok)) {
        out.push(`  ${task.id}/${check.id} (0/${check.max}): ${check.what}\n`);
        if (check.feedback) out.push(`    ${check.feedback}\n`);
        if (check.hint) out.push(`    hint ${check.hint.index + 1}: ${check.hint.text}\n`);
      }
  }
  return out.join('').replace(/\n+$/, '\n');
}

function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function formatCsv(results: readonly GradeResult[]): string {
  const ids = taskIds(results);
  const header = ['source', 'lab', 'instance', 'assignment', 'student', 'seed', 'status', 'reason', 'points', 'max'];
  const rows = results.map((r) => {
    const feedback = r.tasks.flatMap((task) =>
      task.checks.filter((c) => !c.ok).map((c) => `${task.id}/${c.id}: ${c.feedback ?? c.what}`),
    );
    return [
      r.source,
      r.lab,
      r.instance,
      r.assignment,
      r.student,
      r.seed,
      r.status,
      r.reason,
      r.status === 'graded' ? r.points : undefined,
      r.status === 'graded' ? r.max : undefined,
      ...ids.map((id) => r.tasks.find((t) => t.id === id)?.points),
      [...r.notes, ...feedback].join(' | '),
    ];
  });
  return [[...header, ...ids, 'feedback'], ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

function xml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function formatJunit(results: readonly GradeResult[]): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  for (const r of results) {
    if (r.status === 'unreplayable') {
      tests++;
      errors++;
      suites.push(
        `  <testsuite name="${xml(r.source)}" tests="1" failures="0" errors="1">\n` +
          `    <testcase classname="submission" name="replay">\n` +
          `      <error message="${xml(r.reason ?? '')}"/>\n    </testcase>\n  </testsuite>\n`,
      );
      continue;
    }
    const cases = r.tasks.flatMap((task) => task.checks.map((check) => ({ task, check })));
    const failed = cases.filter(({ check }) => !check.ok).length;
    tests += cases.length;
    failures += failed;
    const props = [
      ['source', r.source],
      ['assignment', r.assignment ?? ''],
      ['student', r.student ?? ''],
      ['seed', String(r.seed ?? '')],
      ['points', String(r.points)],
      ['max', String(r.max)],
      ...r.notes.map((note) => ['note', note]),
    ]
      .map(([name, value]) => `      <property name="${xml(name ?? '')}" value="${xml(value ?? '')}"/>\n`)
      .join('');
    const body = cases
      .map(({ task, check }) => {
        const open = `    <testcase classname="${xml(`${r.lab}.${task.id}`)}" name="${xml(`${check.id}: ${check.what} (${check.max} points)`)}"`;
        if (check.ok) return `${open}/>\n`;
        const detail = check.hint ? `hint ${check.hint.index + 1}: ${check.hint.text}` : '';
        return `${open}>\n      <failure message="${xml(check.feedback ?? '')}">${xml(detail)}</failure>\n    </testcase>\n`;
      })
      .join('');
    suites.push(
      `  <testsuite name="${xml(`${who(r)} ${r.lab}`)}" tests="${cases.length}" failures="${failed}" errors="0">\n` +
        `    <properties>\n${props}    </properties>\n${body}  </testsuite>\n`,
    );
  }
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="packet-lab grade" tests="${tests}" failures="${failures}" errors="${errors}">\n` +
    `${suites.join('')}</testsuites>\n`
  );
}
