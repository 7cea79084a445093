/** Walks the syntax tree: lists, pipelines, compound commands, redirections, jobs and lookups. */
import { evaluateArithmetic } from './arith.ts';
import type { AndOr, CommandNode, CompoundCommand, CondExpr, List, Pipeline, Redir, SimpleCommand } from './ast.ts';
import { BUILTINS } from './builtins.ts';
import { type Clock, nextMacrotask } from './clock.ts';
import { type ExpandContext, ExpansionError, evalArithWord, expandPattern, expandWord, expandWords } from './expand.ts';
import { FsError, resolvePath, type VirtualFs } from './fs.ts';
import { ParseError, Parser } from './parser.ts';
import { matchPattern } from './pattern.ts';
import type { CommandRegistry } from './registry.ts';
import { BudgetSignal, ExitSignal, InterruptSignal, LoopSignal, ReturnSignal } from './signals.ts';
import {
  BrokenPipeError,
  CollectingWriter,
  emptyReader,
  nullWriter,
  Pipe,
  type Reader,
  stringReader,
  type Writer,
} from './stream.ts';
import { testBinary, testUnary } from './test-expr.ts';
import type { CommandContext, Io } from './types.ts';

export type Dialect = 'bash' | 'sh' | 'zsh';

// ---- state -------------------------------------------------------------------------------------

export interface Var {
  value: string;
  exported: boolean;
  readonly?: boolean;
}

export interface Job {
  id: number;
  pid: number;
  text: string;
  status: number | null;
  done: Promise<number>;
  controller: AbortController;
  reported: boolean;
}

/** Things every shell in one session shares: files, commands, clock, jobs, limits. */
export interface SessionHost {
  fs: VirtualFs;
  registry: CommandRegistry;
  clock: Clock;
  dialect: Dialect;
  history: () => string[];
  interactive: boolean;
  maxSteps: number;
  nextPid: () => number;
  pid: number;
  random: () => number;
}

export interface Budget {
  steps: number;
}

export class ShellState {
  vars = new Map<string, Var>();
  functions = new Map<string, CompoundCommand>();
  aliases = new Map<string, string>();
  cwd = '/';
  positional: string[] = [];
  arg0 = 'bash';
  status = 0;
  lastBgPid: number | null = null;
  options = { errexit: false, nounset: false, pipefail: false, xtrace: false };
  jobs: Job[] = [];
  /** Saved variables of enclosing function calls, restored on return (`local`). */
  locals: Map<string, Var | undefined>[] = [];
  /** `exit` reached the top of the session. */
  exitRequested = false;

  clone(): ShellState {
    const s = new ShellState();
    for (const [k, v] of this.vars) s.vars.set(k, { ...v });
    s.functions = new Map(this.functions);
    s.aliases = new Map(this.aliases);
    s.cwd = this.cwd;
    s.positional = [...this.positional];
    s.arg0 = this.arg0;
    s.status = this.status;
    s.lastBgPid = this.lastBgPid;
    s.options = { ...this.options };
    return s;
  }
}

function exitStatusOfSignal(sig: string): number {
  const nums: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, TERM: 15, USR1: 10, USR2: 12 };
  return 128 + (nums[sig] ?? 15);
}

const YIELD_EVERY = 256;

export class Interpreter {
  readonly state: ShellState;
  readonly host: SessionHost;
  readonly signal: AbortSignal;
  readonly budget: Budget;
  private inCondition = false;
  /** Status of the last command substitution, which a bare assignment returns. */
  private cmdSubStatus = 0;
  private stepsSinceYield = 0;

  constructor(host: SessionHost, state: ShellState, signal: AbortSignal, budget: Budget) {
    this.host = host;
    this.state = state;
    this.signal = signal;
    this.budget = budget;
  }

  /** Records a command's status as `$?` and returns it. */
  private finish(status: number): number {
    this.state.status = status;
    return status;
  }

