import {
  cidrContains,
  familyOfText,
  type IpAddr,
  type IpNet,
  joinHostPort,
  parseCidrSloppy,
  parseIpSloppy,
} from './ip.ts';
import { endpointChain, type ServiceChains, serviceChains, servicePortName } from './names.ts';
import type { EndpointSlice, IpFamily, Protocol, Service } from './types.ts';

/**
 * What kube-proxy's change trackers make of Services and EndpointSlices: one entry per service port
 * of the proxier's IP family, and the endpoints of each, merged across slices and sorted.
 */

export interface ServicePortInfo {
  /** "ns/svc:port" or "ns/svc": comments and hash input. */
  nameString: string;
  /** Key joining a port to its endpoints: namespace, service, port name, protocol. */
  key: string;
  protocol: Protocol;
  /** Lower-case protocol, as in `-m tcp -p tcp`. */
  proto: string;
  clusterIP: IpAddr;
  port: number;
  nodePort: number;
  externalIPs: IpAddr[];
  loadBalancerVIPs: IpAddr[];
  /** Parsed, trimmed and normalised ranges (current kube-proxy prints the network). */
  loadBalancerSourceRanges: IpNet[];
  /** The same ranges as trimmed text (1.19-era kube-proxy prints them as written). */
  loadBalancerSourceRangeTexts: string[];
  /** externalTrafficPolicy Local on a service that is externally reachable at all. */
  externalPolicyLocal: boolean;
  internalPolicyLocal: boolean;
  /** A nodePort, a load-balancer IP or an external IP exists. */
  externallyAccessible: boolean;
  /** 1.19-era OnlyNodeLocalEndpoints: type NodePort/LoadBalancer with externalTrafficPolicy Local. */
  onlyNodeLocalEndpoints: boolean;
  healthCheckNodePort: number;
  sessionAffinityClientIP: boolean;
  stickyMaxAgeSeconds: number;
  chains: ServiceChains;
}

export interface EndpointInfo {
  ip: IpAddr;
  port: number;
  /** "ip:port" or "[ip6]:port". */
  endpoint: string;
  isLocal: boolean;
  ready: boolean;
  serving: boolean;
  terminating: boolean;
  chain: string;
}

const DEFAULT_STICKY_SECONDS = 10800;

function familyNumber(family: IpFamily): 4 | 6 {
  return family === 'IPv6' ? 6 : 4;
}

function portKey(namespace: string, service: string, portName: string, protocol: Protocol): string {
  return `${namespace}/${service}\u0000${portName}\u0000${protocol}`;
}

function clusterIPFor(service: Service, family: 4 | 6): IpAddr | null {
  const { clusterIP, clusterIPs } = service.spec;
  const candidates = clusterIPs && clusterIPs.length > 0 ? clusterIPs : clusterIP ? [clusterIP] : [];
  for (const text of candidates) {
    if (text === 'None' || text === '') return null;
    const ip = parseIpSloppy(text);
    if (ip && ip.family === family) return ip;
  }
  return null;
}

function ipsOfFamily(texts: readonly string[] | undefined, family: 4 | 6): IpAddr[] {
  const out: IpAddr[] = [];
  for (const text of texts ?? []) {
    const ip = parseIpSloppy(text.trim());
    if (ip && ip.family === family) out.push(ip);
  }
  return out;
}

/** Service ports of the proxier's family, in a stable order (kube-proxy itself walks a Go map). */
export function buildServicePorts(services: readonly Service[], ipFamily: IpFamily): ServicePortInfo[] {
  const family = familyNumber(ipFamily);
  const out: ServicePortInfo[] = [];
  for (const service of services) {
    const spec = service.spec;
    const type = spec.type ?? 'ClusterIP';
    if (type === 'ExternalName') continue;
    const clusterIP = clusterIPFor(service, family);
    if (!clusterIP) continue;
    const namespace = service.metadata.namespace ?? 'default';
    const name = service.metadata.name;
    const externalIPs = ipsOfFamily(spec.externalIPs, family);
    const loadBalancerVIPs: IpAddr[] = [];
    for (const ingress of service.status?.loadBalancer?.ingress ?? []) {
      if (!ingress.ip || ingress.ipMode === 'Proxy') continue;
      const ip = parseIpSloppy(ingress.ip);
      if (ip && ip.family === family) loadBalancerVIPs.push(ip);
    }
    const rangeTexts = (spec.loadBalancerSourceRanges ?? [])
      .map((text) => text.trim())
      .filter((text) => familyOfText(text) === family);
    const ranges = rangeTexts.map(parseCidrSloppy).filter((net): net is IpNet => net !== null);
    const nodePortType = type === 'NodePort' || type === 'LoadBalancer';
    const etpLocal = spec.externalTrafficPolicy === 'Local';
    const affinity = spec.sessionAffinity === 'ClientIP';
    for (const port of spec.ports ?? []) {
      const protocol = port.protocol ?? 'TCP';
      const proto = protocol.toLowerCase();
      const nameString = servicePortName(namespace, name, port.name);
      const nodePort = nodePortType ? (port.nodePort ?? 0) : 0;
      const externallyAccessible = nodePort !== 0 || loadBalancerVIPs.length > 0 || externalIPs.length > 0;
      out.push({
        nameString,
        key: portKey(namespace, name, port.name ?? '', protocol),
        protocol,
        proto,
        clusterIP,
        port: port.port,
        nodePort,
        externalIPs,
        loadBalancerVIPs,
        loadBalancerSourceRanges: ranges,
        loadBalancerSourceRangeTexts: rangeTexts,
        externalPolicyLocal: etpLocal && (nodePortType || externalIPs.length > 0) && externallyAccessible,
        internalPolicyLocal: spec.internalTrafficPolicy === 'Local',
        externallyAccessible,
        onlyNodeLocalEndpoints: nodePortType && etpLocal,
        healthCheckNodePort: type === 'LoadBalancer' && etpLocal ? (spec.healthCheckNodePort ?? 0) : 0,
        sessionAffinityClientIP: affinity,
        stickyMaxAgeSeconds: affinity
          ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_STICKY_SECONDS)
          : DEFAULT_STICKY_SECONDS,
        chains: serviceChains(nameString, proto),
      });
    }
  }
  return out.sort((a, b) => compare(a.nameString, b.nameString) || compare(a.proto, b.proto));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface EndpointsOptions {
  ipFamily: IpFamily;
  nodeName: string;
  /** 1.19-era: endpoints that are not ready are dropped, locality may come from topology. */
  legacy: boolean;
}

