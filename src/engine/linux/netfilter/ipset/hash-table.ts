/**
 * The bucket array behind every ipset `hash:*` type, laid out as the kernel's ip_set_hash_gen.h
 * lays it out: `2^bits` buckets chosen by jhash2 of the element, each bucket a small array grown two
 * slots at a time up to `bucketsize`, deleted slots reused first, and the whole table doubled when a
 * bucket would outgrow `bucketsize`. Following the same steps yields the kernel's listing order and
 * the byte count it reports as "Size in memory".
 */
import { jhash2 } from './jhash.ts';

/** Slots a bucket starts with and grows by (AHASH_INIT_SIZE). */
const INIT_SIZE = 2;
/** Buckets per lock region (2^HTABLE_REGION_BITS). */
const REGION_BITS = 10;
/** sizeof(struct hbucket): rcu_head, the 64-bit "used" bitmap, size and pos, aligned to 8. */
const HBUCKET_SIZE = 32;
/** sizeof(struct ip_set_region): a spinlock, ext_size and an element count. */
const REGION_SIZE = 24;

interface Bucket<E> {
  size: number;
  pos: number;
  /** undefined marks a slot whose "used" bit is clear. */
  slots: (E | undefined)[];
}

export interface HashOps<E> {
  /** The element's key bytes as little-endian u32 words (HKEY_DATALEN of them). */
  words(e: E): number[];
  equal(a: E, b: E): boolean;
  /** True when the element's timeout has run out at the current time. */
  expired(e: E): boolean;
}

export type HashAddResult = 'added' | 'exists' | 'full';

export class KernelHash<E> {
  bits: number;
  readonly initval: number;
  readonly bucketsize: number;
  readonly maxelem: number;
  /** Bytes per stored element including extensions (set->dsize). */
  readonly dsize: number;
  private buckets = new Map<number, Bucket<E>>();
  private regionElements: number[];
  /** Bytes held by buckets (the regions' ext_size). */
  private bucketBytes = 0;

  private readonly ops: HashOps<E>;

  constructor(bits: number, initval: number, bucketsize: number, maxelem: number, dsize: number, ops: HashOps<E>) {
    this.ops = ops;
    this.bits = bits;
    this.initval = initval >>> 0;
    this.bucketsize = bucketsize;
    this.maxelem = maxelem;
    this.dsize = dsize;
    this.regionElements = new Array(regionCount(bits)).fill(0);
  }

  /** Elements in the buckets, live or expired (the regions' element counts). */
  get stored(): number {
    let sum = 0;
    for (const n of this.regionElements) sum += n;
    return sum;
  }

  get hashsize(): number {
    return 2 ** this.bits;
  }

  /** mtype_ahash_memsize plus the buckets; the owner adds its own extension bytes (comments). */
  memsize(headerSize: number): number {
    return headerSize + regionCount(this.bits) * REGION_SIZE + this.bucketBytes;
  }

  private keyOf(e: E, bits = this.bits): number {
    return (jhash2(this.ops.words(e), this.initval) & (2 ** bits - 1)) >>> 0;
  }

  add(e: E, exist: boolean, replace: (old: E) => void): HashAddResult {
    for (;;) {
      const result = this.tryAdd(e, exist, replace);
      if (result !== 'resize') return result;
      this.resize();
    }
  }

  private tryAdd(e: E, exist: boolean, replace: (old: E) => void): HashAddResult | 'resize' {
    const key = this.keyOf(e);
    const region = regionOf(key);
    let elements = this.regionElements[region] ?? 0;
    let maxelem = Math.floor(this.maxelem / regionCount(this.bits));
    if (elements >= maxelem) {
      maxelem = this.maxelem;
      elements = this.regionElements.reduce((sum, n) => sum + n, 0);
    }
    let n = this.buckets.get(key);
    if (!n) {
      if (elements >= maxelem) return 'full';
      n = { size: INIT_SIZE, pos: 0, slots: [] };
      this.buckets.set(key, n);
      this.bucketBytes += HBUCKET_SIZE + INIT_SIZE * this.dsize;
      n.slots[n.pos++] = e;
      this.regionElements[region] = (this.regionElements[region] ?? 0) + 1;
      return 'added';
    }
    let j = -1;
    let reuseExpired = false;
    for (let i = 0; i < n.pos; i++) {
      const data = n.slots[i];
      if (data === undefined) {
        if (j === -1) j = i;
        continue;
      }
      if (this.ops.equal(data, e)) {
        if (exist || this.ops.expired(data)) {
          replace(data);
          n.slots[i] = e;
          return 'added';
        }
        return 'exists';
      }
      if (this.ops.expired(data) && j === -1) {
        j = i;
        reuseExpired = true;
      }
    }
    if (j !== -1) {
      if (reuseExpired) {
        const old = n.slots[j];
        if (old !== undefined) replace(old);
        this.regionElements[region] = (this.regionElements[region] ?? 0) - 1;
      }
      n.slots[j] = e;
      this.regionElements[region] = (this.regionElements[region] ?? 0) + 1;
      return 'added';
    }
    if (elements >= maxelem) return 'full';
    if (n.pos >= n.size) {
      if (n.size >= this.bucketsize) return 'resize';
      n.size += INIT_SIZE;
      this.bucketBytes += growthBytes(this.dsize);
    }
    n.slots[n.pos++] = e;
    this.regionElements[region] = (this.regionElements[region] ?? 0) + 1;
    return 'added';
  }

