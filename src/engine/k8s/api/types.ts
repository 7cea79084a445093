/**
 * Kubernetes objects as the API server stores and serves them: plain JSON values with the field
 * names of the REST API, so printers, kubectl's -o json/yaml and the kube-proxy and Calico
 * renderers read the same objects.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  generateName?: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  creationTimestamp: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

/** Any stored object. Kind-specific views below narrow `spec`/`status`. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
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

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
  hostPort?: number;
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: ContainerPort[];
  env?: { name: string; value?: string }[];
  imagePullPolicy?: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  serviceAccountName?: string;
}

export interface PodCondition {
  type: string;
  status: string;
  lastProbeTime: null;
  lastTransitionTime: string;
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  state: { running?: { startedAt: string }; waiting?: { reason: string } };
  lastState: JsonObject;
}

export interface PodStatus {
  phase: string;
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  qosClass?: string;
  containerStatuses?: ContainerStatus[];
}

export interface Pod extends KObject {
  spec: PodSpec;
  status: PodStatus;
}

export interface ServicePort {
  name?: string;
  protocol: string;
  port: number;
  targetPort: number | string;
  nodePort?: number;
}

export interface ServiceSpec {
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  selector?: Record<string, string>;
  ports?: ServicePort[];
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  externalIPs?: string[];
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  healthCheckNodePort?: number;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  loadBalancerIP?: string;
  loadBalancerSourceRanges?: string[];
  allocateLoadBalancerNodePorts?: boolean;
}

export interface Service extends KObject {
  spec: ServiceSpec;
  status: { loadBalancer: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface Node extends KObject {
  spec: {
    podCIDR?: string;
    podCIDRs?: string[];
    taints?: { key: string; value?: string; effect: string }[];
    unschedulable?: boolean;
  };
  status: {
    addresses: { type: string; address: string }[];
    conditions: {
      type: string;
      status: string;
      reason: string;
      message: string;
      lastHeartbeatTime: string;
      lastTransitionTime: string;
    }[];
    nodeInfo: Record<string, string>;
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
    daemonEndpoints: { kubeletEndpoint: { Port: number } };
  };
}

export interface Deployment extends KObject {
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: PodSpec };
    strategy?: JsonObject;
    revisionHistoryLimit?: number;
    progressDeadlineSeconds?: number;
  };
  status: Record<string, unknown>;
}

export interface ReplicaSet extends KObject {
  spec: Deployment['spec'];
  status: Record<string, unknown>;
}

export interface EndpointAddress {
  ip: string;
  nodeName?: string;
  targetRef?: { kind: string; name: string; namespace: string; uid: string };
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: { name?: string; port: number; protocol: string }[];
}

export interface Endpoints extends KObject {
  subsets?: EndpointSubset[];
}

export interface EndpointSlice extends KObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: {
    addresses: string[];
    conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
    nodeName?: string;
    targetRef?: { kind: string; name: string; namespace: string; uid: string };
  }[];
  ports: { name: string; port: number; protocol: string }[] | null;
}

export interface ConfigMap extends KObject {
  data?: Record<string, string>;
}

export interface NetworkPolicy extends KObject {
  spec: { podSelector: LabelSelector; policyTypes?: string[]; ingress?: JsonObject[]; egress?: JsonObject[] };
}
