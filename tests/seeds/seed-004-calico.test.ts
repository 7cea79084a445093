/**
 * Seed 004 (/work/shared/seeds/004_04e1094b73447f54.txt), its NetworkPolicy section: Calico (IPIP)
 * with felix's cali-* chains and ipsets, on exercises/scenarios/seed-004-calico.yaml. Each
 * expectation names the seed line its command or value comes from. The seed's `curl db` resolves
 * the Service name through cluster DNS; the engine has no DNS server, so the tests curl the pod
 * and Service addresses.
 */
import { describe, expect, it } from 'vitest';
import { openScenario, run } from './run.ts';

const lab = openScenario('seed-004-calico.yaml');
const NODE = 'node/minikube-control-plane';
const FRONTEND = 'pod/default/frontend-8b474f47-zdqdv';
const BACKEND = 'pod/default/backend-867fd6dff-mjf92';

describe('seed 004: the Calico node', () => {
  it("workload interfaces are the seed's cali names with /32 routes (seed lines 669-673)", async () => {
    const { out } = await run(lab, NODE, 'ip route; ip -br a');
    expect(out).toContain('10.88.0.24 dev cali505cfbeac50 scope link \n');
    expect(out).toContain('10.88.0.26 dev cali95aa86cbb2a scope link \n');
    expect(out).toContain('10.88.0.27 dev cali2b1490aa46a scope link \n');
    expect(out).toContain('blackhole 10.88.0.0/26 proto bird \n');
    expect(out).toContain('10.88.1.0/26 via 192.168.49.3 dev tunl0 proto bird onlink \n');
    expect(out).toMatch(/tunl0@NONE\s+UNKNOWN\s+10\.88\.0\.0\/32 \n/);
    expect(out).toMatch(/cali95aa86cbb2a@if\d+\s+UP\s+fe80::ecee:eeff:feee:eeee\/64 \n/);
  });

  it('cali veths proxy ARP; pods route through 169.254.1.1', async () => {
    const node = await run(lab, NODE, 'sysctl net.ipv4.conf.cali95aa86cbb2a.proxy_arp');
    expect(node.out).toBe('net.ipv4.conf.cali95aa86cbb2a.proxy_arp = 1\n');
    const pod = await run(lab, FRONTEND, 'ip route; ip -br a show eth0');
    expect(pod.out).toContain('default via 169.254.1.1 dev eth0 \n169.254.1.1 dev eth0 scope link \n');
    expect(pod.out).toMatch(/eth0@if\d+\s+UP\s+10\.88\.0\.24\/32 /);
  });
});

describe("seed 004: felix's rules for allow-db-access", () => {
  it("iptables-save | grep cali95aa86cbb2a shows the seed's endpoint chains (seed lines 681-707)", async () => {
    const { out } = await run(lab, NODE, 'iptables-save | grep cali95aa86cbb2a');
    const lines = out.split('\n');
    expect(lines.slice(0, 2)).toEqual([':cali-fw-cali95aa86cbb2a - [0:0]', ':cali-tw-cali95aa86cbb2a - [0:0]']);
    // Every endpoint-chain rule is the seed's, hashes included (the dispatch rules' hashes depend on
    // the other endpoints on the seed's node, so only their shape is checked).
    for (const seedLine of [
      '-A cali-fw-cali95aa86cbb2a -m comment --comment "cali:3XN24uu3MS3PMvfM" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
      '-A cali-fw-cali95aa86cbb2a -p ipencap -m comment --comment "cali:3bjax7tRUEJ2Uzew" -m comment --comment "Drop IPinIP encapped packets originating in pods" -j DROP',
      '-A cali-fw-cali95aa86cbb2a -m comment --comment "cali:RBmQDo38EoPmxJ0I" -m comment --comment "Drop if no profiles matched" -j DROP',
      '-A cali-tw-cali95aa86cbb2a -m comment --comment "cali:pm-LK-c1ra31tRwz" -m mark --mark 0x0/0x20000 -j cali-pi-_tTE-E7yY40ogArNVgKt',
      '-A cali-tw-cali95aa86cbb2a -m comment --comment "cali:FUDVBYh1Yr6tVRgq" -m comment --comment "Drop if no policies passed packet" -m mark --mark 0x0/0x20000 -j DROP',
      '-A cali-tw-cali95aa86cbb2a -m comment --comment "cali:sMkvrxvxj13WlTMK" -m comment --comment "Drop if no profiles matched" -j DROP',
    ])
      expect(lines).toContain(seedLine);
    expect(out).toMatch(
      /^-A cali-from-wl-dispatch -i cali95aa86cbb2a -m comment --comment "cali:[\w-]{16}" -g cali-fw-cali95aa86cbb2a$/m,
    );
    expect(out).toMatch(
      /^-A cali-to-wl-dispatch -o cali95aa86cbb2a -m comment --comment "cali:[\w-]{16}" -g cali-tw-cali95aa86cbb2a$/m,
    );
    expect(lines.filter((l) => l.startsWith('-A cali-tw-cali95aa86cbb2a'))).toHaveLength(12);
    expect(lines.filter((l) => l.startsWith('-A cali-fw-cali95aa86cbb2a'))).toHaveLength(10);
  });

  it('the policy chain matches the ipset of allowed sources (seed lines 708-711)', async () => {
    const { out } = await run(lab, NODE, 'iptables-save -t filter | grep cali-pi-_tTE-E7yY40ogArNVgKt');
    expect(out).toContain(
      ':cali-pi-_tTE-E7yY40ogArNVgKt - [0:0]\n-A cali-pi-_tTE-E7yY40ogArNVgKt -m comment --comment "cali:M4Und37HGrw6jUk8" -m set --match-set cali40s:LrVD8vMIGQDyv8Y7sPFB1Ge src -j MARK --set-xmark 0x10000/0x10000\n-A cali-pi-_tTE-E7yY40ogArNVgKt -m comment --comment "cali:sEnlfZagUFRSPRoe" -m mark --mark 0x10000/0x10000 -j RETURN\n',
    );
  });

  it('ipset list holds the backend pod in the hash:net set (seed lines 717-726)', async () => {
    const { out } = await run(lab, NODE, 'ipset list cali40s:LrVD8vMIGQDyv8Y7sPFB1Ge');
    expect(out).toMatch(
      /^Name: cali40s:LrVD8vMIGQDyv8Y7sPFB1Ge\nType: hash:net\nRevision: \d+\nHeader: family inet hashsize 1024 maxelem 1048576.*\nSize in memory: \d+\nReferences: \d+\nNumber of entries: 1\nMembers:\n10\.88\.0\.27\n$/,
    );
  });
});

