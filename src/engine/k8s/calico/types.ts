/**
 * Inputs of the felix renderer, shaped like the Kubernetes objects they come from
 * (networking.k8s.io/v1 NetworkPolicy, core/v1 Pod and Namespace) plus the node's felix settings,
 * so the Kubernetes layer can pass its objects straight through. Fields a manifest leaves out stay
 * optional and take the API server's defaults.
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  protocol?: Protocol;
  /** A number, or the name of a container port. */
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  policyTypes?: ('Ingress' | 'Egress')[];
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
}

export interface NetworkPolicy {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec: NetworkPolicySpec;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: Protocol;
}

export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: {
    nodeName?: string;
    serviceAccountName?: string;
    hostNetwork?: boolean;
    containers?: { name?: string; ports?: ContainerPort[] }[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
  };
}

export interface Namespace {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface CalicoNode {
  name: string;
  /** The node's IPv4 address (BGP peer address), a member of cali40all-hosts-net. */
  address: string;
  /** tunl0's address (the first address of the node's IPAM block) in IPIP mode. */
  ipipTunnelAddress?: string;
}

export interface IPPool {
  cidr: string;
  natOutgoing?: boolean;
}

export interface FelixSettings {
  /** The node felix runs on: its pods get endpoint chains. */
  nodeName: string;
  /** Every Calico node of the cluster, this one included. */
  nodes: CalicoNode[];
  ipPools: IPPool[];
  /** IPIP encapsulation in use (default true): the ipencap rules of cali-INPUT/cali-OUTPUT and tunl0's MASQUERADE. */
  ipip?: boolean;
  /** felix found MASQUERADE --random-fully supported (default true). */
  masqueradeFullyRandom?: boolean;
  /** FELIX_INTERFACEPREFIX's first entry (default `cali`). */
  interfacePrefix?: string;
  /**
   * Which felix writes the rules: `v3.26` (the v3.26-v3.28 era, the default) or `v3.16` (2020-era felix
   * as in seed 004: no "Policy …" chain comments, "… originating in pods"; that its profile chains
   * also lacked the "Profile …" comment is inferred, the seed does not show them).
   */
  felixVersion?: 'v3.26' | 'v3.16';
}

export interface FelixInput {
  networkPolicies: NetworkPolicy[];
  pods: Pod[];
  namespaces: Namespace[];
  settings: FelixSettings;
}

export interface IpsetSpec {
  name: string;
  type: 'hash:net' | 'hash:ip' | 'hash:ip,port';
  members: string[];
}

export interface WorkloadEndpoint {
  namespace: string;
  pod: string;
  /** Host-side veth name. */
  iface: string;
  ip: string;
  /** Ingress / egress policy chain names applied to it, in order. */
  ingressPolicies: string[];
  egressPolicies: string[];
}

export interface FelixOutput {
  /** iptables-restore --noflush input for the filter table. */
  filter: string;
  /** iptables-restore --noflush input for the nat table. */
  nat: string;
  ipsets: IpsetSpec[];
  /** `ipset restore` input creating and filling `ipsets`. */
  ipsetRestore: string;
  /** This node's workload endpoints, sorted by interface name. */
  endpoints: WorkloadEndpoint[];
}
