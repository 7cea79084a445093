/**
 * What ipset stores and reports, independent of how the tool spells it. An element is given by its
 * dimensions (address and prefix, protocol and port, or a set name for list:set); extensions
 * (timeout, counters, comment) ride along.
 */
import type { Ipv4 } from '../../../wire/addr.ts';

export type SetTypeName = 'hash:ip' | 'hash:net' | 'hash:ip,port' | 'hash:net,port' | 'bitmap:port' | 'list:set';

export const SET_TYPES: readonly SetTypeName[] = [
  'hash:ip',
  'hash:net',
  'hash:ip,port',
  'hash:net,port',
  'bitmap:port',
  'list:set',
];

/** The revision each type reports (the newest the 6.x kernel and ipset 7.17 agree on). */
export const REVISIONS: Record<SetTypeName, number> = {
  'hash:ip': 6,
  'hash:net': 7,
  'hash:ip,port': 7,
  'hash:net,port': 8,
  'bitmap:port': 3,
  'list:set': 3,
};

export interface CreateOptions {
  type: SetTypeName;
  hashsize?: number;
  maxelem?: number;
  bucketsize?: number;
  initval?: number;
  /** Default timeout in seconds; enables the timeout extension. */
  timeout?: number;
  counters?: boolean;
  comment?: boolean;
  /** bitmap:port */
  range?: { from: number; to: number };
  /** list:set */
  size?: number;
}

/** One element, as far as its type needs: hash:ip uses ip; hash:net ip and cidr; … */
export interface Element {
  ip?: Ipv4;
  cidr?: number;
  proto?: number;
  port?: number;
  /** list:set: the member set's name. */
  set?: string;
}

export interface ElementExtras {
  /** Seconds; 0 means permanent; undefined takes the set's default. */
  timeout?: number;
  comment?: string;
  packets?: number;
  bytes?: number;
  nomatch?: boolean;
  /** list:set placement: add before or after this member. */
  before?: string;
  after?: string;
}

/** A member as a listing shows it. */
export interface ListedMember {
  element: Element;
  nomatch: boolean;
  /** Remaining seconds as the kernel reports them; undefined when the set has no timeouts. */
  timeout?: number;
  packets?: number;
  bytes?: number;
  comment?: string;
}

/** Everything `ipset list` prints above "Members:". */
export interface SetHeader {
  name: string;
  type: SetTypeName;
  revision: number;
  hashsize?: number;
  maxelem?: number;
  bucketsize?: number;
  initval?: number;
  timeout?: number;
  counters: boolean;
  comment: boolean;
  range?: { from: number; to: number };
  size?: number;
  memsize: number;
  references: number;
  entries: number;
}

/** Kernel error codes, named; the tool turns them into ipset's sentences. */
export type IpsetError =
  | 'no-such-set'
  | 'set-exists'
  | 'elem-exists'
  | 'elem-missing'
  | 'hash-full'
  | 'rename-in-use'
  | 'out-of-range'
  | 'type-mismatch'
  | 'second-set-missing'
  | 'in-use'
  | 'rename-exists'
  | 'member-set-missing'
  | 'member-is-list'
  | 'cidr-invalid'
  | 'no-timeout'
  | 'no-comment'
  | 'no-counters'
  | 'ref-missing'
  | 'null-element'
  | 'invalid-argument'
  | 'no-memory';

/** A packet's value for one dimension of `-m set --match-set NAME dir[,dir]`. */
export interface MatchValue {
  addr?: Ipv4;
  proto?: number;
  port?: number;
}
