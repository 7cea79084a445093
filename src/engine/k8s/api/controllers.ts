/**
 * The control loops that turn declared objects into running ones, each a pure pass over the store:
 * garbage collection, Deployment → ReplicaSet, ReplicaSet → Pods, the scheduler, the kubelet's pod
 * status (with the CNI's IPAM), and the Endpoints and EndpointSlice controllers. The cluster runs
 * them in order until a pass changes nothing. Pods start at once: the labs' clock does not wait
 * for images.
 */
import type { ControllerSurface } from './cluster.ts';
import { podTemplateHash } from './hash.ts';
import { mapMatches } from './selector.ts';
import type {
  Deployment,
  EndpointAddress,
  EndpointSlice,
  EndpointSubset,
  Endpoints,
  KObject,
  Node,
  OwnerReference,
  Pod,
  ReplicaSet,
  Service,
} from './types.ts';

type Obj = Record<string, unknown>;

export function reconcileOnce(api: ControllerSurface): void {
  collectGarbage(api);
  syncDeployments(api);
  syncReplicaSets(api);
  schedule(api);
  runKubelets(api);
  syncEndpoints(api);
  syncEndpointSlices(api);
}

function controllerOf(o: KObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller === true);
}

function ownerRef(o: KObject): OwnerReference {
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    name: o.metadata.name,
    uid: o.metadata.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Background cascading deletion: whatever lost its owners goes too. */
function collectGarbage(api: ControllerSurface): void {
  for (const kind of ['ReplicaSet', 'Pod', 'EndpointSlice']) {
    for (const o of api.list(kind)) {
      const refs = o.metadata.ownerReferences ?? [];
      if (refs.length > 0 && refs.every((r) => !api.uidExists(r.uid))) api.remove(o);
    }
  }
}

function maxSurge(d: Deployment): number {
  const v = (d.spec.strategy?.rollingUpdate as Obj | undefined)?.maxSurge;
  if (d.spec.strategy?.type === 'Recreate') return 0;
  if (typeof v === 'number') return v;
  const pct = typeof v === 'string' && v.endsWith('%') ? Number(v.slice(0, -1)) : 25;
  return Math.ceil((d.spec.replicas * pct) / 100);
}

function maxUnavailable(d: Deployment): number {
  const v = (d.spec.strategy?.rollingUpdate as Obj | undefined)?.maxUnavailable;
  if (d.spec.strategy?.type === 'Recreate') return d.spec.replicas;
  if (typeof v === 'number') return v;
  const pct = typeof v === 'string' && v.endsWith('%') ? Number(v.slice(0, -1)) : 25;
  return Math.floor((d.spec.replicas * pct) / 100);
}

function templateWithoutHash(rs: ReplicaSet): string {
  const t = structuredClone(rs.spec.template);
  if (t.metadata.labels) {
    delete t.metadata.labels['pod-template-hash'];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  return JSON.stringify(t);
}

function condition(
  old: Obj[] | undefined,
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
): Obj {
  const prev = old?.find((c) => c.type === type);
  const same = prev?.status === status;
  const unchanged = same && prev?.reason === reason && prev?.message === message;
  return {
    type,
    status,
    lastUpdateTime: unchanged ? prev?.lastUpdateTime : now,
    lastTransitionTime: same ? prev?.lastTransitionTime : now,
    reason,
    message,
  };
}

/** Rolls a Deployment onto the ReplicaSet of its current template (at once: pods are ready at birth). */
function syncDeployments(api: ControllerSurface): void {
  for (const d of api.list('Deployment') as Deployment[]) {
    const ns = d.metadata.namespace ?? 'default';
    const owned = (api.list('ReplicaSet', ns) as ReplicaSet[]).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const wanted = JSON.stringify(d.spec.template);
    let current = owned.find((rs) => templateWithoutHash(rs) === wanted);
    const revisions = owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0));
    const maxRevision = Math.max(0, ...revisions);
    const collisionCount = typeof d.status.collisionCount === 'number' ? d.status.collisionCount : undefined;
    const replicas = d.spec.replicas;
    const annotations = (revision: number) => ({
      'deployment.kubernetes.io/desired-replicas': String(replicas),
      'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge(d)),
      'deployment.kubernetes.io/revision': String(revision),
    });
    if (!current) {
      const hash = podTemplateHash(d.spec.template, collisionCount);
      const name = `${d.metadata.name}-${hash}`;
      if (api.get('ReplicaSet', ns, name)) {
        d.status = { ...d.status, collisionCount: (collisionCount ?? 0) + 1 };
        api.put(d);
        continue;
      }
      const labels = { ...d.spec.template.metadata.labels, 'pod-template-hash': hash };
      const template = structuredClone(d.spec.template);
      template.metadata.labels = labels;
      const selector = structuredClone(d.spec.selector);
      selector.matchLabels = { ...selector.matchLabels, 'pod-template-hash': hash };
      current = api.admit({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name,
          namespace: ns,
          labels,
          annotations: annotations(maxRevision + 1),
          ownerReferences: [ownerRef(d)],
        },
        spec: { replicas, selector, template },
      }) as ReplicaSet;
    } else {
      const rev = current.metadata.annotations?.['deployment.kubernetes.io/revision'];
      const isLatest = Number(rev ?? 0) === maxRevision;
      current.metadata.annotations = {
        ...current.metadata.annotations,
        ...annotations(isLatest ? maxRevision : maxRevision + 1),
      };
      current.spec.replicas = replicas;
      api.put(current);
    }
    for (const rs of owned) {
      if (rs.metadata.uid === current.metadata.uid || rs.spec.replicas === 0) continue;
      rs.spec.replicas = 0;
      api.put(rs);
    }
    const all = (api.list('ReplicaSet', ns) as ReplicaSet[]).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
    const now = api.now;
    const sum = (f: string) => all.reduce((n, rs) => n + (Number(rs.status[f]) || 0), 0);
    const cur = all.find((rs) => rs.metadata.uid === current?.metadata.uid);
    const total = sum('replicas');
    const available = sum('availableReplicas');
    const ready = sum('readyReplicas');
    const updated = Number(cur?.status.replicas) || 0;
    const revision = cur?.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '1';
    d.metadata.annotations = { ...d.metadata.annotations, 'deployment.kubernetes.io/revision': revision };
    const old = d.status.conditions as Obj[] | undefined;
    const availableOk = available >= replicas - maxUnavailable(d);
    const complete = updated === replicas && total === replicas && available === replicas;
    const rsName = cur?.metadata.name ?? '';
    const status: Obj = { observedGeneration: d.metadata.generation ?? 1 };
    if (total > 0) status.replicas = total;
    if (updated > 0) status.updatedReplicas = updated;
    if (ready > 0) status.readyReplicas = ready;
    if (available > 0) status.availableReplicas = available;
    if (replicas - available > 0) status.unavailableReplicas = replicas - available;
    if (d.status.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
    status.conditions = [
      availableOk
        ? condition(old, 'Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', now)
        : condition(
            old,
            'Available',
            'False',
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
            now,
          ),
      complete
        ? condition(
            old,
            'Progressing',
            'True',
            'NewReplicaSetAvailable',
            `ReplicaSet "${rsName}" has successfully progressed.`,
            now,
          )
        : condition(old, 'Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`, now),
    ];
    d.status = status;
    api.put(d);
  }
}

function isReady(p: Pod): boolean {
  return p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Keeps each ReplicaSet's pod count; surplus pods go in kube's order (co-located, newest first). */
function syncReplicaSets(api: ControllerSurface): void {
  for (const rs of api.list('ReplicaSet') as ReplicaSet[]) {
    const ns = rs.metadata.namespace ?? 'default';
    let pods = (api.list('Pod', ns) as Pod[]).filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
    const want = rs.spec.replicas;
    for (let i = pods.length; i < want; i++) {
      const t = rs.spec.template;
      pods.push(
        api.admit({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            generateName: `${rs.metadata.name}-`,
            namespace: ns,
            ...(t.metadata.labels ? { labels: t.metadata.labels } : {}),
            ...(t.metadata.annotations ? { annotations: t.metadata.annotations } : {}),
            ownerReferences: [ownerRef(rs)],
          },
          spec: structuredClone(t.spec),
        }) as Pod,
      );
    }
    if (pods.length > want) {
      const onNode = (p: Pod) => pods.filter((q) => q.spec.nodeName && q.spec.nodeName === p.spec.nodeName).length;
      const ranked = [...pods].sort((a, b) => {
        const aa = a.spec.nodeName ? 1 : 0;
        const ba = b.spec.nodeName ? 1 : 0;
        if (aa !== ba) return aa - ba;
        const ar = isReady(a) ? 1 : 0;
        const br = isReady(b) ? 1 : 0;
        if (ar !== br) return ar - br;
        if (onNode(a) !== onNode(b)) return onNode(b) - onNode(a);
        if (a.metadata.creationTimestamp !== b.metadata.creationTimestamp)
          return a.metadata.creationTimestamp > b.metadata.creationTimestamp ? -1 : 1;
        return a.metadata.name > b.metadata.name ? -1 : 1;
      });
      const doomed = new Set(ranked.slice(0, pods.length - want).map((p) => p.metadata.uid));
      for (const p of pods) if (doomed.has(p.metadata.uid)) api.remove(p);
      pods = pods.filter((p) => !doomed.has(p.metadata.uid));
    }
    const fresh = pods.map((p) => (api.get('Pod', ns, p.metadata.name) as Pod | undefined) ?? p);
    const ready = fresh.filter(isReady).length;
    const status: Obj = { replicas: fresh.length };
    if (fresh.length > 0) status.fullyLabeledReplicas = fresh.length;
    if (ready > 0) {
      status.readyReplicas = ready;
      status.availableReplicas = ready;
    }
    status.observedGeneration = rs.metadata.generation ?? 1;
    rs.status = status;
    api.put(rs);
  }
}

function internalIP(n: Node): string | undefined {
  return n.status.addresses.find((a) => a.type === 'InternalIP')?.address;
}

function tolerates(p: Pod, taint: { key: string; value?: string; effect: string }): boolean {
  return (p.spec.tolerations ?? []).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return t.key === undefined || t.key === '' || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** kube-scheduler: filters (taints, nodeSelector, readiness), then spread over the least-loaded nodes. */
function schedule(api: ControllerSurface): void {
  const nodes = api.list('Node') as Node[];
  for (const pod of api.list('Pod') as Pod[]) {
    if (pod.spec.nodeName) continue;
    const reasons = new Map<string, number>();
    const note = (r: string) => reasons.set(r, (reasons.get(r) ?? 0) + 1);
    const feasible = nodes.filter((n) => {
      if (n.spec.unschedulable) {
        note('node(s) were unschedulable');
        return false;
      }
      const taint = (n.spec.taints ?? []).find(
        (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod, t),
      );
      if (taint) {
        note(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
        return false;
      }
      if (!mapMatches(pod.spec.nodeSelector ?? {}, n.metadata.labels)) {
        note("node(s) didn't match Pod's node affinity/selector");
        return false;
      }
      return true;
    });
    if (feasible.length === 0) {
      const parts = [...reasons.entries()].map(([r, c]) => `${c} ${r}`).sort();
      const message = `0/${nodes.length} nodes are available: ${parts.join(', ')}. preemption: 0/${nodes.length} nodes are available: ${nodes.length} Preemption is not helpful for scheduling.`;
      const prev = pod.status.conditions?.find((c) => c.type === 'PodScheduled');
      pod.status = {
        phase: 'Pending',
        qosClass: pod.status.qosClass ?? 'BestEffort',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            lastProbeTime: null,
            lastTransitionTime: prev?.lastTransitionTime ?? api.now,
            reason: 'Unschedulable',
            message,
          } as never,
        ],
      };
      api.put(pod);
      continue;
    }
    const all = api.list('Pod') as Pod[];
    const owner = controllerOf(pod)?.uid;
    const load = (n: Node) => {
      const here = all.filter((p) => p.spec.nodeName === n.metadata.name);
      return [here.filter((p) => owner !== undefined && controllerOf(p)?.uid === owner).length, here.length] as const;
    };
    const scored = feasible.map((n) => ({ n, l: load(n) }));
    const best = scored.reduce(
      (m, s) => (s.l[0] < m[0] || (s.l[0] === m[0] && s.l[1] < m[1]) ? s.l : m),
      scored[0]?.l ?? [0, 0],
    );
    const ties = scored.filter((s) => s.l[0] === best[0] && s.l[1] === best[1]);
    const chosen = ties[api.rng.int(0, ties.length - 1)]?.n;
    if (!chosen) continue;
    pod.spec.nodeName = chosen.metadata.name;
    pod.status = {
      ...pod.status,
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: api.now }],
    };
    api.put(pod);
  }
}

