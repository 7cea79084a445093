/**
 * `ip` (iproute2 6.1): global options, object dispatch, and error reporting. Each object lives in
 * its own module; they read and change the engine through NetNs methods only.
 */
import type { CommandOutput } from '../types.ts';
import { ipAddr } from './addr.ts';
import { matches, type NetContext, Out } from './context.ts';
import { describeKernelError, IpError, KernelError } from './errors.ts';
import type { ShowOptions } from './format-link.ts';
import { ipLink } from './link.ts';
import { ipNeigh } from './neigh.ts';
import { ipNetns } from './netns.ts';
import { ipRoute } from './route.ts';

export interface IpRun {
  ctx: NetContext;
  args: string[];
  out: Out;
  opts: ShowOptions;
}

type Handler = (run: IpRun) => number;

// The order is iproute2's: the first object whose name starts with the word wins ("n" → neighbor).
const OBJECTS: [string, Handler | null][] = [
  ['address', ipAddr],
  ['addrlabel', null],
  ['maddress', null],
  ['route', ipRoute],
  ['rule', null],
  ['neighbor', ipNeigh],
  ['neighbour', ipNeigh],
  ['ntable', null],
  ['ntbl', null],
  ['link', ipLink],
  ['l2tp', null],
  ['fou', null],
  ['ila', null],
  ['macsec', null],
  ['tunnel', null],
  ['tunl', null],
  ['tuntap', null],
  ['tap', null],
  ['token', null],
  ['tcpmetrics', null],
  ['tcp_metrics', null],
  ['monitor', null],
  ['xfrm', null],
  ['mroute', null],
  ['mrule', null],
  ['netns', ipNetns],
  ['netconf', null],
  ['vrf', null],
  ['sr', null],
  ['nexthop', null],
  ['mptcp', null],
  ['ioam', null],
  ['help', null],
  ['stats', null],
];

const USAGE = `Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }
       ip [ -force ] -batch filename
where  OBJECT := { address | addrlabel | fou | help | ila | ioam | l2tp | link |
                   macsec | maddress | monitor | mptcp | mroute | mrule |
                   neighbor | neighbour | netconf | netns | nexthop | ntable |
                   ntbl | route | rule | sr | tap | tcpmetrics |
                   token | tunnel | tuntap | vrf | xfrm }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] | -r[esolve] |
                    -h[uman-readable] | -iec | -j[son] | -p[retty] |
                    -f[amily] { inet | inet6 | mpls | bridge | link } |
                    -4 | -6 | -M | -B | -0 |
                    -l[oops] { maximum-addr-flush-attempts } | -br[ief] |
                    -o[neline] | -t[imestamp] | -ts[hort] | -b[atch] [filename] |
                    -rc[vbuf] [size] | -n[etns] name | -N[umeric] | -a[ll] |
                    -c[olor]}
`;

export function runIp(argv: string[], ctx: NetContext): CommandOutput {
  const out = new Out();
  try {
    return out.done(dispatch(argv, ctx, out));
  } catch (error) {
    if (error instanceof IpError) {
      out.err(error.message);
      return out.done(error.exitCode);
    }
    if (error instanceof KernelError) {
      const { message, exitCode } = describeKernelError(error);
      out.err(message);
      return out.done(exitCode);
    }
    out.err(`ip: internal error: ${error instanceof Error ? error.message : String(error)}`);
    return out.done(1);
  }
}

function dispatch(argv: string[], ctx: NetContext, out: Out): number {
  const opts: ShowOptions = { details: false, stats: false, brief: false, oneline: false, family: 'all' };
  let context = ctx;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') break;
    const opt = arg.replace(/^--/, '-');
    if (opt === '-4') opts.family = 'inet';
    else if (opt === '-6') opts.family = 'inet6';
    else if (opt === '-0') opts.family = 'all';
    else if (matches(opt.slice(1), 'details') && opt.length > 1) opts.details = true;
    else if (opt === '-s' || matches(opt.slice(1), 'statistics')) opts.stats = true;
    else if (opt.length >= 3 && matches(opt.slice(1), 'brief')) opts.brief = true;
    else if (matches(opt.slice(1), 'oneline')) opts.oneline = true;
    else if (opt === '-c' || matches(opt.slice(1), 'color')) {
      // -c / -color[=never] only changes colouring; our output is never coloured.
    } else if (opt.startsWith('-color=')) {
      // as above
    } else if (opt === '-f' || matches(opt.slice(1), 'family')) {
      const family = argv[++i];
      if (family === 'inet') opts.family = 'inet';
      else if (family === 'inet6') opts.family = 'inet6';
      else if (family !== 'link')
        throw new IpError(`Error: argument "${family ?? ''}" is wrong: invalid protocol family`, 255);
    } else if (opt === '-n' || matches(opt.slice(1), 'netns')) {
      const name = argv[++i];
      if (name === undefined) throw new IpError('Command line is not complete. Try option "help"', 255);
      const ns = ctx.named.get(name);
      if (!ns) throw new IpError(`Cannot open network namespace "${name}": No such file or directory`, 255);
      context = { ...ctx, netns: ns };
    } else if (opt === '-V' || matches(opt.slice(1), 'Version')) {
      out.line('ip utility, iproute2-6.1.0, libbpf 1.1.0');
      return 0;
    } else if (opt === '-h' || matches(opt.slice(1), 'help')) {
      out.write(USAGE);
      return 0;
    } else if (opt === '-N' || matches(opt.slice(1), 'Numeric') || opt === '-r' || matches(opt.slice(1), 'resolve')) {
      // Name resolution flags: our tables hold numbers only.
    } else {
      throw new IpError(`Option "${arg}" is unknown, try "ip -help".`, 255);
    }
  }
  const object = argv[i];
  if (object === undefined) {
    out.stderr += USAGE;
    return 255;
  }
  const entry = OBJECTS.find(([name]) => matches(object, name));
  if (!entry) throw new IpError(`Object "${object}" is unknown, try "ip help".`, 1);
  const [name, handler] = entry;
  if (!handler) throw new IpError(`ip ${name}: not available in Packet Lab`, 1);
  return handler({ ctx: context, args: argv.slice(i + 1), out, opts });
}
