/**
 * Runs a script on a fresh simulated host, one command per line, and returns what each command
 * printed and its exit status. This is the engine side of `packet-lab exec --script` and of the
 * kernel differential suite; the full shell language comes with src/shell.
 */
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
  const entries: ScriptEntry[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const background = /(^|[^&])&$/.test(line);
    const command = background ? line.slice(0, -1).trimEnd() : line;
    const sleep = /^sleep\s+(\d+(?:\.\d+)?)$/.exec(command);
    if (sleep) {
      host.kernel.clock.advance(Number(sleep[1]) * 1_000_000);
      entries.push({ command, background, output: '', status: 0 });
      continue;
    }
    if (command === 'wait') {
      entries.push({ command, background, output: '', status: 0 });
      continue;
    }
    const result = host.run(splitWords(command));
    entries.push({ command, background, output: result.stdout + result.stderr, status: result.exitCode });
  }
  return entries;
}

export async function runOnEngine(script: string, options: { seed: number }): Promise<ScriptEntry[]> {
  return runScript(script, options);
}
