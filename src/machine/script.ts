/**
 * Runs a script on a fresh simulated host, one command per line, and returns what each command
 * printed and its exit status. This is the engine side of `packet-lab exec --script` and of the
 * kernel differential suite; the full shell language comes with src/shell.
 */
import type { Job } from './capture.ts';
import { LinuxHost } from './host.ts';

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

export function runScript(script: string, options: { seed?: number } = {}): ScriptEntry[] {
  const host = new LinuxHost({ seed: options.seed ?? 1 });
  const events = host.kernel.events;
  const entries: ScriptEntry[] = [];
  const jobs: { entry: ScriptEntry; job: Job }[] = [];
  const finish = ({ entry, job }: { entry: ScriptEntry; job: Job }) => {
    const result = job.stop();
    entry.output = result.stderr.split('\n')[0] === '' ? result.stdout : mergeCapture(result);
    entry.status = result.exitCode;
  };
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const background = /(^|[^&])&$/.test(line);
    const command = background ? line.slice(0, -1).trimEnd() : line;
    const sleep = /^sleep\s+(\d+(?:\.\d+)?)$/.exec(command);
    const entry: ScriptEntry = { command, background, output: '', status: 0 };
    entries.push(entry);
    if (sleep) {
      events.runUntil(host.kernel.clock.micros + Number(sleep[1]) * 1_000_000);
      continue;
    }
    if (command === 'wait') {
      // Background jobs run until they end by themselves or nothing is left to happen.
      events.runWhile(() => jobs.some(({ job }) => !job.finished));
      for (const job of jobs.splice(0)) finish(job);
      continue;
    }
    const started = host.start(splitWords(command));
    if (started.kind === 'job') {
      if (background) {
        jobs.push({ entry, job: started.job });
        continue;
      }
      events.runWhile(() => !started.job.finished);
      finish({ entry, job: started.job });
      continue;
    }
    entry.output = started.output.stdout + started.output.stderr;
    entry.status = started.output.exitCode;
  }
  // Jobs still running when the script ends get Ctrl-C.
  for (const job of jobs.splice(0)) finish(job);
  return entries;
}

/** A capture prints its start line to stderr before any packet line, and its summary last. */
function mergeCapture(result: { stdout: string; stderr: string }): string {
  const lines = result.stderr.split('\n');
  const summaryAt = lines.findIndex((l) => /^\d+ packets? captured$/.test(l));
  const head = summaryAt < 0 ? result.stderr : `${lines.slice(0, summaryAt).join('\n')}\n`;
  const tail = summaryAt < 0 ? '' : lines.slice(summaryAt).join('\n');
  return head + result.stdout + tail;
}

export async function runOnEngine(script: string, options: { seed: number }): Promise<ScriptEntry[]> {
  return runScript(script, options);
}