/** docker.io/library/nginx:latest: the image reference containerd reports. */
export function normalizeImage(image: string): string {
  let name = image;
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const lastSlash = name.lastIndexOf('/');
  if (!name.includes('@') && name.lastIndexOf(':') < lastSlash) name += ':latest';
  return name;
}

/** The kubelet and the CNI: an IP from the node's IPAM, containers running, conditions true. */
function runKubelets(api: ControllerSurface): void {
  for (const pod of api.list('Pod') as Pod[]) {
    if (!pod.spec.nodeName || pod.status.phase !== 'Pending') continue;
    const node = api.get('Node', '', pod.spec.nodeName) as Node | undefined;
    if (!node) continue;
    const hostIP = internalIP(node) ?? '';
    const podIP = pod.spec.hostNetwork ? hostIP : api.cluster.ipam.allocate(node, pod);
    if (podIP === undefined) continue;
    const now = api.now;
    const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
    const scheduled = pod.status.conditions?.find((c) => c.type === 'PodScheduled') ?? cond('PodScheduled');
    const spec = pod.spec as Pod['spec'] & { containers: (Obj & { name: string; image: string })[] };
    pod.status = {
      phase: 'Running',
      conditions: [
        cond('PodReadyToStartContainers'),
        cond('Initialized'),
        cond('Ready'),
        cond('ContainersReady'),
        scheduled,
      ],
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: now,
      qosClass: 'BestEffort',
      containerStatuses: [...spec.containers]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((c) => {
          const image = normalizeImage(c.image);
          const repo = image.replace(/[:@][^/]*$/, '');
          const mounts = ((c.volumeMounts as Obj[] | undefined) ?? []).map((m) => ({
            mountPath: m.mountPath,
            name: m.name,
            ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}),
          }));
          return {
            containerID: `containerd://${api.containerId()}`,
            image,
            imageID: `${repo}@sha256:${api.imageDigest(image)}`,
            lastState: {},
            name: c.name,
            ready: true,
            restartCount: 0,
            started: true,
            state: { running: { startedAt: now } },
            ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
          } as never;
        }),
    };
    api.put(pod);
  }
}

