/**
 * A scenario file: multi-document YAML holding kind's `Cluster` (kind.x-k8s.io/v1alpha4), an
 * optional `KubeProxyConfiguration`, plain manifests applied in order, and one `Lab` document
 * (packet-lab.dev/v1alpha1) for what the others cannot say: the Kubernetes version, the CNI, the
 * lab machine and its docker networks, and pinned values (addresses, ids, ages) that let a
 * scenario reproduce a seed document exactly. Parsing checks shapes and says what was expected.
 */
import { parseAllDocuments } from 'yaml';
import { parseIpv4, parsePrefix } from '../../wire/addr.ts';

type Obj = Record<string, unknown>;

export interface PortMapping {
  containerPort: number;
  hostPort: number;
  listenAddress: string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface KindNodeConfig {
  role: 'control-plane' | 'worker';
  labels: Record<string, string>;
  extraPortMappings: PortMapping[];
}

/** kind's `Cluster` with kind's defaults applied. */
export interface KindClusterConfig {
  name: string;
  nodes: KindNodeConfig[];
  podSubnet: string;
  serviceSubnet: string;
  disableDefaultCNI: boolean;
  kubeProxyMode: 'iptables' | 'ipvs' | 'nftables' | 'none';
}

/** The kube-proxy settings a scenario may set (kubeproxy.config.k8s.io/v1alpha1). */
export interface KubeProxyConfig {
  mode: string;
  clusterCIDR?: string;
  masqueradeAll: boolean;
  masqueradeBit?: number;
  localhostNodePorts?: boolean;
  nodePortAddresses?: string[];
}

export interface LabInterface {
  name: string;
  address: string;
  gateway?: string;
}

export interface DockerNetworkSpec {
  name: string;
  id?: string;
  driver: string;
  subnet?: string;
  gateway?: string;
}

export interface LabNodePin {
  name: string;
  address?: string;
  containerId?: string;
  podCIDR?: string;
  /** Calico: the node's /26 IPAM block (its first address is tunl0's). */
  block?: string;
}

/** A plain docker container on the lab machine (seed 002's `mypc`), reachable as `host/NAME`. */
export interface LabContainer {
  name: string;
  image: string;
  command: string[];
  network: string;
  address?: string;
  containerId?: string;
  /** How long before `now` it was started (microseconds). */
  age?: number;
}

export type CniName = 'kindnet' | 'flannel' | 'calico';
const CNI_NAMES: readonly CniName[] = ['kindnet', 'flannel', 'calico'];

export interface LabSpec {
  name: string;
  kubernetesVersion: string;
  cni: CniName;
  /** The virtual time (µs since the epoch) when the lab opens. */
  now?: number;
  seed?: number;
  machine: { hostname: string; interfaces: LabInterface[] };
  networks: DockerNetworkSpec[];
  /** Node pins, listed in `docker ps` order (the first is the newest container). */
  nodes: LabNodePin[];
  apiServerPort?: number;
  nodeImage?: string;
  containers: LabContainer[];
  podIPs: Map<string, string>;
  clusterIPs: Map<string, string>;
  /** Ages (µs before `now`): `cluster`, and `Kind/[ns/]name` for manifests. */
  ages: Map<string, number>;
}

export interface Scenario {
  cluster: KindClusterConfig;
  kubeProxy: KubeProxyConfig;
  lab: LabSpec;
  manifests: Obj[];
}

export class ScenarioError extends Error {}

const KIND_API = 'kind.x-k8s.io/v1alpha4';
const LAB_API = 'packet-lab.dev/v1alpha1';

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown, where: string, fallback?: string): string {
  if (v === undefined || v === null) {
    if (fallback !== undefined) return fallback;
    throw new ScenarioError(`${where}: required, expected a string`);
  }
  if (typeof v !== 'string' && typeof v !== 'number') throw new ScenarioError(`${where}: expected a string`);
  return String(v);
}

function optStr(v: unknown, where: string): string | undefined {
  return v === undefined || v === null ? undefined : str(v, where);
}

function int(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ScenarioError(`${where}: expected an integer`);
  return v;
}

function ipv4(v: unknown, where: string): string {
  const s = str(v, where);
  if (parseIpv4(s) === null) throw new ScenarioError(`${where}: "${s}" is not an IPv4 address`);
  return s;
}

function cidr(v: unknown, where: string): string {
  const s = str(v, where);
  if (parsePrefix(s) === null || !s.includes('/')) throw new ScenarioError(`${where}: "${s}" is not an IPv4 CIDR`);
  return s;
}

function hexId(v: unknown, where: string): string {
  const s = str(v, where);
  if (!/^[0-9a-f]{12}([0-9a-f]{52})?$/.test(s))
    throw new ScenarioError(`${where}: expected 12 or 64 lowercase hex digits`);
  return s;
}

