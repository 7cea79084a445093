/** `ip link`: show, add (veth, bridge, vxlan, ipip, dummy), set, delete. */
import { createBridge } from '../../engine/linux/bridge.ts';
import { fail } from '../../engine/linux/errors.ts';
import type { BridgeLink, Link, LinkKind, VethLink } from '../../engine/linux/links.ts';
import { NetNs } from '../../engine/linux/netns.ts';
import { parseIpv4, parseMac } from '../../engine/wire/addr.ts';
import { matches, type NetContext } from './context.ts';
import { IpError, usage } from './errors.ts';
import { detailLines, headerLine, linkLayerLine, linkSuffix, operstate, statsLines } from './format-link.ts';
import type { IpRun } from './index.ts';

export function ipLink(run: IpRun): number {
  const [verb, ...rest] = run.args;
  if (verb === undefined || matches(verb, 'show') || matches(verb, 'list') || matches(verb, 'lst')) {
    return showLinks({ ...run, args: verb === undefined ? [] : rest });
  }
  if (matches(verb, 'add')) return addLink(run, rest);
  if (matches(verb, 'set') || matches(verb, 'change')) return setLink(run, rest);
  if (matches(verb, 'delete')) return deleteLink(run, rest);
  if (matches(verb, 'help')) {
    run.out.stderr += 'Usage: ip link add [link DEV | parentdev NAME] [ name ] NAME\n';
    return 255;
  }
  throw new IpError(`Command "${verb}" is unknown, try "ip link help".`, 255);
}

interface LinkFilter {
  name?: string;
  kind?: string;
  up: boolean;
  master?: string;
}

export function parseLinkFilter(args: string[]): LinkFilter {
  const filter: LinkFilter = { up: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'dev') filter.name = next(args, ++i);
    else if (arg === 'type') filter.kind = next(args, ++i);
    else if (arg === 'up') filter.up = true;
    else if (arg === 'master') filter.master = next(args, ++i);
    else if (arg === 'label' || arg === 'scope' || arg === 'to') i++;
    else if (filter.name === undefined) filter.name = arg;
    else throw new IpError(`Error: either "dev" is duplicate, or "${arg}" is a garbage.`, 1);
  }
  return filter;
}

export function selectLinks(ns: NetNs, filter: LinkFilter): Link[] {
  if (filter.name !== undefined && !ns.linkByName(filter.name)) {
    throw new IpError(`Device "${filter.name}" does not exist.`, 1);
  }
  const master = filter.master !== undefined ? ns.requireLink(filter.master) : undefined;
  return ns.sortedLinks().filter((link) => {
    if (filter.name !== undefined && link.name !== filter.name) return false;
    if (filter.kind !== undefined && kindName(link) !== filter.kind) return false;
    if (filter.up && !link.adminUp) return false;
    if (master && link.master !== master.ifindex) return false;
    return true;
  });
}

function kindName(link: Link): string {
  return link.kind === 'loopback' || link.kind === 'ether' ? '' : link.kind;
}

function showLinks(run: IpRun): number {
  const { ctx, out, opts } = run;
  const links = selectLinks(ctx.netns, parseLinkFilter(run.args));
  for (const link of links) {
    if (opts.brief) {
      const name = `${link.name}${linkSuffix(link)}`;
      const flags = headerLine(link, true).match(/<[^>]*>/)?.[0] ?? '';
      const addr = link.kind === 'ipip' ? '0.0.0.0' : link.mac;
      out.line(`${name.padEnd(16)} ${operstate(link.netns, link).padEnd(14)} ${addr} ${flags} `);
      continue;
    }
    const lines = [headerLine(link, true), linkLayerLine(ctx, link)];
    if (opts.details) {
      const details = detailLines(link);
      lines[1] += details.sameLine;
      lines.push(...details.more);
    }
    if (opts.stats) lines.push(...statsLines(link));
    if (opts.oneline) out.line(lines.join('\\'));
    else for (const line of lines) out.line(line);
  }
  return 0;
}

function next(args: string[], i: number): string {
  const value = args[i];
  if (value === undefined) throw new IpError('Command line is not complete. Try option "help"', 255);
  return value;
}

function parseMtu(value: string): number {
  if (!/^\d+$/.test(value)) usage(`Error: argument "${value}" is wrong: Invalid "mtu" value\n`, 255);
  return Number(value);
}

function parseAddress(value: string): string {
  const mac = parseMac(value);
  if (!mac) usage(`"${value}" is invalid lladdr.`, 1);
  return mac;
}

function lookupNetns(ctx: NetContext, value: string): NetNs {
  const ns = ctx.named.get(value);
  if (!ns) usage(`Error: argument "${value}" is wrong: Invalid "netns" value\n`, 255);
  return ns;
}