interface Backend {
  pod: Pod;
  ready: boolean;
  ports: { name: string; port: number; protocol: string }[];
}

/** Pods behind a Service, with the ports its targetPorts resolve to on each (named ports per pod). */
function backends(api: ControllerSurface, svc: Service): Backend[] {
  const ns = svc.metadata.namespace ?? 'default';
  const sel = svc.spec.selector ?? {};
  const out: Backend[] = [];
  for (const pod of api.list('Pod', ns) as Pod[]) {
    if (!mapMatches(sel, pod.metadata.labels) || !pod.status.podIP) continue;
    if (pod.status.phase === 'Succeeded' || pod.status.phase === 'Failed') continue;
    const ports: Backend['ports'] = [];
    for (const sp of svc.spec.ports ?? []) {
      let port: number | undefined;
      if (typeof sp.targetPort === 'number') port = sp.targetPort;
      else
        port = pod.spec.containers
          .flatMap((c) => c.ports ?? [])
          .find((cp) => cp.name === sp.targetPort && (cp.protocol ?? 'TCP') === sp.protocol)?.containerPort;
      if (port !== undefined) ports.push({ name: sp.name ?? '', port, protocol: sp.protocol });
    }
    out.push({ pod, ready: isReady(pod), ports });
  }
  return out.sort((a, b) => ((a.pod.status.podIP ?? '') < (b.pod.status.podIP ?? '') ? -1 : 1));
}

