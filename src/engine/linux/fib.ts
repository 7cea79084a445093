/**
 * IPv4 routing tables (the FIB) as the kernel keeps them: routes keyed by prefix, ordered the way
 * `ip route` dumps them (ascending prefix address, longer prefixes first, then tos and metric),
 * with longest-prefix-match lookup.
 */
import { type Ipv4, networkOf } from '../wire/addr.ts';

export const RT_TABLE = { default: 253, main: 254, local: 255 } as const;

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'blackhole' | 'unreachable' | 'prohibit' | 'throw';

/** Route scopes by their kernel numbers: global 0, link 253, host 254. */
export const SCOPE = { global: 0, site: 200, link: 253, host: 254, nowhere: 255 } as const;

export const PROTO: Record<string, number> = {
  unspec: 0,
  redirect: 1,
  kernel: 2,
  boot: 3,
  static: 4,
  bird: 12,
  dhcp: 16,
};

export interface Route {
  table: number;
  type: RouteType;
  dst: Ipv4;
  len: number;
  tos: number;
  metric: number;
  protocol: number;
  scope: number;
  prefsrc?: Ipv4;
  gateway?: Ipv4;
  /** Output device by ifindex. */
  dev?: number;
  onlink: boolean;
}

export class RoutingTable {
  readonly id: number;
  #routes: Route[] = [];

  constructor(id: number) {
    this.id = id;
  }

  get routes(): readonly Route[] {
    return this.#routes;
  }

  /** Finds a route with the same key (prefix, length, tos, metric). */
  find(dst: Ipv4, len: number, tos: number, metric: number): Route | undefined {
    return this.#routes.find((r) => r.dst === dst && r.len === len && r.tos === tos && r.metric === metric);
  }

  /** Inserts in dump order; an `append` goes after routes with the same key. */
  insert(route: Route): void {
    const index = this.#routes.findIndex((r) => compareRoutes(route, r) < 0);
    if (index < 0) this.#routes.push(route);
    else this.#routes.splice(index, 0, route);
  }

  remove(route: Route): void {
    const index = this.#routes.indexOf(route);
    if (index >= 0) this.#routes.splice(index, 1);
  }

  removeWhere(predicate: (route: Route) => boolean): void {
    this.#routes = this.#routes.filter((r) => !predicate(r));
  }

  /** Longest-prefix match; among equal prefixes, lowest tos/metric first (dump order). */
  lookup(addr: Ipv4, usable: (route: Route) => boolean = () => true): Route | undefined {
    let best: Route | undefined;
    for (const route of this.#routes) {
      if (networkOf(addr, route.len) !== route.dst) continue;
      if (!usable(route)) continue;
      if (!best || route.len > best.len) best = route;
    }
    return best;
  }
}

function compareRoutes(a: Route, b: Route): number {
  if (a.dst !== b.dst) return a.dst - b.dst;
  if (a.len !== b.len) return b.len - a.len;
  if (a.tos !== b.tos) return b.tos - a.tos;
  return a.metric - b.metric;
}
