import { describe, expect, it } from 'vitest';
import { Cluster, HostLocalIpam } from '../../engine/k8s/api/cluster.ts';
import { Rng, VirtualClock } from '../../engine/sim.ts';
import { humanDuration, tabwrite, toYaml } from './format.ts';
import { runKubectl } from './index.ts';
import { jsonpath } from './jsonpath.ts';

const MIN = 60e6;
const HOUR = 60 * MIN;

/**
 * Seed 002's kind v1.31 cluster, with the seed's own pod IPs handed out by the IPAM callback so
 * its printed tables can be compared byte for byte.
 */
function seed002() {
  const clock = new VirtualClock();
  const hostLocal = new HostLocalIpam();
  const podIPs: Record<string, string> = {
    webpod1: '10.10.1.3',
    webpod2: '10.10.2.4',
    webpod3: '10.10.3.3',
    'net-pod': '10.10.0.6',
  };
  const cluster = new Cluster({
    clock,
    rng: new Rng(3),
    serviceCIDR: '10.200.1.0/24',
    clusterCIDR: '10.10.0.0/16',
    ipam: { allocate: (node, pod) => podIPs[pod.metadata.name] ?? hostLocal.allocate(node) },
    nodes: [
      {
        name: 'myk8s-control-plane',
        internalIP: '172.18.0.5',
        podCIDR: '10.10.0.0/24',
        controlPlane: true,
        labels: { mynode: 'control-plane' },
      },
      { name: 'myk8s-worker', internalIP: '172.18.0.2', podCIDR: '10.10.1.0/24', labels: { mynode: 'worker1' } },
      { name: 'myk8s-worker2', internalIP: '172.18.0.4', podCIDR: '10.10.2.0/24', labels: { mynode: 'worker2' } },
      { name: 'myk8s-worker3', internalIP: '172.18.0.3', podCIDR: '10.10.3.0/24', labels: { mynode: 'worker3' } },
    ],
  });
  const files: Record<string, string> = {};
  const kubectl = (line: string, stdin = '') => {
    const args = (line.match(/(?:'[^']*'|"[^"]*"|[^\s'"])+/g) ?? []).map((a) =>
      a.replace(/'([^']*)'|"([^"]*)"/g, '$1$2'),
    );
    return runKubectl(args, { cluster, stdin, readFile: (p) => files[p] });
  };
  return { clock, cluster, files, kubectl };
}

const webpods = [1, 2, 3]
  .map(
    (i) => `apiVersion: v1
kind: Pod
metadata:
  name: webpod${i}
  labels:
    app: webpod
spec:
  nodeName: myk8s-worker${i === 1 ? '' : i}
  containers:
  - name: container
    image: traefik/whoami
  terminationGracePeriodSeconds: 0
`,
  )
  .join('---\n');

const netpod = `apiVersion: v1
kind: Pod
metadata:
  name: net-pod
spec:
  nodeName: myk8s-control-plane
  containers:
  - name: netshoot-pod
    image: nicolaka/netshoot
    command: ["tail"]
    args: ["-f", "/dev/null"]
  terminationGracePeriodSeconds: 0
`;

const svcClusterIP = `apiVersion: v1
kind: Service
metadata:
  name: svc-clusterip
spec:
  clusterIP: 10.200.1.63
  ports:
    - name: svc-webport
      port: 9000        # svc의 port
      targetPort: 80    # 연결 할 pod의 port
  selector:
    app: webpod         # 연결 할 pod의 selector
  type: ClusterIP       # 서비스 타입
`;

/** Seed 002's ClusterIP section: 3pod.yaml at t, netpod.yaml 2m later, inspected 24m after that. */
function clusterIPLab() {
  const lab = seed002();
  lab.clock.advance(18 * HOUR);
  lab.files['3pod.yaml'] = webpods;
  lab.files['netpod.yaml'] = netpod;
  lab.files['svc-clusterip.yaml'] = svcClusterIP;
  const applied = [lab.kubectl('apply -f 3pod.yaml'), undefined, undefined];
  lab.clock.advance(2 * MIN);
  applied[1] = lab.kubectl('apply -f netpod.yaml');
  lab.clock.advance(1 * MIN);
  applied[2] = lab.kubectl('apply -f svc-clusterip.yaml');
  lab.clock.advance(23 * MIN);
  return { ...lab, applied };
}

