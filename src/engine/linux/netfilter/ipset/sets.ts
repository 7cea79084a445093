/**
 * The three storage kinds behind ipset's types: a kernel-shaped hash (hash:ip, hash:net,
 * hash:ip,port, hash:net,port), a port bitmap, and an ordered list of sets. Each keeps elements with
 * their extensions, answers add/del/test for the tool and for packet matching, lists in the
 * kernel's order and reports the kernel's memory figure.
 */
import { networkOf } from '../../../wire/addr.ts';
import { hashBits, KernelHash } from './hash-table.ts';
import { beWord } from './jhash.ts';
import type {
  CreateOptions,
  Element,
  ElementExtras,
  IpsetError,
  ListedMember,
  MatchValue,
  SetTypeName,
} from './types.ts';

const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_SCTP = 132;
const IPPROTO_UDPLITE = 136;
const MAX_COMMENT = 255;
/**
 * Elements one hash set may hold in the simulation, whatever its maxelem: a node would hold 16M
 * addresses of a /8 (maxelem 4294967295), a browser tab cannot, so the add fails as it would on a
 * node out of memory.
 */
export const ENGINE_MAX_ELEMENTS = 262_144;

/** A stored element with its extensions; `expires` is a virtual-clock instant in ms, 0 = never. */
export interface Stored {
  ip: number;
  cidr: number;
  proto: number;
  port: number;
  set: number;
  nomatch: boolean;
  expires: number;
  comment: string;
  packets: number;
  bytes: number;
}

export type AddOutcome = IpsetError | null;

export interface Extensions {
  timeout?: number;
  counters: boolean;
  comment: boolean;
}

/** ip_set_elem_len: the element, then timeout (8), counters (16), comment (8), 8-byte aligned. */
function elemLen(base: number, align: number, ext: Extensions): number {
  let len = base;
  let al = align;
  const add = (size: number) => {
    len = Math.ceil(len / 8) * 8 + size;
    al = 8;
  };
  if (ext.timeout !== undefined) add(8);
  if (ext.counters) add(16);
  if (ext.comment) add(8);
  return al === 0 ? len : Math.ceil(len / al) * al;
}

/** Bytes the kernel charges for a stored comment (struct ip_set_comment_rcu + text + NUL). */
function commentBytes(text: string): number {
  return text === '' ? 0 : 16 + Math.min(text.length, MAX_COMMENT) + 1;
}

/** The kernel's remaining-time report: whole seconds, never 0 while alive (0 means permanent). */
export function remainingSeconds(expires: number, now: number): number {
  if (expires === 0) return 0;
  // A listing always comes a moment after the change it shows, so an untouched 300 s reads 299.
  const s = Math.floor((expires - now - 1) / 1000);
  return s <= 0 ? 1 : s;
}

export abstract class SetImpl {
  readonly type: SetTypeName;
  readonly ext: Extensions;
  /** Bytes of comments (set->ext_size). */
  protected extBytes = 0;
  now = 0;

  constructor(type: SetTypeName, ext: Extensions) {
    this.type = type;
    this.ext = ext;
  }

  abstract add(e: Element, x: ElementExtras, exist: boolean): AddOutcome;
  abstract del(e: Element, exist: boolean): AddOutcome;
  abstract test(e: Element): boolean | IpsetError;
  abstract match(values: readonly MatchValue[], bytes: number | undefined, table: SetLookup): boolean;
  abstract members(): ListedMember[];
  abstract memsize(): number;
  abstract count(): number;
  abstract flush(): Stored[];

  protected expired(s: Stored): boolean {
    return s.expires !== 0 && s.expires <= this.now;
  }

  protected makeStored(e: Element, x: ElementExtras): Stored {
    const timeout = x.timeout ?? this.ext.timeout;
    const comment = this.ext.comment ? (x.comment ?? '').slice(0, MAX_COMMENT) : '';
    this.extBytes += commentBytes(comment);
    return {
      ip: e.ip ?? 0,
      cidr: e.cidr ?? 32,
      proto: e.proto ?? 0,
      port: e.port ?? 0,
      set: -1,
      nomatch: x.nomatch ?? false,
      expires: this.ext.timeout !== undefined && timeout ? this.now + timeout * 1000 : 0,
      comment,
      packets: this.ext.counters ? (x.packets ?? 0) : 0,
      bytes: this.ext.counters ? (x.bytes ?? 0) : 0,
    };
  }

  protected release(s: Stored): void {
    this.extBytes -= commentBytes(s.comment);
  }

  protected listed(s: Stored, element: Element): ListedMember {
    const m: ListedMember = { element, nomatch: s.nomatch };
    if (this.ext.timeout !== undefined) m.timeout = remainingSeconds(s.expires, this.now);
    if (this.ext.counters) {
      m.packets = s.packets;
      m.bytes = s.bytes;
    }
    if (this.ext.comment && s.comment !== '') m.comment = s.comment;
    return m;
  }

