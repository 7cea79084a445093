/**
 * Issue #6's done-when: every command line the seeds type (/work/shared/seeds/README.md, "Every
 * command the seeds type") parses and runs in a scenario that has what it needs. Each row is one
 * listed line instantiated with its scenario's names and addresses, run in the context the seed
 * typed it in: no shell syntax error, no `command not found`, no usage error where the real tool
 * accepts the line, and the exit status the real tool would give there.
 *
 * Seeds 001 (Calico IPIP) and 003 (flannel, kube-dns) have no scenario of their own: their lines run
 * on seed 004's Calico cluster and seed 000's flannel cluster. The seed VMs' eth1 is a kind node's
 * eth0 here. Lines the engine cannot answer yet are listed in GAPS with the reason; they run too,
 * and the summary says when one starts passing (then move it back to the covered rows).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { KindLab } from '../../src/machine/contexts.ts';
import { openScenario, run } from './run.ts';

interface Row {
  seed: '000' | '001' | '002' | '003' | '004';
  file: string;
  on: string;
  line: string;
  /** Exit statuses the real tool gives here (default 0). */
  status?: number[];
  /** Run in a fresh lab of the scenario (the line changes what later rows rely on). */
  fresh?: boolean;
  /** Run on the lab machine first, its output ignored (files the line reads, objects it needs). */
  setup?: string;
  /** Known gap: why the engine cannot answer the line yet. */
  gap?: string;
}

const F000 = 'seed-000-flannel.yaml';
const F002 = 'seed-002-kind.yaml';
const F004 = 'seed-004-calico.yaml';

const MASTER0 = 'node/k8s-control-plane';
const WORKER3 = 'node/k8s-worker3';
/** The `hostname` pod on worker3 (the seed's KUBE-SEP-F2HHAFIGNABDY5LO target, 10.244.3.95). */
const HOSTNAME_POD = 'pod/{POD:hostname@k8s-worker3}';
const CP2 = 'node/myk8s-control-plane';
const W2 = 'node/myk8s-worker';
const CP4 = 'node/minikube-control-plane';
const FRONTEND = 'pod/default/frontend-8b474f47-zdqdv';

/** Seed 002's pod1/pod2 (kindnet section), written with the seed's own here-document. */
const PODS_HEREDOC = `cat <<EOT > 3pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: pod1
spec:
  nodeName: myk8s-worker
  containers:
  - name: netshoot-pod
    image: nicolaka/netshoot
    command: ["tail"]
    args: ["-f", "/dev/null"]
---
apiVersion: v1
kind: Pod
metadata:
  name: pod2
spec:
  nodeName: myk8s-worker2
  containers:
  - name: netshoot-pod
    image: nicolaka/netshoot
    command: ["tail"]
    args: ["-f", "/dev/null"]
EOT`;

/** Seed 002's NodePort part: the echo Deployment and its NodePort Service, in two files. */
const ECHO_FILES = `cat <<EOT > echo-deploy.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: deploy-echo
spec:
  replicas: 3
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
      - name: websrv
        image: mendhak/http-https-echo
        ports:
        - containerPort: 8080
EOT
cat <<EOT > svc-nodeport.yaml
apiVersion: v1
kind: Service
metadata:
  name: svc-nodeport
spec:
  ports:
    - name: svc-webport
      port: 9000
      targetPort: 8080
      nodePort: 30000
  selector:
    app: deploy-websrv
  type: NodePort
EOT`;

/** Seed 004's webapp (NodePort 30080, externalTrafficPolicy Local), its headless twin and dnsutils. */
const WEBAPP = `kubectl apply -f - <<EOF >/dev/null
apiVersion: apps/v1
kind: Deployment
metadata:
  name: webapp
spec:
  replicas: 2
  selector:
    matchLabels:
      app: webapp
  template:
    metadata:
      labels:
        app: webapp
    spec:
      containers:
      - name: nginx
        image: nginx:1.14.2
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: webapp
spec:
  type: NodePort
  externalTrafficPolicy: Local
  selector:
    app: webapp
  ports:
  - port: 80
    nodePort: 30080
---
apiVersion: v1
kind: Service
metadata:
  name: webapp-hs
spec:
  clusterIP: None
  selector:
    app: webapp
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
spec:
  containers:
  - name: dnsutils
    image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
    command: ["sleep", "infinity"]
EOF`;

