import { chainHash } from './hash.ts';

/**
 * kube-proxy's names for a service port and its chains. The port name is "ns/svc:port" ("ns/svc" for an
 * unnamed port); chain hashes take it, the lower-case protocol and, for endpoints, "ip:port" with no
 * separators between them.
 */

export function servicePortName(namespace: string, name: string, portName: string | undefined): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

export interface ServiceChains {
  /** KUBE-SVC-: endpoints for "Cluster" traffic policy. */
  cluster: string;
  /** KUBE-SVL-: endpoints for "Local" traffic policy (1.24+). */
  local: string;
  /** KUBE-EXT-: external destinations (1.24+). */
  external: string;
  /** KUBE-FW-: loadBalancerSourceRanges. */
  firewall: string;
  /** KUBE-XLB-: external traffic with externalTrafficPolicy Local (up to 1.23). */
  externalLocal: string;
}

export function serviceChains(portName: string, protocol: string): ServiceChains {
  const hash = chainHash(portName + protocol);
  return {
    cluster: `KUBE-SVC-${hash}`,
    local: `KUBE-SVL-${hash}`,
    external: `KUBE-EXT-${hash}`,
    firewall: `KUBE-FW-${hash}`,
    externalLocal: `KUBE-XLB-${hash}`,
  };
}

/** KUBE-SEP- chain of one endpoint; `endpoint` is "ip:port" ("[ip6]:port"). */
export function endpointChain(portName: string, protocol: string, endpoint: string): string {
  return `KUBE-SEP-${chainHash(portName + protocol + endpoint)}`;
}
