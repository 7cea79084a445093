/** `bridge link`: the bridge ports (show) and their settings (set … hairpin). */
import { portForwarding } from '../../engine/linux/bridge.ts';
import type { BridgeLink, Link } from '../../engine/linux/links.ts';
import { matches } from '../ip/context.ts';
import { linkFlags } from '../ip/format-link.ts';
import { BridgeError, type BridgeRun, needArg } from './errors.ts';

export function bridgeLink(run: BridgeRun): number {
  const [verb, ...rest] = run.args;
  if (verb === undefined || matches(verb, 'show') || matches(verb, 'list') || matches(verb, 'lst'))
    return showPorts(run, verb === undefined ? [] : rest);
  if (matches(verb, 'set') || matches(verb, 'change')) return setPort(run, rest);
  throw new BridgeError(`Command "${verb}" is unknown, try "bridge link help".`);
}

function masterOf(link: Link): BridgeLink | undefined {
  const master = link.master !== undefined ? link.netns.links.get(link.master) : undefined;
  return master?.kind === 'bridge' ? master : undefined;
}

/** IFLA_LINK: the device a port sits on (a veth's peer, a VXLAN's underlay), by ifindex. */
function iflink(link: Link): number | undefined {
  if (link.kind === 'veth') return link.peer.ifindex;
  if (link.kind === 'vxlan' && link.dev !== undefined) return link.dev;
  return undefined;
}

/**
 * `3: p1@br0: <…> mtu 1500 master br0 state forwarding priority 32 cost 2 `. The bridge tool gets
 * no link-netnsid, so it looks the iflink up here (a veth peer elsewhere shows as whatever holds
 * that ifindex locally) and flags M-DOWN when that device is down or missing.
 */
function portLine(port: Link, bridge: BridgeLink): string {
  const ns = port.netns;
  const lower = iflink(port);
  const local = lower !== undefined ? ns.links.get(lower) : undefined;
  const name = lower === undefined ? port.name : `${port.name}@${local?.name ?? `if${lower}`}`;
  let flags = linkFlags(ns, port).replace(',M-DOWN', '');
  if (lower !== undefined && !local?.adminUp) flags = flags.replace('>', ',M-DOWN>');
  const state = portForwarding(bridge, port) ? 'forwarding' : 'disabled';
  const cost = port.kind === 'veth' ? 2 : 100;
  return `${port.ifindex}: ${name}: ${flags} mtu ${port.mtu} master ${bridge.name} state ${state} priority 32 cost ${cost} `;
}

function detailLine(port: Link): string {
  return `    hairpin ${port.hairpin ? 'on' : 'off'} guard off root_block off fastleave off learning on flood on mcast_flood on bcast_flood on mcast_router 1 mcast_to_unicast off neigh_suppress off vlan_tunnel off isolated off locked off `;
}

function showPorts(run: BridgeRun, args: string[]): number {
  let devName: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === 'dev') devName = needArg(args, ++i);
    else if (devName === undefined) devName = args[i];
  }
  const dev = devName === undefined ? undefined : run.ns.linkByName(devName);
  if (devName !== undefined && !dev) throw new BridgeError(`Cannot find device "${devName}"`);
  for (const link of run.ns.sortedLinks()) {
    const bridge = masterOf(link);
    if (!bridge || (dev && link !== dev)) continue;
    run.out.line(portLine(link, bridge));
    if (run.details) run.out.line(detailLine(link));
  }
  return 0;
}

const ON_OFF_FLAGS = [
  'hairpin',
  'guard',
  'root_block',
  'fastleave',
  'learning',
  'flood',
  'mcast_flood',
  'bcast_flood',
  'mcast_to_unicast',
  'neigh_suppress',
  'vlan_tunnel',
  'isolated',
  'locked',
];

function setPort(run: BridgeRun, args: string[]): number {
  let devName: string | undefined;
  let hairpin: boolean | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'dev') devName = needArg(args, ++i);
    else if (ON_OFF_FLAGS.includes(arg)) {
      const value = needArg(args, ++i);
      if (value !== 'on' && value !== 'off')
        throw new BridgeError(`Error: argument of "${arg}" must be one of "off", "on", not "${value}"`, 234);
      if (arg === 'hairpin') hairpin = value === 'on';
    } else if (['cost', 'priority', 'state', 'mcast_router', 'backup_port'].includes(arg)) needArg(args, ++i);
    else if (arg === 'self' || arg === 'master' || arg === 'nobackup_port') continue;
    else throw new BridgeError(`Error: either "dev" is duplicate, or "${arg}" is garbage.`);
  }
  if (devName === undefined) throw new BridgeError('Device is a required argument.');
  const dev = run.ns.linkByName(devName);
  if (!dev) throw new BridgeError(`Cannot find bridge device "${devName}"`);
  if (!masterOf(dev)) throw new BridgeError('RTNETLINK answers: Operation not supported');
  if (hairpin !== undefined) dev.hairpin = hairpin;
  return 0;
}
