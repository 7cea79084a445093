/**
 * `iptables-restore [--noflush] [--counters] [-T table] [--test]`: reads restore text from standard
 * input. Each table section is built on the side and swapped in at its COMMIT, so a failing section
 * leaves the table as it was while earlier sections stay committed, as with iptables-nft-restore.
 */
import {
  cloneTable,
  emptyTable,
  flushChain,
  isBuiltin,
  isTableName,
  newChain,
  setPolicy,
} from '../../engine/linux/netfilter/state.ts';
import type { Chain, NetfilterState, Table, TableName } from '../../engine/linux/netfilter/types.ts';
import { XtablesError } from '../../engine/linux/netfilter/types.ts';
import type { CommandOutput } from '../types.ts';
import { fail, ok } from '../types.ts';
import { execute } from './execute.ts';
import { parseCommand } from './parse.ts';
import { versionTag } from './program.ts';

export interface IptablesRestoreEnv {
  now: number;
}

const USAGE =
  'Usage: iptables-restore [-c] [-v] [-V] [-t] [-h] [-n] [-T table] [-M command] [-4] [-6] [file]\n' +
  '\t   [ --counters ]\n\t   [ --verbose ]\n\t   [ --version]\n\t   [ --test ]\n\t   [ --help ]\n' +
  '\t   [ --noflush ]\n\t   [ --table=<TABLE> ]\n\t   [ --modprobe=<command> ]\n\t   [ --ipv4 ]\n\t   [ --ipv6 ]\n';

interface Options {
  counters: boolean;
  noflush: boolean;
  test: boolean;
  table?: string;
}

/**
 * Splits a rule line into words as xtables' add_param_to_argv does: blanks separate words, a double
 * quote opens a word that the next unescaped double quote ends, and `\` escapes inside quotes.
 * Words are sliced, not built a character at a time, so chain names hash fast later.
 */
export function splitRestoreLine(line: string): string[] {
  const words: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    let word = '';
    let start = i;
    let quoted = false;
    for (; i < n; i++) {
      const ch = line.charCodeAt(i);
      if (quoted) {
        if (ch === 92 && i + 1 < n) {
          word += line.slice(start, i);
          start = ++i;
        } else if (ch === 34) {
          word += line.slice(start, i);
          i++;
          quoted = false;
          start = -1;
          break;
        }
      } else if (ch === 34) {
        word += line.slice(start, i);
        quoted = true;
        start = i + 1;
      } else if (ch === 32 || ch === 9) {
        break;
      }
    }
    if (start >= 0) word += line.slice(start, i);
    words.push(word);
  }
  return words;
}

/** One `*table` … `COMMIT` section: the table being built and what to check at COMMIT. */
interface Section {
  name: TableName;
  table: Table | null;
  skip: boolean;
  /** The first nf_tables batch failure, reported at COMMIT. */
  error?: string;
  /** Chains that rules jump to, which must exist at COMMIT. */
  jumps: Set<string>;
}

class RestoreFailure {
  readonly output: CommandOutput;
  constructor(output: CommandOutput) {
    this.output = output;
  }
}

function parseOptions(argv: readonly string[], program: string): Options | CommandOutput {
  const opts: Options = { counters: false, noflush: false, test: false };
  const hint = `Try \`${program} -h' for more information.\n`;
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '-c' || word === '--counters') opts.counters = true;
    else if (word === '-n' || word === '--noflush') opts.noflush = true;
    else if (word === '-t' || word === '--test') opts.test = true;
    else if (word === '-v' || word === '--verbose' || word === '-4' || word === '--ipv4') continue;
    else if (word === '-w' || word === '--wait' || word === '-W' || word === '--wait-interval') continue;
    else if (word === '-V' || word === '--version') return ok(`${program} ${versionTag(program)}\n`);
    else if (word === '-h' || word === '--help') return { stdout: '', stderr: USAGE, exitCode: 0 };
    else if (word === '-T' || word === '--table') {
      const table = argv[++i];
      if (table === undefined) return fail(`${program}: option requires an argument -- 'T'\n${hint}`, 1);
      opts.table = table;
    } else if (word.startsWith('--table=')) opts.table = word.slice(8);
    else if (word === '-M' || word === '--modprobe') i++;
    else if (word.startsWith('--')) return fail(`${program}: unrecognized option '${word}'\n${hint}`, 1);
    else if (word.startsWith('-') && word.length > 1)
      return fail(`${program}: invalid option -- '${word[1]}'\n${hint}`, 1);
    else return fail(`Can't open ${word}: No such file or directory\n`, 1);
  }
  return opts;
}

/** `argv[0]` is the program name; the restore text comes on `stdin`. */
export function runIptablesRestore(
  argv: readonly string[],
  stdin: string,
  state: NetfilterState,
  _env: IptablesRestoreEnv,
): CommandOutput {
  const program = (argv[0] ?? 'iptables-restore').split('/').pop() ?? 'iptables-restore';
  const opts = parseOptions(argv, program);
  if ('exitCode' in opts) return opts;
  try {
    restore(stdin, state, opts, program);
    return ok();
  } catch (err) {
    if (err instanceof RestoreFailure) return err.output;
    throw err;
  }
}

