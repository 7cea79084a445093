/**
 * A Kubernetes API server with its controllers, in memory: objects are stored with the metadata
 * the server fills in (uid, resourceVersion, creationTimestamp), defaulted, validated and given
 * their cluster IPs and node ports; after every change the controllers run to a fixed point
 * (see controllers.ts). Time and randomness come from the simulation, so a seed replays exactly.
 */
import { sha256 } from '../../digest/sha2.ts';
import type { Rng, VirtualClock } from '../../sim.ts';
import { formatIpv4, parsePrefix } from '../../wire/addr.ts';
import { ClusterIpAllocator, NodePortAllocator } from './allocators.ts';
import { reconcileOnce } from './controllers.ts';
import { defaultDeployment, defaultNamespace, defaultNetworkPolicy, defaultPod, defaultService } from './defaults.ts';
import { ApiError, alreadyExists, field, invalid, notFound, type StatusCause } from './errors.ts';
import { randomSuffix, uuid4 } from './names.ts';
import { apiVersionOf, qualifiedResource, type ResourceType, resourceForKind } from './resources.ts';
import type { KObject, Node, Pod, Service } from './types.ts';
import {
  SCHEMAS,
  unknownFields,
  validateDeployment,
  validateName,
  validateNetworkPolicy,
  validatePodSpec,
  validateService,
} from './validate.ts';

export interface NodeConfig {
  name: string;
  internalIP: string;
  /** This node's pod range (`spec.podCIDR`). */
  podCIDR: string;
  controlPlane?: boolean;
  labels?: Record<string, string>;
  /** Defaults to the control-plane NoSchedule taint on a control plane in a cluster with workers. */
  taints?: { key: string; value?: string; effect: string }[];
  osImage?: string;
  kernelVersion?: string;
  containerRuntimeVersion?: string;
  /** `spec.providerID`, e.g. kind://docker/myk8s/myk8s-worker. */
  providerID?: string;
}

/** Where pod IPs come from: the CNI plugin's IPAM on the pod's node. */
export interface Ipam {
  allocate(node: Node, pod: Pod): string | undefined;
  release?(node: Node, pod: Pod, ip: string): void;
}

export interface ClusterOptions {
  clock: VirtualClock;
  rng: Rng;
  nodes: NodeConfig[];
  kubernetesVersion?: string;
  serviceCIDR?: string;
  /** `--cluster-cidr` of the controller manager. */
  clusterCIDR?: string;
  ipam?: Ipam;
}

type Obj = Record<string, unknown>;

const clone = <T>(v: T): T => structuredClone(v);

function key(kind: string, ns: string, name: string): string {
  return `${kind}\u0000${ns}\u0000${name}`;
}

/** RFC 3339 at seconds, as metav1.Time serializes. */
export function rfc3339(micros: number): string {
  return `${new Date(Math.floor(micros / 1e6) * 1000).toISOString().slice(0, 19)}Z`;
}

/** host-local style: per node, the next free address after the last one handed out. */
export class HostLocalIpam implements Ipam {
  readonly #last = new Map<string, number>();
  readonly #used = new Set<string>();

  allocate(node: Node): string | undefined {
    const p = parsePrefix(node.spec.podCIDR ?? '');
    if (!p) return undefined;
    const base = (((p.addr >>> (32 - p.len)) << (32 - p.len)) >>> 0) >>> 0;
    const size = 2 ** (32 - p.len);
    const name = node.metadata.name;
    let i = this.#last.get(name) ?? 1;
    for (let n = 0; n < size; n++) {
      i = i + 1 >= size - 1 ? 2 : i + 1;
      const ip = formatIpv4(base + i);
      if (!this.#used.has(ip)) {
        this.#used.add(ip);
        this.#last.set(name, i);
        return ip;
      }
    }
    return undefined;
  }

  release(_node: Node, _pod: Pod, ip: string): void {
    this.#used.delete(ip);
  }
}

export class Cluster {
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly kubernetesVersion: string;
  readonly serviceCIDR: string;
  readonly clusterCIDR: string;
  readonly ipam: Ipam;
  readonly clusterIps: ClusterIpAllocator;
  readonly nodePorts: NodePortAllocator;
  readonly #objects = new Map<string, KObject>();
  readonly #listeners: (() => void)[] = [];
  #rv = 500;
  #reconciling = false;