  get fs(): VirtualFs {
    return this.host.fs;
  }

  get clock(): Clock {
    return this.host.clock;
  }

  /** A child that shares the session but not the variables: a subshell, pipeline stage or `$(…)`. */
  subshell(signal = this.signal, budget = this.budget): Interpreter {
    const child = new Interpreter(this.host, this.state.clone(), signal, budget);
    child.inCondition = this.inCondition;
    return child;
  }

  // ---- messages --------------------------------------------------------------------------------

  async error(io: Io, message: string): Promise<void> {
    await safeWrite(io.stderr, `${this.host.dialect}: ${message}\n`);
  }

  notFoundMessage(name: string): string {
    if (this.host.dialect === 'zsh') return `zsh: command not found: ${name}\n`;
    if (this.host.dialect === 'sh') return `sh: ${name}: not found\n`;
    return `bash: ${name}: command not found\n`;
  }

  // ---- variables -------------------------------------------------------------------------------

  getVar(name: string): string | undefined {
    const s = this.state;
    switch (name) {
      case '?':
        return String(s.status);
      case '#':
        return String(s.positional.length);
      case '$':
        return String(this.host.pid);
      case '!':
        return s.lastBgPid === null ? undefined : String(s.lastBgPid);
      case '0':
        return s.arg0;
      case '-':
        return `${(s.options.errexit ? 'e' : '') + (s.options.nounset ? 'u' : '') + (s.options.xtrace ? 'x' : '')}hB`;
      case 'RANDOM':
        return String(Math.floor(this.host.random() * 32768));
      case 'SECONDS':
        return String(Math.floor(this.clock.now() / 1000));
      case 'PWD':
        return s.vars.get('PWD')?.value ?? s.cwd;
    }
    if (/^[1-9][0-9]*$/.test(name)) return s.positional[Number(name) - 1];
    return s.vars.get(name)?.value;
  }

  setVar(name: string, value: string, exported?: boolean): void {
    const existing = this.state.vars.get(name);
    if (existing?.readonly) throw new ExpansionError(`${name}: readonly variable`);
    this.state.vars.set(name, { value, exported: exported ?? existing?.exported ?? false });
  }

  unsetVar(name: string): void {
    const existing = this.state.vars.get(name);
    if (existing?.readonly) throw new ExpansionError(`${name}: cannot unset: readonly variable`);
    this.state.vars.delete(name);
  }

