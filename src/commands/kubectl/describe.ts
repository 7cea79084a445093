/**
 * `kubectl describe` for pods, services, deployments, nodes and config maps, following
 * pkg/describe's describers line by line: a prefix writer (two spaces a level) into a tabwriter
 * with padding 2, so the same tab-separated lines align as they do on a real cluster. The cluster
 * keeps no Events, so every describe ends in `Events: <none>`.
 */
import { qualifiedResource, type ResourceType } from '../../engine/k8s/api/resources.ts';
import { formatLabelSelector } from '../../engine/k8s/api/selector.ts';
import type {
  ConfigMap,
  Container,
  Deployment,
  Endpoints,
  KObject,
  Node,
  Pod,
  ReplicaSet,
  Service,
  Toleration,
} from '../../engine/k8s/api/types.ts';
import type { ParsedArgs } from './args.ts';
import { age, rfc1123z, tabwrite } from './format.ts';
import { resolveRequests } from './get.ts';
import { type KubectlContext, namespaceOf, type Out } from './index.ts';
import { formatEndpoints, nodeRoles } from './printers.ts';

type Obj = Record<string, unknown>;

class PrefixWriter {
  text = '';
  write(level: number, s: string): void {
    this.text += '  '.repeat(level) + s;
  }
}

const sorted = (m: Record<string, string> | undefined) => Object.keys(m ?? {}).sort();

function labels(w: PrefixWriter, title: string, m: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = sorted(m);
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((k, i) => {
    w.write(0, `${i === 0 ? '' : '\t'}${k}=${m?.[k]}\n`);
  });
}

function annotations(w: PrefixWriter, title: string, m: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = sorted(m).filter((k) => k !== 'kubectl.kubernetes.io/last-applied-configuration');
  if (keys.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  keys.forEach((k, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = (m?.[k] ?? '').replace(/\n$/, '');
    if (value.length + k.length + 2 > 140 || value.includes('\n')) {
      w.write(0, `${k}:\n`);
      for (const s of value.split('\n')) w.write(0, `\t  ${s.length > 138 ? `${s.slice(0, 138)}...` : s}\n`);
    } else w.write(0, `${k}: ${value}\n`);
  });
}

function tolerations(w: PrefixWriter, title: string, list: Toleration[] | undefined): void {
  w.write(0, `${title}:\t`);
  const ts = [...(list ?? [])].sort((a, b) =>
    (a.key ?? '') < (b.key ?? '') ? -1 : (a.key ?? '') > (b.key ?? '') ? 1 : 0,
  );
  if (ts.length === 0) {
    w.write(0, '<none>\n');
    return;
  }
  ts.forEach((t, i) => {
    let s = i === 0 ? '' : '\t';
    s += t.key ?? '';
    if (t.value) s += `=${t.value}`;
    if (t.effect) s += `:${t.effect}`;
    if (t.operator === 'Exists' && !t.value) s += t.key || t.effect ? ' op=Exists' : 'op=Exists';
    const secs = (t as Toleration & { tolerationSeconds?: number }).tolerationSeconds;
    if (secs !== undefined) s += ` for ${secs}s`;
    w.write(0, `${s}\n`);
  });
}

type FullContainer = Container & { volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] };

