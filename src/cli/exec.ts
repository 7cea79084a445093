/** `packet-lab exec`: run commands on a fresh simulated host and print what they print. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { runScript } from '../machine/script.ts';
import type { CliIo } from './program.ts';

interface ExecOptions {
  command?: string;
  script?: string;
  seed: string;
  transcript?: boolean;
}

/** Registers `exec` on the program; the action resolves the exit status through `setExit`. */
export function addExecCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('exec')
    .description('run a command line (-c) or a script (--script) on a fresh simulated Linux host')
    .option('-c, --command <line>', 'the command line to run')
    .option('--script <file>', 'a script: one command per line, # comments')
    .option('--seed <n>', 'seed of the simulation (addresses, MACs, timings)', '1')
    .option('--transcript', 'print each command, its output and its exit status')
    .action((options: ExecOptions) => {
      if ((options.command === undefined) === (options.script === undefined)) {
        io.stderr('packet-lab exec: give exactly one of -c LINE or --script FILE\n');
        setExit(2);
        return;
      }
      const seed = Number(options.seed);
      if (!Number.isInteger(seed) || seed < 0) {
        io.stderr(`packet-lab exec: --seed must be a non-negative integer, not "${options.seed}"\n`);
        setExit(2);
        return;
      }
      let text: string;
      try {
        text = options.script !== undefined ? readFileSync(options.script, 'utf8') : (options.command ?? '');
      } catch (error) {
        io.stderr(
          `packet-lab exec: cannot read ${options.script}: ${(error as NodeJS.ErrnoException).code ?? String(error)}\n`,
        );
        setExit(2);
        return;
      }
      const entries = runScript(text, { seed });
      let status = 0;
      for (const entry of entries) {
        if (options.transcript) io.stdout(`$ ${entry.command}${entry.background ? ' &' : ''}\n`);
        io.stdout(entry.output);
        if (options.transcript) io.stdout(`[exit ${entry.status}]\n`);
        status = entry.status;
      }
      setExit(status);
    });
}
