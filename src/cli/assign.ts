/**
 * `packet-lab assign --lab ID --assignment NAME --roster roster.csv --base-url URL`: one personal
 * link per student, as CSV (the roster's columns, then the instance's seed and the link). The link
 * opens the lab's chapter with the assignment and student ids, from which the page derives the
 * same personal instance the grader rebuilds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { findLab, labs } from '../../exercises/index.ts';
import { personalSeed } from '../grader/instance.ts';
import type { CliIo } from './program.ts';

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF); blank lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    field = '';
  };
  const body = text.replace(/^\uFEFF/, '');
  while (i < body.length) {
    const c = body[i] as string;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      endRow();
      if (c === '\r' && body[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The personal link: the lab's chapter with the assignment and student in the query. */
export function personalLink(baseUrl: string, chapter: string, assignment: string, student: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const query = new URLSearchParams({ assignment, student });
  return `${base}chapters/${chapter}/?${query.toString()}`;
}

/** The roster with seed and link columns; throws with the line at fault when the roster is unusable. */
export function assignLinks(roster: string, labId: string, assignment: string, baseUrl: string): string {
  const lab = findLab(labId);
  if (!lab) throw new Error(`unknown lab "${labId}" (known: ${labs.map((l) => l.id).join(', ')})`);
  const [header, ...rows] = parseCsv(roster);
  if (!header) throw new Error('the roster is empty');
  const lower = header.map((h) => h.trim().toLowerCase());
  const column = ['student', 'student_id', 'id', 'login'].map((name) => lower.indexOf(name)).find((i) => i >= 0);
  if (column === undefined)
    throw new Error(`the roster's header needs a "student" (or "id") column; it has: ${header.join(', ')}`);
  const seen = new Set<string>();
  const out = [[...header, 'seed', 'link']];
  for (const [n, row] of rows.entries()) {
    const student = (row[column] ?? '').trim();
    if (student === '') throw new Error(`roster line ${n + 2}: no student id`);
    if (seen.has(student)) throw new Error(`roster line ${n + 2}: student "${student}" appears twice`);
    seen.add(student);
    const cells = header.map((_, i) => row[i] ?? '');
    out.push([
      ...cells,
      String(personalSeed(assignment, student)),
      personalLink(baseUrl, lab.chapter, assignment, student),
    ]);
  }
  return out.map((cells) => `${cells.map(csvCell).join(',')}\r\n`).join('');
}

interface AssignOptions {
  lab: string;
  assignment: string;
  roster: string;
  baseUrl: string;
  out?: string;
}

export function addAssignCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('assign')
    .description('write one personal lab link per student of a roster, as CSV')
    .requiredOption('--lab <id>', 'the lab (see `packet-lab labs`)')
    .requiredOption('--assignment <name>', 'the assignment id; with the student id it decides each instance')
    .requiredOption('--roster <file>', 'CSV with a header row and a "student" (or "id") column')
    .requiredOption('--base-url <url>', 'where the site is served, e.g. https://labs.example.edu/')
    .option('--out <file>', 'write the CSV to a file instead of stdout')
    .action((options: AssignOptions) => {
      const fail = (message: string) => {
        io.stderr(`packet-lab assign: ${message}\n`);
        setExit(2);
      };
      if (options.assignment.trim() === '') return fail('--assignment must not be empty');
      if (!/^https?:\/\/[^/\s]+/.test(options.baseUrl))
        return fail(`--base-url must be an http(s) URL, not "${options.baseUrl}"`);
      let roster: string;
      try {
        roster = readFileSync(options.roster, 'utf8');
      } catch (error) {
        return fail(`cannot read ${options.roster}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
      }
      let csv: string;
      try {
        csv = assignLinks(roster, options.lab, options.assignment, options.baseUrl);
      } catch (error) {
        return fail(error instanceof Error ? error.message : String(error));
      }
      if (options.out === undefined) io.stdout(csv);
      else {
        try {
          writeFileSync(options.out, csv);
        } catch (error) {
          return fail(`cannot write ${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
        }
      }
    });
}
