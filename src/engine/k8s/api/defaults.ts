/**
 * The API server's defaulting (pkg/apis/<group>/v1/defaults.go and the admission plugins that add
 * fields), applied to a manifest before it is stored. Allocation (cluster IPs, node ports) is not
 * here; see allocators.ts.
 */
import type { JsonObject } from './types.ts';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj) : [];
}

/** The tag docker's reference parser gives an image; an untagged image is `latest`. */
function imageTag(image: string): string {
  if (image.includes('@')) return '';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : 'latest';
}

function defaultContainer(c: Obj): void {
  if (c.imagePullPolicy === undefined)
    c.imagePullPolicy = imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of list(c.ports)) p.protocol ??= 'TCP';
}

/** SetDefaults_PodSpec plus SetDefaults_Container for every container. */
export function defaultPodSpec(spec: Obj): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  for (const c of [...list(spec.containers), ...list(spec.initContainers)]) defaultContainer(c);
}

/**
 * What a Pod gains beyond its template: SetDefaults_Pod, the ServiceAccount admission plugin's
 * token volume and the DefaultTolerationSeconds plugin's tolerations.
 */
export function defaultPod(pod: Obj, volumeSuffix: string): void {
  const spec = obj(pod.spec);
  pod.spec = spec;
  defaultPodSpec(spec);
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  spec.priority ??= 0;
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  const tolerations = list(spec.tolerations);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key))
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
  const hasToken = list(spec.volumes).some((v) => String(v.name).startsWith('kube-api-access-'));
  if (spec.automountServiceAccountToken !== false && !hasToken) {
    const volume = `kube-api-access-${volumeSuffix}`;
    spec.volumes = [...list(spec.volumes), serviceAccountVolume(volume)];
    for (const c of list(spec.containers)) {
      c.volumeMounts = [
        ...list(c.volumeMounts),
        { name: volume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
      ];
    }
  }
}

function serviceAccountVolume(name: string): JsonObject {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

/** apps/v1 SetDefaults_Deployment (and the template's pod spec). */
export function defaultDeployment(d: Obj): void {
  const spec = obj(d.spec);
  d.spec = spec;
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  const strategy = obj(spec.strategy);
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = obj(strategy.rollingUpdate);
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
    strategy.rollingUpdate = ru;
  }
  spec.strategy = strategy;
  const template = obj(spec.template);
  spec.template = template;
  const tmeta = obj(template.metadata);
  template.metadata = tmeta;
  tmeta.creationTimestamp ??= null;
  const tspec = obj(template.spec);
  template.spec = tspec;
  defaultPodSpec(tspec);
}

/** core/v1 SetDefaults_Service without allocation. */
export function defaultService(svc: Obj): void {
  const spec = obj(svc.spec);
  svc.spec = spec;
  spec.type ??= 'ClusterIP';
  if (spec.type === 'ExternalName') {
    spec.sessionAffinity ??= 'None';
    return;
  }
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = obj(spec.sessionAffinityConfig);
    const cip = obj(cfg.clientIP);
    cip.timeoutSeconds ??= 10800;
    cfg.clientIP = cip;
    spec.sessionAffinityConfig = cfg;
  }
  for (const p of list(spec.ports)) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.clusterIP !== 'None' || spec.ipFamilies === undefined) spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  svc.status = { loadBalancer: {} };
}

/** networking/v1 SetDefaults_NetworkPolicy: policyTypes and port protocols. */
export function defaultNetworkPolicy(np: Obj): void {
  const spec = obj(np.spec);
  np.spec = spec;
  if (spec.policyTypes === undefined) {
    const types = ['Ingress'];
    if (Array.isArray(spec.egress)) types.push('Egress');
    spec.policyTypes = types;
  }
  for (const rule of [...list(spec.ingress), ...list(spec.egress)])
    for (const p of list(rule.ports)) p.protocol ??= 'TCP';
}

export function defaultNamespace(ns: Obj): void {
  const meta = obj(ns.metadata);
  meta.labels = { ...obj(meta.labels), 'kubernetes.io/metadata.name': String(meta.name ?? '') } as JsonObject;
  ns.spec = { finalizers: ['kubernetes'] };
  ns.status = { phase: 'Active' };
}
