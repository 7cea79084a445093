/**
 * What the terminal needs from a simulated machine, behind one small interface: run a setup
 * script, open a shell per pane in a network namespace, complete live engine names, and move the
 * kernel's clock for a replay. `createTerminalMachine` builds it on src/machine's HostSession; the
 * rest of src/ui/terminal only sees `TerminalMachine`.
 */

import type { Kernel } from '../../engine/linux/kernel.ts';
import type { NetNs } from '../../engine/linux/netns.ts';
import { HostSession } from '../../machine/session.ts';
import type { VirtualFs } from '../../shell/fs.ts';
import { type ExecResult, type RunOptions, Shell } from '../../shell/shell.ts';
import { type CompletionProvider, commandNames, fileNames } from './completion.ts';
import type { CompletionItem } from './line-editor.ts';
import { ipObject, ipWords, toolWords } from './tool-flags.ts';

/** Where a pane's shell runs: a named network namespace, or the host's own when absent. */
export interface PaneContext {
  netns?: string;
}

export interface PaneShell {
  /** Runs a line; background jobs of a shell that exited are hung up. */
  run(script: string, options: RunOptions): Promise<number>;
  /** True once `exit` ran (or Ctrl-D). */
  readonly exited: boolean;
  /** The prompt for the next line, with colours. */
  prompt(): string;
  /** Tells the shell the terminal's width ($COLUMNS, for `ls` and friends). */
  setColumns(columns: number): void;
  /** Stops the shell's background jobs (SIGHUP): the pane was closed or restarted. */
  hangup(): void;
  /** Tab completion for this shell: engine names, tool options, commands, files. */
  readonly completions: readonly CompletionProvider[];
}

export interface TerminalMachine {
  /** Runs a script in the host's login shell (the chapter's topology). */
  setup(script: string): Promise<ExecResult>;
  /** A new interactive shell in `context`; `history` is what its `history` builtin lists. */
  open(context: PaneContext, history: () => readonly string[]): PaneShell;
  /** Where a learner can open another pane: the host and each named namespace. */
  contexts(): PaneContext[];
  /** Kernel time in microseconds (what the replay log records). */
  now(): number;
  /** Runs the kernel up to `micros` so a replayed action happens when it happened live. */
  advanceTo(micros: number): Promise<void>;
  /** Live terminals take real time for ping's interval and idle timers; a replay does not. */
  setPaced(paced: boolean): void;
}

export interface MachineOptions {
  seed?: number;
  hostname?: string;
  /** Live pacing (default true): ping's interval takes real time. */
  paced?: boolean;
}

const interfaceNames = (ns: NetNs) => ns.sortedLinks().map((l) => l.name);
const items = (values: readonly string[]): CompletionItem[] => values.map((value) => ({ value, suffix: ' ' }));

const NETNS_TAKES_NAME = new Set(['exec', 'delete', 'del', 'pids', 'set', 'attach', 'identify']);

