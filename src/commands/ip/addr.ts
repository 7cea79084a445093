/** `ip address`: show (full, -br, -o, -4/-6), add, del, flush. */
import type { Link } from '../../engine/linux/links.ts';
import type { IfAddr } from '../../engine/linux/netns.ts';
import { broadcastOf, formatIpv4, parseIpv4, parsePrefix } from '../../engine/wire/addr.ts';
import { matches } from './context.ts';
import { IpError, usage } from './errors.ts';
import { detailLines, headerLine, linkLayerLine, linkSuffix, netnsSuffix, operstate } from './format-link.ts';
import type { IpRun } from './index.ts';
import { parseLinkFilter, selectLinks } from './link.ts';
import { parseScope, scopeName } from './names.ts';

export function ipAddr(run: IpRun): number {
  const [verb, ...rest] = run.args;
  if (verb === undefined || matches(verb, 'show') || matches(verb, 'list') || matches(verb, 'lst')) {
    return showAddrs(run, verb === undefined ? [] : rest);
  }
  if (matches(verb, 'add') || matches(verb, 'replace') || matches(verb, 'change')) return addAddr(run, rest, verb);
  if (matches(verb, 'delete')) return delAddr(run, rest);
  if (matches(verb, 'flush')) return flushAddrs(run, rest);
  throw new IpError(`Command "${verb}" is unknown, try "ip address help".`, 255);
}

function inetLine(ifa: IfAddr): string {
  const parts = [`    inet ${formatIpv4(ifa.local)}`];
  if (ifa.peer !== undefined) parts[0] += ` peer ${formatIpv4(ifa.peer)}/${ifa.prefixlen}`;
  else parts[0] += `/${ifa.prefixlen}`;
  if (ifa.broadcast !== undefined) parts.push(`brd ${formatIpv4(ifa.broadcast)}`);
  parts.push(`scope ${scopeName(ifa.scope)}`);
  if (ifa.secondary) parts.push('secondary');
  if (ifa.noprefixroute) parts.push('noprefixroute');
  parts.push(ifa.label);
  return parts.join(' ');
}

const LIFETIME = '       valid_lft forever preferred_lft forever';

function showAddrs(run: IpRun, args: string[]): number {
  const { ctx, out, opts } = run;
  const links = selectLinks(ctx.netns, parseLinkFilter(args));
  const ns = ctx.netns;
  for (const link of links) {
    const v4 = opts.family === 'inet6' ? [] : ns.addrsOf(link);
    const v6 = opts.family === 'inet' ? [] : ns.ipv6Of(link);
    if (opts.brief) {
      if (opts.family !== 'all' && v4.length + v6.length === 0) continue;
      const name = `${link.name}${linkSuffix(link)}`;
      const addrs = [
        ...v4.map((a) => `${formatIpv4(a.local)}/${a.prefixlen} `),
        ...v6.map((a) => `${a.addr}/${a.prefixlen} `),
      ].join('');
      out.line(`${name.padEnd(16)} ${operstate(ns, link).padEnd(14)} ${addrs}`);
      continue;
    }
    if (opts.oneline) {
      for (const a of v4) out.line(`${link.ifindex}: ${link.name}    ${inetLine(a).trimStart()}\\${LIFETIME}`);
      for (const a of v6) out.line(`${link.ifindex}: ${link.name}    ${inet6Line(a).trimStart()}\\${LIFETIME}`);
      continue;
    }
    if (opts.family !== 'all' && v4.length + v6.length === 0) continue;
    const header = headerLine(link, false);
    if (opts.family === 'all') {
      out.line(header);
      if (opts.details) {
        // As `ip -d link`, without the inet6 addrgenmode (the address dump does not ask for it).
        const details = detailLines(link);
        const more = details.more.join('\n').replace(/(^| )addrgenmode eui64 /, '$1');
        // Without a kind line (lo), the rest follows the link line.
        if (more.startsWith('    numtxqueues'))
          out.line(`${linkLayerLine(ctx, link)}${details.sameLine}${more.trimStart()}`);
        else {
          out.line(`${linkLayerLine(ctx, link)}${details.sameLine}`);
          out.line(more);
        }
      } else out.line(linkLayerLine(ctx, link));
    } else {
      out.line(`${header}${netnsSuffix(ctx, link)}`);
    }
    for (const a of v4) {
      out.line(inetLine(a));
      out.line(LIFETIME);
    }
    for (const a of v6) {
      out.line(inet6Line(a));
      out.line(LIFETIME);
    }
  }
  return 0;
}

