import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KindLab } from './contexts.ts';

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

const lab = KindLab.open(SEED_002);

describe('CoreDNS on the seed 002 kind cluster', () => {
  it('kube-dns is the service range’s tenth address, CoreDNS runs on the control plane', async () => {
    expect((await run(lab, 'lab', 'kubectl get service -n kube-system kube-dns')).out).toBe(
      [
        'NAME       TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)                  AGE',
        'kube-dns   ClusterIP   10.200.1.10   <none>        53/UDP,53/TCP,9153/TCP   18h',
        '',
      ].join('\n'),
    );
    const pods = (await run(lab, 'lab', 'kubectl get pods -n kube-system -o wide')).out;
    expect(pods).toMatch(/coredns-[0-9a-f]{8,10}-[a-z0-9]{5} +1\/1 +Running .* 10\.10\.0\.2 +myk8s-control-plane/);
    expect(pods).toMatch(/coredns-[0-9a-f]{8,10}-[a-z0-9]{5} +1\/1 +Running .* 10\.10\.0\.3 +myk8s-control-plane/);
    const rules = (await run(lab, 'node/myk8s-worker', 'iptables -t nat -S KUBE-SERVICES')).out;
    expect(rules).toContain('-d 10.200.1.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP"');
  });

  it('dig from a node answers the kubernetes Service IP in dig 9.18’s format', async () => {
    const { out, status } = await run(
      lab,
      'node/myk8s-control-plane',
      'dig kubernetes.default.svc.cluster.local @10.200.1.10',
    );
    expect(status).toBe(0);
    const masked = out.replace(/id: \d+/, 'id: N').replace(/COOKIE: [0-9a-f]{16}/, 'COOKIE: C');
    expect(masked).toBe(
      [
        '',
        '; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> kubernetes.default.svc.cluster.local @10.200.1.10',
        ';; global options: +cmd',
        ';; Got answer:',
        ';; WARNING: .local is reserved for Multicast DNS',
        ';; You are currently testing what happens when an mDNS query is leaked to DNS',
        ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: N',
        ';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1',
        ';; WARNING: recursion requested but not available',
        '',
        ';; OPT PSEUDOSECTION:',
        '; EDNS: version: 0, flags:; udp: 1232',
        '; COOKIE: C (echoed)',
        ';; QUESTION SECTION:',
        ';kubernetes.default.svc.cluster.local. IN A',
        '',
        ';; ANSWER SECTION:',
        'kubernetes.default.svc.cluster.local. 30 IN A\t10.200.1.1',
        '',
        ';; Query time: 0 msec',
        ';; SERVER: 10.200.1.10#53(10.200.1.10) (UDP)',
        ';; WHEN: Sat Sep 28 22:08:20 UTC 2024',
        ';; MSG SIZE  rcvd: 129',
        '',
        '',
      ].join('\n'),
    );
  });

  it('nslookup in net-pod walks the search list of its resolv.conf', async () => {
    const { out, status } = await run(lab, 'lab', 'kubectl exec -it net-pod -- nslookup svc-clusterip.default');
    expect(status).toBe(0);
    expect(out).toBe(
      'Server:\t\t10.200.1.10\nAddress:\t10.200.1.10#53\n\nName:\tsvc-clusterip.default.svc.cluster.local\nAddress: 10.200.1.63\n\n',
    );
    const missing = await run(lab, 'pod/default/net-pod', 'nslookup nope');
    expect(missing.status).toBe(1);
    expect(missing.out).toContain("** server can't find nope: NXDOMAIN");
  });

  it('PTR for a Service IP and an endpoint pod IP; SRV for a named port', async () => {
    expect((await run(lab, 'pod/default/net-pod', 'dig +short -x 10.10.1.3')).out).toBe(
      '10-10-1-3.svc-clusterip.default.svc.cluster.local.\n',
    );
    expect((await run(lab, 'pod/default/net-pod', 'dig +short -x 10.200.1.63')).out).toBe(
      'svc-clusterip.default.svc.cluster.local.\n',
    );
    expect(
      (
        await run(
          lab,
          'pod/default/net-pod',
          'dig +short SRV _svc-webport._tcp.svc-clusterip.default.svc.cluster.local',
        )
      ).out,
    ).toBe('0 100 9000 svc-clusterip.default.svc.cluster.local.\n');
    expect((await run(lab, 'pod/default/net-pod', 'dig +short 10-10-0-6.default.pod.cluster.local')).out).toBe(
      '10.10.0.6\n',
    );
  });

  it('a headless service answers with its ready pods’ IPs', async () => {
    const fresh = KindLab.open(SEED_002);
    const applied = await run(
      fresh,
      'lab',
      `cat <<EOT | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: web-hs
spec:
  clusterIP: None
  selector:
    app: webpod
  ports:
    - name: http
      port: 80
EOT`,
    );
    expect(applied.out).toBe('service/web-hs created\n');
    const { out } = await run(fresh, 'pod/default/net-pod', 'dig +short web-hs.default.svc.cluster.local');
    expect(out.split('\n').filter(Boolean).sort()).toEqual(['10.10.1.3', '10.10.2.4', '10.10.3.3']);
    const nxdomain = await run(fresh, 'pod/default/net-pod', 'dig nope.default.svc.cluster.local');
    expect(nxdomain.out).toContain('status: NXDOMAIN');
    expect(nxdomain.out).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 1');
  });
});
