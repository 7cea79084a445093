/**
 * Inputs of the kube-proxy renderer, shaped like the Kubernetes objects they come from (core/v1
 * Service, discovery.k8s.io/v1 EndpointSlice) plus the proxier's own settings, so the Kubernetes
 * layer can pass its objects straight through. Fields a manifest leaves out stay optional and take
 * the API server's defaults.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type IpFamily = 'IPv4' | 'IPv6';
export type TrafficPolicy = 'Cluster' | 'Local';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface ServicePort {
  name?: string;
  protocol?: Protocol;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  externalIPs?: string[];
  externalTrafficPolicy?: TrafficPolicy;
  internalTrafficPolicy?: TrafficPolicy;
  healthCheckNodePort?: number;
  loadBalancerSourceRanges?: string[];
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  selector?: Record<string, string>;
}

export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
  ipMode?: 'VIP' | 'Proxy';
}

export interface Service {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: ServiceSpec;
  status?: { loadBalancer?: { ingress?: LoadBalancerIngress[] } };
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  nodeName?: string;
  zone?: string;
  /** discovery/v1beta1 `topology` (1.19-era); only its kubernetes.io/hostname is read. */
  deprecatedTopology?: Record<string, string>;
}

export interface EndpointPort {
  name?: string;
  protocol?: Protocol;
  port?: number;
}

export interface EndpointSlice {
  apiVersion?: string;
  kind?: string;
  /** The owning Service is named by the label kubernetes.io/service-name. */
  metadata: ObjectMeta;
  addressType: IpFamily | 'FQDN';
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

/** How kube-proxy tells pod traffic from other traffic (`--detect-local-mode`). */
export type LocalDetector =
  | { mode: 'ClusterCIDR' | 'NodeCIDR'; cidr: string }
  | { mode: 'BridgeInterface'; bridge: string }
  | { mode: 'InterfaceNamePrefix'; prefix: string }
  | { mode: 'None' };

export interface NodeInterface {
  name: string;
  /** Addresses with prefix length, as `ip addr` lists them ("192.168.0.2/24"). */
  addrs: string[];
}

/** The proxier's settings: flags, node facts and what the node's iptables can do. */
export interface ProxierSettings {
  ipFamily?: IpFamily;
  /** Endpoints whose nodeName equals this are local. */
  nodeName: string;
  /** The first is the primary node IP (LoadBalancer source ranges allow it). */
  nodeIPs: string[];
  /** Needed only with nodePortAddresses. */
  nodeInterfaces?: NodeInterface[];
  /** `--cluster-cidr`; the local detector when `localDetector` is absent. */
  clusterCIDR?: string | null;
  localDetector?: LocalDetector;
  masqueradeAll?: boolean;
  /** `--iptables-masquerade-bit`, default 14. */
  masqueradeBit?: number;
  /** The mark text as written; kube-proxy formats the bit as %#08x ("0x004000"), its tests write "0x4000". */
  masqueradeMark?: string;
  /** Effective `--iptables-localhost-nodeports` (default true; IPv4 only). */
  localhostNodePorts?: boolean;
  /** `--nodeport-addresses` CIDRs; absent or empty means every local address. */
  nodePortAddresses?: string[] | null;
  /** Whether the nfacct counters could be created (adds `-m nfacct` rules). */
  nfacct?: boolean;
  /** Whether iptables supports MASQUERADE --random-fully. */
  randomFully?: boolean;
  /** sysctl nf_conntrack_tcp_be_liberal != 0: no INVALID drop rule. */
  conntrackTCPLiberal?: boolean;
}

export interface KubeProxyInput {
  /** The cluster's Kubernetes version ("v1.31.0", "1.19.2"); it picks the rule layout. */
  kubernetesVersion: string;
  settings: ProxierSettings;
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
}