function list(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new ScenarioError(`${where}: expected a list`);
  return v;
}

function map(v: unknown, where: string): Obj {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw new ScenarioError(`${where}: expected a mapping`);
  return v;
}

function stringMap(v: unknown, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(map(v, where))) out[k] = str(value, `${where}.${k}`);
  return out;
}

/** Go-style durations as kubectl prints ages: `18h`, `26m`, `1h30m`, `45s`, `500ms`. */
export function parseDuration(text: string, where = 'duration'): number {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s|d)/y;
  let micros = 0;
  let i = 0;
  const t = text.trim();
  if (t === '') throw new ScenarioError(`${where}: empty duration`);
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m) throw new ScenarioError(`${where}: "${text}" is not a duration (e.g. 18h, 26m, 1h30m)`);
    const n = Number(m[1]);
    const unit = { ms: 1e3, s: 1e6, m: 60e6, h: 3600e6, d: 86400e6 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    micros += n * unit;
    i = re.lastIndex;
  }
  return Math.round(micros);
}

function parseTime(v: unknown, where: string): number {
  const s = str(v, where);
  const ms = Date.parse(s);
  if (!/^\d{4}-\d\d-\d\dT/.test(s) || Number.isNaN(ms)) throw new ScenarioError(`${where}: expected RFC 3339 time`);
  return ms * 1000;
}

function parsePortMapping(v: unknown, where: string): PortMapping {
  const m = map(v, where);
  const protocol = str(m.protocol, `${where}.protocol`, 'TCP').toUpperCase();
  if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP')
    throw new ScenarioError(`${where}.protocol: expected TCP, UDP or SCTP`);
  return {
    containerPort: int(m.containerPort, `${where}.containerPort`),
    hostPort: int(m.hostPort, `${where}.hostPort`),
    listenAddress: str(m.listenAddress, `${where}.listenAddress`, '0.0.0.0'),
    protocol,
  };
}

function parseCluster(doc: Obj): KindClusterConfig {
  const nodesIn = list(doc.nodes, 'Cluster.nodes');
  const nodes: KindNodeConfig[] =
    nodesIn.length === 0
      ? [{ role: 'control-plane', labels: {}, extraPortMappings: [] }]
      : nodesIn.map((n, i) => {
          const where = `Cluster.nodes[${i}]`;
          const node = map(n, where);
          const role = str(node.role, `${where}.role`, 'control-plane');
          if (role !== 'control-plane' && role !== 'worker')
            throw new ScenarioError(`${where}.role: expected control-plane or worker, not "${role}"`);
          return {
            role,
            labels: stringMap(node.labels, `${where}.labels`),
            extraPortMappings: list(node.extraPortMappings, `${where}.extraPortMappings`).map((p, j) =>
              parsePortMapping(p, `${where}.extraPortMappings[${j}]`),
            ),
          };
        });
  if (!nodes.some((n) => n.role === 'control-plane'))
    throw new ScenarioError('Cluster.nodes: a cluster needs at least one control-plane node');
  const net = map(doc.networking, 'Cluster.networking');
  const mode = str(net.kubeProxyMode, 'Cluster.networking.kubeProxyMode', 'iptables');
  if (!['iptables', 'ipvs', 'nftables', 'none'].includes(mode))
    throw new ScenarioError(`Cluster.networking.kubeProxyMode: expected iptables, ipvs, nftables or none`);
  return {
    name: str(doc.name, 'Cluster.name', 'kind'),
    nodes,
    podSubnet: cidr(net.podSubnet ?? '10.244.0.0/16', 'Cluster.networking.podSubnet'),
    serviceSubnet: cidr(net.serviceSubnet ?? '10.96.0.0/16', 'Cluster.networking.serviceSubnet'),
    disableDefaultCNI: net.disableDefaultCNI === true,
    kubeProxyMode: mode as KindClusterConfig['kubeProxyMode'],
  };
}

function parseKubeProxy(doc: Obj): Partial<KubeProxyConfig> {
  const ipt = map(doc.iptables, 'KubeProxyConfiguration.iptables');
  const out: Partial<KubeProxyConfig> = {};
  if (doc.mode !== undefined && doc.mode !== '') out.mode = str(doc.mode, 'KubeProxyConfiguration.mode');
  if (doc.clusterCIDR !== undefined) out.clusterCIDR = cidr(doc.clusterCIDR, 'KubeProxyConfiguration.clusterCIDR');
  if (ipt.masqueradeAll !== undefined) out.masqueradeAll = ipt.masqueradeAll === true;
  if (ipt.masqueradeBit !== undefined && ipt.masqueradeBit !== null)
    out.masqueradeBit = int(ipt.masqueradeBit, 'KubeProxyConfiguration.iptables.masqueradeBit');
  if (ipt.localhostNodePorts !== undefined && ipt.localhostNodePorts !== null)
    out.localhostNodePorts = ipt.localhostNodePorts === true;
  if (doc.nodePortAddresses !== undefined)
    out.nodePortAddresses = list(doc.nodePortAddresses, 'KubeProxyConfiguration.nodePortAddresses').map((c, i) =>
      cidr(c, `KubeProxyConfiguration.nodePortAddresses[${i}]`),
    );
  return out;
}

