import type { LabSummary } from '../../exercises/index.ts';

/** The `packet-lab labs` table: one lab per line, columns padded like kubectl's. */
export function formatLabList(labs: readonly LabSummary[]): string {
  if (labs.length === 0) return 'No labs yet.\n';
  const rows = [['ID', 'TITLE', 'SEEDS'], ...labs.map((lab) => [lab.id, lab.title.en, lab.seeds.join(',')])];
  const widths = rows[0]?.map((_, col) => Math.max(...rows.map((row) => row[col]?.length ?? 0))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, col) => (col === row.length - 1 ? cell : cell.padEnd((widths[col] ?? 0) + 3)))
        .join('')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}