function containers(
  w: PrefixWriter,
  label: string,
  list: FullContainer[],
  statuses: Pod['status']['containerStatuses'],
  space: string,
): void {
  w.write(0, `${space}${label}:\n`);
  for (const c of list) {
    const st = statuses?.find((s) => s.name === c.name);
    w.write(1, `${space === '' ? '' : ' '}${c.name}:\n`);
    if (st) w.write(2, `Container ID:\t${st.containerID}\n`);
    w.write(2, `Image:\t${c.image}\n`);
    if (st) w.write(2, `Image ID:\t${st.imageID}\n`);
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(',');
    const hostPorts = (c.ports ?? []).map((p) => `${p.hostPort ?? 0}/${p.protocol ?? 'TCP'}`).join(',');
    w.write(2, ports.includes(',') ? `Ports:\t${ports}\n` : `Port:\t${ports || '<none>'}\n`);
    w.write(2, hostPorts.includes(',') ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${hostPorts || '<none>'}\n`);
    for (const [title, words] of [
      ['Command', c.command],
      ['Args', c.args],
    ] as const) {
      if (!words || words.length === 0) continue;
      w.write(2, `${title}:\n`);
      for (const word of words) for (const s of word.split('\n')) w.write(3, `${s}\n`);
    }
    if (st) {
      if (st.state.running) {
        w.write(2, 'State:\tRunning\n');
        w.write(3, `Started:\t${rfc1123z(st.state.running.startedAt)}\n`);
      } else if (st.state.waiting) {
        w.write(2, 'State:\tWaiting\n');
        w.write(3, `Reason:\t${st.state.waiting.reason}\n`);
      }
      w.write(2, `Ready:\t${st.ready ? 'True' : 'False'}\n`);
      w.write(2, `Restart Count:\t${st.restartCount}\n`);
    }
    const env = c.env ?? [];
    w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
    for (const e of env) {
      const parts = (e.value ?? '').split('\n');
      parts.forEach((s, i) => {
        w.write(3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`);
      });
    }
    const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => (a.mountPath < b.mountPath ? -1 : 1));
    w.write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
    for (const m of mounts) w.write(3, `${m.mountPath} from ${m.name} (${m.readOnly ? 'ro' : 'rw'})\n`);
  }
}

function volumes(w: PrefixWriter, list: Obj[] | undefined, space: string): void {
  if (!list || list.length === 0) {
    w.write(0, `${space}Volumes:\t<none>\n`);
    return;
  }
  w.write(0, `${space}Volumes:\n`);
  for (const v of list) {
    w.write(1, `${space === '' ? '' : ' '}${String(v.name)}:\n`);
    const projected = v.projected as { sources?: Obj[] } | undefined;
    if (projected) {
      w.write(2, 'Type:\tProjected (a volume that contains injected data from multiple sources)\n');
      for (const s of projected.sources ?? []) {
        if (s.downwardAPI) w.write(2, 'DownwardAPI:\ttrue\n');
        else if (s.configMap) {
          const cm = s.configMap as { name: string; optional?: boolean };
          w.write(
            2,
            `ConfigMapName:\t${cm.name}\n    ConfigMapOptional:\t${cm.optional === undefined ? '<nil>' : String(cm.optional)}\n`,
          );
        } else if (s.serviceAccountToken)
          w.write(2, `TokenExpirationSeconds:\t${(s.serviceAccountToken as Obj).expirationSeconds}\n`);
      }
    } else if (v.configMap) {
      const cm = v.configMap as { name: string; optional?: boolean };
      w.write(2, 'Type:\tConfigMap (a volume populated by a ConfigMap)\n');
      w.write(2, `Name:\t${cm.name}\n`);
      w.write(2, `Optional:\t${String(cm.optional ?? false)}\n`);
    } else if (v.emptyDir) {
      w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n");
      w.write(2, 'Medium:\t\n');
      w.write(2, 'SizeLimit:\t<unset>\n');
    } else if (v.hostPath) {
      const hp = v.hostPath as { path: string; type?: string };
      w.write(2, 'Type:\tHostPath (bare host directory volume)\n');
      w.write(2, `Path:\t${hp.path}\n`);
      w.write(2, `HostPathType:\t${hp.type ?? ''}\n`);
    }
  }
}