const KUBE_PROXY_PORTS =
  "the engine's kube-proxy holds no NodePort sockets (the real one opens each NodePort so netstat shows it LISTEN as kube-proxy)";
const NO_DNS = 'the cluster has no CoreDNS yet (kube-dns Service, dig/nslookup, name lookups in pods)';

/** `{SVC:ns/name}`, `{SEP:ns/name}`, `{XLB:ns/name}`, `{EXT:ns/name}`: the chain kube-proxy named. */
const CHAIN = /\{(SVC|SEP|XLB|EXT):([^}]+)\}/g;

const ROWS: Row[] = [
  // ---- 000: a NodePort request on flannel VXLAN, traced hop by hop ----
  { seed: '000', file: F000, on: MASTER0, line: 'curl 192.168.100.6:31921' },
  { seed: '000', file: F000, on: MASTER0, line: 'tcpdump -i eth0 -ne tcp port 31921 -vv -c 10' },
  { seed: '000', file: F000, on: MASTER0, line: 'iptables --table nat -L OUTPUT | column -t' },
  { seed: '000', file: F000, on: MASTER0, line: 'iptables --table nat -L KUBE-SERVICES -n | column -t' },
  { seed: '000', file: F000, on: MASTER0, line: 'iptables --table nat -L KUBE-NODEPORTS -n | column -t' },
  { seed: '000', file: F000, on: MASTER0, line: 'iptables --table nat -L {SEP:default/hostname} -n | column -t' },
  { seed: '000', file: F000, on: MASTER0, line: 'watch -n 1 iptables -t nat -L {SVC:default/hostname} -nv' },
  { seed: '000', file: F000, on: MASTER0, line: 'tcpdump -i flannel.1 -ne tcp -vv -c 10' },
  { seed: '000', file: F000, on: WORKER3, line: 'tcpdump -i eth0 -ne udp -vv -c 10' },
  {
    seed: '000',
    file: F000,
    on: WORKER3,
    line: 'tcpdump -i cni0 -ne tcp and dst {PODIP:hostname@k8s-worker3} -vv -c 10',
  },
  { seed: '000', file: F000, on: WORKER3, line: 'tcpdump -i {VETH:hostname@k8s-worker3} -ne tcp -vv -c 10' },
  { seed: '000', file: F000, on: HOSTNAME_POD, line: 'tcpdump -i eth0 -ne tcp port 8080 -vv -c 10' },

  // ---- 001: pause container, Calico IPIP, ClusterIP, NodePort (on seed 004's Calico cluster) ----
  {
    seed: '001',
    file: F004,
    on: 'lab',
    line: 'docker ps | grep pod-pause',
    gap: "kind's nodes run pods under containerd: the lab's docker lists node containers, never a pause container (crictl pods on a node shows the sandboxes)",
  },
  {
    seed: '001',
    file: F004,
    on: 'lab',
    line: 'docker inspect {CID:minikube-control-plane} -f "{{json .NetworkSettings}}"',
  },
  { seed: '001', file: F004, on: CP4, line: 'ln -s /var/run/docker/netns /var/run/netns' },
  {
    seed: '001',
    file: F004,
    on: CP4,
    line: 'ip netns exec {NETNS:frontend@minikube-control-plane} ip a',
    gap: "a kind node's containerd names (cni-…) are the engine's per-node map; `ip netns` on the node reads the kernel-wide one, so the sandbox is not found",
  },
  { seed: '001', file: F004, on: CP4, line: 'route | grep cal' },
  {
    seed: '001',
    file: F004,
    on: 'lab',
    line: 'docker inspect {CID:minikube-control-plane} -f "{{json .HostConfig.NetworkMode}}"',
  },
  {
    seed: '001',
    file: F004,
    on: 'lab',
    line: 'kubectl describe IPPool',
    gap: "the API server has no Calico CRDs (crd.projectcalico.org IPPool); the pool lives in the engine's Calico model only",
  },
  {
    seed: '001',
    file: F004,
    on: 'lab',
    line: 'kubectl cluster-info dump | grep -m 1 cluster-cidr',
    gap: 'kubectl cluster-info dump is not implemented',
  },
  { seed: '001', file: F004, on: CP4, line: 'tcpdump -i cali95aa86cbb2a' },
  { seed: '001', file: F004, on: CP4, line: 'ip addr' },
  { seed: '001', file: F004, on: CP4, line: 'tcpdump -i eth0' },
  {
    seed: '001',
    file: F004,
    on: CP4,
    setup: WEBAPP,
    line: 'netstat -anp | grep 30080',
    gap: KUBE_PROXY_PORTS,
  },
  { seed: '001', file: F004, on: FRONTEND, line: 'curl 10.88.0.27:80/hostname' },
  { seed: '001', file: F004, on: CP4, line: 'curl 10.88.0.27:80/hostname' },

  // ---- 002: kind with kindnet; ClusterIP, session affinity, NodePort ----
  { seed: '002', file: F002, on: 'lab', line: 'docker ps' },
  {
    seed: '002',
    file: F002,
    on: 'lab',
    line: "docker ps -q | xargs docker inspect --format '{{.Name}} {{.NetworkSettings.Networks.kind.IPAddress}}'",
  },
  {
    seed: '002',
    file: F002,
    on: 'lab',
    line: 'kubectl get nodes -o jsonpath="{.items[*].metadata.labels}" | jq | grep mynode',
  },
  { seed: '002', file: F002, on: 'lab', line: 'kubectl get cm -n kube-system kubeadm-config -oyaml | grep -i subnet' },
  {
    seed: '002',
    file: F002,
    on: 'lab',
    line: "kubectl get nodes -o custom-columns='NODE_NAME:.metadata.name,POD_CIDR:.spec.podCIDR'",
  },
  { seed: '002', file: F002, on: 'lab', line: 'docker network ls' },
  { seed: '002', file: F002, on: 'lab', line: 'ip -br -4 addr show' },
  { seed: '002', file: F002, on: 'lab', line: 'docker exec -it myk8s-worker bash' },
  { seed: '002', file: F002, on: W2, line: 'cat /etc/cni/net.d/10-kindnet.conflist' },
  { seed: '002', file: F002, on: 'lab', line: PODS_HEREDOC },
  { seed: '002', file: F002, on: 'lab', line: 'k apply -f 3pod.yaml' },
  { seed: '002', file: F002, on: 'lab', line: 'k get po -owide' },
  { seed: '002', file: F002, on: 'lab', line: 'kubectl exec -it pod1 -- ip route get 10.10.2.4' },
  { seed: '002', file: F002, on: 'lab', line: 'docker exec -it myk8s-worker ip -br -4 add show' },
  { seed: '002', file: F002, on: 'lab', line: 'docker exec -it myk8s-worker ip route get 10.10.2.4' },
  { seed: '002', file: F002, on: 'lab', line: 'kubectl exec -it pod1 -- /bin/sh' },
  { seed: '002', file: F002, on: 'pod/default/pod1', line: 'ping -c 3 10.10.2.4' },
  { seed: '002', file: F002, on: W2, line: 'tcpdump' },
  { seed: '002', file: F002, on: 'lab', line: 'kubectl describe cm -n kube-system kube-proxy' },
  { seed: '002', file: F002, on: 'lab', line: 'kubectl get pod -owide' },
  { seed: '002', file: F002, on: 'lab', line: 'kubectl get svc -owide' },
  { seed: '002', file: F002, on: 'lab', line: 'kubectl get endpoints svc-clusterip' },
  { seed: '002', file: F002, on: 'pod/default/net-pod', line: 'curl -s 10.200.1.63:9000 | grep Hostname' },
  ...[
    'PREROUTING',
    'KUBE-SERVICES',
    '{SVC:default/svc-clusterip}',
    '{SEP:default/svc-clusterip}',
    'POSTROUTING',
    'KUBE-POSTROUTING',
  ].map(
    (chain): Row => ({
      seed: '002',
      file: F002,
      on: CP2,
      line: `iptables -v --numeric --table nat --list ${chain} | column -t`,
    }),
  ),
  {
    seed: '002',
    file: F002,
    on: CP2,
    line: "watch -d 'iptables -v --numeric --table nat --list {SVC:default/svc-clusterip} | column; echo ; iptables -v --numeric --table nat --list {SEP:default/svc-clusterip} | column'",
  },
  { seed: '002', file: F002, on: CP2, line: 'conntrack -L --src 10.10.0.6' },
  {
    seed: '002',
    file: F002,
    on: 'lab',
    line: 'kubectl exec -it net-pod -- zsh -c "for i in {1..100}; do curl -s 10.200.1.63:9000 | grep Hostname; done | sort | uniq -c | sort -nr"',
  },
  {
    seed: '002',
    file: F002,
    on: 'lab',
    line: `kubectl patch svc svc-clusterip -p '{"spec":{"sessionAffinity":"ClientIP"}}'`,
  },
  { seed: '002', file: F002, on: CP2, line: 'iptables -t nat -S | grep recent' },
  {
    seed: '002',
    file: F002,
    on: 'lab',
    setup: ECHO_FILES,
    line: 'kubectl apply -f echo-deploy.yaml,svc-nodeport.yaml',
  },
  { seed: '002', file: F002, on: 'lab', line: 'k get po,svc,ep -owide' },
  { seed: '002', file: F002, on: 'lab', line: 'k get node -owide' },
  {
    seed: '002',
    file: F002,
    on: 'lab',
    // The scenario already holds the seed's mypc (docker has no `rm` here), so a second one.
    fresh: true,
    line: 'docker run -d --rm --name mypc2 --network kind nicolaka/netshoot sleep infinity',
  },
  { seed: '002', file: F002, on: 'lab', line: 'docker exec -it 0fa3 zsh' },
  { seed: '002', file: F002, on: 'host/mypc', line: 'curl -s 172.18.0.2:30000 | grep hostname' },
  ...['PREROUTING', 'KUBE-SERVICES', 'KUBE-NODEPORTS', '{EXT:default/svc-nodeport}'].map(
    (chain): Row => ({ seed: '002', file: F002, on: CP2, line: `iptables -t nat -S | grep ${chain}` }),
  ),

  // ---- 003: the network model's inspection commands (on seed 000's flannel cluster) ----
  ...['route', 'ip route', 'netstat -r', 'iptables -L', 'iptables -L -vx', 'brctl show'].map(
    (line): Row => ({ seed: '003', file: F000, on: WORKER3, line }),
  ),
  { seed: '003', file: F000, on: 'lab', line: 'docker network ls' },
  { seed: '003', file: F000, on: MASTER0, line: 'netstat -nlp | grep 31921', gap: KUBE_PROXY_PORTS },
  {
    seed: '003',
    file: F000,
    on: 'lab',
    line: 'ps -ef | grep docker-proxy',
    gap: "the lab machine runs no docker-proxy for kind's published API port, and ps does not list the pipeline's own grep, so nothing matches",
  },
  {
    seed: '003',
    file: F000,
    on: 'lab',
    line: "docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' k8s-worker",
  },
  { seed: '003', file: F000, on: 'lab', line: "docker inspect --format '{{ .State.Pid }}' k8s-worker" },
  { seed: '003', file: F000, on: 'lab', line: 'nsenter -t {PID:k8s-worker} -n ip addr' },
  { seed: '003', file: F000, on: WORKER3, line: 'ip addr' },
  { seed: '003', file: F000, on: WORKER3, line: 'conntrack -L' },
  { seed: '003', file: F000, on: WORKER3, line: 'conntrack -E' },
  { seed: '003', file: F000, on: WORKER3, line: 'conntrack -L -d {PODIP:hostname@k8s-worker3}' },
  { seed: '003', file: F000, on: WORKER3, line: 'sysctl net.netfilter.nf_conntrack_max' },
  { seed: '003', file: F000, on: WORKER3, fresh: true, line: 'sysctl -w net.netfilter.nf_conntrack_max=198000' },
  { seed: '003', file: F000, on: WORKER3, line: 'iptables-save' },
  { seed: '003', file: F000, on: WORKER3, line: 'iptables-save > /tmp/iptables.rules' },
  { seed: '003', file: F000, on: WORKER3, line: 'iptables -t nat -L KUBE-SERVICES' },
  { seed: '003', file: F000, on: 'lab', line: 'nsenter -t {PID:k8s-worker} -n netstat' },
  {
    seed: '003',
    file: F000,
    on: 'lab',
    line: 'nsenter -t {PID:k8s-worker} -n dig kubernetes.default.svc.cluster.local @10.96.0.10',
    gap: NO_DNS,
  },
  { seed: '003', file: F000, on: 'lab', line: 'kubectl get service -n kube-system kube-dns' },
  { seed: '003', file: F000, on: 'lab', line: 'kubectl get service -o wide --all-namespaces' },

  // ---- 004: life of a packet #3 (webapp applied on the Calico cluster) ----
  { seed: '004', file: F004, on: CP4, fresh: true, line: 'sysctl -w net.ipv4.ip_forward=1' },
  { seed: '004', file: F004, on: CP4, line: 'cat /proc/sys/net/ipv4/ip_forward' },
  { seed: '004', file: F004, on: 'lab', line: 'kubectl get svc webapp' },
  { seed: '004', file: F004, on: 'lab', line: 'kubectl get ep webapp' },
  { seed: '004', file: F004, on: 'lab', line: 'kubectl exec -i -t dnsutils -- nslookup webapp.default', gap: NO_DNS },
  ...[
    'PREROUTING',
    'KUBE-SERVICES',
    'KUBE-NODEPORTS',
    '{SVC:default/webapp}',
    '{SEP:default/webapp}',
    'KUBE-MARK-MASQ',
    '{XLB:default/webapp}',
  ].map((chain): Row => ({ seed: '004', file: F004, on: CP4, line: `iptables -t nat -L ${chain} | column -t` })),
  { seed: '004', file: F004, on: 'lab', line: 'kubectl get nodes' },
  { seed: '004', file: F004, on: 'lab', line: 'kubectl get pods frontend-8b474f47-zdqdv -o wide' },
  {
    seed: '004',
    file: F004,
    on: 'lab',
    line: 'kubectl get svc webapp -o wide -o jsonpath={.spec.externalTrafficPolicy}',
  },
  { seed: '004', file: F004, on: 'lab', line: 'kubectl get svc webapp-hs' },
  { seed: '004', file: F004, on: 'lab', line: 'kubectl get ep webapp-hs' },
  { seed: '004', file: F004, on: 'lab', line: 'kubectl exec -it frontend-8b474f47-zdqdv -- /bin/sh' },
  { seed: '004', file: F004, on: FRONTEND, line: 'curl backend', gap: NO_DNS },
  { seed: '004', file: F004, on: FRONTEND, line: 'curl db', status: [28], gap: NO_DNS },
  {
    seed: '004',
    file: F004,
    on: 'lab',
    line: 'calicoctl get networkPolicy --output yaml',
    gap: "calicoctl is not a tool of the lab (Calico's objects are the engine's model, not API objects)",
  },
  {
    seed: '004',
    file: F004,
    on: 'lab',
    line: 'calicoctl get workloadEndpoint',
    gap: "calicoctl is not a tool of the lab (Calico's objects are the engine's model, not API objects)",
  },
  { seed: '004', file: F004, on: CP4, line: 'iptables-save | grep cali95aa86cbb2a' },
  { seed: '004', file: F004, on: CP4, line: 'iptables-save -t filter | grep cali-pi-_tTE-E7yY40ogArNVgKt' },
  { seed: '004', file: F004, on: CP4, line: 'ipset list' },
];

