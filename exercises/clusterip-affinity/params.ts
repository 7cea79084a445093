/**
 * What varies between instances of the clusterip-affinity lab: the cluster's name and networks,
 * the Service (name, port name, port, cluster IP), the three web pods (names, label, addresses,
 * which worker each runs on), the client pod and its node, which pods the tasks ask about, and the
 * order of the quiz's choices. The canonical instance is seed 002's cluster: myk8s on kindnet,
 * webpod1..3 on the three workers, net-pod on the control plane, svc-clusterip 10.200.1.63:9000→80.
 */
import { probability } from '../../src/engine/k8s/kube-proxy/probability.ts';
import type { Rng } from '../../src/engine/sim.ts';

export interface PodPlace {
  name: string;
  /** The node it is pinned to (spec.nodeName). */
  node: string;
  ip: string;
}

export interface ClusterIpParams {
  cluster: string;
  /** The first two octets of the pod subnet (`${podNet}.0.0/16`); node i holds `${podNet}.i.0/24`. */
  podNet: string;
  serviceSubnet: string;
  service: string;
  portName: string;
  port: number;
  clusterIP: string;
  /** The web pods' `app` label, the Service's selector. */
  app: string;
  web: [PodPlace, PodPlace, PodPlace];
  client: PodPlace;
  /** kind's node addresses and container ids, pinned only where a seed shows them. */
  nodePins?: { name: string; address: string; containerId: string }[];
  /** Indexes into `web` of the pod whose IP and node are asked, whose SEP chain is asked, whose count is asked. */
  ipPod: number;
  sepPod: number;
  countPod: number;
  choiceOrder: string[];
  engineSeed: number;
}

export const TARGET_PORT = 80;

export const CHOICES = ['nat-only', 'dummy-device', 'proxy-process', 'proxy-arp'];

export const canonical: ClusterIpParams = {
  cluster: 'myk8s',
  podNet: '10.10',
  serviceSubnet: '10.200.1.0/24',
  service: 'svc-clusterip',
  portName: 'svc-webport',
  port: 9000,
  clusterIP: '10.200.1.63',
  app: 'webpod',
  web: [
    { name: 'webpod1', node: 'myk8s-worker', ip: '10.10.1.3' },
    { name: 'webpod2', node: 'myk8s-worker2', ip: '10.10.2.4' },
    { name: 'webpod3', node: 'myk8s-worker3', ip: '10.10.3.3' },
  ],
  client: { name: 'net-pod', node: 'myk8s-control-plane', ip: '10.10.0.6' },
  nodePins: [
    { name: 'myk8s-worker', address: '172.18.0.2', containerId: 'ec7adbe5350c' },
    { name: 'myk8s-control-plane', address: '172.18.0.5', containerId: 'f15642db9183' },
    { name: 'myk8s-worker2', address: '172.18.0.4', containerId: '9418511b3e6f' },
    { name: 'myk8s-worker3', address: '172.18.0.3', containerId: '5d730ae049de' },
  ],
  ipPod: 0,
  sepPod: 2,
  countPod: 1,
  choiceOrder: [...CHOICES],
  engineSeed: 2,
};

/** The cluster's nodes in kind's order: the control plane, then worker, worker2, worker3. */
export function nodeNames(params: ClusterIpParams): string[] {
  const c = params.cluster;
  return [`${c}-control-plane`, `${c}-worker`, `${c}-worker2`, `${c}-worker3`];
}

/** Where a pod on `node` gets its address: the node's /24 of the pod subnet. */
function podAddress(params: ClusterIpParams, node: string, host: number): string {
  return `${params.podNet}.${nodeNames(params).indexOf(node)}.${host}`;
}

