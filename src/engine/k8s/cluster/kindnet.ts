/**
 * kindnet, kind's default CNI (kindnetd with the ptp and host-local plugins), as
 * /work/shared/reference/cni-node-networking.md §4 describes it: the conflist kindnetd writes from
 * its template, the pod sandbox ptp builds (a `cni-<uuid>` namespace, a veth whose node side holds
 * the node's pod gateway as /32 with a `scope host` route to the pod), the routes to other nodes'
 * pod CIDRs via their eth0 addresses, and the KIND-MASQ-AGENT masquerade rules.
 */
import { PROTO, RT_TABLE, SCOPE } from '../../linux/fib.ts';
import type { VethLink } from '../../linux/links.ts';
import { NetNs } from '../../linux/netns.ts';
import type { Rng } from '../../sim.ts';
import { broadcastOf, type Ipv4, networkOf, parseIpv4, parsePrefix } from '../../wire/addr.ts';

/** /etc/cni/net.d/10-kindnet.conflist as kindnetd's template renders it (leading blank line, tabs). */
export function kindnetConflist(podCIDR: string, mtu = 1500): string {
  return `
{
\t"cniVersion": "0.3.1",
\t"name": "kindnet",
\t"plugins": [
\t{
\t\t"type": "ptp",
\t\t"ipMasq": false,
\t\t"ipam": {
\t\t\t"type": "host-local",
\t\t\t"dataDir": "/run/cni-ipam-state",
\t\t\t"routes": [
\t\t\t\t
\t\t\t\t
\t\t\t\t{ "dst": "0.0.0.0/0" }
\t\t\t],
\t\t\t"ranges": [
\t\t\t\t
\t\t\t\t
\t\t\t\t[ { "subnet": "${podCIDR}" } ]
\t\t\t]
\t\t}
\t\t,
\t\t"mtu": ${mtu}
\t\t
\t},
\t{
\t\t"type": "portmap",
\t\t"capabilities": {
\t\t\t"portMappings": true
\t\t}
\t}
\t]
}
`;
}

/** kindnetd's masq.go rules (go-iptables AppendUnique), as restore text for `--noflush`. */
export function kindMasqRestore(podSubnets: readonly string[]): string {
  const lines = [
    '*nat',
    ':KIND-MASQ-AGENT - [0:0]',
    '-A POSTROUTING -m addrtype ! --dst-type LOCAL -m comment --comment "kind-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom KIND-MASQ-AGENT chain" -j KIND-MASQ-AGENT',
    ...podSubnets.map(
      (cidr) =>
        `-A KIND-MASQ-AGENT -d ${cidr} -m comment --comment "kind-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN`,
    ),
    '-A KIND-MASQ-AGENT -m comment --comment "kind-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)" -j MASQUERADE',
    'COMMIT',
  ];
  return `${lines.join('\n')}\n`;
}

