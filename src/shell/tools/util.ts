/** Option parsing and input handling shared by the text and file tools. */
import { FsError, resolvePath } from '../fs.ts';
import { type Reader, stringReader } from '../stream.ts';
import type { CommandContext } from '../types.ts';

export interface ParsedOptions {
  /** Last value per option key (true for a flag). */
  flags: Map<string, string | true>;
  /** Every value of options that repeat (`-e a -e b`). */
  all: Map<string, string[]>;
  operands: string[];
}

export interface OptionSpec {
  /** Single-letter flags without argument. */
  flags?: string;
  /** Single-letter options that take an argument. */
  withArg?: string;
  /** Long names mapped to a key; a trailing '=' on the name means it takes an argument. */
  long?: Record<string, string>;
}

/** GNU-style parsing: bundled flags, `-n5`/`-n 5`, `--name=value`, `--`, options after operands. */
export function parseOptions(tool: string, argv: string[], spec: OptionSpec): ParsedOptions | string {
  const out: ParsedOptions = { flags: new Map(), all: new Map(), operands: [] };
  const set = (k: string, v: string | true) => {
    out.flags.set(k, v);
    if (typeof v === 'string') out.all.set(k, [...(out.all.get(k) ?? []), v]);
  };
  const flags = spec.flags ?? '';
  const withArg = spec.withArg ?? '';
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--') {
      out.operands.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const entry = Object.entries(spec.long ?? {}).find(([n]) => n.replace(/=$/, '') === name);
      if (!entry) return `${tool}: unrecognized option '${a}'\nTry '${tool} --help' for more information.\n`;
      const [n, key] = entry;
      if (n.endsWith('=')) {
        const v = eq < 0 ? argv[++i] : a.slice(eq + 1);
        if (v === undefined)
          return `${tool}: option '--${name}' requires an argument\nTry '${tool} --help' for more information.\n`;
        set(key, v);
      } else set(key, true);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const c = a[j] as string;
        if (withArg.includes(c)) {
          const v = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
          if (v === undefined)
            return `${tool}: option requires an argument -- '${c}'\nTry '${tool} --help' for more information.\n`;
          set(c, v);
          break;
        }
        if (!flags.includes(c))
          return `${tool}: invalid option -- '${c}'\nTry '${tool} --help' for more information.\n`;
        set(c, true);
      }
      continue;
    }
    out.operands.push(a);
  }
  return out;
}

/** Opens each operand ('-' or none: stdin) in turn; a missing file is reported and skipped. */
export async function* inputs(
  ctx: CommandContext,
  tool: string,
  files: string[],
  onError: () => void,
): AsyncGenerator<{ name: string; reader: Reader }> {
  const list = files.length === 0 ? ['-'] : files;
  for (const f of list) {
    if (f === '-') {
      yield { name: '(standard input)', reader: ctx.stdin };
      continue;
    }
    const r = readFile(ctx, tool, f);
    if ('error' in r) {
      onError();
      await ctx.stderr.write(r.error);
      continue;
    }
    yield { name: f, reader: stringReader(r.text) };
  }
}

/** The file's text, or the line "tool: name: reason" to print. */
function readFile(ctx: CommandContext, tool: string, file: string): { text: string } | { error: string } {
  try {
    return { text: ctx.fs.readFile(resolvePath(ctx.cwd, file)) };
  } catch (e) {
    if (!(e instanceof FsError)) throw e;
    return { error: `${tool}: ${file}: ${e.message}\n` };
  }
}

/** Reads a file for a tool ('-' is stdin), printing `tool: file: reason` on failure. */
export async function readFileFor(ctx: CommandContext, tool: string, file: string): Promise<string | null> {
  if (file === '-') return ctx.stdin.readAll();
  const r = readFile(ctx, tool, file);
  if ('error' in r) {
    await ctx.stderr.write(r.error);
    return null;
  }
  return r.text;
}

/** All input of the operands concatenated (for tools that need everything, like sort). */
export async function readAllInputs(
  ctx: CommandContext,
  tool: string,
  files: string[],
): Promise<{ text: string; failed: boolean }> {
  let failed = false;
  let text = '';
  for await (const input of inputs(ctx, tool, files, () => {
    failed = true;
  })) {
    const t = await input.reader.readAll();
    text += t;
  }
  return { text, failed };
}

/** Splits text into lines, dropping the empty piece after a final newline. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines joined with a newline after each. */
export function joinLines(lines: string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
