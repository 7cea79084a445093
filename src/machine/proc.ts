/**
 * The files under /proc that network labs read, generated from engine state on each read, and a
 * `cat` for them. (The shell's virtual filesystem mounts the same generators.)
 */
import { procNfConntrack } from '../commands/conntrack/format.ts';
import type { CommandOutput } from '../commands/types.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { ToolEnv } from './tools.ts';

/** The text of a /proc file as seen from a namespace, or undefined when it does not exist. */
export function readProc(path: string, ns: NetNs): string | undefined {
  const sys = /^\/proc\/sys\/(.+)$/.exec(path);
  if (sys?.[1] !== undefined) {
    const value = ns.readSysctl(sys[1].replaceAll('/', '.'));
    return value === undefined ? undefined : `${value}\n`;
  }
  if (path === '/proc/net/nf_conntrack')
    return procNfConntrack(ns.conntrack.entries(ns.kernel.clock.millis), ns.kernel.clock.millis);
  return undefined;
}

/** Writes a /proc/sys file (`echo 1 > /proc/sys/net/ipv4/ip_forward`); false when it does not exist. */
export function writeProc(path: string, ns: NetNs, text: string): boolean {
  const sys = /^\/proc\/sys\/(.+)$/.exec(path);
  return sys?.[1] !== undefined && ns.writeSysctl(sys[1].replaceAll('/', '.'), text);
}

export function runCat(args: string[], env: ToolEnv): CommandOutput {
  if (args.length === 0) return { stdout: env.stdin, stderr: '', exitCode: 0 };
  let stdout = '';
  let stderr = '';
  for (const path of args) {
    const text = readProc(path, env.netns);
    if (text === undefined) stderr += `cat: ${path}: No such file or directory\n`;
    else stdout += text;
  }
  return { stdout, stderr, exitCode: stderr === '' ? 0 : 1 };
}