/**
 * Endpoints of every service port, keyed like ServicePortInfo.key. Slices of another address type
 * are ignored; an endpoint seen twice keeps its local copy; each list is sorted by "ip:port" text.
 */
export function buildEndpointsMap(
  slices: readonly EndpointSlice[],
  ports: readonly ServicePortInfo[],
  options: EndpointsOptions,
): Map<string, EndpointInfo[]> {
  const family = familyNumber(options.ipFamily);
  const nameOfKey = new Map(ports.map((p) => [p.key, p]));
  const sets = new Map<string, Map<string, EndpointInfo>>();
  for (const slice of slices) {
    if (slice.addressType !== options.ipFamily) continue;
    const service = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!service) continue;
    const namespace = slice.metadata.namespace ?? 'default';
    for (const port of slice.ports ?? []) {
      if (port.port === undefined || port.port === 0) continue;
      const protocol = port.protocol ?? 'TCP';
      const key = portKey(namespace, service, port.name ?? '', protocol);
      const info = nameOfKey.get(key);
      let set = sets.get(key);
      if (!set) {
        set = new Map();
        sets.set(key, set);
      }
      for (const endpoint of slice.endpoints ?? []) {
        const address = endpoint.addresses[0];
        if (address === undefined) continue;
        const ip = parseIpSloppy(address);
        if (!ip || ip.family !== family) continue;
        const conditions = endpoint.conditions ?? {};
        const ready = conditions.ready !== false;
        if (options.legacy && !ready) continue;
        const node = endpoint.nodeName ?? endpoint.deprecatedTopology?.['kubernetes.io/hostname'];
        const isLocal = node === options.nodeName;
        const text = joinHostPort(ip.text, port.port);
        if (set.has(text) && !isLocal) continue;
        set.set(text, {
          ip,
          port: port.port,
          endpoint: text,
          isLocal,
          ready,
          serving: conditions.serving !== false,
          terminating: conditions.terminating === true,
          chain: info ? endpointChain(info.nameString, info.proto, text) : '',
        });
      }
    }
  }
  const out = new Map<string, EndpointInfo[]>();
  for (const [key, set] of sets) {
    out.set(
      key,
      [...set.values()].sort((a, b) => compare(a.endpoint, b.endpoint)),
    );
  }
  return out;
}

/** `--nodeport-addresses` for one family: `null` when every local address matches (none given, or a zero CIDR). */
export function nodePortNets(cidrs: readonly string[] | null | undefined, family: 4 | 6): IpNet[] | null {
  const nets = (cidrs ?? [])
    .filter((text) => familyOfText(text) === family)
    .map(parseCidrSloppy)
    .filter((net): net is IpNet => net !== null);
  if (nets.length === 0 || nets.some((net) => net.len === 0)) return null;
  return nets;
}

/** The node's addresses that fall in `--nodeport-addresses`, in interface order. */
export function nodePortAddressIPs(
  nets: readonly IpNet[],
  interfaces: readonly { addrs: string[] }[],
  family: 4 | 6,
): IpAddr[] {
  const out: IpAddr[] = [];
  for (const itf of interfaces) {
    for (const addr of itf.addrs) {
      const ip = parseIpSloppy(addr.split('/')[0] ?? '');
      if (!ip || ip.family !== family) continue;
      if (nets.some((net) => cidrContains(net, ip))) out.push(ip);
    }
  }
  return out;
}
