/**
 * `kubectl get`'s tables: the columns pkg/printers/internalversion prints per kind (with `-o wide`
 * extras), plus the NAMESPACE, kind-prefixed NAME and LABELS decorations.
 */
import { formatLabelSelector, formatLabels } from '../../engine/k8s/api/selector.ts';
import type {
  ConfigMap,
  Deployment,
  EndpointSlice,
  Endpoints,
  KObject,
  NetworkPolicy,
  Node,
  Pod,
  ReplicaSet,
  Service,
} from '../../engine/k8s/api/types.ts';
import { age } from './format.ts';

export interface PrintOptions {
  now: number;
  wide: boolean;
}

type Columns = {
  headers: string[];
  wide: string[];
  row: (o: KObject, opt: PrintOptions) => { cells: string[]; wide: string[] };
};

function podStatus(p: Pod): string {
  if (p.metadata.deletionTimestamp) return 'Terminating';
  const waiting = p.status.containerStatuses?.find((c) => c.state.waiting)?.state.waiting?.reason;
  if (waiting) return waiting;
  if (p.status.phase === 'Pending' && p.spec.nodeName) return 'ContainerCreating';
  return p.status.phase;
}

export function podReady(p: Pod): string {
  const total = p.spec.containers.length;
  const ready = (p.status.containerStatuses ?? []).filter((c) => c.ready).length;
  return `${ready}/${total}`;
}

function none(s: string | undefined): string {
  return s === undefined || s === '' ? '<none>' : s;
}

