/** `ip route`: show, add/del/replace/append/change, get, flush. */
import { fail } from '../../engine/linux/errors.ts';
import { PROTO, type Route, type RouteType, RT_TABLE, SCOPE } from '../../engine/linux/fib.ts';
import { resolveOutput } from '../../engine/linux/lookup.ts';
import type { NetNs } from '../../engine/linux/netns.ts';
import { formatIpv4, type Ipv4Prefix, networkOf, parseIpv4, parsePrefix } from '../../engine/wire/addr.ts';
import { matches } from './context.ts';
import { IpError, usage } from './errors.ts';
import type { IpRun } from './index.ts';
import { parseProto, parseScope, parseTable, protoName, scopeName, tableName } from './names.ts';

const TYPES: RouteType[] = ['unicast', 'local', 'broadcast', 'blackhole', 'unreachable', 'prohibit', 'throw'];

export function ipRoute(run: IpRun): number {
  const [verb, ...rest] = run.args;
  if (verb === undefined || matches(verb, 'show') || matches(verb, 'list') || matches(verb, 'lst')) {
    return showRoutes(run, verb === undefined ? [] : rest);
  }
  if (matches(verb, 'get')) return getRoute(run, rest);
  if (verb === 'add' || verb === 'a' || matches(verb, 'add')) return changeRoute(run, rest, 'add');
  if (matches(verb, 'delete')) return changeRoute(run, rest, 'del');
  if (matches(verb, 'replace')) return changeRoute(run, rest, 'replace');
  if (matches(verb, 'append')) return changeRoute(run, rest, 'append');
  if (matches(verb, 'change')) return changeRoute(run, rest, 'change');
  if (matches(verb, 'flush')) return flushRoutes(run, rest);
  throw new IpError(`Command "${verb}" is unknown, try "ip route help".`, 255);
}

function formatDst(route: Route): string {
  if (route.len === 0 && route.dst === 0) return 'default';
  return route.len === 32 ? formatIpv4(route.dst) : `${formatIpv4(route.dst)}/${route.len}`;
}

export function formatRoute(ns: NetNs, route: Route, showTable: boolean): string {
  const parts: string[] = [];
  if (route.type !== 'unicast') parts.push(route.type);
  parts.push(formatDst(route));
  if (route.gateway !== undefined) parts.push(`via ${formatIpv4(route.gateway)}`);
  if (route.dev !== undefined) {
    const dev = ns.links.get(route.dev);
    if (dev) parts.push(`dev ${dev.name}`);
  }
  if (showTable && route.table !== RT_TABLE.main) parts.push(`table ${tableName(route.table)}`);
  if (route.protocol !== PROTO.boot) parts.push(`proto ${protoName(route.protocol)}`);
  if (route.scope !== SCOPE.global) parts.push(`scope ${scopeName(route.scope)}`);
  if (route.prefsrc !== undefined) parts.push(`src ${formatIpv4(route.prefsrc)}`);
  if (route.metric !== 0) parts.push(`metric ${route.metric}`);
  if (route.onlink) parts.push('onlink');
  if (ns.routeLinkDown(route)) parts.push('linkdown');
  return `${parts.join(' ')} `;
}

interface RouteSpec {
  type: RouteType;
  prefix?: Ipv4Prefix;
  gateway?: number;
  dev?: string;
  table?: number | 'all';
  protocol?: number;
  scope?: number;
  src?: number;
  metric?: number;
  onlink: boolean;
  tos: number;
}

function parseSpec(args: string[], forShow: boolean): RouteSpec {
  const spec: RouteSpec = { type: 'unicast', onlink: false, tos: 0 };
  let typeGiven = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new IpError('Command line is not complete. Try option "help"', 255);
      return v;
    };
    if (arg === 'via') {
      const v = value();
      const gw = parseIpv4(v);
      if (gw === null) throw new IpError(`Error: inet address is expected rather than "${v}".`, 1);
      spec.gateway = gw;
    } else if (arg === 'dev' || arg === 'oif') spec.dev = value();
    else if (arg === 'table') spec.table = parseTable(value());
    else if (arg === 'proto' || arg === 'protocol') spec.protocol = parseProto(value());
    else if (arg === 'scope') spec.scope = parseScope(value());
    else if (arg === 'src') {
      const v = value();
      spec.src = parseIpv4(v) ?? usage(`Error: inet address is expected rather than "${v}".`, 1);
    } else if (arg === 'metric' || arg === 'priority' || arg === 'preference') {
      const v = value();
      if (!/^\d+$/.test(v)) throw new IpError(`Error: argument "${v}" is wrong: "metric" value is invalid\n`, 255);
      spec.metric = Number(v);
    } else if (arg === 'onlink') spec.onlink = true;
    else if (arg === 'tos' || arg === 'dsfield') spec.tos = Number(value());
    else if (arg === 'mtu' || arg === 'advmss' || arg === 'weight' || arg === 'realm') value();
    else if (arg === 'to') spec.prefix = parseDst(value());
    else if (!typeGiven && spec.prefix === undefined && TYPES.includes(arg as RouteType)) {
      spec.type = arg as RouteType;
      typeGiven = true;
    } else if (spec.prefix === undefined) spec.prefix = parseDst(arg);
    else if (forShow) throw new IpError(`Error: either "to" is duplicate, or "${arg}" is a garbage.`, 1);
    else throw new IpError(`Error: either "to" is duplicate, or "${arg}" is a garbage.`, 1);
  }
  return spec;
}

