/**
 * The kernel's per-host limits on ICMP errors, kept in a namespace's inet_peer entries: ip_error
 * (no route while forwarding) spends one second of tokens per error with a five-second burst, and
 * icmp_send spends icmp_ratelimit (one second) per error of the rate-masked types with a burst of
 * six, both from the same per-peer bucket. A new peer starts as if idle for a minute, so the first
 * errors to a host go out and a quick run of them soon stops. Redirects back off exponentially,
 * and share the entry: a redirect resets the token count after a quiet spell.
 */
import type { Ipv4 } from '../wire/addr.ts';
import type { NetNs } from './netns.ts';

interface Peer {
  /** Milliseconds of credit (rate_tokens), and when it was last topped up (rate_last). */
  tokens: number;
  last: number;
  /** Redirects sent since the last quiet spell (n_redirects). */
  redirects: number;
}

/** net.ipv4.icmp_ratelimit and the route error cost (ip_rt_error_cost), in ms. */
const RATELIMIT_MS = 1000;
const ERROR_COST_MS = 1000;
const ERROR_BURST_MS = 5 * ERROR_COST_MS;
const XRLIM_BURST_FACTOR = 6;
/** inet_getpeer sets rate_last 60 s in the past. */
const IDLE_MS = 60_000;
/** net.ipv4.icmp_ratemask (6168): destination unreachable, source quench, time exceeded, parameter problem. */
const RATEMASK = (1 << 3) | (1 << 4) | (1 << 11) | (1 << 12);

/** ip_rt_redirect_load (20 ms), doubled per redirect sent; at most 9; 20.48 s of quiet resets. */
const REDIRECT_LOAD_MS = 20;
const REDIRECT_NUMBER = 9;
const REDIRECT_SILENCE_MS = REDIRECT_LOAD_MS << 10;

const peers = new WeakMap<NetNs, Map<Ipv4, Peer>>();

function peerOf(ns: NetNs, addr: Ipv4, now: number): Peer {
  let table = peers.get(ns);
  if (!table) {
    table = new Map();
    peers.set(ns, table);
  }
  let peer = table.get(addr);
  if (!peer) {
    peer = { tokens: 0, last: now - IDLE_MS, redirects: 0 };
    table.set(addr, peer);
  }
  return peer;
}

/** ip_error: may this router answer a packet from `src` it has no route for? */
export function routeErrorAllowed(ns: NetNs, src: Ipv4, now: number): boolean {
  const peer = peerOf(ns, src, now);
  peer.tokens = Math.min(peer.tokens + now - peer.last, ERROR_BURST_MS);
  peer.last = now;
  if (peer.tokens < ERROR_COST_MS) return false;
  peer.tokens -= ERROR_COST_MS;
  return true;
}

/**
 * icmpv4_xrlim_allow: may an ICMP error of `type` (code `code`) go to `dst`? Errors to this host's
 * own addresses (routed over lo) and "fragmentation needed" are never limited.
 */
export function icmpErrorAllowed(ns: NetNs, dst: Ipv4, type: number, code: number, now: number): boolean {
  if (type > 18 || !((1 << type) & RATEMASK) || (type === 3 && code === 4)) return true;
  if (ns.isLocalAddress(dst)) return true;
  const peer = peerOf(ns, dst, now);
  peer.tokens = Math.min(peer.tokens + now - peer.last, XRLIM_BURST_FACTOR * RATELIMIT_MS);
  peer.last = now;
  if (peer.tokens < RATELIMIT_MS) return false;
  peer.tokens -= RATELIMIT_MS;
  return true;
}

/** ip_rt_send_redirect: may this router tell `src` about a better next hop now? */
export function redirectAllowed(ns: NetNs, src: Ipv4, now: number): boolean {
  const peer = peerOf(ns, src, now);
  if (now > peer.last + REDIRECT_SILENCE_MS) {
    peer.tokens = 0;
    peer.redirects = 0;
  }
  if (peer.redirects >= REDIRECT_NUMBER) {
    peer.last = now;
    return false;
  }
  if (peer.redirects > 0 && now <= peer.last + REDIRECT_LOAD_MS * 2 ** peer.redirects) return false;
  peer.last = now;
  peer.redirects++;
  return true;
}
