/**
 * `docker` on the lab machine, for kind's node containers and plain ones: ps, inspect (with
 * -f/--format Go templates), network ls/inspect, run -d, and exec (handed back to the machine,
 * which runs the command in the container's namespace through its shell).
 */
import type { Docker, DockerContainer } from '../../engine/k8s/cluster/docker.ts';
import type { NetNs } from '../../engine/linux/netns.ts';
import { type CommandOutput, fail, ok } from '../types.ts';
import { displayablePorts, ellipsis, humanDuration, tabwrite } from './format.ts';
import { compileTemplate, goJson, TemplateError } from './go-template.ts';
import { containerInspect, networkInspect } from './inspect.ts';

export interface ExecRequest {
  container: DockerContainer;
  argv: string[];
  interactive: boolean;
  tty: boolean;
  env: string[];
  user?: string;
  workdir?: string;
}

export interface DockerContext {
  docker: Docker;
  /** Virtual time now (µs). */
  now: number;
  /** `docker exec`: what to run where; the machine runs it after this returns. */
  exec?: (request: ExecRequest) => void;
  /** Starts a container's process on the machine (`docker run`); its pid. */
  spawn?: (command: string, netns: NetNs) => number;
}

const NO_SUCH = (ref: string) => `Error response from daemon: No such container: ${ref}\n`;

function requires(cmd: string, usage: string, n: number, what = 'argument'): CommandOutput {
  return fail(
    `docker: 'docker ${cmd}' requires at least ${n} ${what}${n === 1 ? '' : 's'}\n\nUsage:  docker ${cmd} ${usage}\n\nSee 'docker ${cmd} --help' for more information\n`,
    1,
  );
}

/** Splits options from operands the way docker's pflag does for the flags given. */
function parseFlags(
  args: string[],
  withValue: readonly string[],
  stopAtFirstOperand: boolean,
): { flags: Map<string, string[]>; operands: string[]; error?: string } {
  const flags = new Map<string, string[]>();
  const operands: string[] = [];
  const add = (k: string, v: string) => flags.set(k, [...(flags.get(k) ?? []), v]);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (operands.length > 0 && stopAtFirstOperand) {
      operands.push(a);
      continue;
    }
    if (a === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (withValue.includes(`--${k}`)) {
        const value = v ?? args[++i];
        if (value === undefined) return { flags, operands, error: `flag needs an argument: --${k}` };
        add(`--${k}`, value);
      } else add(`--${k}`, v ?? 'true');
    } else if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = `-${a[j]}`;
        if (withValue.includes(f)) {
          const value = a.slice(j + 1) || args[++i];
          if (value === undefined) return { flags, operands, error: `flag needs an argument: '${a[j]}' in ${f}` };
          add(f, value);
          break;
        }
        add(f, 'true');
      }
    } else operands.push(a);
  }
  return { flags, operands };
}

function has(flags: Map<string, string[]>, ...names: string[]): boolean {
  return names.some((n) => flags.has(n));
}

function value(flags: Map<string, string[]>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = flags.get(n);
    if (v) return v.at(-1);
  }
  return undefined;
}

function commandOf(c: DockerContainer): string {
  return [...c.entrypoint, ...c.cmd].join(' ');
}

/** The row fields `docker ps --format` offers. */
function psFields(c: DockerContainer, now: number, trunc: boolean): Record<string, unknown> {
  const command = commandOf(c);
  return {
    ID: trunc ? c.id.slice(0, 12) : c.id,
    Image: c.image,
    Command: JSON.stringify(trunc ? ellipsis(command, 20) : command),
    CreatedAt: new Date(Math.floor(c.created / 1000))
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, ' +0000 UTC'),
    RunningFor: `${humanDuration(now - c.created)} ago`,
    Ports: displayablePorts(c.ports),
    State: 'running',
    Status: `Up ${humanDuration(now - c.started)}`,
    Size: '0B',
    Names: c.name,
    Labels: Object.entries(c.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    Mounts: c.mounts.map((m) => ellipsis(m.Source, 15)).join(','),
    Networks: c.endpoints.map((e) => e.network.name).join(','),
  };
}

const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID',
  Image: 'IMAGE',
  Command: 'COMMAND',
  CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED',
  Ports: 'PORTS',
  State: 'STATE',
  Status: 'STATUS',
  Size: 'SIZE',
  Names: 'NAMES',
  Labels: 'LABELS',
  Mounts: 'MOUNTS',
  Networks: 'NETWORKS',
};

