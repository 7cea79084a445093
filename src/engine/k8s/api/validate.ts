/**
 * What the API server rejects: unknown fields (strict decoding, as kubectl's default
 * --validate=strict asks for) and the per-kind validation of pkg/apis/<group>/validation, with
 * apimachinery's field-error texts.
 */
import { field, type StatusCause } from './errors.ts';

/** A field schema: `true` accepts any value; an object lists the known fields; `[s]` is a list of s. */
export type Schema = true | { [field: string]: Schema } | [Schema];

const any = true as const;
const map = true as const;

const objectMeta: Schema = {
  name: any,
  generateName: any,
  namespace: any,
  labels: map,
  annotations: map,
  uid: any,
  resourceVersion: any,
  generation: any,
  creationTimestamp: any,
  deletionTimestamp: any,
  deletionGracePeriodSeconds: any,
  ownerReferences: any,
  finalizers: any,
  managedFields: any,
  selfLink: any,
};

const labelSelector: Schema = {
  matchLabels: map,
  matchExpressions: [{ key: any, operator: any, values: any }],
};

const container: Schema = {
  name: any,
  image: any,
  command: any,
  args: any,
  workingDir: any,
  ports: [{ name: any, hostPort: any, containerPort: any, protocol: any, hostIP: any }],
  envFrom: any,
  env: [{ name: any, value: any, valueFrom: any }],
  resources: { limits: map, requests: map, claims: any },
  resizePolicy: any,
  restartPolicy: any,
  volumeMounts: any,
  volumeDevices: any,
  livenessProbe: any,
  readinessProbe: any,
  startupProbe: any,
  lifecycle: any,
  terminationMessagePath: any,
  terminationMessagePolicy: any,
  imagePullPolicy: any,
  securityContext: any,
  stdin: any,
  stdinOnce: any,
  tty: any,
};

const podSpec: Schema = {
  volumes: any,
  initContainers: [container],
  containers: [container],
  ephemeralContainers: any,
  restartPolicy: any,
  terminationGracePeriodSeconds: any,
  activeDeadlineSeconds: any,
  dnsPolicy: any,
  nodeSelector: map,
  serviceAccountName: any,
  serviceAccount: any,
  automountServiceAccountToken: any,
  nodeName: any,
  hostNetwork: any,
  hostPID: any,
  hostIPC: any,
  shareProcessNamespace: any,
  securityContext: any,
  imagePullSecrets: any,
  hostname: any,
  subdomain: any,
  affinity: any,
  schedulerName: any,
  tolerations: [{ key: any, operator: any, value: any, effect: any, tolerationSeconds: any }],
  hostAliases: any,
  priorityClassName: any,
  priority: any,
  dnsConfig: any,
  readinessGates: any,
  runtimeClassName: any,
  enableServiceLinks: any,
  preemptionPolicy: any,
  overhead: any,
  topologySpreadConstraints: any,
  setHostnameAsFQDN: any,
  os: any,
  hostUsers: any,
  schedulingGates: any,
  resourceClaims: any,
};

const top = (spec: Schema, extra: Record<string, Schema> = {}): Schema => ({
  apiVersion: any,
  kind: any,
  metadata: objectMeta,
  spec,
  status: any,
  ...extra,
});

const deploymentSpec: Schema = {
  replicas: any,
  selector: labelSelector,
  template: { metadata: objectMeta, spec: podSpec },
  strategy: { type: any, rollingUpdate: { maxUnavailable: any, maxSurge: any } },
  minReadySeconds: any,
  revisionHistoryLimit: any,
  paused: any,
  progressDeadlineSeconds: any,
};

const peer: Schema = {
  podSelector: labelSelector,
  namespaceSelector: labelSelector,
  ipBlock: { cidr: any, except: any },
};
const npPort: Schema = { protocol: any, port: any, endPort: any };

