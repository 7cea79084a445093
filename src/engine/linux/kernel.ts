/**
 * One Linux kernel: the network namespaces it holds, its clock and its random generator. A kind
 * cluster is one kernel (node containers are namespaces on the lab machine); VMs are several.
 */
import type { Rng, VirtualClock } from '../sim.ts';
import { fail } from './errors.ts';
import { EventQueue } from './events.ts';
import { NetNs } from './netns.ts';
import { NetfilterHooks } from './nf-hooks.ts';
import { ProcessTable } from './processes.ts';
import { SOCKET_SYSCTLS, SocketTable } from './sockets.ts';
import { NetStack } from './stack.ts';

export class Kernel {
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly events: EventQueue;
  readonly stack: NetStack;
  readonly namespaces: NetNs[] = [];
  readonly root: NetNs;
  /** Namespaces bound under /run/netns, as `ip netns` sees them (name → namespace), in creation order. */
  readonly named = new Map<string, NetNs>();
  /** Processes (servers, clients) and the TCP/UDP sockets they hold. */
  readonly processes: ProcessTable;
  readonly sockets: SocketTable;
  /** Virtual time (µs) the kernel booted: when init and other early processes started. */
  readonly bootMicros: number;
  #nextInode = 4026531840;

  constructor(clock: VirtualClock, rng: Rng) {
    this.clock = clock;
    this.rng = rng;
    this.events = new EventQueue(clock);
    this.stack = new NetStack(this);
    this.stack.hooks = new NetfilterHooks(this);
    this.bootMicros = clock.micros;
    this.processes = new ProcessTable(() => clock.micros);
    this.sockets = new SocketTable(this);
    this.root = this.createNamespace();
  }

  createNamespace(): NetNs {
    const ns = new NetNs(this, this.#nextInode++);
    for (const [key, value] of Object.entries(SOCKET_SYSCTLS)) ns.sysctl.set(key, value);
    this.namespaces.push(ns);
    return ns;
  }

  /** `ip netns add NAME`. */
  addNamed(name: string): NetNs {
    if (this.named.has(name)) fail('EEXIST', `Cannot create namespace file "/run/netns/${name}": File exists`);
    const ns = this.createNamespace();
    this.named.set(name, ns);
    return ns;
  }

  /** The last reference to a namespace is gone: its devices die (veth peers elsewhere go too). */
  destroyNamespace(ns: NetNs): void {
    for (const link of ns.sortedLinks()) if (link.kind !== 'loopback') ns.deleteLink(link);
    const i = this.namespaces.indexOf(ns);
    if (i >= 0) this.namespaces.splice(i, 1);
    for (const other of this.namespaces) other.nsids.delete(ns);
  }

  nameOf(ns: NetNs): string | undefined {
    for (const [name, candidate] of this.named) if (candidate === ns) return name;
    return undefined;
  }
}
