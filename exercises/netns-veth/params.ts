/**
 * What varies between instances of the netns-veth lab: the node, the pod network and bridge, the
 * pods (names, PIDs, addresses, veth names, interface indexes, creation order), which two pods the
 * tasks ask about, which pod's veth is left off the bridge, and the order of the quiz's choices.
 * The canonical instance uses seed 003's own values where it has them (k8s-master, 10.244.0.12 on
 * eth0@if81 paired with veth9d5e266c@if3, PID 20999, coredns at 10.244.0.8 and .9).
 */
import type { Rng } from '../../src/engine/sim.ts';

export interface Pod {
  name: string;
  /** Its namespace under /run/netns, as containerd names them. */
  netns: string;
  /** The pause container's PID, for `nsenter -t`. */
  pid: number;
  ip: string;
  /** The host end of its veth pair, in the root namespace. */
  veth: string;
  /** The host end's ifindex in the root namespace (the pod's eth0@ifN). */
  hostIndex: number;
}

export interface NetnsVethParams {
  hostname: string;
  nodeIp: string;
  nodeGateway: string;
  bridge: string;
  /** The node's pod CIDR is `${podNet}.0/24`; the bridge holds `${podNet}.1`. */
  podNet: string;
  mtu: number;
  /** eth0's ifindex inside every pod (2, or 3 when a tunnel module took 2). */
  podIndex: number;
  /** Pods in creation order (ascending host index). */
  pods: Pod[];
  /** Indexes into `pods` of the two pods the tasks are about. */
  a: number;
  b: number;
  /** Which of the two has its host veth down and off the bridge. */
  detached: 'a' | 'b';
  /** The quiz's choice ids in the order shown. */
  choiceOrder: string[];
  engineSeed: number;
}

export const CHOICES = ['unique-in-root', 'pid', 'global-index', 'bridge-port'];

export const canonical: NetnsVethParams = {
  hostname: 'k8s-master',
  nodeIp: '192.168.1.2',
  nodeGateway: '192.168.1.1',
  bridge: 'cni0',
  podNet: '10.244.0',
  mtu: 1450,
  podIndex: 3,
  pods: [
    {
      name: 'coredns-6955765f44-7xkqw',
      netns: 'cni-3f1a9c2e-5b7d-4e21-9a0c-6d8e2f4b1c37',
      pid: 2841,
      ip: '10.244.0.8',
      veth: 'veth5c1f0e2a',
      hostIndex: 9,
    },
    {
      name: 'coredns-6955765f44-bm2f5',
      netns: 'cni-7e4d2b91-0c3a-4f68-b5e2-91a7c3d0f845',
      pid: 2907,
      ip: '10.244.0.9',
      veth: 'vethb2e47d19',
      hostIndex: 10,
    },
    {
      name: 'dnsutils',
      netns: 'cni-a0c6e5d3-2f9b-4d17-8c4e-3b5f7a912d60',
      pid: 20999,
      ip: '10.244.0.12',
      veth: 'veth9d5e266c',
      hostIndex: 81,
    },
    {
      name: 'echo-75f9bc7468-q2nlm',
      netns: 'cni-5d2e8f14-96b0-4a3c-a7d1-0e4c6b3f92a8',
      pid: 21874,
      ip: '10.244.0.13',
      veth: 'veth41c7a3f0',
      hostIndex: 84,
    },
  ],
  a: 2,
  b: 3,
  detached: 'b',
  choiceOrder: [...CHOICES],
  engineSeed: 1,
};

const HASH_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const APPS = ['web', 'api', 'cart', 'checkout', 'frontend', 'backend', 'echo', 'nginx', 'search', 'auth', 'orders'];
const SYSTEM = ['coredns', 'metrics-server', 'local-path-provisioner'];
const HOSTNAMES = ['k8s-master', 'k8s-worker1', 'k8s-worker2', 'node-1', 'node-2', 'worker-a', 'kube-node3'];
const POD_NETS: [number, number][] = [
  [10, 244],
  [10, 42],
  [10, 88],
];

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

/** `name-<replicaset hash>-<pod suffix>`, as a Deployment's pods are named. */
function deploymentPod(rng: Rng, app: string): string {
  return `${app}-${hashWord(rng, rng.int(9, 10))}-${hashWord(rng, 5)}`;
}

function uuid(rng: Rng): string {
  const hex = rng.hex(16);
  const variant = '89ab'[rng.int(0, 3)] as string;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A personal instance: every name, address, PID and index drawn within what a real node shows. */
export function randomise(rng: Rng): NetnsVethParams {
  const [first, second] = pick(rng, POD_NETS);
  const podNet = `${first}.${second}.${rng.int(0, 15)}`;
  const nodeNet = pick(rng, ['192.168.1', '192.168.56', '10.0.2', '172.18.0']);
  const others = rng.int(1, 3);
  const count = others + 2;
  const hosts = new Set<number>();
  while (hosts.size < count) hosts.add(rng.int(2, 60));
  const hostParts = [...hosts];
  const apps = shuffle(rng, APPS);
  // The two lab pods take random places among the others in creation order.
  const slots = shuffle(
    rng,
    Array.from({ length: count }, (_, i) => i),
  );
  const [slotA, slotB] = slots as [number, number];
  let nextIndex = rng.int(5, 40);
  let pid = rng.int(1200, 4000);
  const pods: Pod[] = [];
  for (let i = 0; i < count; i++) {
    const lab = i === slotA || i === slotB;
    const name = lab ? deploymentPod(rng, apps[i] as string) : deploymentPod(rng, pick(rng, SYSTEM));
    pods.push({
      name,
      netns: `cni-${uuid(rng)}`,
      pid,
      ip: `${podNet}.${hostParts[i]}`,
      veth: `veth${rng.hex(4)}`,
      hostIndex: nextIndex,
    });
    nextIndex += rng.int(1, 24);
    pid += rng.int(60, 9000);
  }
  return {
    hostname: pick(rng, HOSTNAMES),
    nodeIp: `${nodeNet}.${rng.int(10, 250)}`,
    nodeGateway: `${nodeNet}.1`,
    bridge: pick(rng, ['cni0', 'cni0', 'cbr0']),
    podNet,
    mtu: pick(rng, [1450, 1500]),
    podIndex: rng.int(2, 3),
    pods,
    a: slotA,
    b: slotB,
    detached: rng.int(0, 1) === 0 ? 'a' : 'b',
    choiceOrder: shuffle(rng, CHOICES),
    engineSeed: rng.int(1, 0x7fffffff),
  };
}

export function podA(params: NetnsVethParams): Pod {
  return params.pods[params.a] as Pod;
}

export function podB(params: NetnsVethParams): Pod {
  return params.pods[params.b] as Pod;
}

export function detachedPod(params: NetnsVethParams): Pod {
  return params.detached === 'a' ? podA(params) : podB(params);
}
