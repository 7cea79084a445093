/**
 * `packet-lab shell`: an interactive shell on a fresh simulated host in a real terminal. The line
 * editor is node:readline (history, Tab completion of commands and file names); each line goes
 * through the machine shell with the terminal as its output; Ctrl-C interrupts the running command
 * (or drops the line being typed) and Ctrl-D on an empty line exits, as in bash.
 */
import { createInterface, type Interface } from 'node:readline';
import type { Command } from 'commander';
import { HostSession } from '../machine/session.ts';
import { resolvePath, type VirtualFs } from '../shell/fs.ts';
import { isComplete } from '../shell/parser.ts';
import type { CliIo } from './program.ts';

export interface TerminalStreams {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { columns?: number; isTTY?: boolean };
}

/** Registers `shell` on the program. */
export function addShellCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('shell')
    .description('an interactive shell on a fresh simulated Linux host (Ctrl-D exits)')
    .option('--seed <n>', 'seed of the simulation (addresses, MACs, timings)', '1')
    .action(async (options: { seed: string }) => {
      const seed = Number(options.seed);
      if (!Number.isInteger(seed) || seed < 0) {
        io.stderr(`packet-lab shell: --seed must be a non-negative integer, not "${options.seed}"\n`);
        setExit(2);
        return;
      }
      setExit(await runInteractiveShell(seed, { input: process.stdin, output: process.stdout }));
    });
}

/** The word under completion and whether it is in command position. */
function currentWord(line: string): { word: string; command: boolean } {
  const match = /(^|[\s|;&()`]+)([^\s|;&()`]*)$/.exec(line) as RegExpExecArray;
  const word = match[2] ?? '';
  const before = line.slice(0, line.length - word.length).trimEnd();
  return { word, command: before === '' || /(\|\||&&|[|;&(`]|\bdo|\bthen|\belse|sudo)$/.test(before) };
}

/** Completions of `word` as a path relative to `cwd`: directories end in `/`. */
function completeFiles(fs: VirtualFs, cwd: string, word: string): string[] {
  const slash = word.lastIndexOf('/');
  const dirPart = slash >= 0 ? word.slice(0, slash + 1) : '';
  const prefix = word.slice(slash + 1);
  const home = dirPart.startsWith('~/') ? `/root/${dirPart.slice(2)}` : dirPart;
  const dir = resolvePath(cwd, home === '' ? '.' : home);
  let names: string[];
  try {
    names = fs.readdir(dir);
  } catch {
    return [];
  }
  return names
    .filter((name) => name.startsWith(prefix) && (prefix.startsWith('.') || !name.startsWith('.')))
    .map((name) => `${dirPart}${name}${fs.isDir(resolvePath(dir, name)) ? '/' : ''}`);
}

function prompt(session: HostSession): string {
  const cwd = session.shell.cwd;
  const shown = cwd === '/root' ? '~' : cwd.startsWith('/root/') ? `~${cwd.slice(5)}` : cwd;
  return `root@${session.host.hostname}:${shown}# `;
}

/** Runs the interactive loop until Ctrl-D or `exit`; resolves to the last exit status. */
export function runInteractiveShell(seed: number, streams: TerminalStreams): Promise<number> {
  const history: string[] = [];
  const session = new HostSession({
    seed,
    paced: true,
    interactive: true,
    history: () => history,
    env: { COLUMNS: String(streams.output.columns ?? 80) },
  });
  const shell = session.shell;
  const terminal = { isTerminal: true, write: (chunk: string) => void streams.output.write(chunk) };
  let rl: Interface;
  const completer = (line: string): [string[], string] => {
    const { word, command } = currentWord(line);
    const files = completeFiles(shell.fs, shell.cwd, word);
    const hits = command && !word.includes('/') ? shell.commandNames().filter((n) => n.startsWith(word)) : files;
    return [hits.map((h) => (h.endsWith('/') || hits.length > 1 ? h : `${h} `)), word];
  };
  rl = createInterface({
    input: streams.input,
    output: streams.output,
    terminal: true,
    completer,
    historySize: 1000,
    removeHistoryDuplicates: false,
  });
  let status = 0;
  let pending = '';
  let running: AbortController | null = null;
  const queue: string[] = [];
  let closed = false;

  return new Promise<number>((resolve) => {
    const showPrompt = () => {
      rl.setPrompt(pending === '' ? prompt(session) : '> ');
      rl.prompt();
    };
    const runLine = async (line: string) => {
      pending = pending === '' ? line : `${pending}\n${line}`;
      if (!isComplete(pending)) return showPrompt();
      const text = pending;
      pending = '';
      if (text.trim() !== '') history.push(text);
      running = new AbortController();
      status = await shell.run(text, { stdout: terminal, stderr: terminal, signal: running.signal });
      running = null;
      if (shell.exited || closed) return finish();
      const next = queue.shift();
      if (next !== undefined) await runLine(next);
      else showPrompt();
    };
    const finish = () => {
      if (!closed) {
        closed = true;
        rl.close();
      }
      for (const job of shell.jobs) if (job.status === null) job.controller.abort('HUP');
      resolve(status);
    };
    rl.on('line', (line) => {
      if (running) queue.push(line);
      else void runLine(line);
    });
    rl.on('SIGINT', () => {
      streams.output.write('^C');
      if (running) {
        running.abort();
        return;
      }
      streams.output.write('\n');
      pending = '';
      rl.write(null, { ctrl: true, name: 'u' });
      showPrompt();
    });
    rl.on('close', () => {
      if (closed) return;
      closed = true;
      if (running) {
        running.abort();
        return;
      }
      streams.output.write('exit\n');
      finish();
    });
    showPrompt();
  });
}
