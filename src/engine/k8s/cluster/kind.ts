/**
 * A kind cluster on one kernel, built from a scenario: the lab machine's root namespace holds its
 * interfaces and the docker networks; each kind node is a docker container (a namespace on the
 * `kind` bridge); the API server and its controllers run in memory; kindnet gives every running pod
 * a sandbox and every node the routes to the others; kube-proxy rewrites each node's rules after
 * every API change. Loading iptables-restore text and starting processes are the machine's, passed
 * in as hooks, so this layer stays below the commands.
 */

import { PROTO, RT_TABLE, SCOPE } from '../../linux/fib.ts';
import type { Kernel } from '../../linux/kernel.ts';
import { addNfacctObject } from '../../linux/netfilter/state.ts';
import type { NetNs } from '../../linux/netns.ts';
import type { TcpSocket } from '../../linux/tcp.ts';
import type { UdpSocket } from '../../linux/udp.ts';
import { Rng } from '../../sim.ts';
import { broadcastOf, formatIpv4, type Ipv4, networkOf, parseIpv4, parsePrefix } from '../../wire/addr.ts';
import { Cluster, type Ipam, type NodeConfig } from '../api/cluster.ts';
import type { KObject, Node, Pod } from '../api/types.ts';
import { ruleLayoutFor } from '../kube-proxy/index.ts';
import type { EndpointSlice, Service } from '../kube-proxy/types.ts';
import {
  CalicoIpam,
  calicoAdd,
  calicoNodeSetup,
  calicoSyncPeers,
  defaultBlock,
  FelixNode,
  felixFor,
} from './calico.ts';
import { CoreDns, isCoreDnsImage, startCoreDns } from './dns.ts';
import { Docker, type DockerContainer } from './docker.ts';
import {
  flannelAdd,
  flannelConflist,
  flannelNodeSetup,
  flannelRestore,
  flannelSubnetEnv,
  flannelSyncPeers,
} from './flannel.ts';
import { kindMasqRestore, kindnetConflist, type PodSandbox, ptpAdd, ptpDel, syncNodeRoutes } from './kindnet.ts';
import { KubeProxyNode, kubeBaseRestore } from './kube-proxy-sync.ts';
import { kubeAdmConfigMap, kubeDnsObjects, kubeProxyConfigMap } from './kube-system.ts';
import { kindNodeNames, type PortMapping, type Scenario, ScenarioError } from './scenario.ts';
import { startWorkload } from './workloads.ts';

export interface KindHooks {
  /** `iptables-restore --noflush` of `text` in `ns`. */
  restore(ns: NetNs, text: string): void;
  /** Starts a process on the machine in `ns`; returns its pid. */
  spawn(command: string, ns: NetNs): number;
  /** `ipset -exist restore` of `text` in `ns` (felix's sets); Calico needs it. */
  ipsetRestore?(ns: NetNs, text: string): void;
}

export interface KindNode {
  name: string;
  role: 'control-plane' | 'worker';
  ip: string;
  podCIDR: string;
  container: DockerContainer;
  netns: NetNs;
  /** /run/netns as the node sees it: containerd's `cni-<uuid>` names. */
  named: Map<string, NetNs>;
  /** Files kind and kindnetd write on the node. */
  files: Map<string, string>;
  kubeProxy: KubeProxyNode;
  /** Calico: the node's /26 IPAM block. */
  block?: string;
  /** Calico: felix's last load on the node. */
  felix?: FelixNode;
}

export interface PodContainer {
  name: string;
  id: string;
  image: string;
  pid: number;
  command: string;
}

/** A running pod's sandbox on its node, as containerd and the CNI left it. */
export interface PodRuntime {
  namespace: string;
  name: string;
  uid: string;
  node: KindNode;
  sandbox: PodSandbox;
  sandboxId: string;
  pausePid: number;
  created: number;
  containers: PodContainer[];
  /** The image's servers' listening sockets (see workloads.ts). */
  listeners: TcpSocket[];
  /** UDP servers the image runs (CoreDNS's port 53). */
  udp?: UdpSocket[];
}

/** Default age of a cluster whose scenario pins none. */
const DEFAULT_CLUSTER_AGE = 10 * 60e6;

/** When the scenario's clock starts (the cluster's creation) and when the lab opens. */
export function scenarioTimes(scenario: Scenario, defaultStart: number): { start: number; now: number } {
  const age = scenario.lab.ages.get('cluster') ?? DEFAULT_CLUSTER_AGE;
  const now = scenario.lab.now ?? defaultStart + age;
  return { start: now - age, now };
}

