/**
 * The node of the netns-veth lab, built with the tools a CNI bridge plugin drives: a bridge with
 * the pod network's first address, and per pod a named namespace, a veth pair (eth0 inside, vethXXXX
 * outside on the bridge), the pod's address and its default route via the bridge. One pod's host
 * end is left down and off the bridge: that is the fault the learner repairs.
 *
 * Interface indexes come from the kernel's counter, as on a node where pods came and went: the
 * script creates and deletes throwaway devices until the counter reaches each pod's index.
 */
import type { Scenario } from '../types.ts';
import { detachedPod, type NetnsVethParams } from './params.ts';

/** The first index the root namespace hands out after lo, eth0 and the bridge. */
const ROOT_FIRST_FREE = 4;
/** The first index a fresh pod namespace hands out after lo. */
const POD_FIRST_FREE = 2;

/** Lines that advance a namespace's ifindex counter by `count` (a veth pair takes two). */
function burn(count: number, ns?: string): string[] {
  const ip = ns === undefined ? 'ip' : `ip -n ${ns}`;
  const lines: string[] = [];
  const pairs = Math.floor(count / 2);
  if (pairs > 0)
    lines.push(
      `for i in $(seq ${pairs}); do ${ip} link add pl-gone type veth peer name pl-gone1; ${ip} link del pl-gone; done`,
    );
  if (count % 2 === 1) lines.push(`${ip} link add pl-gone type dummy`, `${ip} link del pl-gone`);
  return lines;
}

export function scenario(params: NetnsVethParams): Scenario {
  const { bridge, mtu, podNet } = params;
  const gateway = `${podNet}.1`;
  const detached = detachedPod(params);
  const lines = [
    'ip link set lo up',
    'ip link add eth0 type dummy',
    `ip addr add ${params.nodeIp}/24 dev eth0`,
    'ip link set eth0 up',
    `ip route add default via ${params.nodeGateway}`,
    `ip link add ${bridge} mtu ${mtu} type bridge`,
    `ip addr add ${gateway}/24 dev ${bridge}`,
    `ip link set ${bridge} up`,
  ];
  let next = ROOT_FIRST_FREE;
  for (const pod of params.pods) {
    lines.push(...burn(pod.hostIndex - next));
    next = pod.hostIndex + 1;
    const ns = pod.netns;
    lines.push(`ip netns add ${ns}`, `ip -n ${ns} link set lo up`, ...burn(params.podIndex - POD_FIRST_FREE, ns));
    lines.push(`ip link add ${pod.veth} mtu ${mtu} type veth peer name eth0 mtu ${mtu} netns ${ns}`);
    if (pod !== detached) lines.push(`ip link set ${pod.veth} master ${bridge} up`);
    lines.push(
      `ip -n ${ns} addr add ${pod.ip}/24 dev eth0`,
      `ip -n ${ns} link set eth0 up`,
      `ip -n ${ns} route add default via ${gateway}`,
    );
  }
  return {
    hostname: params.hostname,
    engineSeed: params.engineSeed,
    setup: `${lines.join('\n')}\n`,
    processes: params.pods.map((pod) => ({ pid: pod.pid, command: '/pause', netns: pod.netns })),
  };
}
