/**
 * Small readers over what a learner did, shared by the labs' observation checks: which namespace an
 * `ip` command really looked at (`ip -n NAME …` runs in NAME), which object and verb it used with
 * iproute2's abbreviations, and whether a capture saw an ICMP echo between two addresses.
 */
import type { NetNs } from '../src/engine/linux/netns.ts';
import { formatIpv4 } from '../src/engine/wire/addr.ts';
import type { LinuxHost } from '../src/machine/host.ts';
import type { CaptureRun, CommandRun, Observations } from './types.ts';

/** `ip` options that take a value (iproute2 6.x). */
const IP_VALUE_OPTIONS = new Set(['-n', '-netns', '-b', '-batch', '-f', '-family', '-rc', '-rcvbuf', '-l', '-loops']);

/** iproute2's objects in the order its matcher tries them, so `a` is address and `r` is route. */
const IP_OBJECTS = ['address', 'addrlabel', 'maddress', 'route', 'rule', 'neighbour', 'ntable', 'link', 'netns'];

export interface IpCall {
  /** The namespace the command read: `-n NAME` (or `-netns`) overrides where it ran. */
  ns: NetNs;
  object: string;
  args: string[];
}

/** Reads an `ip …` command line; undefined for anything else (or a namespace that does not exist). */
export function ipCall(run: CommandRun, host: LinuxHost): IpCall | undefined {
  const argv = run.argv;
  if (argv[0] !== 'ip' && !argv[0]?.endsWith('/ip')) return undefined;
  let ns: NetNs | undefined = run.ns;
  let i = 1;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('-')) break;
    const option = arg.replace(/^--/, '-');
    if (option === '-n' || option === '-netns') ns = host.kernel.named.get(argv[i + 1] ?? '');
    if (IP_VALUE_OPTIONS.has(option)) i++;
  }
  const word = argv[i];
  if (ns === undefined || word === undefined) return undefined;
  const object = IP_OBJECTS.find((name) => name.startsWith(word));
  return object === undefined ? undefined : { ns, object, args: argv.slice(i + 1) };
}

/** An `ip OBJECT` that only prints: no verb, or (an abbreviation of) show, list or get. */
export function isIpShow(call: IpCall, object: string): boolean {
  const verb = call.args[0];
  if (call.object !== object) return false;
  return verb === undefined || verb === 'lst' || ['show', 'list', 'get'].some((name) => name.startsWith(verb));
}

/** Commands that ran (or, for `ip -n`, looked) in `ns`. */
export function commandsIn(observed: Observations, ns: NetNs, host: LinuxHost): { run: CommandRun; ip?: IpCall }[] {
  const found: { run: CommandRun; ip?: IpCall }[] = [];
  for (const run of observed.commands) {
    const ip = ipCall(run, host);
    if ((ip?.ns ?? run.ns) === ns) found.push(ip ? { run, ip } : { run });
  }
  return found;
}

/** ICMP echo request (8) or reply (0) between `a` and `b` (either way) in a captured frame. */
export function isEchoBetween(
  frame: CaptureRun['frames'][number]['frame'],
  a: string,
  b: string,
  type: 0 | 8,
): boolean {
  const packet = frame.kind === 'ethernet' ? frame.payload : frame;
  if (packet.kind !== 'ipv4' || packet.payload.kind !== 'icmp' || packet.payload.type !== type) return false;
  const src = formatIpv4(packet.src);
  const dst = formatIpv4(packet.dst);
  return (src === a && dst === b) || (src === b && dst === a);
}

/** tcpdump printed an echo of that kind (its filter let it through and it was not writing to a file). */
export function printedEcho(capture: CaptureRun, type: 0 | 8): boolean {
  return capture.command.output.includes(type === 8 ? 'ICMP echo request' : 'ICMP echo reply');
}