function selects(svc: Service): boolean {
  return (
    svc.spec.type !== 'ExternalName' && svc.spec.selector !== undefined && Object.keys(svc.spec.selector).length > 0
  );
}

const TRIGGER = 'endpoints.kubernetes.io/last-change-trigger-time';

function addressOf(b: Backend): EndpointAddress {
  return {
    ip: b.pod.status.podIP ?? '',
    nodeName: b.pod.spec.nodeName,
    targetRef: {
      kind: 'Pod',
      name: b.pod.metadata.name,
      namespace: b.pod.metadata.namespace ?? 'default',
      uid: b.pod.metadata.uid,
    },
  };
}

/** The Endpoints controller (subsets grouped by port set, addresses by IP) and the apiserver's own. */
function syncEndpoints(api: ControllerSurface): void {
  const services = api.list('Service') as Service[];
  for (const svc of services) {
    const ns = svc.metadata.namespace ?? 'default';
    let subsets: EndpointSubset[];
    if (ns === 'default' && svc.metadata.name === 'kubernetes') {
      subsets = [
        { addresses: [{ ip: api.cluster.apiServerAddress }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
      ];
    } else if (selects(svc)) {
      const groups = new Map<string, EndpointSubset>();
      for (const b of backends(api, svc)) {
        if (b.ports.length === 0 && (svc.spec.ports ?? []).length > 0) continue;
        const k = JSON.stringify(b.ports);
        const g: EndpointSubset = groups.get(k) ?? {
          ports: b.ports.map((p) => (p.name === '' ? { port: p.port, protocol: p.protocol } : p)),
        };
        if (b.ready) g.addresses = [...(g.addresses ?? []), addressOf(b)];
        else g.notReadyAddresses = [...(g.notReadyAddresses ?? []), addressOf(b)];
        groups.set(k, g);
      }
      subsets = [...groups.values()].map((g) => (g.ports?.length === 0 ? { ...g, ports: undefined } : g));
    } else continue;
    const existing = api.get('Endpoints', ns, svc.metadata.name) as Endpoints | undefined;
    const labels = {
      ...svc.metadata.labels,
      ...(svc.spec.clusterIP === 'None' ? { 'service.kubernetes.io/headless': '' } : {}),
    };
    const body = JSON.stringify(subsets.length > 0 ? subsets : undefined);
    if (
      existing &&
      JSON.stringify(existing.subsets) === body &&
      JSON.stringify(existing.metadata.labels ?? {}) === JSON.stringify(labels)
    )
      continue;
    const subsetsField = subsets.length > 0 ? { subsets: JSON.parse(JSON.stringify(subsets)) as EndpointSubset[] } : {};
    const isApiserver = ns === 'default' && svc.metadata.name === 'kubernetes';
    const annotations = isApiserver ? undefined : { [TRIGGER]: api.now };
    if (existing) {
      const next: Endpoints = { ...existing, ...subsetsField };
      if (subsets.length === 0) delete next.subsets;
      next.metadata = { ...existing.metadata, ...(Object.keys(labels).length > 0 ? { labels } : {}) };
      if (annotations) next.metadata.annotations = { ...existing.metadata.annotations, ...annotations };
      api.put(next);
    } else {
      api.admit({
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: {
          name: svc.metadata.name,
          namespace: ns,
          ...(Object.keys(labels).length > 0 ? { labels } : {}),
          ...(annotations ? { annotations } : {}),
        },
        ...subsetsField,
      });
    }
  }
  for (const ep of api.list('Endpoints') as Endpoints[]) {
    const managed = ep.metadata.annotations?.[TRIGGER] !== undefined;
    if (
      managed &&
      !services.some((s) => s.metadata.name === ep.metadata.name && s.metadata.namespace === ep.metadata.namespace)
    )
      api.remove(ep);
  }
}

const MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
const SERVICE_NAME = 'kubernetes.io/service-name';

/** The EndpointSlice controller: one IPv4 slice per Service (the labs stay far below 100 endpoints). */
function syncEndpointSlices(api: ControllerSurface): void {
  for (const svc of api.list('Service') as Service[]) {
    const ns = svc.metadata.namespace ?? 'default';
    const isApiserver = ns === 'default' && svc.metadata.name === 'kubernetes';
    if (!isApiserver && !selects(svc)) continue;
    const slices = (api.list('EndpointSlice', ns) as EndpointSlice[]).filter(
      (s) => s.metadata.labels?.[SERVICE_NAME] === svc.metadata.name,
    );
    let endpoints: EndpointSlice['endpoints'];
    let ports: EndpointSlice['ports'];
    if (isApiserver) {
      endpoints = [{ addresses: [api.cluster.apiServerAddress], conditions: { ready: true } }];
      ports = [{ name: 'https', port: 6443, protocol: 'TCP' }];
    } else {
      const bs = backends(api, svc).filter((b) => b.ports.length > 0 || (svc.spec.ports ?? []).length === 0);
      endpoints = bs.map((b) => ({
        addresses: [b.pod.status.podIP ?? ''],
        conditions: { ready: b.ready, serving: b.ready, terminating: false },
        nodeName: b.pod.spec.nodeName,
        targetRef: {
          kind: 'Pod',
          name: b.pod.metadata.name,
          namespace: ns,
          uid: b.pod.metadata.uid,
        },
      }));
      ports = bs[0]?.ports ?? null;
    }
    const labels: Record<string, string> = isApiserver
      ? { [SERVICE_NAME]: 'kubernetes' }
      : {
          ...svc.metadata.labels,
          [MANAGED_BY]: 'endpointslice-controller.k8s.io',
          [SERVICE_NAME]: svc.metadata.name,
          ...(svc.spec.clusterIP === 'None' ? { 'service.kubernetes.io/headless': '' } : {}),
        };
    const existing = slices[0];
    const body = { addressType: 'IPv4' as const, endpoints: endpoints.length > 0 ? endpoints : null, ports };
    if (existing) {
      const same =
        JSON.stringify(existing.endpoints) === JSON.stringify(body.endpoints) &&
        JSON.stringify(existing.ports) === JSON.stringify(body.ports) &&
        JSON.stringify(existing.metadata.labels) === JSON.stringify(labels);
      if (same) continue;
      const next = { ...existing, ...body } as unknown as EndpointSlice;
      next.metadata = { ...existing.metadata, labels };
      if (!isApiserver) next.metadata.annotations = { ...existing.metadata.annotations, [TRIGGER]: api.now };
      next.metadata.generation = (existing.metadata.generation ?? 1) + 1;
      api.put(next);
    } else {
      api.admit({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          ...(isApiserver ? { name: 'kubernetes' } : { generateName: `${svc.metadata.name}-` }),
          namespace: ns,
          labels,
          ...(isApiserver ? {} : { annotations: { [TRIGGER]: api.now }, ownerReferences: [ownerRef(svc)] }),
          generation: 1,
        },
        ...body,
      });
    }
  }
}
