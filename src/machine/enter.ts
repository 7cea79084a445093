/**
 * Running a command in another network namespace: `ip netns exec NAME CMD…` and `nsenter`. Both
 * resolve the namespace, check that CMD can be executed (with the real tool's message when not),
 * then run CMD through a shell of that namespace, which inherits the caller's environment, working
 * directory and streams.
 */
import type { NetContext } from '../commands/ip/context.ts';
import { runIp } from '../commands/ip/index.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { CommandContext } from '../shell/types.ts';
import type { LinuxHost } from './host.ts';

/** What a host offers for entering a namespace: can CMD be executed there, and run it. */
export interface Enter {
  canExecute(argv0: string, ns: NetNs, cwd: string): boolean;
  runIn(ns: NetNs, argv: string[], ctx: CommandContext): Promise<number>;
}

/** `ip …` as a shell command: `ip netns exec` runs its command through the shell, the rest at once. */
export async function runIpCommand(ctx: CommandContext, host: LinuxHost, ns: NetNs, enter: Enter): Promise<number> {
  let request: { argv: string[]; ns: NetNs } | undefined;
  const netContext: NetContext = {
    kernel: host.kernel,
    netns: ns,
    named: host.kernel.named,
    exec: (argv, target) => {
      request = { argv, ns: target };
      return { stdout: '', stderr: '', exitCode: 0 };
    },
  };
  const out = runIp(ctx.argv.slice(1), netContext);
  if (out.stdout) await ctx.stdout.write(out.stdout);
  if (out.stderr) await ctx.stderr.write(out.stderr);
  if (request === undefined) return out.exitCode;
  const name = request.argv[0] as string;
  if (!enter.canExecute(name, request.ns, ctx.cwd)) {
    await ctx.stderr.write(`exec of "${name}" failed: No such file or directory\n`);
    return 255;
  }
  return enter.runIn(request.ns, request.argv, ctx);
}

const NSENTER_USAGE = `
Usage:
 nsenter [options] [<program> [<argument>...]]

Run a program with namespaces of other processes.

Options:
 -a, --all              enter all namespaces
 -t, --target <pid>     target process to get namespaces from
 -m, --mount[=<file>]   enter mount namespace
 -u, --uts[=<file>]     enter UTS namespace (hostname etc)
 -i, --ipc[=<file>]     enter System V IPC namespace
 -n, --net[=<file>]     enter network namespace
 -p, --pid[=<file>]     enter pid namespace
 -C, --cgroup[=<file>]  enter cgroup namespace
 -U, --user[=<file>]    enter user namespace
 -T, --time[=<file>]    enter time namespace
 -S, --setuid <uid>     set uid in entered namespace
 -G, --setgid <gid>     set gid in entered namespace
     --preserve-credentials do not touch uids or gids
 -r, --root[=<dir>]     set the root directory
 -w, --wd[=<dir>]       set the working directory
 -F, --no-fork          do not fork before exec'ing <program>
 -Z, --follow-context   set SELinux context according to --target PID

 -h, --help             display this help
 -V, --version          display version

For more details see nsenter(1).
`;

const NS_LETTERS: Record<string, string> = {
  m: 'mnt',
  u: 'uts',
  i: 'ipc',
  n: 'net',
  p: 'pid',
  C: 'cgroup',
  U: 'user',
  T: 'time',
};
const NS_LONG: Record<string, string> = {
  mount: 'mnt',
  uts: 'uts',
  ipc: 'ipc',
  net: 'net',
  pid: 'pid',
  cgroup: 'cgroup',
  user: 'user',
  time: 'time',
};

