/** The simulated Kubernetes API server: what other layers (machine, kube-proxy, Calico, labs) import. */
export { Cluster, type ClusterOptions, HostLocalIpam, type Ipam, type NodeConfig, rfc3339 } from './cluster.ts';
export { ApiError } from './errors.ts';
export { podTemplateHash } from './hash.ts';
export { qualifiedResource, qualifiedSingular, RESOURCES, type ResourceType, resolveResource } from './resources.ts';
export type * from './types.ts';