  protected count_(s: Stored, bytes: number | undefined): void {
    if (this.ext.counters && bytes !== undefined) {
      s.packets += 1;
      s.bytes += bytes;
    }
  }

  /** Extension checks the kernel makes before touching the set. */
  protected checkExtras(x: ElementExtras): IpsetError | null {
    if (x.timeout !== undefined && this.ext.timeout === undefined) return 'no-timeout';
    if (x.comment !== undefined && !this.ext.comment) return 'no-comment';
    if ((x.packets !== undefined || x.bytes !== undefined) && !this.ext.counters) return 'no-counters';
    return null;
  }
}

/** What list:set needs from the table: resolve member sets and keep their reference counts. */
export interface SetLookup {
  slotOf(name: string): number;
  setAt(slot: number): { name: string; impl: SetImpl } | null;
  ref(slot: number, delta: number): void;
}

interface HashShape {
  base: number;
  header: number;
  withNets: boolean;
  withPort: boolean;
}

const HASH_SHAPES: Record<string, HashShape> = {
  'hash:ip': { base: 4, header: 192, withNets: false, withPort: false },
  'hash:net': { base: 8, header: 432, withNets: true, withPort: false },
  'hash:ip,port': { base: 8, header: 192, withNets: false, withPort: true },
  'hash:net,port': { base: 8, header: 432, withNets: true, withPort: true },
};

function portWord(s: Stored): number {
  return ((s.port >>> 8) | ((s.port & 0xff) << 8) | (s.proto << 16)) >>> 0;
}

export class HashSet extends SetImpl {
  readonly table: KernelHash<Stored>;
  private readonly shape: HashShape;
  /** Prefix lengths present, longest first, with their element counts (h->nets). */
  private nets = new Map<number, number>();

  constructor(opts: CreateOptions, initval: number, ext: Extensions) {
    super(opts.type, ext);
    const shape = HASH_SHAPES[opts.type];
    if (!shape) throw new Error(`not a hash type: ${opts.type}`);
    this.shape = shape;
    const bucketsize = clampBucketsize(opts.bucketsize);
    const words = (s: Stored): number[] => {
      if (opts.type === 'hash:ip') return [beWord(s.ip)];
      if (opts.type === 'hash:net') return [beWord(s.ip), (s.cidr << 24) >>> 0];
      if (opts.type === 'hash:ip,port') return [beWord(s.ip), portWord(s)];
      return [beWord(s.ip), (portWord(s) | (((s.cidr - 1) & 0x7f) << 24)) >>> 0];
    };
    const equal = (a: Stored, b: Stored): boolean =>
      a.ip === b.ip && a.cidr === b.cidr && a.port === b.port && a.proto === b.proto;
    this.table = new KernelHash<Stored>(
      hashBits(opts.hashsize ?? 1024),
      initval,
      bucketsize,
      opts.maxelem ?? 65536,
      elemLen(shape.base, 4, ext),
      { words, equal, expired: (s) => this.expired(s) },
    );
  }

  private normalize(e: Element): Stored {
    const cidr = this.shape.withNets ? (e.cidr ?? 32) : 32;
    return {
      ip: networkOf(e.ip ?? 0, cidr),
      cidr,
      proto: this.shape.withPort ? (e.proto ?? 0) : 0,
      port: this.shape.withPort ? (e.port ?? 0) : 0,
      set: -1,
      nomatch: false,
      expires: 0,
      comment: '',
      packets: 0,
      bytes: 0,
    };
  }

  add(e: Element, x: ElementExtras, exist: boolean): AddOutcome {
    const bad = this.checkExtras(x);
    if (bad) return bad;
    if (this.shape.withNets && (e.cidr ?? 32) === 0) return 'cidr-invalid';
    const key = this.normalize(e);
    if (this.table.stored >= ENGINE_MAX_ELEMENTS && !this.table.find(key)) return 'no-memory';
    const stored = { ...this.makeStored(e, x), ip: key.ip, cidr: key.cidr, proto: key.proto, port: key.port };
    if (!this.shape.withNets) stored.nomatch = false;
    const replaced: { old: Stored | null } = { old: null };
    const result = this.table.add(stored, exist, (old) => {
      replaced.old = old;
    });
    if (result === 'exists') {
      this.release(stored);
      return 'elem-exists';
    }
    if (result === 'full') {
      this.release(stored);
      return 'hash-full';
    }
    const old = replaced.old;
    if (old !== null) {
      this.release(old);
      if (!this.expired(old)) {
        // -exist over a live element rewrites its extensions only (counters keep counting).
        if (!this.ext.counters || (x.packets === undefined && x.bytes === undefined)) {
          stored.packets = old.packets;
          stored.bytes = old.bytes;
        }
        return null;
      }
      this.delNet(old.cidr);
    }
    this.addNet(stored.cidr);
    return null;
  }