/** The PORT(S) column: `80/TCP`, `9000:31662/TCP`, joined by commas. */
export function servicePorts(s: Service): string {
  const ports = s.spec.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol}` : `${p.port}/${p.protocol}`)).join(',');
}

export function externalIP(s: Service): string {
  const ext = s.spec.externalIPs ?? [];
  switch (s.spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length > 0 ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? i.hostname ?? '');
      const all = [...lb, ...ext];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return s.spec.externalName ?? '<none>';
  }
  return '<unknown>';
}

/** formatEndpoints: the first three ip:port pairs, then `+ N more...`. */
export function formatEndpoints(e: Endpoints, portName?: string): string {
  const subsets = e.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === 3) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ss.ports ?? []) {
      if (portName !== undefined && (p.name ?? '') !== portName) continue;
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === 3) {
          more = true;
          break;
        }
        list.push(`${a.ip}:${p.port}`);
      }
    }
  }
  const ret = list.join(',');
  return more ? `${ret} + ${count - 3} more...` : ret;
}

export function nodeRoles(n: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(n.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return roles.size === 0 ? '<none>' : [...roles].sort().join(',');
}

export function nodeStatus(n: Node): string {
  const ready = n.status.conditions.find((c) => c.type === 'Ready');
  let s = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (n.spec.unschedulable) s += ',SchedulingDisabled';
  return s;
}

function containersAndImages(spec: { containers: { name: string; image: string }[] }): string[] {
  return [spec.containers.map((c) => c.name).join(','), spec.containers.map((c) => c.image).join(',')];
}

const COLUMNS: Record<string, Columns> = {
  Pod: {
    headers: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
    row: (o, opt) => {
      const p = o as Pod;
      const restarts = (p.status.containerStatuses ?? []).reduce((n, c) => n + c.restartCount, 0);
      return {
        cells: [
          p.metadata.name,
          podReady(p),
          podStatus(p),
          String(restarts),
          age(p.metadata.creationTimestamp, opt.now),
        ],
        wide: [none(p.status.podIP), none(p.spec.nodeName), '<none>', '<none>'],
      };
    },
  },
  Service: {
    headers: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    wide: ['SELECTOR'],
    row: (o, opt) => {
      const s = o as Service;
      return {
        cells: [
          s.metadata.name,
          s.spec.type,
          none(s.spec.clusterIP),
          externalIP(s),
          servicePorts(s),
          age(s.metadata.creationTimestamp, opt.now),
        ],
        wide: [formatLabels(s.spec.selector)],
      };
    },
  },
  Endpoints: {
    headers: ['NAME', 'ENDPOINTS', 'AGE'],
    wide: [],
    row: (o, opt) => ({
      cells: [o.metadata.name, formatEndpoints(o as Endpoints), age(o.metadata.creationTimestamp, opt.now)],
      wide: [],
    }),
  },
  EndpointSlice: {
    headers: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
    wide: [],
    row: (o, opt) => {
      const s = o as EndpointSlice;
      const ports = (s.ports ?? []).map((p) => String(p.port));
      const addrs = (s.endpoints ?? []).flatMap((e) => e.addresses);
      const eps =
        addrs.length === 0
          ? '<unset>'
          : addrs.length > 3
            ? `${addrs.slice(0, 3).join(',')} + ${addrs.length - 3} more...`
            : addrs.join(',');
      return {
        cells: [
          s.metadata.name,
          s.addressType,
          ports.length === 0 ? '<unset>' : ports.join(','),
          eps,
          age(s.metadata.creationTimestamp, opt.now),
        ],
        wide: [],
      };
    },
  },
  Node: {
    headers: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
    row: (o, opt) => {
      const n = o as Node;
      const addr = (t: string) => none(n.status.addresses.find((a) => a.type === t)?.address);
      const info = n.status.nodeInfo;
      return {
        cells: [
          n.metadata.name,
          nodeStatus(n),
          nodeRoles(n),
          age(n.metadata.creationTimestamp, opt.now),
          info.kubeletVersion ?? '',
        ],
        wide: [
          addr('InternalIP'),
          addr('ExternalIP'),
          none(info.osImage),
          none(info.kernelVersion),
          none(info.containerRuntimeVersion),
        ],
      };
    },
  },
  Deployment: {
    headers: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, opt) => {
      const d = o as Deployment;
      const n = (k: string) => String(Number(d.status[k]) || 0);
      return {
        cells: [
          d.metadata.name,
          `${n('readyReplicas')}/${d.spec.replicas}`,
          n('updatedReplicas'),
          n('availableReplicas'),
          age(d.metadata.creationTimestamp, opt.now),
        ],
        wide: [...containersAndImages(d.spec.template.spec), formatLabelSelector(d.spec.selector)],
      };
    },
  },
  ReplicaSet: {
    headers: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    row: (o, opt) => {
      const r = o as ReplicaSet;
      const n = (k: string) => String(Number(r.status[k]) || 0);
      return {
        cells: [
          r.metadata.name,
          String(r.spec.replicas),
          n('replicas'),
          n('readyReplicas'),
          age(r.metadata.creationTimestamp, opt.now),
        ],
        wide: [...containersAndImages(r.spec.template.spec), formatLabelSelector(r.spec.selector)],
      };
    },
  },
  ConfigMap: {
    headers: ['NAME', 'DATA', 'AGE'],
    wide: [],
    row: (o, opt) => {
      const c = o as ConfigMap & { binaryData?: Record<string, string> };
      const n = Object.keys(c.data ?? {}).length + Object.keys(c.binaryData ?? {}).length;
      return { cells: [c.metadata.name, String(n), age(c.metadata.creationTimestamp, opt.now)], wide: [] };
    },
  },
  Namespace: {
    headers: ['NAME', 'STATUS', 'AGE'],
    wide: [],
    row: (o, opt) => ({
      cells: [
        o.metadata.name,
        String((o.status as { phase?: string } | undefined)?.phase ?? ''),
        age(o.metadata.creationTimestamp, opt.now),
      ],
      wide: [],
    }),
  },
  NetworkPolicy: {
    headers: ['NAME', 'POD-SELECTOR', 'AGE'],
    wide: [],
    row: (o, opt) => {
      const np = o as NetworkPolicy;
      return {
        cells: [
          np.metadata.name,
          formatLabelSelector(np.spec.podSelector),
          age(np.metadata.creationTimestamp, opt.now),
        ],
        wide: [],
      };
    },
  },
};

export interface TableOptions extends PrintOptions {
  withNamespace: boolean;
  /** `pod/` before names when several kinds print together. */
  kindPrefix?: string;
  showLabels: boolean;
}

/** One kind's rows (header first) for the table printer. */
export function tableRows(kind: string, objects: KObject[], opt: TableOptions): string[][] {
  const cols = COLUMNS[kind];
  if (!cols) return [];
  const header = [
    ...(opt.withNamespace ? ['NAMESPACE'] : []),
    ...cols.headers,
    ...(opt.wide ? cols.wide : []),
    ...(opt.showLabels ? ['LABELS'] : []),
  ];
  const rows = objects.map((o) => {
    const r = cols.row(o, opt);
    const cells = [...r.cells];
    cells[0] = (opt.kindPrefix ?? '') + cells[0];
    return [
      ...(opt.withNamespace ? [o.metadata.namespace ?? ''] : []),
      ...cells,
      ...(opt.wide ? r.wide : []),
      ...(opt.showLabels ? [formatLabels(o.metadata.labels)] : []),
    ];
  });
  return [header, ...rows];
}
