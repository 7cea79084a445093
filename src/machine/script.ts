/**
 * Runs a script on a fresh simulated host, one command line per entry, through one persistent
 * shell (so pipes, quotes, variables, `$(…)` and functions defined on earlier lines work), and
 * returns what each line printed and its exit status. This is the engine side of the kernel
 * differential suite and of `packet-lab exec --transcript`.
 *
 * Grammar (tests/kernel/README.md): blank lines and `#` comments are skipped; `cmd &` runs in the
 * background and its output belongs to its own entry; `wait` waits for every job; jobs still running
 * at the end get Ctrl-C (SIGINT) and are waited for. Stdin is empty; stdout and stderr are merged in
 * write order.
 */
import { nextMacrotask } from '../shell/clock.ts';
import type { Job } from '../shell/interpreter.ts';
import type { Writer } from '../shell/stream.ts';
import { HostSession } from './session.ts';

export interface ScriptEntry {
  command: string;
  background: boolean;
  output: string;
  status: number;
}

/** Splits a command line into words with POSIX single/double quotes and backslashes. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      current += line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
      inWord = true;
    } else if (c === '"') {
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1] as string)) i++;
        current += line[i];
        i++;
      }
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      current += line[++i];
      inWord = true;
    } else if (c === ' ' || c === '\t') {
      if (inWord) words.push(current);
      current = '';
      inWord = false;
    } else {
      current += c;
      inWord = true;
    }
  }
  if (inWord) words.push(current);
  return words;
}

/** Runs `script` line by line on a fresh host (or `session`) and returns one entry per command line. */
export async function runOnEngine(
  script: string,
  options: { seed: number; session?: HostSession },
): Promise<ScriptEntry[]> {
  const session = options.session ?? new HostSession({ seed: options.seed });
  const shell = session.shell;
  const entries: ScriptEntry[] = [];
  const jobs: { entry: ScriptEntry; job: Job }[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const background = /(^|[^&])&$/.test(line);
    const command = background ? line.slice(0, -1).trimEnd() : line;
    const entry: ScriptEntry = { command, background, output: '', status: 0 };
    entries.push(entry);
    const out: Writer = {
      write: (chunk) => {
        entry.output += chunk;
      },
    };
    if (background) {
      const before = new Set(shell.jobs);
      entry.status = await shell.run(`${command} &`, { stdout: out, stderr: out });
      const job = shell.jobs.find((j) => !before.has(j));
      if (job) jobs.push({ entry, job });
      // Let the job start (a capture opens its device) before the next line runs.
      await nextMacrotask();
      continue;
    }
    entry.status = await shell.run(command, { stdout: out, stderr: out });
  }
  // Jobs still running when the script ends get Ctrl-C; each entry takes its job's status.
  for (const { job } of jobs) if (job.status === null) job.controller.abort('INT');
  for (const { entry, job } of jobs) entry.status = await job.done;
  return entries;
}