export const SCHEMAS: Record<string, Schema> = {
  Pod: top(podSpec),
  Deployment: top(deploymentSpec),
  ReplicaSet: top({
    replicas: any,
    minReadySeconds: any,
    selector: labelSelector,
    template: { metadata: objectMeta, spec: podSpec },
  }),
  Service: top({
    ports: [{ name: any, protocol: any, appProtocol: any, port: any, targetPort: any, nodePort: any }],
    selector: map,
    clusterIP: any,
    clusterIPs: any,
    type: any,
    externalIPs: any,
    sessionAffinity: any,
    loadBalancerIP: any,
    loadBalancerSourceRanges: any,
    externalName: any,
    externalTrafficPolicy: any,
    healthCheckNodePort: any,
    publishNotReadyAddresses: any,
    sessionAffinityConfig: { clientIP: { timeoutSeconds: any } },
    ipFamilies: any,
    ipFamilyPolicy: any,
    allocateLoadBalancerNodePorts: any,
    loadBalancerClass: any,
    internalTrafficPolicy: any,
    trafficDistribution: any,
  }),
  ConfigMap: { apiVersion: any, kind: any, metadata: objectMeta, data: map, binaryData: map, immutable: any },
  Namespace: top({ finalizers: any }),
  Node: top(any),
  Endpoints: { apiVersion: any, kind: any, metadata: objectMeta, subsets: any },
  EndpointSlice: { apiVersion: any, kind: any, metadata: objectMeta, addressType: any, endpoints: any, ports: any },
  NetworkPolicy: top({
    podSelector: labelSelector,
    policyTypes: any,
    ingress: [{ from: [peer], ports: [npPort] }],
    egress: [{ to: [peer], ports: [npPort] }],
  }),
};

/** Unknown fields in document order, as `spec.template.spec.containers[0].imagee`. */
export function unknownFields(value: unknown, schema: Schema, path = ''): string[] {
  if (schema === true || value === null || typeof value !== 'object') return [];
  if (Array.isArray(schema)) {
    if (!Array.isArray(value)) return [];
    const [elem] = schema;
    return value.flatMap((v, i) => unknownFields(v, elem, `${path}[${i}]`));
  }
  if (Array.isArray(value)) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = path === '' ? k : `${path}.${k}`;
    const sub = schema[k];
    if (sub === undefined) out.push(p);
    else out.push(...unknownFields(v, sub, p));
  }
  return out;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/** metadata.name rules: Services and Namespaces take labels, the rest subdomains. */
export function validateName(kind: string, name: string): StatusCause[] {
  if (name === '') return [field.required('metadata.name', 'name or generateName is required')];
  if (kind === 'Service')
    return DNS1035_LABEL.test(name) && name.length <= 63 ? [] : [field.invalid('metadata.name', name, DNS1035_MSG)];
  if (kind === 'Namespace')
    return DNS1123_LABEL.test(name) && name.length <= 63 ? [] : [field.invalid('metadata.name', name, LABEL_MSG)];
  return DNS1123_SUBDOMAIN.test(name) && name.length <= 253
    ? []
    : [field.invalid('metadata.name', name, SUBDOMAIN_MSG)];
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);

function portRange(path: string, v: unknown): StatusCause[] {
  if (v === undefined || v === 0) return [field.required(path)];
  if (typeof v !== 'number' || v < 1 || v > 65535)
    return [field.invalid(path, v, 'must be between 1 and 65535, inclusive')];
  return [];
}