function parseDst(text: string): Ipv4Prefix {
  if (text === 'default' || text === 'all' || text === 'any') return { addr: 0, len: 0 };
  const prefix = parsePrefix(text);
  if (!prefix) throw new IpError(`Error: any valid prefix is expected rather than "${text}".`, 1);
  return prefix;
}

function showRoutes(run: IpRun, args: string[]): number {
  const { ctx, out, opts } = run;
  if (opts.family === 'inet6') return 0;
  const spec = parseSpec(args, true);
  const ns = ctx.netns;
  const dev = spec.dev !== undefined ? ns.requireLink(spec.dev) : undefined;
  const tableIds = spec.table === 'all' ? [...ns.tables.keys()].sort((a, b) => a - b) : [spec.table ?? RT_TABLE.main];
  for (const id of spec.table === 'all'
    ? tableIds.filter((t) => t !== RT_TABLE.local).concat([RT_TABLE.local])
    : tableIds) {
    const table = ns.tables.get(id);
    if (!table) continue;
    for (const route of table.routes) {
      if (dev && route.dev !== dev.ifindex) continue;
      if (spec.protocol !== undefined && route.protocol !== spec.protocol) continue;
      if (spec.scope !== undefined && route.scope !== spec.scope) continue;
      if (spec.prefix && (route.dst !== networkOf(spec.prefix.addr, spec.prefix.len) || route.len !== spec.prefix.len))
        continue;
      let line = formatRoute(ns, route, spec.table === 'all');
      if (dev) line = line.replace(` dev ${dev.name}`, '');
      // A field the filter fixed is not printed (iproute2's protocolmask/scopemask of -1).
      if (spec.protocol !== undefined) line = line.replace(` proto ${protoName(route.protocol)}`, '');
      if (spec.scope !== undefined) line = line.replace(` scope ${scopeName(route.scope)}`, '');
      out.line(line);
    }
  }
  return 0;
}

function changeRoute(run: IpRun, args: string[], verb: 'add' | 'del' | 'replace' | 'append' | 'change'): number {
  const ns = run.ctx.netns;
  const spec = parseSpec(args, false);
  if (!spec.prefix) throw new IpError('Error: either "to" is duplicate, or "dev" is a garbage.', 1);
  const tableId =
    spec.table === 'all'
      ? RT_TABLE.main
      : (spec.table ?? (spec.type === 'local' || spec.type === 'broadcast' ? RT_TABLE.local : RT_TABLE.main));
  const dev = spec.dev !== undefined ? ns.requireLink(spec.dev) : undefined;
  const dst = networkOf(spec.prefix.addr, spec.prefix.len);
  if (dst !== spec.prefix.addr) fail('EINVAL', 'Invalid prefix for given prefix length');
  const table = ns.table(tableId, verb !== 'del');
  const metric = spec.metric ?? 0;
  if (verb === 'del') {
    const victim = table?.routes.find(
      (r) =>
        r.dst === dst &&
        r.len === spec.prefix?.len &&
        (spec.metric === undefined || r.metric === spec.metric) &&
        (dev === undefined || r.dev === dev.ifindex) &&
        (spec.gateway === undefined || r.gateway === spec.gateway) &&
        (spec.type === 'unicast' || r.type === spec.type),
    );
    if (!victim || !table) fail('ESRCH');
    table.remove(victim);
    return 0;
  }
  const needsNexthop = spec.type === 'unicast' || spec.type === 'local' || spec.type === 'broadcast';
  let outDev = dev;
  if (needsNexthop) {
    if (spec.gateway === undefined && !dev) fail('EINVAL', 'Device for nexthop is not up');
    if (spec.gateway !== undefined && !spec.onlink) {
      // The gateway must be reachable directly: a connected (scope link) route must cover it.
      const main = ns.tables.get(RT_TABLE.main);
      const via = main?.lookup(
        spec.gateway,
        (r) => r.scope >= SCOPE.link && r.type === 'unicast' && r.gateway === undefined,
      );
      if (!via || (dev && via.dev !== dev.ifindex)) fail('ENETUNREACH', 'Nexthop has invalid gateway');
      outDev ??= ns.links.get(via.dev ?? -1);
    }
    if (spec.gateway !== undefined && spec.onlink && !dev) fail('EINVAL', 'Nexthop device required for onlink');
    if (outDev && !outDev.adminUp) fail('ENETDOWN', 'Device for nexthop is not up');
  }
  const scope =
    spec.scope ??
    (spec.type === 'local'
      ? SCOPE.host
      : spec.type === 'broadcast'
        ? SCOPE.link
        : spec.gateway === undefined && needsNexthop
          ? SCOPE.link
          : SCOPE.global);
  const route: Route = {
    table: tableId,
    type: spec.type,
    dst,
    len: spec.prefix.len,
    tos: spec.tos,
    metric,
    protocol: spec.protocol ?? PROTO.boot ?? 3,
    scope,
    prefsrc: spec.src,
    gateway: spec.gateway,
    dev: needsNexthop ? outDev?.ifindex : undefined,
    onlink: spec.onlink,
  };
  if (spec.src !== undefined && !ns.isLocalAddress(spec.src)) fail('EINVAL', 'Invalid prefsrc address');
  const existing = table?.find(dst, spec.prefix.len, spec.tos, metric);
  if (verb === 'add' && existing) fail('EEXIST');
  if (verb === 'change' && !existing) fail('ESRCH');
  if ((verb === 'replace' || verb === 'change') && existing) table?.remove(existing);
  table?.insert(route);
  return 0;
}