function restore(stdin: string, state: NetfilterState, opts: Options, program: string): void {
  const prefix = `${program} ${versionTag(program)}: `;
  const tryHelp = `Try \`${program} -h' or '${program} --help' for more information.\n`;
  const paramError = (line: number, err: XtablesError): never => {
    const text = err.bare ? `${err.message}\n` : `${prefix}${err.message}\n`;
    throw new RestoreFailure(fail(`${text}Error occurred at line: ${line}\n${tryHelp}`, 2));
  };
  const lineFailed = (line: number, message?: string): never => {
    throw new RestoreFailure(fail(`${program}: line ${line} failed${message ? `: ${message}` : ''}\n`, 1));
  };

  const lines = stdin.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();

  let current = null as Section | null;
  const access = {
    deferJump: (chain: string) => current?.jumps.add(chain),
    view: (): Table => current?.table ?? emptyTable(current?.name ?? 'filter'),
    write: (): Table => {
      if (!current) throw new XtablesError('no table', 1);
      current.table ??= emptyTable(current.name);
      return current.table;
    },
  };

  for (let n = 1; n <= lines.length; n++) {
    const line = lines[n - 1] as string;
    if (line === '' || line.startsWith('#')) continue;
    if (current && line === 'COMMIT') {
      for (const chain of current.jumps) {
        const target = current.table?.chains.get(chain);
        if (!target || target.policy) paramError(n, new XtablesError(`Chain '${chain}' does not exist`));
      }
      if (current.error) throw new RestoreFailure(fail(`${prefix}\n${current.error}\n`, 4));
      if (!current.skip && !opts.test) {
        if (current.table) state.tables.set(current.name, current.table);
        else state.tables.delete(current.name);
      }
      current = null;
      continue;
    }
    if (line.startsWith('*')) {
      const name = line.slice(1).split(/[ \t]/)[0] ?? '';
      if (!isTableName(name)) {
        paramError(n, new XtablesError(`${program}: line ${n} table name '${name}' invalid`));
      }
      const tableName = name as TableName;
      const skip = opts.table !== undefined && opts.table !== tableName;
      const existing = state.tables.get(tableName);
      current = {
        name: tableName,
        table: opts.noflush && existing ? cloneTable(existing) : null,
        skip,
        jumps: new Set(),
      };
      continue;
    }
    if (!current) lineFailed(n);
    const section = current as Section;
    if (section.skip) continue;
    if (line.startsWith(':')) {
      chainLine(line, n, section, access.write, opts, paramError, lineFailed);
      continue;
    }
    let words = splitRestoreLine(line);
    if (line.startsWith('[')) {
      const close = line.indexOf(']');
      if (close < 0) paramError(n, new XtablesError(`Bad line ${n}: need ]`));
      const m = /^\[(\d+):(\d+)\]$/.exec(line.slice(0, close + 1));
      if (!m) paramError(n, new XtablesError(`Bad line ${n}: need :`));
      words = splitRestoreLine(line.slice(close + 1));
      if (opts.counters && m) words = [...words, '-c', m[1] as string, m[2] as string];
    }
    try {
      const cmd = parseCommand(words, state, section.name);
      if (cmd.table !== section.name) {
        throw new XtablesError(`The -t option (seen in line ${n}) cannot be used in ${program}.\n`);
      }
      execute(cmd, access);
    } catch (err) {
      if (!(err instanceof XtablesError)) throw err;
      if (err.status === 4) {
        section.error ??= `line ${n}:${err.message}`;
        continue;
      }
      if (err.status === 1) lineFailed(n, err.message);
      paramError(n, err);
    }
  }
  if (current) throw new RestoreFailure(fail(`${program}: COMMIT expected at line ${lines.length + 1}\n`, 1));
}

function chainLine(
  line: string,
  n: number,
  section: { name: TableName },
  write: () => Table,
  opts: Options,
  paramError: (line: number, err: XtablesError) => never,
  lineFailed: (line: number, message?: string) => never,
): void {
  const words = line
    .slice(1)
    .split(/[ \t]+/)
    .filter((w) => w !== '');
  const chain = words[0] ?? '';
  if (chain.length >= 29) paramError(n, new XtablesError(`Invalid chain name \`${chain}' (28 chars max)`));
  const table = write();
  if (isBuiltin(table, chain)) {
    const policy = words[1];
    if (policy === undefined) paramError(n, new XtablesError(`Bad line ${n}: no policy specified`));
    let counters: { packets: number; bytes: number } | undefined;
    if (opts.counters) {
      const m = /^\[(\d+):(\d+)\]$/.exec(words[2] ?? '');
      if (!m) paramError(n, new XtablesError(`invalid policy counters for chain '${chain}'`));
      counters = { packets: Number(m?.[1]), bytes: Number(m?.[2]) };
    }
    if (policy !== '-') {
      try {
        setPolicy(table, chain, policy ?? '', counters);
      } catch (err) {
        if (err instanceof XtablesError) lineFailed(n, err.message);
        throw err;
      }
    } else (table.chains.get(chain) as Chain).stats = true;
    return;
  }
  const existing = table.chains.get(chain);
  if (existing) flushChain(table, existing);
  else newChain(table, chain);
  void section;
}
