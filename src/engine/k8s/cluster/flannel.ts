/**
 * flannel with the VXLAN backend, as /work/shared/reference/cni-node-networking.md §3 describes it
 * and tests/kernel/scripts/flannel-vxlan.sh builds it by hand: flanneld's flannel.1 (VNI 1, port
 * 8472, no learning, MTU 1450, the lease's network address as /32), its per-remote-lease entries
 * (permanent neighbour, `self permanent` fdb entry, onlink route), the bridge plugin's cni0 and
 * `veth<8 hex>` ports with hairpin on, the FLANNEL-POSTRTG/FLANNEL-FWD rules and the files
 * flanneld and its DaemonSet write.
 */
import { createBridge } from '../../linux/bridge.ts';
import { PROTO, RT_TABLE, SCOPE } from '../../linux/fib.ts';
import type { BridgeLink, VethLink, VxlanLink } from '../../linux/links.ts';
import { NetNs } from '../../linux/netns.ts';
import type { Rng } from '../../sim.ts';
import { broadcastOf, formatIpv4, type Ipv4, networkOf, parseIpv4, parsePrefix } from '../../wire/addr.ts';
import { cniNetnsName, type PodSandbox } from './kindnet.ts';

/** The VXLAN device's MTU: the underlay's 1500 less the 50 bytes of outer headers. */
export const FLANNEL_MTU = 1450;
export const FLANNEL_VNI = 1;
/** Port 0 in flanneld's config means the kernel's default, the Linux VXLAN port 8472. */
export const FLANNEL_PORT = 8472;

/** /etc/cni/net.d/10-flannel.conflist as kube-flannel.yml's cni-conf.json holds it. */
export function flannelConflist(): string {
  return `{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
`;
}

/** /run/flannel/subnet.env for a node's lease. */
export function flannelSubnetEnv(network: string, lease: string): string {
  const p = parsePrefix(lease) as { addr: Ipv4; len: number };
  const gw = formatIpv4((networkOf(p.addr, p.len) + 1) >>> 0);
  return `FLANNEL_NETWORK=${network}\nFLANNEL_SUBNET=${gw}/${p.len}\nFLANNEL_MTU=${FLANNEL_MTU}\nFLANNEL_IPMASQ=true\n`;
}

/** flanneld's iptables rules (v0.22+ trafficmngr/iptables) for a lease, as restore text for `--noflush`. */
export function flannelRestore(network: string, lease: string): string {
  const masq = '-m comment --comment "flanneld masq"';
  const fwd = '-m comment --comment "flanneld forward"';
  return `${[
    '*nat',
    ':FLANNEL-POSTRTG - [0:0]',
    `-A POSTROUTING ${masq} -j FLANNEL-POSTRTG`,
    `-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 ${masq} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${lease} -d ${network} ${masq} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${network} -d ${lease} ${masq} -j RETURN`,
    `-A FLANNEL-POSTRTG ! -s ${network} -d ${lease} ${masq} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${network} ! -d 224.0.0.0/4 ${masq} -j MASQUERADE --random-fully`,
    `-A FLANNEL-POSTRTG ! -s ${network} -d ${network} ${masq} -j MASQUERADE --random-fully`,
    'COMMIT',
    '*filter',
    ':FLANNEL-FWD - [0:0]',
    `-A FORWARD ${fwd} -j FLANNEL-FWD`,
    `-A FLANNEL-FWD -s ${network} ${fwd} -j ACCEPT`,
    `-A FLANNEL-FWD -d ${network} ${fwd} -j ACCEPT`,
    'COMMIT',
  ].join('\n')}\n`;
}

function lease(podCIDR: string): { net: Ipv4; len: number } {
  const p = parsePrefix(podCIDR);
  if (!p) throw new Error(`flannel: bad lease ${podCIDR}`);
  return { net: networkOf(p.addr, p.len), len: p.len };
}

function route(dst: Ipv4, len: number, dev: number, extra: { gateway?: Ipv4; onlink?: boolean; prefsrc?: Ipv4 }) {
  return {
    table: RT_TABLE.main,
    type: 'unicast' as const,
    dst,
    len,
    tos: 0,
    metric: 0,
    protocol: PROTO.boot ?? 3,
    scope: SCOPE.global,
    dev,
    onlink: extra.onlink ?? false,
    ...(extra.gateway !== undefined ? { gateway: extra.gateway } : {}),
    ...(extra.prefsrc !== undefined ? { prefsrc: extra.prefsrc } : {}),
  };
}

