/** `brctl` (bridge-utils 1.7.1): show, showmacs, addbr, delbr, addif, delif, hairpin, setageing. */
import { createBridge } from '../engine/linux/bridge.ts';
import type { BridgeLink, Link } from '../engine/linux/links.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import { bridgeIdMac } from './ip/format-link.ts';
import type { CommandOutput } from './types.ts';

const COMMANDS: [string, string, number][] = [
  ['addbr', '<bridge>\t\tadd bridge', 1],
  ['delbr', '<bridge>\t\tdelete bridge', 1],
  ['addif', '<bridge> <device>\tadd interface to bridge', 2],
  ['delif', '<bridge> <device>\tdelete interface from bridge', 2],
  ['hairpin', '<bridge> <port> {on|off}\tturn hairpin on/off', 3],
  ['setageing', '<bridge> <time>\t\tset ageing time', 2],
  ['setbridgeprio', '<bridge> <prio>\t\tset bridge priority', 2],
  ['setfd', '<bridge> <time>\t\tset bridge forward delay', 2],
  ['sethello', '<bridge> <time>\t\tset hello time', 2],
  ['setmaxage', '<bridge> <time>\t\tset max message age', 2],
  ['setpathcost', '<bridge> <port> <cost>\tset path cost', 3],
  ['setportprio', '<bridge> <port> <prio>\tset port priority', 3],
  ['show', '[ <bridge> ]\t\tshow a list of bridges', 0],
  ['showmacs', '<bridge>\t\tshow a list of mac addrs', 1],
  ['showstp', '<bridge>\t\tshow bridge stp info', 1],
  ['stp', '<bridge> {on|off}\tturn stp on/off', 2],
];

const USAGE = `Usage: brctl [commands]\ncommands:\n${COMMANDS.map(([name, help]) => `\t${name.padEnd(10)}\t${help}\n`).join('')}`;

class Result {
  stdout = '';
  stderr = '';
  status = 0;

  fail(message: string): void {
    this.stderr += `${message}\n`;
    this.status = 1;
  }
}

export function runBrctl(args: string[], ns: NetNs): CommandOutput {
  const r = new Result();
  const [name, ...rest] = args;
  const command = COMMANDS.find(([n]) => n === name);
  if (name === undefined || !command) {
    if (name !== undefined) r.stderr += `never heard of command [${name}]\n`;
    return { stdout: USAGE, stderr: r.stderr, exitCode: 1 };
  }
  const [, help, argc] = command;
  if (name === 'show' ? false : rest.length < argc) {
    return {
      stdout: `Incorrect number of arguments for command\nUsage: brctl ${name} ${help}\n`,
      stderr: '',
      exitCode: 1,
    };
  }
  const error = run(r, ns, name, rest);
  if (error !== undefined) r.fail(error);
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status };
}

function bridgeNamed(ns: NetNs, name: string): BridgeLink | undefined {
  const link = ns.linkByName(name);
  return link?.kind === 'bridge' ? link : undefined;
}

