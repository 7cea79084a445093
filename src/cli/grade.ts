/**
 * `packet-lab grade SUBMISSION...`: replays every submission on a fresh engine and reports
 * per-student, per-task points with feedback (table, csv, json or junit, to stdout or --out).
 * Unreplayable files are reported with their reason and the batch goes on; the status is 0 when
 * every file could be graded, 1 otherwise. A progress bar goes to stderr on a terminal only.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { gradeFiles } from '../grader/batch.ts';
import { FORMATS, formatReport, type ReportFormat } from '../grader/report.ts';
import { engineVersion } from '../grader/version.ts';
// Type only: t.ts imports JSON the way Vite does, which plain Node refuses.
import type { Locale } from '../ui/i18n/t.ts';
import type { CliIo } from './program.ts';

interface GradeOptions {
  format: string;
  out?: string;
  jobs: string;
  locale: string;
  progress?: boolean;
}

function progressBar(done: number, total: number, startedMs: number): string {
  const width = 30;
  const filled = Math.round((done / Math.max(total, 1)) * width);
  const seconds = (Date.now() - startedMs) / 1000;
  const rate = seconds > 0 ? (done / seconds).toFixed(1) : '0.0';
  return `\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}  ${rate}/s`;
}

export function addGradeCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('grade')
    .description('replay submissions on a fresh engine and report points and feedback per student and task')
    .argument('<submissions...>', 'submission files (JSON written by a lab page)')
    .option('--format <format>', `report format: ${FORMATS.join(', ')}`, 'table')
    .option('--out <file>', 'write the report to a file instead of stdout')
    .option('--jobs <n>', 'grade with this many worker threads', '1')
    .option('--locale <locale>', 'language of the feedback: en or ko', 'en')
    .option('--no-progress', 'never draw the progress bar')
    .action(async (files: string[], options: GradeOptions) => {
      const usage = (message: string) => {
        io.stderr(`packet-lab grade: ${message}\n`);
        setExit(2);
      };
      if (!(FORMATS as readonly string[]).includes(options.format))
        return usage(`--format must be one of ${FORMATS.join(', ')}, not "${options.format}"`);
      const jobs = Number(options.jobs);
      if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256)
        return usage(`--jobs must be a whole number from 1 to 256, not "${options.jobs}"`);
      if (options.locale !== 'en' && options.locale !== 'ko')
        return usage(`--locale must be en or ko, not "${options.locale}"`);
      const locale: Locale = options.locale;
      const tty = options.progress !== false && process.stderr.isTTY === true;
      const started = Date.now();
      const engine = engineVersion();
      const results = await gradeFiles(files, {
        engine,
        locale,
        jobs,
        ...(tty ? { onProgress: (done, total) => io.stderr(progressBar(done, total, started)) } : {}),
      });
      if (tty) io.stderr('\n');
      const report = formatReport(results, options.format as ReportFormat, engine);
      if (options.out !== undefined) {
        try {
          writeFileSync(options.out, report);
        } catch (error) {
          io.stderr(
            `packet-lab grade: cannot write ${options.out}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
          );
          setExit(2);
          return;
        }
      } else io.stdout(report);
      setExit(results.some((r) => r.status === 'unreplayable') ? 1 : 0);
    });
}