  constructor(opts: ClusterOptions) {
    this.clock = opts.clock;
    this.rng = opts.rng;
    this.kubernetesVersion = opts.kubernetesVersion ?? 'v1.31.0';
    this.serviceCIDR = opts.serviceCIDR ?? '10.96.0.0/12';
    this.clusterCIDR = opts.clusterCIDR ?? '10.244.0.0/16';
    this.ipam = opts.ipam ?? new HostLocalIpam();
    this.clusterIps = new ClusterIpAllocator(this.serviceCIDR, this.rng);
    this.nodePorts = new NodePortAllocator(this.rng);
    for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system'])
      this.#admit({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const workers = opts.nodes.some((n) => !n.controlPlane);
    for (const n of opts.nodes) this.#put(this.#nodeObject(n, workers));
    this.#admit({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: this.clusterIps.nth(0),
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      },
    });
    this.reconcile();
  }

  /** The API server's address: the first control-plane node's InternalIP. */
  get apiServerAddress(): string {
    const cp = this.list('Node').find((n) => 'node-role.kubernetes.io/control-plane' in (n.metadata.labels ?? {}));
    const node = (cp ?? this.list('Node')[0]) as Node | undefined;
    return node?.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '127.0.0.1';
  }

  /** Called after every change once the controllers have settled (kube-proxy, felix, DNS…). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  get(kind: string, namespace: string, name: string): KObject | undefined {
    const o = this.#objects.get(key(kind, this.#nsFor(kind, namespace), name));
    return o === undefined ? undefined : clone(o);
  }

  /** Objects of a kind, in the API server's order (namespace, then name); all namespaces when `namespace` is undefined. */
  list(kind: string, namespace?: string): KObject[] {
    const out: KObject[] = [];
    for (const o of this.#objects.values()) {
      if (o.kind !== kind) continue;
      if (namespace !== undefined && (o.metadata.namespace ?? '') !== namespace) continue;
      out.push(o);
    }
    return out
      .sort((a, b) => {
        const na = a.metadata.namespace ?? '';
        const nb = b.metadata.namespace ?? '';
        if (na !== nb) return na < nb ? -1 : 1;
        return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
      })
      .map(clone);
  }

  /** Creates an object as `POST` would (strict field validation); throws ApiError. */
  create(manifest: Obj): KObject {
    const created = this.#admit(manifest);
    this.reconcile();
    return created;
  }

  /** Replaces an existing object as `PUT` would; throws ApiError. */
  update(manifest: Obj): KObject {
    const r = this.#resource(manifest);
    const meta = (manifest.metadata ?? {}) as Obj;
    const ns = this.#nsFor(r.kind, String(meta.namespace ?? 'default'));
    const name = String(meta.name ?? '');
    const old = this.#objects.get(key(r.kind, ns, name));
    if (!old) throw notFound(qualifiedResource(r), name);
    this.#strict(r, manifest);
    const next = clone(manifest) as KObject;
    next.apiVersion = apiVersionOf(r);
    next.kind = r.kind;
    next.metadata = {
      ...(clone(manifest.metadata) as KObject['metadata']),
      name,
      uid: old.metadata.uid,
      creationTimestamp: old.metadata.creationTimestamp,
      resourceVersion: old.metadata.resourceVersion,
    };
    if (r.namespaced) next.metadata.namespace = ns;
    else delete next.metadata.namespace;
    if (old.metadata.generation !== undefined) next.metadata.generation = old.metadata.generation;
    if (old.status !== undefined && r.kind !== 'Service') next.status = clone(old.status);
    this.#default(next, old);
    const errs = this.#validate(next);
    if (r.kind === 'Service') errs.push(...this.#updateServiceAllocations(old as Service, next as Service));
    if (errs.length > 0) throw invalid(r.kind, name, errs);
    if (JSON.stringify(old.spec) !== JSON.stringify(next.spec) && next.metadata.generation !== undefined)
      next.metadata.generation += 1;
    if (JSON.stringify(old) === JSON.stringify(next)) return clone(old);
    this.#put(next);
    this.reconcile();
    return this.get(r.kind, ns, name) ?? next;
  }

  /** Deletes an object; dependents go with it (background cascading). Throws NotFound. */
  delete(kind: string, namespace: string, name: string): KObject {
    const r = resourceForKind(kind);
    const ns = this.#nsFor(kind, namespace);
    const o = this.#objects.get(key(kind, ns, name));
    if (!r || !o) throw notFound(r ? qualifiedResource(r) : kind, name);
    this.#remove(o);
    if (kind === 'Namespace')
      for (const x of [...this.#objects.values()]) if (x.metadata.namespace === name) this.#remove(x);
    this.reconcile();
    return clone(o);
  }

  /** Runs the controllers until nothing changes, then tells the listeners. */
  reconcile(): void {
    if (this.#reconciling) return;
    this.#reconciling = true;
    try {
      for (let pass = 0; pass < 100; pass++) {
        const before = this.#rv;
        reconcileOnce(this.#controllerApi());
        if (this.#rv === before) break;
      }
    } finally {
      this.#reconciling = false;
    }
    for (const l of this.#listeners) l();
  }

  /** The surface the controllers write through: no validation, no listeners. */
  #controllerApi(): ControllerSurface {
    return {
      cluster: this,
      now: rfc3339(this.clock.micros),
      rng: this.rng,
      list: (kind: string, ns?: string) => this.list(kind, ns),
      get: (kind: string, ns: string, name: string) => this.get(kind, ns, name),
      put: (o: KObject) => this.#putIfChanged(o),
      remove: (o: KObject) => this.#remove(o),
      admit: (o: Obj) => this.#admit(o),
      uidExists: (uid: string) => [...this.#objects.values()].some((o) => o.metadata.uid === uid),
      imageDigest: (image: string) => hex(sha256(new TextEncoder().encode(image))),
      containerId: () => this.rng.hex(32),
    };
  }

  #resource(manifest: Obj): ResourceType {
    const r = resourceForKind(String(manifest.kind ?? ''));
    if (!r)
      throw new ApiError(
        'NotFound',
        `the server could not find the requested resource (kind ${String(manifest.kind)})`,
      );
    return r;
  }

  #nsFor(kind: string, namespace: string): string {
    return resourceForKind(kind)?.namespaced === false ? '' : namespace;
  }

  #strict(r: ResourceType, manifest: Obj): void {
    const schema = SCHEMAS[r.kind];
    const unknown = schema === undefined ? [] : unknownFields(manifest, schema);
    if (unknown.length > 0) {
      throw new ApiError(
        'BadRequest',
        `${r.kind} in version "${r.version}" cannot be handled as a ${r.kind}: strict decoding error: ${unknown.map((u) => `unknown field "${u}"`).join(', ')}`,
      );
    }
  }

  /** Create: namespace and name checks, defaulting, validation, allocation, store. */
  #admit(manifest: Obj): KObject {
    const r = this.#resource(manifest);
    this.#strict(r, manifest);
    const o = clone(manifest) as KObject;
    o.apiVersion = apiVersionOf(r);
    o.kind = r.kind;
    const meta = (o.metadata ?? {}) as KObject['metadata'];
    o.metadata = meta;
    if (r.namespaced) {
      meta.namespace = meta.namespace || 'default';
      if (!this.#objects.has(key('Namespace', '', meta.namespace))) throw notFound('namespaces', meta.namespace);
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) {
      do meta.name = meta.generateName + randomSuffix(this.rng);
      while (this.#objects.has(key(r.kind, meta.namespace ?? '', meta.name)));
    }
    meta.name = meta.name ?? '';
    const nameErrs = validateName(r.kind, meta.name);
    if (nameErrs.length > 0) throw invalid(r.kind, meta.name, nameErrs);
    if (this.#objects.has(key(r.kind, meta.namespace ?? '', meta.name)))
      throw alreadyExists(qualifiedResource(r), meta.name);
    meta.uid = uuid4(this.rng);
    meta.creationTimestamp = rfc3339(this.clock.micros);
    if (r.kind === 'Deployment' || r.kind === 'ReplicaSet' || r.kind === 'NetworkPolicy') meta.generation = 1;
    this.#default(o);
    const errs = this.#validate(o);
    if (errs.length > 0) throw invalid(r.kind, meta.name, errs);
    if (r.kind === 'Service') {
      const allocErrs = this.#allocateService(o as Service);
      if (allocErrs.length > 0) throw invalid(r.kind, meta.name, allocErrs);
    }
    this.#put(o);
    return clone(o);
  }

  #default(o: KObject, old?: KObject): void {
    switch (o.kind) {
      case 'Pod':
        defaultPod(o, randomSuffix(this.rng));
        o.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
        break;
      case 'Deployment':
      case 'ReplicaSet':
        defaultDeployment(o);
        if (o.kind === 'ReplicaSet') {
          const spec = o.spec as Obj;
          delete spec.strategy;
          delete spec.revisionHistoryLimit;
          delete spec.progressDeadlineSeconds;
        }
        o.status ??= {};
        break;
      case 'Service':
        defaultService(o);
        if (old) {
          const spec = o.spec as Obj;
          const oldSpec = (old as Service).spec;
          if (spec.type !== 'ExternalName') {
            spec.clusterIP ??= oldSpec.clusterIP;
            spec.clusterIPs ??= oldSpec.clusterIPs;
          }
          const ports = (spec.ports ?? []) as Obj[];
          for (const p of ports) {
            const same = (oldSpec.ports ?? []).find((q) => q.port === p.port && q.protocol === p.protocol);
            if (p.nodePort === undefined && same?.nodePort !== undefined && spec.type !== 'ClusterIP')
              p.nodePort = same.nodePort;
          }
        }
        break;
      case 'NetworkPolicy':
        defaultNetworkPolicy(o);
        break;
      case 'Namespace':
        defaultNamespace(o);
        break;
    }
  }

  #validate(o: KObject): StatusCause[] {
    switch (o.kind) {
      case 'Pod':
        return validatePodSpec((o.spec ?? {}) as Obj, 'spec');
      case 'Deployment':
      case 'ReplicaSet':
        return validateDeployment(o);
      case 'Service':
        return validateService(o);
      case 'NetworkPolicy':
        return validateNetworkPolicy(o);
      default:
        return [];
    }
  }

  /** Cluster IP and node ports for a new Service (ipallocator/portallocator, with their errors). */
  #allocateService(svc: Service): StatusCause[] {
    const spec = svc.spec;
    const errs: StatusCause[] = [];
    const taken: (() => void)[] = [];
    if (spec.type !== 'ExternalName') {
      if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
      else if (spec.clusterIP !== undefined && spec.clusterIP !== '') {
        const err = this.clusterIps.allocate(spec.clusterIP);
        if (err)
          errs.push(
            field.invalidGo(
              'spec.clusterIPs',
              `[]string{"${spec.clusterIP}"}`,
              `failed to allocate IP ${spec.clusterIP}: ${err}`,
            ),
          );
        else {
          const ip = spec.clusterIP;
          taken.push(() => this.clusterIps.release(ip));
          spec.clusterIPs = [ip];
        }
      } else {
        const ip = this.clusterIps.allocateNext();
        if (ip === undefined) errs.push(field.invalid('spec.clusterIPs', '', 'range is full'));
        else {
          taken.push(() => this.clusterIps.release(ip));
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      }
    }
    errs.push(...this.#allocateNodePorts(svc, taken));
    if (errs.length > 0) for (const undo of taken) undo();
    return errs;
  }

  #allocateNodePorts(svc: Service, taken: (() => void)[], keep: Set<number> = new Set()): StatusCause[] {
    const spec = svc.spec;
    const errs: StatusCause[] = [];
    const wants =
      spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    if (!wants) return errs;
    (spec.ports ?? []).forEach((p, i) => {
      if (p.nodePort !== undefined && p.nodePort !== 0) {
        if (keep.has(p.nodePort)) return;
        const err = this.nodePorts.allocate(p.nodePort);
        if (err) errs.push(field.invalid(`spec.ports[${i}].nodePort`, p.nodePort, err));
        else {
          const port = p.nodePort;
          taken.push(() => this.nodePorts.release(port));
        }
      } else {
        const port = this.nodePorts.allocateNext();
        if (port === undefined) errs.push(field.invalid(`spec.ports[${i}].nodePort`, 0, 'range is full'));
        else {
          taken.push(() => this.nodePorts.release(port));
          p.nodePort = port;
        }
      }
    });
    return errs;
  }

  #updateServiceAllocations(old: Service, next: Service): StatusCause[] {
    const errs: StatusCause[] = [];
    const oldIp = old.spec.clusterIP;
    const newIp = next.spec.clusterIP;
    if (old.spec.type !== 'ExternalName' && next.spec.type !== 'ExternalName' && oldIp !== newIp) {
      errs.push(field.invalid('spec.clusterIP', newIp ?? '', 'field is immutable'));
      errs.push(field.invalidGo('spec.clusterIPs[0]', `[]string{"${newIp ?? ''}"}`, 'may not change once set'));
      return errs;
    }
    if (next.spec.type === 'ClusterIP' || next.spec.type === 'ExternalName')
      for (const p of next.spec.ports ?? []) delete p.nodePort;
    const oldPorts = new Set((old.spec.ports ?? []).map((p) => p.nodePort).filter((p): p is number => p !== undefined));
    const taken: (() => void)[] = [];
    errs.push(...this.#allocateNodePorts(next, taken, oldPorts));
    if (errs.length > 0) {
      for (const undo of taken) undo();
      return errs;
    }
    const kept = new Set((next.spec.ports ?? []).map((p) => p.nodePort));
    for (const p of oldPorts) if (!kept.has(p)) this.nodePorts.release(p);
    return errs;
  }

  #put(o: KObject): void {
    this.#rv += 1;
    o.metadata.resourceVersion = String(this.#rv);
    this.#objects.set(key(o.kind, o.metadata.namespace ?? '', o.metadata.name), clone(o));
  }

  #putIfChanged(o: KObject): void {
    const k = key(o.kind, o.metadata.namespace ?? '', o.metadata.name);
    const old = this.#objects.get(k);
    if (
      old &&
      JSON.stringify({ ...old, metadata: { ...old.metadata, resourceVersion: '' } }) ===
        JSON.stringify({ ...o, metadata: { ...o.metadata, resourceVersion: '' } })
    )
      return;
    this.#put(o);
  }

  #remove(o: KObject): void {
    const k = key(o.kind, o.metadata.namespace ?? '', o.metadata.name);
    const stored = this.#objects.get(k);
    if (!stored) return;
    this.#objects.delete(k);
    this.#rv += 1;
    if (stored.kind === 'Service') {
      const svc = stored as Service;
      if (svc.spec.clusterIP && svc.spec.clusterIP !== 'None') this.clusterIps.release(svc.spec.clusterIP);
      for (const p of svc.spec.ports ?? []) if (p.nodePort !== undefined) this.nodePorts.release(p.nodePort);
    }
    if (stored.kind === 'Pod') {
      const pod = stored as Pod;
      const node = pod.spec.nodeName ? (this.get('Node', '', pod.spec.nodeName) as Node | undefined) : undefined;
      if (node && pod.status.podIP && !pod.spec.hostNetwork) this.ipam.release?.(node, pod, pod.status.podIP);
    }
  }

  #nodeObject(n: NodeConfig, workers: boolean): Node {
    const cp = n.controlPlane === true;
    const labels: Record<string, string> = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': n.name,
      'kubernetes.io/os': 'linux',
      ...(cp
        ? { 'node-role.kubernetes.io/control-plane': '', 'node.kubernetes.io/exclude-from-external-load-balancers': '' }
        : {}),
      ...n.labels,
    };
    const taints =
      n.taints ?? (cp && workers ? [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] : []);
    const now = rfc3339(this.clock.micros);
    const cond = (type: string, status: string, reason: string, message: string) => ({
      type,
      status,
      reason,
      message,
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    });
    const resources = {
      cpu: '8',
      'ephemeral-storage': '102626232Ki',
      'hugepages-1Gi': '0',
      'hugepages-2Mi': '0',
      memory: '16351276Ki',
      pods: '110',
    };
    this.#rv += 1;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: n.name,
        uid: uuid4(this.rng),
        resourceVersion: String(this.#rv),
        creationTimestamp: now,
        labels,
        annotations: {
          'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///run/containerd/containerd.sock',
          'node.alpha.kubernetes.io/ttl': '0',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      },
      spec: {
        podCIDR: n.podCIDR,
        podCIDRs: [n.podCIDR],
        ...(n.providerID ? { providerID: n.providerID } : {}),
        ...(taints.length > 0 ? { taints } : {}),
      },
      status: {
        addresses: [
          { type: 'InternalIP', address: n.internalIP },
          { type: 'Hostname', address: n.name },
        ],
        allocatable: resources,
        capacity: resources,
        conditions: [
          cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
          cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
          cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
          cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          architecture: 'amd64',
          bootID: uuid4(this.rng),
          containerRuntimeVersion: n.containerRuntimeVersion ?? 'containerd://1.7.18',
          kernelVersion: n.kernelVersion ?? '5.15.0-119-generic',
          kubeletVersion: this.kubernetesVersion,
          machineID: this.rng.hex(16),
          operatingSystem: 'linux',
          osImage: n.osImage ?? 'Debian GNU/Linux 12 (bookworm)',
          systemUUID: uuid4(this.rng),
        },
      },
    };
  }
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export interface ControllerSurface {
  cluster: Cluster;
  now: string;
  rng: Rng;
  list(kind: string, ns?: string): KObject[];
  get(kind: string, ns: string, name: string): KObject | undefined;
  put(o: KObject): void;
  remove(o: KObject): void;
  admit(o: Obj): KObject;
  uidExists(uid: string): boolean;
  imageDigest(image: string): string;
  containerId(): string;
}
