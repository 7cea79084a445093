// The engine on a kind-sized cluster: 4 nodes on a docker-style bridge in a "kind" namespace and
// 50 pods, built with the tools themselves, once with kindnet's ptp routing and once with flannel's
// VXLAN. Reports the wall time of one `ping -c 1` between pods on different nodes (the only
// request/response walk the engine has until TCP lands), the p50/p99 of every inspection command,
// and the heap the topology takes. Targets: a walk under 1 ms, every inspection under 5 ms at p99.
// p99s are wall-clock and include GC pauses and whatever else the machine runs: compare on a quiet one.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { CommandOutput } from '../../src/commands/types.ts';
import type { VxlanLink } from '../../src/engine/linux/links.ts';
import type { NetNs } from '../../src/engine/linux/netns.ts';
import { listenFor, nginxHandler, serveHttp } from '../../src/engine/linux/servers.ts';
import { LinuxHost } from '../../src/machine/host.ts';
import type { BenchContext } from './run.ts';

const NODES = 4;
const PODS = 50;
const PING_RUNS = 400;
const INSPECT_RUNS = 300;

interface Pod {
  name: string;
  node: number;
  ip: string;
}

interface Cluster {
  host: LinuxHost;
  pods: Pod[];
  commands: number;
  failures: string[];
}

/** Runs one line in the root namespace and keeps what failed, so a broken build shows in the report. */
function runner(host: LinuxHost, failures: string[]) {
  let commands = 0;
  const run = (line: string): CommandOutput => {
    commands++;
    const result = host.run(line.split(' '));
    if (result.exitCode !== 0) failures.push(`${line}: ${result.stderr.trim()}`);
    return result;
  };
  return { run, count: () => commands };
}

const nodeIp = (n: number) => `172.18.0.${n + 2}`;
const podIp = (n: number, k: number) => `10.244.${n + 1}.${k + 2}`;
const vtepMac = (n: number) => `02:fa:00:00:00:${(n + 1).toString(16).padStart(2, '0')}`;

/** The kind network and its nodes: `eth0` of every node is a veth into the bridge of "kind". */
function buildNodes(run: (line: string) => CommandOutput): void {
  run('ip netns add kind');
  run('ip -n kind link add kind-br type bridge');
  run('ip -n kind addr add 172.18.0.1/16 dev kind-br');
  run('ip -n kind link set kind-br up');
  for (let n = 0; n < NODES; n++) {
    const node = `node${n + 1}`;
    run(`ip netns add ${node}`);
    run(`ip -n kind link add veth-${node} type veth peer name eth0 netns ${node}`);
    run(`ip -n kind link set veth-${node} master kind-br`);
    run(`ip -n kind link set veth-${node} up`);
    run(`ip -n ${node} link set lo up`);
    run(`ip -n ${node} addr add ${nodeIp(n)}/16 dev eth0`);
    run(`ip -n ${node} link set eth0 up`);
    run(`ip -n ${node} route add default via 172.18.0.1 dev eth0 onlink`);
  }
}

function podsOf(n: number): number {
  return Math.floor(PODS / NODES) + (n < PODS % NODES ? 1 : 0);
}