/** host-local IPAM per node, honouring the scenario's pinned pod IPs. */
class KindnetIpam implements Ipam {
  readonly #pins: Map<string, string>;
  readonly #used = new Set<string>();
  readonly #last = new Map<string, number>();

  constructor(pins: Map<string, string>) {
    this.#pins = pins;
  }

  allocate(node: Node, pod: Pod): string | undefined {
    const pinned = this.#pins.get(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`);
    if (pinned !== undefined) {
      this.#used.add(pinned);
      return pinned;
    }
    const p = parsePrefix(node.spec.podCIDR ?? '');
    if (!p) return undefined;
    const base = networkOf(p.addr, p.len);
    const size = 2 ** (32 - p.len);
    const reserved = new Set(this.#pins.values());
    let i = this.#last.get(node.metadata.name) ?? 1;
    for (let n = 0; n < size; n++) {
      i = i + 1 >= size - 1 ? 2 : i + 1;
      const ip = formatIpv4((base + i) >>> 0);
      if (!this.#used.has(ip) && !reserved.has(ip)) {
        this.#used.add(ip);
        this.#last.set(node.metadata.name, i);
        return ip;
      }
    }
    return undefined;
  }

  release(_node: Node, _pod: Pod, ip: string): void {
    this.#used.delete(ip);
  }
}

function ageKey(ages: Map<string, number>, o: Record<string, unknown>): number | undefined {
  const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
  const kind = String(o.kind);
  const name = meta.name ?? '';
  return ages.get(`${kind}/${meta.namespace ?? 'default'}/${name}`) ?? ages.get(`${kind}/${name}`);
}

function kindPorts(mappings: readonly PortMapping[]): PortMapping[] {
  return mappings.map((m) => ({ ...m }));
}

export class KindCluster {
  readonly kernel: Kernel;
  readonly scenario: Scenario;
  /** Not readonly: kube-system's objects are made with their own generator (see #withRng). */
  rng: Rng;
  readonly docker: Docker;
  readonly api: Cluster;
  readonly nodes: KindNode[] = [];
  readonly pods = new Map<string, PodRuntime>();
  /** Plain containers on the lab machine (Lab.spec.containers). */
  readonly containers: DockerContainer[] = [];
  readonly hooks: KindHooks;
  /** The API server's host port on the lab machine (127.0.0.1:PORT->6443/tcp). */
  readonly apiServerPort: number;
  /** CoreDNS's view of the API (what its pods answer from). */
  dns: CoreDns | undefined;