interface CommonLinkArgs {
  name?: string;
  mtu?: number;
  mac?: string;
  netns?: NetNs;
  up?: boolean;
  master?: string;
}

/** Parses the common attributes of `ip link add`/`set` until `type` (or the end). */
function parseCommon(ctx: NetContext, args: string[], start: number, stopAtType: boolean): [CommonLinkArgs, number] {
  const common: CommonLinkArgs = {};
  let i = start;
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (stopAtType && arg === 'type') break;
    if (arg === 'name' || arg === 'dev') common.name = next(args, ++i);
    else if (arg === 'mtu') common.mtu = parseMtu(next(args, ++i));
    else if (arg === 'address') common.mac = parseAddress(next(args, ++i));
    else if (arg === 'netns') common.netns = lookupNetns(ctx, next(args, ++i));
    else if (
      arg === 'txqueuelen' ||
      arg === 'qlen' ||
      arg === 'txqlen' ||
      arg === 'numtxqueues' ||
      arg === 'numrxqueues'
    )
      i++;
    else if (arg === 'up') common.up = true;
    else if (arg === 'down') common.up = false;
    else if (arg === 'master') common.master = next(args, ++i);
    else if (arg === 'nomaster') common.master = '';
    else if (common.name === undefined) common.name = arg;
    else if (stopAtType) throw new IpError('Not enough information: "type" argument is required', 1);
    else break;
  }
  return [common, i];
}

function addLink(run: IpRun, args: string[]): number {
  const { ctx } = run;
  const [common, at] = parseCommon(ctx, args, 0, true);
  if (args[at] !== 'type') throw new IpError('Not enough information: "type" argument is required', 1);
  const type = next(args, at + 1);
  const typeArgs = args.slice(at + 2);
  if (common.name === undefined) throw new IpError('Not enough information: "dev" argument is required.', 1);
  const name = common.name;
  if (name.length > 15) throw new IpError(`Error: argument "${name}" is wrong: "name" not a valid ifname`, 255);
  const home = common.netns ?? ctx.netns;
  if (home.linkByName(name)) fail('EEXIST');
  const options = { mtu: common.mtu, mac: common.mac };
  let created: Link;
  switch (type) {
    case 'veth':
      created = addVeth(ctx, home, name, options, typeArgs);
      break;
    case 'bridge':
      created = createBridge(home, name, options);
      break;
    case 'vxlan':
      created = addVxlan(home, name, options, typeArgs);
      break;
    case 'ipip':
      created = home.createLink(
        'ipip',
        name,
        { ...options, mtu: options.mtu ?? 1480, mac: '00:00:00:00:00:00' },
        ipipArgs(typeArgs),
      );
      break;
    case 'dummy':
      created = home.createLink('dummy', name, options);
      break;
    default:
      throw new IpError('Error: Unknown device type.', 2);
  }
  if (common.master !== undefined && common.master !== '') enslave(home, created, common.master);
  if (common.up) home.setUp(created, true);
  return 0;
}

function addVeth(
  ctx: NetContext,
  home: NetNs,
  name: string,
  options: { mtu?: number; mac?: string },
  args: string[],
): VethLink {
  let peerName: string | undefined;
  let peerNs = home;
  let peerMtu: number | undefined;
  let peerMac: string | undefined;
  let i = 0;
  if (args[0] === 'peer') i = 1;
  else if (args.length > 0)
    throw new IpError(`Garbage instead of arguments "${args.join(' ')} ...". Try "ip link help".`, 255);
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'name') peerName = next(args, ++i);
    else if (arg === 'netns') peerNs = lookupNetns(ctx, next(args, ++i));
    else if (arg === 'mtu') peerMtu = parseMtu(next(args, ++i));
    else if (arg === 'address') peerMac = parseAddress(next(args, ++i));
    else if (peerName === undefined) peerName = arg;
    else throw new IpError(`Error: either "dev" is duplicate, or "${arg}" is a garbage.`, 1);
  }
  peerName ??= nextFreeName(peerNs, 'veth');
  if (peerNs.linkByName(peerName) || (peerNs === home && peerName === name)) fail('EEXIST');
  // veth_newlink registers the peer first, so it gets the lower ifindex.
  const b = peerNs.createLink('veth', peerName, { mtu: peerMtu, mac: peerMac }, {
    numtxqueues: 2,
    numrxqueues: 2,
  } as Partial<VethLink>);
  const a = home.createLink('veth', name, options, { numtxqueues: 2, numrxqueues: 2 } as Partial<VethLink>);
  NetNs.pairVeth(a, b);
  if (peerNs !== home) {
    home.nsidOf(peerNs);
    peerNs.nsidOf(home);
  }
  return a;
}

