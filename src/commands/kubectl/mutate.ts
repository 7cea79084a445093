/** The verbs that change the cluster: apply, create, delete, patch, scale and expose. */

import { parse as parseYaml } from 'yaml';
import type { Cluster } from '../../engine/k8s/api/cluster.ts';
import { ApiError, notFound } from '../../engine/k8s/api/errors.ts';
import { jsonPatch, mergePatch, strategicMergePatch, threeWayApply } from '../../engine/k8s/api/patch.ts';
import {
  qualifiedResource,
  qualifiedSingular,
  type ResourceType,
  resourceForGvk,
  resourceForKind,
} from '../../engine/k8s/api/resources.ts';
import { matches, parseSelector } from '../../engine/k8s/api/selector.ts';
import type { Deployment, KObject } from '../../engine/k8s/api/types.ts';
import { bool, flag, flagAll, type ParsedArgs } from './args.ts';
import { toCompactJson } from './format.ts';
import { resolveRequests } from './get.ts';
import { apiErrorText, type KubectlContext, namespaceOf, type Out } from './index.ts';
import { type Manifest, readManifests } from './manifests.ts';

type Obj = Record<string, unknown>;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function result(stdout: string, stderr: string): Out {
  return { stdout, stderr, code: stderr === '' ? 0 : 1 };
}

/** Checks a manifest as kubectl does before sending it: apiVersion/kind set, the kind known. */
function mapManifest(m: Manifest, ns: string): { r: ResourceType; obj: Obj } | { error: string } {
  const o = m.object;
  const missing = [o.apiVersion ? '' : 'apiVersion not set', o.kind ? '' : 'kind not set'].filter((x) => x !== '');
  if (missing.length > 0) {
    const what = missing.length === 1 ? missing[0] : `[${missing.join(', ')}]`;
    return {
      error: `error: error validating "${m.source}": error validating data: ${what}; if you choose to ignore these errors, turn validation off with --validate=false\n`,
    };
  }
  const meta = (o.metadata ?? {}) as Obj;
  const r = resourceForGvk(String(o.apiVersion), String(o.kind));
  if (!r) {
    return {
      error: `error: resource mapping not found for name: "${String(meta.name ?? '')}" namespace: "${String(meta.namespace ?? '')}" from "${m.source}": no matches for kind "${String(o.kind)}" in version "${String(o.apiVersion)}"\nensure CRDs are installed first\n`,
    };
  }
  const obj = structuredClone(o);
  const metadata = { ...((obj.metadata ?? {}) as Obj) };
  if (r.namespaced) {
    if (metadata.namespace !== undefined && metadata.namespace !== ns && ns !== undefined && m.explicitNs)
      return {
        error: `error: the namespace from the provided object "${String(metadata.namespace)}" does not match the namespace "${ns}". You must pass '--namespace=${String(metadata.namespace)}' to perform this operation.\n`,
      };
    metadata.namespace = metadata.namespace ?? ns;
  }
  obj.metadata = metadata;
  return { r, obj };
}

function readAll(p: ParsedArgs, ctx: KubectlContext): { manifests: Manifest[]; errors: string[] } | { usage: string } {
  const files = flagAll(p, 'filename');
  if (files.length === 0) return { usage: 'error: must specify one of -f and -k\n' };
  const read = readManifests(files, ctx);
  const explicitNs = flag(p, 'namespace') !== undefined;
  for (const m of read.manifests) m.explicitNs = explicitNs;
  return read;
}

