/**
 * The kube-system ConfigMaps kubeadm writes on a kind cluster that labs read: `kubeadm-config`
 * (its ClusterConfiguration, with the pod and service subnets) and `kube-proxy` (config.conf, the
 * KubeProxyConfiguration kube-proxy runs with, and its kubeconfig).
 */
import type { Scenario } from './scenario.ts';

type Obj = Record<string, unknown>;

export function kubeAdmConfigMap(scenario: Scenario): Obj {
  const { cluster, lab } = scenario;
  const cp = `${cluster.name}-control-plane`;
  const text = `apiServer:
  certSANs:
  - localhost
  - 127.0.0.1
  extraArgs:
  - name: authorization-mode
    value: Node,RBAC
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: ${cluster.name}
controlPlaneEndpoint: ${cp}:6443
controllerManager:
  extraArgs:
  - name: allocate-node-cidrs
    value: "true"
  - name: enable-hostpath-provisioner
    value: "true"
dns: {}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: ${lab.kubernetesVersion}
networking:
  dnsDomain: cluster.local
  podSubnet: ${cluster.podSubnet}
  serviceSubnet: ${cluster.serviceSubnet}
proxy: {}
scheduler: {}
`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kubeadm-config', namespace: 'kube-system' },
    data: { ClusterConfiguration: text },
  };
}

export function kubeProxyConfigMap(scenario: Scenario): Obj {
  const { kubeProxy, cluster } = scenario;
  const nullable = (v: unknown) => (v === undefined ? 'null' : String(v));
  const config = `apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: ""
  burst: 0
  contentType: ""
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: ${kubeProxy.clusterCIDR ?? ''}
configSyncPeriod: 0s
conntrack:
  maxPerCore: 0
  min: null
  tcpBeLiberal: false
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
  udpStreamTimeout: 0s
  udpTimeout: 0s
detectLocal:
  bridgeInterface: ""
  interfaceNamePrefix: ""
detectLocalMode: ""
enableProfiling: false
healthzBindAddress: ""
hostnameOverride: ""
iptables:
  localhostNodePorts: ${nullable(kubeProxy.localhostNodePorts)}
  masqueradeAll: ${kubeProxy.masqueradeAll}
  masqueradeBit: ${nullable(kubeProxy.masqueradeBit)}
  minSyncPeriod: 1s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: ""
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
logging:
  flushFrequency: 0
  options:
    json:
      infoBufferSize: "0"
    text:
      infoBufferSize: "0"
  verbosity: 0
metricsBindAddress: ""
mode: ${kubeProxy.mode}
nftables:
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
nodePortAddresses: ${kubeProxy.nodePortAddresses === undefined ? 'null' : `\n${kubeProxy.nodePortAddresses.map((c) => `- ${c}`).join('\n')}`}
oomScoreAdj: null
portRange: ""
showHiddenMetricsForVersion: ""
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: ""
  rootHnsEndpointName: ""
  sourceVip: ""`;
  const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://${cluster.name}-control-plane:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token`;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
    data: { 'config.conf': config, 'kubeconfig.conf': kubeconfig },
  };
}

/** kubeadm's cluster DNS address: the tenth address of the service range. */
export function clusterDnsIp(serviceSubnet: string): string {
  const [net = '10.96.0.0'] = serviceSubnet.split('/');
  const parts = net.split('.').map(Number);
  const value =
    ((((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) + 10) >>> 0;
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
}

/** CoreDNS's image for a Kubernetes version, as kubeadm pins it. */
function coreDnsImage(kubernetesVersion: string): string {
  const minor = Number(/^v?1\.(\d+)/.exec(kubernetesVersion)?.[1] ?? 31);
  const tag = minor >= 30 ? 'v1.11.3' : minor >= 29 ? 'v1.11.1' : 'v1.10.1';
  return `registry.k8s.io/coredns/coredns:${tag}`;
}

/**
 * kubeadm's DNS addon: the `kube-dns` Service at the range's tenth address and the `coredns`
 * Deployment (2 replicas). kind's nodes join after CoreDNS is scheduled, so its pods run on the
 * control plane; the nodeSelector pins that here.
 */
export function kubeDnsObjects(scenario: Scenario): Obj[] {
  const { cluster, lab } = scenario;
  const cp = `${cluster.name}-control-plane`;
  const labels = { 'k8s-app': 'kube-dns' };
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'kube-dns',
        namespace: 'kube-system',
        labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
        annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
      },
      spec: {
        clusterIP: clusterDnsIp(cluster.serviceSubnet),
        selector: labels,
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            nodeSelector: { 'kubernetes.io/hostname': cp },
            tolerations: [
              { key: 'CriticalAddonsOnly', operator: 'Exists' },
              { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
            ],
            containers: [
              {
                name: 'coredns',
                image: coreDnsImage(lab.kubernetesVersion),
                args: ['-conf', '/etc/coredns/Corefile'],
                ports: [
                  { containerPort: 53, name: 'dns', protocol: 'UDP' },
                  { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                  { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
                ],
              },
            ],
          },
        },
      },
    },
  ];
}