/** Runs one command; what it returns is the error brctl prints. */
function run(r: Result, ns: NetNs, command: string, args: string[]): string | undefined {
  const [first = '', second = '', third = ''] = args;
  switch (command) {
    case 'show':
      show(r, ns, args);
      return undefined;
    case 'showmacs':
      return showMacs(r, ns, first);
    case 'addbr':
      if (ns.linkByName(first)) return `device ${first} already exists; can't create bridge with the same name`;
      createBridge(ns, first, {});
      return undefined;
    case 'delbr': {
      const link = ns.linkByName(first);
      if (!link) return `bridge ${first} doesn't exist; can't delete it`;
      if (link.kind !== 'bridge') return `can't delete bridge ${first}: Operation not permitted`;
      if (link.adminUp) return `bridge ${first} is still up; can't delete it`;
      ns.deleteLink(link);
      return undefined;
    }
    case 'addif':
    case 'delif': {
      const bridge = bridgeNamed(ns, first);
      if (!bridge) return `bridge ${first} does not exist!`;
      const port = ns.linkByName(second);
      if (!port) return `interface ${second} does not exist!`;
      if (command === 'addif') {
        if (port.master !== undefined)
          return `device ${second} is already a member of a bridge; can't add it to bridge ${first}.`;
        if (port === bridge)
          return `device ${second} is a bridge device itself; can't enslave a bridge device to a bridge device.`;
        ns.enslave(port, bridge);
      } else {
        if (port.master !== bridge.ifindex) return `device ${second} is not a port of ${first}`;
        ns.enslave(port, undefined);
      }
      return undefined;
    }
    case 'hairpin': {
      const bridge = bridgeNamed(ns, first);
      if (!bridge) return `bridge ${first} does not exist!`;
      const port = ns.linkByName(second);
      if (!port || port.master !== bridge.ifindex) return `interface ${second} does not exist!`;
      if (third !== 'on' && third !== 'off') return `expect on/off for argument`;
      port.hairpin = third === 'on';
      return undefined;
    }
    case 'setageing': {
      const bridge = bridgeNamed(ns, first);
      if (!bridge) return `bridge ${first} does not exist!`;
      const seconds = Number(second);
      if (!Number.isFinite(seconds) || seconds < 0) return `bad ageing time value`;
      bridge.ageingTime = Math.round(seconds * 100);
      return undefined;
    }
    default: {
      // STP and priority settings: accepted, and nothing in the lab depends on them.
      return bridgeNamed(ns, first) ? undefined : `bridge ${first} does not exist!`;
    }
  }
}

function show(r: Result, ns: NetNs, names: string[]): void {
  const header = 'bridge name\tbridge id\t\tSTP enabled\tinterfaces\n';
  const bridges: BridgeLink[] = [];
  if (names.length === 0) {
    for (const link of ns.sortedLinks()) if (link.kind === 'bridge') bridges.push(link);
    bridges.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  let headerShown = false;
  const print = (bridge: BridgeLink) => {
    if (!headerShown) r.stdout += header;
    headerShown = true;
    const ports = ns
      .bridgePorts(bridge)
      .map((p) => p.name)
      .sort();
    const id = `8000.${bridgeIdMac(bridge).replaceAll(':', '')}`;
    r.stdout += `${bridge.name}\t\t${id}\tno\t\t${ports.join('\n\t\t\t\t\t\t\t')}\n`;
  };
  for (const name of names) {
    const link = ns.linkByName(name);
    if (!link) r.fail(`bridge ${name} does not exist!`);
    else if (link.kind !== 'bridge') r.fail(`device ${name} is not a bridge!`);
    else print(link);
  }
  for (const bridge of bridges) print(bridge);
}

function showMacs(r: Result, ns: NetNs, name: string): string | undefined {
  const link = ns.linkByName(name);
  if (!link) return 'read of forward table failed: No such device';
  if (link.kind !== 'bridge') return 'read of forward table failed: Operation not supported';
  const ports = ns.bridgePorts(link);
  const now = ns.kernel.clock.micros;
  const rows: { port: Link; mac: string; local: boolean; age: number }[] = [];
  for (const port of ports) rows.push({ port, mac: port.mac, local: true, age: 0 });
  for (const entry of link.fdb) {
    const port = ports.find((p) => p.ifindex === entry.port);
    if (!port || (!entry.permanent && now - entry.updated >= link.ageingTime * 10_000)) continue;
    rows.push({ port, mac: entry.mac, local: entry.local, age: entry.permanent ? 0 : now - entry.updated });
  }
  rows.sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
  r.stdout += 'port no\tmac addr\t\tis local?\tageing timer\n';
  for (const row of rows) {
    const centis = Math.floor(row.age / 10_000);
    const timer = `${String(Math.floor(centis / 100)).padStart(4)}.${String(centis % 100).padStart(2, '0')}`;
    const portNo = String(ports.indexOf(row.port) + 1).padStart(3);
    r.stdout += `${portNo}\t${row.mac}\t${row.local ? 'yes' : 'no'}\t\t${timer}\n`;
  }
  return undefined;
}
