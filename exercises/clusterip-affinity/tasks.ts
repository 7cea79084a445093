/**
 * The clusterip-affinity tasks and their checks. Expected values are read from the cluster when the
 * check runs: addresses and placement from the API server, chain names and probabilities from the
 * nat table kube-proxy wrote on the client's node, DNAT targets from that node's conntrack table,
 * and request counts from what the learner's own commands printed.
 */
import type { KindCluster } from '../../src/engine/k8s/cluster/kind.ts';
import { viewTable } from '../../src/engine/linux/netfilter/state.ts';
import type { Chain } from '../../src/engine/linux/netfilter/types.ts';
import type { NetNs } from '../../src/engine/linux/netns.ts';
import { formatIpv4 } from '../../src/engine/wire/addr.ts';
import type { CommandRun, Task, World } from '../types.ts';
import type { ClusterIpParams, PodPlace } from './params.ts';

type W = World<ClusterIpParams>;

interface ApiPod {
  spec: { nodeName?: string };
  status: { podIP?: string };
}

interface ApiService {
  spec: { clusterIP?: string; ports?: { port: number }[]; sessionAffinity?: string };
}

function clusterOf(world: W): KindCluster {
  if (!world.cluster) throw new Error('this lab needs its kind cluster');
  return world.cluster;
}

function apiPod(world: W, name: string): ApiPod | undefined {
  return clusterOf(world).api.get('Pod', 'default', name) as ApiPod | undefined;
}

function apiService(world: W): ApiService | undefined {
  return clusterOf(world).api.get('Service', 'default', world.params.service) as ApiService | undefined;
}

/** The Service's cluster IP and first port, as the API server holds them. */
function serviceAddress(world: W): { ip: string; port: number } | undefined {
  const spec = apiService(world)?.spec;
  const port = spec?.ports?.[0]?.port;
  return spec?.clusterIP && port !== undefined ? { ip: spec.clusterIP, port } : undefined;
}

/** The node the client pod runs on: where its packets meet kube-proxy's rules and conntrack. */
function clientNode(world: W): NetNs | undefined {
  const name = apiPod(world, world.params.client.name)?.spec.nodeName;
  return name === undefined ? undefined : clusterOf(world).node(name)?.netns;
}

function natChain(ns: NetNs, name: string): Chain | undefined {
  return viewTable(ns.netfilter, 'nat').chains.get(name);
}

function jumpOf(spec: string): string | undefined {
  return /(?:^|\s)-[jg] (\S+)/.exec(spec)?.[1];
}

/** The KUBE-SVC chain KUBE-SERVICES sends the Service's cluster IP and port to. */
function svcChain(world: W): string | undefined {
  const ns = clientNode(world);
  const svc = serviceAddress(world);
  if (!ns || !svc) return undefined;
  const rule = natChain(ns, 'KUBE-SERVICES')?.rules.find(
    (r) => r.spec.includes(`-d ${svc.ip}/32`) && new RegExp(`--dport ${svc.port}(\\s|$)`).test(r.spec),
  );
  return rule ? jumpOf(rule.spec) : undefined;
}

/** The KUBE-SEP chain whose DNAT sends the Service's traffic to `pod`. */
function sepChain(world: W, pod: PodPlace): string | undefined {
  const ns = clientNode(world);
  const svc = svcChain(world);
  const ip = apiPod(world, pod.name)?.status.podIP;
  if (!ns || !svc || !ip) return undefined;
  const seps = (natChain(ns, svc)?.rules ?? []).map((r) => jumpOf(r.spec)).filter((j) => j?.startsWith('KUBE-SEP-'));
  return seps.find((sep) =>
    natChain(ns, sep as string)?.rules.some((r) => r.spec.includes(`--to-destination ${ip}:`)),
  ) as string | undefined;
}

