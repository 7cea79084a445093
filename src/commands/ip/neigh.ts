/** `ip neigh`: show, add/replace/change, del, flush. */
import type { NeighState } from '../../engine/linux/netns.ts';
import { formatIpv4, parseIpv4, parseMac } from '../../engine/wire/addr.ts';
import { matches } from './context.ts';
import { IpError } from './errors.ts';
import type { IpRun } from './index.ts';

const STATES: NeighState[] = ['PERMANENT', 'NOARP', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'INCOMPLETE'];

export function ipNeigh(run: IpRun): number {
  const [verb, ...rest] = run.args;
  if (verb === undefined || matches(verb, 'show') || matches(verb, 'list') || matches(verb, 'lst')) {
    return showNeigh(run, verb === undefined ? [] : rest);
  }
  if (matches(verb, 'add') || matches(verb, 'replace') || matches(verb, 'change')) return addNeigh(run, rest, verb);
  if (matches(verb, 'delete')) return delNeigh(run, rest);
  if (matches(verb, 'flush')) return flushNeigh(run, rest);
  throw new IpError(`Command "${verb}" is unknown, try "ip neigh help".`, 255);
}

function showNeigh(run: IpRun, args: string[]): number {
  const { ctx, out, opts } = run;
  if (opts.family === 'inet6') return 0;
  const ns = ctx.netns;
  let devName: string | undefined;
  let proxy = false;
  let nud: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === 'dev') devName = args[++i];
    else if (arg === 'proxy') proxy = true;
    else if (arg === 'nud') nud = args[++i]?.toUpperCase();
  }
  const dev = devName !== undefined ? ns.requireLink(devName) : undefined;
  for (const n of ns.neighbours) {
    if (n.proxy !== proxy) continue;
    if (dev && n.ifindex !== dev.ifindex) continue;
    const state = ns.neighState(n);
    if (nud === undefined ? state === 'NOARP' && false : nud !== 'ALL' && state !== nud) continue;
    const link = ns.links.get(n.ifindex);
    const parts = [formatIpv4(n.ip)];
    if (!dev && link) parts.push(`dev ${link.name}`);
    if (n.mac !== undefined && state !== 'INCOMPLETE' && state !== 'FAILED') parts.push(`lladdr ${n.mac}`);
    if (n.router) parts.push('router');
    if (!proxy) parts.push(state);
    out.line(`${parts.join(' ')} `);
  }
  return 0;
}

function parseArgs(args: string[]) {
  let ip: number | undefined;
  let mac: string | undefined;
  let devName: string | undefined;
  let state: NeighState = 'PERMANENT';
  let proxy = false;
  let router = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const value = () => {
      const v = args[++i];
      if (v === undefined) throw new IpError('Command line is not complete. Try option "help"', 255);
      return v;
    };
    if (arg === 'lladdr') {
      const v = value();
      mac = parseMac(v) ?? undefined;
      if (mac === undefined) throw new IpError(`"${v}" is invalid lladdr.`, 1);
    } else if (arg === 'dev') devName = value();
    else if (arg === 'nud') {
      const v = value().toUpperCase();
      const found = STATES.find((s) => s === v);
      if (!found && v !== 'NONE')
        throw new IpError(`Error: argument "${v.toLowerCase()}" is wrong: nud state is bad`, 255);
      state = found ?? 'PERMANENT';
    } else if (arg === 'proxy') proxy = true;
    else if (arg === 'router') router = true;
    else if (arg === 'to') ip = parseIp(value());
    else if (ip === undefined) ip = parseIp(arg);
    else throw new IpError(`Error: either "to" is duplicate, or "${arg}" is a garbage.`, 1);
  }
  return { ip, mac, devName, state, proxy, router };
}

function parseIp(text: string): number {
  const ip = parseIpv4(text);
  if (ip === null) throw new IpError(`Error: inet address is expected rather than "${text}".`, 1);
  return ip;
}

function addNeigh(run: IpRun, args: string[], verb: string): number {
  const ns = run.ctx.netns;
  const spec = parseArgs(args);
  if (spec.devName === undefined || spec.ip === undefined)
    throw new IpError('Device and destination are required arguments.', 255);
  const dev = ns.requireLink(spec.devName);
  if (spec.proxy) {
    if (!ns.neighbours.some((n) => n.proxy && n.ip === spec.ip && n.ifindex === dev.ifindex)) {
      ns.neighbours.push({
        ifindex: dev.ifindex,
        ip: spec.ip,
        state: 'PERMANENT',
        confirmed: 0,
        router: false,
        proxy: true,
      });
    }
    return 0;
  }
  if (spec.mac === undefined && spec.state !== 'NOARP' && spec.state !== 'INCOMPLETE') {
    throw new IpError('Error: No link layer address given.', 2);
  }
  const existing = ns.neighbour(dev, spec.ip);
  if (existing && matches(verb, 'add')) throw new IpError('RTNETLINK answers: File exists', 2);
  if (!existing && matches(verb, 'change')) throw new IpError('RTNETLINK answers: No such file or directory', 2);
  const entry = ns.setNeighbour(dev, spec.ip, spec.mac, spec.state);
  entry.router = spec.router;
  return 0;
}

function delNeigh(run: IpRun, args: string[]): number {
  const ns = run.ctx.netns;
  const spec = parseArgs(args);
  if (spec.devName === undefined || spec.ip === undefined)
    throw new IpError('Device and destination are required arguments.', 255);
  const dev = ns.requireLink(spec.devName);
  const entry = spec.proxy
    ? ns.neighbours.find((n) => n.proxy && n.ip === spec.ip && n.ifindex === dev.ifindex)
    : ns.neighbour(dev, spec.ip);
  if (!entry) throw new IpError('RTNETLINK answers: No such file or directory', 2);
  ns.deleteNeighbour(entry);
  return 0;
}

function flushNeigh(run: IpRun, args: string[]): number {
  const ns = run.ctx.netns;
  let devName: string | undefined;
  for (let i = 0; i < args.length; i++) if (args[i] === 'dev') devName = args[++i];
  if (devName === undefined && args.length === 0) throw new IpError('Flush requires arguments.', 1);
  const dev = devName !== undefined ? ns.requireLink(devName) : undefined;
  for (const n of [...ns.neighbours]) {
    if (n.proxy || n.state === 'PERMANENT' || n.state === 'NOARP') continue;
    if (dev && n.ifindex !== dev.ifindex) continue;
    ns.deleteNeighbour(n);
  }
  return 0;
}
