import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { caseInput, chainRules, parseKubeProxyCase } from './case-file.ts';
import { type KubeProxyInput, renderKubeProxyRestore, renderKubeProxySorted, ruleLayoutFor } from './index.ts';

const casesDir = join(import.meta.dirname, 'cases');

function loadCases(sub: string) {
  const dir = join(casesDir, sub);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => parseKubeProxyCase(JSON.parse(readFileSync(join(dir, f), 'utf8')), f));
}

for (const sub of ['shared', 'own']) {
  describe(`kube-proxy golden cases (${sub})`, () => {
    const cases = loadCases(sub);
    it('has cases', () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) {
      it(c.name, () => {
        const got = renderKubeProxySorted(caseInput(c));
        if (c.expected_iptables_save !== undefined) {
          expect(got).toBe(c.expected_iptables_save.replace(/^\n+/, ''));
        } else {
          expect(c.expected_chains).toBeDefined();
          for (const [key, want] of Object.entries(c.expected_chains ?? {})) {
            const [table = '', chain = ''] = key.split('/');
            expect(chainRules(got, table, chain), key).toBe(want);
          }
        }
      });
    }
  });
}

describe('ruleLayoutFor', () => {
  it('maps versions to layouts', () => {
    expect(ruleLayoutFor('v1.19.2')).toBe('xlb');
    expect(ruleLayoutFor('1.20')).toBe('xlb');
    expect(ruleLayoutFor('v1.31.0')).toBe('ext');
    expect(ruleLayoutFor('v1.35.0-alpha.1')).toBe('ext');
  });
  it('refuses versions it does not model', () => {
    expect(() => ruleLayoutFor('v1.23.4')).toThrow(/not modelled/);
    expect(() => ruleLayoutFor('latest')).toThrow(/cannot read/);
  });
});

describe('renderKubeProxyRestore', () => {
  const [overall] = loadCases('shared').filter((c) => c.name === 'current-overall-iptables-rules');
  it('writes chain lines before rules, filter before nat, in kube-proxy order', () => {
    if (!overall) throw new Error('missing case');
    const text = renderKubeProxyRestore(caseInput(overall));
    expect(text.startsWith('*filter\n:KUBE-SERVICES - [0:0]\n:KUBE-EXTERNAL-SERVICES - [0:0]\n')).toBe(true);
    const nat = text.slice(text.indexOf('*nat\n'));
    expect(nat.startsWith('*nat\n:KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n')).toBe(
      true,
    );
    expect(text.endsWith('COMMIT\n')).toBe(true);
  });
});

describe('large clusters', () => {
  function cluster(services: number, endpointsEach: number): KubeProxyInput {
    return {
      kubernetesVersion: 'v1.31.0',
      settings: { nodeName: 'node-a', nodeIPs: ['192.168.0.2'], clusterCIDR: '10.0.0.0/8' },
      services: Array.from({ length: services }, (_, i) => ({
        metadata: { namespace: 'ns', name: `svc${i}` },
        spec: { clusterIP: `172.30.${i >> 8}.${i & 255}`, ports: [{ name: 'p80', port: 80 }] },
      })),
      endpointSlices: Array.from({ length: services }, (_, i) => ({
        metadata: { namespace: 'ns', name: `svc${i}-1`, labels: { 'kubernetes.io/service-name': `svc${i}` } },
        addressType: 'IPv4' as const,
        endpoints: Array.from({ length: endpointsEach }, (_, k) => ({
          addresses: [`10.1.${i >> 8}.${(i & 255) ^ k}`],
        })),
        ports: [{ name: 'p80', port: 8080, protocol: 'TCP' as const }],
      })),
    };
  }

  it('drop the comments of SVC-to-SEP and SEP rules above 1000 endpoints, as kube-proxy does', () => {
    const small = renderKubeProxyRestore(cluster(500, 2));
    const large = renderKubeProxyRestore(cluster(501, 2));
    expect(small).toContain('-A KUBE-SVC-');
    expect(small).toMatch(/\n-A KUBE-SEP-\S+ -m comment --comment ns\/svc0:p80 -s /);
    expect(large).not.toMatch(/\n-A KUBE-SEP-\S+ -m comment/);
    expect(large).not.toMatch(/\n-A KUBE-SVC-\S+ -m comment --comment "ns\/svc\d+:p80 -> /);
    expect(large).toMatch(/\n-A KUBE-SVC-\S+ -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-/);
    expect(large).toContain('-m comment --comment "ns/svc0:p80 cluster IP"');
  });
});