/** kindnet: ptp veths with the node's gateway /32 on each, a /32 route per pod, podCIDR routes via eth0. */
function kindnet(): Cluster {
  const host = new LinuxHost({ seed: 7 });
  const failures: string[] = [];
  const { run, count } = runner(host, failures);
  buildNodes(run);
  const pods: Pod[] = [];
  for (let n = 0; n < NODES; n++) {
    const node = `node${n + 1}`;
    const gateway = `10.244.${n + 1}.1`;
    for (let k = 0; k < podsOf(n); k++) {
      const pod = `pod-${n + 1}-${k}`;
      const ip = podIp(n, k);
      const veth = `veth${(n * 256 + k).toString(16).padStart(8, '0')}`;
      run(`ip netns add ${pod}`);
      run(`ip -n ${node} link add ${veth} type veth peer name eth0 netns ${pod}`);
      run(`ip -n ${node} addr add ${gateway}/32 dev ${veth}`);
      run(`ip -n ${node} link set ${veth} up`);
      run(`ip -n ${node} route add ${ip} dev ${veth} scope host`);
      run(`ip -n ${pod} link set lo up`);
      run(`ip -n ${pod} addr add ${ip}/24 dev eth0`);
      run(`ip -n ${pod} link set eth0 up`);
      run(`ip -n ${pod} route del 10.244.${n + 1}.0/24 dev eth0`);
      run(`ip -n ${pod} route add ${gateway} dev eth0 scope link src ${ip}`);
      run(`ip -n ${pod} route add 10.244.${n + 1}.0/24 via ${gateway} dev eth0 src ${ip}`);
      run(`ip -n ${pod} route add default via ${gateway} dev eth0`);
      pods.push({ name: pod, node: n, ip });
    }
    for (let m = 0; m < NODES; m++) {
      if (m !== n) run(`ip -n ${node} route add 10.244.${m + 1}.0/24 via ${nodeIp(m)} dev eth0`);
    }
    run(`ip netns exec ${node} sysctl -w net.ipv4.ip_forward=1`);
  }
  return { host, pods, commands: count(), failures };
}

/** flannel: a cni0 bridge per node, flannel.1 with a neighbour, an FDB entry and an onlink route per peer. */
function flannel(): Cluster {
  const host = new LinuxHost({ seed: 8 });
  const failures: string[] = [];
  const { run, count } = runner(host, failures);
  buildNodes(run);
  const pods: Pod[] = [];
  for (let n = 0; n < NODES; n++) {
    const node = `node${n + 1}`;
    const gateway = `10.244.${n + 1}.1`;
    run(
      `ip -n ${node} link add flannel.1 address ${vtepMac(n)} type vxlan id 1 local ${nodeIp(n)} dev eth0 nolearning`,
    );
    run(`ip -n ${node} addr add 10.244.${n + 1}.0/32 dev flannel.1`);
    run(`ip -n ${node} link set flannel.1 up`);
    run(`ip -n ${node} link add cni0 type bridge`);
    run(`ip -n ${node} addr add ${gateway}/24 brd + dev cni0`);
    run(`ip -n ${node} link set cni0 up`);
    for (let k = 0; k < podsOf(n); k++) {
      const pod = `pod-${n + 1}-${k}`;
      const ip = podIp(n, k);
      const veth = `veth${(n * 256 + k).toString(16).padStart(8, '0')}`;
      run(`ip netns add ${pod}`);
      run(`ip -n ${node} link add ${veth} type veth peer name eth0 netns ${pod}`);
      run(`ip -n ${node} link set ${veth} master cni0`);
      run(`ip -n ${node} link set ${veth} up`);
      run(`ip -n ${pod} link set lo up`);
      run(`ip -n ${pod} addr add ${ip}/24 brd + dev eth0`);
      run(`ip -n ${pod} link set eth0 up`);
      run(`ip -n ${pod} route add default via ${gateway} dev eth0`);
      run(`ip -n ${pod} route add 10.244.0.0/16 via ${gateway} dev eth0`);
      pods.push({ name: pod, node: n, ip });
    }
    for (let m = 0; m < NODES; m++) {
      if (m === n) continue;
      run(`ip -n ${node} neigh add 10.244.${m + 1}.0 lladdr ${vtepMac(m)} dev flannel.1 nud permanent`);
      addFdb(host, run, node, vtepMac(m), nodeIp(m));
      run(`ip -n ${node} route add 10.244.${m + 1}.0/24 via 10.244.${m + 1}.0 dev flannel.1 onlink`);
    }
    run(`ip netns exec ${node} sysctl -w net.ipv4.ip_forward=1`);
  }
  return { host, pods, commands: count(), failures };
}

