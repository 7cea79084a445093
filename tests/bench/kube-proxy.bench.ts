// Time for kube-proxy's full-sync restore text of 10,000 Services × 3 endpoints (the shape of
// /work/shared/reference/gen_big_case.py: every fourth Service a NodePort). Real iptables-restore
// of that text takes about 5.4 s on the reference machines.
import { renderKubeProxyRestore, sortRestoreText } from '../../src/engine/k8s/kube-proxy/index.ts';
import type { EndpointSlice, KubeProxyInput, Service } from '../../src/engine/k8s/kube-proxy/types.ts';
import type { BenchContext } from './run.ts';

function bigCase(n: number): KubeProxyInput {
  const services: Service[] = [];
  const endpointSlices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const name = `svc${i}`;
    const nodePort = i % 4 === 0;
    services.push({
      metadata: { namespace: 'ns', name },
      spec: {
        type: nodePort ? 'NodePort' : 'ClusterIP',
        clusterIP: `172.${20 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
        selector: { app: name },
        ports: [
          {
            name: 'p80',
            port: 80,
            protocol: 'TCP',
            targetPort: 8080,
            ...(nodePort ? { nodePort: 30000 + (Math.floor(i / 4) % 2767) } : {}),
          },
        ],
      },
    });
    endpointSlices.push({
      metadata: { namespace: 'ns', name: `${name}-1`, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: [0, 1, 2].map((k) => {
        const e = i * 3 + k;
        return {
          addresses: [`10.${Math.floor(e / 65536) % 256}.${Math.floor(e / 256) % 256}.${e % 256}`],
          nodeName: `node-${k}`,
        };
      }),
      ports: [{ name: 'p80', port: 8080, protocol: 'TCP' }],
    });
  }
  return {
    kubernetesVersion: 'v1.31.0',
    settings: {
      nodeName: 'test-hostname',
      nodeIPs: ['192.168.0.2'],
      clusterCIDR: '10.0.0.0/8',
      nfacct: false,
      randomFully: false,
    },
    services,
    endpointSlices,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export default function (ctx: BenchContext) {
  const input = bigCase(10_000);
  let text = '';
  const times: number[] = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    text = renderKubeProxyRestore(input);
    times.push(performance.now() - start);
  }
  const rules = text.split('\n').filter((line) => line.startsWith('-A ')).length;
  ctx.report('render 10,000 services x 3 endpoints (median of 5)', median(times), 'ms');
  ctx.report('  rules written', rules, 'rules');
  ctx.report('  restore text size', Math.round(text.length / 1024), 'KiB');
  const start = performance.now();
  sortRestoreText(text);
  ctx.report('sort it as the upstream tests do', performance.now() - start, 'ms');
}