/** What a real tool prints when it rejects a line, or a shell that cannot run it. */
const REJECTED =
  /command not found|: not found|syntax error|^Usage:|\nUsage:|unknown (flag|option|shorthand)|invalid option|unrecognized option|not implemented|not available in this lab|executable file not found|No such file or directory/;

const labs = new Map<string, KindLab>();
function labFor(row: Row): KindLab {
  if (row.fresh) return openScenario(row.file);
  let lab = labs.get(row.file);
  if (!lab) {
    lab = openScenario(row.file);
    labs.set(row.file, lab);
  }
  return lab;
}

/** Fills the placeholders with what this lab named: chains, container ids, pids, veths, netns. */
async function instantiate(lab: KindLab, row: Row): Promise<string> {
  let line = row.line;
  if (/\{(SVC|SEP|XLB|EXT):/.test(line)) {
    const on = row.on.startsWith('node/') ? row.on : (lab.contextNames().find((c) => c.startsWith('node/')) ?? 'lab');
    const { out: rules } = await run(lab, on, 'iptables-save -t nat');
    line = line.replace(CHAIN, (whole, kind: string, svc: string) => {
      const found = rules
        .split('\n')
        .find((r) => r.startsWith(`-A KUBE-${kind}-`) && new RegExp(`[" ]${svc}[:" ]`).test(r));
      return found?.match(/^-A (\S+)/)?.[1] ?? whole;
    });
  }
  for (const [whole, name] of [...line.matchAll(/\{CID:([^}]+)\}/g)]) {
    const c = lab.cluster.docker.containers.find((x) => x.name === name);
    line = line.replace(whole, c?.id.slice(0, 12) ?? whole);
  }
  for (const [whole, name] of [...line.matchAll(/\{PID:([^}]+)\}/g)]) {
    const { out } = await run(lab, 'lab', `docker inspect --format '{{ .State.Pid }}' ${name}`);
    line = line.replace(whole, out.trim());
  }
  for (const [whole, kind, prefix, node] of [...line.matchAll(/\{(POD|PODIP|VETH|NETNS):([^@}]+)@([^}]+)\}/g)]) {
    const pod = [...lab.cluster.pods.values()].find((p) => p.name.startsWith(prefix ?? '') && p.node.name === node);
    const value = !pod
      ? whole
      : kind === 'POD'
        ? `${pod.namespace}/${pod.name}`
        : kind === 'PODIP'
          ? pod.sandbox.ip
          : kind === 'VETH'
            ? pod.sandbox.hostVeth.name
            : pod.sandbox.netnsName;
    line = line.replace(whole, value);
  }
  return line;
}

