/**
 * `ipset` (7.17): global options anywhere on the line, the commands and their one-letter and
 * old-style aliases, restore scripts, and the tool's messages and exit statuses (2 for usage
 * errors, 1 for syntax and kernel errors).
 */
import type { IpsetTable } from '../../engine/linux/netfilter/ipset/ipset-table.ts';
import {
  type CreateOptions,
  type Element,
  type ElementExtras,
  type IpsetError,
  SET_TYPES,
  type SetTypeName,
} from '../../engine/linux/netfilter/ipset/types.ts';
import type { CommandOutput } from '../types.ts';
import { parseElement, parseNumber } from './element.ts';
import { listText, saveText, xmlText } from './format.ts';

export interface IpsetContext {
  sets: IpsetTable;
  /** The virtual clock in ms. */
  now: number;
  stdin?: string;
  /** For `-f FILE`: the file's text, or null when it cannot be read. */
  readFile?: (path: string) => string | null;
  writeFile?: (path: string, text: string) => void;
}

const PREFIX = 'ipset v7.17: ';
const VERSION = 'ipset v7.17, protocol version: 7\n';

/** A usage error: exit status 2 and the "Try `ipset help'" line. */
class UsageError extends Error {}
/** A syntax or kernel error: exit status 1 (the element parser's errors are these too). */
class DataError extends Error {}

/** An error on a restore line, reported with its line number. */
class RestoreError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const KERNEL_MESSAGES: Record<IpsetError, string> = {
  'no-such-set': 'The set with the given name does not exist',
  'set-exists': 'Set cannot be created: set with the same name already exists',
  'elem-exists': "Element cannot be added to the set: it's already added",
  'elem-missing': "Element cannot be deleted from the set: it's not added",
  'hash-full': 'Hash is full, cannot add more elements',
  'out-of-range': 'Element is out of the range of the set',
  'type-mismatch': 'The sets cannot be swapped: their type does not match',
  'second-set-missing': 'Sets cannot be swapped: the second set does not exist',
  'in-use': 'Set cannot be destroyed: it is in use by a kernel component',
  'rename-exists': 'Set cannot be renamed: a set with the new name already exists',
  'rename-in-use': 'Set cannot be renamed: it is in use by another system',
  'member-set-missing': 'Set to be added/deleted/tested as element does not exist.',
  'member-is-list': 'Sets with list:set type cannot be added to the set.',
  'cidr-invalid': 'The value of the CIDR parameter of the IP address is invalid',
  'no-timeout': 'Timeout cannot be used: set was created without timeout support',
  'no-comment': 'Comment cannot be used: set was created without comment support',
  'no-counters': 'Packet/byte counters cannot be used: set was created without counter support',
  'ref-missing': "The set to which you referred with 'before' or 'after' does not exist.",
  'null-element': 'Null-valued element, cannot be stored in a hash type of set',
  'invalid-argument': 'Kernel error received: Invalid argument',
  'no-memory': 'Kernel error received: Cannot allocate memory',
};

const COMMANDS: Record<string, string> = {
  create: 'create',
  n: 'create',
  '-N': 'create',
  add: 'add',
  '-A': 'add',
  del: 'del',
  '-D': 'del',
  test: 'test',
  '-T': 'test',
  destroy: 'destroy',
  x: 'destroy',
  '-X': 'destroy',
  list: 'list',
  '-L': 'list',
  save: 'save',
  '-S': 'save',
  restore: 'restore',
  '-R': 'restore',
  flush: 'flush',
  '-F': 'flush',
  rename: 'rename',
  e: 'rename',
  '-E': 'rename',
  swap: 'swap',
  w: 'swap',
  '-W': 'swap',
  version: 'version',
  '-v': 'version',
  '-V': 'version',
  '-version': 'version',
};

interface Globals {
  exist: boolean;
  quiet: boolean;
  names: boolean;
  terse: boolean;
  output?: 'plain' | 'save' | 'xml';
  file?: string;
}

interface Run {
  ctx: IpsetContext;
  g: Globals;
  stdout: string;
}

