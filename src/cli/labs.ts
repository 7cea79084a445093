import { findLab, type LabSummary } from '../../exercises/index.ts';
import { openLab } from '../grader/instance.ts';
import type { HostSession } from '../machine/session.ts';

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

/** The host of a lab instance for `exec --lab`, after its setup; a string says what was wrong. */
export async function labSession(options: {
  lab: string;
  instance?: string;
  assignment?: string;
  student?: string;
}): Promise<HostSession | string> {
  const lab = findLab(options.lab);
  if (!lab) return `unknown lab "${options.lab}" (see packet-lab labs)`;
  const personal = options.assignment !== undefined || options.student !== undefined;
  const kind = options.instance ?? (personal ? 'personal' : 'canonical');
  if (kind === 'canonical') {
    if (personal) return '--instance canonical takes no --assignment or --student';
    return (await openLab(lab, { kind: 'canonical' })).session;
  }
  if (kind !== 'personal') return `--instance must be canonical or personal, not "${kind}"`;
  if (!options.assignment || !options.student) return 'a personal instance needs --assignment and --student';
  return (await openLab(lab, { kind: 'personal', assignment: options.assignment, student: options.student })).session;
}