/** The endpoints in the order kube-proxy writes their jumps: sorted as "ip:port" strings. */
export function endpointOrder(params: ClusterIpParams): PodPlace[] {
  const key = (p: PodPlace) => `${p.ip}:${TARGET_PORT}`;
  return [...params.web].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The probability kube-proxy writes on the jump to `pod` (1 for the last jump, which has none). */
export function jumpProbability(params: ClusterIpParams, pod: PodPlace): string {
  const order = endpointOrder(params);
  const i = order.indexOf(pod);
  return i === order.length - 1 ? '1' : probability(order.length - i);
}

const HASH_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const CLUSTERS = ['myk8s', 'kind', 'lab', 'k8s-lab', 'svc-lab', 'net'];
const APPS = ['webpod', 'whoami', 'web', 'echo', 'backend', 'api'];
const SERVICES = ['svc-clusterip', 'web-svc', 'whoami', 'backend', 'echo-svc', 'api'];
const PORT_NAMES = ['svc-webport', 'http', 'web', 'http-web'];
const PORTS = [9000, 8080, 80, 8000, 9090, 3000];
const CLIENTS = ['net-pod', 'netshoot', 'client', 'curl-pod', 'debug'];
const POD_NETS = ['10.10', '10.244', '10.42', '10.88', '172.20'];

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(0, items.length - 1)] as T;
}

function shuffle<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function hashWord(rng: Rng, length: number): string {
  return Array.from({ length }, () => HASH_CHARS[rng.int(0, HASH_CHARS.length - 1)]).join('');
}

/** A cluster IP in the service range, never the API server's (first) or the DNS's (tenth) address. */
function serviceAddress(rng: Rng, subnet: string): string {
  const [a, b, c] = subnet.split('.');
  if (subnet.endsWith('/24')) return `${a}.${b}.${c}.${rng.int(11, 250)}`;
  return `${a}.${b}.${rng.int(1, 254)}.${rng.int(2, 254)}`;
}

/** A personal instance: names, addresses, ports and placement drawn within what a kind cluster shows. */
export function randomise(rng: Rng): ClusterIpParams {
  const cluster = pick(rng, CLUSTERS);
  const serviceSubnet = pick(rng, ['10.96.0.0/16', '10.200.1.0/24', '10.100.0.0/16', '10.43.0.0/16']);
  const app = pick(rng, APPS);
  // Bare pods named like webpod1..3, or like a Deployment's (name-<template hash>-<suffix>).
  const deployment = rng.int(0, 1) === 1;
  const hash = hashWord(rng, 10);
  const names = [1, 2, 3].map((i) => (deployment ? `${app}-${hash}-${hashWord(rng, 5)}` : `${app}${i}`));
  const partial: ClusterIpParams = {
    ...canonical,
    cluster,
    podNet: pick(rng, POD_NETS),
    serviceSubnet,
    service: pick(rng, SERVICES),
    portName: pick(rng, PORT_NAMES),
    port: pick(rng, PORTS),
    clusterIP: serviceAddress(rng, serviceSubnet),
    app,
    nodePins: undefined,
    choiceOrder: shuffle(rng, CHOICES),
    engineSeed: rng.int(1, 0x7fffffff),
  };
  const nodes = nodeNames(partial);
  const workers = shuffle(rng, nodes.slice(1));
  const used = new Set<string>();
  const place = (name: string, node: string): PodPlace => {
    let ip = podAddress(partial, node, rng.int(2, 12));
    while (used.has(ip)) ip = podAddress(partial, node, rng.int(2, 12));
    used.add(ip);
    return { name, node, ip };
  };
  const web = names.map((name, i) => place(name, workers[i] as string)) as [PodPlace, PodPlace, PodPlace];
  const client = place(pick(rng, CLIENTS), rng.int(0, 1) === 0 ? (nodes[0] as string) : pick(rng, nodes));
  const asks = shuffle(rng, [0, 1, 2]);
  return {
    ...partial,
    web,
    client,
    ipPod: asks[0] as number,
    sepPod: asks[1] as number,
    countPod: rng.int(0, 2),
  };
}
