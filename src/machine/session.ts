/**
 * A shell session on a simulated host: the src/shell interpreter with the host's tools on its
 * PATH, its filesystem (with /proc and /etc), and one clock, the kernel's. Each network namespace a
 * process can be in gets its own command registry and /proc view; `ip netns exec` and `nsenter`
 * start a shell of the target namespace for their command. The page's terminal, `packet-lab shell`,
 * `packet-lab exec` and the script runner all go through here.
 */

import type { NetNs } from '../engine/linux/netns.ts';
import { formatIpv4 } from '../engine/wire/addr.ts';
import { ALSO_PROGRAMS } from '../shell/builtins.ts';
import { resolvePath, type VirtualFs } from '../shell/fs.ts';
import { CommandRegistry } from '../shell/registry.ts';
import { createDefaultFs, Shell } from '../shell/shell.ts';
import { createTextTools } from '../shell/tools/index.ts';
import type { Command, CommandContext } from '../shell/types.ts';
import { KernelClock } from './clock.ts';
import { runIpCommand, runNsenter } from './enter.ts';
import { writeEtc } from './etc.ts';
import { LinuxHost } from './host.ts';
import { procView } from './proc.ts';
import { driveProgram } from './programs.ts';

export interface SessionOptions {
  /** An existing host (a lab's scenario); otherwise a fresh one from `seed` and `hostname`. */
  host?: LinuxHost;
  seed?: number;
  hostname?: string;
  /** A live terminal: ping's interval and idle kernel timers take real time. */
  paced?: boolean;
  /** Announce background jobs and report them when done, as an interactive bash does. */
  interactive?: boolean;
  /** The lines `history` lists. */
  history?: () => string[];
  env?: Record<string, string>;
  /** Per-namespace identity (a kind node or a pod is another machine sharing this kernel). */
  profile?: (ns: NetNs) => NamespaceProfile | undefined;
}

/** What a namespace that is its own machine (a container) has instead of the host's. */
export interface NamespaceProfile {
  /** Its UTS hostname; `hostname NAME` run there changes it. */
  hostname: string;
  /** Its own files (before the /proc view of the namespace is laid over them). */
  files?: VirtualFs;
  /** Commands only it has (docker and kubectl on the lab machine, crictl on a node). */
  commands?: (session: HostSession) => Record<string, Command>;
}

/** Where the tools live on a Debian node, for `which`, `type` and `/usr/sbin/ip`. */
const SBIN = new Set([
  'ip',
  'bridge',
  'sysctl',
  'ipset',
  'conntrack',
  'route',
  'arp',
  'ifconfig',
  'brctl',
  'tcpdump',
  'iptables',
  'iptables-nft',
  'iptables-legacy',
  'iptables-save',
  'iptables-nft-save',
  'iptables-legacy-save',
  'iptables-restore',
  'iptables-nft-restore',
  'iptables-legacy-restore',
]);

/** Signals every name, for commands that become their argument (`ip netns exec`, `nsenter`). */
const ALL_SIGNALS = ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'PIPE', 'ALRM', 'TERM'];

const SHELLS = new Set(['sh', 'bash', 'zsh']);

function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

interface Context {
  registry: CommandRegistry;
  fs: VirtualFs;
}

export class HostSession {
  readonly host: LinuxHost;
  readonly clock: KernelClock;
  /** The host's files (what every namespace shares; /proc comes from each view). */
  readonly files: VirtualFs;
  /** The login shell, in the root namespace. */
  readonly shell: Shell;
  readonly #text: CommandRegistry;
  readonly #contexts = new Map<NetNs, Context>();
  readonly #seed: number;
  readonly #profile: SessionOptions['profile'];

