/**
 * `packet-lab exec`: run a command line or a script on a fresh simulated host through the machine
 * shell (the full language: pipes, loops, here-documents), stdout to stdout and stderr to stderr,
 * exiting with the script's status. `--transcript` prints each line with its output and status.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { formatTrace } from '../commands/trace.ts';
import { execOnScenario } from '../machine/contexts.ts';
import { runOnEngine } from '../machine/script.ts';
import { HostSession } from '../machine/session.ts';
import { labSession } from './labs.ts';
import type { CliIo } from './program.ts';

interface ExecOptions {
  command?: string;
  script?: string;
  seed: string;
  transcript?: boolean;
  trace?: boolean;
  scenario?: string;
  on?: string;
  lab?: string;
  instance?: string;
  assignment?: string;
  student?: string;
}

/** Registers `exec` on the program; the action resolves the exit status through `setExit`. */
export function addExecCommand(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('exec')
    .description('run a command line (-c) or a script (--script) on a fresh simulated Linux host')
    .option('-c, --command <line>', 'the command line to run')
    .option('--script <file>', 'a shell script to run')
    .option('--seed <n>', 'seed of the simulation (addresses, MACs, timings)', '1')
    .option('--transcript', 'run line by line, printing each command, its output and its exit status')
    .option('--trace', 'after the output, print every packet hop, rule hit and address rewrite (to stderr)')
    .option('--scenario <file>', 'build a lab from a scenario file (exercises/scenarios/*.yaml) instead of a bare host')
    .option('--on <context>', 'with --scenario: where to run: lab, node/NAME, pod/[NS/]NAME or host/NAME', 'lab')
    .option('--lab <id>', "run on a lab's host after its setup (see `packet-lab labs`)")
    .option('--instance <kind>', 'with --lab: canonical (default) or personal')
    .option('--assignment <name>', 'with --lab: the assignment id of a personal instance')
    .option('--student <id>', 'with --lab: the student id of a personal instance')
    .action(async (options: ExecOptions) => {
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
      if (options.scenario !== undefined) {
        let scenario: string;
        try {
          scenario = readFileSync(options.scenario, 'utf8');
        } catch (error) {
          io.stderr(`packet-lab exec: cannot read ${options.scenario}: ${(error as NodeJS.ErrnoException).code}\n`);
          setExit(2);
          return;
        }
        setExit(await execOnScenario(scenario, text, { seed, on: options.on, transcript: options.transcript }, io));
        return;
      }
      let session: HostSession | undefined;
      if (options.lab !== undefined) {
        const opened = await labSession({ ...options, lab: options.lab });
        if (typeof opened === 'string') {
          io.stderr(`packet-lab exec: ${opened}\n`);
          setExit(2);
          return;
        }
        session = opened;
      }
      if (options.transcript) {
        const entries = await runOnEngine(text, { seed, session });
        let status = 0;
        for (const entry of entries) {
          io.stdout(`$ ${entry.command}${entry.background ? ' &' : ''}\n`);
          io.stdout(entry.output);
          io.stdout(`[exit ${entry.status}]\n`);
          status = entry.status;
        }
        setExit(status);
        return;
      }
      setExit(await runThroughShell(text, seed, io, options.trace === true, session));
    });
}

/** Runs the whole text in one shell; jobs still running at the end get Ctrl-C and are waited for. */
export async function runThroughShell(
  text: string,
  seed: number,
  io: CliIo,
  trace = false,
  session: HostSession = new HostSession({ seed }),
): Promise<number> {
  const { shell, host } = session;
  host.kernel.stack.tracing = trace;
  const status = await shell.run(text, {
    stdout: { write: (chunk) => void io.stdout(chunk) },
    stderr: { write: (chunk) => void io.stderr(chunk) },
  });
  for (const job of shell.jobs) if (job.status === null) job.controller.abort('INT');
  await shell.waitForJobs();
  if (trace) {
    const names = new Map([...host.kernel.named].map(([name, ns]) => [ns, name]));
    io.stderr(
      formatTrace(
        host.kernel.stack.trace,
        (ns) => names.get(ns) ?? (ns === host.kernel.root ? 'root' : `netns:${ns.inode}`),
      ),
    );
  }
  return status;
}
