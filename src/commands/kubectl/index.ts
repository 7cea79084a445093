/**
 * kubectl against the simulated API server: get, describe, apply, create, delete, patch, scale,
 * expose, cluster-info and version, with kubectl's own output and error texts. `exec` and `logs`
 * need the machine layer and live there; they find pods with `findPod` below.
 */
import type { Cluster } from '../../engine/k8s/api/cluster.ts';
import { ApiError } from '../../engine/k8s/api/errors.ts';
import type { Pod } from '../../engine/k8s/api/types.ts';
import { type CommandOutput, fail, ok } from '../types.ts';
import { bool, flag, type ParsedArgs, parseArgs } from './args.ts';
import { runDescribe } from './describe.ts';
import { runGet } from './get.ts';
import type { FileSource } from './manifests.ts';
import { runApply, runCreate, runDelete, runExpose, runPatch, runScale } from './mutate.ts';

export interface KubectlContext extends FileSource {
  cluster: Cluster;
  /** The kubeconfig context's namespace (default `default`). */
  namespace?: string;
  /** The kubeconfig server URL, e.g. https://127.0.0.1:42371 on kind. */
  server?: string;
  clientVersion?: string;
}

export interface Out {
  stdout: string;
  stderr: string;
  code: number;
}

export function namespaceOf(p: ParsedArgs, ctx: KubectlContext): string {
  return flag(p, 'namespace') ?? ctx.namespace ?? 'default';
}

/** How kubectl's CheckErr prints an API error, with the manifest it came from when there is one. */
export function apiErrorText(e: unknown, verb?: string, source?: string): string {
  if (!(e instanceof ApiError)) return `error: ${e instanceof Error ? e.message : String(e)}\n`;
  if (e.reason === 'Invalid') {
    const causes = e.details.causes ?? [];
    const prefix = `The ${e.details.kind} "${e.details.name}" is invalid: `;
    if (causes.length === 1) return `${prefix}${causes[0]?.field}: ${causes[0]?.message}\n`;
    return `${prefix}\n${causes.map((c) => `* ${c.field}: ${c.message}\n`).join('')}`;
  }
  const where = verb && source ? `error when ${verb} "${source}": ` : '';
  return `Error from server (${e.reason}): ${where}${e.message}\n`;
}

/** The pod `kubectl exec`/`logs` mean, and its containers in spec order; undefined when absent. */
export function findPod(
  cluster: Cluster,
  namespace: string,
  name: string,
): { pod: Pod; containers: string[] } | undefined {
  const pod = cluster.get('Pod', namespace, name.replace(/^(pods?|po)\//, '')) as Pod | undefined;
  return pod ? { pod, containers: pod.spec.containers.map((c) => c.name) } : undefined;
}

function clusterInfo(p: ParsedArgs, ctx: KubectlContext): Out {
  if (p.positional[1] === 'dump')
    return { stdout: '', stderr: 'error: cluster-info dump is not available in this lab\n', code: 1 };
  const host = ctx.server ?? `https://${ctx.cluster.apiServerAddress}:6443`;
  const line = (name: string, link: string) => `\x1b[0;32m${name}\x1b[0m is running at \x1b[0;33m${link}\x1b[0m\n`;
  let out = line('Kubernetes control plane', host);
  for (const svc of ctx.cluster.list('Service', 'kube-system')) {
    const labels = svc.metadata.labels ?? {};
    if (labels['kubernetes.io/cluster-service'] !== 'true') continue;
    const ports = ((svc.spec as { ports?: { name?: string; port: number }[] }).ports ?? [])[0];
    const name = ports?.name ? `${svc.metadata.name}:${ports.name}` : svc.metadata.name;
    out += line(
      labels['kubernetes.io/name'] ?? svc.metadata.name,
      `${host}/api/v1/namespaces/kube-system/services/${name}/proxy`,
    );
  }
  out += "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n";
  return { stdout: out, stderr: '', code: 0 };
}

function version(p: ParsedArgs, ctx: KubectlContext): Out {
  const client = ctx.clientVersion ?? ctx.cluster.kubernetesVersion;
  let out = `Client Version: ${client}\nKustomize Version: v5.4.2\n`;
  if (!bool(p, 'client')) out += `Server Version: ${ctx.cluster.kubernetesVersion}\n`;
  return { stdout: out, stderr: '', code: 0 };
}

const COMMANDS: Record<string, (p: ParsedArgs, ctx: KubectlContext) => Out> = {
  get: runGet,
  describe: runDescribe,
  apply: runApply,
  create: runCreate,
  delete: runDelete,
  patch: runPatch,
  scale: runScale,
  expose: runExpose,
  'cluster-info': clusterInfo,
  version,
};

export function runKubectl(args: string[], ctx: KubectlContext): CommandOutput {
  const parsed = parseArgs(args);
  if ('error' in parsed) {
    const sub = args.find((a) => !a.startsWith('-')) ?? '';
    return fail(`error: ${parsed.error}\nSee 'kubectl ${sub === '' ? '' : `${sub} `}--help' for usage.\n`);
  }
  const [verb] = parsed.positional;
  if (verb === undefined)
    return fail('error: kubectl needs a command (get, describe, apply, create, delete, patch, scale, expose)\n');
  const cmd = COMMANDS[verb];
  if (!cmd) {
    return fail(`error: unknown command "${verb}" for "kubectl"\nRun 'kubectl --help' for usage.\n`);
  }
  const out = cmd(parsed, ctx);
  return out.code === 0 ? { ...ok(out.stdout), stderr: out.stderr } : fail(out.stderr, out.code, out.stdout);
}