export function runApply(p: ParsedArgs, ctx: KubectlContext): Out {
  const read = readAll(p, ctx);
  if ('usage' in read) return result('', read.usage);
  const ns = namespaceOf(p, ctx);
  let stdout = '';
  let stderr = '';
  for (const m of read.manifests) {
    const mapped = mapManifest(m, ns);
    if ('error' in mapped) {
      stderr += mapped.error;
      continue;
    }
    const { r, obj } = mapped;
    const meta = obj.metadata as Obj;
    const name = String(meta.name ?? '');
    if (name === '') {
      stderr += `error: error when retrieving current configuration of:\nResource: "${r.group === '' ? '' : r.group}/${r.version}, Resource=${r.plural}", GroupVersionKind: "${r.group === '' ? '' : r.group}/${r.version}, Kind=${r.kind}"\nName: "", Namespace: "${r.namespaced ? String(meta.namespace) : ''}"\nfrom server for: "${m.source}": resource name may not be empty\n`;
      continue;
    }
    const annotations = { ...((meta.annotations ?? {}) as Obj) };
    delete annotations[LAST_APPLIED];
    const forAnnotation = { ...obj, metadata: { ...meta, annotations } };
    const lastApplied = `${toCompactJson(forAnnotation)}\n`;
    const modified = { ...obj, metadata: { ...meta, annotations: { ...annotations, [LAST_APPLIED]: lastApplied } } };
    const live = ctx.cluster.get(r.kind, String(meta.namespace ?? ''), name);
    try {
      if (!live) {
        ctx.cluster.create(modified);
        stdout += `${qualifiedSingular(r)}/${name} created\n`;
        continue;
      }
      const prevText = live.metadata.annotations?.[LAST_APPLIED];
      const original = prevText ? (JSON.parse(prevText) as unknown) : {};
      const merged = threeWayApply(original, modified, live) as KObject;
      if (JSON.stringify(merged) === JSON.stringify(live)) {
        stdout += `${qualifiedSingular(r)}/${name} unchanged\n`;
        continue;
      }
      const after = ctx.cluster.update(merged);
      stdout += `${qualifiedSingular(r)}/${name} ${after.metadata.resourceVersion === live.metadata.resourceVersion ? 'unchanged' : 'configured'}\n`;
    } catch (e) {
      stderr += apiErrorText(e, live ? 'patching' : 'creating', m.source);
    }
  }
  return result(stdout, read.errors.join('') + stderr);
}

function createFromFiles(p: ParsedArgs, ctx: KubectlContext): Out {
  const read = readAll(p, ctx);
  if ('usage' in read) return result('', read.usage);
  const ns = namespaceOf(p, ctx);
  let stdout = '';
  let stderr = '';
  for (const m of read.manifests) {
    const mapped = mapManifest(m, ns);
    if ('error' in mapped) {
      stderr += mapped.error;
      continue;
    }
    try {
      const o = ctx.cluster.create(mapped.obj);
      stdout += `${qualifiedSingular(mapped.r)}/${o.metadata.name} created\n`;
    } catch (e) {
      stderr += apiErrorText(e, 'creating', m.source);
    }
  }
  return result(stdout, read.errors.join('') + stderr);
}

/** `kubectl create deployment`'s container name: the image's last path element without tag or digest. */
function containerName(image: string): string {
  const base = image.slice(image.lastIndexOf('/') + 1);
  return base.split('@')[0]?.split(':')[0] ?? base;
}

function createCommand(p: ParsedArgs, ctx: KubectlContext): { obj: Obj } | { error: string } {
  const [, sub, a, b] = p.positional;
  const ns = namespaceOf(p, ctx);
  switch (sub) {
    case 'namespace':
    case 'ns':
      if (!a) return { error: 'error: exactly one NAME is required, got 0\n' };
      return { obj: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: a } } };
    case 'deployment':
    case 'deploy': {
      if (!a) return { error: 'error: exactly one NAME is required, got 0\n' };
      const images = flagAll(p, 'image');
      if (images.length === 0) return { error: 'error: required flag(s) "image" not set\n' };
      const port = flag(p, 'port');
      const containers = images.map((image) => ({
        name: containerName(image),
        image,
        ...(port ? { ports: [{ containerPort: Number(port) }] } : {}),
        resources: {},
      }));
      return {
        obj: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: a, namespace: ns, labels: { app: a } },
          spec: {
            replicas: Number(flag(p, 'replicas') ?? 1),
            selector: { matchLabels: { app: a } },
            strategy: {},
            template: { metadata: { labels: { app: a } }, spec: { containers } },
          },
        },
      };
    }
    case 'configmap':
    case 'cm': {
      if (!a) return { error: 'error: exactly one NAME is required, got 0\n' };
      const data: Record<string, string> = {};
      for (const lit of flagAll(p, 'from-literal')) {
        const eq = lit.indexOf('=');
        if (eq <= 0) return { error: `error: invalid literal source ${lit}, expected key=value\n` };
        data[lit.slice(0, eq)] = lit.slice(eq + 1);
      }
      return {
        obj: {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: a, namespace: ns },
          ...(Object.keys(data).length > 0 ? { data } : {}),
        },
      };
    }
    case 'service':
    case 'svc': {
      const types: Record<string, string> = {
        clusterip: 'ClusterIP',
        nodeport: 'NodePort',
        loadbalancer: 'LoadBalancer',
        externalname: 'ExternalName',
      };
      const type = types[a ?? ''];
      if (!type || !b) return { error: 'error: exactly one NAME is required, got 0\n' };
      const ports = flagAll(p, 'tcp').map((t) => {
        const [port = '', target = port] = t.split(':');
        return {
          name: `${port}-${target}`,
          port: Number(port),
          protocol: 'TCP',
          targetPort: /^\d+$/.test(target) ? Number(target) : target,
          ...(flag(p, 'node-port') ? { nodePort: Number(flag(p, 'node-port')) } : {}),
        };
      });
      return {
        obj: {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: b, namespace: ns, labels: { app: b } },
          spec: { type, ...(type === 'ExternalName' ? {} : { selector: { app: b }, ports }) },
        },
      };
    }
    default:
      return {
        error: `error: unknown create subcommand "${sub ?? ''}" (use -f, deployment, service, configmap or namespace)\n`,
      };
  }
}

