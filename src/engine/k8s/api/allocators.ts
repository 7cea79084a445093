/**
 * The API server's allocators: Service cluster IPs from the service CIDR and node ports from
 * 30000-32767. Both prefer a random free value above a small static band (KEP-3070/3668), the
 * band below staying for values asked for by hand, and both report kube's own error texts.
 */
import type { Rng } from '../../sim.ts';
import { formatIpv4, parseIpv4, parsePrefix } from '../../wire/addr.ts';

export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

/** calculateRangeOffset: the static band's size, min(max(lo, size/step), hi). */
function rangeOffset(size: number, lo: number, step: number, hi: number): number {
  if (size < lo) return 0;
  return Math.min(Math.max(lo, Math.floor(size / step)), hi);
}

/** A value from [0, max) free in `used`: random in the dynamic band, then the static band. */
function pick(rng: Rng, max: number, offset: number, used: (i: number) => boolean): number | undefined {
  const bands: [number, number][] = [
    [offset, max],
    [0, offset],
  ];
  for (const [lo, hi] of bands) {
    if (hi <= lo) continue;
    const start = rng.int(0, hi - lo - 1);
    for (let k = 0; k < hi - lo; k++) {
      const i = lo + ((start + k) % (hi - lo));
      if (!used(i)) return i;
    }
  }
  return undefined;
}

export class ClusterIpAllocator {
  readonly cidr: string;
  readonly #base: number;
  readonly #max: number;
  readonly #offset: number;
  readonly #used = new Set<number>();
  readonly #rng: Rng;

  constructor(cidr: string, rng: Rng) {
    const p = parsePrefix(cidr);
    if (!p) throw new Error(`service CIDR "${cidr}" is not an IPv4 prefix`);
    this.cidr = cidr;
    const size = 2 ** (32 - p.len);
    this.#base = (((p.addr >>> (32 - p.len)) << (32 - p.len)) >>> 0) + 1;
    this.#max = size - 2;
    this.#offset = rangeOffset(size, 16, 16, 256);
    this.#rng = rng;
  }

  /** The n-th address of the range (0 is the `kubernetes` Service's). */
  nth(n: number): string {
    return formatIpv4(this.#base + n);
  }

  allocateNext(): string | undefined {
    const i = pick(this.#rng, this.#max, this.#offset, (x) => this.#used.has(x));
    if (i === undefined) return undefined;
    this.#used.add(i);
    return formatIpv4(this.#base + i);
  }

  /** Claims a given address; the error text is the allocator's (ipallocator ErrNotInRange/ErrAllocated). */
  allocate(ip: string): string | undefined {
    const a = parseIpv4(ip);
    const i = a === null ? -1 : a - this.#base;
    if (a === null || i < 0 || i >= this.#max)
      return `the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.cidr}`;
    if (this.#used.has(i)) return 'provided IP is already allocated';
    this.#used.add(i);
    return undefined;
  }

  release(ip: string): void {
    const a = parseIpv4(ip);
    if (a !== null) this.#used.delete(a - this.#base);
  }
}

export class NodePortAllocator {
  readonly #used = new Set<number>();
  readonly #rng: Rng;

  constructor(rng: Rng) {
    this.#rng = rng;
  }

  allocateNext(): number | undefined {
    const size = NODE_PORT_MAX - NODE_PORT_MIN + 1;
    const i = pick(this.#rng, size, rangeOffset(size, 16, 32, 128), (x) => this.#used.has(NODE_PORT_MIN + x));
    if (i === undefined) return undefined;
    this.#used.add(NODE_PORT_MIN + i);
    return NODE_PORT_MIN + i;
  }

  allocate(port: number): string | undefined {
    if (port < NODE_PORT_MIN || port > NODE_PORT_MAX)
      return `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`;
    if (this.#used.has(port)) return 'provided port is already allocated';
    this.#used.add(port);
    return undefined;
  }

  release(port: number): void {
    this.#used.delete(port);
  }
}