function qualify(key: string): string {
  return key.includes('/') ? key : `default/${key}`;
}

function parseLab(doc: Obj): LabSpec {
  const meta = map(doc.metadata, 'Lab.metadata');
  const spec = map(doc.spec, 'Lab.spec');
  const cni = str(spec.cni, 'Lab.spec.cni', 'kindnet');
  if (!CNI_NAMES.includes(cni as CniName))
    throw new ScenarioError(`Lab.spec.cni: expected one of ${CNI_NAMES.join(', ')}, not "${cni}"`);
  const machine = map(spec.machine, 'Lab.spec.machine');
  const docker = map(spec.docker, 'Lab.spec.docker');
  const pins = map(spec.pins, 'Lab.spec.pins');
  const networks = list(docker.networks, 'Lab.spec.docker.networks').map((n, i) => {
    const where = `Lab.spec.docker.networks[${i}]`;
    const m = map(n, where);
    return {
      name: str(m.name, `${where}.name`),
      id: m.id === undefined ? undefined : hexId(m.id, `${where}.id`),
      driver: str(m.driver, `${where}.driver`, 'bridge'),
      subnet: m.subnet === undefined ? undefined : cidr(m.subnet, `${where}.subnet`),
      gateway: m.gateway === undefined ? undefined : ipv4(m.gateway, `${where}.gateway`),
    };
  });
  const ages = new Map<string, number>();
  for (const [k, v] of Object.entries(map(spec.ages, 'Lab.spec.ages')))
    ages.set(k, parseDuration(str(v, `Lab.spec.ages.${k}`), `Lab.spec.ages.${k}`));
  const pinMap = (key: string, check: (v: unknown, where: string) => string) => {
    const out = new Map<string, string>();
    for (const [k, v] of Object.entries(map(pins[key], `Lab.spec.pins.${key}`)))
      out.set(qualify(k), check(v, `Lab.spec.pins.${key}.${k}`));
    return out;
  };
  return {
    name: str(meta.name, 'Lab.metadata.name', 'lab'),
    kubernetesVersion: str(spec.kubernetesVersion, 'Lab.spec.kubernetesVersion', 'v1.31.0'),
    cni: cni as CniName,
    now: spec.now === undefined ? undefined : parseTime(spec.now, 'Lab.spec.now'),
    seed: spec.seed === undefined ? undefined : int(spec.seed, 'Lab.spec.seed'),
    machine: {
      hostname: str(machine.hostname, 'Lab.spec.machine.hostname', 'kind'),
      interfaces: list(machine.interfaces, 'Lab.spec.machine.interfaces').map((x, i) => {
        const where = `Lab.spec.machine.interfaces[${i}]`;
        const m = map(x, where);
        return {
          name: str(m.name, `${where}.name`),
          address: cidr(m.address, `${where}.address`),
          gateway: m.gateway === undefined ? undefined : ipv4(m.gateway, `${where}.gateway`),
        };
      }),
    },
    networks,
    nodes: list(spec.nodes, 'Lab.spec.nodes').map((x, i) => {
      const where = `Lab.spec.nodes[${i}]`;
      const m = map(x, where);
      return {
        name: str(m.name, `${where}.name`),
        address: m.address === undefined ? undefined : ipv4(m.address, `${where}.address`),
        containerId: m.containerId === undefined ? undefined : hexId(m.containerId, `${where}.containerId`),
        podCIDR: m.podCIDR === undefined ? undefined : cidr(m.podCIDR, `${where}.podCIDR`),
        block: m.block === undefined ? undefined : cidr(m.block, `${where}.block`),
      };
    }),
    apiServerPort: spec.apiServerPort === undefined ? undefined : int(spec.apiServerPort, 'Lab.spec.apiServerPort'),
    nodeImage: optStr(spec.nodeImage, 'Lab.spec.nodeImage'),
    containers: list(spec.containers, 'Lab.spec.containers').map((x, i) => {
      const where = `Lab.spec.containers[${i}]`;
      const m = map(x, where);
      return {
        name: str(m.name, `${where}.name`),
        image: str(m.image, `${where}.image`),
        command: list(m.command, `${where}.command`).map((c, j) => str(c, `${where}.command[${j}]`)),
        network: str(m.network, `${where}.network`, 'bridge'),
        address: m.address === undefined ? undefined : ipv4(m.address, `${where}.address`),
        containerId: m.containerId === undefined ? undefined : hexId(m.containerId, `${where}.containerId`),
        age: m.age === undefined ? undefined : parseDuration(str(m.age, `${where}.age`), `${where}.age`),
      };
    }),
    podIPs: pinMap('podIPs', ipv4),
    clusterIPs: pinMap('clusterIPs', ipv4),
    ages,
  };
}

