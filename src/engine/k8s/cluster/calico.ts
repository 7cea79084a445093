/**
 * Calico in IPIP mode, as /work/shared/reference/cni-node-networking.md §1-2 describes it and
 * tests/kernel/scripts/calico-routed.sh builds it by hand: a /26 IPAM block per node whose first
 * address is tunl0's, BIRD's routes (`<block> via <node> dev tunl0 proto bird onlink` for the
 * others, a blackhole for its own), the CNI plugin's `cali<11 hex>` veths (MAC ee:ee:ee:ee:ee:ee,
 * proxy ARP, a /32 route) with the pod's 169.254.1.1 default route, and felix's filter and nat
 * rules and ipsets for the cluster's NetworkPolicies.
 */

import { PROTO, type Route, RT_TABLE, SCOPE } from '../../linux/fib.ts';
import type { IpipLink, VethLink } from '../../linux/links.ts';
import { NetNs } from '../../linux/netns.ts';
import type { Rng } from '../../sim.ts';
import { formatIpv4, type Ipv4, networkOf, parseIpv4, parsePrefix } from '../../wire/addr.ts';
import type { Ipam } from '../api/cluster.ts';
import type { Node, Pod } from '../api/types.ts';
import { renderFelix } from '../calico/felix.ts';
import { vethNameForWorkload } from '../calico/names.ts';
import type { Namespace as CalicoNamespace, Pod as CalicoPod, FelixOutput, NetworkPolicy } from '../calico/types.ts';
import { cniNetnsName, type PodSandbox } from './kindnet.ts';

/** felix's IPIP MTU on a 1500-byte network: less the 20-byte outer header. */
export const CALICO_IPIP_MTU = 1480;
export const CALICO_VETH_MAC = 'ee:ee:ee:ee:ee:ee';
const LINK_LOCAL_GW = parseIpv4('169.254.1.1') as Ipv4;

function prefixOf(cidr: string): { net: Ipv4; len: number } {
  const p = parsePrefix(cidr);
  if (!p) throw new Error(`calico: bad CIDR ${cidr}`);
  return { net: networkOf(p.addr, p.len), len: p.len };
}

/** The block's first address: felix's tunl0 address. */
export function tunnelAddress(block: string): string {
  return formatIpv4(prefixOf(block).net);
}

/** Default blocks: the pool's /26s in node order, one per node. */
export function defaultBlock(pool: string, index: number): string {
  const { net } = prefixOf(pool);
  return `${formatIpv4((net + index * 64) >>> 0)}/26`;
}

/** Calico IPAM: each node's pods from its block, after the tunnel address; pinned IPs kept. */
export class CalicoIpam implements Ipam {
  readonly #pins: Map<string, string>;
  readonly #blocks: Map<string, string>;
  readonly #used = new Set<string>();

  constructor(pins: Map<string, string>, blocks: Map<string, string>) {
    this.#pins = pins;
    this.#blocks = blocks;
  }

