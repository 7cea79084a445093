/** `bridge` (iproute2 6.1): global options and object dispatch (link, fdb, vlan, mdb). */

import { matches, type NetContext, Out } from '../ip/context.ts';
import type { CommandOutput } from '../types.ts';
import { BridgeError, type BridgeRun } from './errors.ts';
import { bridgeFdb } from './fdb.ts';
import { bridgeLink } from './link.ts';

const USAGE = `Usage: bridge [ OPTIONS ] OBJECT { COMMAND | help }
       bridge [ -force ] -batch filename
where  OBJECT := { link | fdb | mdb | vlan | monitor }
       OPTIONS := { -V[ersion] | -s[tatistics] | -d[etails] |
                    -o[neline] | -t[imestamp] | -n[etns] name |
                    -c[ompressvlans] -color -p[retty] -j[son] }
`;

export function runBridge(argv: string[], ctx: NetContext): CommandOutput {
  const out = new Out();
  try {
    return out.done(dispatch(argv, ctx, out));
  } catch (error) {
    if (error instanceof BridgeError) {
      out.err(error.message);
      return out.done(error.exitCode);
    }
    out.err(`bridge: internal error: ${error instanceof Error ? error.message : String(error)}`);
    return out.done(1);
  }
}

function dispatch(argv: string[], ctx: NetContext, out: Out): number {
  let ns = ctx.netns;
  let details = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (!arg.startsWith('-') || arg === '-') break;
    const opt = arg.replace(/^--/, '-').slice(1);
    if (opt === 'n' || matches(opt, 'netns')) {
      const name = argv[++i];
      if (name === undefined) throw new BridgeError('Command line is not complete. Try option "help"');
      const target = ctx.named.get(name);
      if (!target) throw new BridgeError(`Cannot open network namespace "${name}": No such file or directory`);
      ns = target;
    } else if (matches(opt, 'details')) details = true;
    else if (opt === 'V' || matches(opt, 'Version')) {
      out.line('bridge utility, 6.1.0');
      return 0;
    } else if (opt === 'h' || matches(opt, 'help')) {
      out.stderr += USAGE;
      return 255;
    } else if (['s', 'o', 't', 'c', 'p', 'j'].includes(opt[0] ?? '') || opt.startsWith('color')) {
      // Statistics, one-line, timestamps, compressed VLANs, pretty and JSON only change the look.
    } else throw new BridgeError(`Option "${arg}" is unknown, try "bridge help".`);
  }
  const object = argv[i];
  if (object === undefined) {
    out.stderr += USAGE;
    return 255;
  }
  const run: BridgeRun = { ctx, ns, args: argv.slice(i + 1), out, details };
  if (matches(object, 'link')) return bridgeLink(run);
  if (matches(object, 'fdb')) return bridgeFdb(run);
  if (matches(object, 'vlan')) {
    // Without vlan_filtering no port has VLANs: only the header.
    out.line('port              vlan-id  ');
    return 0;
  }
  if (matches(object, 'mdb')) return 0;
  if (matches(object, 'help')) {
    out.stderr += USAGE;
    return 255;
  }
  if (matches(object, 'monitor')) throw new BridgeError('bridge monitor: not available in Packet Lab', 1);
  throw new BridgeError(`Object "${object}" is unknown, try "bridge help".`);
}
