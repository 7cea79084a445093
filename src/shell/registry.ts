import type { Command, CommandContext, SimpleTool } from './types.ts';

export interface RegisteredCommand {
  name: string;
  /** Where `which` and `type` say the command lives, e.g. /usr/sbin/ip. */
  path: string;
  run: Command;
  /** Signals the command handles itself (tcpdump and ping print their statistics on Ctrl-C). */
  catches?: ReadonlySet<string>;
}

export interface RegisterOptions {
  path?: string;
  /**
   * Signal names (`INT` for Ctrl-C, `TERM`, …) the command catches: when one stops it, the status it
   * returns stands instead of 128+n. The rest of the line is still interrupted.
   */
  catches?: readonly string[];
}

/**
 * Names to commands. A registry can sit on a parent (the text tools) so a host adds the engine's
 * tools per context without copying or mutating the shared set.
 */
export class CommandRegistry {
  private readonly commands = new Map<string, RegisteredCommand>();
  private readonly parent: CommandRegistry | undefined;

  constructor(parent?: CommandRegistry) {
    this.parent = parent;
  }

  register(name: string, run: Command, options: RegisterOptions = {}): this {
    const catches = options.catches ? new Set(options.catches) : undefined;
    this.commands.set(name, { name, path: options.path ?? `/usr/bin/${name}`, run, ...(catches ? { catches } : {}) });
    return this;
  }

  /** Registers a synchronous tool of the engine's shape (argv and whole stdin in, output out). */
  registerSimple(name: string, tool: SimpleTool, options: RegisterOptions & { readStdin?: boolean } = {}): this {
    return this.register(name, toCommand(tool, options.readStdin ?? true), options);
  }

  get(name: string): RegisteredCommand | undefined {
    return this.commands.get(name) ?? this.parent?.get(name);
  }

  /** The command installed at an absolute path (/usr/sbin/ip, or /bin/ls for /usr/bin/ls). */
  byPath(path: string): RegisteredCommand | undefined {
    const base = path.slice(path.lastIndexOf('/') + 1);
    const found = this.get(base);
    if (!found) return undefined;
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const foundDir = found.path.slice(0, found.path.lastIndexOf('/'));
    const aliases = (d: string) => [d, d.replace(/^\/usr/, ''), d.startsWith('/usr') ? d : `/usr${d}`];
    return aliases(foundDir).includes(dir) ? found : undefined;
  }

  names(): string[] {
    const names = new Set(this.parent?.names() ?? []);
    for (const n of this.commands.keys()) names.add(n);
    return [...names].sort();
  }
}

/** Adapts a synchronous tool: reads all of stdin (unless told not to), then writes its output. */
export function toCommand(tool: SimpleTool, readStdin = true): Command {
  return async (ctx: CommandContext) => {
    const stdin = readStdin ? await ctx.stdin.readAll() : '';
    const out = await tool(ctx.argv, stdin, { cwd: ctx.cwd, env: ctx.env, fs: ctx.fs, now: ctx.clock.now() });
    if (out.stdout) await ctx.stdout.write(out.stdout);
    if (out.stderr) await ctx.stderr.write(out.stderr);
    return out.exitCode;
  };
}
