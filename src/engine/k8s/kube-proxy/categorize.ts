import type { EndpointInfo, ServicePortInfo } from './service-ports.ts';

/**
 * Which endpoints a service port uses for each traffic policy (pkg/proxy/topology.go
 * CategorizeEndpoints, without topology hints). Ready endpoints win; when none are ready, endpoints
 * that are serving and terminating are used instead, so traffic drains gracefully.
 */
export interface Categorized {
  /** Endpoints for "Cluster" traffic policy (the KUBE-SVC chain). */
  cluster: EndpointInfo[];
  /** Endpoints for "Local" traffic policy (the KUBE-SVL chain). */
  local: EndpointInfo[];
  /** Every endpoint a KUBE-SEP chain is written for. */
  allReachable: EndpointInfo[];
  /** Whether the service has any usable endpoint on any node. */
  hasAny: boolean;
}

export function usesClusterEndpoints(port: ServicePortInfo): boolean {
  return !port.internalPolicyLocal || port.externallyAccessible;
}

export function usesLocalEndpoints(port: ServicePortInfo): boolean {
  return port.internalPolicyLocal || port.externalPolicyLocal;
}

const servingTerminating = (ep: EndpointInfo) => ep.serving && ep.terminating;

export function categorizeEndpoints(endpoints: readonly EndpointInfo[], port: ServicePortInfo): Categorized {
  if (endpoints.length === 0) return { cluster: [], local: [], allReachable: [], hasAny: false };
  const wantCluster = usesClusterEndpoints(port);
  const wantLocal = usesLocalEndpoints(port);
  let cluster: EndpointInfo[] = [];
  let hasAny = false;
  if (wantCluster) {
    cluster = endpoints.filter((ep) => ep.ready);
    if (cluster.length === 0) cluster = endpoints.filter(servingTerminating);
    hasAny = cluster.length > 0;
  }
  if (!wantLocal) return { cluster, local: [], allReachable: cluster, hasAny };

  let hasLocalReady = false;
  let hasLocalServingTerminating = false;
  for (const ep of endpoints) {
    if (ep.ready) {
      hasAny = true;
      if (ep.isLocal) hasLocalReady = true;
    } else if (servingTerminating(ep)) {
      hasAny = true;
      if (ep.isLocal) hasLocalServingTerminating = true;
    }
  }
  let local: EndpointInfo[] = [];
  if (hasLocalReady) local = endpoints.filter((ep) => ep.isLocal && ep.ready);
  else if (hasLocalServingTerminating) local = endpoints.filter((ep) => ep.isLocal && servingTerminating(ep));

  if (!wantCluster) return { cluster: [], local, allReachable: local, hasAny };
  if (!hasLocalServingTerminating || hasLocalReady) return { cluster, local, allReachable: cluster, hasAny };
  // Local endpoints are terminating ones the cluster set may not hold: SEP chains for both.
  const union = new Map<string, EndpointInfo>();
  for (const ep of [...cluster, ...local]) union.set(ep.endpoint, ep);
  const allReachable = [...union.values()].sort((a, b) =>
    a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0,
  );
  return { cluster, local, allReachable, hasAny };
}
