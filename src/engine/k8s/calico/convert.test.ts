// Shapes the reference renderer does not cover; expectations follow libcalico-go's conversion and
// felix's rule renderer (felix/rules/policy.go) read at the v3.2x tags.
import { describe, expect, it } from 'vitest';
import { k8sNetworkPolicyToCalico, normaliseCidr, simplifyPorts } from './convert.ts';
import { renderFelix, splitPortList } from './felix.ts';
import { ipsetName, namedPortSetId, selectorIpsetName } from './names.ts';
import { canonicalSelector, selectorUniqueId } from './selector.ts';
import type { FelixInput, NetworkPolicy, Pod } from './types.ts';

describe('Kubernetes NetworkPolicy to Calico', () => {
  it('folds namespace and pod selectors into one selector, as felix hashes it', () => {
    const p = k8sNetworkPolicyToCalico({
      metadata: { name: 'x', namespace: 'shop' },
      spec: {
        podSelector: {},
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { team: 'blue' } },
                podSelector: {
                  matchLabels: { app: 'web' },
                  matchExpressions: [
                    { key: 'tier', operator: 'In', values: ['b', 'a'] },
                    { key: 'gone', operator: 'DoesNotExist' },
                  ],
                },
              },
              { namespaceSelector: {} },
              { podSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] } },
              { podSelector: { matchExpressions: [{ key: 'debug', operator: 'Exists' }] } },
            ],
          },
        ],
      },
    });
    expect(p.inbound.map((r) => canonicalSelector(r.srcSelector))).toEqual([
      '(pcns.team == "blue" && (projectcalico.org/orchestrator == "k8s" && app == "web" && tier in {"a", "b"} && !has(gone)))',
      '(has(projectcalico.org/namespace) && projectcalico.org/orchestrator == "k8s")',
      '(projectcalico.org/namespace == "shop" && (projectcalico.org/orchestrator == "k8s" && env not in {"dev"}))',
      '(projectcalico.org/namespace == "shop" && (projectcalico.org/orchestrator == "k8s" && has(debug)))',
    ]);
    expect(p.ingress).toBe(true);
    expect(p.egress).toBe(false);
  });

  it('groups ports by protocol (sorted), merging numbers into ranges after the named ones', () => {
    const p = k8sNetworkPolicyToCalico({
      metadata: { name: 'ports', namespace: 'default' },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            ports: [
              { port: 81 },
              { port: 80 },
              { protocol: 'TCP', port: 443 },
              { protocol: 'UDP', port: 53 },
              { port: 'http' },
              { protocol: 'SCTP', port: 9000, endPort: 9010 },
            ],
          },
        ],
      },
    });
    expect(p.ingress).toBe(false);
    expect(p.outbound.map((r) => [r.protocol, r.dstPorts])).toEqual([
      ['sctp', [{ kind: 'range', first: 9000, last: 9010 }]],
      [
        'tcp',
        [
          { kind: 'named', name: 'http' },
          { kind: 'range', first: 80, last: 81 },
          { kind: 'range', first: 443, last: 443 },
        ],
      ],
      ['udp', [{ kind: 'range', first: 53, last: 53 }]],
    ]);
  });

  it('a port entry without a number allows every port of its protocol', () => {
    const p = k8sNetworkPolicyToCalico({
      metadata: { name: 'p' },
      spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }, { protocol: 'TCP' }] }] },
    });
    expect(p.namespace).toBe('default');
    expect(p.inbound).toEqual([
      {
        protocol: 'tcp',
        srcSelector: '',
        dstSelector: '',
        srcNets: [],
        notSrcNets: [],
        dstNets: [],
        notDstNets: [],
        dstPorts: [],
      },
    ]);
  });

  it('defaults policyTypes like the API server', () => {
    const np = (spec: Partial<NetworkPolicy['spec']>) =>
      k8sNetworkPolicyToCalico({ metadata: { name: 'd' }, spec: { podSelector: {}, ...spec } });
    expect([np({}).ingress, np({}).egress]).toEqual([true, false]);
    expect([np({ egress: [{}] }).ingress, np({ egress: [{}] }).egress]).toEqual([true, true]);
  });

  it('normalises CIDRs and ranges', () => {
    expect(normaliseCidr('10.1.2.3/16')).toBe('10.1.0.0/16');
    expect(normaliseCidr('0.0.0.0/0')).toBe('0.0.0.0/0');
    expect(() => normaliseCidr('10.0.0.1')).toThrow(/invalid CIDR/);
    expect(simplifyPorts([{ kind: 'range', first: 5, last: 5 }])).toEqual([{ kind: 'range', first: 5, last: 5 }]);
    expect(
      splitPortList(Array.from({ length: 17 }, (_, i) => ({ first: i * 10, last: i * 10 }))).map((s) => s.length),
    ).toEqual([15, 2]);
    expect(
      splitPortList(Array.from({ length: 8 }, (_, i) => ({ first: i * 10, last: i * 10 + 1 }))).map((s) => s.length),
    ).toEqual([7, 1]);
  });
});

