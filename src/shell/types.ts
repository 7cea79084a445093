import type { CommandOutput } from '../commands/types.ts';
import type { Clock } from './clock.ts';
import type { VirtualFs } from './fs.ts';
import type { Reader, Writer } from './stream.ts';

/** Standard input, output and error of one command. */
export interface Io {
  stdin: Reader;
  stdout: Writer;
  stderr: Writer;
}

/** Everything a command sees: its arguments, environment, files, streams, Ctrl-C and the clock. */
export interface CommandContext extends Io {
  /** argv[0] is the name the command was invoked by. */
  argv: string[];
  /** Exported variables, as a process environment. */
  env: Record<string, string>;
  /** Absolute working directory. */
  cwd: string;
  fs: VirtualFs;
  /** Aborted on Ctrl-C (or `kill`); long-running commands stop and resolve soon after. */
  signal: AbortSignal;
  clock: Clock;
  /** Runs another command by name the way the shell would (for xargs, watch, sh -c). */
  exec(argv: string[], io?: Partial<Io>): Promise<number>;
}

/** A command resolves to its exit status; it never throws for bad input (it prints and returns non-zero). */
export type Command = (ctx: CommandContext) => Promise<number>;

/** What a synchronous engine tool may read besides argv and stdin. */
export interface SimpleToolContext {
  cwd: string;
  env: Record<string, string>;
  fs: VirtualFs;
  /** Virtual time in milliseconds. */
  now: number;
}

/**
 * The shape of the engine's tools (ip, iptables, …): argv (argv[0] is the name) and the whole of
 * standard input in, complete output out. `toCommand` adapts it to the streaming interface.
 */
export type SimpleTool = (
  argv: string[],
  stdin: string,
  ctx: SimpleToolContext,
) => CommandOutput | Promise<CommandOutput>;
