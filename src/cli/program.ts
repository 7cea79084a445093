import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { labs } from '../../exercises/index.ts';
import { addAssignCommand } from './assign.ts';
import { addExecCommand } from './exec.ts';
import { addGradeCommand } from './grade.ts';
import { formatLabList } from './labs.ts';
import { addRenderCommand } from './render.ts';
import { addShellCommand } from './shell.ts';

export interface CliIo {
  stdout: (text: string) => unknown;
  stderr: (text: string) => unknown;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the command tree; every subcommand writes through `io` so tests can read it. */
export function buildProgram(io: CliIo, setExit: (code: number) => void = () => {}): Command {
  const program = new Command('packet-lab')
    .description('Kubernetes networking labs on a simulated Linux network stack.')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  program
    .command('labs')
    .description('list the labs: id, title and the seed documents each reproduces')
    .option('--json', 'print the list as JSON')
    .action((options: { json?: boolean }) => {
      io.stdout(options.json ? `${JSON.stringify(labs, null, 2)}\n` : formatLabList(labs));
    });

  addRenderCommand(program, io);
  addExecCommand(program, io, setExit);
  addShellCommand(program, io, setExit);
  addGradeCommand(program, io, setExit);
  addAssignCommand(program, io, setExit);

  return program;
}

/** Runs the CLI and returns the exit status instead of exiting, so it can be called in-process. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    io.stderr(`packet-lab: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