/** flanneld's start on a node: flannel.1 over eth0 with the lease's network address. */
export function flannelNodeSetup(node: NetNs, nodeIp: string, podCIDR: string): VxlanLink {
  const eth0 = node.requireLink('eth0');
  const { net } = lease(podCIDR);
  const vxlan = node.createLink(
    'vxlan',
    'flannel.1',
    { mtu: FLANNEL_MTU },
    {
      vni: FLANNEL_VNI,
      local: parseIpv4(nodeIp) ?? undefined,
      dev: eth0.ifindex,
      dstport: FLANNEL_PORT,
      learning: false,
      fdb: [],
    },
  );
  node.addAddress(vxlan, { local: net, prefixlen: 32, scope: SCOPE.global, label: 'flannel.1', noprefixroute: false });
  node.setUp(vxlan, true);
  return vxlan;
}

export interface FlannelPeer {
  ip: string;
  podCIDR: string;
  /** The peer's flannel.1 MAC (the `flannel.alpha.coreos.com/backend-data` VtepMAC annotation). */
  vtepMac: string;
}

/** handleSubnetEvents for every remote lease: neighbour, fdb entry and onlink route via flannel.1. */
export function flannelSyncPeers(node: NetNs, peers: readonly FlannelPeer[]): void {
  const vxlan = node.linkByName('flannel.1');
  const main = node.table(RT_TABLE.main, true);
  if (vxlan?.kind !== 'vxlan' || !main) return;
  const now = node.kernel.clock.micros;
  for (const peer of peers) {
    const { net, len } = lease(peer.podCIDR);
    const dst = parseIpv4(peer.ip);
    if (dst === null) continue;
    node.setNeighbour(vxlan, net, peer.vtepMac, 'PERMANENT');
    const entry = vxlan.fdb.find((e) => e.mac === peer.vtepMac);
    if (entry) Object.assign(entry, { dst, permanent: true, local: true });
    else vxlan.fdb.push({ mac: peer.vtepMac, dst, permanent: true, local: true, updated: now });
    if (!main.routes.some((r) => r.dst === net && r.len === len && r.gateway === net))
      main.insert(route(net, len, vxlan.ifindex, { gateway: net, onlink: true }));
  }
}

/** The bridge plugin's cni0, created on the node's first pod with the lease's gateway address. */
function cni0(node: NetNs, podCIDR: string): BridgeLink {
  const existing = node.linkByName('cni0');
  if (existing?.kind === 'bridge') return existing;
  const { net, len } = lease(podCIDR);
  const bridge = createBridge(node, 'cni0', { mtu: FLANNEL_MTU });
  node.setUp(bridge, true);
  const gw = (net + 1) >>> 0;
  node.addAddress(bridge, {
    local: gw,
    prefixlen: len,
    broadcast: broadcastOf(gw, len),
    scope: SCOPE.global,
    label: 'cni0',
    noprefixroute: false,
  });
  return bridge;
}

/**
 * CNI ADD through flannel's delegate to the bridge plugin: a `cni-<uuid>` namespace whose eth0
 * (the pod IP /24, MTU 1450) routes the cluster network and the default via the lease's .1, and a
 * `veth<8 hex>` port on cni0 with hairpin on.
 */
export function flannelAdd(node: NetNs, network: string, podCIDR: string, ip: string, rng: Rng): PodSandbox {
  const podIp = parseIpv4(ip);
  const cluster = parsePrefix(network);
  if (podIp === null || !cluster) throw new Error(`flannel: bad pod IP ${ip} or network ${network}`);
  const { net, len } = lease(podCIDR);
  const gateway = (net + 1) >>> 0;
  const bridge = cni0(node, podCIDR);
  const pod = node.kernel.createNamespace();
  const netnsName = cniNetnsName(rng);
  const lo = pod.linkByName('lo');
  if (lo) pod.setUp(lo, true);
  const hostVeth = node.createLink('veth', `veth${rng.hex(4)}`, { mtu: FLANNEL_MTU }, {
    numtxqueues: 1,
    numrxqueues: 1,
  } as Partial<VethLink>);
  const podVeth = pod.createLink('veth', 'eth0', { mtu: FLANNEL_MTU }, {
    numtxqueues: 1,
    numrxqueues: 1,
  } as Partial<VethLink>);
  NetNs.pairVeth(hostVeth, podVeth);
  node.nsidOf(pod);
  pod.nsidOf(node);
  node.enslave(hostVeth, bridge);
  node.setUp(hostVeth, true);
  hostVeth.hairpin = true;
  pod.setUp(podVeth, true);
  pod.addAddress(podVeth, {
    local: podIp,
    prefixlen: len,
    broadcast: broadcastOf(podIp, len),
    scope: SCOPE.global,
    label: 'eth0',
    noprefixroute: false,
  });
  const podMain = pod.table(RT_TABLE.main, true);
  podMain?.insert(route(networkOf(cluster.addr, cluster.len), cluster.len, podVeth.ifindex, { gateway }));
  podMain?.insert(route(0, 0, podVeth.ifindex, { gateway }));
  return { netns: pod, netnsName, ip, hostVeth, podVeth };
}
