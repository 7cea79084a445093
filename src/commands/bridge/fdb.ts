/** `bridge fdb`: show (per device, as the kernel's rtnl_fdb_dump walks them), add/append/replace/del. */
import { fdbExpired, ZERO_MAC } from '../../engine/linux/bridge.ts';
import type { BridgeLink, FdbEntry, Link, VxlanLink } from '../../engine/linux/links.ts';
import type { NetNs } from '../../engine/linux/netns.ts';
import { formatIpv4, parseIpv4, parseMac } from '../../engine/wire/addr.ts';
import { matches } from '../ip/context.ts';
import { BridgeError, type BridgeRun, needArg } from './errors.ts';

export function bridgeFdb(run: BridgeRun): number {
  const [verb, ...rest] = run.args;
  if (verb === undefined || matches(verb, 'show') || matches(verb, 'list') || matches(verb, 'lst'))
    return showFdb(run, verb === undefined ? [] : rest);
  if (matches(verb, 'add')) return modifyFdb(run, 'add', rest);
  if (matches(verb, 'append')) return modifyFdb(run, 'append', rest);
  if (matches(verb, 'replace')) return modifyFdb(run, 'replace', rest);
  if (matches(verb, 'delete')) return modifyFdb(run, 'del', rest);
  throw new BridgeError(`Command "${verb}" is unknown, try "bridge fdb help".`);
}

// ---- show ----------------------------------------------------------------------------------

function showFdb(run: BridgeRun, args: string[]): number {
  const ns = run.ns;
  let devName: string | undefined;
  let brName: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === 'dev' || arg === 'brport') devName = needArg(args, ++i);
    else if (arg === 'br') brName = needArg(args, ++i);
    else if (arg === 'vlan' || arg === 'state') needArg(args, ++i);
  }
  const dev = devName === undefined ? undefined : ns.linkByName(devName);
  if (devName !== undefined && !dev) throw new BridgeError(`Cannot find device "${devName}"`);
  const br = brName === undefined ? undefined : ns.linkByName(brName);
  if (brName !== undefined && !br) throw new BridgeError(`Cannot find bridge device "${brName}"`);
  for (const link of ns.sortedLinks()) {
    if (dev && link !== dev) continue;
    const master = masterOf(link);
    if (br) {
      if (link !== br && !master) continue;
      if (master !== br && link.kind !== 'bridge') continue;
    }
    const name = dev ? '' : ` dev ${link.name}`;
    if (master) for (const line of portEntries(ns, master, link)) run.out.line(`${line.mac}${name}${line.rest}`);
    for (const line of ownEntries(ns, link)) run.out.line(`${line.mac}${name}${line.rest}`);
  }
  return 0;
}

interface FdbLine {
  mac: string;
  rest: string;
}

function masterOf(link: Link): BridgeLink | undefined {
  const master = link.master !== undefined ? link.netns.links.get(link.master) : undefined;
  return master?.kind === 'bridge' ? master : undefined;
}

function stateWord(entry: FdbEntry): string {
  if (entry.local) return ' permanent';
  return entry.permanent ? ' static' : ' ';
}

/** The bridge's entries for one port: newest first, the port's own address (added when it joined) last. */
function portEntries(ns: NetNs, bridge: BridgeLink, port: Link): FdbLine[] {
  const now = ns.kernel.clock.micros;
  const lines = bridge.fdb
    .filter((e) => e.port === port.ifindex && !fdbExpired(bridge, e, now))
    .reverse()
    .map((e) => ({ mac: e.mac, rest: ` master ${bridge.name}${stateWord(e)}` }));
  lines.push({ mac: port.mac, rest: ` master ${bridge.name} permanent` });
  return lines;
}