  /** Removes the stored element equal to `e`; returns it, or null when absent (or expired). */
  del(e: E): E | null {
    const key = this.keyOf(e);
    const n = this.buckets.get(key);
    if (!n) return null;
    for (let i = 0; i < n.pos; i++) {
      const data = n.slots[i];
      if (data === undefined || !this.ops.equal(data, e)) continue;
      if (this.ops.expired(data)) return null;
      n.slots[i] = undefined;
      if (i + 1 === n.pos) n.pos--;
      const region = regionOf(key);
      this.regionElements[region] = (this.regionElements[region] ?? 0) - 1;
      let unused = 0;
      for (let k = 0; k < n.pos; k++) if (n.slots[k] === undefined) unused++;
      // 6.x stable frees a bucket once every slot below pos is unused (older kernels: pos == 0).
      if (unused === n.pos) {
        this.bucketBytes -= HBUCKET_SIZE + n.size * this.dsize;
        this.buckets.delete(key);
      } else if (unused >= INIT_SIZE) {
        const kept = n.slots.slice(0, n.pos).filter((s): s is E => s !== undefined);
        n.size -= INIT_SIZE;
        n.slots = kept;
        n.pos = kept.length;
        this.bucketBytes -= growthBytes(this.dsize);
      }
      return data;
    }
    return null;
  }

  /** The stored element equal to `e` that has not expired. */
  find(e: E): E | null {
    const n = this.buckets.get(this.keyOf(e));
    if (!n) return null;
    for (let i = 0; i < n.pos; i++) {
      const data = n.slots[i];
      if (data !== undefined && this.ops.equal(data, e)) return this.ops.expired(data) ? null : data;
    }
    return null;
  }

  /** Live elements in the kernel's dump order: bucket by bucket, slot by slot. */
  list(): E[] {
    const out: E[] = [];
    for (const key of [...this.buckets.keys()].sort((x, y) => x - y)) {
      const n = this.buckets.get(key);
      if (!n) continue;
      for (let i = 0; i < n.pos; i++) {
        const data = n.slots[i];
        if (data !== undefined && !this.ops.expired(data)) out.push(data);
      }
    }
    return out;
  }

  /** All stored elements, expired or not (what destroy and flush release). */
  all(): E[] {
    const out: E[] = [];
    for (const n of this.buckets.values()) for (const s of n.slots) if (s !== undefined) out.push(s);
    return out;
  }

  flush(): void {
    this.buckets.clear();
    this.bucketBytes = 0;
    this.regionElements.fill(0);
  }

  /** mtype_resize: double the table (again if a bucket still overflows), rehashing in dump order. */
  private resize(): void {
    const live = this.list();
    for (let bits = this.bits + 1; bits <= 31; bits++) {
      const buckets = new Map<number, Bucket<E>>();
      let bytes = 0;
      let overflow = false;
      const regions: number[] = new Array(regionCount(bits)).fill(0);
      for (const e of live) {
        const key = this.keyOf(e, bits);
        let m = buckets.get(key);
        if (!m) {
          m = { size: INIT_SIZE, pos: 0, slots: [] };
          buckets.set(key, m);
          bytes += HBUCKET_SIZE + INIT_SIZE * this.dsize;
        } else if (m.pos >= m.size) {
          if (m.size >= this.bucketsize) {
            overflow = true;
            break;
          }
          m.size += INIT_SIZE;
          bytes += growthBytes(this.dsize);
        }
        m.slots[m.pos++] = e;
        const r = regionOf(key);
        regions[r] = (regions[r] ?? 0) + 1;
      }
      if (overflow) continue;
      this.bits = bits;
      this.buckets = buckets;
      this.bucketBytes = bytes;
      this.regionElements = regions;
      return;
    }
  }
}

/**
 * What the kernel adds to its byte count when a bucket grows or shrinks by two slots: it charges
 * ext_size(AHASH_INIT_SIZE), which includes a whole bucket header each time, although only the
 * slots are new. Freeing a bucket subtracts its real size, so the figure drifts upwards after
 * deletions exactly as the kernel's does.
 */
function growthBytes(dsize: number): number {
  return HBUCKET_SIZE + INIT_SIZE * dsize;
}

function regionCount(bits: number): number {
  return bits < REGION_BITS ? 1 : 2 ** (bits - REGION_BITS);
}

function regionOf(key: number): number {
  return Math.floor(key / 2 ** REGION_BITS);
}

/** htable_bits for a requested hashsize: at least 64, rounded up to a power of two. */
export function hashBits(hashsize: number): number {
  const size = Math.max(hashsize, 64);
  let bits = 0;
  while (2 ** bits < size) bits++;
  return bits;
}
