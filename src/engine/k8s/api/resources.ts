/**
 * The API resources this cluster serves, as discovery lists them (`kubectl api-resources`):
 * names, short names, group/version and scope. kubectl resolves what a learner types against it.
 */

export interface ResourceType {
  kind: string;
  /** The plural resource name (`pods`). */
  plural: string;
  singular: string;
  shortNames: string[];
  group: string;
  version: string;
  namespaced: boolean;
}

export const RESOURCES: readonly ResourceType[] = [
  {
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    shortNames: ['cm'],
    group: '',
    version: 'v1',
    namespaced: true,
  },
  {
    kind: 'Endpoints',
    plural: 'endpoints',
    singular: 'endpoints',
    shortNames: ['ep'],
    group: '',
    version: 'v1',
    namespaced: true,
  },
  {
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    group: '',
    version: 'v1',
    namespaced: false,
  },
  { kind: 'Node', plural: 'nodes', singular: 'node', shortNames: ['no'], group: '', version: 'v1', namespaced: false },
  { kind: 'Pod', plural: 'pods', singular: 'pod', shortNames: ['po'], group: '', version: 'v1', namespaced: true },
  {
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    group: '',
    version: 'v1',
    namespaced: true,
  },
  {
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    group: 'apps',
    version: 'v1',
    namespaced: true,
  },
  {
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    shortNames: ['rs'],
    group: 'apps',
    version: 'v1',
    namespaced: true,
  },
  {
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    singular: 'endpointslice',
    shortNames: [],
    group: 'discovery.k8s.io',
    version: 'v1',
    namespaced: true,
  },
  {
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    shortNames: ['netpol'],
    group: 'networking.k8s.io',
    version: 'v1',
    namespaced: true,
  },
];

export function apiVersionOf(r: ResourceType): string {
  return r.group === '' ? r.version : `${r.group}/${r.version}`;
}

/** `pod`, `deployment.apps`: how kubectl names a resource in `created`/`deleted` lines. */
export function qualifiedSingular(r: ResourceType): string {
  return r.group === '' ? r.singular : `${r.singular}.${r.group}`;
}

/** `pods`, `deployments.apps`: how API errors name a resource. */
export function qualifiedResource(r: ResourceType): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

export function resourceForKind(kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

/** The resource for a manifest's apiVersion and kind, as the REST mapper resolves it. */
export function resourceForGvk(apiVersion: string, kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind && apiVersionOf(r) === apiVersion);
}

/**
 * What kubectl accepts on its command line: plural, singular, short name or kind, any case, with
 * an optional `.group` (`deployments.apps`, `deploy.apps`).
 */
export function resolveResource(text: string): ResourceType | undefined {
  const lower = text.toLowerCase();
  for (const r of RESOURCES) {
    const names = [r.plural, r.singular, r.kind.toLowerCase(), ...r.shortNames];
    for (const n of names) {
      if (lower === n) return r;
      if (r.group !== '' && lower === `${n}.${r.group}`) return r;
      if (lower === `${n}.${r.version}.${r.group}` || (r.group === '' && lower === `${n}.${r.version}`)) return r;
    }
  }
  return undefined;
}