/** Interface, namespace and sysctl names from the running engine, for the tools that take them. */
export function engineNames(kernel: Kernel, paneNs: () => NetNs): CompletionProvider {
  return ({ words, word, command, netns }) => {
    if (command || words.length === 0) return undefined;
    const tool = (words[0] as string).replace(/^.*\//, '');
    const previous = words[words.length - 1];
    const namespaces = () => items([...kernel.named.keys()].sort());
    let ns = (netns !== undefined ? kernel.named.get(netns) : undefined) ?? paneNs();
    const links = () => items(interfaceNames(ns));
    if (tool === 'ip' || tool === 'bridge') {
      if (previous === '-n' || previous === '-netns') return namespaces();
      const n = words.findIndex((w) => w === '-n' || w === '-netns');
      if (n > 0) ns = kernel.named.get(words[n + 1] ?? '') ?? ns;
      const rest = ipWords(words);
      const object = ipObject(rest[0]);
      if (object === 'netns' && rest.length === 2 && NETNS_TAKES_NAME.has(rest[1] as string)) return namespaces();
      if (object === 'link' && previous === 'netns') return namespaces();
      if (previous === 'dev' || previous === 'master' || (previous === 'link' && rest.length >= 2)) return links();
      if (object === 'link' && rest.length === 2 && ['set', 'show', 'delete', 'del'].includes(rest[1] as string))
        return links();
      if (object === 'address' && rest.length === 2 && ['show', 'flush'].includes(rest[1] as string)) return links();
      return undefined;
    }
    if (tool === 'tcpdump' && (previous === '-i' || previous === '--interface')) {
      return [...links(), { value: 'any', suffix: ' ' }];
    }
    if (
      (tool === 'ping' && previous === '-I') ||
      (tool.startsWith('iptables') && (previous === '-i' || previous === '-o'))
    )
      return links();
    if ((tool === 'ifconfig' || tool === 'arp') && (words.length === 1 || previous === '-i')) return links();
    if (tool === 'brctl' && words.length >= 3) return links();
    if (tool === 'nsenter' && word.startsWith('--net=')) {
      return [...kernel.named.keys()].map((name) => ({ value: `--net=/run/netns/${name}`, suffix: ' ' }));
    }
    if (tool === 'sysctl' && !word.startsWith('-') && previous !== '-p') {
      return ns.sysctlKeys().map((key) => ({ value: key, suffix: ' ' }));
    }
    return undefined;
  };
}

/** The terminal's machine on src/machine's HostSession: one host, one kernel, a shell per pane. */
export function createTerminalMachine(options: MachineOptions = {}): TerminalMachine {
  const seed = options.seed ?? 1;
  const session = new HostSession({
    seed,
    hostname: options.hostname,
    paced: options.paced ?? true,
    interactive: true,
  });
  return sessionMachine(session, seed);
}

/** A terminal machine on an existing session (a lab's instance); `seed` seeds the panes' shells. */
export function sessionMachine(session: HostSession, seed: number): TerminalMachine {
  const { host, clock } = session;
  const kernel = host.kernel;
  return {
    setup: (script) => session.shell.exec(script),
    contexts: () => [{}, ...[...kernel.named.keys()].sort().map((netns) => ({ netns }))],
    now: () => clock.micros,
    async advanceTo(micros) {
      // Stop just short of `micros`, then run that instant's kernel events: a live command typed
      // while ping waited out its interval ran before ping's next probe at the same instant.
      await clock.sleep(Math.max(0, micros - 1 - clock.micros) / 1000);
      if (clock.micros < micros) kernel.events.runUntil(micros);
    },
    setPaced(paced) {
      // KernelClock reads `paced` on every wait; a replay runs unpaced so it takes no real time.
      (clock as { paced: boolean }).paced = paced;
    },
    open(context, history) {
      const named = context.netns === undefined ? undefined : kernel.named.get(context.netns);
      const ns = named ?? kernel.root;
      const { fs, registry } = session.context(ns);
      const shell = new Shell({
        fs,
        registry,
        clock,
        interactive: true,
        history: () => [...history()],
        seed,
        pid: host.spawn('-bash', ns).pid,
        env: { HOSTNAME: host.hostname },
      });
      const tag = named ? `\x1b[1;33m(${context.netns})\x1b[0m ` : '';
      const hangup = () => {
        for (const job of shell.jobs) if (job.status === null) job.controller.abort('HUP');
      };
      return {
        get exited() {
          return shell.exited;
        },
        async run(script, runOptions) {
          const status = await shell.run(script, runOptions);
          if (shell.exited) hangup();
          return status;
        },
        prompt() {
          const cwd = shell.cwd;
          const shown = cwd === '/root' ? '~' : cwd.startsWith('/root/') ? `~${cwd.slice(5)}` : cwd;
          return `${tag}\x1b[1;32mroot@${host.hostname}\x1b[0m:\x1b[1;34m${shown}\x1b[0m# `;
        },
        setColumns(columns) {
          shell.setVar('COLUMNS', String(columns));
        },
        hangup,
        completions: [
          engineNames(kernel, () => ns),
          toolWords,
          commandNames(() => shell.commandNames()),
          fileNames(
            (): VirtualFs => shell.fs,
            () => shell.cwd,
          ),
        ],
      };
    },
  };
}
