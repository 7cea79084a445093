import { describe, expect, it } from 'vitest';
import { Rng, VirtualClock } from '../../sim.ts';
import { Cluster, type Ipam } from './cluster.ts';
import { ApiError } from './errors.ts';
import { podTemplateHash } from './hash.ts';
import { ALPHANUMS, safeEncodeString } from './names.ts';
import type { Deployment, EndpointSlice, Endpoints, Pod, ReplicaSet, Service } from './types.ts';

/** Seed 002's kind cluster: myk8s, pod CIDR 10.10.0.0/16, service CIDR 10.200.1.0/24. */
function kind(ipam?: Ipam): Cluster {
  return new Cluster({
    clock: new VirtualClock(),
    rng: new Rng(7),
    serviceCIDR: '10.200.1.0/24',
    clusterCIDR: '10.10.0.0/16',
    ...(ipam ? { ipam } : {}),
    nodes: [
      { name: 'myk8s-control-plane', internalIP: '172.18.0.5', podCIDR: '10.10.0.0/24', controlPlane: true },
      { name: 'myk8s-worker', internalIP: '172.18.0.2', podCIDR: '10.10.1.0/24' },
      { name: 'myk8s-worker2', internalIP: '172.18.0.4', podCIDR: '10.10.2.0/24' },
      { name: 'myk8s-worker3', internalIP: '172.18.0.3', podCIDR: '10.10.3.0/24' },
    ],
  });
}

const echoDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'deploy-echo' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'deploy-websrv' } },
    template: {
      metadata: { labels: { app: 'deploy-websrv' } },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [{ name: 'kans-websrv', image: 'mendhak/http-https-echo', ports: [{ containerPort: 8080 }] }],
      },
    },
  },
};

function thrown(f: () => unknown): ApiError {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  throw new Error('expected an ApiError');
}

describe('pod-template-hash', () => {
  it('matches the ReplicaSet a kind v1.31 cluster made for seed 002 deploy-echo (pod/deploy-echo-5c689d5454-mgn4p)', () => {
    const c = kind();
    c.create(echoDeployment);
    const d = c.get('Deployment', 'default', 'deploy-echo') as Deployment;
    expect(podTemplateHash(d.spec.template)).toBe('5c689d5454');
    expect(c.list('ReplicaSet').map((r) => r.metadata.name)).toEqual(['deploy-echo-5c689d5454']);
  });

  it('encodes the decimal FNV sum with util/rand SafeEncodeString', () => {
    // 1724581010 is the FNV-32a sum behind 5c689d5454: digit d maps to alphanums[(48+d) % 27].
    expect(safeEncodeString('1724581010')).toBe('5c689d5454');
    expect(ALPHANUMS).toBe('bcdfghjklmnpqrstvwxz2456789');
  });

  it('changes with the collision count', () => {
    const d = kind();
    d.create(echoDeployment);
    const t = (d.get('Deployment', 'default', 'deploy-echo') as Deployment).spec.template;
    expect(podTemplateHash(t, 1)).not.toBe('5c689d5454');
  });
});

describe('API server', () => {
  it('starts with the four namespaces and the kubernetes Service on the first service IP', () => {
    const c = kind();
    expect(c.list('Namespace').map((n) => n.metadata.name)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
    const svc = c.get('Service', 'default', 'kubernetes') as Service;
    expect(svc.spec.clusterIP).toBe('10.200.1.1');
    const ep = c.get('Endpoints', 'default', 'kubernetes') as Endpoints;
    expect(ep.subsets).toEqual([
      { addresses: [{ ip: '172.18.0.5' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    ]);
  });

  it('rejects a node port outside 30000-32767 with the apiserver text and keeps nothing', () => {
    const c = kind();
    const before = c.list('Service').length;
    const e = thrown(() =>
      c.create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'x' },
        spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] },
      }),
    );
    expect(e.reason).toBe('Invalid');
    expect(e.message).toBe(
      'Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    );
    expect(c.list('Service').length).toBe(before);
  });

  it('releases a half-made allocation when a later port fails', () => {
    const c = kind();
    const spec = {
      type: 'NodePort',
      clusterIP: '10.200.1.50',
      ports: [
        { name: 'a', port: 80, nodePort: 31000 },
        { name: 'b', port: 81, nodePort: 5 },
      ],
    };
    expect(() => c.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec })).toThrow(ApiError);
    const ok = c.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'x' },
      spec: { ...spec, ports: [spec.ports[0]] },
    }) as Service;
    expect(ok.spec.clusterIP).toBe('10.200.1.50');
    expect(ok.spec.ports?.[0]?.nodePort).toBe(31000);
  });

  it('refuses a node port already taken', () => {
    const c = kind();
    const svc = (name: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name },
      spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31080 }] },
    });
    c.create(svc('a'));
    expect(thrown(() => c.create(svc('b'))).details.causes).toEqual([
      { field: 'spec.ports[0].nodePort', message: 'Invalid value: 31080: provided port is already allocated' },
    ]);
  });

  it('reports unknown fields as strict decoding errors (BadRequest)', () => {
    const c = kind();
    const e = thrown(() =>
      c.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', imagee: 'nginx' }] },
      }),
    );
    expect(e.reason).toBe('BadRequest');
    expect(e.message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"',
    );
  });

  it('lists validation causes in order', () => {
    const c = kind();
    const e = thrown(() =>
      c.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c' }] } }),
    );
    expect(e.details.causes).toEqual([{ field: 'spec.containers[0].image', message: 'Required value' }]);
  });
});