/** `--format` output: `table …` gets headers and tabwriter columns; anything else a line per item. */
function formatRows(format: string, items: Record<string, unknown>[], headers: Record<string, string>): string {
  const table = format.startsWith('table');
  const body = table ? format.slice(5).trimStart() : format;
  const render = compileTemplate(body);
  if (!table) return items.map((item) => `${render(item)}\n`).join('');
  const header = body.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_m, f: string) => headers[f] ?? f.toUpperCase());
  const rows = [header, ...items.map((item) => render(item))].map((line) => line.split('\t'));
  return tabwrite(rows);
}

function ps(args: string[], ctx: DockerContext): CommandOutput {
  const { flags, error } = parseFlags(args, ['--format', '-f', '--filter', '-n', '--last'], false);
  if (error) return fail(`${error}\nSee 'docker ps --help'.\n`, 125);
  const trunc = !has(flags, '--no-trunc');
  let list = [...ctx.docker.containers].sort((a, b) => b.created - a.created);
  for (const f of [...(flags.get('-f') ?? []), ...(flags.get('--filter') ?? [])]) {
    const [k, v = ''] = f.split(/=(.*)/s, 2) as [string, string | undefined];
    if (k === 'name') list = list.filter((c) => c.name.includes(v));
    else if (k === 'label') {
      const [lk, lv] = v.split('=');
      list = list.filter((c) => lk !== undefined && lk in c.labels && (lv === undefined || c.labels[lk] === lv));
    } else if (k === 'network') list = list.filter((c) => c.endpoints.some((e) => e.network.name === v));
    else if (k === 'id') list = list.filter((c) => c.id.startsWith(v));
    else if (k === 'status') list = list.filter(() => v === 'running');
    else return fail(`Error response from daemon: invalid filter '${k}'\n`, 1);
  }
  const last = value(flags, '-n', '--last');
  if (last !== undefined) list = list.slice(0, Number(last));
  if (has(flags, '-l', '--latest')) list = list.slice(0, 1);
  const items = list.map((c) => psFields(c, ctx.now, trunc));
  if (has(flags, '-q', '--quiet')) return ok(items.map((i) => `${i.ID}\n`).join(''));
  const format =
    value(flags, '--format') ??
    'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
  try {
    return ok(formatRows(format, items, PS_HEADERS));
  } catch (e) {
    if (e instanceof TemplateError) return fail(`template parsing error: ${e.message}\n`, 1);
    throw e;
  }
}

function inspect(args: string[], ctx: DockerContext, only?: 'container' | 'network'): CommandOutput {
  const { flags, operands, error } = parseFlags(args, ['--format', '-f', '--type'], false);
  if (error) return fail(`${error}\nSee 'docker inspect --help'.\n`, 125);
  if (operands.length === 0)
    return requires(
      only === 'network' ? 'network inspect' : 'inspect',
      only === 'network' ? '[OPTIONS] NETWORK [NETWORK...]' : '[OPTIONS] NAME|ID [NAME|ID...]',
      1,
    );
  const type = only ?? value(flags, '--type');
  const docs: Record<string, unknown>[] = [];
  let stderr = '';
  for (const ref of operands) {
    const c = type === 'network' ? undefined : ctx.docker.container(ref);
    const n = c || type === 'container' ? undefined : ctx.docker.network(ref);
    if (c) docs.push(containerInspect(c));
    else if (n) docs.push(networkInspect(n, ctx.docker.containers));
    else
      stderr +=
        type === 'network'
          ? `Error response from daemon: network ${ref} not found\n`
          : type === 'container'
            ? NO_SUCH(ref)
            : `Error: No such object: ${ref}\n`;
  }
  const format = value(flags, '-f', '--format');
  let stdout: string;
  if (format === undefined) stdout = `${goJson(docs, '    ')}\n`;
  else {
    try {
      const render = compileTemplate(format === 'json' ? '{{json .}}' : format);
      stdout = docs.map((d) => `${render(d)}\n`).join('');
    } catch (e) {
      if (e instanceof TemplateError) return fail(`template parsing error: template: :1: ${e.message}\n`, 1);
      throw e;
    }
  }
  return { stdout, stderr, exitCode: stderr === '' ? 0 : 1 };
}