  allocate(node: Node, pod: Pod): string | undefined {
    const pinned = this.#pins.get(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`);
    if (pinned !== undefined) {
      this.#used.add(pinned);
      return pinned;
    }
    const block = this.#blocks.get(node.metadata.name);
    if (!block) return undefined;
    const { net, len } = prefixOf(block);
    const reserved = new Set(this.#pins.values());
    for (let i = 1; i < 2 ** (32 - len); i++) {
      const ip = formatIpv4((net + i) >>> 0);
      if (!this.#used.has(ip) && !reserved.has(ip)) {
        this.#used.add(ip);
        return ip;
      }
    }
    return undefined;
  }

  release(_node: Node, _pod: Pod, ip: string): void {
    this.#used.delete(ip);
  }
}

function route(dst: Ipv4, len: number, extra: Partial<Route>): Route {
  return {
    table: RT_TABLE.main,
    type: 'unicast',
    dst,
    len,
    tos: 0,
    metric: 0,
    protocol: PROTO.boot ?? 3,
    scope: SCOPE.global,
    onlink: false,
    ...extra,
  };
}

/** tunl0 (the ipip module's fallback device) with the block's first address as /32, and the blackhole. */
export function calicoNodeSetup(node: NetNs, block: string): IpipLink {
  const tunl0 = node.createLink('ipip', 'tunl0', { mtu: CALICO_IPIP_MTU, mac: '00:00:00:00:00:00' }, {});
  const { net, len } = prefixOf(block);
  node.setUp(tunl0, true);
  node.addAddress(tunl0, { local: net, prefixlen: 32, scope: SCOPE.global, label: 'tunl0', noprefixroute: false });
  node
    .table(RT_TABLE.main, true)
    ?.insert(route(net, len, { type: 'blackhole', protocol: PROTO.bird ?? 12, scope: SCOPE.global }));
  return tunl0;
}

/** BIRD's routes to the other nodes' blocks: via their addresses, out of tunl0, onlink. */
export function calicoSyncPeers(node: NetNs, peers: readonly { ip: string; block: string }[]): void {
  const tunl0 = node.linkByName('tunl0');
  const main = node.table(RT_TABLE.main, true);
  if (!tunl0 || !main) return;
  for (const peer of peers) {
    const { net, len } = prefixOf(peer.block);
    const gw = parseIpv4(peer.ip);
    if (gw === null || main.routes.some((r) => r.dst === net && r.len === len)) continue;
    main.insert(route(net, len, { gateway: gw, dev: tunl0.ifindex, onlink: true, protocol: PROTO.bird ?? 12 }));
  }
}

/**
 * CNI ADD with the Calico plugin: the pod's eth0 holds its IP as /32 with routes to and via
 * 169.254.1.1; the node's `cali<11 hex>` end has no address, MAC ee:ee:ee:ee:ee:ee, proxy ARP, and
 * a /32 route to the pod.
 */
export function calicoAdd(node: NetNs, namespace: string, podName: string, ip: string, rng: Rng): PodSandbox {
  const podIp = parseIpv4(ip);
  if (podIp === null) throw new Error(`calico: bad pod IP ${ip}`);
  const iface = vethNameForWorkload(namespace, podName);
  const pod = node.kernel.createNamespace();
  const netnsName = cniNetnsName(rng);
  const lo = pod.linkByName('lo');
  if (lo) pod.setUp(lo, true);
  const hostVeth = node.createLink('veth', iface, { mtu: CALICO_IPIP_MTU, mac: CALICO_VETH_MAC }, {
    numtxqueues: 1,
    numrxqueues: 1,
  } as Partial<VethLink>);
  const podVeth = pod.createLink('veth', 'eth0', { mtu: CALICO_IPIP_MTU }, {
    numtxqueues: 1,
    numrxqueues: 1,
  } as Partial<VethLink>);
  NetNs.pairVeth(hostVeth, podVeth);
  node.nsidOf(pod);
  pod.nsidOf(node);
  for (const [key, value] of [
    [`net.ipv4.conf.${iface}.proxy_arp`, '1'],
    [`net.ipv4.neigh.${iface}.proxy_delay`, '0'],
    [`net.ipv4.conf.${iface}.forwarding`, '1'],
    [`net.ipv4.conf.${iface}.route_localnet`, '1'],
  ] as const)
    node.writeSysctl(key, value);
  node.setUp(hostVeth, true);
  pod.setUp(podVeth, true);
  pod.addAddress(podVeth, { local: podIp, prefixlen: 32, scope: SCOPE.global, label: 'eth0', noprefixroute: false });
  const podMain = pod.table(RT_TABLE.main, true);
  podMain?.insert(route(LINK_LOCAL_GW, 32, { dev: podVeth.ifindex, scope: SCOPE.link }));
  podMain?.insert(route(0, 0, { dev: podVeth.ifindex, gateway: LINK_LOCAL_GW }));
  node.table(RT_TABLE.main, true)?.insert(route(podIp, 32, { dev: hostVeth.ifindex, scope: SCOPE.link }));
  return { netns: pod, netnsName, ip, hostVeth, podVeth };
}

export interface CalicoClusterNode {
  name: string;
  ip: string;
  block: string;
}

export interface FelixSyncInput {
  nodeName: string;
  nodes: readonly CalicoClusterNode[];
  pool: string;
  kubernetesVersion: string;
  networkPolicies: readonly NetworkPolicy[];
  pods: readonly CalicoPod[];
  namespaces: readonly CalicoNamespace[];
}

/** Kubernetes releases of 2020 and before ran 2020-era felix (seed 004: v1.19 with Calico v3.16). */
function felixEra(kubernetesVersion: string): 'v3.16' | 'v3.26' {
  const minor = Number(/^v?1\.(\d+)/.exec(kubernetesVersion)?.[1] ?? '99');
  return minor < 21 ? 'v3.16' : 'v3.26';
}

/** What felix programs on one node for the cluster's current objects. */
export function felixFor(input: FelixSyncInput): FelixOutput {
  return renderFelix({
    networkPolicies: [...input.networkPolicies],
    pods: [...input.pods],
    namespaces: [...input.namespaces],
    settings: {
      nodeName: input.nodeName,
      nodes: input.nodes.map((n) => ({ name: n.name, address: n.ip, ipipTunnelAddress: tunnelAddress(n.block) })),
      ipPools: [{ cidr: input.pool, natOutgoing: true }],
      ipip: true,
      felixVersion: felixEra(input.kubernetesVersion),
    },
  });
}

/** Drops the lines that hook felix's chains into the kernel's chains, which a previous load already added. */
function withoutHooks(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^-I (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) /.test(l) && !l.startsWith('-A FORWARD '))
    .join('\n');
}

/** One node's felix: loads its rules and sets on the first sync, then again whenever they change. */
export class FelixNode {
  #last: FelixOutput | undefined;

  /** The iptables-restore and ipset-restore texts this sync must load, or undefined when unchanged. */
  sync(output: FelixOutput): { iptables: string; ipset: string } | undefined {
    const last = this.#last;
    if (last && last.filter === output.filter && last.nat === output.nat && last.ipsetRestore === output.ipsetRestore)
      return undefined;
    this.#last = output;
    const iptables = last ? withoutHooks(output.filter) + withoutHooks(output.nat) : output.filter + output.nat;
    // On a re-sync, sets that exist are emptied and refilled (felix rewrites a changed set whole).
    const ipset = last
      ? output.ipsets
          .map((s) =>
            [
              `create ${s.name} ${s.type} family inet maxelem 1048576`,
              `flush ${s.name}`,
              ...s.members.map((m) => `add ${s.name} ${m}`),
            ].join('\n'),
          )
          .join('\n')
      : output.ipsetRestore;
    return { iptables, ipset: ipset === '' || ipset.endsWith('\n') ? ipset : `${ipset}\n` };
  }
}