/** containerd's netns name: `cni-` and a random UUID (fmt "%x-%x-%x-%x-%x" over 16 bytes). */
export function cniNetnsName(rng: Rng): string {
  const b = rng.bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface PodSandbox {
  /** The pod's namespace (cni-<uuid> under the node's /run/netns). */
  netns: NetNs;
  netnsName: string;
  ip: string;
  /** The node side of the pod's veth (`veth<8 hex>`). */
  hostVeth: VethLink;
  podVeth: VethLink;
}

function route(
  dst: Ipv4,
  len: number,
  dev: number,
  extra: { gateway?: Ipv4; scope?: number; prefsrc?: Ipv4; protocol?: number },
) {
  return {
    table: RT_TABLE.main,
    type: 'unicast' as const,
    dst,
    len,
    tos: 0,
    metric: 0,
    protocol: extra.protocol ?? PROTO.boot ?? 3,
    scope: extra.scope ?? SCOPE.global,
    dev,
    onlink: false,
    ...(extra.gateway !== undefined ? { gateway: extra.gateway } : {}),
    ...(extra.prefsrc !== undefined ? { prefsrc: extra.prefsrc } : {}),
  };
}

/**
 * CNI ADD with ptp: the pod namespace gets `eth0` with the pod IP in the node's pod CIDR, the
 * subnet route replaced by one via the gateway, and a default route; the node side gets the
 * gateway as /32 and a host route to the pod.
 */
export function ptpAdd(node: NetNs, podCIDR: string, ip: string, rng: Rng, mtu = 1500): PodSandbox {
  const prefix = parsePrefix(podCIDR);
  const podIp = parseIpv4(ip);
  if (!prefix || podIp === null) throw new Error(`ptp: bad pod CIDR ${podCIDR} or IP ${ip}`);
  const gateway = (networkOf(prefix.addr, prefix.len) + 1) >>> 0;
  const kernel = node.kernel;
  const pod = kernel.createNamespace();
  const netnsName = cniNetnsName(rng);
  const lo = pod.linkByName('lo');
  if (lo) pod.setUp(lo, true);
  // veth_newlink registers the peer (the node side) first.
  const hostVeth = node.createLink('veth', `veth${rng.hex(4)}`, { mtu }, {
    numtxqueues: 1,
    numrxqueues: 1,
  } as Partial<VethLink>);
  const podVeth = pod.createLink('veth', 'eth0', { mtu }, { numtxqueues: 1, numrxqueues: 1 } as Partial<VethLink>);
  NetNs.pairVeth(hostVeth, podVeth);
  node.nsidOf(pod);
  pod.nsidOf(node);
  pod.setUp(podVeth, true);
  node.setUp(hostVeth, true);
  pod.addAddress(podVeth, {
    local: podIp,
    prefixlen: prefix.len,
    broadcast: broadcastOf(podIp, prefix.len),
    scope: SCOPE.global,
    label: 'eth0',
    noprefixroute: false,
  });
  const podMain = pod.table(RT_TABLE.main, true);
  const subnet = networkOf(podIp, prefix.len);
  podMain?.removeWhere((r) => r.dst === subnet && r.len === prefix.len && r.protocol === PROTO.kernel);
  podMain?.insert(route(gateway, 32, podVeth.ifindex, { scope: SCOPE.link, prefsrc: podIp }));
  podMain?.insert(route(subnet, prefix.len, podVeth.ifindex, { gateway, prefsrc: podIp }));
  podMain?.insert(route(0, 0, podVeth.ifindex, { gateway }));
  node.addAddress(hostVeth, {
    local: gateway,
    prefixlen: 32,
    scope: SCOPE.global,
    label: hostVeth.name,
    noprefixroute: false,
  });
  node.table(RT_TABLE.main, true)?.insert(route(podIp, 32, hostVeth.ifindex, { scope: SCOPE.host }));
  return { netns: pod, netnsName, ip, hostVeth, podVeth };
}

/** CNI DEL: the namespace goes, and with it both ends of the veth and the node's host route. */
export function ptpDel(sandbox: PodSandbox): void {
  sandbox.netns.kernel.destroyNamespace(sandbox.netns);
}

/** kindnetd's syncRoute: `<podCIDR> via <nodeIP> dev eth0` for every other node. */
export function syncNodeRoutes(node: NetNs, others: readonly { podCIDR: string; ip: string }[]): void {
  const eth0 = node.linkByName('eth0');
  const main = node.table(RT_TABLE.main, true);
  if (!eth0 || !main) return;
  for (const other of others) {
    const prefix = parsePrefix(other.podCIDR);
    const gw = parseIpv4(other.ip);
    if (!prefix || gw === null) continue;
    const dst = networkOf(prefix.addr, prefix.len);
    if (main.routes.some((r) => r.dst === dst && r.len === prefix.len && r.gateway === gw)) continue;
    main.insert(route(dst, prefix.len, eth0.ifindex, { gateway: gw }));
  }
}
