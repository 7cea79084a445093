/**
 * The lab's cluster as a scenario file (the format of exercises/scenarios/seed-002-kind.yaml): kind
 * with kindnet, a control plane and three workers, the three whoami pods, the netshoot client and
 * the ClusterIP Service. The canonical instance renders seed 002's file: the same pins, ids and ages.
 */
import type { Scenario } from '../types.ts';
import { type ClusterIpParams, TARGET_PORT } from './params.ts';

function pod(name: string, node: string, labels: string, image: string, extra = ''): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
${labels}spec:
  nodeName: ${node}
  containers:
    - name: ${extra === '' ? 'container' : 'netshoot-pod'}
      image: ${image}
${extra}  terminationGracePeriodSeconds: 0
`;
}

export function scenarioText(params: ClusterIpParams): string {
  const pins = params.nodePins
    ? `  # In \`docker ps\` order (the newest container first).\n  nodes:\n${params.nodePins.map((n) => `    - { name: ${n.name}, address: ${n.address}, containerId: ${n.containerId} }`).join('\n')}\n  apiServerPort: 42371\n`
    : '';
  const docs = [
    `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
name: ${params.cluster}
featureGates:
  "InPlacePodVerticalScaling": true
  "MultiCIDRServiceAllocator": true
nodes:
  - role: control-plane
    labels:
      mynode: control-plane
    extraPortMappings:
      - containerPort: 30000
        hostPort: 30000
      - containerPort: 30001
        hostPort: 30001
      - containerPort: 30002
        hostPort: 30002
    kubeadmConfigPatches:
      - |
        kind: ClusterConfiguration
        apiServer:
          extraArgs:
            runtime-config: api/all=true
  - role: worker
    labels:
      mynode: worker1
  - role: worker
    labels:
      mynode: worker2
  - role: worker
    labels:
      mynode: worker3
networking:
  podSubnet: ${params.podNet}.0.0/16
  serviceSubnet: ${params.serviceSubnet}
`,
    `apiVersion: packet-lab.dev/v1alpha1
kind: Lab
metadata:
  name: seed-002-kind
spec:
  kubernetesVersion: v1.31.0
  cni: kindnet
  now: "2024-09-28T22:08:20Z"
  machine:
    hostname: kind
    interfaces:
      - name: enp0s3
        address: 10.0.2.15/24
        gateway: 10.0.2.2
      - name: enp0s8
        address: 192.168.50.10/24
  docker:
    networks:
      - { name: bridge, id: a7cb493939e6, driver: bridge, subnet: 172.17.0.0/16, gateway: 172.17.0.1 }
      - { name: host, id: bd171c4c05b9, driver: host }
      - { name: kind, id: b2152e16fdcb, driver: bridge, subnet: 172.18.0.0/16, gateway: 172.18.0.1 }
      - { name: none, id: 32658cbe2101, driver: "null" }
${pins}  nodeImage: kindest/node:v1.31.0
  containers:
    - name: mypc
      image: nicolaka/netshoot
      command: [sleep, infinity]
      network: kind
      containerId: 0fa3ba5fe630
      age: 24s
  pins:
    podIPs:
${[params.client, ...params.web].map((p) => `      ${p.name}: ${p.ip}`).join('\n')}
    clusterIPs:
      ${params.service}: ${params.clusterIP}
  ages:
    cluster: 18h
${params.web.map((p) => `    Pod/${p.name}: 26m`).join('\n')}
    Pod/${params.client.name}: 24m
    Service/${params.service}: 23m
`,
    ...params.web.map((p) => pod(p.name, p.node, `  labels:\n    app: ${params.app}\n`, 'traefik/whoami')),
    pod(
      params.client.name,
      params.client.node,
      '',
      'nicolaka/netshoot',
      '      command: ["tail"]\n      args: ["-f", "/dev/null"]\n',
    ),
    `apiVersion: v1
kind: Service
metadata:
  name: ${params.service}
spec:
  ports:
    - name: ${params.portName}
      port: ${params.port}
      targetPort: ${TARGET_PORT}
  selector:
    app: ${params.app}
  type: ClusterIP
`,
  ];
  return docs.join('---\n');
}

export function scenario(params: ClusterIpParams): Scenario {
  return { hostname: 'kind', engineSeed: params.engineSeed, setup: '', processes: [], cluster: scenarioText(params) };
}
