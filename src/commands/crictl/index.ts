/**
 * `crictl` (cri-tools v1.31) on a kind node: `pods`, `ps` and `inspectp`, from the sandboxes and
 * containers containerd runs there. Tables use crictl's tabwriter (minwidth 20, padding 3) and
 * 13-character ids.
 */

import { humanDuration } from '../docker/format.ts';
import { goJson } from '../docker/go-template.ts';
import { type CommandOutput, fail, ok } from '../types.ts';

export interface CriSandbox {
  id: string;
  name: string;
  namespace: string;
  uid: string;
  created: number;
  ip: string;
  netnsPath: string;
  pid: number;
  labels: Record<string, string>;
  containers: { id: string; name: string; image: string; imageRef: string; created: number }[];
}

export interface CrictlContext {
  sandboxes: readonly CriSandbox[];
  now: number;
}

function tabwrite(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      if (i < row.length - 1) widths[i] = Math.max(widths[i] ?? 0, cell.length + 3, 20);
    });
  return rows
    .map((row) => `${row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('')}\n`)
    .join('');
}

const ago = (now: number, t: number) => `${humanDuration(now - t)} ago`;

function nanos(micros: number): string {
  return `${new Date(Math.floor(micros / 1000)).toISOString().slice(0, 19)}.${String(micros % 1e6).padStart(6, '0')}000Z`;
}

function pods(args: string[], ctx: CrictlContext): CommandOutput {
  let list = [...ctx.sandboxes].sort((a, b) => b.created - a.created);
  const name = args[args.indexOf('--name') + 1];
  if (args.includes('--name') && name !== undefined) list = list.filter((s) => s.name.includes(name));
  if (args.includes('-q')) return ok(list.map((s) => `${s.id}\n`).join(''));
  return ok(
    tabwrite([
      ['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME'],
      ...list.map((s) => [s.id.slice(0, 13), ago(ctx.now, s.created), 'Ready', s.name, s.namespace, '0', '(default)']),
    ]),
  );
}

function ps(args: string[], ctx: CrictlContext): CommandOutput {
  const rows = ctx.sandboxes
    .flatMap((s) => s.containers.map((c) => ({ s, c })))
    .sort((a, b) => b.c.created - a.c.created);
  if (args.includes('-q')) return ok(rows.map(({ c }) => `${c.id}\n`).join(''));
  return ok(
    tabwrite([
      ['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD'],
      ...rows.map(({ s, c }) => [
        c.id.slice(0, 13),
        c.imageRef.slice(0, 13),
        ago(ctx.now, c.created),
        'Running',
        c.name,
        '0',
        s.id.slice(0, 13),
        s.name,
      ]),
    ]),
  );
}

function inspectp(args: string[], ctx: CrictlContext): CommandOutput {
  const ids = args.filter((a) => !a.startsWith('-'));
  if (ids.length === 0) return fail('time="0" level=fatal msg="ID cannot be empty"\n', 1);
  const out: string[] = [];
  for (const id of ids) {
    const s = ctx.sandboxes.find((x) => x.id.startsWith(id));
    if (!s)
      return fail(
        `E0000 00:00:00.000000       1 remote_runtime.go:432] "PodSandboxStatus from runtime service failed" err="rpc error: code = NotFound desc = an error occurred when try to find sandbox: not found" podSandboxID="${id}"\nFATA[0000] getting the pod sandbox status for "${id}": rpc error: code = NotFound desc = an error occurred when try to find sandbox: not found\n`,
        1,
      );
    out.push(
      goJson(
        {
          status: {
            id: s.id,
            metadata: { attempt: 0, name: s.name, namespace: s.namespace, uid: s.uid },
            state: 'SANDBOX_READY',
            createdAt: nanos(s.created),
            network: { additionalIps: [], ip: s.ip },
            linux: {
              namespaces: {
                options: { ipc: 'POD', network: 'POD', pid: 'CONTAINER', targetId: '', usernsOptions: null },
              },
            },
            labels: s.labels,
            annotations: {},
            runtimeHandler: '',
          },
          info: {
            pid: s.pid,
            processStatus: 'running',
            netNamespaceClosed: false,
            image: 'registry.k8s.io/pause:3.10',
            runtimeHandler: '',
            runtimeType: 'io.containerd.runc.v2',
            runtimeSpec: {
              linux: {
                namespaces: [
                  { type: 'pid' },
                  { type: 'ipc' },
                  { type: 'uts' },
                  { type: 'mount' },
                  { type: 'network', path: s.netnsPath },
                ],
              },
            },
          },
        },
        '  ',
      ),
    );
  }
  return ok(`${out.join('\n')}\n`);
}

export function runCrictl(args: string[], ctx: CrictlContext): CommandOutput {
  const [cmd, ...rest] = args;
  switch (cmd) {
    case 'pods':
      return pods(rest, ctx);
    case 'ps':
      return ps(rest, ctx);
    case 'inspectp':
      return inspectp(rest, ctx);
    case undefined:
      return ok(
        'NAME:\n   crictl - client for CRI\n\nUSAGE:\n   crictl [global options] command [command options]\n\nCOMMANDS:\n   inspectp   Display the status of one or more pods\n   pods       List pods\n   ps         List containers\n',
      );
    default:
      return fail(`time="0" level=fatal msg="no help topic for '${cmd}'"\n`, 1);
  }
}