/** What the device's own ndo_fdb_dump shows: a bridge's or any device's address lists, a VXLAN's table. */
function ownEntries(ns: NetNs, link: Link): FdbLine[] {
  if (link.kind === 'vxlan') return vxlanEntries(ns, link);
  const lines = [...link.uc, ...link.mc].map((mac) => ({ mac, rest: ' self permanent' }));
  if (link.kind === 'bridge') {
    // Entries without a port belong to the bridge itself, its own MAC among them.
    for (const e of [...link.fdb].reverse())
      if (e.port === undefined) lines.push({ mac: e.mac, rest: ` master ${link.name}${stateWord(e)}` });
    const own = link.mac !== ZERO_MAC && !ns.bridgePorts(link).some((p) => p.mac === link.mac);
    if (own && !link.fdb.some((e) => e.mac === link.mac))
      lines.push({ mac: link.mac, rest: ` master ${link.name} permanent` });
  }
  return lines;
}

/** A VXLAN table, newest first; the entries of one MAC (its remotes) stay together. */
function vxlanEntries(ns: NetNs, vxlan: VxlanLink): FdbLine[] {
  const byMac = new Map<string, FdbEntry[]>();
  for (const e of [...vxlan.fdb].reverse()) byMac.set(e.mac, [...(byMac.get(e.mac) ?? []), e]);
  const lines: FdbLine[] = [];
  const line = (mac: string, dst: number | undefined, via: number | undefined, state: string) => {
    const viaName = via !== undefined ? ns.links.get(via)?.name : undefined;
    const parts = [
      dst !== undefined ? ` dst ${formatIpv4(dst)}` : '',
      viaName !== undefined ? ` via ${viaName}` : '',
      ` self${state}`,
    ];
    lines.push({ mac, rest: parts.join('') });
  };
  const defaults = byMac.get(ZERO_MAC);
  for (const [mac, entries] of byMac) {
    if (mac === ZERO_MAC && vxlan.remote !== undefined) continue;
    for (const e of [...entries].reverse()) line(mac, e.dst, e.via, stateWord(e));
  }
  if (vxlan.remote !== undefined) {
    // The default remote is the oldest entry; appended remotes follow it.
    line(ZERO_MAC, vxlan.remote, vxlan.dev, ' permanent');
    for (const e of [...(defaults ?? [])].reverse()) line(ZERO_MAC, e.dst, e.via, stateWord(e));
  }
  return lines;
}

// ---- add / append / replace / del ------------------------------------------------------------

type Op = 'add' | 'append' | 'replace' | 'del';

interface FdbRequest {
  mac: string;
  dev: Link;
  dst?: number;
  self: boolean;
  master: boolean;
  state: 'permanent' | 'static' | 'dynamic';
}

function parseRequest(ns: NetNs, args: string[]): FdbRequest {
  let macText: string | undefined;
  let devName: string | undefined;
  let dst: number | undefined;
  let self = false;
  let master = false;
  let state: FdbRequest['state'] = 'permanent';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === 'dev') devName = needArg(args, ++i);
    else if (arg === 'dst') {
      const text = needArg(args, ++i);
      const ip = parseIpv4(text);
      if (ip === null) throw new BridgeError(`Error: an inet prefix is expected rather than "${text}".`);
      dst = ip;
    } else if (arg === 'self') self = true;
    else if (arg === 'master') master = true;
    else if (arg === 'local' || arg === 'permanent') state = 'permanent';
    else if (arg === 'static') state = 'static';
    else if (arg === 'dynamic') state = 'dynamic';
    else if (['vlan', 'port', 'dport', 'vni', 'src_vni', 'via', 'nhid'].includes(arg)) needArg(args, ++i);
    else if (['router', 'use', 'extern_learn', 'sticky', 'norouter'].includes(arg)) continue;
    else if (macText === undefined) macText = arg;
    else throw new BridgeError(`bridge: Unknown argument "${arg}"`);
  }
  if (macText === undefined || devName === undefined)
    throw new BridgeError('Device and address are required arguments.');
  const mac = parseMac(macText);
  if (!mac) throw new BridgeError(`Invalid mac address ${macText}`);
  const dev = ns.linkByName(devName);
  if (!dev) throw new BridgeError(`Cannot find device "${devName}"`);
  // Neither `self` nor `master`: iproute2 asks the device itself.
  if (!self && !master) self = true;
  return { mac, dev, dst, self, master, state };
}

