/**
 * A lab opened from a scenario file: one kernel holding the lab machine (where docker and kubectl
 * run), the kind nodes (docker containers), their pods and other containers, each a context with
 * its own network namespace, hostname, files and tools:
 *   `lab`, `node/NAME`, `pod/[NS/]NAME`, `host/NAME` (a plain container such as seed 002's mypc).
 * `docker exec NODE cmd…` and `kubectl exec POD -- cmd…` switch context as on a real machine, by
 * running the command through a shell of the target namespace.
 */

import { type CriSandbox, runCrictl } from '../commands/crictl/index.ts';
import { digProgram } from '../commands/dig.ts';
import { type ExecRequest, runDocker } from '../commands/docker/index.ts';
import { runIpset } from '../commands/ipset/index.ts';
import { runIptablesRestore } from '../commands/iptables/restore.ts';
import { runKubectl } from '../commands/kubectl/index.ts';
import { nslookupProgram } from '../commands/nslookup.ts';
import type { ToolEmit, ToolProgram } from '../commands/types.ts';
import type { DockerContainer } from '../engine/k8s/cluster/docker.ts';
import {
  clusterDnsIp,
  KindCluster,
  type KindNode,
  type PodRuntime,
  parseScenario,
  type Scenario,
  scenarioTimes,
} from '../engine/k8s/cluster/index.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import { Rng, VirtualClock } from '../engine/sim.ts';
import { resolvePath, type VirtualFs } from '../shell/fs.ts';
import { createDefaultFs, Shell } from '../shell/shell.ts';
import type { Writer } from '../shell/stream.ts';
import type { Command, CommandContext } from '../shell/types.ts';
import { writeEtc } from './etc.ts';
import { LinuxHost } from './host.ts';
import { driveProgram } from './programs.ts';
import { HostSession, type NamespaceProfile, type SessionOptions } from './session.ts';

export type ContextKind = 'lab' | 'node' | 'pod' | 'host';

export interface LabContext {
  /** `lab`, `node/NAME`, `pod/NS/NAME` or `host/NAME`. */
  name: string;
  kind: ContextKind;
  netns: NetNs;
  hostname: string;
}

export interface KindLabOptions extends Pick<SessionOptions, 'paced' | 'interactive' | 'history' | 'env'> {
  seed?: number;
}

/** Images with no shell or tools (FROM scratch): exec finds only their own binary. */
const SCRATCH_IMAGES: Record<string, string[]> = { 'traefik/whoami': ['/whoami', 'whoami'] };