  del(e: Element, exist: boolean): AddOutcome {
    if (this.shape.withNets && (e.cidr ?? 32) === 0) return 'cidr-invalid';
    const removed = this.table.del(this.normalize(e));
    if (!removed) return exist ? null : 'elem-missing';
    this.release(removed);
    this.delNet(removed.cidr);
    return null;
  }

  private addNet(cidr: number): void {
    if (this.shape.withNets) this.nets.set(cidr, (this.nets.get(cidr) ?? 0) + 1);
  }

  private delNet(cidr: number): void {
    if (!this.shape.withNets) return;
    const n = (this.nets.get(cidr) ?? 0) - 1;
    if (n > 0) this.nets.set(cidr, n);
    else this.nets.delete(cidr);
  }

  /** mtype_test / mtype_test_cidrs: a host address tries every stored prefix, longest first. */
  private lookup(e: Element): Stored | null | 'nomatch' {
    const key = this.normalize(e);
    if (!this.shape.withNets || key.cidr !== 32) {
      const hit = this.table.find(key);
      if (hit?.nomatch) return 'nomatch';
      return hit;
    }
    const cidrs = [...this.nets.keys()].sort((a, b) => b - a);
    for (const cidr of cidrs) {
      const hit = this.table.find({ ...key, ip: networkOf(e.ip ?? 0, cidr), cidr });
      if (hit) return hit.nomatch ? 'nomatch' : hit;
    }
    return null;
  }

  test(e: Element): boolean | IpsetError {
    if (this.shape.withNets && (e.cidr ?? 32) === 0) return 'cidr-invalid';
    const hit = this.lookup(e);
    return hit !== null && hit !== 'nomatch';
  }

  match(values: readonly MatchValue[], bytes: number | undefined): boolean {
    const first = values[0];
    if (first?.addr === undefined) return false;
    const e: Element = { ip: first.addr, cidr: 32 };
    if (this.shape.withPort) {
      const second = values[1];
      if (second?.proto === undefined) return false;
      e.proto = second.proto;
      e.port = second.port ?? 0;
    }
    const hit = this.lookup(e);
    if (hit === null || hit === 'nomatch') return false;
    this.count_(hit, bytes);
    return true;
  }

  members(): ListedMember[] {
    return this.table.list().map((s) =>
      this.listed(s, {
        ip: s.ip,
        ...(this.shape.withNets ? { cidr: s.cidr } : {}),
        ...(this.shape.withPort ? { proto: s.proto, port: s.port } : {}),
      }),
    );
  }

  memsize(): number {
    return this.table.memsize(this.shape.header) + this.extBytes;
  }

  count(): number {
    return this.table.list().length;
  }

  flush(): Stored[] {
    const all = this.table.all();
    for (const s of all) this.release(s);
    this.table.flush();
    this.nets.clear();
    return all;
  }
}

function clampBucketsize(size: number | undefined): number {
  if (size === undefined) return 12;
  if (size < 2) return 2;
  if (size > 12) return 12;
  return size % 2 ? size + 1 : size;
}

export class BitmapPortSet extends SetImpl {
  readonly from: number;
  readonly to: number;
  private readonly dsize: number;
  private readonly ports = new Map<number, Stored>();

  constructor(opts: CreateOptions, ext: Extensions) {
    super('bitmap:port', ext);
    this.from = opts.range?.from ?? 0;
    this.to = opts.range?.to ?? 0;
    this.dsize = elemLen(0, 0, ext);
  }

  private live(port: number): Stored | null {
    const s = this.ports.get(port);
    return s && !this.expired(s) ? s : null;
  }

  add(e: Element, x: ElementExtras, exist: boolean): AddOutcome {
    const bad = this.checkExtras(x);
    if (bad) return bad;
    const port = e.port ?? 0;
    if (port < this.from || port > this.to) return 'out-of-range';
    const old = this.live(port);
    if (old && !exist) return 'elem-exists';
    const prev = this.ports.get(port);
    if (prev) this.release(prev);
    const stored = this.makeStored(e, x);
    if (old && x.packets === undefined && x.bytes === undefined) {
      stored.packets = old.packets;
      stored.bytes = old.bytes;
    }
    this.ports.set(port, stored);
    return null;
  }

  del(e: Element, exist: boolean): AddOutcome {
    const port = e.port ?? 0;
    if (port < this.from || port > this.to) return 'out-of-range';
    const s = this.live(port);
    if (!s) return exist ? null : 'elem-missing';
    this.release(s);
    this.ports.delete(port);
    return null;
  }