function controller(o: KObject): string {
  const ref = o.metadata.ownerReferences?.find((r) => r.controller);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

function describePod(p: Pod, w: PrefixWriter): void {
  const spec = p.spec as Pod['spec'] & { priority?: number; volumes?: Obj[]; containers: FullContainer[] };
  w.write(0, `Name:\t${p.metadata.name}\n`);
  w.write(0, `Namespace:\t${p.metadata.namespace}\n`);
  if (spec.priority !== undefined) w.write(0, `Priority:\t${spec.priority}\n`);
  if (spec.serviceAccountName) w.write(0, `Service Account:\t${spec.serviceAccountName}\n`);
  w.write(0, spec.nodeName ? `Node:\t${spec.nodeName}/${p.status.hostIP ?? ''}\n` : 'Node:\t<none>\n');
  if (p.status.startTime) w.write(0, `Start Time:\t${rfc1123z(p.status.startTime)}\n`);
  labels(w, 'Labels', p.metadata.labels);
  annotations(w, 'Annotations', p.metadata.annotations);
  w.write(0, `Status:\t${p.status.phase}\n`);
  w.write(0, `IP:\t${p.status.podIP ?? ''}\n`);
  const ips = p.status.podIPs ?? [];
  if (ips.length === 0) w.write(0, 'IPs:\t<none>\n');
  else {
    w.write(0, 'IPs:\n');
    for (const ip of ips) w.write(1, `IP:\t${ip.ip}\n`);
  }
  const by = controller(p);
  if (by) w.write(0, `Controlled By:\t${by}\n`);
  if (spec.initContainers?.length)
    containers(w, 'Init Containers', spec.initContainers, p.status.containerStatuses, '');
  containers(w, 'Containers', spec.containers, p.status.containerStatuses, '');
  const conds = p.status.conditions ?? [];
  if (conds.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\n');
    for (const c of conds) w.write(1, `${c.type} \t${c.status} \n`);
  }
  volumes(w, spec.volumes, '');
  w.write(0, `QoS Class:\t${p.status.qosClass ?? 'BestEffort'}\n`);
  labels(w, 'Node-Selectors', spec.nodeSelector);
  tolerations(w, 'Tolerations', spec.tolerations);
}

function describeService(s: Service, ep: Endpoints | undefined, w: PrefixWriter): void {
  const spec = s.spec;
  w.write(0, `Name:\t${s.metadata.name}\n`);
  w.write(0, `Namespace:\t${s.metadata.namespace}\n`);
  labels(w, 'Labels', s.metadata.labels);
  annotations(w, 'Annotations', s.metadata.annotations);
  const sel = sorted(spec.selector)
    .map((k) => `${k}=${spec.selector?.[k]}`)
    .join(',');
  w.write(0, `Selector:\t${sel === '' ? '<none>' : sel}\n`);
  w.write(0, `Type:\t${spec.type}\n`);
  if (spec.ipFamilyPolicy) w.write(0, `IP Family Policy:\t${spec.ipFamilyPolicy}\n`);
  w.write(0, `IP Families:\t${spec.ipFamilies?.length ? spec.ipFamilies.join(',') : '<none>'}\n`);
  w.write(0, `IP:\t${spec.clusterIP ?? ''}\n`);
  w.write(0, `IPs:\t${spec.clusterIPs?.length ? spec.clusterIPs.join(',') : '<none>'}\n`);
  if (spec.externalIPs?.length) w.write(0, `External IPs:\t${spec.externalIPs.join(',')}\n`);
  if (spec.loadBalancerIP) w.write(0, `IP:\t${spec.loadBalancerIP}\n`);
  if (spec.externalName) w.write(0, `External Name:\t${spec.externalName}\n`);
  const ingress = s.status?.loadBalancer?.ingress ?? [];
  if (ingress.length > 0) w.write(0, `LoadBalancer Ingress:\t${ingress.map((i) => i.ip ?? i.hostname).join(', ')}\n`);
  for (const p of spec.ports ?? []) {
    const name = p.name || '<unset>';
    w.write(0, `Port:\t${name}\t${p.port}/${p.protocol}\n`);
    w.write(0, `TargetPort:\t${p.targetPort}/${p.protocol}\n`);
    if (p.nodePort) w.write(0, `NodePort:\t${name}\t${p.nodePort}/${p.protocol}\n`);
    w.write(0, `Endpoints:\t${ep ? formatEndpoints(ep, p.name ?? '') : '<none>'}\n`);
  }
  w.write(0, `Session Affinity:\t${spec.sessionAffinity ?? 'None'}\n`);
  if (spec.externalTrafficPolicy) w.write(0, `External Traffic Policy:\t${spec.externalTrafficPolicy}\n`);
  if (spec.internalTrafficPolicy) w.write(0, `Internal Traffic Policy:\t${spec.internalTrafficPolicy}\n`);
  if (spec.healthCheckNodePort) w.write(0, `HealthCheck NodePort:\t${spec.healthCheckNodePort}\n`);
  if (spec.loadBalancerSourceRanges?.length)
    w.write(0, `LoadBalancer Source Ranges:\t${spec.loadBalancerSourceRanges.join(',')}\n`);
}

function rsList(list: ReplicaSet[]): string {
  if (list.length === 0) return '<none>';
  return list
    .map((rs) => `${rs.metadata.name} (${Number(rs.status.replicas) || 0}/${rs.spec.replicas} replicas created)`)
    .join(', ');
}

function describeDeployment(d: Deployment, owned: ReplicaSet[], w: PrefixWriter): void {
  const st = d.status;
  const n = (k: string) => Number(st[k]) || 0;
  w.write(0, `Name:\t${d.metadata.name}\n`);
  w.write(0, `Namespace:\t${d.metadata.namespace}\n`);
  w.write(0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
  labels(w, 'Labels', d.metadata.labels);
  annotations(w, 'Annotations', d.metadata.annotations);
  w.write(0, `Selector:\t${formatLabelSelector(d.spec.selector)}\n`);
  w.write(
    0,
    `Replicas:\t${d.spec.replicas} desired | ${n('updatedReplicas')} updated | ${n('replicas')} total | ${n('availableReplicas')} available | ${n('unavailableReplicas')} unavailable\n`,
  );
  const strategy = (d.spec.strategy ?? {}) as {
    type?: string;
    rollingUpdate?: { maxUnavailable?: unknown; maxSurge?: unknown };
  };
  w.write(0, `StrategyType:\t${strategy.type ?? ''}\n`);
  w.write(0, `MinReadySeconds:\t${Number((d.spec as Obj).minReadySeconds) || 0}\n`);
  if (strategy.rollingUpdate)
    w.write(
      0,
      `RollingUpdateStrategy:\t${String(strategy.rollingUpdate.maxUnavailable)} max unavailable, ${String(strategy.rollingUpdate.maxSurge)} max surge\n`,
    );
  const t = d.spec.template;
  const tspec = t.spec as Deployment['spec']['template']['spec'] & { volumes?: Obj[]; containers: FullContainer[] };
  w.write(0, 'Pod Template:\n');
  labels(w, '  Labels', t.metadata.labels);
  if (t.metadata.annotations && Object.keys(t.metadata.annotations).length > 0)
    annotations(w, '  Annotations', t.metadata.annotations);
  if (tspec.serviceAccountName) w.write(1, `Service Account:\t${tspec.serviceAccountName}\n`);
  if (tspec.initContainers?.length) containers(w, 'Init Containers', tspec.initContainers, undefined, '  ');
  containers(w, 'Containers', tspec.containers, undefined, '  ');
  volumes(w, tspec.volumes, '  ');
  labels(w, '  Node-Selectors', tspec.nodeSelector);
  tolerations(w, '  Tolerations', tspec.tolerations);
  const conds = (st.conditions ?? []) as { type: string; status: string; reason: string }[];
  if (conds.length > 0) {
    w.write(0, 'Conditions:\n  Type\tStatus\tReason\n');
    w.write(1, '----\t------\t------\n');
    for (const c of conds) w.write(1, `${c.type} \t${c.status}\t${c.reason}\n`);
  }
  const hash = (rs: ReplicaSet) => rs.metadata.labels?.['pod-template-hash'];
  const current = owned.find(
    (rs) =>
      JSON.stringify({ ...rs.spec.template.metadata.labels, 'pod-template-hash': undefined }) ===
        JSON.stringify({ ...t.metadata.labels, 'pod-template-hash': undefined }) &&
      rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ===
        d.metadata.annotations?.['deployment.kubernetes.io/revision'],
  );
  const old = owned.filter((rs) => rs !== current && hash(rs) !== undefined && (Number(rs.status.replicas) || 0) > 0);
  w.write(0, `OldReplicaSets:\t${rsList(old)}\n`);
  w.write(0, `NewReplicaSet:\t${rsList(current ? [current] : [])}\n`);
}

function describeConfigMap(c: ConfigMap & { binaryData?: Record<string, string> }, w: PrefixWriter): void {
  w.write(0, `Name:\t${c.metadata.name}\n`);
  w.write(0, `Namespace:\t${c.metadata.namespace}\n`);
  labels(w, 'Labels', c.metadata.labels);
  annotations(w, 'Annotations', c.metadata.annotations);
  w.write(0, '\nData\n====\n');
  for (const k of sorted(c.data)) w.write(0, `${k}:\n----\n${c.data?.[k] ?? ''}\n`);
  w.write(0, '\nBinaryData\n====\n');
  for (const k of sorted(c.binaryData))
    w.write(0, `${k}: ${Math.floor(((c.binaryData?.[k] ?? '').length * 3) / 4)} bytes\n`);
  w.write(0, '\n');
}

function describeNode(n: Node, pods: Pod[], now: number, w: PrefixWriter): void {
  w.write(0, `Name:\t${n.metadata.name}\n`);
  w.write(0, `Roles:\t${nodeRoles(n)}\n`);
  labels(w, 'Labels', n.metadata.labels);
  annotations(w, 'Annotations', n.metadata.annotations);
  w.write(0, `CreationTimestamp:\t${rfc1123z(n.metadata.creationTimestamp)}\n`);
  const taints = n.spec.taints ?? [];
  if (taints.length === 0) w.write(0, 'Taints:\t<none>\n');
  else
    taints.forEach((t, i) => {
      w.write(0, `${i === 0 ? 'Taints:' : ''}\t${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}\n`);
    });
  w.write(0, `Unschedulable:\t${n.spec.unschedulable ? 'true' : 'false'}\n`);
  w.write(0, 'Lease:\n');
  w.write(1, `HolderIdentity:\t${n.metadata.name}\n`);
  w.write(1, 'AcquireTime:\t<unset>\n');
  w.write(1, `RenewTime:\t${rfc1123z(new Date(now).toISOString())}\n`);
  w.write(0, 'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n');
  w.write(0, '  ----\t------\t-----------------\t------------------\t------\t-------\n');
  for (const c of n.status.conditions)
    w.write(
      1,
      `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t${rfc1123z(c.lastTransitionTime)} \t${c.reason} \t${c.message}\n`,
    );
  w.write(0, 'Addresses:\n');
  for (const a of n.status.addresses) w.write(1, `${a.type}:\t${a.address}\n`);
  for (const [title, res] of [
    ['Capacity', n.status.capacity],
    ['Allocatable', n.status.allocatable],
  ] as const) {
    w.write(0, `${title}:\n`);
    for (const k of sorted(res)) w.write(1, `${k}:\t${res[k]}\n`);
  }
  const info = n.status.nodeInfo;
  w.write(0, 'System Info:\n');
  w.write(0, `  Machine ID:\t${info.machineID}\n`);
  w.write(0, `  System UUID:\t${info.systemUUID}\n`);
  w.write(0, `  Boot ID:\t${info.bootID}\n`);
  w.write(0, `  Kernel Version:\t${info.kernelVersion}\n`);
  w.write(0, `  OS Image:\t${info.osImage}\n`);
  w.write(0, `  Operating System:\t${info.operatingSystem}\n`);
  w.write(0, `  Architecture:\t${info.architecture}\n`);
  w.write(0, `  Container Runtime Version:\t${info.containerRuntimeVersion}\n`);
  w.write(0, `  Kubelet Version:\t${info.kubeletVersion}\n`);
  if (info.kubeProxyVersion) w.write(0, `  Kube-Proxy Version:\t${info.kubeProxyVersion}\n`);
  if (n.spec.podCIDR) w.write(0, `PodCIDR:\t${n.spec.podCIDR}\n`);
  if (n.spec.podCIDRs?.length) w.write(0, `PodCIDRs:\t${n.spec.podCIDRs.join(',')}\n`);
  const providerID = (n.spec as Obj).providerID;
  if (providerID) w.write(0, `ProviderID:\t${String(providerID)}\n`);
  w.write(0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(1, 'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n');
  w.write(1, '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n');
  for (const p of pods)
    w.write(
      1,
      `${p.metadata.namespace}\t${p.metadata.name}\t\t0 (0%)\t0 (0%)\t0 (0%)\t0 (0%)\t${age(p.metadata.creationTimestamp, now)}\n`,
    );
  w.write(0, 'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n');
  w.write(1, 'Resource\tRequests\tLimits\n');
  w.write(1, '--------\t--------\t------\n');
  for (const r of ['cpu', 'memory', 'ephemeral-storage', 'hugepages-1Gi', 'hugepages-2Mi'])
    w.write(1, `${r}\t0 (0%)\t0 (0%)\n`);
}

function describeGeneric(o: KObject, w: PrefixWriter): void {
  w.write(0, `Name:\t${o.metadata.name}\n`);
  if (o.metadata.namespace) w.write(0, `Namespace:\t${o.metadata.namespace}\n`);
  labels(w, 'Labels', o.metadata.labels);
  annotations(w, 'Annotations', o.metadata.annotations);
}

export function describeObject(o: KObject, ctx: KubectlContext): string {
  const w = new PrefixWriter();
  const cluster = ctx.cluster;
  const ns = o.metadata.namespace ?? '';
  switch (o.kind) {
    case 'Pod':
      describePod(o as Pod, w);
      break;
    case 'Service':
      describeService(o as Service, cluster.get('Endpoints', ns, o.metadata.name) as Endpoints | undefined, w);
      break;
    case 'Deployment': {
      const owned = (cluster.list('ReplicaSet', ns) as ReplicaSet[]).filter((rs) =>
        rs.metadata.ownerReferences?.some((r) => r.uid === o.metadata.uid),
      );
      describeDeployment(o as Deployment, owned, w);
      break;
    }
    case 'ConfigMap':
      describeConfigMap(o as ConfigMap, w);
      break;
    case 'Node': {
      const pods = (cluster.list('Pod') as Pod[]).filter((p) => p.spec.nodeName === o.metadata.name);
      describeNode(o as Node, pods, cluster.clock.millis, w);
      break;
    }
    default:
      describeGeneric(o, w);
  }
  w.write(0, 'Events:\t<none>\n');
  return tabwrite(w.text, 0, 2);
}

export function runDescribe(p: ParsedArgs, ctx: KubectlContext): Out {
  const reqs = resolveRequests(p.positional.slice(1));
  if ('error' in reqs) return { stdout: '', stderr: reqs.error, code: 1 };
  if (reqs.length === 0)
    return {
      stdout: '',
      stderr:
        'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete list of supported resources.\n\nerror: Required resource not specified.\nSee \'kubectl describe -h\' for help and examples\n',
      code: 1,
    };
  const ns = namespaceOf(p, ctx);
  const outs: string[] = [];
  let stderr = '';
  for (const r of reqs) {
    const scope = (rt: ResourceType) => (rt.namespaced ? ns : undefined);
    const all = ctx.cluster.list(r.resource.kind, scope(r.resource));
    if (r.names.length === 0) {
      for (const o of all) outs.push(describeObject(o, ctx));
      if (all.length === 0) stderr += `No resources found in ${ns} namespace.\n`;
      continue;
    }
    for (const name of r.names) {
      const exact = all.find((o) => o.metadata.name === name);
      const found = exact ? [exact] : all.filter((o) => o.metadata.name.startsWith(name));
      if (found.length === 0)
        stderr += `Error from server (NotFound): ${qualifiedResource(r.resource)} "${name}" not found\n`;
      for (const o of found) outs.push(describeObject(o, ctx));
    }
  }
  return {
    stdout: outs.join('\n\n'),
    stderr,
    code: stderr !== '' && outs.length === 0 ? 1 : stderr.includes('Error') ? 1 : 0,
  };
}