export function runIpset(argv: string[], ctx: IpsetContext): CommandOutput {
  const g: Globals = { exist: false, quiet: false, names: false, terse: false };
  const run: Run = { ctx, g, stdout: '' };
  try {
    const args = takeGlobals(argv, g);
    runCommand(run, args, null);
    return { stdout: run.stdout, stderr: '', exitCode: 0 };
  } catch (error) {
    return failure(run, error);
  }
}

function failure(run: Run, error: unknown): CommandOutput {
  if (error instanceof TestResult) {
    return { stdout: run.stdout, stderr: run.g.quiet ? '' : error.message, exitCode: error.exitCode };
  }
  if (error instanceof UsageError) {
    const stderr = `${PREFIX}${error.message}\nTry \`ipset help' for more information.\n`;
    return { stdout: run.stdout, stderr: run.g.quiet ? '' : stderr, exitCode: 2 };
  }
  const message = error instanceof Error ? error.message : String(error);
  const where = error instanceof RestoreError ? `Error in line ${error.line}: ` : '';
  return { stdout: run.stdout, stderr: run.g.quiet ? '' : `${PREFIX}${where}${message}\n`, exitCode: 1 };
}

/** The outcome of `test`, carried like an error so that restore stops the same way. */
class TestResult extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

function takeGlobals(argv: string[], g: Globals): string[] {
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-exist' || a === '-!') g.exist = true;
    else if (a === '-q' || a === '-quiet') g.quiet = true;
    else if (a === '-n' || a === '-name') g.names = true;
    else if (a === '-t' || a === '-terse') g.terse = true;
    else if (a === '-s' || a === '-sorted' || a === '-r' || a === '-resolve') continue;
    else if (a === '-f' || a === '-file') {
      const file = argv[++i];
      if (file === undefined) throw new UsageError(`Missing mandatory argument of option \`file'`);
      g.file = file;
    } else if (a === '-o' || a === '-output') {
      const mode = argv[++i];
      if (mode === undefined) throw new UsageError(`Missing mandatory argument of option \`output'`);
      if (mode !== 'plain' && mode !== 'save' && mode !== 'xml')
        throw new DataError(`Syntax error: unknown output mode '${mode}'`);
      g.output = mode;
    } else rest.push(a);
  }
  return rest;
}

function kernel(error: IpsetError | null): void {
  if (error) throw new DataError(KERNEL_MESSAGES[error]);
}

function runCommand(run: Run, args: string[], restoreLine: number | null): void {
  const word = args[0];
  if (word === undefined) throw new UsageError('No command specified.');
  const cmd = COMMANDS[word];
  if (!cmd || (cmd === 'restore' && restoreLine !== null)) {
    throw new UsageError(`No command specified: unknown argument ${word}`);
  }
  const rest = args.slice(1);
  const { ctx, g } = run;
  const need = (n: number) => {
    if (rest.length < 1) throw new UsageError(`Missing mandatory argument to command ${cmd}`);
    if (n > 1 && rest.length < 2) throw new UsageError(`Missing second mandatory argument to command ${cmd}`);
  };
  const noMore = (from: number) => {
    if (rest.length > from) throw new UsageError(`Unknown argument ${rest[from]}`);
  };
  switch (cmd) {
    case 'version':
      run.stdout += VERSION;
      return;
    case 'create': {
      need(2);
      create(run, rest[0] ?? '', rest[1] ?? '', rest.slice(2));
      return;
    }
    case 'add':
    case 'del':
    case 'test': {
      need(2);
      adt(run, cmd, rest[0] ?? '', rest[1] ?? '', rest.slice(2));
      return;
    }
    case 'list':
    case 'save': {
      noMore(1);
      const before = run.stdout;
      list(run, g.output ?? (cmd === 'save' ? 'save' : 'plain'), rest[0]);
      if (g.file !== undefined) {
        ctx.writeFile?.(g.file, run.stdout.slice(before.length));
        run.stdout = before;
      }
      return;
    }
    case 'flush':
    case 'destroy': {
      noMore(1);
      const name = rest[0];
      kernel(cmd === 'flush' ? ctx.sets.flush(name, ctx.now) : ctx.sets.destroy(name, ctx.now));
      return;
    }
    case 'rename':
    case 'swap': {
      need(2);
      noMore(2);
      const [a = '', b = ''] = rest;
      checkName(b);
      kernel(cmd === 'rename' ? ctx.sets.rename(a, b) : ctx.sets.swap(a, b));
      return;
    }
    case 'restore': {
      noMore(0);
      const text = g.file === undefined ? (ctx.stdin ?? '') : readFile(ctx, g.file);
      restore(run, text);
      return;
    }
  }
}

