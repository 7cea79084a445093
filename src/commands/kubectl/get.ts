/** `kubectl get`: resolving what was asked for, then the table, name, json, yaml, jsonpath or custom-columns printer. */

import {
  qualifiedResource,
  qualifiedSingular,
  type ResourceType,
  resolveResource,
} from '../../engine/k8s/api/resources.ts';
import { matches, parseSelector } from '../../engine/k8s/api/selector.ts';
import type { KObject } from '../../engine/k8s/api/types.ts';
import { bool, flag, type ParsedArgs } from './args.ts';
import { table, toJson, toYaml } from './format.ts';
import { type KubectlContext, namespaceOf, type Out } from './index.ts';
import { JsonPathError, jsonpath, selectValues } from './jsonpath.ts';
import { tableRows } from './printers.ts';

interface Request {
  resource: ResourceType;
  names: string[];
}

const ALL = ['pods', 'services', 'deployments', 'replicasets'];

/** Splits `po,svc name` and `pod/a svc/b` forms; an unknown type is kubectl's error text. */
export function resolveRequests(positional: string[]): Request[] | { error: string } {
  if (positional.length === 0) return [];
  const out: Request[] = [];
  if (positional.some((a) => a.includes('/'))) {
    for (const a of positional) {
      const slash = a.indexOf('/');
      if (slash < 0)
        return {
          error: `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n`,
        };
      const r = resolveResource(a.slice(0, slash));
      if (!r) return { error: `error: the server doesn't have a resource type "${a.slice(0, slash)}"\n` };
      const prev = out.find((q) => q.resource === r);
      if (prev) prev.names.push(a.slice(slash + 1));
      else out.push({ resource: r, names: [a.slice(slash + 1)] });
    }
    return out;
  }
  const [types = '', ...names] = positional;
  for (const t of types.split(',').filter((x) => x !== '')) {
    for (const name of t === 'all' ? ALL : [t]) {
      const r = resolveResource(name);
      if (!r) return { error: `error: the server doesn't have a resource type "${name}"\n` };
      if (!out.some((q) => q.resource === r)) out.push({ resource: r, names: [...names] });
    }
  }
  return out;
}

/** Go's %v of a decoded JSON value, as custom-columns prints cells. */
function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function customColumns(spec: string, objects: KObject[], noHeaders: boolean): Out {
  const cols = spec.split(',').map((c) => {
    const colon = c.indexOf(':');
    return colon < 0 ? undefined : { header: c.slice(0, colon), path: c.slice(colon + 1) };
  });
  if (cols.some((c) => c === undefined))
    return {
      stdout: '',
      stderr: `error: unexpected custom-columns spec: ${spec}, expected <header>:<json-path-expr>\n`,
      code: 1,
    };
  const defs = cols as { header: string; path: string }[];
  const rows = objects.map((o) =>
    defs.map((c) => {
      const vals = selectValues(c.path, o);
      return vals.length === 0 ? '<none>' : vals.map(goValue).join(',');
    }),
  );
  return { stdout: table(noHeaders ? rows : [defs.map((c) => c.header), ...rows]), stderr: '', code: 0 };
}

function listOf(items: KObject[]): unknown {
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}

export function runGet(p: ParsedArgs, ctx: KubectlContext): Out {
  const cluster = ctx.cluster;
  const reqs = resolveRequests(p.positional.slice(1));
  if ('error' in reqs) return { stdout: '', stderr: reqs.error, code: 1 };
  if (reqs.length === 0) {
    return {
      stdout: '',
      stderr:
        'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).\nSee \'kubectl get -h\' for help and examples\n',
      code: 1,
    };
  }
  const allNs = bool(p, 'all-namespaces');
  const ns = namespaceOf(p, ctx);
  if (allNs && reqs.some((r) => r.names.length > 0))
    return { stdout: '', stderr: 'error: a resource cannot be retrieved by name across all namespaces\n', code: 1 };
  const selText = flag(p, 'selector');
  const sel = selText === undefined ? [] : parseSelector(selText);
  if ('error' in sel) return { stdout: '', stderr: `error: ${sel.error}\n`, code: 1 };

  let stderr = '';
  const groups: { resource: ResourceType; objects: KObject[] }[] = [];
  for (const r of reqs) {
    const scopeNs = r.resource.namespaced ? (allNs ? undefined : ns) : undefined;
    if (r.names.length > 0) {
      const found: KObject[] = [];
      for (const name of r.names) {
        const o = cluster.get(r.resource.kind, scopeNs ?? '', name);
        if (o) found.push(o);
        else if (!bool(p, 'ignore-not-found'))
          stderr += `Error from server (NotFound): ${qualifiedResource(r.resource)} "${name}" not found\n`;
      }
      groups.push({ resource: r.resource, objects: found });
    } else {
      const objects = cluster.list(r.resource.kind, scopeNs).filter((o) => matches(sel, o.metadata.labels));
      groups.push({ resource: r.resource, objects });
    }
  }
  const all = groups.flatMap((g) => g.objects);
  const code = stderr === '' ? 0 : 1;
  const output = flag(p, 'output') ?? '';
  const single = reqs.length === 1 && reqs[0]?.names.length === 1;

  if (output === 'yaml' || output === 'json') {
    if (all.length === 0 && single) return { stdout: '', stderr, code };
    const value = single ? all[0] : listOf(all);
    return { stdout: output === 'yaml' ? toYaml(value) : toJson(value), stderr, code };
  }
  if (output === 'name') {
    const lines = groups.flatMap((g) => g.objects.map((o) => `${qualifiedSingular(g.resource)}/${o.metadata.name}\n`));
    return { stdout: lines.join(''), stderr, code };
  }
  if (output.startsWith('jsonpath=') || output.startsWith('jsonpath-as-json=')) {
    const tpl = output.slice(output.indexOf('=') + 1);
    try {
      return { stdout: jsonpath(tpl, single ? all[0] : listOf(all)), stderr, code };
    } catch (e) {
      const msg = e instanceof JsonPathError ? e.message : String(e);
      return {
        stdout: '',
        stderr: `${stderr}error: error executing jsonpath "${tpl}": Error executing template: ${msg}. Printing more information for debugging the template:\n`,
        code: 1,
      };
    }
  }
  if (output.startsWith('custom-columns=')) {
    const out = customColumns(output.slice('custom-columns='.length), all, bool(p, 'no-headers'));
    return { ...out, stderr: stderr + out.stderr, code: out.code || code };
  }
  if (output !== '' && output !== 'wide') {
    return {
      stdout: '',
      stderr: `error: unable to match a printer suitable for the output format "${output}", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n`,
      code: 1,
    };
  }

  if (all.length === 0) {
    if (stderr === '')
      stderr =
        allNs || !reqs.every((r) => r.resource.namespaced)
          ? 'No resources found\n'
          : `No resources found in ${ns} namespace.\n`;
    return { stdout: '', stderr, code };
  }
  const withKind = new Set(groups.filter((g) => g.objects.length > 0).map((g) => g.resource.kind)).size > 1;
  const tables: string[] = [];
  for (const g of groups) {
    if (g.objects.length === 0) continue;
    const rows = tableRows(g.resource.kind, g.objects, {
      now: cluster.clock.millis,
      wide: output === 'wide',
      withNamespace: allNs && g.resource.namespaced,
      kindPrefix: withKind ? `${qualifiedSingular(g.resource)}/` : '',
      showLabels: bool(p, 'show-labels'),
    });
    tables.push(table(bool(p, 'no-headers') ? rows.slice(1) : rows));
  }
  return { stdout: tables.join('\n'), stderr, code };
}
