/** The tools a simulated host has on its PATH, each a thin adapter from argv to a command module. */

import { runBrctl } from '../commands/brctl.ts';
import { runBridge } from '../commands/bridge/index.ts';
import { runConntrack } from '../commands/conntrack/index.ts';
import { runIfconfig } from '../commands/ifconfig.ts';
import { runIp } from '../commands/ip/index.ts';
import { runIpset } from '../commands/ipset/index.ts';
import { runIptables } from '../commands/iptables/iptables.ts';
import { runIptablesRestore } from '../commands/iptables/restore.ts';
import { runIptablesSave } from '../commands/iptables/save.ts';
import { runArp, runRoute } from '../commands/net-tools.ts';
import { runPing } from '../commands/ping.ts';
import { runSysctl } from '../commands/sysctl.ts';
import type { CommandOutput } from '../commands/types.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { LinuxHost } from './host.ts';
import { netTools } from './net-programs.ts';
import { runCat } from './proc.ts';

export interface ToolEnv {
  host: LinuxHost;
  netns: NetNs;
  stdin: string;
  /** The name the tool was invoked by (iptables-nft vs iptables-legacy …). */
  name: string;
}

export type Tool = (args: string[], env: ToolEnv) => CommandOutput;

function netContext(env: ToolEnv) {
  return {
    kernel: env.host.kernel,
    netns: env.netns,
    named: env.host.kernel.named,
    exec: (argv: string[], netns: NetNs) => {
      const [name] = argv;
      if (name !== undefined && !env.host.tools.has(name)) {
        return { stdout: '', stderr: `exec of "${name}" failed: No such file or directory\n`, exitCode: 255 };
      }
      return env.host.run(argv, netns, env.stdin);
    },
  };
}

export function toolTable(): Map<string, Tool> {
  return new Map<string, Tool>([
    ['ip', (args, env) => runIp(args, netContext(env))],
    ['sysctl', (args, env) => runSysctl(args, env.netns)],
    ['ping', (args, env) => runPing(args, env.host.kernel, env.netns)],
    [
      'ipset',
      (args, env) => runIpset(args, { sets: env.netns.ipsets, now: env.host.kernel.clock.millis, stdin: env.stdin }),
    ],
    ['conntrack', (args, env) => runConntrack(args, { table: env.netns.conntrack, now: env.host.kernel.clock.millis })],
    ['cat', (args, env) => runCat(args, env)],
    ['route', (args, env) => runRoute(args, env.netns)],
    ...['iptables', 'iptables-nft', 'iptables-legacy'].map((name): [string, Tool] => [
      name,
      (args, env) => runIptables([name, ...args], env.netns.netfilter, { now: env.host.kernel.clock.millis }),
    ]),
    ...['iptables-save', 'iptables-nft-save', 'iptables-legacy-save'].map((name): [string, Tool] => [
      name,
      (args, env) => runIptablesSave([name, ...args], env.netns.netfilter, { now: env.host.kernel.clock.millis }),
    ]),
    ...['iptables-restore', 'iptables-nft-restore', 'iptables-legacy-restore'].map((name): [string, Tool] => [
      name,
      (args, env) =>
        runIptablesRestore([name, ...args], env.stdin, env.netns.netfilter, { now: env.host.kernel.clock.millis }),
    ]),
    ['arp', (args, env) => runArp(args, env.netns)],
    ['bridge', (args, env) => runBridge(args, netContext(env))],
    ['brctl', (args, env) => runBrctl(args, env.netns)],
    ['ifconfig', (args, env) => runIfconfig(args, env.netns)],
    ...netTools(),
  ]);
}