  private constructor(kernel: Kernel, scenario: Scenario, hooks: KindHooks) {
    this.kernel = kernel;
    this.scenario = scenario;
    this.hooks = hooks;
    this.rng = new Rng(kernel.rng.int(0, 0xffffffff));
    this.docker = new Docker(kernel, this.rng);
    this.apiServerPort = scenario.lab.apiServerPort ?? this.rng.int(32768, 60999);
    const { lab, cluster } = scenario;
    this.#machine();
    const names = kindNodeNames(cluster);
    const subnet = parsePrefix(cluster.podSubnet) as { addr: Ipv4; len: number };
    const configs = cluster.nodes.map((n, i) => {
      const name = names[i] as string;
      const pin = lab.nodes.find((p) => p.name === name);
      const podCIDR =
        pin?.podCIDR ??
        `${formatIpv4((networkOf(subnet.addr, subnet.len) + i * 256) >>> 0)}/${Math.max(24, subnet.len)}`;
      return { name, role: n.role, config: n, pin, podCIDR };
    });
    // Docker hands out addresses in creation order; pinned ones are kept.
    const kindNet = this.docker.network('kind');
    const kindPrefix = parsePrefix(kindNet?.subnet ?? '172.18.0.0/16') as { addr: Ipv4; len: number };
    const taken = new Set(configs.map((c) => c.pin?.address).filter((a): a is string => a !== undefined));
    let next = 2;
    const addressed = configs.map((c) => {
      if (c.pin?.address) return { ...c, ip: c.pin.address };
      let ip = formatIpv4((kindPrefix.addr + next++) >>> 0);
      while (taken.has(ip)) ip = formatIpv4((kindPrefix.addr + next++) >>> 0);
      taken.add(ip);
      return { ...c, ip };
    });
    const byAddress = [...addressed].sort((a, b) => (parseIpv4(a.ip) as number) - (parseIpv4(b.ip) as number));
    // `docker ps` lists the newest first: the scenario's node order, then the rest in config order.
    const psOrder = [
      ...lab.nodes.map((p) => p.name),
      ...addressed.map((c) => c.name).filter((n) => !lab.nodes.some((p) => p.name === n)),
    ];
    const start = kernel.clock.micros;
    const image = lab.nodeImage ?? `kindest/node:${lab.kubernetesVersion}`;
    const imageId = `sha256:${this.rng.hex(32)}`;
    for (const c of byAddress) {
      const cp = c.role === 'control-plane';
      const ports = kindPorts(c.config.extraPortMappings);
      if (cp && c.name === names[0])
        ports.push({ containerPort: 6443, hostPort: this.apiServerPort, listenAddress: '127.0.0.1', protocol: 'TCP' });
      const container = this.docker.run({
        name: c.name,
        image,
        imageId,
        entrypoint: ['/usr/local/bin/entrypoint', '/sbin/init'],
        network: 'kind',
        ip: c.ip,
        id: c.pin?.containerId,
        hostname: c.name,
        labels: {
          'io.x-k8s.kind.cluster': cluster.name,
          'io.x-k8s.kind.role': c.role,
        },
        env: [
          'container=docker',
          'KIND_EXPERIMENTAL_CONTAINERD_SNAPSHOTTER',
          'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        ],
        ports,
        privileged: true,
        restartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 },
        aliases: [c.name],
        mounts: [
          { Type: 'bind', Source: '/lib/modules', Destination: '/lib/modules', RW: false },
          {
            Type: 'volume',
            Source: `/var/lib/docker/volumes/${this.rng.hex(32)}/_data`,
            Destination: '/var',
            RW: true,
          },
        ],
        created: start - 40e6 + (psOrder.length - psOrder.indexOf(c.name)) * 1000,
        spawn: hooks.spawn,
      });
      const ns = container.netns;
      ns.writeSysctl('net.ipv4.ip_forward', '1');
      ns.writeSysctl('net.ipv4.conf.all.route_localnet', '1');
      // kube-proxy creates its nfacct counters through netlink before its first sync.
      for (const counter of ['ct_state_invalid_dropped_pkts', 'localhost_nps_accepted_pkts'])
        addNfacctObject(ns.netfilter, counter);
      const block =
        lab.cni === 'calico' ? (c.pin?.block ?? defaultBlock(cluster.podSubnet, configs.indexOf(c))) : undefined;
      this.nodes.push({
        ...(block !== undefined ? { block, felix: new FelixNode() } : {}),
        name: c.name,
        role: c.role,
        ip: c.ip,
        podCIDR: c.podCIDR,
        container,
        netns: ns,
        named: new Map(),
        files: new Map([
          ...cniFiles(lab.cni, cluster.podSubnet, c.podCIDR),
          ['/etc/hostname', `${c.name}\n`],
          ['/kind/version', `${lab.kubernetesVersion}\n`],
        ]),
        kubeProxy: new KubeProxyNode(),
      });
    }
    // kubelet and kube-proxy start before kindnetd adds its masquerade chain.
    for (const node of this.nodes) hooks.restore(node.netns, kubeBaseRestore(ruleLayoutFor(lab.kubernetesVersion)));
    for (const node of this.nodes) {
      if (lab.cni === 'flannel') flannelNodeSetup(node.netns, node.ip, node.podCIDR);
      if (lab.cni === 'calico') calicoNodeSetup(node.netns, node.block as string);
    }
    this.api = new Cluster({
      clock: kernel.clock,
      rng: this.rng,
      kubernetesVersion: lab.kubernetesVersion,
      serviceCIDR: cluster.serviceSubnet,
      clusterCIDR: cluster.podSubnet,
      ipam:
        lab.cni === 'calico'
          ? new CalicoIpam(lab.podIPs, new Map(this.nodes.map((n) => [n.name, n.block as string])))
          : new KindnetIpam(lab.podIPs),
      nodes: configs.map(
        (c): NodeConfig => ({
          name: c.name,
          internalIP: addressed.find((a) => a.name === c.name)?.ip ?? '',
          podCIDR: c.podCIDR,
          controlPlane: c.role === 'control-plane',
          labels: c.config.labels,
          providerID: `kind://docker/${cluster.name}/${c.name}`,
        }),
      ),
    });
    // Nodes in the API's order (the control plane first), as kindnetd and kube-proxy see them.
    this.nodes.sort(
      (a, b) => configs.findIndex((c) => c.name === a.name) - configs.findIndex((c) => c.name === b.name),
    );
    for (const cm of [kubeAdmConfigMap(scenario), kubeProxyConfigMap(scenario)]) this.api.create(cm);
    this.dns = new CoreDns(this.api);
    this.#withRng(new Rng(0x636f7265), () => {
      for (const o of kubeDnsObjects(scenario)) this.api.create(o);
      this.#startPods();
    });
    this.sync();
    for (const node of this.nodes) {
      if (lab.cni === 'flannel') hooks.restore(node.netns, flannelRestore(cluster.podSubnet, node.podCIDR));
      else if (lab.cni === 'kindnet' && !cluster.disableDefaultCNI)
        hooks.restore(node.netns, kindMasqRestore([cluster.podSubnet]));
    }
    this.api.onChange(() => this.sync());
  }

  /** Builds the cluster on `kernel`, whose clock stands at the scenario's start (see scenarioTimes). */
  static build(kernel: Kernel, scenario: Scenario, hooks: KindHooks, now?: number): KindCluster {
    const kind = new KindCluster(kernel, scenario, hooks);
    kind.#applyManifests(now);
    kind.#runContainers(now);
    if (now !== undefined && now > kernel.clock.micros) kernel.events.runUntil(now);
    return kind;
  }

  node(name: string): KindNode | undefined {
    return this.nodes.find((n) => n.name === name);
  }

  pod(namespace: string, name: string): PodRuntime | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  /** The lab machine: its interfaces, its default route, docker's networks. */
  #machine(): void {
    const root = this.kernel.root;
    const lo = root.linkByName('lo');
    if (lo) root.setUp(lo, true);
    const interfaces = this.scenario.lab.machine.interfaces;
    const list =
      interfaces.length > 0 ? interfaces : [{ name: 'enp0s3', address: '10.0.2.15/24', gateway: '10.0.2.2' }];
    for (const itf of list) {
      const prefix = parsePrefix(itf.address) as { addr: Ipv4; len: number };
      const link = root.createLink('ether', itf.name, {}, { segment: `uplink-${itf.name}` } as never);
      this.kernel.stack.segments.set(`uplink-${itf.name}`, [link]);
      root.addAddress(link, {
        local: prefix.addr,
        prefixlen: prefix.len,
        broadcast: broadcastOf(prefix.addr, prefix.len),
        scope: SCOPE.global,
        label: itf.name,
        noprefixroute: false,
      });
      root.setUp(link, true);
      const gateway = itf.gateway === undefined ? null : parseIpv4(itf.gateway);
      if (gateway !== null)
        root.table(RT_TABLE.main, true)?.insert({
          table: RT_TABLE.main,
          type: 'unicast',
          dst: 0,
          len: 0,
          tos: 0,
          metric: 0,
          protocol: PROTO.boot ?? 3,
          scope: SCOPE.global,
          gateway,
          dev: link.ifindex,
          onlink: false,
        });
    }
    root.writeSysctl('net.ipv4.ip_forward', '1');
    for (const spec of this.scenario.lab.networks) this.docker.createNetwork(spec, { hadContainers: true });
  }

  #applyManifests(now: number | undefined): void {
    const { lab, manifests } = this.scenario;
    for (const manifest of manifests) {
      const age = ageKey(lab.ages, manifest);
      if (age !== undefined && now !== undefined) {
        const at = now - age;
        const meta = manifest.metadata as { name?: string } | undefined;
        if (at < this.kernel.clock.micros)
          throw new ScenarioError(
            `Lab.spec.ages: ${String(manifest.kind)}/${meta?.name ?? ''} would be created before the document above it; ages must not grow down the file`,
          );
        this.kernel.events.runUntil(at);
      }
      const o = structuredClone(manifest);
      if (o.kind === 'Service') {
        const meta = (o.metadata ?? {}) as { name?: string; namespace?: string };
        const spec = (o.spec ?? {}) as Record<string, unknown>;
        const pinned = lab.clusterIPs.get(`${meta.namespace ?? 'default'}/${meta.name ?? ''}`);
        if (pinned !== undefined && spec.clusterIP === undefined) {
          spec.clusterIP = pinned;
          o.spec = spec;
        }
      }
      try {
        this.api.create(o);
      } catch (e) {
        const meta = (manifest.metadata ?? {}) as { name?: string };
        throw new ScenarioError(
          `${String(manifest.kind)}/${meta.name ?? ''}: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    }
  }

  #runContainers(now: number | undefined): void {
    for (const spec of this.scenario.lab.containers) {
      const created = now !== undefined && spec.age !== undefined ? now - spec.age : this.kernel.clock.micros;
      this.containers.push(
        this.docker.run({
          name: spec.name,
          image: spec.image,
          cmd: spec.command,
          network: spec.network,
          ip: spec.address,
          id: spec.containerId,
          created,
          spawn: this.hooks.spawn,
        }),
      );
    }
  }

  /**
   * Runs `fn` with `rng` as the API server's and the cluster's generator: the add-ons kubeadm
   * installs (CoreDNS) draw their names, uids and MACs from their own stream, so the scenario's
   * objects get the same ones as without them.
   */
  #withRng(rng: Rng, fn: () => void): void {
    const api = this.api as unknown as { rng: Rng };
    const saved = this.rng;
    api.rng = rng;
    this.rng = rng;
    try {
      fn();
    } finally {
      api.rng = saved;
      this.rng = saved;
    }
  }

  /** Sandboxes for new running pods, teardown for gone ones. */
  #startPods(): void {
    const pods = this.api.list('Pod') as Pod[];
    const live = new Set<string>();
    for (const pod of pods) {
      const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
      const node = pod.spec.nodeName ? this.node(pod.spec.nodeName) : undefined;
      if (!node || !pod.status.podIP || pod.spec.hostNetwork || pod.status.phase !== 'Running') continue;
      live.add(key);
      const existing = this.pods.get(key);
      if (existing && existing.uid === pod.metadata.uid) continue;
      if (existing) this.#teardown(existing);
      this.pods.set(key, this.#startPod(pod, node));
    }
    for (const [key, runtime] of [...this.pods]) if (!live.has(key)) this.#teardown(runtime);
  }

  /** After an API change: sandboxes for new pods, teardown for gone ones, routes, kube-proxy's rules. */
  sync(): void {
    this.#startPods();
    for (const node of this.nodes) {
      const others = this.nodes.filter((n) => n !== node);
      const cni = this.scenario.lab.cni;
      if (cni === 'flannel')
        flannelSyncPeers(
          node.netns,
          others.map((n) => ({ ip: n.ip, podCIDR: n.podCIDR, vtepMac: n.netns.requireLink('flannel.1').mac })),
        );
      else if (cni === 'calico')
        calicoSyncPeers(
          node.netns,
          others.map((n) => ({ ip: n.ip, block: n.block as string })),
        );
      else
        syncNodeRoutes(
          node.netns,
          others.map((n) => ({ podCIDR: n.podCIDR, ip: n.ip })),
        );
    }
    this.#syncKubeProxy();
    if (this.scenario.lab.cni === 'calico') this.#syncFelix();
  }

  /** felix on every node: its rules and ipsets for the current policies, pods and namespaces. */
  #syncFelix(): void {
    const nodes = this.nodes.map((n) => ({ name: n.name, ip: n.ip, block: n.block as string }));
    const networkPolicies = this.api.list('NetworkPolicy') as never[];
    const pods = this.api.list('Pod') as never[];
    const namespaces = this.api.list('Namespace') as never[];
    for (const node of this.nodes) {
      const load = node.felix?.sync(
        felixFor({
          nodeName: node.name,
          nodes,
          pool: this.scenario.cluster.podSubnet,
          kubernetesVersion: this.scenario.lab.kubernetesVersion,
          networkPolicies,
          pods,
          namespaces,
        }),
      );
      if (!load) continue;
      if (load.ipset !== '') this.hooks.ipsetRestore?.(node.netns, load.ipset);
      this.hooks.restore(node.netns, load.iptables);
    }
  }

  #startPod(pod: Pod, node: KindNode): PodRuntime {
    const ip = pod.status.podIP as string;
    const cni = this.scenario.lab.cni;
    const sandbox =
      cni === 'flannel'
        ? flannelAdd(node.netns, this.scenario.cluster.podSubnet, node.podCIDR, ip, this.rng)
        : cni === 'calico'
          ? calicoAdd(node.netns, pod.metadata.namespace ?? 'default', pod.metadata.name, ip, this.rng)
          : ptpAdd(node.netns, node.podCIDR, ip, this.rng);
    node.named.set(sandbox.netnsName, sandbox.netns);
    const pausePid = this.hooks.spawn('/pause', sandbox.netns);
    const statuses = (pod.status.containerStatuses ?? []) as { name: string; containerID?: string }[];
    const containers = pod.spec.containers.map((c) => {
      const spec = c as { name: string; image: string; command?: string[]; args?: string[] };
      const command = [...(spec.command ?? []), ...(spec.args ?? [])].join(' ') || entrypointOf(spec.image);
      const id = (statuses.find((s) => s.name === c.name)?.containerID ?? '').replace(/^containerd:\/\//, '');
      return { name: c.name, id, image: spec.image, command, pid: this.hooks.spawn(command, sandbox.netns) };
    });
    const listeners = containers.flatMap((c) =>
      startWorkload(
        this.kernel,
        { name: pod.metadata.name, netns: sandbox.netns },
        c.image,
        this.kernel.processes.get(c.pid),
      ),
    );
    const udp: UdpSocket[] = [];
    const dns = this.dns;
    const coredns = containers.find((c) => isCoreDnsImage(c.image));
    if (dns && coredns) {
      const socket = startCoreDns(this.kernel, sandbox.netns, dns);
      const process = this.kernel.processes.get(coredns.pid);
      if (socket && process) this.kernel.processes.addFd(process, socket);
      if (socket) udp.push(socket);
    }
    return {
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name,
      uid: pod.metadata.uid,
      node,
      sandbox,
      sandboxId: this.rng.hex(32),
      pausePid,
      created: this.kernel.clock.micros,
      containers,
      listeners,
      ...(udp.length > 0 ? { udp } : {}),
    };
  }

  #teardown(runtime: PodRuntime): void {
    for (const listener of runtime.listeners) listener.close();
    for (const socket of runtime.udp ?? []) socket.close();
    runtime.node.named.delete(runtime.sandbox.netnsName);
    ptpDel(runtime.sandbox);
    this.pods.delete(`${runtime.namespace}/${runtime.name}`);
  }

  #syncKubeProxy(): void {
    const { kubeProxy, lab } = this.scenario;
    if (kubeProxy.mode !== 'iptables' && kubeProxy.mode !== '') return;
    const services = this.api.list('Service') as unknown as Service[];
    const slices = this.api.list('EndpointSlice') as unknown as EndpointSlice[];
    for (const node of this.nodes) {
      const text = node.kubeProxy.sync({
        kubernetesVersion: lab.kubernetesVersion,
        settings: {
          nodeName: node.name,
          nodeIPs: [node.ip],
          clusterCIDR: kubeProxy.clusterCIDR ?? null,
          masqueradeAll: kubeProxy.masqueradeAll,
          ...(kubeProxy.masqueradeBit !== undefined ? { masqueradeBit: kubeProxy.masqueradeBit } : {}),
          ...(kubeProxy.localhostNodePorts !== undefined ? { localhostNodePorts: kubeProxy.localhostNodePorts } : {}),
          ...(kubeProxy.nodePortAddresses !== undefined ? { nodePortAddresses: kubeProxy.nodePortAddresses } : {}),
        },
        services,
        endpointSlices: slices,
      });
      if (text !== undefined) this.hooks.restore(node.netns, text);
    }
  }

  /** Every object of a kind, for formatters that list them (docker, crictl). */
  list(kind: string): KObject[] {
    return this.api.list(kind);
  }
}

/** The files the CNI's installer and daemon write on a node. */
function cniFiles(cni: Scenario['lab']['cni'], network: string, podCIDR: string): [string, string][] {
  if (cni === 'flannel')
    return [
      ['/etc/cni/net.d/10-flannel.conflist', flannelConflist()],
      ['/run/flannel/subnet.env', flannelSubnetEnv(network, podCIDR)],
    ];
  if (cni === 'calico') return [];
  return [['/etc/cni/net.d/10-kindnet.conflist', kindnetConflist(podCIDR)]];
}

/** What an image runs when the pod gives no command (for `ps` and crictl). */
function entrypointOf(image: string): string {
  if (image.includes('whoami')) return '/whoami';
  if (image.includes('netshoot')) return 'zsh';
  if (image.includes('nginx')) return 'nginx -g daemon off;';
  if (image.includes('http-https-echo')) return 'node ./index.js';
  if (isCoreDnsImage(image)) return '/coredns -conf /etc/coredns/Corefile';
  return '/bin/sh';
}