describe('felix match blocks, ipBlock except and named ports', () => {
  const pod = (name: string, ns: string, ip: string, labels: Record<string, string>, node = 'n1'): Pod => ({
    metadata: { name, namespace: ns, labels },
    spec: { nodeName: node, containers: [{ ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 9 }] }] },
    status: { phase: 'Running', podIP: ip },
  });
  const input = (policy: NetworkPolicy): FelixInput => ({
    networkPolicies: [policy],
    pods: [
      pod('web', 'default', '10.0.0.2', { app: 'web' }),
      pod('api', 'other', '10.0.1.7', { app: 'api' }, 'n2'),
      pod('done', 'default', '10.0.0.9', { app: 'api' }),
      {
        metadata: { name: 'host', namespace: 'default' },
        spec: { nodeName: 'n1', hostNetwork: true },
        status: { podIP: '192.168.0.1' },
      },
    ],
    namespaces: [{ metadata: { name: 'default' } }, { metadata: { name: 'other' } }],
    settings: { nodeName: 'n1', nodes: [{ name: 'n1', address: '192.168.0.1' }], ipPools: [{ cidr: '10.0.0.0/16' }] },
  });
  /** A chain's rules in felix's text, without the hash comments. */
  const chainRules = (filter: string, chain: string) =>
    filter
      .split('\n')
      .filter((l) => l.startsWith(`-A ${chain} `))
      .map((l) => l.replace(/^-A \S+ -m comment --comment "cali:[\w-]{16}" ?/, ''));

  it('an ipBlock with except clears the scratch bit for the excluded nets', () => {
    const out = renderFelix(
      input({
        metadata: { name: 'cidr', namespace: 'default' },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [
            {
              from: [{ ipBlock: { cidr: '172.16.9.9/12', except: ['172.17.0.0/16', '172.18.0.0/16'] } }],
              ports: [{ port: 80 }],
            },
          ],
        },
      }),
    );
    const chain = out.endpoints[0]?.ingressPolicies[0] as string;
    expect(chainRules(out.filter, chain)).toEqual([
      '-m comment --comment "Policy default/knp.default.cidr ingress" --jump MARK --set-mark 0x40000/0xc0000',
      '--source 172.17.0.0/16 --jump MARK --set-mark 0/0x40000',
      '--source 172.18.0.0/16 --jump MARK --set-mark 0/0x40000',
      '-p tcp --source 172.16.0.0/12 -m multiport --destination-ports 80 -m mark --mark 0x40000/0x40000 --jump MARK --set-mark 0x10000/0x10000',
      '-m mark --mark 0x10000/0x10000 --jump RETURN',
    ]);
  });

  it('numbered and named ports together become a port block; the named-port set holds (IP, port) pairs', () => {
    const out = renderFelix(
      input({
        metadata: { name: 'named', namespace: 'default' },
        spec: {
          podSelector: { matchLabels: { app: 'web' } },
          ingress: [
            { from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }, { port: 80 }] },
          ],
        },
      }),
    );
    const named = ipsetName(namedPortSetId(selectorUniqueId('all()'), 'tcp', 'http'));
    const src = selectorIpsetName(
      '(projectcalico.org/namespace == "default" && (projectcalico.org/orchestrator == "k8s" && app == "api"))',
    );
    const chain = out.endpoints[0]?.ingressPolicies[0] as string;
    expect(named.startsWith('cali40n:')).toBe(true);
    expect(chainRules(out.filter, chain)).toEqual([
      '-m comment --comment "Policy default/knp.default.named ingress" --jump MARK --set-mark 0x0/0xc0000',
      '-p tcp -m multiport --destination-ports 80 --jump MARK --set-mark 0x40000/0x40000',
      `-m set --match-set ${named} dst,dst --jump MARK --set-mark 0x40000/0x40000`,
      `-p tcp -m set --match-set ${src} src -m mark --mark 0x40000/0x40000 --jump MARK --set-mark 0x10000/0x10000`,
      '-m mark --mark 0x10000/0x10000 --jump RETURN',
    ]);
    expect(out.ipsets.find((s) => s.name === named)).toEqual({
      name: named,
      type: 'hash:ip,port',
      members: ['10.0.0.2,tcp:8080', '10.0.0.9,tcp:8080', '10.0.1.7,tcp:8080'],
    });
    expect(out.ipsets.find((s) => s.name === src)?.members).toEqual(['10.0.0.9']);
    expect(out.ipsetRestore).toContain(
      `create ${named} hash:ip,port family inet maxelem 1048576\nadd ${named} 10.0.0.2,tcp:8080\n`,
    );
  });

  it('an egress rule to named ports only folds its selector into the named-port set', () => {
    const out = renderFelix(
      input({
        metadata: { name: 'out', namespace: 'default' },
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'api' } } }],
              ports: [{ port: 'http' }],
            },
          ],
        },
      }),
    );
    const sel = '(has(projectcalico.org/namespace) && (projectcalico.org/orchestrator == "k8s" && app == "api"))';
    const named = ipsetName(namedPortSetId(selectorUniqueId(sel), 'tcp', 'http'));
    const chain = out.endpoints[0]?.egressPolicies[0] as string;
    expect(chainRules(out.filter, chain)).toEqual([
      `-m comment --comment "Policy default/knp.default.out egress" -p tcp -m set --match-set ${named} dst,dst --jump MARK --set-mark 0x10000/0x10000`,
      '-m mark --mark 0x10000/0x10000 --jump RETURN',
    ]);
    expect(out.ipsets.map((s) => s.name)).not.toContain(selectorIpsetName(sel));
    expect(out.ipsets.find((s) => s.name === named)?.members).toEqual(['10.0.0.9,tcp:8080', '10.0.1.7,tcp:8080']);
  });

  it('a deny-all policy leaves a chain holding only its comment, and host-network pods get no endpoint', () => {
    const out = renderFelix(
      input({
        metadata: { name: 'deny', namespace: 'default' },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      }),
    );
    expect(out.endpoints.map((e) => e.pod).sort()).toEqual(['done', 'web']);
    const pi = out.endpoints[0]?.ingressPolicies[0] as string;
    expect(chainRules(out.filter, pi)).toEqual(['-m comment --comment "Policy default/knp.default.deny ingress"']);
    expect(out.filter).toContain(`-m mark --mark 0/0x20000 --jump ${pi}`);
  });
});