describe('seed 004: the policy on the wire', () => {
  it('frontend reaches backend but its request to db times out (seed lines 557-561)', async () => {
    const toBackend = await run(lab, FRONTEND, 'curl -s -m 2 10.88.0.27 >/dev/null; echo $?');
    expect(toBackend.out).toBe('0\n');
    const toDb = await run(lab, FRONTEND, 'curl -m 2 10.88.0.26; echo $?');
    expect(toDb.out).toContain('28\n');
    expect(toDb.out).toContain('curl: (28) ');
  });

  it("backend reaches db, through db's Service too (seed lines 568-570)", async () => {
    const ip = (await run(lab, 'lab', "kubectl get svc db -o jsonpath='{.spec.clusterIP}'")).out.trim();
    const { out } = await run(
      lab,
      BACKEND,
      `curl -s -m 2 ${ip} >/dev/null; echo $?; curl -s -m 2 10.88.0.26 >/dev/null; echo $?`,
    );
    expect(out).toBe('0\n0\n');
  });
});

describe('seed 004: IPIP between nodes, and felix following the API', () => {
  it('a labelled pod on the other node is added to the set and reaches db over tunl0', async () => {
    const own = openScenario('seed-004-calico.yaml');
    const apply = await run(
      own,
      'lab',
      `kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels:
    networking/allow-db-access: "true"
spec:
  nodeName: minikube-worker
  containers:
  - name: c
    image: nicolaka/netshoot
    command: ["sleep", "infinity"]
EOF`,
    );
    expect(apply.status).toBe(0);
    const ip = (await run(own, 'lab', "kubectl get pod client -o jsonpath='{.status.podIP}'")).out.trim();
    expect(ip).toMatch(/^10\.88\.1\.\d+$/);
    const set = await run(own, NODE, 'ipset list cali40s:LrVD8vMIGQDyv8Y7sPFB1Ge | tail -n 2');
    expect(set.out.split('\n').sort()).toEqual(['', '10.88.0.27', ip].sort());
    // The re-render replaced felix's chains without hooking them into the kernel's chains twice.
    const hooks = await run(
      own,
      NODE,
      'iptables -S FORWARD | grep -c cali-FORWARD; iptables -t nat -S POSTROUTING | grep -c cali-POSTROUTING',
    );
    expect(hooks.out).toBe('1\n1\n');
    const worker = await run(own, 'node/minikube-worker', 'ip route get 10.88.0.26');
    expect(worker.out).toContain('10.88.0.26 via 192.168.49.2 dev tunl0 src 10.88.1.0 uid 0 \n');
    // IPIP as seed 001 captures it on the node NIC: the inner packet inside node-to-node IP protocol 4.
    const cap = await run(
      own,
      'node/minikube-worker',
      'tcpdump -n -i eth0 -c 2 ip proto 4 & sleep 1; ping -c 1 -W 1 10.88.0.24 >/dev/null; wait',
    );
    expect(cap.out).toMatch(
      /IP 192\.168\.49\.3 > 192\.168\.49\.2: IP 10\.88\.1\.0 > 10\.88\.0\.24: ICMP echo request, id \d+, seq 1, length 64\n/,
    );
    expect(cap.out).toMatch(
      /IP 192\.168\.49\.2 > 192\.168\.49\.3: IP 10\.88\.0\.24 > 10\.88\.1\.0: ICMP echo reply, id \d+, seq 1, length 64\n/,
    );
    const curl = await run(own, 'pod/default/client', 'curl -s -m 2 10.88.0.26 >/dev/null; echo $?');
    expect(curl.out).toBe('0\n');
  });
});
