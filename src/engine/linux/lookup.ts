/**
 * Route resolution as `fib_lookup` + `ip_route_output` do it: the policy rules (local, main,
 * default), longest prefix match, route types, and the source address the kernel picks.
 */
import type { Ipv4 } from '../wire/addr.ts';
import { fail } from './errors.ts';
import { type Route, RT_TABLE, SCOPE } from './fib.ts';
import type { Link } from './links.ts';
import type { NetNs } from './netns.ts';

export interface Resolved {
  route: Route;
  /** The device the packet leaves by (lo for local destinations). */
  dev: Link;
  gateway?: Ipv4;
  src: Ipv4 | undefined;
  /** What `ip route get` shows after "cache": local, brd … */
  cacheFlags: string[];
}

const RULE_ORDER = [RT_TABLE.local, RT_TABLE.main, RT_TABLE.default];

export function fibLookup(ns: NetNs, dst: Ipv4): Route | undefined {
  for (const id of RULE_ORDER) {
    const table = ns.tables.get(id);
    if (!table) continue;
    const route = table.lookup(dst, (r) => usable(ns, r));
    if (route && route.type !== 'throw') return route;
  }
  return undefined;
}

function usable(ns: NetNs, route: Route): boolean {
  if (route.dev === undefined) return true;
  const dev = ns.links.get(route.dev);
  // Routes through a device without carrier are skipped (fib_nh is LINKDOWN and ignore_routes_with_linkdown is 0,
  // but the kernel still uses them); only local routes on devices that are down are unusable.
  return dev !== undefined && (dev.adminUp || route.type === 'local');
}

/** Resolves an output route for a locally generated packet, or fails like the kernel. */
export function resolveOutput(ns: NetNs, dst: Ipv4, opts: { src?: Ipv4; oif?: Link } = {}): Resolved {
  const route = fibLookup(ns, dst);
  if (!route) fail('ENETUNREACH');
  if (route.type === 'blackhole') fail('EINVAL');
  if (route.type === 'unreachable') fail('EHOSTUNREACH');
  if (route.type === 'prohibit') fail('EACCES');
  if (route.type === 'local' || route.type === 'broadcast') {
    const lo = ns.linkByName('lo');
    const dev = route.type === 'local' ? lo : ns.links.get(route.dev ?? -1);
    // A local address on a device that is up stays routable with lo down (the packet is lost on lo).
    if (!dev || (route.type === 'local' && !dev.adminUp && route.dev === dev.ifindex)) fail('ENETUNREACH');
    const src = opts.src ?? (route.type === 'local' ? dst : (route.prefsrc ?? ns.selectSource(dev, dst, SCOPE.link)));
    return { route, dev, src, cacheFlags: route.type === 'local' ? ['local'] : ['local', 'brd'] };
  }
  const dev = ns.links.get(route.dev ?? -1);
  if (!dev) fail('ENETUNREACH');
  const gateway = route.gateway;
  const src = opts.src ?? route.prefsrc ?? ns.selectSource(dev, gateway ?? dst, route.scope);
  return { route, dev, gateway, src, cacheFlags: [] };
}
