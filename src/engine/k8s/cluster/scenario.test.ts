import { describe, expect, it } from 'vitest';
import { kindMasqRestore } from './kindnet.ts';
import { withStaleChainsDeleted } from './kube-proxy-sync.ts';
import { kindNodeNames, parseDuration, parseScenario } from './scenario.ts';

const CLUSTER = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: demo
nodes:
- role: control-plane
- role: worker
- role: worker
`;

describe('scenario files', () => {
  it('apply kind defaults and name nodes as kind does', () => {
    const s = parseScenario(CLUSTER);
    expect(kindNodeNames(s.cluster)).toEqual(['demo-control-plane', 'demo-worker', 'demo-worker2']);
    expect(s.cluster.podSubnet).toBe('10.244.0.0/16');
    expect(s.kubeProxy).toMatchObject({ mode: 'iptables', clusterCIDR: '10.244.0.0/16', masqueradeAll: false });
    expect(s.lab.networks.map((n) => n.name)).toEqual(['bridge', 'host', 'kind', 'none']);
    expect(s.lab.kubernetesVersion).toBe('v1.31.0');
  });

  it('keep manifests in order and read a KubeProxyConfiguration', () => {
    const s = parseScenario(
      `${CLUSTER}---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\niptables:\n  masqueradeAll: true\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\n`,
    );
    expect(s.kubeProxy.masqueradeAll).toBe(true);
    expect(s.manifests.map((m) => m.kind)).toEqual(['Pod', 'Service']);
  });

  it('say what is wrong and where', () => {
    expect(() => parseScenario('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n')).toThrow(
      'a scenario needs a kind Cluster document (apiVersion: kind.x-k8s.io/v1alpha4)',
    );
    expect(() => parseScenario(`${CLUSTER}networking:\n  podSubnet: 10.10.0.0\n`)).toThrow(
      'Cluster.networking.podSubnet: "10.10.0.0" is not an IPv4 CIDR',
    );
    expect(() =>
      parseScenario(`${CLUSTER}---\napiVersion: packet-lab.dev/v1alpha1\nkind: Lab\nspec:\n  cni: cilium\n`),
    ).toThrow('Lab.spec.cni: expected one of kindnet, flannel, calico, not "cilium"');
    expect(() =>
      parseScenario(
        `${CLUSTER}---\napiVersion: packet-lab.dev/v1alpha1\nkind: Lab\nspec:\n  nodes:\n  - {name: demo-worker9}\n`,
      ),
    ).toThrow('Lab.spec.nodes: no node "demo-worker9" in the cluster');
    expect(() => parseDuration('3 hours', 'x')).toThrow('x: "3 hours" is not a duration');
  });

  it('parse durations as kubectl prints ages', () => {
    expect(parseDuration('18h')).toBe(18 * 3600e6);
    expect(parseDuration('1h30m')).toBe(90 * 60e6);
    expect(parseDuration('24s')).toBe(24e6);
  });
});

describe('kindnet and kube-proxy text', () => {
  it('KIND-MASQ-AGENT returns cluster traffic, masquerades the rest', () => {
    expect(kindMasqRestore(['10.10.0.0/16'])).toContain(
      '-A KIND-MASQ-AGENT -d 10.10.0.0/16 -m comment --comment "kind-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN\n',
    );
  });

  it('chains of a removed service are flushed and deleted in the next sync', () => {
    const before =
      '*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-A - [0:0]\n:KUBE-SEP-B - [0:0]\n-A KUBE-SERVICES -j KUBE-SVC-A\nCOMMIT\n';
    const after = '*nat\n:KUBE-SERVICES - [0:0]\n-A KUBE-SERVICES -j RETURN\nCOMMIT\n';
    expect(withStaleChainsDeleted(before, after)).toBe(
      '*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-SVC-A - [0:0]\n:KUBE-SEP-B - [0:0]\n-A KUBE-SERVICES -j RETURN\n-X KUBE-SVC-A\n-X KUBE-SEP-B\nCOMMIT\n',
    );
  });
});