/** The probability on the statistic jump to `pod`'s SEP chain; `1` for the last jump, which has none. */
function jumpProbability(world: W, pod: PodPlace): string[] {
  const ns = clientNode(world);
  const svc = svcChain(world);
  const sep = sepChain(world, pod);
  if (!ns || !svc || !sep) return [];
  const rule = natChain(ns, svc)?.rules.find((r) => jumpOf(r.spec) === sep && !r.spec.includes('--rcheck'));
  if (!rule) return [];
  return [/--probability (\S+)/.exec(rule.spec)?.[1] ?? '1'];
}

/** Where the client node's conntrack entries for the Service were translated to (their reply source). */
function conntrackTargets(world: W): string[] {
  const ns = clientNode(world);
  const svc = serviceAddress(world);
  const client = apiPod(world, world.params.client.name)?.status.podIP;
  if (!ns || !svc || !client) return [];
  const now = world.host.kernel.clock.millis;
  const targets = ns.conntrack
    .entries(now)
    .filter((e) => formatIpv4(e.orig.src) === client && formatIpv4(e.orig.dst) === svc.ip && e.orig.dport === svc.port)
    .map((e) => formatIpv4(e.reply.src));
  return [...new Set(targets)];
}

const base = (argv: readonly string[]) => (argv[0] ?? '').replace(/^.*\//, '');

function iptablesRuns(world: W): CommandRun[] {
  return world.observed.commands.filter((run) => /^iptables(-legacy|-nft)?(-save)?$/.test(base(run.argv)));
}

/** Whether `arg` names the Service as curl's URL: `IP:PORT`, with a scheme or path, or bare IP on port 80. */
function targetsService(arg: string, svc: { ip: string; port: number }): boolean {
  const url = /^(?:https?:\/\/)?([^/:]+)(?::(\d+))?(?:\/.*)?$/.exec(arg);
  return url?.[1] === svc.ip && Number(url[2] ?? 80) === svc.port;
}

/** The curls the client pod sent to the Service, in order. */
function serviceCurls(world: W): CommandRun[] {
  const runtime = clusterOf(world).pod('default', world.params.client.name);
  const svc = serviceAddress(world);
  if (!runtime || !svc) return [];
  return world.observed.commands.filter(
    (run) =>
      run.ns === runtime.sandbox.netns && base(run.argv) === 'curl' && run.argv.some((a) => targetsService(a, svc)),
  );
}

const hostnameIn = (output: string) => /^Hostname: (\S+)/m.exec(output)?.[1];

const REQUESTS = 100;

/** Whether some command printed per-pod counts (`uniq -c`) of at least 100 answers from the web pods. */
function countedDistribution(world: W): boolean {
  const names = new Set(world.params.web.map((p) => p.name));
  return world.observed.commands.some((run) => {
    const counts = [...run.output.matchAll(/^\s*(\d+) Hostname: (\S+)$/gm)].filter((m) => names.has(m[2] as string));
    return counts.reduce((sum, m) => sum + Number(m[1]), 0) >= REQUESTS;
  });
}

export const tasks: Task<ClusterIpParams>[] = [
  {
    id: 'pod-ip',
    checks: [
      {
        id: 'looked',
        kind: 'observe',
        points: 1,
        hint: 0,
        holds: (world) => {
          const pod = world.params.web[world.params.ipPod] as PodPlace;
          const ip = apiPod(world, pod.name)?.status.podIP;
          return (
            ip !== undefined &&
            world.observed.commands.some((run) => base(run.argv) === 'kubectl' && run.output.includes(ip))
          );
        },
      },
      {
        id: 'ip',
        kind: 'answer',
        compare: 'ipv4',
        points: 2,
        hint: 0,
        expected: (world) => {
          const ip = apiPod(world, (world.params.web[world.params.ipPod] as PodPlace).name)?.status.podIP;
          return ip ? [ip] : [];
        },
      },
      {
        id: 'node',
        kind: 'answer',
        compare: 'name',
        points: 1,
        hint: 1,
        expected: (world) => {
          const node = apiPod(world, (world.params.web[world.params.ipPod] as PodPlace).name)?.spec.nodeName;
          return node ? [node] : [];
        },
      },
    ],
  },
  {
    id: 'svc-chain',
    checks: [
      {
        id: 'listed',
        kind: 'observe',
        points: 1,
        hint: 0,
        holds: (world) => {
          const chain = svcChain(world);
          return chain !== undefined && iptablesRuns(world).some((run) => run.output.includes(chain));
        },
      },
      {
        id: 'answer',
        kind: 'answer',
        compare: 'name',
        points: 2,
        hint: 1,
        expected: (world) => {
          const chain = svcChain(world);
          return chain ? [chain] : [];
        },
      },
    ],
  },
  {
    id: 'sep-chain',
    checks: [
      {
        id: 'listed',
        kind: 'observe',
        points: 1,
        hint: 0,
        holds: (world) => {
          const pod = world.params.web[world.params.sepPod] as PodPlace;
          const chain = sepChain(world, pod);
          const ip = apiPod(world, pod.name)?.status.podIP;
          return (
            chain !== undefined &&
            ip !== undefined &&
            iptablesRuns(world).some((run) => run.output.includes(chain) && run.output.includes(`${ip}:`))
          );
        },
      },
      {
        id: 'answer',
        kind: 'answer',
        compare: 'name',
        points: 2,
        hint: 1,
        expected: (world) => {
          const chain = sepChain(world, world.params.web[world.params.sepPod] as PodPlace);
          return chain ? [chain] : [];
        },
      },
    ],
  },
  {
    id: 'probability',
    checks: [
      ...[0, 1, 2].map((i) => ({
        id: `web${i + 1}`,
        kind: 'answer' as const,
        compare: 'number' as const,
        points: 1,
        hint: 0,
        expected: (world: W) => jumpProbability(world, world.params.web[i] as PodPlace),
      })),
      {
        id: 'listed',
        kind: 'observe',
        points: 1,
        hint: 1,
        holds: (world) => {
          const chain = svcChain(world);
          return (
            chain !== undefined &&
            iptablesRuns(world).some((run) => run.output.includes(chain) && /probability/.test(run.output))
          );
        },
      },
    ],
  },
  {
    id: 'conntrack',
    checks: [
      {
        id: 'listed',
        kind: 'observe',
        points: 1,
        hint: 0,
        holds: (world) => {
          const ns = clientNode(world);
          const svc = serviceAddress(world);
          return (
            ns !== undefined &&
            svc !== undefined &&
            world.observed.commands.some(
              (run) => run.ns === ns && base(run.argv) === 'conntrack' && run.output.includes(`dst=${svc.ip} `),
            )
          );
        },
      },
      {
        id: 'answer',
        kind: 'answer',
        compare: 'ipv4',
        points: 2,
        hint: 1,
        expected: conntrackTargets,
      },
    ],
  },
  {
    id: 'distribution',
    checks: [
      {
        id: 'loop',
        kind: 'observe',
        points: 2,
        hint: 0,
        holds: (world) => serviceCurls(world).length >= REQUESTS,
      },
      { id: 'counted', kind: 'observe', points: 1, hint: 1, holds: countedDistribution },
    ],
  },
  {
    id: 'affinity',
    checks: [
      {
        id: 'patched',
        kind: 'state',
        points: 2,
        hint: 0,
        holds: (world) => apiService(world)?.spec.sessionAffinity === 'ClientIP',
      },
      {
        id: 'collapsed',
        kind: 'observe',
        points: 2,
        hint: 1,
        holds: (world) => {
          const last = serviceCurls(world).slice(-REQUESTS);
          const names = new Set(last.map((run) => hostnameIn(run.output)));
          const [only] = names;
          return last.length === REQUESTS && names.size === 1 && only !== undefined;
        },
      },
    ],
  },
  {
    id: 'why-vip',
    checks: [
      {
        id: 'choice',
        kind: 'choice',
        points: 2,
        hint: 0,
        choices: (params) => params.choiceOrder,
        correct: 'nat-only',
      },
    ],
  },
];