export function runCreate(p: ParsedArgs, ctx: KubectlContext): Out {
  if (flagAll(p, 'filename').length > 0) return createFromFiles(p, ctx);
  const made = createCommand(p, ctx);
  if ('error' in made) return result('', made.error);
  const r = resourceForKind(String(made.obj.kind)) as ResourceType;
  try {
    const o = ctx.cluster.create(made.obj);
    return result(`${qualifiedSingular(r)}/${o.metadata.name} created\n`, '');
  } catch (e) {
    return result('', apiErrorText(e));
  }
}

function deleteOne(cluster: Cluster, r: ResourceType, ns: string, name: string): string {
  cluster.delete(r.kind, r.namespaced ? ns : '', name);
  return `${qualifiedSingular(r)} "${name}" deleted\n`;
}

export function runDelete(p: ParsedArgs, ctx: KubectlContext): Out {
  const ns = namespaceOf(p, ctx);
  let stdout = '';
  let stderr = '';
  if (flagAll(p, 'filename').length > 0) {
    const read = readAll(p, ctx);
    if ('usage' in read) return result('', read.usage);
    for (const m of read.manifests) {
      const mapped = mapManifest(m, ns);
      if ('error' in mapped) {
        stderr += mapped.error;
        continue;
      }
      const meta = mapped.obj.metadata as Obj;
      try {
        stdout += deleteOne(ctx.cluster, mapped.r, String(meta.namespace ?? ns), String(meta.name ?? ''));
      } catch (e) {
        if (!bool(p, 'ignore-not-found')) stderr += apiErrorText(e, 'deleting', m.source);
      }
    }
    return result(stdout, read.errors.join('') + stderr);
  }
  const reqs = resolveRequests(p.positional.slice(1));
  if ('error' in reqs) return result('', reqs.error);
  if (reqs.length === 0)
    return result(
      '',
      "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
    );
  const selText = flag(p, 'selector');
  const sel = selText === undefined ? [] : parseSelector(selText);
  if ('error' in sel) return result('', `error: ${sel.error}\n`);
  const any = reqs.some((r) => r.names.length > 0);
  if (!any && !bool(p, 'all') && selText === undefined)
    return result('', 'error: resource(s) were provided, but no name was specified\n');
  let deleted = 0;
  for (const r of reqs) {
    const names =
      r.names.length > 0
        ? r.names
        : ctx.cluster
            .list(r.resource.kind, r.resource.namespaced ? ns : undefined)
            .filter((o) => matches(sel, o.metadata.labels))
            .map((o) => o.metadata.name);
    for (const name of names) {
      try {
        stdout += deleteOne(ctx.cluster, r.resource, ns, name);
        deleted++;
      } catch (e) {
        if (!bool(p, 'ignore-not-found')) stderr += apiErrorText(e);
      }
    }
  }
  if (!any && deleted === 0 && stderr === '')
    return { stdout: '', stderr: `No resources found in ${ns} namespace.\n`, code: 0 };
  return result(stdout, stderr);
}

function target(p: ParsedArgs): { r: ResourceType; name: string } | { error: string } {
  const reqs = resolveRequests(p.positional.slice(1));
  if ('error' in reqs) return { error: reqs.error };
  const first = reqs[0];
  const name = first?.names[0];
  if (!first || name === undefined) return { error: 'error: resource(s) were provided, but no name was specified\n' };
  return { r: first.resource, name };
}