  /** Exported variables as a process environment. */
  environment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of this.state.vars) if (v.exported) env[k] = v.value;
    env.PWD = this.state.cwd;
    return env;
  }

  expandContext(io: Io): ExpandContext {
    return {
      getVar: (n) => this.getVar(n),
      setVar: (n, v) => this.setVar(n, v),
      positional: () => this.state.positional,
      commandSubstitution: (body) => this.commandSubstitution(body, io),
      fs: this.fs,
      cwd: this.state.cwd,
      nounset: this.state.options.nounset,
    };
  }

  private async commandSubstitution(body: List, io: Io): Promise<string> {
    const out = new CollectingWriter();
    const sub = this.subshell();
    const status = await sub.runBody(body, { stdin: io.stdin, stdout: out, stderr: io.stderr });
    this.state.status = status;
    this.cmdSubStatus = status;
    return out.text();
  }

  /** Runs a list as a subshell body: exit and return stop here. */
  async runBody(list: List, io: Io): Promise<number> {
    try {
      return await this.execList(list, io);
    } catch (e) {
      if (e instanceof ExitSignal || e instanceof ReturnSignal) return e.status;
      if (e instanceof LoopSignal) return 0;
      throw e;
    }
  }

  // ---- scripts ---------------------------------------------------------------------------------

  /**
   * Parses and runs a script one line's command at a time, as bash does, so an alias defined on
   * one line applies to the next and a syntax error stops only where it is found.
   */
  async runScript(src: string, io: Io): Promise<number> {
    const parser = new Parser(src, this.state.aliases);
    for (;;) {
      let list: List | null;
      try {
        list = parser.parseNext();
      } catch (e) {
        if (!(e instanceof ParseError)) throw e;
        await this.error(io, e.message);
        this.state.status = 2;
        return 2;
      }
      if (list === null) return this.state.status;
      await this.execList(list, io);
    }
  }

  // ---- lists and pipelines ---------------------------------------------------------------------

  async execList(list: List, io: Io): Promise<number> {
    let status = this.state.status;
    for (const item of list.items) {
      if (item.background) {
        this.startJob(item.andOr, item.text, io);
        status = 0;
        this.state.status = 0;
        continue;
      }
      status = await this.execAndOr(item.andOr, io);
    }
    return status;
  }

  private startJob(andOr: AndOr, text: string, io: Io): Job {
    const controller = new AbortController();
    const child = this.subshell(controller.signal, { steps: 0 });
    const pid = this.host.nextPid();
    const jobs = this.state.jobs;
    const id = jobs.length === 0 ? 1 : Math.max(...jobs.map((j) => j.id)) + 1;
    const jobIo: Io = { stdin: emptyReader(), stdout: io.stdout, stderr: io.stderr };
    const job: Job = {
      id,
      pid,
      text: `${text} &`,
      status: null,
      controller,
      reported: false,
      done: Promise.resolve(0),
    };
    job.done = child
      .runTop(async () => child.execAndOr(andOr, jobIo), jobIo)
      .then((status) => {
        job.status = status;
        return status;
      });
    jobs.push(job);
    this.state.lastBgPid = pid;
    if (this.host.interactive) void safeWrite(io.stderr, `[${id}] ${pid}\n`);
    return job;
  }

  /** Runs `body` as the top of a job: turns interrupts, exits and budget stops into a status. */
  async runTop(body: () => Promise<number>, io: Io): Promise<number> {
    try {
      const status = await body();
      this.state.status = status;
      return status;
    } catch (e) {
      const status = await this.topLevelStatus(e, io);
      this.state.status = status;
      return status;
    }
  }

  async topLevelStatus(e: unknown, io: Io): Promise<number> {
    if (e instanceof ExitSignal) {
      this.state.exitRequested = true;
      return e.status;
    }
    if (e instanceof ReturnSignal || e instanceof InterruptSignal) return e.status;
    if (e instanceof LoopSignal) return 0;
    if (e instanceof BudgetSignal) {
      await this.error(io, e.message);
      return 124;
    }
    if (e instanceof BrokenPipeError) return 141;
    throw e;
  }

  async execAndOr(andOr: AndOr, io: Io): Promise<number> {
    const chain = andOr.rest;
    const saved = this.inCondition;
    let status: number;
    try {
      this.inCondition = saved || chain.length > 0;
      status = await this.execPipeline(andOr.first, io);
      for (let i = 0; i < chain.length; i++) {
        const { op, pipeline } = chain[i] as AndOr['rest'][number];
        if ((op === '&&') !== (status === 0)) continue;
        this.inCondition = saved || i < chain.length - 1;
        status = await this.execPipeline(pipeline, io);
        if (i === chain.length - 1 && !pipeline.negate) this.checkErrexit(status);
      }
    } finally {
      this.inCondition = saved;
    }
    if (chain.length === 0 && !andOr.first.negate) this.checkErrexit(status);
    return status;
  }

  private checkErrexit(status: number): void {
    if (status !== 0 && this.state.options.errexit && !this.inCondition) throw new ExitSignal(status);
  }

  async execPipeline(p: Pipeline, io: Io): Promise<number> {
    let status: number;
    if (p.commands.length === 1) {
      const saved = this.inCondition;
      if (p.negate) this.inCondition = true;
      try {
        status = await this.execCommand(p.commands[0] as CommandNode, io);
      } finally {
        this.inCondition = saved;
      }
    } else {
      const n = p.commands.length;
      const pipes = Array.from({ length: n - 1 }, () => new Pipe());
      const stages = p.commands.map(async (cmd, i) => {
        const prev = i > 0 ? (pipes[i - 1] as Pipe) : null;
        const next = i < n - 1 ? (pipes[i] as Pipe) : null;
        const stageIo: Io = {
          stdin: prev ? prev.reader : io.stdin,
          stdout: next ? next.writer : io.stdout,
          stderr: next && p.pipeStderr[i] ? next.writer : io.stderr,
        };
        const child = this.subshell();
        try {
          return await child.execCommand(cmd, stageIo);
        } catch (e) {
          if (e instanceof InterruptSignal || e instanceof BudgetSignal) throw e;
          return child.topLevelStatus(e, stageIo);
        } finally {
          next?.closeWrite();
          prev?.reader.close();
        }
      });
      const results = await Promise.allSettled(stages);
      // Ctrl-C reaches every stage; the last stage's status is the pipeline's, as in bash.
      const failure = results.findLast((r) => r.status === 'rejected');
      if (failure) throw (failure as PromiseRejectedResult).reason;
      const statuses = results.map((r) => (r as PromiseFulfilledResult<number>).value);
      status = statuses[n - 1] as number;
      if (this.state.options.pipefail) status = [...statuses].reverse().find((s) => s !== 0) ?? 0;
    }
    if (p.negate) status = status === 0 ? 1 : 0;
    this.state.status = status;
    return status;
  }

  private async step(): Promise<void> {
    if (this.signal.aborted) throw new InterruptSignal(abortStatus(this.signal));
    this.budget.steps++;
    if (this.budget.steps > this.host.maxSteps) {
      throw new BudgetSignal(
        `stopped after ${this.host.maxSteps} commands: step limit reached (a loop that never ends? press Ctrl-C or add a sleep)`,
      );
    }
    if (++this.stepsSinceYield >= YIELD_EVERY) {
      this.stepsSinceYield = 0;
      await nextMacrotask();
      if (this.signal.aborted) throw new InterruptSignal(abortStatus(this.signal));
    }
  }

  // ---- commands --------------------------------------------------------------------------------

  async execCommand(node: CommandNode, io: Io): Promise<number> {
    await this.step();
    if (node.type === 'simple') return this.execSimple(node, io);
    if (node.type === 'function') {
      this.state.functions.set(node.name, node.body);
      this.state.status = 0;
      return 0;
    }
    const redirected = await this.applyRedirs(node.redirs, io);
    if (redirected === null) return this.finish(1);
    try {
      const status = await this.execCompound(node, redirected.io);
      this.state.status = status;
      return status;
    } finally {
      await redirected.close();
    }
  }

  private async execCompound(node: CompoundCommand, io: Io): Promise<number> {
    switch (node.type) {
      case 'group':
        return this.execList(node.body, io);
      case 'subshell':
        return this.subshell().runBody(node.body, io);
      case 'if': {
        for (const clause of node.clauses) {
          if ((await this.condition(clause.cond, io)) === 0) return this.execList(clause.body, io);
        }
        return node.elseBody ? this.execList(node.elseBody, io) : 0;
      }
      case 'while': {
        let status = 0;
        for (;;) {
          await this.step();
          const c = await this.condition(node.cond, io);
          if ((c === 0) === node.until) break;
          const r = await this.loopBody(node.body, io);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
      case 'for': {
        const ctx = this.expandContext(io);
        const items = node.items === null ? [...this.state.positional] : await expandWords(node.items, ctx);
        let status = 0;
        for (const item of items) {
          await this.step();
          this.setVar(node.name, item);
          const r = await this.loopBody(node.body, io);
          status = r.status;
          if (r.stop) break;
        }
        return status;
      }
      case 'arithfor': {
        const ctx = this.expandContext(io);
        let status = 0;
        await evalArithWord(node.init, ctx);
        while ((await evalArithWord(node.cond, ctx)) !== 0n) {
          await this.step();
          const r = await this.loopBody(node.body, io);
          status = r.status;
          if (r.stop) break;
          await evalArithWord(node.step, ctx);
        }
        return status;
      }
      case 'case': {
        const ctx = this.expandContext(io);
        const value = await expandWord(node.word, ctx);
        let status = 0;
        let fallthrough = false;
        for (const item of node.items) {
          let hit = fallthrough;
          if (!hit) {
            for (const p of item.patterns) {
              if (matchPattern(await expandPattern(p, ctx), value)) {
                hit = true;
                break;
              }
            }
          }
          if (!hit) continue;
          status = await this.execList(item.body, io);
          if (item.terminator === ';;') return status;
          fallthrough = item.terminator === ';&';
        }
        return status;
      }
      case 'arithcmd': {
        try {
          return (await evalArithWord(node.expr, this.expandContext(io))) !== 0n ? 0 : 1;
        } catch (e) {
          if (!(e instanceof ExpansionError)) throw e;
          await this.error(io, e.message);
          return 1;
        }
      }
      case 'cond':
        try {
          return (await this.evalCond(node.expr, io)) ? 0 : 1;
        } catch (e) {
          if (!(e instanceof ExpansionError)) throw e;
          await this.error(io, e.message);
          return 2;
        }
    }
  }

  private async condition(list: List, io: Io): Promise<number> {
    const saved = this.inCondition;
    this.inCondition = true;
    try {
      return await this.execList(list, io);
    } finally {
      this.inCondition = saved;
    }
  }

  private async loopBody(body: List, io: Io): Promise<{ status: number; stop: boolean }> {
    try {
      return { status: await this.execList(body, io), stop: false };
    } catch (e) {
      if (!(e instanceof LoopSignal)) throw e;
      if (e.levels > 1) throw new LoopSignal(e.levels - 1, e.isContinue);
      return { status: 0, stop: !e.isContinue };
    }
  }

  private async evalCond(e: CondExpr, io: Io): Promise<boolean> {
    const ctx = this.expandContext(io);
    switch (e.type) {
      case 'and':
        return (await this.evalCond(e.left, io)) && this.evalCond(e.right, io);
      case 'or':
        return (await this.evalCond(e.left, io)) || this.evalCond(e.right, io);
      case 'not':
        return !(await this.evalCond(e.expr, io));
      case 'word':
        return (await expandWord(e.word, ctx)) !== '';
      case 'unary': {
        const arg = await expandWord(e.arg, ctx);
        if (e.op === '-v') return this.getVar(arg) !== undefined;
        return testUnary(e.op, arg, this.fs, this.state.cwd);
      }
      case 'binary': {
        const left = await expandWord(e.left, ctx);
        if (e.op === '==' || e.op === '=' || e.op === '!=') {
          const hit = matchPattern(await expandPattern(e.right, ctx), left);
          return e.op === '!=' ? !hit : hit;
        }
        const right = await expandWord(e.right, ctx);
        if (e.op === '=~') {
          let re: RegExp;
          try {
            re = new RegExp(right);
          } catch {
            return false;
          }
          const m = re.exec(left);
          if (m) this.setVar('BASH_REMATCH', m[0]);
          return m !== null;
        }
        if (e.op === '<') return left < right;
        if (e.op === '>') return left > right;
        if (/^-(eq|ne|lt|le|gt|ge)$/.test(e.op)) {
          const vars = { get: (n: string) => this.getVar(n), set: (n: string, v: string) => this.setVar(n, v) };
          const a = evaluateArithmetic(left, vars);
          const b = evaluateArithmetic(right, vars);
          return testBinary(e.op, String(a), String(b), this.fs, this.state.cwd) === true;
        }
        return testBinary(e.op, left, right, this.fs, this.state.cwd) === true;
      }
    }
  }

  private async execSimple(cmd: SimpleCommand, io: Io): Promise<number> {
    const ctx = this.expandContext(io);
    let argv: string[];
    const assigns: [string, string][] = [];
    this.cmdSubStatus = 0;
    try {
      for (const a of cmd.assigns) {
        const value = await expandWord(a.value, ctx);
        assigns.push([a.name, a.append ? (this.getVar(a.name) ?? '') + value : value]);
      }
      argv = await expandWords(cmd.words, ctx);
    } catch (e) {
      if (!(e instanceof ExpansionError)) throw e;
      await this.error(io, e.message);
      return this.finish(1);
    }
    const subStatus = this.cmdSubStatus;
    if (this.state.options.xtrace && argv.length > 0) {
      await safeWrite(io.stderr, `+ ${[...assigns.map(([k, v]) => `${k}=${v}`), ...argv].join(' ')}\n`);
    }
    const redirected = await this.applyRedirs(cmd.redirs, io);
    if (redirected === null) return this.finish(1);
    try {
      if (argv.length === 0) {
        try {
          for (const [k, v] of assigns) this.setVar(k, v);
        } catch (e) {
          if (!(e instanceof ExpansionError)) throw e;
          await this.error(io, e.message);
          return this.finish(1);
        }
        return this.finish(subStatus);
      }
      const status = await this.invoke(argv, redirected.io, assigns);
      this.state.status = status;
      return status;
    } finally {
      await redirected.close();
    }
  }

  /** Looks a name up (function, builtin, command) and runs it. */
  async invoke(argv: string[], io: Io, assigns: [string, string][] = []): Promise<number> {
    const name = argv[0] as string;
    const fn = this.state.functions.get(name);
    const builtin = BUILTINS.get(name);
    if (fn || builtin) {
      const saved = assigns.map(([k]) => [k, this.state.vars.get(k)] as const);
      for (const [k, v] of assigns) this.setVar(k, v);
      try {
        if (fn) return await this.callFunction(fn, argv, io);
        return await this.guard(io, () => (builtin as NonNullable<typeof builtin>)(this, argv, io), name);
      } finally {
        for (const [k, v] of saved) {
          if (v === undefined) this.state.vars.delete(k);
          else this.state.vars.set(k, v);
        }
      }
    }
    return this.runExternal(argv, io, assigns);
  }

  /** Runs a builtin or command, turning a broken pipe into SIGPIPE's status. */
  private async guard(io: Io, run: () => Promise<number>, name?: string): Promise<number> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof BrokenPipeError) return 141;
      // A generated file (/proc/sys/…) refused what was written into it.
      if (e instanceof FsError && name !== undefined) {
        await this.error(io, `${name}: write error: ${e.message}`);
        return 1;
      }
      if (e instanceof ExpansionError) {
        await this.error(io, e.message);
        return 1;
      }
      throw e;
    }
  }

  async callFunction(body: CompoundCommand, argv: string[], io: Io): Promise<number> {
    const savedPositional = this.state.positional;
    this.state.positional = argv.slice(1);
    this.state.locals.push(new Map());
    if (this.state.locals.length > 1000) {
      this.state.locals.pop();
      this.state.positional = savedPositional;
      await this.error(io, `${argv[0]}: maximum function nesting level exceeded (1000)`);
      return 1;
    }
    try {
      return await this.execCommand(body, io);
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      const frame = this.state.locals.pop() as Map<string, Var | undefined>;
      for (const [k, v] of frame) {
        if (v === undefined) this.state.vars.delete(k);
        else this.state.vars.set(k, v);
      }
      this.state.positional = savedPositional;
    }
  }

  /** Runs a registered command, a command by path, or a script file. */
  private async runExternal(argv: string[], io: Io, assigns: [string, string][]): Promise<number> {
    const name = argv[0] as string;
    const env = this.environment();
    for (const [k, v] of assigns) env[k] = v;
    if (name === 'sh' || name === 'bash' || name === 'zsh' || name.endsWith('/sh') || name.endsWith('/bash')) {
      return this.guard(io, () => this.runShellCommand(argv, io, env));
    }
    let registered = name.includes('/') ? undefined : this.host.registry.get(name);
    if (name.includes('/')) {
      const path = resolvePath(this.state.cwd, name);
      const st = this.fs.stat(path);
      if (st?.kind === 'dir') {
        await this.error(io, `${name}: Is a directory`);
        return 126;
      }
      if (st?.kind === 'file') {
        if ((st.mode & 0o111) === 0) {
          await this.error(io, `${name}: Permission denied`);
          return 126;
        }
        return this.guard(io, () => this.runShellCommand(['bash', name, ...argv.slice(1)], io, env));
      }
      registered = this.host.registry.byPath(path);
      if (!registered) {
        await this.error(io, `${name}: No such file or directory`);
        return 127;
      }
    }
    if (!registered) {
      await safeWrite(io.stderr, this.notFoundMessage(name));
      return 127;
    }
    const ctx: CommandContext = {
      argv,
      env,
      cwd: this.state.cwd,
      fs: this.fs,
      stdin: io.stdin,
      stdout: io.stdout,
      stderr: io.stderr,
      signal: this.signal,
      clock: this.clock,
      exec: (args, over) => this.subshell().invoke(args, { ...io, ...over }),
    };
    const { run, catches } = registered;
    const status = await this.guard(io, () => run(ctx), name);
    if (this.signal.aborted) {
      throw new InterruptSignal(catches?.has(abortSignalName(this.signal)) ? status : abortStatus(this.signal));
    }
    return status;
  }

  /** `sh -c 'script' arg0 args…`, `bash file args…`, or a script on stdin: a fresh shell. */
  private async runShellCommand(argv: string[], io: Io, env: Record<string, string>): Promise<number> {
    const base = (argv[0] as string).slice((argv[0] as string).lastIndexOf('/') + 1);
    const dialect: Dialect = base === 'zsh' ? 'zsh' : base === 'sh' ? 'sh' : 'bash';
    const state = new ShellState();
    for (const [k, v] of Object.entries(env)) state.vars.set(k, { value: v, exported: true });
    state.cwd = this.state.cwd;
    state.arg0 = base;
    const child = new Interpreter({ ...this.host, dialect }, state, this.signal, this.budget);
    let i = 1;
    let script: string | null = null;
    while (i < argv.length && (argv[i] as string).startsWith('-') && argv[i] !== '-') {
      const opt = argv[i] as string;
      if (opt === '-c') {
        script = argv[i + 1] ?? null;
        if (script === null) {
          await child.error(io, '-c: option requires an argument');
          return 2;
        }
        i += 2;
        if (argv[i] !== undefined) state.arg0 = argv[i++] as string;
        state.positional = argv.slice(i);
        i = argv.length;
        break;
      }
      if (opt.includes('e')) state.options.errexit = true;
      if (opt.includes('x')) state.options.xtrace = true;
      if (opt.includes('u')) state.options.nounset = true;
      i++;
    }
    if (script === null) {
      const file = argv[i];
      if (file === undefined) script = await io.stdin.readAll();
      else {
        try {
          script = this.fs.readFile(resolvePath(this.state.cwd, file));
        } catch (e) {
          if (!(e instanceof FsError)) throw e;
          await child.error(io, `${file}: ${e.message}`);
          return 127;
        }
        state.arg0 = file;
        state.positional = argv.slice(i + 1);
      }
    }
    try {
      return await child.runScript(script, io);
    } catch (e) {
      if (e instanceof ExitSignal || e instanceof ReturnSignal) return e.status;
      throw e;
    }
  }

  // ---- redirections ----------------------------------------------------------------------------

  /** Opens a command's redirections; null (after printing why) when one fails. */
  private async applyRedirs(redirs: Redir[], io: Io): Promise<{ io: Io; close: () => Promise<void> } | null> {
    if (redirs.length === 0) return { io, close: async () => {} };
    const fds: (Reader | Writer)[] = [io.stdin, io.stdout, io.stderr];
    const ctx = this.expandContext(io);
    for (const r of redirs) {
      let target: string;
      try {
        target = await expandWord(r.target, ctx);
      } catch (e) {
        if (!(e instanceof ExpansionError)) throw e;
        await this.error(io, e.message);
        return null;
      }
      const op = r.op;
      try {
        if (op === '<<' || op === '<<-' || op === '<<<') {
          fds[r.fd ?? 0] = stringReader(op === '<<<' ? `${target}\n` : target);
        } else if (op === '<' || op === '<>') {
          fds[r.fd ?? 0] = this.openRead(target, fds);
        } else if (op === '>&' || op === '<&') {
          const fd = r.fd ?? (op === '>&' ? 1 : 0);
          if (/^\d+$/.test(target)) {
            const src = fds[Number(target)];
            if (src === undefined) {
              await this.error(io, `${target}: Bad file descriptor`);
              return null;
            }
            fds[fd] = src;
          } else if (target === '-') {
            fds[fd] = fd === 0 ? emptyReader() : nullWriter;
          } else if (op === '>&' && r.fd === null) {
            const w = this.openWrite(target, false, fds);
            fds[1] = w;
            fds[2] = w;
          } else {
            await this.error(io, `${target}: ambiguous redirect`);
            return null;
          }
        } else if (op === '&>' || op === '&>>') {
          const w = this.openWrite(target, op === '&>>', fds);
          fds[1] = w;
          fds[2] = w;
        } else {
          fds[r.fd ?? 1] = this.openWrite(target, op === '>>', fds);
        }
      } catch (e) {
        if (!(e instanceof FsError)) throw e;
        await this.error(io, `${target}: ${e.message}`);
        return null;
      }
    }
    return {
      io: { stdin: fds[0] as Reader, stdout: fds[1] as Writer, stderr: fds[2] as Writer },
      close: async () => {},
    };
  }

  private openRead(target: string, fds: (Reader | Writer)[]): Reader {
    if (target === '/dev/null') return emptyReader();
    if (target === '/dev/stdin') return fds[0] as Reader;
    const path = resolvePath(this.state.cwd, target);
    return stringReader(this.fs.readFile(path));
  }

  private openWrite(target: string, append: boolean, fds: (Reader | Writer)[]): Writer {
    if (target === '/dev/null') return nullWriter;
    if (target === '/dev/stdout' || target === '/dev/tty') return fds[1] as Writer;
    if (target === '/dev/stderr') return fds[2] as Writer;
    const path = resolvePath(this.state.cwd, target);
    if (!append) this.fs.writeFile(path, '');
    else if (!this.fs.exists(path)) this.fs.writeFile(path, '');
    else if (this.fs.isDir(path)) throw new FsError('EISDIR');
    return { write: (chunk) => this.fs.writeFile(path, chunk, { append: true }) };
  }
}

/** The signal behind an abort: `INT` for Ctrl-C, else the name `kill` gave. */
export function abortSignalName(signal: AbortSignal): string {
  const reason = signal.reason;
  return typeof reason === 'string' && /^[A-Z]+[0-9]*$/.test(reason) ? reason : 'INT';
}

/** The exit status a job gets when its signal aborts: 130 for Ctrl-C, 128+n for `kill -n`. */
export function abortStatus(signal: AbortSignal): number {
  const reason = signal.reason;
  if (typeof reason === 'string' && /^[A-Z]+[0-9]*$/.test(reason)) return exitStatusOfSignal(reason);
  return 130;
}

/** Writes a message, ignoring a closed pipe (errors must not turn into new errors). */
export async function safeWrite(w: Writer, text: string): Promise<void> {
  try {
    await w.write(text);
  } catch (e) {
    if (!(e instanceof BrokenPipeError)) throw e;
  }
}