function rtnl(message: string): never {
  throw new BridgeError(`RTNETLINK answers: ${message}`);
}

function modifyFdb(run: BridgeRun, op: Op, args: string[]): number {
  const req = parseRequest(run.ns, args);
  const now = run.ns.kernel.clock.micros;
  if (req.master) {
    const bridge = masterOf(req.dev);
    if (!bridge) rtnl('Operation not supported');
    bridgeModify(bridge, req.dev, req, op, now);
  }
  if (req.self) {
    if (req.dev.kind === 'vxlan') vxlanModify(req.dev, req, op, now);
    else if (req.dev.kind === 'bridge') bridgeModify(req.dev, undefined, req, op, now);
    else addressListModify(req.dev, req, op);
  }
  return 0;
}

function entryFlags(req: FdbRequest): { permanent: boolean; local: boolean } {
  return { permanent: req.state !== 'dynamic', local: req.state === 'permanent' };
}

function bridgeModify(bridge: BridgeLink, port: Link | undefined, req: FdbRequest, op: Op, now: number): void {
  const entry = bridge.fdb.find((e) => e.mac === req.mac);
  if (op === 'del') {
    if (!entry || entry.port !== port?.ifindex) rtnl('No such file or directory');
    bridge.fdb.splice(bridge.fdb.indexOf(entry), 1);
    return;
  }
  const ownMac = bridge.netns.bridgePorts(bridge).some((p) => p.mac === req.mac);
  if ((entry || ownMac) && op === 'add') rtnl('File exists');
  if (entry) {
    Object.assign(entry, { port: port?.ifindex, updated: now, ...entryFlags(req) });
    return;
  }
  bridge.fdb.push({ mac: req.mac, port: port?.ifindex, updated: now, ...entryFlags(req) });
}

function vxlanModify(vxlan: VxlanLink, req: FdbRequest, op: Op, now: number): void {
  const entries = vxlan.fdb.filter((e) => e.mac === req.mac);
  if (op === 'del') {
    if (entries.length === 0) rtnl('No such file or directory');
    const gone = req.dst === undefined ? entries : entries.filter((e) => e.dst === req.dst);
    vxlan.fdb.splice(0, vxlan.fdb.length, ...vxlan.fdb.filter((e) => !gone.includes(e)));
    return;
  }
  if (req.dst === undefined) rtnl('Invalid argument');
  const first = entries[0];
  if (first && op === 'add') rtnl('File exists');
  if (first && op === 'replace') {
    Object.assign(first, { dst: req.dst, updated: now, ...entryFlags(req) });
    return;
  }
  if (op === 'append' && entries.some((e) => e.dst === req.dst)) return;
  vxlan.fdb.push({ mac: req.mac, dst: req.dst, updated: now, ...entryFlags(req) });
}

/** ndo_dflt_fdb_add/del: a device without its own table keeps unicast and multicast address lists. */
function addressListModify(dev: Link, req: FdbRequest, op: Op): void {
  if (dev.kind === 'loopback' || dev.kind === 'ipip') rtnl('Invalid argument');
  const multicast = (Number.parseInt(req.mac.slice(0, 2), 16) & 1) === 1;
  const list = multicast ? dev.mc : dev.uc;
  const at = list.indexOf(req.mac);
  if (op === 'del') {
    if (at < 0) rtnl('No such file or directory');
    list.splice(at, 1);
    return;
  }
  if (at >= 0) {
    if (op === 'add') rtnl('File exists');
    return;
  }
  list.push(req.mac);
}