/** `bridge fdb append … self permanent` when the host has `bridge`; else the same entry put in directly. */
function addFdb(host: LinuxHost, run: (line: string) => CommandOutput, node: string, mac: string, dst: string): void {
  if (host.tools.has('bridge')) {
    run(`ip netns exec ${node} bridge fdb append ${mac} dev flannel.1 dst ${dst} self permanent`);
    return;
  }
  const ns = host.kernel.named.get(node) as NetNs;
  const dev = ns.linkByName('flannel.1') as VxlanLink;
  const [a, b, c, d] = dst.split('.').map(Number) as [number, number, number, number];
  dev.fdb.push({ mac, dst: ((a << 24) | (b << 16) | (c << 8) | d) >>> 0, permanent: true, local: false, updated: 0 });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

/** Times `runs` calls after `warmup` untimed ones; sorted milliseconds. */
function timeRuns(runs: number, call: (i: number) => void, warmup = 20): number[] {
  for (let i = 0; i < warmup; i++) call(i);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    call(i);
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b);
}

/** Pairs of pods on different nodes, in a fixed order. */
function crossNodePairs(pods: Pod[]): [Pod, Pod][] {
  const pairs: [Pod, Pod][] = [];
  for (const a of pods) for (const b of pods) if (a.node !== b.node) pairs.push([a, b]);
  return pairs.filter((_, i) => i % 7 === 0);
}

function benchPings(ctx: BenchContext, label: string, cluster: Cluster): void {
  const { host } = cluster;
  const pairs = crossNodePairs(cluster.pods);
  const ping = ([from, to]: [Pod, Pod]) =>
    host.run(['ping', '-c', '1', to.ip], host.kernel.named.get(from.name) as NetNs);
  // A first ping between two pods also resolves the pod and node neighbours (ARP on three links).
  const cold = timeRuns(Math.min(pairs.length, 200), (i) => ping(pairs[i % pairs.length] as [Pod, Pod]), 0);
  let failed = 0;
  let sample = '';
  const warm = timeRuns(PING_RUNS, (i) => {
    const result = ping(pairs[i % Math.min(pairs.length, 200)] as [Pod, Pod]);
    if (result.exitCode !== 0) {
      failed++;
      sample ||= result.stdout.split('\n').slice(0, 3).join(' | ');
    }
  });
  const note =
    failed > 0 ? `${failed} of ${PING_RUNS} pings FAILED, e.g. ${sample}` : 'target < 1 ms per request/response walk';
  ctx.report(`${label}: ping -c 1 pod to pod across nodes, median`, percentile(warm, 50), 'ms', note);
  ctx.report(`${label}:   p99`, percentile(warm, 99), 'ms');
  ctx.report(`${label}:   first ping of a pair (ARP on the way), median`, percentile(cold, 50), 'ms');
}

/** An HTTP request and its response between pods on different nodes: curl against a served pod. */
function benchHttp(ctx: BenchContext, label: string, cluster: Cluster): void {
  const { host } = cluster;
  const pairs = crossNodePairs(cluster.pods).slice(0, 50);
  const servers = new Set<string>();
  for (const [, to] of pairs) {
    if (servers.has(to.name)) continue;
    const ns = host.kernel.named.get(to.name) as NetNs;
    const listener = listenFor(host.kernel, { ns, addr: 0, port: 80 });
    if (typeof listener === 'string') throw new Error(`listen in ${to.name}: ${listener}`);
    serveHttp(listener, nginxHandler);
    servers.add(to.name);
  }
  const curl = ([from, to]: [Pod, Pod]) =>
    host.run(
      ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://${to.ip}/`],
      host.kernel.named.get(from.name) as NetNs,
    );
  let failed = 0;
  let sample = '';
  const times = timeRuns(PING_RUNS, (i) => {
    const result = curl(pairs[i % pairs.length] as [Pod, Pod]);
    if (result.exitCode !== 0 || result.stdout !== '200') {
      failed++;
      sample ||= `${result.exitCode} ${result.stdout}${result.stderr}`.slice(0, 80);
    }
  });
  const note =
    failed > 0
      ? `${failed} of ${PING_RUNS} requests FAILED, e.g. ${sample}`
      : 'TCP handshake, GET, response, close; target < 1 ms';
  ctx.report(`${label}: curl pod to pod across nodes (HTTP 200), median`, percentile(times, 50), 'ms', note);
  ctx.report(`${label}:   p99`, percentile(times, 99), 'ms');
}