function nextFreeName(ns: NetNs, prefix: string): string {
  for (let n = 0; ; n++) if (!ns.linkByName(`${prefix}${n}`)) return `${prefix}${n}`;
}

function addVxlan(home: NetNs, name: string, options: { mtu?: number; mac?: string }, args: string[]): Link {
  let vni: number | undefined;
  let local: number | undefined;
  let remote: number | undefined;
  let dev: Link | undefined;
  let dstport = 0;
  let learning = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'id' || arg === 'vni') vni = Number(next(args, ++i));
    else if (arg === 'local')
      local = parseIpv4(next(args, ++i)) ?? usage(`Error: inet address is expected rather than "${args[i]}".`, 1);
    else if (arg === 'remote' || arg === 'group')
      remote = parseIpv4(next(args, ++i)) ?? usage(`Error: inet address is expected rather than "${args[i]}".`, 1);
    else if (arg === 'dev') dev = home.requireLink(next(args, ++i));
    else if (arg === 'dstport') dstport = Number(next(args, ++i));
    else if (arg === 'nolearning') learning = false;
    else if (arg === 'learning') learning = true;
    else if (arg === 'ttl' || arg === 'tos' || arg === 'srcport' || arg === 'ageing') i += arg === 'srcport' ? 2 : 1;
    else if (arg === 'udpcsum' || arg === 'noudpcsum' || arg === 'nolearning') continue;
    else throw new IpError(`vxlan: unknown command "${arg}"?`, 255);
  }
  if (vni === undefined || !Number.isInteger(vni)) throw new IpError('vxlan: missing virtual network identifier', 255);
  const mtu = options.mtu ?? (dev ? dev.mtu - 50 : 1450);
  return home.createLink(
    'vxlan',
    name,
    { ...options, mtu },
    { vni, local, remote, dev: dev?.ifindex, dstport, learning, fdb: [] },
  );
}

function ipipArgs(args: string[]): { local?: number; remote?: number } {
  const result: { local?: number; remote?: number } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'local' || arg === 'remote') {
      const value = next(args, ++i);
      if (value !== 'any')
        result[arg] = parseIpv4(value) ?? usage(`Error: inet address is expected rather than "${value}".`, 1);
    }
  }
  return result;
}

function enslave(ns: NetNs, link: Link, masterName: string): void {
  const master = ns.requireLink(masterName);
  if (master.kind !== 'bridge') fail('EOPNOTSUPP');
  if (master === link) fail('EBUSY');
  ns.enslave(link, master as BridgeLink);
}

function setLink(run: IpRun, args: string[]): number {
  const { ctx } = run;
  let i = 0;
  let devName: string | undefined;
  if (args[0] === 'dev') i = 1;
  devName = args[i];
  if (devName === undefined) throw new IpError('Command line is not complete. Try option "help"', 255);
  i++;
  const ns = ctx.netns;
  const link = ns.requireLink(devName);
  for (; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'up') ns.setUp(link, true);
    else if (arg === 'down') ns.setUp(link, false);
    else if (arg === 'mtu') link.mtu = parseMtu(next(args, ++i));
    else if (arg === 'address') {
      link.mac = parseAddress(next(args, ++i));
      if (link.kind === 'bridge') link.macFixed = true;
    } else if (arg === 'name') {
      devName = next(args, ++i);
      ns.renameLink(link, devName);
    } else if (arg === 'master') enslave(ns, link, next(args, ++i));
    else if (arg === 'nomaster') ns.enslave(link, undefined);
    else if (arg === 'netns') {
      const target = lookupNetns(ctx, next(args, ++i));
      link.netns.moveLink(link, target);
    } else if (arg === 'promisc' || arg === 'arp' || arg === 'multicast' || arg === 'allmulticast') i++;
    else if (arg === 'txqueuelen' || arg === 'qlen' || arg === 'txqlen') {
      const value = next(args, ++i);
      if (!/^\d+$/.test(value) || Number(value) > 0xffffffff)
        usage(`Error: argument "${value}" is wrong: Invalid "txqueuelen" value\n`, 255);
      link.qlen = Number(value);
    } else if (arg === 'alias') i++;
    else throw new IpError(`Error: either "dev" is duplicate, or "${arg}" is a garbage.`, 1);
  }
  return 0;
}

function deleteLink(run: IpRun, args: string[]): number {
  const { ctx } = run;
  const [common] = parseCommon(ctx, args, 0, true);
  if (common.name === undefined) throw new IpError('Not enough information: "dev" argument is required.', 1);
  const link = ctx.netns.requireLink(common.name);
  if (link.kind === 'loopback') fail('EOPNOTSUPP');
  ctx.netns.deleteLink(link);
  return 0;
}

export type { LinkKind };
