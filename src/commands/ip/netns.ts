/** `ip netns`: list, add, delete, exec, identify. */
import { matches } from './context.ts';
import { IpError } from './errors.ts';
import type { IpRun } from './index.ts';

export function ipNetns(run: IpRun): number {
  const { ctx, out } = run;
  const [verb, ...rest] = run.args;
  if (verb === undefined || matches(verb, 'list') || matches(verb, 'show')) {
    for (const [name, ns] of [...ctx.named].reverse()) {
      const id = ctx.netns.nsids.get(ns);
      out.line(id === undefined ? name : `${name} (id: ${id})`);
    }
    return 0;
  }
  if (matches(verb, 'add')) {
    const name = rest[0];
    if (name === undefined) throw new IpError('No netns name specified', 255);
    if (ctx.named.has(name)) throw new IpError(`Cannot create namespace file "/run/netns/${name}": File exists`, 1);
    const ns = ctx.kernel.createNamespace();
    ctx.named.set(name, ns);
    return 0;
  }
  if (matches(verb, 'delete')) {
    const name = rest[0];
    if (name === undefined) throw new IpError('No netns name specified', 255);
    const ns = ctx.named.get(name);
    if (!ns) throw new IpError(`Cannot remove namespace file "/run/netns/${name}": No such file or directory`, 1);
    ctx.named.delete(name);
    ctx.kernel.destroyNamespace(ns);
    return 0;
  }
  if (matches(verb, 'exec')) {
    const [name, ...command] = rest;
    if (name === undefined) throw new IpError('No netns name specified', 255);
    if (command.length === 0) throw new IpError('No command specified', 255);
    const ns = ctx.named.get(name);
    if (!ns) throw new IpError(`Cannot open network namespace "${name}": No such file or directory`, 255);
    if (!ctx.exec) throw new IpError(`exec of "${command[0]}" failed: No such file or directory`, 255);
    const result = ctx.exec(command, ns);
    out.write(result.stdout);
    out.stderr += result.stderr;
    return result.exitCode;
  }
  if (matches(verb, 'identify')) {
    const name = [...ctx.named].find(([, ns]) => ns === ctx.netns)?.[0];
    if (name !== undefined) out.line(name);
    return 0;
  }
  throw new IpError(`Command "${verb}" is unknown, try "ip netns help".`, 255);
}
