/**
 * The small network the fuzzer attacks, built with the tools themselves: a bridge with two pod
 * namespaces behind veths, a routed peer namespace on a /31, a flannel-style VXLAN device with its
 * neighbour and onlink route, an IPIP tunnel and a dummy device. Lines for tools a host may not have
 * yet (iptables, ipset, conntrack, bridge) run only when the tool is there.
 */
import { LinuxHost } from '../../src/machine/host.ts';
import { splitWords } from '../../src/machine/script.ts';

export const NAMESPACES = ['red', 'blue', 'node2'] as const;
export const DEVICES = ['lo', 'br0', 'veth-red', 'veth-blue', 'veth-n2', 'eth0', 'vxlan0', 'tunl0', 'dummy0'] as const;

/** One line of a script: which namespace runs it (undefined is the root) and its words. */
export interface Step {
  ns?: string;
  argv: string[];
  stdin?: string;
}

const CORE = `
ip netns add red
ip netns add blue
ip netns add node2
ip link add br0 type bridge
ip link set br0 up
ip addr add 10.0.0.1/24 brd + dev br0
ip link add veth-red type veth peer name eth0 netns red
ip link add veth-blue type veth peer name eth0 netns blue
ip link set veth-red master br0
ip link set veth-blue master br0
ip link set veth-red up
ip link set veth-blue up
ip -n red link set lo up
ip -n red link set eth0 up
ip -n red addr add 10.0.0.2/24 dev eth0
ip -n red route add default via 10.0.0.1
ip -n blue link set eth0 up
ip -n blue addr add 10.0.0.3/24 dev eth0
ip -n blue route add default via 10.0.0.1 dev eth0
ip link add veth-n2 type veth peer name eth0 netns node2
ip link set veth-n2 up
ip addr add 192.168.1.0/31 dev veth-n2
ip -n node2 link set eth0 up
ip -n node2 addr add 192.168.1.1/31 dev eth0
ip -n node2 route add 10.0.0.0/24 via 192.168.1.0
ip route add 10.1.0.0/16 via 192.168.1.1 dev veth-n2 metric 100
ip link set lo up
sysctl -w net.ipv4.ip_forward=1
sysctl -w net.ipv4.conf.veth-red.proxy_arp=1
ip link add vxlan0 type vxlan id 1 local 10.0.0.1 dev br0 dstport 8472 nolearning
ip link set vxlan0 up
ip addr add 10.244.0.0/32 dev vxlan0
ip neigh add 10.244.1.0 lladdr 0a:58:0a:f4:01:01 dev vxlan0 nud permanent
ip route add 10.244.1.0/24 via 10.244.1.0 dev vxlan0 onlink
ip link add tunl0 type ipip
ip link set tunl0 up
ip addr add 10.245.0.1/32 dev tunl0
ip link add dummy0 type dummy
ip addr add 10.96.0.10/32 dev dummy0
ip route add blackhole 10.99.0.0/16
ip route add 10.50.0.0/24 dev br0 table 100
ping -c 1 10.0.0.2
ip netns exec red ping -c 1 10.0.0.3
ip netns exec node2 ping -c 1 10.0.0.3
`;

const OPTIONAL = `
bridge fdb append 0a:58:0a:f4:01:01 dev vxlan0 dst 10.0.0.9 self permanent
iptables -t nat -N FUZZ
iptables -t nat -A POSTROUTING -s 10.0.0.0/24 ! -d 10.0.0.0/24 -j MASQUERADE
iptables -A FORWARD -i br0 -j ACCEPT
iptables -A INPUT -p tcp --dport 22 -m comment --comment "ssh in" -j ACCEPT
ipset create KUBE-SET hash:ip,port
ipset add KUBE-SET 10.0.0.2,tcp:80
conntrack -I -p tcp -s 10.0.0.2 -d 10.0.0.3 --sport 40000 --dport 80 --state ESTABLISHED -t 300 -u SEEN_REPLY
conntrack -I -p udp -s 10.0.0.3 -d 10.96.0.10 --sport 5353 --dport 53 -t 30
`;

function steps(text: string): Step[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => ({ argv: splitWords(line) }));
}

export const CORE_STEPS: Step[] = steps(CORE);
const OPTIONAL_STEPS: Step[] = steps(OPTIONAL);

/** Runs one step; `ns` names a namespace under /run/netns, absent or gone means the root. */
export function runStep(host: LinuxHost, step: Step) {
  const ns = step.ns === undefined ? host.kernel.root : (host.kernel.named.get(step.ns) ?? host.kernel.root);
  return host.run(step.argv, ns, step.stdin ?? '');
}

/** The script that builds the topology on a host with these tools. */
export function topologySteps(tools: ReadonlySet<string>): Step[] {
  return [...CORE_STEPS, ...OPTIONAL_STEPS.filter((step) => tools.has(step.argv[0] ?? ''))];
}

/** A fresh host with the topology built; failures of the core lines are returned for the setup test. */
export function buildHost(seed: number): { host: LinuxHost; failures: string[] } {
  const host = new LinuxHost({ seed });
  const failures: string[] = [];
  for (const step of topologySteps(new Set(host.tools.keys()))) {
    const result = runStep(host, step);
    if (result.exitCode !== 0 && CORE_STEPS.includes(step)) {
      failures.push(`${step.argv.join(' ')} -> ${result.exitCode}: ${result.stderr.trim()}`);
    }
  }
  return { host, failures };
}