function readFile(ctx: IpsetContext, path: string): string {
  const text = path === '/dev/null' ? '' : (ctx.readFile?.(path) ?? null);
  if (text === null) throw new DataError(`Cannot open ${path} for reading: No such file or directory`);
  return text;
}

function checkName(name: string): void {
  if (name.length > 31) throw new DataError(`Syntax error: setname '${name}' is longer than 31 characters`);
}

const CREATE_OPTIONS: Record<string, readonly string[]> = {
  hash: ['family', 'hashsize', 'maxelem', 'bucketsize', 'initval', 'timeout', 'counters', 'comment'],
  'bitmap:port': ['range', 'timeout', 'counters', 'comment'],
  'list:set': ['size', 'timeout', 'counters', 'comment'],
};
const FLAGS = new Set(['counters', 'comment']);

function create(run: Run, name: string, typeName: string, opts: string[]): void {
  checkName(name);
  if (!SET_TYPES.includes(typeName as SetTypeName)) {
    throw new DataError(`Syntax error: typename '${typeName}' is unknown`);
  }
  const type = typeName as SetTypeName;
  const allowed = CREATE_OPTIONS[type.startsWith('hash:') ? 'hash' : type] ?? [];
  const options: CreateOptions = { type };
  const seen = new Set<string>();
  for (let i = 0; i < opts.length; i++) {
    const key = opts[i] ?? '';
    if (!allowed.includes(key)) throw new UsageError(`Unknown argument: \`${key}'`);
    if (seen.has(key)) throw new DataError(`Syntax error: ${key} already specified`);
    seen.add(key);
    if (FLAGS.has(key)) {
      if (key === 'counters') options.counters = true;
      else options.comment = true;
      continue;
    }
    const value = opts[++i];
    if (value === undefined) throw new UsageError(`Missing mandatory argument of option \`${key}'`);
    switch (key) {
      case 'family':
        if (value !== 'inet' && value !== 'ipv4') throw new DataError(`Syntax error: unknown inet family ${value}`);
        break;
      case 'hashsize':
        options.hashsize = parseNumber(value, 0, 0xffffffff);
        break;
      case 'maxelem':
        options.maxelem = parseNumber(value, 0, 0xffffffff);
        break;
      case 'bucketsize':
        options.bucketsize = parseNumber(value, 0, 255);
        break;
      case 'initval':
        options.initval = parseNumber(value, 0, 0xffffffff);
        break;
      case 'timeout':
        options.timeout = parseNumber(value, 0, 2147483);
        break;
      case 'size':
        options.size = parseNumber(value, 0, 0xffffffff);
        break;
      case 'range': {
        const m = /^(?:tcp:|udp:)?(\d+)-(\d+)$/.exec(value);
        if (!m) throw new DataError(`Syntax error: cannot parse '${value}' as a port range`);
        const a = parseNumber(m[1] ?? '', 0, 65535);
        const b = parseNumber(m[2] ?? '', 0, 65535);
        options.range = { from: Math.min(a, b), to: Math.max(a, b) };
        break;
      }
    }
  }
  if (type === 'bitmap:port' && !options.range) throw new UsageError("Mandatory option `range' is missing");
  kernel(run.ctx.sets.create(name, options, run.g.exist, run.ctx.now));
}

