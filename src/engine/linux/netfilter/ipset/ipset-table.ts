/**
 * One network namespace's IP sets, as the kernel keeps them: an array of slots (a set's index is
 * what list:set members and iptables rules hold on to), each with a name, a reference count and
 * the set itself. Swap exchanges the sets behind two slots and leaves names and references in
 * place; a destroyed slot is reused by the next create, which is why `ipset list` order can differ
 * from creation order.
 */
import { BitmapPortSet, HashSet, ListSet, type SetImpl, type SetLookup } from './sets.ts';
import {
  type CreateOptions,
  type Element,
  type ElementExtras,
  type IpsetError,
  type ListedMember,
  type MatchValue,
  REVISIONS,
  type SetHeader,
} from './types.ts';

interface Slot {
  name: string;
  references: number;
  options: CreateOptions;
  impl: SetImpl;
}

export const MAX_SETNAME = 31;

export class IpsetTable implements SetLookup {
  private slots: (Slot | null)[] = [];
  private readonly randomInitval: () => number;

  /** `randomInitval` stands in for get_random_bytes: pass the engine's seeded generator. */
  constructor(randomInitval: () => number) {
    this.randomInitval = randomInitval;
  }

  slotOf(name: string): number {
    return this.slots.findIndex((s) => s?.name === name);
  }

  setAt(slot: number): { name: string; impl: SetImpl } | null {
    return this.slots[slot] ?? null;
  }

  ref(slot: number, delta: number): void {
    const s = this.slots[slot];
    if (s) s.references += delta;
  }

  private find(name: string, now: number): Slot | null {
    const s = this.slots[this.slotOf(name)] ?? null;
    if (s) s.impl.now = now;
    return s;
  }

  /** Set names in dump order: by slot, but list:set sets after all others (IPSET_DUMP_LAST). */
  names(): string[] {
    const live = this.slots.filter((s): s is Slot => s !== null);
    return [...live.filter((s) => s.impl.type !== 'list:set'), ...live.filter((s) => s.impl.type === 'list:set')].map(
      (s) => s.name,
    );
  }

  has(name: string): boolean {
    return this.slotOf(name) >= 0;
  }

  create(name: string, options: CreateOptions, exist: boolean, now: number): IpsetError | null {
    const existing = this.find(name, now);
    if (existing) {
      return exist && sameSet(existing.options, options) ? null : 'set-exists';
    }
    const ext = { timeout: options.timeout, counters: options.counters ?? false, comment: options.comment ?? false };
    const stored: CreateOptions = { ...options };
    let impl: SetImpl;
    if (options.type === 'bitmap:port') impl = new BitmapPortSet(options, ext);
    else if (options.type === 'list:set') impl = new ListSet(options, ext, this);
    else {
      stored.initval = (options.initval ?? this.randomInitval()) >>> 0;
      impl = new HashSet(options, stored.initval, ext);
    }
    impl.now = now;
    const slot: Slot = { name, references: 0, options: stored, impl };
    const free = this.slots.indexOf(null);
    if (free >= 0) this.slots[free] = slot;
    else this.slots.push(slot);
    return null;
  }

  /** Destroys one set, or every set when `name` is undefined (all or nothing, as the kernel does). */
  destroy(name: string | undefined, now: number): IpsetError | null {
    if (name === undefined) {
      if (this.slots.some((s) => s && s.references > 0)) return 'in-use';
      this.slots = [];
      return null;
    }
    const index = this.slotOf(name);
    const slot = this.slots[index];
    if (!slot) return 'no-such-set';
    if (slot.references > 0) return 'in-use';
    slot.impl.now = now;
    if (slot.impl.type === 'list:set') slot.impl.flush();
    this.slots[index] = null;
    while (this.slots.length > 0 && this.slots[this.slots.length - 1] === null) this.slots.pop();
    return null;
  }

  flush(name: string | undefined, now: number): IpsetError | null {
    if (name === undefined) {
      for (const s of this.slots) {
        if (!s) continue;
        s.impl.now = now;
        s.impl.flush();
      }
      return null;
    }
    const slot = this.find(name, now);
    if (!slot) return 'no-such-set';
    slot.impl.flush();
    return null;
  }