function network(args: string[], ctx: DockerContext): CommandOutput {
  const [sub, ...rest] = args;
  if (sub === 'ls' || sub === 'list') {
    const { flags } = parseFlags(rest, ['--format', '-f', '--filter'], false);
    const list = [...ctx.docker.networks].sort((a, b) => (a.name < b.name ? -1 : 1));
    if (has(flags, '-q', '--quiet')) return ok(list.map((n) => `${n.id.slice(0, 12)}\n`).join(''));
    const items = list.map((n) => ({
      ID: has(flags, '--no-trunc') ? n.id : n.id.slice(0, 12),
      Name: n.name,
      Driver: n.driver,
      Scope: n.scope,
    }));
    const format = value(flags, '--format') ?? 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';
    return ok(formatRows(format, items, { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE' }));
  }
  if (sub === 'inspect') return inspect(rest, ctx, 'network');
  if (sub === undefined)
    return ok(
      "\nUsage:  docker network COMMAND\n\nManage networks\n\nCommands:\n  connect     Connect a container to a network\n  create      Create a network\n  disconnect  Disconnect a container from a network\n  inspect     Display detailed information on one or more networks\n  ls          List networks\n  prune       Remove all unused networks\n  rm          Remove one or more networks\n\nRun 'docker network COMMAND --help' for more information on a command.\n",
    );
  return fail(
    `docker: unknown command: docker network ${sub}\n\nRun 'docker network --help' for more information\n`,
    1,
  );
}

function exec(args: string[], ctx: DockerContext): CommandOutput {
  const { flags, operands, error } = parseFlags(args, ['-e', '--env', '-u', '--user', '-w', '--workdir'], true);
  if (error) return fail(`${error}\nSee 'docker exec --help'.\n`, 125);
  if (operands.length < 2) return requires('exec', '[OPTIONS] CONTAINER COMMAND [ARG...]', 2);
  const [ref, ...argv] = operands as [string, ...string[]];
  const container = ctx.docker.container(ref);
  if (!container) return fail(NO_SUCH(ref), 1);
  ctx.exec?.({
    container,
    argv,
    interactive: has(flags, '-i', '--interactive'),
    tty: has(flags, '-t', '--tty'),
    env: [...(flags.get('-e') ?? []), ...(flags.get('--env') ?? [])],
    user: value(flags, '-u', '--user'),
    workdir: value(flags, '-w', '--workdir'),
  });
  return ok();
}

function run(args: string[], ctx: DockerContext): CommandOutput {
  const { flags, operands, error } = parseFlags(
    args,
    ['--name', '--network', '--net', '-e', '--env', '--hostname', '-h', '--ip', '-p', '--publish', '--entrypoint'],
    true,
  );
  if (error) return fail(`${error}\nSee 'docker run --help'.\n`, 125);
  if (operands.length === 0) return requires('run', '[OPTIONS] IMAGE [COMMAND] [ARG...]', 1);
  const [image, ...cmd] = operands as [string, ...string[]];
  const name = value(flags, '--name') ?? `lab_${ctx.docker.containers.length}`;
  const existing = ctx.docker.container(name);
  if (existing && existing.name === name)
    return fail(
      `docker: Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${existing.id}". You have to remove (or rename) that container to be able to reuse that name.\n\nRun 'docker run --help' for more information\n`,
      125,
    );
  const networkName = value(flags, '--network', '--net') ?? 'bridge';
  if (!ctx.docker.network(networkName)?.bridge)
    return fail(`docker: Error response from daemon: network ${networkName} not found.\n`, 125);
  if (!has(flags, '-d', '--detach'))
    return fail('docker: only detached containers (docker run -d) run in this lab\n', 125);
  if (!ctx.spawn) return fail('docker: Cannot connect to the Docker daemon\n', 1);
  const container = ctx.docker.run({
    name,
    image,
    cmd,
    network: networkName,
    ip: value(flags, '--ip'),
    hostname: value(flags, '--hostname', '-h'),
    spawn: ctx.spawn,
  });
  return ok(`${container.id}\n`);
}

export function runDocker(args: string[], ctx: DockerContext): CommandOutput {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'ps':
      return ps(rest, ctx);
    case 'container':
      if (rest[0] === 'ls' || rest[0] === 'list' || rest[0] === 'ps') return ps(rest.slice(1), ctx);
      if (rest[0] === 'inspect') return inspect(rest.slice(1), ctx, 'container');
      if (rest[0] === 'exec') return exec(rest.slice(1), ctx);
      return fail(`docker: unknown command: docker container ${rest[0] ?? ''}\n`, 1);
    case 'inspect':
      return inspect(rest, ctx);
    case 'network':
      return network(rest, ctx);
    case 'exec':
      return exec(rest, ctx);
    case 'run':
      return run(rest, ctx);
    case undefined:
      return fail(
        "\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n\nCommon Commands:\n  run         Create and run a new container from an image\n  exec        Execute a command in a running container\n  ps          List containers\n\nManagement Commands:\n  container   Manage containers\n  network     Manage networks\n\nRun 'docker COMMAND --help' for more information on a command.\n",
        0,
      );
    default:
      return fail(`docker: unknown command: docker ${cmd}\n\nRun 'docker --help' for more information\n`, 1);
  }
}