function imageBase(image: string): string {
  return image.replace(/^docker\.io\//, '').replace(/[:@].*$/, '');
}

function envMap(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of list) {
    const i = e.indexOf('=');
    if (i > 0) out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

async function write(w: Writer, text: string): Promise<void> {
  if (text) await w.write(text);
}

/** Whether kubectl will read standard input (`-f -`), so it must not wait on a terminal otherwise. */
function readsStdin(args: readonly string[]): boolean {
  return args.some(
    (a, i) => a === '--filename=-' || a === '-f=-' || (a === '-' && ['-f', '--filename'].includes(args[i - 1] ?? '')),
  );
}

/**
 * apt, apt-get, yum and dnf on the lab machine: the seeds' set-up steps (`yum install -y …`,
 * `apt install …`) answered as on a machine that already has every tool the lab uses.
 */
async function packageManager(ctx: CommandContext): Promise<number> {
  const [tool = 'apt', ...args] = ctx.argv;
  const action = args.find((a) => !a.startsWith('-'));
  const packages = args.filter((a) => !a.startsWith('-')).slice(1);
  const apt = tool.startsWith('apt');
  if (action === 'install' && packages.length === 0) {
    await ctx.stderr.write(apt ? '' : 'Error: Need to pass a list of pkgs to install\n');
    return apt ? 0 : 1;
  }
  if (apt) {
    let text = 'Reading package lists... Done\n';
    if (action === 'install' || action === 'upgrade') {
      text += 'Building dependency tree... Done\nReading state information... Done\n';
      for (const p of packages) text += `${p} is already the newest version.\n`;
      text += '0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n';
    }
    await ctx.stdout.write(text);
    return 0;
  }
  let text = '';
  for (const p of action === 'install' ? packages : []) text += `Package ${p} is already installed.\n`;
  await ctx.stdout.write(`${text}Dependencies resolved.\nNothing to do.\nComplete!\n`);
  return 0;
}

export class KindLab {
  readonly scenario: Scenario;
  readonly host: LinuxHost;
  readonly cluster: KindCluster;
  readonly session: HostSession;
  readonly seed: number;
  readonly #profiles = new Map<NetNs, NamespaceProfile>();
  readonly #pids: Rng;
  #nextPid: number;

  /** Parses and builds a scenario's text; throws ScenarioError for a bad scenario. */
  static open(text: string, options: KindLabOptions = {}): KindLab {
    return new KindLab(parseScenario(text), options);
  }

  constructor(scenario: Scenario, options: KindLabOptions = {}) {
    this.scenario = scenario;
    this.seed = options.seed ?? scenario.lab.seed ?? 1;
    const times = scenarioTimes(scenario, new VirtualClock().micros);
    this.host = new LinuxHost({
      seed: this.seed,
      clock: new VirtualClock(times.start),
      hostname: scenario.lab.machine.hostname,
    });
    this.#pids = new Rng(this.seed + 0x9e3779b9);
    this.#nextPid = 1200 + this.#pids.int(0, 600);
    const kernel = this.host.kernel;
    this.cluster = KindCluster.build(
      kernel,
      scenario,
      {
        restore: (ns, text) => {
          const out = runIptablesRestore(['iptables-restore', '--noflush'], text, ns.netfilter, {
            now: kernel.clock.millis,
          });
          if (out.exitCode !== 0) throw new Error(`loading rules into a node failed: ${out.stderr}`);
        },
        spawn: (command, ns) => this.#spawn(command, ns),
        ipsetRestore: (ns, text) => {
          const out = runIpset(['-exist', 'restore'], { sets: ns.ipsets, now: kernel.clock.millis, stdin: text });
          if (out.exitCode !== 0) throw new Error(`loading ipsets into a node failed: ${out.stderr}`);
        },
      },
      times.now,
    );
    this.session = new HostSession({
      host: this.host,
      seed: this.seed,
      paced: options.paced,
      interactive: options.interactive,
      history: options.history,
      env: { KUBECONFIG: '/root/.kube/config', ...options.env },
      profile: (ns) => this.#profile(ns),
    });
    this.session.files.mkdir('/root/.kube', { parents: true });
    this.session.files.writeFile('/root/.kube/config', this.#kubeconfig());
  }

  #spawn(command: string, ns: NetNs): number {
    const pid = this.#nextPid;
    this.#nextPid += this.#pids.int(3, 90);
    return this.host.spawn(command, ns, pid).pid;
  }

  /** Every context name, in a stable order. */
  contextNames(): string[] {
    return [
      'lab',
      ...this.cluster.nodes.map((n) => `node/${n.name}`),
      ...[...this.cluster.pods.values()].map((p) => `pod/${p.namespace}/${p.name}`).sort(),
      ...this.#plainContainers().map((c) => `host/${c.name}`),
    ];
  }

  #plainContainers(): DockerContainer[] {
    return this.cluster.docker.containers.filter((c) => !this.cluster.node(c.name));
  }

  /** The context a name means; throws an Error naming the ones that exist. */
  resolve(name: string): LabContext {
    const root = this.host.kernel.root;
    if (name === 'lab') return { name, kind: 'lab', netns: root, hostname: this.host.hostname };
    const [kind, ...rest] = name.split('/');
    const tail = rest.join('/');
    if (kind === 'node') {
      const node = this.cluster.node(tail);
      if (node) return { name, kind, netns: node.netns, hostname: this.#hostnameOf(node.netns) };
    } else if (kind === 'pod') {
      const [ns, pod] = rest.length > 1 ? [rest[0] ?? '', rest.slice(1).join('/')] : ['default', tail];
      const runtime = this.cluster.pod(ns, pod);
      if (runtime)
        return {
          name: `pod/${ns}/${pod}`,
          kind,
          netns: runtime.sandbox.netns,
          hostname: this.#hostnameOf(runtime.sandbox.netns),
        };
    } else if (kind === 'host') {
      const c = this.#plainContainers().find((x) => x.name === tail);
      if (c) return { name, kind, netns: c.netns, hostname: this.#hostnameOf(c.netns) };
    }
    throw new Error(`unknown context "${name}"; this lab has: ${this.contextNames().join(', ')}`);
  }

  #hostnameOf(ns: NetNs): string {
    return this.#profile(ns)?.hostname ?? this.host.hostname;
  }

  /** A shell in a context, with that machine's environment. */
  shellIn(context: LabContext): Shell {
    if (context.netns === this.host.kernel.root) return this.session.shell;
    const { registry, fs } = this.session.context(context.netns);
    const pid = this.#spawn('bash', context.netns);
    return new Shell({
      pid,
      fs,
      registry,
      clock: this.session.clock,
      seed: this.seed,
      cwd: '/',
      env: { ...this.#envOf(context.netns), HOSTNAME: context.hostname },
    });
  }

  #envOf(ns: NetNs): Record<string, string> {
    const base = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root' };
    const container = this.cluster.docker.containers.find((c) => c.netns === ns);
    if (container) return { ...base, ...envMap(container.env), HOSTNAME: container.hostname };
    const pod = this.#podOf(ns);
    if (pod) {
      const kubernetes = this.cluster.api.get('Service', 'default', 'kubernetes') as
        | { spec: { clusterIP?: string } }
        | undefined;
      const ip = kubernetes?.spec.clusterIP ?? '';
      return {
        ...base,
        HOSTNAME: pod.name,
        KUBERNETES_SERVICE_HOST: ip,
        KUBERNETES_SERVICE_PORT: '443',
        KUBERNETES_SERVICE_PORT_HTTPS: '443',
        KUBERNETES_PORT: `tcp://${ip}:443`,
        KUBERNETES_PORT_443_TCP: `tcp://${ip}:443`,
        KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
        KUBERNETES_PORT_443_TCP_PORT: '443',
        KUBERNETES_PORT_443_TCP_ADDR: ip,
      };
    }
    return base;
  }

  #podOf(ns: NetNs): PodRuntime | undefined {
    for (const p of this.cluster.pods.values()) if (p.sandbox.netns === ns) return p;
    return undefined;
  }

  /** The lab machine's login setup (the seed's VM aliases `k` to kubectl); run once, before the first command. */
  async prepare(): Promise<void> {
    if (this.#prepared) return;
    this.#prepared = true;
    const quiet: Writer = { write: () => undefined };
    await this.session.shell.run('alias k=kubectl', { stdout: quiet, stderr: quiet });
  }

  #prepared = false;

  /** Runs a script in a context: its output to `out`/`err`; resolves to its exit status. */
  async run(contextName: string, script: string, out: Writer, err: Writer): Promise<number> {
    await this.prepare();
    const shell = this.shellIn(this.resolve(contextName));
    const status = await shell.run(script, { stdout: out, stderr: err });
    for (const job of shell.jobs) if (job.status === null) job.controller.abort('INT');
    await shell.waitForJobs();
    return status;
  }

  // ---- per-namespace identities ---------------------------------------------------------------

  #profile(ns: NetNs): NamespaceProfile | undefined {
    const known = this.#profiles.get(ns);
    if (known) return known;
    let profile: NamespaceProfile | undefined;
    const host = this.host;
    if (ns === host.kernel.root) {
      profile = {
        get hostname() {
          return host.hostname;
        },
        set hostname(name: string) {
          host.hostname = name;
        },
        commands: (session) => ({
          docker: (ctx) => this.#docker(ctx, session),
          kubectl: (ctx) => this.#kubectl(ctx, session),
          kind: (ctx) => this.#kind(ctx),
          apt: packageManager,
          'apt-get': packageManager,
          yum: packageManager,
          dnf: packageManager,
        }),
      };
    } else {
      const node = this.cluster.nodes.find((n) => n.netns === ns);
      const pod = this.#podOf(ns);
      const container = this.cluster.docker.containers.find((c) => c.netns === ns);
      if (node) profile = this.#nodeProfile(node);
      else if (pod) profile = this.#podProfile(pod);
      else if (container) profile = { hostname: container.hostname, files: this.#files(container.hostname) };
    }
    if (profile) this.#profiles.set(ns, profile);
    return profile;
  }

  #files(hostname: string): VirtualFs {
    const fs = createDefaultFs(this.session.clock);
    for (const dir of ['/run/netns', '/var/run', '/sbin', '/bin']) fs.mkdir(dir, { parents: true });
    writeEtc(fs, hostname);
    return fs;
  }

  #nodeProfile(node: KindNode): NamespaceProfile {
    const fs = this.#files(node.name);
    for (const [path, text] of node.files) {
      fs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { parents: true });
      fs.writeFile(path, text);
    }
    return {
      hostname: node.name,
      files: fs,
      commands: () => ({ crictl: (ctx) => this.#crictl(ctx, node), ...this.#dnsTools(node.netns) }),
    };
  }

  #podProfile(pod: PodRuntime): NamespaceProfile {
    const fs = this.#files(pod.name);
    const ip = pod.sandbox.ip;
    fs.writeFile(
      '/etc/hosts',
      `# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n${ip}\t${pod.name}\n`,
    );
    const dns = this.#clusterDnsIp();
    fs.writeFile(
      '/etc/resolv.conf',
      `search ${pod.namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver ${dns}\noptions ndots:5\n`,
    );
    return { hostname: pod.name, files: fs, commands: () => this.#dnsTools(pod.sandbox.netns) };
  }

  /** dig and nslookup (dnsutils): clients over the namespace's UDP to the resolver its /etc/resolv.conf names. */
  #dnsTools(ns: NetNs): Record<string, Command> {
    type DnsProgram = (
      args: string[],
      env: { kernel: LinuxHost['kernel']; netns: NetNs; resolvConf?: string },
      emit: ToolEmit,
    ) => ToolProgram;
    const tool =
      (program: DnsProgram): Command =>
      (ctx) => {
        let resolvConf: string | undefined;
        try {
          resolvConf = ctx.fs.readFile('/etc/resolv.conf');
        } catch {
          resolvConf = undefined;
        }
        const env = { kernel: this.host.kernel, netns: ns, ...(resolvConf !== undefined ? { resolvConf } : {}) };
        return driveProgram(ctx, this.session.clock, (emit) => program(ctx.argv.slice(1), env, emit), {
          client: true,
        });
      };
    return { dig: tool(digProgram), nslookup: tool(nslookupProgram) };
  }

  /** kubeadm's cluster DNS address: the tenth address of the service range. */
  #clusterDnsIp(): string {
    return clusterDnsIp(this.scenario.cluster.serviceSubnet);
  }

  #kubeconfig(): string {
    const name = `kind-${this.scenario.cluster.name}`;
    return `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: https://127.0.0.1:${this.cluster.apiServerPort}
  name: ${name}
contexts:
- context:
    cluster: ${name}
    user: ${name}
  name: ${name}
current-context: ${name}
kind: Config
preferences: {}
users:
- name: ${name}
  user:
    client-certificate-data: DATA+OMITTED
    client-key-data: DATA+OMITTED
`;
  }

  // ---- commands that know the cluster --------------------------------------------------------

  async #docker(ctx: CommandContext, session: HostSession): Promise<number> {
    let request: ExecRequest | undefined;
    const out = runDocker(ctx.argv.slice(1), {
      docker: this.cluster.docker,
      now: this.host.kernel.clock.micros,
      exec: (r) => {
        request = r;
      },
      spawn: (command, ns) => this.#spawn(command, ns),
    });
    await write(ctx.stdout, out.stdout);
    await write(ctx.stderr, out.stderr);
    if (!request) return out.exitCode;
    const { container, argv } = request;
    const name = argv[0] as string;
    if (!session.canExecute(name, container.netns, request.workdir ?? '/')) {
      await ctx.stderr.write(
        `OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown\n`,
      );
      return 127;
    }
    const env = {
      ...this.#envOf(container.netns),
      ...(request.tty ? { TERM: 'xterm' } : {}),
      ...envMap(request.env),
    };
    return session.runIn(container.netns, argv, { ...ctx, env, cwd: request.workdir ?? '/' });
  }

  async #kubectl(ctx: CommandContext, session: HostSession): Promise<number> {
    const args = ctx.argv.slice(1);
    if (args.find((a) => !a.startsWith('-')) === 'exec') return this.#kubectlExec(ctx, session, args);
    const stdin = readsStdin(args) ? await ctx.stdin.readAll() : '';
    const path = (p: string) => resolvePath(ctx.cwd, p);
    const out = runKubectl(args, {
      cluster: this.cluster.api,
      server: `https://127.0.0.1:${this.cluster.apiServerPort}`,
      stdin,
      readFile: (p) => {
        try {
          return ctx.fs.readFile(path(p));
        } catch {
          return undefined;
        }
      },
      listDir: (p) => (ctx.fs.isDir(path(p)) ? ctx.fs.readdir(path(p)) : undefined),
    });
    await write(ctx.stdout, out.stdout);
    await write(ctx.stderr, out.stderr);
    return out.exitCode;
  }

  /** `kubectl exec [-it] [-n NS] [-c CONTAINER] POD -- COMMAND…` */
  async #kubectlExec(ctx: CommandContext, session: HostSession, args: string[]): Promise<number> {
    let namespace = 'default';
    let container: string | undefined;
    let tty = false;
    const dash = args.indexOf('--');
    const before = dash < 0 ? args : args.slice(0, dash);
    const command = dash < 0 ? [] : args.slice(dash + 1);
    const operands: string[] = [];
    for (let i = 0; i < before.length; i++) {
      const a = before[i] as string;
      const next = () => before[++i] ?? '';
      if (a === '-n' || a === '--namespace') namespace = next();
      else if (a.startsWith('--namespace=')) namespace = a.slice(12);
      else if (a === '-c' || a === '--container') container = next();
      else if (a.startsWith('--container=')) container = a.slice(12);
      else if (/^-[it]+$/.test(a)) tty ||= a.includes('t');
      else if (a === '--stdin' || a === '--tty') tty ||= a === '--tty';
      else if (a.startsWith('-')) {
        await ctx.stderr.write(`error: unknown flag: ${a}\nSee 'kubectl exec --help' for usage.\n`);
        return 1;
      } else operands.push(a);
    }
    operands.shift();
    const pod = operands.shift();
    if (pod === undefined) {
      await ctx.stderr.write(
        "error: pod, type/name or --filename must be specified\nSee 'kubectl exec -h' for help and examples\n",
      );
      return 1;
    }
    if (operands.length > 0) {
      await ctx.stderr.write(
        "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n",
      );
      return 1;
    }
    if (command.length === 0) {
      await ctx.stderr.write('error: you must specify at least one command for the container\n');
      return 1;
    }
    const name = pod.replace(/^(pods?|po)\//, '');
    const object = this.cluster.api.get('Pod', namespace, name) as
      | { spec: { containers: { name: string; image: string }[] }; status: { phase?: string } }
      | undefined;
    if (!object) {
      await ctx.stderr.write(`Error from server (NotFound): pods "${name}" not found\n`);
      return 1;
    }
    const spec =
      container === undefined ? object.spec.containers[0] : object.spec.containers.find((c) => c.name === container);
    if (!spec) {
      await ctx.stderr.write(`error: container ${container} not found in pod ${name}\n`);
      return 1;
    }
    const runtime = this.cluster.pod(namespace, name);
    if (!runtime) {
      await ctx.stderr.write(`error: unable to upgrade connection: container not found ("${spec.name}")\n`);
      return 1;
    }
    const program = command[0] as string;
    const scratch = SCRATCH_IMAGES[imageBase(spec.image)];
    const netns = runtime.sandbox.netns;
    if ((scratch && !scratch.includes(program)) || (!scratch && !session.canExecute(program, netns, '/'))) {
      const execId = this.cluster.rng.hex(32);
      await ctx.stderr.write(
        `error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown\n`,
      );
      return 1;
    }
    const env = { ...this.#envOf(netns), ...(tty ? { TERM: 'xterm' } : {}) };
    const status = await session.runIn(netns, command, { ...ctx, env, cwd: '/' });
    if (status !== 0) await ctx.stderr.write(`command terminated with exit code ${status}\n`);
    return status;
  }

  async #kind(ctx: CommandContext): Promise<number> {
    const args = ctx.argv.slice(1);
    const name = this.scenario.cluster.name;
    const nameArg = args[args.indexOf('--name') + 1];
    if (args[0] === 'get' && args[1] === 'clusters') {
      await ctx.stdout.write(`${name}\n`);
      return 0;
    }
    if (args[0] === 'get' && args[1] === 'nodes') {
      await ctx.stdout.write(this.cluster.nodes.map((n) => `${n.name}\n`).join(''));
      return 0;
    }
    if (args[0] === 'create' && args[1] === 'cluster') {
      const wanted = args.includes('--name') && nameArg !== undefined ? nameArg : 'kind';
      await ctx.stderr.write(
        wanted === name
          ? `ERROR: failed to create cluster: node(s) already exist for a cluster with the name "${name}"\n`
          : `ERROR: this lab runs one cluster, "${name}"; it is already created\n`,
      );
      return 1;
    }
    if (args[0] === 'version') {
      await ctx.stdout.write('kind v0.24.0 go1.22.6 linux/amd64\n');
      return 0;
    }
    await ctx.stderr.write(`ERROR: unknown command "${args.join(' ')}" for "kind"\n`);
    return 1;
  }

  async #crictl(ctx: CommandContext, node: KindNode): Promise<number> {
    const sandboxes: CriSandbox[] = [...this.cluster.pods.values()]
      .filter((p) => p.node === node)
      .map((p) => {
        const pod = this.cluster.api.get('Pod', p.namespace, p.name) as
          | {
              metadata: { labels?: Record<string, string> };
              status: { containerStatuses?: { name: string; imageID?: string }[] };
            }
          | undefined;
        return {
          id: p.sandboxId,
          name: p.name,
          namespace: p.namespace,
          uid: p.uid,
          created: p.created,
          ip: p.sandbox.ip,
          netnsPath: `/var/run/netns/${p.sandbox.netnsName}`,
          pid: p.pausePid,
          labels: {
            ...pod?.metadata.labels,
            'io.kubernetes.pod.name': p.name,
            'io.kubernetes.pod.namespace': p.namespace,
            'io.kubernetes.pod.uid': p.uid,
          },
          containers: p.containers.map((c) => ({
            id: c.id,
            name: c.name,
            image: c.image,
            imageRef: (pod?.status.containerStatuses?.find((s) => s.name === c.name)?.imageID ?? '').replace(
              /^.*sha256:/,
              '',
            ),
            created: p.created,
          })),
        };
      });
    const out = runCrictl(ctx.argv.slice(1), { sandboxes, now: this.host.kernel.clock.micros });
    await write(ctx.stdout, out.stdout);
    await write(ctx.stderr, out.stderr);
    return out.exitCode;
  }
}