function adt(run: Run, cmd: 'add' | 'del' | 'test', name: string, text: string, opts: string[]): void {
  const { sets, now } = run.ctx;
  const type = sets.typeOf(name);
  if (!type) throw new DataError(KERNEL_MESSAGES['no-such-set']);
  const parsed = parseElement(type, text, sets.header(name, now)?.range);
  const extras: ElementExtras = {};
  const withNets = type === 'hash:net' || type === 'hash:net,port';
  for (let i = 0; i < opts.length; i++) {
    const key = opts[i] ?? '';
    const takes = ['timeout', 'comment', 'packets', 'bytes', ...(type === 'list:set' ? ['before', 'after'] : [])];
    if (key === 'nomatch' && withNets) {
      extras.nomatch = true;
      continue;
    }
    if (!takes.includes(key)) throw new UsageError(`Unknown argument: \`${key}'`);
    const value = opts[++i];
    if (value === undefined) throw new UsageError(`Missing mandatory argument of option \`${key}'`);
    if (key === 'timeout') extras.timeout = parseNumber(value, 0, 2147483);
    else if (key === 'comment') extras.comment = value;
    else if (key === 'packets') extras.packets = parseNumber(value, 0, Number.MAX_SAFE_INTEGER);
    else if (key === 'bytes') extras.bytes = parseNumber(value, 0, Number.MAX_SAFE_INTEGER);
    else if (key === 'before') extras.before = value;
    else extras.after = value;
  }
  if (cmd === 'test') {
    if (parsed.testRefusal !== undefined) throw new DataError(parsed.testRefusal);
    const result = sets.test(name, parsed.first, now);
    if (typeof result === 'string') kernel(result);
    if (result === true) throw new TestResult(`Warning: ${parsed.shown} is in set ${name}.\n`, 0);
    throw new TestResult(`${parsed.shown} is NOT in set ${name}.\n`, 1);
  }
  kernel(parsed.refusal ?? null);
  // The kernel walks a range element by element and stops at the first failure, keeping what it did.
  let elements: Iterable<Element> = parsed.elements();
  if (cmd === 'del' && run.g.exist && parsed.size > sets.count(name, now)) {
    // Deleting what is there in range order leaves the set as walking a wide range (a /4) would.
    elements = sets
      .members(name, now)
      .map((m) => m.element)
      .filter(parsed.covers)
      .sort((a, b) => (a.ip ?? 0) - (b.ip ?? 0) || (a.port ?? 0) - (b.port ?? 0));
  }
  for (const e of elements) {
    kernel(cmd === 'add' ? sets.add(name, e, extras, run.g.exist, now) : sets.del(name, e, run.g.exist, now));
  }
}

function list(run: Run, mode: 'plain' | 'save' | 'xml', name: string | undefined): void {
  const { sets, now } = run.ctx;
  if (name !== undefined && !sets.has(name)) kernel('no-such-set');
  const names = name !== undefined ? [name] : sets.names();
  const blocks: string[] = [];
  for (const n of names) {
    if (run.g.names) {
      blocks.push(mode === 'xml' ? `<ipset name="${n}"/>\n` : `${n}\n`);
      continue;
    }
    const header = sets.header(n, now);
    if (!header) continue;
    const members = run.g.terse ? null : sets.members(n, now);
    if (mode === 'save') blocks.push(saveText(header, members ?? []));
    else if (mode === 'xml') blocks.push(xmlText(header, members));
    else blocks.push(listText(header, members));
  }
  const text = blocks.join(mode === 'plain' && !run.g.names ? '\n' : '');
  run.stdout += mode === 'xml' ? `<ipsets>\n${text}</ipsets>\n` : text;
}

/** Splits a restore line into words; double quotes group words (comments with spaces). */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

function restore(run: Run, input: string): void {
  const lines = input.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#') || line === 'COMMIT') continue;
    try {
      runCommand(run, takeGlobals(words(line), run.g), i + 1);
    } catch (error) {
      if (error instanceof UsageError || error instanceof TestResult) throw error;
      throw new RestoreError(error instanceof Error ? error.message : String(error), i + 1);
    }
  }
}