describe('kubectl against seed 002 (kind v1.31)', () => {
  it('prints apply results as the seed shows (lines 182-184, 358-359, 376-377)', () => {
    const lab = clusterIPLab();
    expect(lab.applied.map((r) => r?.stdout)).toEqual([
      'pod/webpod1 created\npod/webpod2 created\npod/webpod3 created\n',
      'pod/net-pod created\n',
      'service/svc-clusterip created\n',
    ]);
    expect(lab.kubectl('apply -f svc-clusterip.yaml').stdout).toBe('service/svc-clusterip unchanged\n');
    lab.files['3pod.yaml'] = webpods.replaceAll('app: webpod\n', 'app: webpod\n    tier: web\n');
    expect(lab.kubectl('apply -f 3pod.yaml').stdout).toBe(
      'pod/webpod1 configured\npod/webpod2 configured\npod/webpod3 configured\n',
    );
    const pod = lab.cluster.get('Pod', 'default', 'webpod1') as unknown as {
      spec: { volumes: unknown[] };
      metadata: { labels: unknown };
    };
    expect(pod.spec.volumes).toHaveLength(1);
    expect(pod.metadata.labels).toEqual({ app: 'webpod', tier: 'web' });
  });

  it('get pod -owide (seed 002 lines 380-385)', () => {
    const { kubectl } = clusterIPLab();
    expect(kubectl('get pod -owide').stdout).toBe(
      [
        'NAME      READY   STATUS    RESTARTS   AGE   IP          NODE                  NOMINATED NODE   READINESS GATES',
        'net-pod   1/1     Running   0          24m   10.10.0.6   myk8s-control-plane   <none>           <none>',
        'webpod1   1/1     Running   0          26m   10.10.1.3   myk8s-worker          <none>           <none>',
        'webpod2   1/1     Running   0          26m   10.10.2.4   myk8s-worker2         <none>           <none>',
        'webpod3   1/1     Running   0          26m   10.10.3.3   myk8s-worker3         <none>           <none>',
        '',
      ].join('\n'),
    );
  });

  it('get svc -owide and get endpoints (seed 002 lines 387-394; the seed printed AGE a minute apart)', () => {
    const { kubectl } = clusterIPLab();
    expect(kubectl('get svc -owide').stdout).toBe(
      [
        'NAME            TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)    AGE   SELECTOR',
        'kubernetes      ClusterIP   10.200.1.1    <none>        443/TCP    18h   <none>',
        'svc-clusterip   ClusterIP   10.200.1.63   <none>        9000/TCP   23m   app=webpod',
        '',
      ].join('\n'),
    );
    expect(kubectl('get endpoints svc-clusterip').stdout).toBe(
      [
        'NAME            ENDPOINTS                                AGE',
        'svc-clusterip   10.10.1.3:80,10.10.2.4:80,10.10.3.3:80   23m',
        '',
      ].join('\n'),
    );
  });

  it('patch prints `patched` (seed 002 lines 509-510) and `(no change)` the second time', () => {
    const { kubectl, cluster } = clusterIPLab();
    expect(kubectl(`patch svc svc-clusterip -p '{"spec":{"sessionAffinity":"ClientIP"}}'`).stdout).toBe(
      'service/svc-clusterip patched\n',
    );
    expect(cluster.get('Service', 'default', 'svc-clusterip')?.spec).toMatchObject({
      sessionAffinity: 'ClientIP',
      sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
    });
    expect(kubectl(`patch svc svc-clusterip -p '{"spec":{"sessionAffinity":"ClientIP"}}'`).stdout).toBe(
      'service/svc-clusterip patched (no change)\n',
    );
    expect(
      kubectl(
        `patch svc svc-clusterip --type json -p '[{"op":"replace","path":"/spec/sessionAffinity","value":"None"}]'`,
      ).stdout,
    ).toBe('service/svc-clusterip patched\n');
  });

  it('custom-columns over nodes (seed 002 lines 95-100)', () => {
    const { kubectl } = seed002();
    expect(kubectl("get nodes -o custom-columns='NODE_NAME:.metadata.name,POD_CIDR:.spec.podCIDR'").stdout).toBe(
      [
        'NODE_NAME             POD_CIDR',
        'myk8s-control-plane   10.10.0.0/24',
        'myk8s-worker          10.10.1.0/24',
        'myk8s-worker2         10.10.2.0/24',
        'myk8s-worker3         10.10.3.0/24',
        '',
      ].join('\n'),
    );
  });

  it('jsonpath over node labels prints compact JSON maps joined by spaces (seed 002 line 76, before jq)', () => {
    const { kubectl } = seed002();
    const out = kubectl('get nodes -o jsonpath="{.items[*].metadata.labels}"').stdout;
    const maps = out.split('} {').length;
    expect(maps).toBe(4);
    expect(out.startsWith('{"beta.kubernetes.io/arch":"amd64",')).toBe(true);
    expect(out).toContain('"mynode":"worker1"');
    expect(out.endsWith('}')).toBe(true);
  });

  it('get node -owide (seed 002 lines 593-598)', () => {
    const { kubectl, clock } = seed002();
    clock.advance(19 * HOUR);
    expect(kubectl('get node -owide').stdout).toBe(
      [
        'NAME                  STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION       CONTAINER-RUNTIME',
        'myk8s-control-plane   Ready    control-plane   19h   v1.31.0   172.18.0.5    <none>        Debian GNU/Linux 12 (bookworm)   5.15.0-119-generic   containerd://1.7.18',
        'myk8s-worker          Ready    <none>          19h   v1.31.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   5.15.0-119-generic   containerd://1.7.18',
        'myk8s-worker2         Ready    <none>          19h   v1.31.0   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   5.15.0-119-generic   containerd://1.7.18',
        'myk8s-worker3         Ready    <none>          19h   v1.31.0   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   5.15.0-119-generic   containerd://1.7.18',
        '',
      ].join('\n'),
    );
  });

  it('get po,svc,ep -owide groups kinds with name prefixes and a blank line (seed 002 lines 577-589)', () => {
    const lab = seed002();
    lab.files['echo-deploy.yaml'] = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: deploy-echo
spec:
  replicas: 2
  selector:
    matchLabels:
      app: deploy-websrv
  template:
    metadata:
      labels:
        app: deploy-websrv
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - name: kans-websrv
        image: mendhak/http-https-echo
        ports:
        - containerPort: 8080
`;
    lab.files['svc-nodeport.yaml'] = `apiVersion: v1
kind: Service
metadata:
  name: svc-nodeport
spec:
  ports:
    - name: svc-webport
      port: 9000
      targetPort: 8080
  selector:
    app: deploy-websrv
  type: NodePort
`;
    expect(lab.kubectl('apply -f echo-deploy.yaml,svc-nodeport.yaml').stdout).toBe(
      'deployment.apps/deploy-echo created\nservice/svc-nodeport created\n',
    );
    const out = lab.kubectl('get po,svc,ep -owide').stdout;
    const blocks = out.split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0]?.split('\n')[0]).toMatch(
      /^NAME {31}READY {3}STATUS {4}RESTARTS {3}AGE {3}IP {10}NODE +NOMINATED NODE {3}READINESS GATES$/,
    );
    expect(blocks[0]?.split('\n')[1]).toMatch(
      /^pod\/deploy-echo-5c689d5454-[bcdfghjklmnpqrstvwxz2456789]{5} {3}1\/1 {5}Running {3}0 {10}0s {4}10\.10\.\d\.2 {3}myk8s-worker\d? +<none> {11}<none>$/,
    );
    expect(blocks[1]?.split('\n')[0]).toMatch(
      /^NAME {19}TYPE {8}CLUSTER-IP +EXTERNAL-IP {3}PORT\(S\) {10}AGE {3}SELECTOR$/,
    );
    expect(blocks[1]).toMatch(
      /service\/svc-nodeport {3}NodePort {4}10\.200\.1\.\d+ +<none> {8}9000:3\d{4}\/TCP {3}0s {4}app=deploy-websrv/,
    );
    expect(blocks[2]?.split('\n')[0]).toMatch(/^NAME {21}ENDPOINTS +AGE$/);
  });
});

describe('kubectl errors (texts of kubectl 1.31 / kube-apiserver)', () => {
  it('unknown resource type (kubectl get, cmd/get)', () => {
    const r = seed002().kubectl('get foo');
    expect([r.stderr, r.exitCode]).toEqual(['error: the server doesn\'t have a resource type "foo"\n', 1]);
  });

  it('NotFound (apierrors.NewNotFound through CheckErr)', () => {
    const r = seed002().kubectl('get pod x');
    expect([r.stdout, r.stderr, r.exitCode]).toEqual(['', 'Error from server (NotFound): pods "x" not found\n', 1]);
    expect(seed002().kubectl('delete deploy x').stderr).toBe(
      'Error from server (NotFound): deployments.apps "x" not found\n',
    );
  });

  it('resource mapping not found (cli-runtime resource/mapper.go)', () => {
    const lab = seed002();
    lab.files['f.yaml'] = 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n';
    expect(lab.kubectl('apply -f f.yaml').stderr).toBe(
      'error: resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind "Foo" in version "v1"\nensure CRDs are installed first\n',
    );
  });

  it('invalid Service (portallocator ErrNotInRange, printed by CheckErr without the file)', () => {
    const lab = seed002();
    lab.files['np.yaml'] =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 80\n';
    const r = lab.kubectl('apply -f np.yaml');
    expect([r.stderr, r.exitCode]).toEqual([
      'The Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767\n',
      1,
    ]);
    expect(lab.cluster.get('Service', 'default', 'x')).toBeUndefined();
  });

  it('several causes print as a bulleted list (kubectl cmdutil MultilineError)', () => {
    const lab = seed002();
    lab.files['d.yaml'] =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels:\n        app: d\n    spec:\n      containers:\n      - name: c\n        image: nginx\n';
    expect(lab.kubectl('apply -f d.yaml').stderr).toBe(
      'The Deployment "d" is invalid: \n* spec.selector: Required value\n* spec.template.metadata.labels: Invalid value: map[string]string{"app":"d"}: `selector` does not match template `labels`\n',
    );
  });

  it('strict decoding error (kube-apiserver fieldValidation=Strict, kubectl --validate=strict)', () => {
    const lab = seed002();
    lab.files['p.yaml'] =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    imagee: nginx\n';
    expect(lab.kubectl('apply -f p.yaml').stderr).toBe(
      'Error from server (BadRequest): error when creating "p.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagee"\n',
    );
  });

  it('no resources (kubectl get on an empty namespace)', () => {
    expect(seed002().kubectl('get deploy').stderr).toBe('No resources found in default namespace.\n');
  });
});

describe('describe', () => {
  it('pod: the sections and alignment of pkg/describe describePod', () => {
    const { kubectl } = clusterIPLab();
    const out = kubectl('describe pod webpod1').stdout;
    const lines = out.split('\n');
    expect(lines.slice(0, 4)).toEqual([
      'Name:             webpod1',
      'Namespace:        default',
      'Priority:         0',
      'Service Account:  default',
    ]);
    expect(lines[4]).toBe('Node:             myk8s-worker/172.18.0.2');
    expect(out).toContain('IPs:\n  IP:  10.10.1.3\nContainers:\n  container:\n    Container ID:   containerd://');
    expect(out).toContain(
      '    Port:           <none>\n    Host Port:      <none>\n    State:          Running\n      Started:      ',
    );
    expect(out).toContain(
      'Conditions:\n  Type                        Status\n  PodReadyToStartContainers   True \n  Initialized                 True \n  Ready                       True \n  ContainersReady             True \n  PodScheduled                True \n',
    );
    expect(out).toMatch(
      /QoS Class: {19}BestEffort\nNode-Selectors: {14}<none>\nTolerations: {17}node.kubernetes.io\/not-ready:NoExecute op=Exists for 300s\n {29}node.kubernetes.io\/unreachable:NoExecute op=Exists for 300s\nEvents: {22}<none>\n$/,
    );
  });

  it('service: Port/NodePort name columns (pkg/describe describeService)', () => {
    const { kubectl } = clusterIPLab();
    expect(kubectl('describe svc svc-clusterip').stdout).toBe(
      [
        'Name:                     svc-clusterip',
        'Namespace:                default',
        'Labels:                   <none>',
        'Annotations:              <none>',
        'Selector:                 app=webpod',
        'Type:                     ClusterIP',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       10.200.1.63',
        'IPs:                      10.200.1.63',
        'Port:                     svc-webport  9000/TCP',
        'TargetPort:               80/TCP',
        'Endpoints:                10.10.1.3:80,10.10.2.4:80,10.10.3.3:80',
        'Session Affinity:         None',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('formatting primitives', () => {
  it('HumanDuration gives the ages the seeds print', () => {
    // seed 002: 103s, 24m, 84m, 3h13m, 18h, 21h; seed 003: 5d5h, 12d, 8d, 11d.
    expect(
      [103, 24 * 60, 84 * 60, 3 * 3600 + 13 * 60, 18 * 3600, 21 * 3600, 5 * 86400 + 5 * 3600, 12 * 86400].map(
        humanDuration,
      ),
    ).toEqual(['103s', '24m', '84m', '3h13m', '18h', '21h', '5d5h', '12d']);
    expect([5 * 60 + 12, 3 * 3600, 2 * 86400].map(humanDuration)).toEqual(['5m12s', '3h', '2d']);
  });

  it('tabwriter aligns per column block like text/tabwriter', () => {
    expect(tabwrite('a:\tb\nlonger:\tc\nbreak\nx:\ty\n', 0, 2)).toBe('a:       b\nlonger:  c\nbreak\nx:  y\n');
  });

  it('yaml quotes what go-yaml quotes and folds long plain strings at 80 columns', () => {
    expect(
      toYaml({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z', resourceVersion: '532', name: 'x', empty: '' } }),
    ).toBe(
      'metadata:\n  creationTimestamp: "2026-01-01T00:00:00Z"\n  empty: ""\n  name: x\n  resourceVersion: "532"\n',
    );
    expect(toYaml({ a: [{ b: 1, c: true }], d: {}, e: [] })).toBe('a:\n- b: 1\n  c: true\nd: {}\ne: []\n');
    expect(toYaml({ s: { m: 'word '.repeat(20).trim() } })).toBe(
      `s:\n  m: ${'word '.repeat(15)}word\n    ${'word '.repeat(3)}word\n`,
    );
  });

  it('jsonpath reads a scalar (seed 004: kubectl get svc webapp -o jsonpath={.spec.externalTrafficPolicy} → Local)', () => {
    expect(jsonpath('{.spec.externalTrafficPolicy}', { spec: { externalTrafficPolicy: 'Local' } })).toBe('Local');
    expect(
      jsonpath('{range .items[*]}{.metadata.name}{"\\n"}{end}', {
        items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }],
      }),
    ).toBe('a\nb\n');
    expect(
      jsonpath('{.status.addresses[?(@.type=="InternalIP")].address}', {
        status: {
          addresses: [
            { type: 'Hostname', address: 'n' },
            { type: 'InternalIP', address: '172.18.0.2' },
          ],
        },
      }),
    ).toBe('172.18.0.2');
  });
});
