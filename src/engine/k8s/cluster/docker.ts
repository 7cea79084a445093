/**
 * The docker daemon of the lab machine as kind uses it: bridge networks (`docker0`, `br-<id>`) in
 * the machine's root namespace and containers that are network namespaces plugged into them with a
 * veth pair (the container side becomes `eth0`, keeping its ifindex, so it prints `eth0@ifN`).
 * Containers remember what `docker ps` and `docker inspect` print; nothing here formats text.
 */
import { createBridge } from '../../linux/bridge.ts';
import { PROTO, RT_TABLE, SCOPE } from '../../linux/fib.ts';
import type { Kernel } from '../../linux/kernel.ts';
import type { BridgeLink, VethLink } from '../../linux/links.ts';
import { NetNs } from '../../linux/netns.ts';
import type { Rng } from '../../sim.ts';
import { broadcastOf, formatIpv4, type Ipv4, parseIpv4, parsePrefix } from '../../wire/addr.ts';
import type { DockerNetworkSpec, PortMapping } from './scenario.ts';

export interface DockerNetwork {
  /** 64 hex digits; `docker network ls` shows the first 12. */
  id: string;
  name: string;
  driver: string;
  scope: 'local';
  created: number;
  subnet?: string;
  gateway?: string;
  /** The bridge device in the machine's root namespace (`docker0`, `br-<12 hex>`). */
  bridge?: BridgeLink;
  labels: Record<string, string>;
  options: Record<string, string>;
}

export interface DockerEndpoint {
  network: DockerNetwork;
  ip: string;
  prefixLen: number;
  mac: string;
  endpointId: string;
  aliases: string[];
  /** The host side of the container's veth. */
  hostVeth: VethLink;
}

export interface DockerContainer {
  id: string;
  name: string;
  image: string;
  /** `sha256:…` of the image. */
  imageId: string;
  entrypoint: string[];
  cmd: string[];
  created: number;
  started: number;
  pid: number;
  hostname: string;
  netns: NetNs;
  labels: Record<string, string>;
  env: string[];
  ports: PortMapping[];
  /** Published ports bound by the daemon (the kind API server's 127.0.0.1:PORT->6443). */
  privileged: boolean;
  restartPolicy: { Name: string; MaximumRetryCount: number };
  endpoints: DockerEndpoint[];
  sandboxId: string;
  sandboxKey: string;
  /** Volumes and tmpfs as kind mounts them (for `docker inspect`). */
  mounts: { Type: string; Source: string; Destination: string; RW: boolean }[];
}

export interface RunOptions {
  name: string;
  image: string;
  imageId?: string;
  entrypoint?: string[];
  cmd?: string[];
  network: string;
  ip?: string;
  id?: string;
  hostname?: string;
  labels?: Record<string, string>;
  env?: string[];
  ports?: PortMapping[];
  privileged?: boolean;
  restartPolicy?: { Name: string; MaximumRetryCount: number };
  aliases?: string[];
  mounts?: DockerContainer['mounts'];
  /** When it was created and started (µs); the clock's now when absent. */
  created?: number;
  /** The pid of the container's init on the machine. */
  spawn: (command: string, netns: NetNs) => number;
}