function inet6Line(a: { addr: string; prefixlen: number; scope: string; tentative: boolean }): string {
  return `    inet6 ${a.addr}/${a.prefixlen} scope ${a.scope} ${a.tentative ? 'tentative ' : ''}`;
}

function addAddr(run: IpRun, args: string[], verb: string): number {
  const { ctx } = run;
  let prefixText: string | undefined;
  let devName: string | undefined;
  let brd: string | undefined;
  let scope: number | undefined;
  let label: string | undefined;
  let peer: number | undefined;
  let noprefixroute = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new IpError('Command line is not complete. Try option "help"', 255);
      return v;
    };
    if (arg === 'dev') devName = value();
    else if (arg === 'broadcast' || arg === 'brd') brd = value();
    else if (arg === 'scope') scope = parseScope(value());
    else if (arg === 'label') label = value();
    else if (arg === 'peer' || arg === 'remote') {
      const v = value();
      peer = parsePrefix(v)?.addr ?? usage(`Error: any valid prefix is expected rather than "${v}".`, 1);
    } else if (arg === 'noprefixroute') noprefixroute = true;
    else if (arg === 'valid_lft' || arg === 'preferred_lft' || arg === 'metric' || arg === 'proto') value();
    else if (arg === 'local' || prefixText === undefined) prefixText = arg === 'local' ? value() : arg;
    else throw new IpError(`Error: either "local" is duplicate, or "${arg}" is a garbage.`, 1);
  }
  if (prefixText === undefined) throw new IpError('Not enough information: "dev" argument is required.', 1);
  const prefix = parsePrefix(prefixText);
  if (!prefix) throw new IpError(`Error: any valid prefix is expected rather than "${prefixText}".`, 1);
  if (devName === undefined) throw new IpError('Not enough information: "dev" argument is required.', 1);
  const link = ctx.netns.requireLink(devName);
  let broadcast: number | undefined;
  if (brd === '+') broadcast = prefix.len < 31 ? broadcastOf(prefix.addr, prefix.len) : undefined;
  else if (brd === '-')
    broadcast = prefix.len < 31 ? (prefix.addr & (0xffffffff << (32 - prefix.len))) >>> 0 : undefined;
  else if (brd !== undefined)
    broadcast = parseIpv4(brd) ?? usage(`Error: inet address is expected rather than "${brd}".`, 1);
  if (label !== undefined && label !== link.name && !label.startsWith(`${link.name}:`)) {
    throw new IpError(`"${label}" label must match device name`, 1);
  }
  const defaultScope = (prefix.addr >>> 24 === 127 ? 254 : 0) as number;
  const entry = {
    local: prefix.addr,
    prefixlen: prefix.len,
    broadcast,
    peer,
    scope: scope ?? defaultScope,
    label: label ?? link.name,
    noprefixroute,
  };
  if (matches(verb, 'replace') || matches(verb, 'change')) {
    const existing = ctx.netns.addrsOf(link).find((a) => a.local === prefix.addr && a.prefixlen === prefix.len);
    if (existing) ctx.netns.deleteAddress(link, existing.local, existing.prefixlen);
  }
  ctx.netns.addAddress(link, entry);
  return 0;
}

function delAddr(run: IpRun, args: string[]): number {
  const { ctx } = run;
  let prefixText: string | undefined;
  let devName: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'dev') devName = args[++i];
    else if (prefixText === undefined) prefixText = arg;
  }
  if (devName === undefined) throw new IpError('Not enough information: "dev" argument is required.', 1);
  const link: Link = ctx.netns.requireLink(devName);
  if (prefixText === undefined) throw new IpError('RTNETLINK answers: Operation not supported', 2);
  const prefix = parsePrefix(prefixText);
  if (!prefix) throw new IpError(`Error: any valid prefix is expected rather than "${prefixText}".`, 1);
  ctx.netns.deleteAddress(link, prefix.addr, prefixText.includes('/') ? prefix.len : undefined);
  return 0;
}

function flushAddrs(run: IpRun, args: string[]): number {
  const { ctx } = run;
  const filter = parseLinkFilter(args);
  if (filter.name === undefined) throw new IpError('Flush requires arguments.', 1);
  for (const link of selectLinks(ctx.netns, filter)) {
    for (const a of [...ctx.netns.addrsOf(link)].reverse()) {
      if (ctx.netns.addrsOf(link).includes(a)) ctx.netns.deleteAddress(link, a.local, a.prefixlen);
    }
  }
  return 0;
}