export function validatePodSpec(spec: Obj, path: string): StatusCause[] {
  const errs: StatusCause[] = [];
  const containers = asList(spec.containers);
  if (containers.length === 0) errs.push(field.required(`${path}.containers`));
  const seen = new Set<string>();
  containers.forEach((c, i) => {
    const cp = `${path}.containers[${i}]`;
    const name = typeof c.name === 'string' ? c.name : '';
    if (name === '') errs.push(field.required(`${cp}.name`));
    else if (!DNS1123_LABEL.test(name)) errs.push(field.invalid(`${cp}.name`, name, LABEL_MSG));
    else if (seen.has(name)) errs.push(field.duplicate(`${cp}.name`, name));
    seen.add(name);
    if (typeof c.image !== 'string' || c.image === '') errs.push(field.required(`${cp}.image`));
    asList(c.ports).forEach((p, j) => {
      errs.push(...portRange(`${cp}.ports[${j}].containerPort`, p.containerPort));
      if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(p.protocol)))
        errs.push(field.unsupported(`${cp}.ports[${j}].protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    });
  });
  if (spec.restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(String(spec.restartPolicy)))
    errs.push(field.unsupported(`${path}.restartPolicy`, spec.restartPolicy, ['Always', 'OnFailure', 'Never']));
  return errs;
}

/** Go's %#v of a map[string]string, as validation messages print label maps. */
function goMap(m: Record<string, unknown>): string {
  const keys = Object.keys(m).sort();
  return `map[string]string{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(String(m[k]))}`).join(', ')}}`;
}

export function validateDeployment(d: Obj): StatusCause[] {
  const spec = asObj(d.spec);
  const errs: StatusCause[] = [];
  const selector = spec.selector === undefined ? undefined : asObj(spec.selector);
  const template = asObj(spec.template);
  const labels = asObj(asObj(template.metadata).labels) as Record<string, string>;
  const mismatch = field.invalidGo(
    'spec.template.metadata.labels',
    goMap(labels),
    '`selector` does not match template `labels`',
  );
  if (selector === undefined) errs.push(field.required('spec.selector'), mismatch);
  else {
    const ml = asObj(selector.matchLabels);
    if (!Object.entries(ml).every(([k, v]) => labels[k] === v)) errs.push(mismatch);
  }
  if (typeof spec.replicas === 'number' && spec.replicas < 0)
    errs.push(field.invalid('spec.replicas', spec.replicas, 'must be greater than or equal to 0'));
  errs.push(...validatePodSpec(asObj(template.spec), 'spec.template.spec'));
  return errs;
}

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** ValidateService without allocation (node ports and cluster IPs are checked by the allocators). */
export function validateService(svc: Obj): StatusCause[] {
  const spec = asObj(svc.spec);
  const errs: StatusCause[] = [];
  const type = spec.type === undefined ? 'ClusterIP' : String(spec.type);
  if (!SERVICE_TYPES.includes(type)) return [field.unsupported('spec.type', spec.type, SERVICE_TYPES)];
  const ports = asList(spec.ports);
  if (type === 'ExternalName') {
    if (typeof spec.externalName !== 'string' || spec.externalName === '')
      errs.push(field.required('spec.externalName'));
  } else if (ports.length === 0 && spec.clusterIP !== 'None') errs.push(field.required('spec.ports'));
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    const name = typeof p.name === 'string' ? p.name : '';
    if (ports.length > 1 && name === '') errs.push(field.required(`${pp}.name`));
    if (name !== '') {
      if (!DNS1123_LABEL.test(name)) errs.push(field.invalid(`${pp}.name`, name, LABEL_MSG));
      else if (names.has(name)) errs.push(field.duplicate(`${pp}.name`, name));
      names.add(name);
    }
    errs.push(...portRange(`${pp}.port`, p.port));
    if (p.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(String(p.protocol)))
      errs.push(field.unsupported(`${pp}.protocol`, p.protocol, ['SCTP', 'TCP', 'UDP']));
    if (typeof p.targetPort === 'number' && (p.targetPort < 1 || p.targetPort > 65535))
      errs.push(field.invalid(`${pp}.targetPort`, p.targetPort, 'must be between 1 and 65535, inclusive'));
    if (p.nodePort !== undefined && p.nodePort !== 0 && type === 'ClusterIP')
      errs.push(field.forbidden(`${pp}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
  });
  if (spec.sessionAffinity !== undefined && !['ClientIP', 'None'].includes(String(spec.sessionAffinity)))
    errs.push(field.unsupported('spec.sessionAffinity', spec.sessionAffinity, ['ClientIP', 'None']));
  const etp = spec.externalTrafficPolicy;
  if (etp !== undefined) {
    if (type !== 'NodePort' && type !== 'LoadBalancer')
      errs.push(
        field.invalid('spec.externalTrafficPolicy', etp, "may only be set when `type` is 'NodePort' or 'LoadBalancer'"),
      );
    else if (!['Cluster', 'Local'].includes(String(etp)))
      errs.push(field.unsupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
  }
  const itp = spec.internalTrafficPolicy;
  if (itp !== undefined && !['Cluster', 'Local'].includes(String(itp)))
    errs.push(field.unsupported('spec.internalTrafficPolicy', itp, ['Cluster', 'Local']));
  return errs;
}

export function validateNetworkPolicy(np: Obj): StatusCause[] {
  const spec = asObj(np.spec);
  const errs: StatusCause[] = [];
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes : [];
  types.forEach((t, i) => {
    if (t !== 'Ingress' && t !== 'Egress')
      errs.push(field.unsupported(`spec.policyTypes[${i}]`, t, ['Egress', 'Ingress']));
  });
  return errs;
}