const DEFAULT_NETWORKS: DockerNetworkSpec[] = [
  { name: 'bridge', driver: 'bridge', subnet: '172.17.0.0/16', gateway: '172.17.0.1' },
  { name: 'host', driver: 'host' },
  { name: 'kind', driver: 'bridge', subnet: '172.18.0.0/16', gateway: '172.18.0.1' },
  { name: 'none', driver: 'null' },
];

/** Parses a scenario file's text; throws ScenarioError naming the document and field at fault. */
export function parseScenario(text: string): Scenario {
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  let cluster: KindClusterConfig | undefined;
  let kubeProxy: Partial<KubeProxyConfig> = {};
  let lab: LabSpec | undefined;
  const manifests: Obj[] = [];
  list.forEach((doc, i) => {
    if (doc.errors.length > 0)
      throw new ScenarioError(`document ${i + 1}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
    const value = doc.toJS() as unknown;
    if (value === null || value === undefined) return;
    if (!isObj(value)) throw new ScenarioError(`document ${i + 1}: expected a mapping with apiVersion and kind`);
    const apiVersion = String(value.apiVersion ?? '');
    const kind = String(value.kind ?? '');
    if (kind === 'Cluster' && apiVersion.startsWith('kind.x-k8s.io/')) {
      if (apiVersion !== KIND_API) throw new ScenarioError(`Cluster: apiVersion ${apiVersion}, expected ${KIND_API}`);
      if (cluster) throw new ScenarioError('a scenario holds one kind Cluster document');
      cluster = parseCluster(value);
    } else if (kind === 'KubeProxyConfiguration') kubeProxy = parseKubeProxy(value);
    else if (kind === 'Lab' && apiVersion.startsWith('packet-lab.dev/')) {
      if (apiVersion !== LAB_API) throw new ScenarioError(`Lab: apiVersion ${apiVersion}, expected ${LAB_API}`);
      if (lab) throw new ScenarioError('a scenario holds one Lab document');
      lab = parseLab(value);
    } else {
      if (apiVersion === '' || kind === '')
        throw new ScenarioError(`document ${i + 1}: a manifest needs apiVersion and kind`);
      manifests.push(value);
    }
  });
  if (!cluster) throw new ScenarioError(`a scenario needs a kind Cluster document (apiVersion: ${KIND_API})`);
  const labSpec = lab ?? parseLab({});
  if (labSpec.networks.length === 0) labSpec.networks = DEFAULT_NETWORKS.map((n) => ({ ...n }));
  if (!labSpec.networks.some((n) => n.name === 'kind'))
    throw new ScenarioError('Lab.spec.docker.networks: kind nodes need a network named "kind"');
  const known = new Set(kindNodeNames(cluster));
  for (const pin of labSpec.nodes)
    if (!known.has(pin.name))
      throw new ScenarioError(`Lab.spec.nodes: no node "${pin.name}" in the cluster (nodes: ${[...known].join(', ')})`);
  return {
    cluster,
    kubeProxy: {
      mode: kubeProxy.mode ?? cluster.kubeProxyMode,
      clusterCIDR: kubeProxy.clusterCIDR ?? cluster.podSubnet,
      masqueradeAll: kubeProxy.masqueradeAll ?? false,
      ...(kubeProxy.masqueradeBit !== undefined ? { masqueradeBit: kubeProxy.masqueradeBit } : {}),
      ...(kubeProxy.localhostNodePorts !== undefined ? { localhostNodePorts: kubeProxy.localhostNodePorts } : {}),
      ...(kubeProxy.nodePortAddresses !== undefined ? { nodePortAddresses: kubeProxy.nodePortAddresses } : {}),
    },
    lab: labSpec,
    manifests,
  };
}

/** kind's node names: `NAME-control-plane`, `NAME-control-plane2`, `NAME-worker`, `NAME-worker2`, … */
export function kindNodeNames(cluster: KindClusterConfig): string[] {
  let cp = 0;
  let w = 0;
  return cluster.nodes.map((n) => {
    const i = n.role === 'control-plane' ? ++cp : ++w;
    return `${cluster.name}-${n.role}${i === 1 ? '' : i}`;
  });
}