  constructor(options: SessionOptions = {}) {
    this.#seed = options.seed ?? 1;
    this.#profile = options.profile;
    this.host = options.host ?? new LinuxHost({ seed: this.#seed, hostname: options.hostname });
    this.clock = new KernelClock(this.host.kernel, { paced: options.paced });
    this.files = createDefaultFs(this.clock);
    for (const dir of ['/run/netns', '/var/run', '/etc/netns', '/sbin', '/bin'])
      this.files.mkdir(dir, { parents: true });
    writeEtc(this.files, this.host.hostname);
    this.#text = createTextTools();
    const root = this.context(this.host.kernel.root);
    const pid = this.host.spawn('-bash', this.host.kernel.root, this.host.processes.has(4242) ? undefined : 4242).pid;
    this.shell = new Shell({
      pid,
      fs: root.fs,
      registry: root.registry,
      clock: this.clock,
      interactive: options.interactive,
      history: options.history,
      seed: this.#seed,
      env: { HOSTNAME: this.host.hostname, ...options.env },
    });
  }

  /** The commands and files a process in `ns` sees. */
  context(ns: NetNs): Context {
    let context = this.#contexts.get(ns);
    if (!context) {
      const files = this.#profile?.(ns)?.files ?? this.files;
      context = { registry: this.#registry(ns), fs: procView(files, ns) };
      this.#contexts.set(ns, context);
    }
    return context;
  }

  /** Can `argv0` be executed in `ns`: a program on PATH, a shell, or an executable path. */
  canExecute(argv0: string, ns: NetNs, cwd: string): boolean {
    const { registry, fs } = this.context(ns);
    if (argv0.includes('/')) {
      const path = resolvePath(cwd, argv0);
      const st = fs.stat(path);
      if (st?.kind === 'file') return (st.mode & 0o111) !== 0;
      const base = path.slice(path.lastIndexOf('/') + 1);
      return (
        registry.byPath(path) !== undefined ||
        (SHELLS.has(base) && /^\/(usr\/)?bin$/.test(path.slice(0, -base.length - 1)))
      );
    }
    return SHELLS.has(argv0) || ALSO_PROGRAMS.has(argv0) || registry.get(argv0) !== undefined;
  }

  /** Runs `argv` in `ns` through a fresh shell of that namespace with the caller's env, cwd and streams. */
  async runIn(ns: NetNs, argv: string[], ctx: CommandContext): Promise<number> {
    const { registry, fs } = this.context(ns);
    const shell = new Shell({ fs, registry, clock: this.clock, env: ctx.env, cwd: ctx.cwd, seed: this.#seed });
    return shell.run(argv.map(quote).join(' '), {
      stdin: ctx.stdin,
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      signal: ctx.signal,
    });
  }

  #registry(ns: NetNs): CommandRegistry {
    const host = this.host;
    const registry = new CommandRegistry(this.#text);
    const path = (name: string) => `${SBIN.has(name) ? '/usr/sbin' : '/usr/bin'}/${name}`;
    for (const [name, tool] of host.tools) {
      // cat comes from the text tools, reading /proc through this namespace's view.
      if (name === 'cat') continue;
      registry.registerSimple(
        name,
        (argv, stdin) => tool(argv.slice(1), { host, netns: ns, stdin, name: argv[0] ?? name }),
        {
          path: path(name),
        },
      );
    }
    const own = (name: string, run: Command, catches?: readonly string[]) =>
      registry.register(name, run, { path: path(name), ...(catches ? { catches } : {}) });
    own('ip', (ctx) => runIpCommand(ctx, host, ns, this), ALL_SIGNALS);
    own('nsenter', (ctx) => runNsenter(ctx, host, ns, this), ALL_SIGNALS);
    for (const [name, entry] of host.programs) {
      const run: Command = (ctx) =>
        driveProgram(
          ctx,
          this.clock,
          (emit) =>
            entry.start(ctx.argv.slice(1), { host, netns: ns, stdin: '', name: ctx.argv[0] ?? name }, emit, {
              endless: true,
            }),
          { client: entry.client },
        );
      own(name, run, entry.catches);
    }
    own('hostname', (ctx) => this.#hostname(ctx, ns));
    for (const [name, run] of Object.entries(this.#profile?.(ns)?.commands?.(this) ?? {})) own(name, run);
    return registry;
  }

  /** `hostname` (hostname 3.23): print or set the UTS name, -I the namespace's addresses. */
  async #hostname(ctx: CommandContext, ns: NetNs): Promise<number> {
    const args = ctx.argv.slice(1);
    const flags = args.filter((a) => a.startsWith('-'));
    const names = args.filter((a) => !a.startsWith('-'));
    if (flags.includes('-I') || flags.includes('--all-ip-addresses')) {
      const addrs = ns.addrs.filter((a) => a.local >>> 24 !== 127).map((a) => formatIpv4(a.local));
      await ctx.stdout.write(`${addrs.map((a) => `${a} `).join('')}\n`);
      return 0;
    }
    if (flags.includes('-i') || flags.includes('--ip-address')) {
      await ctx.stdout.write('127.0.1.1\n');
      return 0;
    }
    const unknown = flags.find((f) => !['-s', '--short', '-f', '--fqdn', '--long', '-A', '-a', '--alias'].includes(f));
    if (unknown !== undefined) {
      await ctx.stderr.write(
        `hostname: invalid option -- '${unknown.replace(/^-+/, '')}'\nTry 'hostname --help' for more information.\n`,
      );
      return 4;
    }
    const profile = this.#profile?.(ns);
    if (names.length > 0) {
      if (profile) profile.hostname = names[0] as string;
      else this.host.hostname = names[0] as string;
      return 0;
    }
    const name = profile?.hostname ?? this.host.hostname;
    await ctx.stdout.write(`${flags.includes('-s') || flags.includes('--short') ? name.split('.')[0] : name}\n`);
    return 0;
  }
}
