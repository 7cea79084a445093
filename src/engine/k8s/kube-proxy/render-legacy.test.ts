import { describe, expect, it } from 'vitest';
import { renderKubeProxyRestore } from './index.ts';
import type { KubeProxyInput, Service } from './types.ts';

// The cluster of seed 004 (minikube v1.19.2, Calico, pod CIDR 10.244.0.0/16): its chain names and
// rule shapes, as `iptables -L` printed them there, are what the 1.19 layout has to reproduce.
function webapp(spec: Partial<Service['spec']>): Service {
  return {
    metadata: { namespace: 'default', name: 'webapp' },
    spec: { type: 'NodePort', clusterIP: '10.103.46.104', ports: [{ port: 80, nodePort: 31380 }], ...spec },
  };
}

function input(service: Service, endpoints: { ip: string; node: string }[]): KubeProxyInput {
  return {
    kubernetesVersion: 'v1.19.2',
    settings: { nodeName: 'minikube', nodeIPs: ['192.168.49.2'], clusterCIDR: '10.244.0.0/16' },
    services: [service],
    endpointSlices: [
      {
        metadata: { namespace: 'default', name: 'webapp-abcde', labels: { 'kubernetes.io/service-name': 'webapp' } },
        addressType: 'IPv4',
        endpoints: endpoints.map((ep) => ({ addresses: [ep.ip], nodeName: ep.node })),
        ports: [{ name: '', port: 80, protocol: 'TCP' }],
      },
    ],
  };
}

describe('kube-proxy 1.19 layout', () => {
  it('masquerades in KUBE-SERVICES and KUBE-NODEPORTS and balances in KUBE-SVC', () => {
    const text = renderKubeProxyRestore(
      input(webapp({}), [
        { ip: '10.244.120.102', node: 'minikube' },
        { ip: '10.244.120.103', node: 'minikube-m02' },
      ]),
    );
    expect(text).toBe(
      [
        '*filter',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-EXTERNAL-SERVICES - [0:0]',
        ':KUBE-FORWARD - [0:0]',
        '-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x004000/0x004000 -j ACCEPT',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack pod source rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack pod destination rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
        'COMMIT',
        '*nat',
        ':KUBE-SERVICES - [0:0]',
        ':KUBE-NODEPORTS - [0:0]',
        ':KUBE-POSTROUTING - [0:0]',
        ':KUBE-MARK-MASQ - [0:0]',
        ':KUBE-SVC-2IRACUALRELARSND - [0:0]',
        ':KUBE-SEP-AO6KYGU752IZFEZ4 - [0:0]',
        ':KUBE-SEP-PJFBSHHDX4VZAOXM - [0:0]',
        '-A KUBE-POSTROUTING -m mark ! --mark 0x004000/0x004000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --xor-mark 0x004000',
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
        '-A KUBE-MARK-MASQ -j MARK --or-mark 0x004000',
        '-A KUBE-SERVICES -m comment --comment "default/webapp cluster IP" -m tcp -p tcp -d 10.103.46.104/32 --dport 80 ! -s 10.244.0.0/16 -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -m comment --comment "default/webapp cluster IP" -m tcp -p tcp -d 10.103.46.104/32 --dport 80 -j KUBE-SVC-2IRACUALRELARSND',
        '-A KUBE-NODEPORTS -m comment --comment default/webapp -m tcp -p tcp --dport 31380 -j KUBE-MARK-MASQ',
        '-A KUBE-NODEPORTS -m comment --comment default/webapp -m tcp -p tcp --dport 31380 -j KUBE-SVC-2IRACUALRELARSND',
        '-A KUBE-SVC-2IRACUALRELARSND -m comment --comment default/webapp -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-AO6KYGU752IZFEZ4',
        '-A KUBE-SEP-AO6KYGU752IZFEZ4 -m comment --comment default/webapp -s 10.244.120.102/32 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-AO6KYGU752IZFEZ4 -m comment --comment default/webapp -m tcp -p tcp -j DNAT --to-destination 10.244.120.102:80',
        '-A KUBE-SVC-2IRACUALRELARSND -m comment --comment default/webapp -j KUBE-SEP-PJFBSHHDX4VZAOXM',
        '-A KUBE-SEP-PJFBSHHDX4VZAOXM -m comment --comment default/webapp -s 10.244.120.103/32 -j KUBE-MARK-MASQ',
        '-A KUBE-SEP-PJFBSHHDX4VZAOXM -m comment --comment default/webapp -m tcp -p tcp -j DNAT --to-destination 10.244.120.103:80',
        '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
        'COMMIT',
        '',
      ].join('\n'),
    );
  });

  it('sends externalTrafficPolicy Local through KUBE-XLB, dropping on nodes without a local endpoint', () => {
    const service = webapp({ externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }] });
    const endpoints = [{ ip: '10.244.120.111', node: 'minikube' }];
    const onNode = renderKubeProxyRestore(input(service, endpoints));
    const xlb = (text: string) => text.split('\n').filter((l) => /^-A (KUBE-XLB-\S+|KUBE-NODEPORTS) /.test(l));
    expect(xlb(onNode)).toEqual([
      '-A KUBE-NODEPORTS -m comment --comment default/webapp -m tcp -p tcp --dport 30080 -s 127.0.0.0/8 -j KUBE-MARK-MASQ',
      '-A KUBE-NODEPORTS -m comment --comment default/webapp -m tcp -p tcp --dport 30080 -j KUBE-XLB-2IRACUALRELARSND',
      '-A KUBE-XLB-2IRACUALRELARSND -m comment --comment "Redirect pods trying to reach external loadbalancer VIP to clusterIP" -s 10.244.0.0/16 -j KUBE-SVC-2IRACUALRELARSND',
      '-A KUBE-XLB-2IRACUALRELARSND -m comment --comment "masquerade LOCAL traffic for default/webapp LB IP" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
      '-A KUBE-XLB-2IRACUALRELARSND -m comment --comment "route LOCAL traffic for default/webapp LB IP to service chain" -m addrtype --src-type LOCAL -j KUBE-SVC-2IRACUALRELARSND',
      '-A KUBE-XLB-2IRACUALRELARSND -m comment --comment "Balancing rule 0 for default/webapp" -j KUBE-SEP-5T4S2ILYSXWY3R2J',
    ]);
    const other = renderKubeProxyRestore({
      ...input(service, endpoints),
      settings: { nodeName: 'minikube-m02', nodeIPs: ['192.168.49.3'], clusterCIDR: '10.244.0.0/16' },
    });
    expect(xlb(other).at(-1)).toBe(
      '-A KUBE-XLB-2IRACUALRELARSND -m comment --comment "default/webapp has no local endpoints" -j KUBE-MARK-DROP',
    );
  });

  it('leaves out endpoints that are not ready and rejects when none is left', () => {
    const text = renderKubeProxyRestore({
      ...input(webapp({}), []),
      endpointSlices: [
        {
          metadata: { namespace: 'default', name: 'w', labels: { 'kubernetes.io/service-name': 'webapp' } },
          addressType: 'IPv4',
          endpoints: [
            { addresses: ['10.244.120.102'], conditions: { ready: false, serving: true, terminating: true } },
          ],
          ports: [{ name: '', port: 80, protocol: 'TCP' }],
        },
      ],
    });
    expect(text).toContain(
      '-A KUBE-SERVICES -m comment --comment "default/webapp has no endpoints" -m tcp -p tcp -d 10.103.46.104/32 --dport 80 -j REJECT',
    );
    expect(text).toContain(
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "default/webapp has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 31380 -j REJECT',
    );
    expect(text).not.toContain('KUBE-SVC-');
  });
});