interface Outcome {
  row: Row;
  line: string;
  ok: boolean;
  why: string;
}
const outcomes: Outcome[] = [];

async function attempt(row: Row): Promise<Outcome> {
  const lab = labFor(row);
  if (row.setup) await run(lab, 'lab', row.setup);
  const line = await instantiate(lab, row);
  const on = await instantiate(lab, { ...row, line: row.on });
  let out = '';
  let err = '';
  const status = await lab.run(
    on,
    line,
    {
      write: (s: string) => {
        out += s;
      },
    },
    {
      write: (s: string) => {
        err += s;
      },
    },
  );
  const wanted = row.status ?? [0];
  const why: string[] = [];
  if (/\{[A-Z]+:[^}]+\}/.test(line)) why.push(`unfilled placeholder in ${line}`);
  if (!wanted.includes(status)) why.push(`exit ${status}, wanted ${wanted.join(' or ')}`);
  if (REJECTED.test(err)) why.push(`stderr: ${err.trim().split('\n').slice(0, 3).join(' | ')}`);
  if (out.length > 900_000) why.push('output ran to the shell limit');
  return { row, line, ok: why.length === 0, why: why.join('; ') };
}

describe('every command line the seeds type runs in its scenario', () => {
  for (const row of ROWS) {
    const title = `${row.seed} ${row.on}: ${row.line.split('\n')[0]}`;
    if (row.gap) {
      it(`known gap: ${title}`, async () => {
        const outcome = await attempt(row);
        outcomes.push(outcome);
      });
      continue;
    }
    it(title, async () => {
      const outcome = await attempt(row);
      outcomes.push(outcome);
      expect(outcome.why, outcome.line).toBe('');
    });
  }

  afterAll(() => {
    const gaps = outcomes.filter((o) => o.row.gap);
    const covered = outcomes.filter((o) => !o.row.gap && o.ok).length;
    const lines = [`seed command lines: covered ${covered} of ${ROWS.length} (${gaps.length} known gaps)`];
    for (const g of gaps)
      lines.push(
        `  gap ${g.row.seed} ${g.line.split('\n')[0]}: ${g.row.gap}${g.ok ? ' [now passes: move it to the covered rows]' : ''}`,
      );
    console.log(lines.join('\n'));
  });
});

describe("the seeds' set-up steps and the tools the rows lean on", () => {
  it('yum and apt install answer as on a machine that has the tools already', async () => {
    const lab = openScenario(F002);
    const apt = await run(lab, 'lab', 'apt install -y jq');
    expect(apt).toEqual({
      out: 'Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\njq is already the newest version.\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n',
      status: 0,
    });
    const yum = await run(lab, 'lab', 'yum install -y conntrack-tools');
    expect(yum.status).toBe(0);
    expect(yum.out).toContain('Nothing to do.\n');
  });

  it('jq with no filter pretty-prints its input (the filter is `.`)', async () => {
    const lab = openScenario(F002);
    const { out, status } = await run(lab, 'lab', `echo '{"mynode":"worker1"}' | jq`);
    expect({ out, status }).toEqual({ out: '{\n  "mynode": "worker1"\n}\n', status: 0 });
  });

  it('watch writing to a pipe shows a few screens and ends by itself', async () => {
    const lab = openScenario(F002);
    const { out, status } = await run(lab, CP2, "watch -d -n 1 'echo a | column; echo ; echo b'");
    expect(status).toBe(0);
    expect(out.split('Every 1.0s:').length - 1).toBe(5);
  });
});