/** What each tool is asked on a node; tools not listed here run with no arguments. */
const INSPECTIONS: Record<string, string[][]> = {
  ip: [
    ['ip', 'a'],
    ['ip', '-br', 'a'],
    ['ip', 'route'],
    ['ip', 'route', 'get', '10.244.3.2'],
    ['ip', 'neigh'],
    ['ip', 'link'],
    ['ip', '-d', 'link', 'show'],
    ['ip', '-s', 'link'],
    ['ip', 'route', 'show', 'table', 'all'],
    ['ip', 'netns', 'list'],
  ],
  sysctl: [
    ['sysctl', 'net.ipv4.ip_forward'],
    ['sysctl', '-a'],
  ],
  ping: [],
  cat: [['cat', '/proc/sys/net/ipv4/ip_forward']],
  arp: [['arp', '-n']],
  route: [['route', '-n']],
  conntrack: [['conntrack', '-L']],
  ipset: [['ipset', 'list']],
  iptables: [
    ['iptables', '-S'],
    ['iptables', '-L', '-n', '-v'],
    ['iptables', '-t', 'nat', '-S'],
  ],
  'iptables-save': [['iptables-save']],
  bridge: [
    ['bridge', 'fdb', 'show'],
    ['bridge', 'link'],
  ],
  tcpdump: [['tcpdump', '--version']],
};

function benchInspections(ctx: BenchContext, label: string, cluster: Cluster, gc: () => void): void {
  const { host } = cluster;
  const node = host.kernel.named.get('node1') as NetNs;
  const lines = [...host.tools.keys()].flatMap((tool) => INSPECTIONS[tool] ?? [[tool]]);
  let worst = 0;
  for (const argv of lines) {
    let status = 0;
    gc();
    const times = timeRuns(INSPECT_RUNS, () => {
      status = host.run(argv, node).exitCode;
    });
    const p99 = percentile(times, 99);
    worst = Math.max(worst, p99);
    const note = `p99 ${p99.toFixed(3)} ms${p99 > 5 ? ', OVER the 5 ms target' : ''}${status !== 0 ? `, exit ${status}` : ''}`;
    ctx.report(`${label}: ${argv.join(' ')} (p50)`, percentile(times, 50), 'ms', note);
  }
  ctx.report(`${label}: worst inspection p99`, worst, 'ms', 'target < 5 ms');
}

/** global.gc when node runs with --expose-gc, else the same function fetched through V8's flags. */
function collector(): { gc: () => void; how: string } {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return { gc: exposed, how: 'global.gc' };
  setFlagsFromString('--expose-gc');
  return { gc: runInNewContext('gc') as () => void, how: 'gc via v8.setFlagsFromString' };
}

function heapOf(build: () => Cluster, gc: () => void): { cluster: Cluster; bytes: number; ms: number } {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  const cluster = build();
  const ms = performance.now() - start;
  gc();
  gc();
  return { cluster, bytes: process.memoryUsage().heapUsed - before, ms };
}

export default function (ctx: BenchContext) {
  const { gc, how } = collector();
  // One throwaway build of each, so compiled code and lazily made tables are not counted as topology.
  kindnet();
  flannel();
  for (const [label, build] of [
    ['kindnet', kindnet],
    ['flannel vxlan', flannel],
  ] as const) {
    const { cluster, bytes, ms } = heapOf(build, gc);
    const broken =
      cluster.failures.length > 0 ? `; ${cluster.failures.length} commands FAILED, first: ${cluster.failures[0]}` : '';
    ctx.report(`${label}: build ${NODES} nodes + ${PODS} pods`, ms, 'ms', `${cluster.commands} commands${broken}`);
    ctx.report(
      `${label}: heap used by the topology`,
      bytes / 1024,
      'KiB',
      `${how}; ${(bytes / 1024 / PODS).toFixed(1)} KiB per pod`,
    );
    gc();
    benchPings(ctx, label, cluster);
    gc();
    benchHttp(ctx, label, cluster);
    gc();
    benchInspections(ctx, label, cluster, gc);
  }
}