export function runPatch(p: ParsedArgs, ctx: KubectlContext): Out {
  const t = target(p);
  if ('error' in t) return result('', t.error);
  const text = flag(p, 'patch');
  if (text === undefined) return result('', 'error: must specify -p to patch\n');
  const ns = t.r.namespaced ? namespaceOf(p, ctx) : '';
  const live = ctx.cluster.get(t.r.kind, ns, t.name);
  if (!live) return result('', apiErrorText(notFound(qualifiedResource(t.r), t.name)));
  let patch: unknown;
  try {
    patch = parseYaml(text) as unknown;
  } catch {
    return result('', `error: unable to parse "${text}": yaml: did not find expected node content\n`);
  }
  const type = flag(p, 'type') ?? 'strategic';
  let next: unknown;
  try {
    if (type === 'merge') next = mergePatch(live, patch);
    else if (type === 'json') next = jsonPatch(live, patch);
    else if (type === 'strategic') next = strategicMergePatch(live, patch);
    else return result('', `error: --type must be one of [json merge strategic], not "${type}"\n`);
  } catch (e) {
    return result('', `The request is invalid: ${(e as Error).message}\n`);
  }
  try {
    const after = ctx.cluster.update(next as Obj);
    const changed = after.metadata.resourceVersion !== live.metadata.resourceVersion;
    return result(`${qualifiedSingular(t.r)}/${t.name} patched${changed ? '' : ' (no change)'}\n`, '');
  } catch (e) {
    return result('', apiErrorText(e));
  }
}

export function runScale(p: ParsedArgs, ctx: KubectlContext): Out {
  const t = target(p);
  if ('error' in t) return result('', t.error);
  const replicas = flag(p, 'replicas');
  if (replicas === undefined || !/^\d+$/.test(replicas))
    return result('', 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n');
  if (t.r.kind !== 'Deployment' && t.r.kind !== 'ReplicaSet')
    return result('', `error: no objects passed to scale ${qualifiedResource(t.r)} "${t.name}"\n`);
  const ns = namespaceOf(p, ctx);
  const live = ctx.cluster.get(t.r.kind, ns, t.name) as Deployment | undefined;
  if (!live) return result('', apiErrorText(notFound(qualifiedResource(t.r), t.name)));
  live.spec.replicas = Number(replicas);
  try {
    ctx.cluster.update(live);
  } catch (e) {
    return result('', apiErrorText(e));
  }
  return result(`${qualifiedSingular(t.r)}/${t.name} scaled\n`, '');
}

export function runExpose(p: ParsedArgs, ctx: KubectlContext): Out {
  const t = target(p);
  if ('error' in t) return result('', t.error);
  const ns = namespaceOf(p, ctx);
  const live = ctx.cluster.get(t.r.kind, ns, t.name);
  if (!live) return result('', apiErrorText(notFound(qualifiedResource(t.r), t.name)));
  let selector: Record<string, string> | undefined;
  let port = flag(p, 'port');
  if (t.r.kind === 'Deployment' || t.r.kind === 'ReplicaSet') {
    const d = live as Deployment;
    selector = d.spec.selector.matchLabels;
    port ??= d.spec.template.spec.containers[0]?.ports?.[0]?.containerPort?.toString();
  } else if (t.r.kind === 'Pod') {
    selector = live.metadata.labels;
    port ??= (
      live as unknown as { spec: Deployment['spec']['template']['spec'] }
    ).spec.containers[0]?.ports?.[0]?.containerPort?.toString();
  } else if (t.r.kind === 'Service') {
    selector = (live.spec as { selector?: Record<string, string> }).selector;
  } else return result('', `error: cannot expose a ${t.r.kind}\n`);
  if (port === undefined)
    return result(
      '',
      `error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n`,
    );
  const targetPort = flag(p, 'target-port');
  const svc: Obj = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: flag(p, 'name') ?? t.name,
      namespace: ns,
      ...(live.metadata.labels ? { labels: live.metadata.labels } : {}),
    },
    spec: {
      ports: [
        {
          port: Number(port),
          protocol: flag(p, 'protocol') ?? 'TCP',
          targetPort:
            targetPort === undefined ? Number(port) : /^\d+$/.test(targetPort) ? Number(targetPort) : targetPort,
        },
      ],
      selector,
      ...(flag(p, 'type') ? { type: flag(p, 'type') } : {}),
    },
  };
  try {
    const o = ctx.cluster.create(svc);
    return result(`service/${o.metadata.name} exposed\n`, '');
  } catch (e) {
    return result('', e instanceof ApiError ? apiErrorText(e) : String(e));
  }
}