function macFor(ip: Ipv4): string {
  const b = [0x02, 0x42, (ip >>> 24) & 255, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255];
  return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

/** Extends a pinned 12-hex id to the 64 hex digits docker keeps. */
export function fullId(rng: Rng, pinned?: string): string {
  const tail = rng.hex(32);
  if (pinned === undefined) return tail;
  return pinned.length === 64 ? pinned : (pinned + tail).slice(0, 64);
}

export class Docker {
  readonly kernel: Kernel;
  readonly rng: Rng;
  readonly networks: DockerNetwork[] = [];
  readonly containers: DockerContainer[] = [];

  constructor(kernel: Kernel, rng: Rng) {
    this.kernel = kernel;
    this.rng = rng;
  }

  network(nameOrId: string): DockerNetwork | undefined {
    return (
      this.networks.find((n) => n.name === nameOrId || n.id === nameOrId) ??
      this.networks.find((n) => nameOrId.length >= 1 && n.id.startsWith(nameOrId))
    );
  }

  /** The container a name, a full id or a unique id prefix means (as the daemon resolves them). */
  container(ref: string): DockerContainer | undefined {
    const name = ref.replace(/^\//, '');
    const byName = this.containers.find((c) => c.name === name || c.id === ref);
    if (byName) return byName;
    const matches = this.containers.filter((c) => c.id.startsWith(ref));
    return matches.length === 1 ? matches[0] : undefined;
  }

  /** Creates a network; a bridge network gets its device (`docker0` for `bridge`) up with the gateway. */
  createNetwork(spec: DockerNetworkSpec, opts: { hadContainers?: boolean } = {}): DockerNetwork {
    const id = fullId(this.rng, spec.id);
    const network: DockerNetwork = {
      id,
      name: spec.name,
      driver: spec.driver,
      scope: 'local',
      created: this.kernel.clock.micros,
      subnet: spec.subnet,
      gateway: spec.gateway,
      labels: {},
      options: spec.name === 'kind' ? { 'com.docker.network.bridge.enable_ip_masquerade': 'true' } : {},
    };
    if (spec.driver === 'bridge' && spec.subnet) {
      const root = this.kernel.root;
      const prefix = parsePrefix(spec.subnet);
      if (!prefix) throw new Error(`docker network ${spec.name}: bad subnet ${spec.subnet}`);
      const gateway = parseIpv4(spec.gateway ?? formatIpv4(prefix.addr + 1)) as Ipv4;
      network.gateway = formatIpv4(gateway);
      const bridge = createBridge(root, spec.name === 'bridge' ? 'docker0' : `br-${id.slice(0, 12)}`, {
        mac: this.rng.mac(),
      });
      root.addAddress(bridge, {
        local: gateway,
        prefixlen: prefix.len,
        broadcast: broadcastOf(gateway, prefix.len),
        scope: SCOPE.global,
        label: bridge.name,
        noprefixroute: false,
      });
      root.setUp(bridge, true);
      // docker0 with no running container has no carrier: it prints DOWN, as on the seed's host.
      if (opts.hadContainers) bridge.hadPorts = true;
      network.bridge = bridge;
    }
    this.networks.push(network);
    return network;
  }

  #nextFree(network: DockerNetwork): Ipv4 {
    const prefix = parsePrefix(network.subnet ?? '') as { addr: number; len: number };
    const used = new Set(
      this.containers.flatMap((c) => c.endpoints.filter((e) => e.network === network).map((e) => e.ip)),
    );
    if (network.gateway) used.add(network.gateway);
    for (let i = 2; i < 2 ** (32 - prefix.len) - 1; i++) {
      const ip = formatIpv4((prefix.addr + i) >>> 0);
      if (!used.has(ip)) return (prefix.addr + i) >>> 0;
    }
    throw new Error(`docker network ${network.name}: no free address`);
  }

  /** `docker run -d`: a new namespace on `network`, its init process spawned on the machine. */
  run(opts: RunOptions): DockerContainer {
    const network = this.network(opts.network);
    if (!network?.bridge) throw new Error(`docker run: network ${opts.network} not found or not a bridge network`);
    if (this.containers.some((c) => c.name === opts.name))
      throw new Error(`docker run: the container name "/${opts.name}" is already in use`);
    const id = fullId(this.rng, opts.id);
    const ns = this.kernel.createNamespace();
    const lo = ns.linkByName('lo');
    if (lo) ns.setUp(lo, true);
    const ip = opts.ip !== undefined ? (parseIpv4(opts.ip) as Ipv4) : this.#nextFree(network);
    const prefix = parsePrefix(network.subnet ?? '') as { addr: number; len: number };
    const root = this.kernel.root;
    // libnetwork creates the pair in the root namespace, then moves the container side in as eth0.
    const inside = root.createLink('veth', `veth${this.rng.hex(4).slice(0, 7)}`, { mac: macFor(ip) }, {
      numtxqueues: 1,
      numrxqueues: 1,
    } as Partial<VethLink>);
    const outside = root.createLink('veth', `veth${this.rng.hex(4).slice(0, 7)}`, {}, {
      numtxqueues: 1,
      numrxqueues: 1,
    } as Partial<VethLink>);
    NetNs.pairVeth(outside, inside);
    root.enslave(outside, network.bridge);
    root.setUp(outside, true);
    root.moveLink(inside, ns, 'eth0');
    ns.addAddress(inside, {
      local: ip,
      prefixlen: prefix.len,
      broadcast: broadcastOf(ip, prefix.len),
      scope: SCOPE.global,
      label: 'eth0',
      noprefixroute: false,
    });
    ns.setUp(inside, true);
    const gateway = parseIpv4(network.gateway ?? '') as Ipv4;
    ns.table(RT_TABLE.main, true)?.insert({
      table: RT_TABLE.main,
      type: 'unicast',
      dst: 0,
      len: 0,
      tos: 0,
      metric: 0,
      protocol: PROTO.boot ?? 3,
      scope: SCOPE.global,
      gateway,
      dev: inside.ifindex,
      onlink: false,
    });
    const created = opts.created ?? this.kernel.clock.micros;
    const sandboxId = this.rng.hex(32);
    const container: DockerContainer = {
      id,
      name: opts.name,
      image: opts.image,
      imageId: opts.imageId ?? `sha256:${this.rng.hex(32)}`,
      entrypoint: opts.entrypoint ?? [],
      cmd: opts.cmd ?? [],
      created,
      started: created,
      pid: opts.spawn([...(opts.entrypoint ?? []), ...(opts.cmd ?? [])].join(' ') || opts.image, ns),
      hostname: opts.hostname ?? id.slice(0, 12),
      netns: ns,
      labels: opts.labels ?? {},
      env: opts.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      ports: opts.ports ?? [],
      privileged: opts.privileged ?? false,
      restartPolicy: opts.restartPolicy ?? { Name: 'no', MaximumRetryCount: 0 },
      endpoints: [
        {
          network,
          ip: formatIpv4(ip),
          prefixLen: prefix.len,
          mac: inside.mac,
          endpointId: this.rng.hex(32),
          aliases: opts.aliases ?? [opts.name],
          hostVeth: outside,
        },
      ],
      sandboxId,
      sandboxKey: `/var/run/docker/netns/${sandboxId.slice(0, 12)}`,
      mounts: opts.mounts ?? [],
    };
    this.containers.push(container);
    return container;
  }
}
