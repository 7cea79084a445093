/**
 * Seed 000 (/work/shared/seeds/000_f7672c7451cd3d26.txt): a NodePort request traced through
 * kube-proxy's nat chains and flannel's VXLAN, on exercises/scenarios/seed-000-flannel.yaml.
 * Each expectation names the seed line its command or value comes from.
 */
import { describe, expect, it } from 'vitest';
import { openScenario, run } from './run.ts';

const lab = openScenario('seed-000-flannel.yaml');
const MASTER = 'node/k8s-control-plane';
const WORKER = 'node/k8s-worker3';

describe('seed 000: the flannel VXLAN node', () => {
  it('flannel.1 is VNI 1 on port 8472, no learning, MTU 1450, with the lease address as /32', async () => {
    const { out } = await run(lab, WORKER, 'ip -d link show flannel.1; ip -br a show flannel.1');
    expect(out).toMatch(/flannel\.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 /);
    expect(out).toContain('vxlan id 1 local 192.168.100.9 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto');
    expect(out).toMatch(/flannel\.1\s+UNKNOWN\s+10\.244\.3\.0\/32 /);
  });

  it('each remote lease has a permanent neighbour, a self permanent fdb entry and an onlink route', async () => {
    const { out } = await run(
      lab,
      MASTER,
      'ip route; ip neigh show dev flannel.1; bridge fdb show dev flannel.1; ip route get 10.244.3.95',
    );
    for (const n of [1, 2, 3]) {
      expect(out).toContain(`10.244.${n}.0/24 via 10.244.${n}.0 dev flannel.1 onlink \n`);
      expect(out).toMatch(new RegExp(`10\\.244\\.${n}\\.0 lladdr [0-9a-f:]{17} PERMANENT \\n`));
      expect(out).toMatch(new RegExp(`[0-9a-f:]{17} dst 192\\.168\\.100\\.${6 + n} self permanent\\n`));
    }
    // Seed line 122: the master's packets to the pod leave from flannel.1's 10.244.0.0.
    expect(out).toContain('10.244.3.95 via 10.244.3.0 dev flannel.1 src 10.244.0.0 uid 0 \n');
  });

  it('pods hang off cni0 through veth<8 hex> ports with hairpin on (seed lines 154-161)', async () => {
    const { out } = await run(lab, WORKER, 'brctl show; bridge -d link show; ip -br a show cni0');
    expect(out).toMatch(/^cni0\t\t8000\.[0-9a-f]{12}\tno\t\tveth[0-9a-f]{8}\n/m);
    expect(out).toContain('hairpin on');
    expect(out).toMatch(/cni0\s+UP\s+10\.244\.3\.1\/24 /);
    const pod = await run(lab, 'pod/default/hostname-688c7f9d47-lfs8x', 'ip route; ip -br a show eth0');
    expect(pod.out).toContain('default via 10.244.3.1 dev eth0 \n');
    expect(pod.out).toContain('10.244.0.0/16 via 10.244.3.1 dev eth0 \n');
    expect(pod.out).toMatch(/eth0@if\d+\s+UP\s+10\.244\.3\.95\/24 /);
  });

  it('flanneld writes subnet.env and its masquerade and forward rules', async () => {
    const { out } = await run(
      lab,
      MASTER,
      'cat /run/flannel/subnet.env; cat /etc/cni/net.d/10-flannel.conflist; iptables-save | grep -i flannel',
    );
    expect(out).toContain(
      'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.0.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
    );
    expect(out).toContain('"type": "flannel"');
    expect(out).toContain('-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG');
    expect(out).toContain(
      '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
    );
    expect(out).toContain('-A FLANNEL-FWD -s 10.244.0.0/16 -m comment --comment "flanneld forward" -j ACCEPT');
  });
});

describe("seed 000: kube-proxy's chains for the hostname NodePort", () => {
  it('OUTPUT jumps to KUBE-SERVICES from anywhere to anywhere (seed line 71)', async () => {
    const { out } = await run(lab, MASTER, 'iptables --table nat -L OUTPUT | column -t');
    expect(out).toMatch(/^KUBE-SERVICES\s+all\s+--\s+anywhere\s+anywhere\s+\/\*\s+kubernetes\s+service\s+portals/m);
  });

  it('KUBE-SERVICES holds KUBE-SVC-3GKU6HOD7ODCVBMB and ends in KUBE-NODEPORTS (seed lines 84-88)', async () => {
    const { out } = await run(lab, MASTER, 'iptables --table nat -L KUBE-SERVICES -n | column -t');
    expect(out).toMatch(/^KUBE-SVC-3GKU6HOD7ODCVBMB\s.*default\/hostname/m);
    expect(out.trim().split('\n').at(-1)).toMatch(/^KUBE-NODEPORTS\s/);
  });

  it('KUBE-NODEPORTS matches dpt:31921 to KUBE-SVC-3GKU6HOD7ODCVBMB (seed lines 93-95)', async () => {
    const { out } = await run(lab, MASTER, 'iptables --table nat -L KUBE-NODEPORTS -n | column -t');
    expect(out).toMatch(/^KUBE-MARK-MASQ\s.*dpt:31921/m);
    expect(out).toMatch(/^KUBE-SVC-3GKU6HOD7ODCVBMB\s.*dpt:31921/m);
  });

  it('KUBE-SEP-F2HHAFIGNABDY5LO DNATs to 10.244.3.95:8080 (seed lines 114-117)', async () => {
    const { out } = await run(lab, MASTER, 'iptables --table nat -L KUBE-SEP-F2HHAFIGNABDY5LO -n | column -t');
    expect(out).toMatch(/^DNAT\s.*to:10\.244\.3\.95:8080/m);
  });

  it("a request to the node's NodePort is counted in KUBE-SVC-3GKU6HOD7ODCVBMB (seed lines 47, 107)", async () => {
    const own = openScenario('seed-000-flannel.yaml');
    await run(own, 'lab', 'curl -s -m 1 192.168.100.6:31921');
    const { out } = await run(own, MASTER, 'iptables -t nat -L KUBE-SVC-3GKU6HOD7ODCVBMB -nv');
    const counts = out
      .split('\n')
      .filter((l) => l.includes('KUBE-SEP-'))
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
  });
});

describe('seed 000: the packet on flannel.1 and on the wire', () => {
  it('on flannel.1 the SYN leaves from 10.244.0.0 for 10.244.3.95.8080 (seed lines 120-127)', async () => {
    const { out } = await run(
      lab,
      MASTER,
      'tcpdump -i flannel.1 -ne tcp -vv -c 1 & sleep 1; curl -s -m 1 10.244.3.95:8080; wait',
    );
    expect(out).toMatch(/10\.244\.0\.0\.\d+ > 10\.244\.3\.95\.8080: Flags \[S\]/);
    expect(out).toContain('mss 1410');
  });

  it("on eth0 it is UDP to the worker's port 8472, printed as OTV (seed line 136)", async () => {
    const { out } = await run(
      lab,
      MASTER,
      'tcpdump -i eth0 -ne udp -vv -c 1 & sleep 1; curl -s -m 1 10.244.3.95:8080; wait',
    );
    expect(out).toMatch(
      /192\.168\.100\.6\.\d+ > 192\.168\.100\.9\.8472: .*OTV, flags \[I\] \(0x08\), overlay 0, instance 1/,
    );
    expect(out).toMatch(/10\.244\.0\.0\.\d+ > 10\.244\.3\.95\.8080: Flags \[S\]/);
  });
});