  rename(from: string, to: string): IpsetError | null {
    const slot = this.slots[this.slotOf(from)];
    if (!slot) return 'no-such-set';
    if (slot.references > 0) return 'rename-in-use';
    if (this.has(to)) return 'rename-exists';
    slot.name = to;
    return null;
  }

  swap(a: string, b: string): IpsetError | null {
    const x = this.slots[this.slotOf(a)];
    if (!x) return 'no-such-set';
    const y = this.slots[this.slotOf(b)];
    if (!y) return 'second-set-missing';
    if (x.impl.type !== y.impl.type) return 'type-mismatch';
    [x.impl, y.impl] = [y.impl, x.impl];
    [x.options, y.options] = [y.options, x.options];
    return null;
  }

  add(name: string, e: Element, x: ElementExtras, exist: boolean, now: number): IpsetError | null {
    const slot = this.find(name, now);
    if (!slot) return 'no-such-set';
    return slot.impl.add(e, x, exist);
  }

  del(name: string, e: Element, exist: boolean, now: number): IpsetError | null {
    const slot = this.find(name, now);
    if (!slot) return 'no-such-set';
    return slot.impl.del(e, exist);
  }

  test(name: string, e: Element, now: number): boolean | IpsetError {
    const slot = this.find(name, now);
    if (!slot) return 'no-such-set';
    return slot.impl.test(e);
  }

  /** Live elements in a set (0 when there is no such set). */
  count(name: string, now: number): number {
    return this.find(name, now)?.impl.count() ?? 0;
  }

  typeOf(name: string): CreateOptions['type'] | null {
    return this.slots[this.slotOf(name)]?.impl.type ?? null;
  }

  header(name: string, now: number): SetHeader | null {
    const slot = this.find(name, now);
    if (!slot) return null;
    const { impl, options } = slot;
    const h: SetHeader = {
      name: slot.name,
      type: impl.type,
      revision: REVISIONS[impl.type],
      timeout: impl.ext.timeout,
      counters: impl.ext.counters,
      comment: impl.ext.comment,
      memsize: impl.memsize(),
      references: slot.references,
      entries: impl.count(),
    };
    if (impl instanceof HashSet) {
      h.hashsize = impl.table.hashsize;
      h.maxelem = impl.table.maxelem;
      h.bucketsize = impl.table.bucketsize;
      h.initval = impl.table.initval;
    } else if (impl instanceof BitmapPortSet) {
      h.range = { from: impl.from, to: impl.to };
    } else if (impl instanceof ListSet) {
      h.size = impl.size;
    }
    if (options.timeout === undefined) h.timeout = undefined;
    return h;
  }

  members(name: string, now: number): ListedMember[] {
    return this.find(name, now)?.impl.members() ?? [];
  }

  /**
   * The `-m set --match-set NAME dir…` test for a packet: `values` holds one entry per direction
   * flag (address, or protocol and port). Matching counts the packet on sets with counters.
   */
  matchSet(name: string, values: readonly MatchValue[], now = 0, bytes?: number): boolean {
    const slot = this.find(name, now);
    if (!slot) return false;
    return slot.impl.match(values, bytes, this);
  }

  /** An iptables rule (or anything else in the kernel) starts or stops holding the set. */
  hold(name: string): boolean {
    const slot = this.slots[this.slotOf(name)];
    if (!slot) return false;
    slot.references++;
    return true;
  }

  release(name: string): void {
    const slot = this.slots[this.slotOf(name)];
    if (slot && slot.references > 0) slot.references--;
  }
}

/** `create -exist` succeeds only when the existing set was created the same way. */
function sameSet(a: CreateOptions, b: CreateOptions): boolean {
  return (
    a.type === b.type &&
    (a.maxelem ?? 65536) === (b.maxelem ?? 65536) &&
    a.timeout === b.timeout &&
    (a.counters ?? false) === (b.counters ?? false) &&
    (a.comment ?? false) === (b.comment ?? false) &&
    (a.range?.from ?? 0) === (b.range?.from ?? 0) &&
    (a.range?.to ?? 0) === (b.range?.to ?? 0) &&
    (a.size ?? 8) === (b.size ?? 8)
  );
}
