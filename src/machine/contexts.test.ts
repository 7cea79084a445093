import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { execOnScenario, KindLab } from './contexts.ts';

const SEED_002 = readFileSync(new URL('../../exercises/scenarios/seed-002-kind.yaml', import.meta.url), 'utf8');

async function run(lab: KindLab, on: string, script: string): Promise<{ out: string; status: number }> {
  let out = '';
  const sink = {
    write: (chunk: string) => {
      out += chunk;
    },
  };
  const status = await lab.run(on, script, sink, sink);
  return { out, status };
}

/** One lab for the read-only checks (building it is the slow part). */
const lab = KindLab.open(SEED_002);

describe('seed 002 scenario: kubectl on the lab machine', () => {
  it('get nodes -o wide (seed lines 582-587)', async () => {
    expect((await run(lab, 'lab', 'kubectl get nodes -o wide')).out).toBe(
      [
        'NAME                  STATUS   ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION       CONTAINER-RUNTIME',
        'myk8s-control-plane   Ready    control-plane   18h   v1.31.0   172.18.0.5    <none>        Debian GNU/Linux 12 (bookworm)   5.15.0-119-generic   containerd://1.7.18',
        'myk8s-worker          Ready    <none>          18h   v1.31.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   5.15.0-119-generic   containerd://1.7.18',
        'myk8s-worker2         Ready    <none>          18h   v1.31.0   172.18.0.4    <none>        Debian GNU/Linux 12 (bookworm)   5.15.0-119-generic   containerd://1.7.18',
        'myk8s-worker3         Ready    <none>          18h   v1.31.0   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   5.15.0-119-generic   containerd://1.7.18',
        '',
      ].join('\n'),
    );
  });

  it('get pod -owide (seed lines 380-385)', async () => {
    expect((await run(lab, 'lab', 'kubectl get pod -owide')).out).toBe(
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

  it('kubeadm-config subnets and node pod CIDRs (seed lines 88-100)', async () => {
    const { out } = await run(
      lab,
      'lab',
      "kubectl get cm -n kube-system kubeadm-config -oyaml | grep -i subnet; kubectl get nodes -o custom-columns='NODE_NAME:.metadata.name,POD_CIDR:.spec.podCIDR'",
    );
    expect(out).toBe(
      [
        '      podSubnet: 10.10.0.0/16',
        '      serviceSubnet: 10.200.1.0/24',
        'NODE_NAME             POD_CIDR',
        'myk8s-control-plane   10.10.0.0/24',
        'myk8s-worker          10.10.1.0/24',
        'myk8s-worker2         10.10.2.0/24',
        'myk8s-worker3         10.10.3.0/24',
        '',
      ].join('\n'),
    );
  });
});

describe('seed 002 scenario: docker on the lab machine', () => {
  it('docker ps lists the kind nodes with kind columns (seed lines 62-67)', async () => {
    const { out } = await run(lab, 'lab', 'docker ps');
    const lines = out.split('\n');
    expect(lines[0]).toBe(
      'CONTAINER ID   IMAGE                  COMMAND                  CREATED          STATUS          PORTS                                                             NAMES',
    );
    expect(lines[3]).toBe(
      'f15642db9183   kindest/node:v1.31.0   "/usr/local/bin/entr…"   18 hours ago     Up 18 hours     0.0.0.0:30000-30002->30000-30002/tcp, 127.0.0.1:42371->6443/tcp   myk8s-control-plane',
    );
    expect(lines.slice(1).map((l) => l.slice(0, 12))).toEqual([
      '0fa3ba5fe630',
      'ec7adbe5350c',
      'f15642db9183',
      '9418511b3e6f',
      '5d730ae049de',
      '',
    ]);
  });

  it('docker inspect with a template over docker ps -q (seed lines 81-86)', async () => {
    const { out } = await run(
      lab,
      'lab',
      "docker ps -q --filter label=io.x-k8s.kind.cluster=myk8s | xargs docker inspect --format '{{.Name}} {{.NetworkSettings.Networks.kind.IPAddress}}'",
    );
    expect(out).toBe(
      '/myk8s-worker 172.18.0.2\n/myk8s-control-plane 172.18.0.5\n/myk8s-worker2 172.18.0.4\n/myk8s-worker3 172.18.0.3\n',
    );
  });

  it('docker network ls and the host addresses (seed lines 107-120)', async () => {
    const { out } = await run(lab, 'lab', 'docker network ls; ip -br -4 addr show');
    expect(out).toBe(
      [
        'NETWORK ID     NAME      DRIVER    SCOPE',
        'a7cb493939e6   bridge    bridge    local',
        'bd171c4c05b9   host      host      local',
        'b2152e16fdcb   kind      bridge    local',
        '32658cbe2101   none      null      local',
        'lo               UNKNOWN        127.0.0.1/8 ',
        'enp0s3           UP             10.0.2.15/24 ',
        'enp0s8           UP             192.168.50.10/24 ',
        'docker0          DOWN           172.17.0.1/16 ',
        'br-b2152e16fdcb  UP             172.18.0.1/16 ',
        '',
      ].join('\n'),
    );
  });

  it('docker inspect .State.Pid names a process nsenter can enter', async () => {
    const { out } = await run(
      lab,
      'lab',
      "nsenter -t $(docker inspect -f '{{.State.Pid}}' myk8s-worker) -n hostname -I",
    );
    expect(out).toBe('172.18.0.2 10.10.1.1 \n');
  });
});

describe('seed 002 scenario: nodes and pods', () => {
  it('a node shows kindnet addresses and routes (seed lines 128-134, 205-230)', async () => {
    const { out } = await run(
      lab,
      'lab',
      'docker exec -it myk8s-worker2 ip -br -4 add show; docker exec -it myk8s-worker2 ip route',
    );
    expect(out).toMatch(
      /^lo {15}UNKNOWN {8}127\.0\.0\.1\/8 \nveth[0-9a-f]{8}@if2 UP {13}10\.10\.2\.1\/32 \neth0@if11 {8}UP {13}172\.18\.0\.4\/16 \n/,
    );
    expect(
      out
        .split('\n')
        .slice(3)
        .join('\n')
        .replace(/veth[0-9a-f]{8}/, 'vethX'),
    ).toBe(
      [
        'default via 172.18.0.1 dev eth0 ',
        '10.10.0.0/24 via 172.18.0.5 dev eth0 ',
        '10.10.1.0/24 via 172.18.0.2 dev eth0 ',
        '10.10.2.4 dev vethX scope host ',
        '10.10.3.0/24 via 172.18.0.3 dev eth0 ',
        '172.18.0.0/16 dev eth0 proto kernel scope link src 172.18.0.4 ',
        '',
      ].join('\n'),
    );
  });

  it('ip route get hop by hop from pod to node to node (seed lines 196-230)', async () => {
    const fromPod = await run(lab, 'lab', 'kubectl exec -it net-pod -- ip route get 10.10.1.3');
    expect(fromPod.out).toBe('10.10.1.3 via 10.10.0.1 dev eth0 src 10.10.0.6 uid 0 \n    cache \n');
    const viaNode = await run(lab, 'node/myk8s-control-plane', 'ip route get 10.10.1.3');
    expect(viaNode.out).toBe('10.10.1.3 via 172.18.0.2 dev eth0 src 172.18.0.5 uid 0 \n    cache \n');
    const last = await run(lab, 'node/myk8s-worker', 'ip route get 10.10.1.3');
    expect(last.out).toMatch(/^10\.10\.1\.3 dev veth[0-9a-f]{8} src 10\.10\.1\.1 uid 0 \n {4}cache \n$/);
  });

  it('the kindnet conflist is kindnetd’s template for the node (seed lines 137-148)', async () => {
    const { out } = await run(lab, 'node/myk8s-control-plane', 'cat /etc/cni/net.d/10-kindnet.conflist');
    expect(
      out.startsWith('\n{\n\t"cniVersion": "0.3.1",\n\t"name": "kindnet",\n\t"plugins": [\n\t{\n\t\t"type": "ptp",'),
    ).toBe(true);
    expect(out).toContain('[ { "subnet": "10.10.0.0/24" } ]');
  });

  it('net-pod pings a webpod on another node', async () => {
    const { out, status } = await run(lab, 'pod/net-pod', 'ping -c 3 10.10.1.3');
    expect(status).toBe(0);
    expect(out).toContain('3 packets transmitted, 3 received, 0% packet loss');
    expect(out).toContain('64 bytes from 10.10.1.3: icmp_seq=1 ttl=62');
  });

  it('kube-proxy wrote the seed’s service chains on every node (seed lines 441-498, 524-530)', async () => {
    for (const node of ['myk8s-control-plane', 'myk8s-worker']) {
      const { out } = await run(lab, `node/${node}`, 'iptables -t nat -S');
      expect(out).toContain(
        '-A KUBE-SERVICES -d 10.200.1.63/32 -p tcp -m comment --comment "default/svc-clusterip:svc-webport cluster IP" -m tcp --dport 9000 -j KUBE-SVC-KBDEBIL6IU6WL7RF\n',
      );
      expect(out).toContain(
        '-A KUBE-SVC-KBDEBIL6IU6WL7RF ! -s 10.10.0.0/16 -d 10.200.1.63/32 -p tcp -m comment --comment "default/svc-clusterip:svc-webport cluster IP" -m tcp --dport 9000 -j KUBE-MARK-MASQ\n',
      );
      expect(out).toContain(
        '-A KUBE-SVC-KBDEBIL6IU6WL7RF -m comment --comment "default/svc-clusterip:svc-webport -> 10.10.1.3:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-2WDU4O4C4SDCYWRE\n',
      );
      expect(out).toContain('-j KUBE-SEP-W5ROWLZT7Z7YVFGJ\n');
      expect(out).toContain(
        '-A KUBE-SEP-K7ALM6KJRBAYOHKX -p tcp -m comment --comment "default/svc-clusterip:svc-webport" -m tcp -j DNAT --to-destination 10.10.3.3:80\n',
      );
      expect(out).toContain(
        '-A KIND-MASQ-AGENT -d 10.10.0.0/16 -m comment --comment "kind-masq-agent: local traffic is not subject to MASQUERADE" -j RETURN\n',
      );
    }
  });

  it('a scratch image has no tools; a failing command reports its status', async () => {
    const r = await run(lab, 'lab', 'kubectl exec webpod1 -- ip a');
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/OCI runtime exec failed: .*exec: "ip": executable file not found in \$PATH: unknown\n$/);
    const s = await run(lab, 'lab', 'kubectl exec net-pod -- sh -c "exit 3"');
    expect(s).toEqual({ out: 'command terminated with exit code 3\n', status: 3 });
  });

  it('contexts have their own hostname; unknown ones are named with the choices', async () => {
    expect((await run(lab, 'host/mypc', 'hostname')).out).toBe('0fa3ba5fe630\n');
    expect((await run(lab, 'node/myk8s-worker3', 'hostname')).out).toBe('myk8s-worker3\n');
    expect((await run(lab, 'lab', 'hostname; kubectl exec net-pod -- hostname')).out).toBe('kind\nnet-pod\n');
    expect(() => lab.resolve('node/nope')).toThrow(
      /unknown context "node\/nope"; this lab has: lab, node\/myk8s-control-plane/,
    );
  });
});

describe('seed 002 scenario: changes through the API', () => {
  it('a deleted pod loses its sandbox and its endpoint; a new one gets both', async () => {
    const fresh = KindLab.open(SEED_002);
    const del = await run(fresh, 'lab', 'kubectl delete pod webpod3');
    expect(del.out).toBe('pod "webpod3" deleted\n');
    expect(fresh.cluster.pod('default', 'webpod3')).toBeUndefined();
    const rules = await run(
      fresh,
      'node/myk8s-worker',
      'iptables -t nat -S | grep -c KUBE-SEP-K7ALM6KJRBAYOHKX; ip route',
    );
    expect(rules.out.startsWith('0\n')).toBe(true);
    const worker3 = await run(fresh, 'node/myk8s-worker3', 'ip -br -4 addr show');
    expect(worker3.out).not.toContain('10.10.3.1/32');
    const apply = await run(
      fresh,
      'lab',
      `cat <<EOT > pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: pod1
spec:
  nodeName: myk8s-worker3
  containers:
  - name: pod1
    image: nicolaka/netshoot
EOT
kubectl apply -f pod.yaml; kubectl get pod pod1 -o jsonpath='{.status.podIP}'`,
    );
    expect(apply.out).toBe('pod/pod1 created\n10.10.3.2');
    const ping = await run(fresh, 'pod/pod1', 'ping -c 1 10.10.0.6');
    expect(ping.out).toContain('1 received');
  });
});

describe('determinism', () => {
  it('the same scenario and seed print the same bytes', async () => {
    const script =
      'docker ps; docker inspect myk8s-worker; kubectl get pod -o yaml; docker exec myk8s-worker ip -d link; docker exec myk8s-control-plane iptables-save; kubectl exec net-pod -- ip a';
    const a = await run(KindLab.open(SEED_002, { seed: 7 }), 'lab', script);
    const b = await run(KindLab.open(SEED_002, { seed: 7 }), 'lab', script);
    expect(a.status).toBe(0);
    expect(a.out).toBe(b.out);
  });
});

describe('packet-lab exec --scenario', () => {
  it('runs on the context given, line by line with --transcript', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) };
    const status = await execOnScenario(
      SEED_002,
      'hostname\nip route get 10.10.2.4',
      { on: 'pod/default/net-pod', transcript: true },
      io,
    );
    expect({ status, stderr: err.join('') }).toEqual({ status: 0, stderr: '' });
    expect(out.join('')).toBe(
      '$ hostname\nnet-pod\n[exit 0]\n$ ip route get 10.10.2.4\n10.10.2.4 via 10.10.0.1 dev eth0 src 10.10.0.6 uid 0 \n    cache \n[exit 0]\n',
    );
  });

  it('refuses a context the scenario does not have', async () => {
    const err: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => err.push(t) };
    expect(await execOnScenario(SEED_002, 'true', { on: 'host/nope' }, io)).toBe(2);
    expect(err.join('')).toMatch(/^packet-lab exec: unknown context "host\/nope"; this lab has: lab, /);
  });

  it('docker run on the kind network starts a container the next free address', async () => {
    const fresh = KindLab.open(SEED_002);
    const r = await run(
      fresh,
      'lab',
      'docker run -d --rm --name pc2 --network kind nicolaka/netshoot sleep infinity >/dev/null; docker inspect -f "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}" pc2; docker exec pc2 ping -c 1 172.18.0.2 | tail -2',
    );
    expect(r.out.split('\n')[0]).toBe('172.18.0.7');
    expect(r.out).toContain('1 packets transmitted, 1 received');
  });
});
