/**
 * Time and randomness for a simulation. Both are passed into the engine, never read from the
 * environment, so the same seed and the same inputs replay byte for byte.
 */

/** Virtual time in microseconds since the Unix epoch; it moves only when the engine advances it. */
export class VirtualClock {
  #now: number;

  constructor(startMicros = Date.UTC(2026, 0, 1) * 1000) {
    this.#now = startMicros;
  }

  get micros(): number {
    return this.#now;
  }

  get millis(): number {
    return Math.floor(this.#now / 1000);
  }

  advance(micros: number): void {
    if (micros > 0) this.#now += Math.round(micros);
  }
}

/** A small, fast seeded generator (mulberry32). Not for cryptography; for reproducible labs. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** `count` random bytes. */
  bytes(count: number): number[] {
    return Array.from({ length: count }, () => this.int(0, 255));
  }

  /** A locally administered unicast MAC, as the kernel's eth_random_addr makes. */
  mac(): string {
    const b = this.bytes(6);
    b[0] = ((b[0] ?? 0) & 0xfe) | 0x02;
    return b.map((x) => x.toString(16).padStart(2, '0')).join(':');
  }

  /** Lowercase hex of `count` random bytes. */
  hex(count: number): string {
    return this.bytes(count)
      .map((x) => x.toString(16).padStart(2, '0'))
      .join('');
  }
}