function flushRoutes(run: IpRun, args: string[]): number {
  const ns = run.ctx.netns;
  const spec = parseSpec(args, true);
  const dev = spec.dev !== undefined ? ns.requireLink(spec.dev) : undefined;
  const table = ns.tables.get(spec.table === 'all' ? RT_TABLE.main : (spec.table ?? RT_TABLE.main));
  table?.removeWhere(
    (r) =>
      (dev === undefined || r.dev === dev.ifindex) &&
      (spec.protocol === undefined || r.protocol === spec.protocol) &&
      (!spec.prefix || (r.dst === networkOf(spec.prefix.addr, spec.prefix.len) && r.len === spec.prefix.len)),
  );
  return 0;
}

function getRoute(run: IpRun, args: string[]): number {
  const { ctx, out } = run;
  const ns = ctx.netns;
  let dstText: string | undefined;
  let from: number | undefined;
  let oif: string | undefined;
  let iif: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'from') {
      const v = args[++i] ?? '';
      from = parseIpv4(v) ?? usage(`Error: inet address is expected rather than "${v}".`, 1);
    } else if (arg === 'oif' || arg === 'dev') oif = args[++i];
    else if (arg === 'iif') iif = args[++i];
    else if (
      arg === 'mark' ||
      arg === 'uid' ||
      arg === 'tos' ||
      arg === 'ipproto' ||
      arg === 'sport' ||
      arg === 'dport'
    )
      i++;
    else if (arg === 'to') dstText = args[++i];
    else if (arg === 'fibmatch' || arg === 'connected') continue;
    else dstText = arg;
  }
  if (dstText === undefined) throw new IpError('need at least a destination address', 1);
  const dst = parseIpv4(dstText.replace(/\/32$/, ''));
  if (dst === null) throw new IpError(`Error: any valid prefix is expected rather than "${dstText}".`, 1);
  const oifLink = oif !== undefined ? ns.requireLink(oif) : undefined;
  const iifLink = iif !== undefined ? ns.requireLink(iif) : undefined;
  // An input route (iif) is a forwarding decision: the input device must forward.
  if (iifLink && !ns.isLocalAddress(dst) && ns.devConf.get(iifLink.name)?.forwarding !== '1') fail('EHOSTUNREACH');
  const resolved = resolveOutput(ns, dst, { src: from, oif: oifLink });
  const parts: string[] = [];
  if (resolved.route.type === 'local') parts.push('local');
  if (resolved.route.type === 'broadcast') parts.push('broadcast');
  parts.push(formatIpv4(dst));
  if (from !== undefined) parts.push(`from ${formatIpv4(from)}`);
  if (resolved.gateway !== undefined) parts.push(`via ${formatIpv4(resolved.gateway)}`);
  parts.push(`dev ${resolved.dev.name}`);
  if (resolved.route.table !== RT_TABLE.main && resolved.route.table !== RT_TABLE.local)
    parts.push(`table ${tableName(resolved.route.table)}`);
  if (from === undefined && resolved.src !== undefined) parts.push(`src ${formatIpv4(resolved.src)}`);
  if (!iifLink) parts.push('uid 0');
  out.line(`${parts.join(' ')} `);
  const flags = resolved.cacheFlags.length > 0 ? `<${resolved.cacheFlags.join(',')}> ` : '';
  out.line(`    cache ${flags}${iifLink ? `iif ${iifLink.name} ` : ''}`);
  return 0;
}