describe('controllers', () => {
  it('rolls a Deployment out to scheduled, running pods with kube-style names', () => {
    const c = kind();
    c.create(echoDeployment);
    const pods = c.list('Pod') as Pod[];
    expect(pods).toHaveLength(2);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^deploy-echo-5c689d5454-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(p.metadata.labels).toEqual({ app: 'deploy-websrv', 'pod-template-hash': '5c689d5454' });
      expect(p.status.phase).toBe('Running');
      expect(p.spec.nodeName).not.toBe('myk8s-control-plane');
      expect(p.status.podIP?.startsWith('10.10.')).toBe(true);
    }
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(2);
    const rs = c.list('ReplicaSet')[0] as ReplicaSet;
    expect(rs.metadata.annotations).toEqual({
      'deployment.kubernetes.io/desired-replicas': '2',
      'deployment.kubernetes.io/max-replicas': '3',
      'deployment.kubernetes.io/revision': '1',
    });
  });

  it('keeps Endpoints and EndpointSlices in step with ready pods, by targetPort name', () => {
    const ips: Record<string, string> = { webpod1: '10.10.1.3', webpod2: '10.10.2.4' };
    const c = kind({ allocate: (_n, p) => ips[p.metadata.name] });
    for (const [name, node] of [
      ['webpod1', 'myk8s-worker'],
      ['webpod2', 'myk8s-worker2'],
    ]) {
      c.create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, labels: { app: 'webpod' } },
        spec: {
          nodeName: node,
          containers: [{ name: 'container', image: 'traefik/whoami', ports: [{ name: 'web', containerPort: 80 }] }],
        },
      });
    }
    c.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc-clusterip' },
      spec: { selector: { app: 'webpod' }, ports: [{ name: 'svc-webport', port: 9000, targetPort: 'web' }] },
    });
    const ep = c.get('Endpoints', 'default', 'svc-clusterip') as Endpoints;
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.10.1.3', '10.10.2.4']);
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'svc-webport', port: 80, protocol: 'TCP' }]);
    const slice = c
      .list('EndpointSlice')
      .find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'svc-clusterip') as EndpointSlice;
    expect(slice.metadata.name).toMatch(/^svc-clusterip-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(slice.endpoints.map((e) => [e.addresses[0], e.nodeName, e.conditions.ready])).toEqual([
      ['10.10.1.3', 'myk8s-worker', true],
      ['10.10.2.4', 'myk8s-worker2', true],
    ]);
    c.delete('Pod', 'default', 'webpod1');
    expect(
      (c.get('Endpoints', 'default', 'svc-clusterip') as Endpoints).subsets?.[0]?.addresses?.map((a) => a.ip),
    ).toEqual(['10.10.2.4']);
  });

  it('scales, and deleting a Deployment takes its ReplicaSets and pods', () => {
    const c = kind();
    c.create(echoDeployment);
    const d = c.get('Deployment', 'default', 'deploy-echo') as Deployment;
    d.spec.replicas = 4;
    c.update(d);
    expect(c.list('Pod')).toHaveLength(4);
    c.delete('Deployment', 'default', 'deploy-echo');
    expect(c.list('ReplicaSet')).toHaveLength(0);
    expect(c.list('Pod')).toHaveLength(0);
  });

  it('leaves a pod Pending with the scheduler message when no node fits', () => {
    const c = kind();
    c.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', image: 'nginx' }] },
    });
    const p = c.get('Pod', 'default', 'p') as Pod;
    expect(p.status.phase).toBe('Pending');
    const scheduled = p.status.conditions?.[0] as unknown as { message: string } | undefined;
    expect(scheduled?.message).toBe(
      "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    );
  });

  it('rolls to a new ReplicaSet on a template change and scales the old one to zero', () => {
    const c = kind();
    c.create(echoDeployment);
    const d = c.get('Deployment', 'default', 'deploy-echo') as Deployment;
    const first = d.spec.template.spec.containers[0];
    if (first) first.image = 'nginx:1.27';
    c.update(d);
    const rss = c.list('ReplicaSet') as ReplicaSet[];
    expect(rss).toHaveLength(2);
    expect(rss.map((r) => r.spec.replicas).sort()).toEqual([0, 2]);
    expect(
      (c.get('Deployment', 'default', 'deploy-echo') as Deployment).metadata.annotations?.[
        'deployment.kubernetes.io/revision'
      ],
    ).toBe('2');
  });
});