/** `nsenter` (util-linux 2.38): only the network namespace changes anything here. */
export async function runNsenter(ctx: CommandContext, host: LinuxHost, ns: NetNs, enter: Enter): Promise<number> {
  const args = ctx.argv.slice(1);
  let target: string | undefined;
  const entered = new Map<string, string | undefined>();
  let all = false;
  let i = 0;
  const fail = async (message: string, status = 1) => {
    await ctx.stderr.write(`nsenter: ${message}\n`);
    return status;
  };
  const usage = async (message: string) => {
    await ctx.stderr.write(`nsenter: ${message}\nTry 'nsenter --help' for more information.\n`);
    return 1;
  };
  for (; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '-h' || arg === '--help') {
      await ctx.stdout.write(NSENTER_USAGE);
      return 0;
    }
    if (arg === '-V' || arg === '--version') {
      await ctx.stdout.write('nsenter from util-linux 2.38.1\n');
      return 0;
    }
    const long = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (long) {
      const [, name = '', value] = long;
      if (name === 'target') {
        target = value ?? args[++i];
        if (target === undefined) return usage("option '--target' requires an argument");
      } else if (NS_LONG[name] !== undefined) entered.set(NS_LONG[name], value);
      else if (name === 'all') all = true;
      else if (['preserve-credentials', 'no-fork', 'follow-context'].includes(name)) continue;
      else if (['root', 'wd'].includes(name)) continue;
      else if (['setuid', 'setgid'].includes(name)) {
        if (value === undefined) i++;
      } else return usage(`unrecognized option '${arg}'`);
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    for (let k = 1; k < arg.length; k++) {
      const letter = arg[k] as string;
      const rest = arg.slice(k + 1);
      if (letter === 't') {
        target = rest !== '' ? rest : args[++i];
        if (target === undefined) return usage("option requires an argument -- 't'");
        break;
      }
      if (NS_LETTERS[letter] !== undefined) {
        // Short namespace options take their file only when attached (-n/run/netns/x).
        entered.set(NS_LETTERS[letter], rest !== '' ? rest : undefined);
        if (rest !== '') break;
        continue;
      }
      if (letter === 'a') all = true;
      else if (letter === 'S' || letter === 'G') {
        if (rest === '') i++;
        break;
      } else if (letter === 'r' || letter === 'w') break;
      else if (letter === 'F' || letter === 'Z') continue;
      else return usage(`invalid option -- '${letter}'`);
    }
  }
  let argv = args.slice(i);
  if (all && target === undefined) return fail('no target PID specified for --all');
  if (all) entered.set('net', entered.get('net'));
  let targetNs: NetNs | undefined;
  if (target !== undefined) {
    if (!/^\d+$/.test(target)) return fail(`invalid target PID argument: '${target}'`);
    targetNs = host.processes.get(Number(target))?.netns;
    if (targetNs === undefined && entered.size > 0) {
      const first = [...entered.keys()][0];
      return fail(`cannot open /proc/${target}/ns/${first}: No such file or directory`);
    }
  }
  if (entered.size === 0 && target === undefined) return fail('neither filename nor target pid supplied for ns/mnt');
  let netns = ns;
  if (entered.has('net')) {
    const file = entered.get('net');
    if (file !== undefined) {
      const found = namespaceFile(file, host);
      if (found === undefined) return fail(`cannot open ${file}: No such file or directory`);
      netns = found;
    } else if (targetNs !== undefined) netns = targetNs;
    else return fail('neither filename nor target pid supplied for ns/net');
  }
  if (argv.length === 0) argv = [ctx.env.SHELL ?? '/bin/sh'];
  const name = argv[0] as string;
  if (!enter.canExecute(name, netns, ctx.cwd)) return fail(`failed to execute ${name}: No such file or directory`, 127);
  return enter.runIn(netns, argv, ctx);
}

/** The namespace behind /run/netns/NAME or /proc/PID/ns/net. */
function namespaceFile(file: string, host: LinuxHost): NetNs | undefined {
  const named = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(file);
  if (named?.[1] !== undefined) return host.kernel.named.get(named[1]);
  const proc = /^\/proc\/(\d+)\/ns\/net$/.exec(file);
  if (proc?.[1] !== undefined) return host.processes.get(Number(proc[1]))?.netns;
  return undefined;
}