  test(e: Element): boolean | IpsetError {
    const port = e.port ?? 0;
    if (port < this.from || port > this.to) return 'out-of-range';
    return this.live(port) !== null;
  }

  match(values: readonly MatchValue[], bytes: number | undefined): boolean {
    const v = values[0];
    if (v?.port === undefined) return false;
    if (![IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP, IPPROTO_UDPLITE].includes(v.proto ?? -1)) return false;
    const s = v.port >= this.from && v.port <= this.to ? this.live(v.port) : null;
    if (!s) return false;
    this.count_(s, bytes);
    return true;
  }

  members(): ListedMember[] {
    return [...this.ports.keys()]
      .sort((a, b) => a - b)
      .flatMap((port) => {
        const s = this.live(port);
        return s ? [this.listed(s, { port })] : [];
      });
  }

  memsize(): number {
    const elements = this.to - this.from + 1;
    return 72 + Math.ceil(elements / 64) * 8 + elements * this.dsize + this.extBytes;
  }

  count(): number {
    return this.members().length;
  }

  flush(): Stored[] {
    const all = [...this.ports.values()];
    for (const s of all) this.release(s);
    this.ports.clear();
    return all;
  }
}

export class ListSet extends SetImpl {
  readonly size: number;
  private readonly dsize: number;
  private entries: Stored[] = [];
  private readonly lookup: SetLookup;

  constructor(opts: CreateOptions, ext: Extensions, lookup: SetLookup) {
    super('list:set', ext);
    this.size = Math.max(opts.size ?? 8, 4);
    this.dsize = elemLen(48, 8, ext);
    this.lookup = lookup;
  }

  private liveIndex(slot: number): number {
    return this.entries.findIndex((s) => s.set === slot && !this.expired(s));
  }

  add(e: Element, x: ElementExtras, exist: boolean): AddOutcome {
    const bad = this.checkExtras(x);
    if (bad) return bad;
    const slot = this.lookup.slotOf(e.set ?? '');
    const target = slot < 0 ? null : this.lookup.setAt(slot);
    if (!target) return 'member-set-missing';
    if (target.impl.type === 'list:set') return 'member-is-list';
    let at = this.entries.length;
    const refName = x.before ?? x.after;
    if (refName !== undefined) {
      const refIndex = this.liveIndex(this.lookup.slotOf(refName));
      if (refIndex < 0) return 'ref-missing';
      at = x.before !== undefined ? refIndex : refIndex + 1;
    }
    const existing = this.liveIndex(slot);
    if (existing >= 0) {
      if (!exist) return 'elem-exists';
      const old = this.entries[existing];
      if (old) this.release(old);
      const stored = { ...this.makeStored(e, x), set: slot };
      this.entries[existing] = stored;
      return null;
    }
    this.entries = this.entries.filter((s) => {
      if (!this.expired(s)) return true;
      this.release(s);
      this.lookup.ref(s.set, -1);
      return false;
    });
    this.entries.splice(Math.min(at, this.entries.length), 0, { ...this.makeStored(e, x), set: slot });
    this.lookup.ref(slot, 1);
    return null;
  }

  del(e: Element, exist: boolean): AddOutcome {
    const slot = this.lookup.slotOf(e.set ?? '');
    if (slot < 0) return 'member-set-missing';
    const index = this.liveIndex(slot);
    if (index < 0) return exist ? null : 'elem-missing';
    const [s] = this.entries.splice(index, 1);
    if (s) this.release(s);
    this.lookup.ref(slot, -1);
    return null;
  }

  test(e: Element): boolean | IpsetError {
    const slot = this.lookup.slotOf(e.set ?? '');
    if (slot < 0) return 'member-set-missing';
    return this.liveIndex(slot) >= 0;
  }

  match(values: readonly MatchValue[], bytes: number | undefined, table: SetLookup): boolean {
    for (const s of this.entries) {
      if (this.expired(s)) continue;
      const member = table.setAt(s.set);
      if (!member) continue;
      member.impl.now = this.now;
      if (member.impl.match(values, bytes, table)) {
        this.count_(s, bytes);
        return true;
      }
    }
    return false;
  }

  members(): ListedMember[] {
    return this.entries.flatMap((s) => {
      if (this.expired(s)) return [];
      const target = this.lookup.setAt(s.set);
      return target ? [this.listed(s, { set: target.name })] : [];
    });
  }

  memsize(): number {
    return 80 + this.entries.length * this.dsize + this.extBytes;
  }

  count(): number {
    return this.members().length;
  }

  flush(): Stored[] {
    const all = this.entries;
    for (const s of all) {
      this.release(s);
      this.lookup.ref(s.set, -1);
    }
    this.entries = [];
    return all;
  }
}