/** Where `packet-lab exec --scenario` writes. */
export interface ExecIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * `packet-lab exec --scenario FILE --on CONTEXT`: builds the scenario and runs `script` in the
 * context; with `transcript`, line by line (see src/machine/script.ts), printing each command, its
 * output and its status. Resolves to the exit status (2 for a bad scenario or context).
 */
export async function execOnScenario(
  scenarioText: string,
  script: string,
  options: { seed?: number; on?: string; transcript?: boolean },
  io: ExecIo,
): Promise<number> {
  let lab: KindLab;
  let context: LabContext;
  try {
    lab = KindLab.open(scenarioText, { seed: options.seed });
    context = lab.resolve(options.on ?? 'lab');
  } catch (e) {
    io.stderr(`packet-lab exec: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  const out: Writer = { write: (chunk) => void io.stdout(chunk) };
  const err: Writer = { write: (chunk) => void io.stderr(chunk) };
  if (!options.transcript) return lab.run(context.name, script, out, err);
  await lab.prepare();
  const shell = lab.shellIn(context);
  let status = 0;
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    let output = '';
    const sink: Writer = {
      write: (chunk) => {
        output += chunk;
      },
    };
    status = await shell.run(line, { stdout: sink, stderr: sink });
    io.stdout(`$ ${line}\n${output}[exit ${status}]\n`);
  }
  return status;
}
