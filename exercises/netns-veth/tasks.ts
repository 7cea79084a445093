/**
 * The netns-veth tasks and their checks. Every expected value is read from the engine when the
 * check runs (a pod's namespace is the one its pause process holds), never copied from the
 * parameters, so a learner who renames or re-addresses something is judged on what is there.
 */
import { RT_TABLE } from '../../src/engine/linux/fib.ts';
import type { NetNs } from '../../src/engine/linux/netns.ts';
import { formatIpv4 } from '../../src/engine/wire/addr.ts';
import { commandsIn, isEchoBetween, isIpShow, printedEcho } from '../observe.ts';
import type { Task, World } from '../types.ts';
import { detachedPod, type NetnsVethParams, type Pod, podA, podB } from './params.ts';

type W = World<NetnsVethParams>;

function nsOf(world: W, pod: Pod): NetNs | undefined {
  return world.host.processes.get(pod.pid)?.netns;
}

/** The pod's global IPv4 addresses, as `ip addr` inside it lists them. */
function podAddresses(world: W, pod: Pod): string[] {
  const ns = nsOf(world, pod);
  if (!ns) return [];
  return ns.addrs
    .filter((a) => a.scope === 0 && ns.links.get(a.ifindex)?.kind !== 'loopback')
    .map((a) => formatIpv4(a.local));
}

/** The other end of the pod's eth0, when it is in the root namespace. */
function hostEnd(world: W, pod: Pod) {
  const eth0 = nsOf(world, pod)?.linkByName('eth0');
  if (eth0?.kind !== 'veth' || eth0.peer.netns !== world.host.kernel.root) return undefined;
  return eth0.peer;
}

/** Whether the learner ran one of `accepts` in the pod's namespace. */
function ranInPod(
  world: W,
  pod: Pod,
  accepts: (argv: string[], ip: ReturnType<typeof commandsIn>[number]['ip']) => boolean,
) {
  const ns = nsOf(world, pod);
  return ns !== undefined && commandsIn(world.observed, ns, world.host).some(({ run, ip }) => accepts(run.argv, ip));
}

/** The devices where a ping between the pods crosses the root namespace: the bridge and its ports. */
function bridgePath(world: W): Set<string> {
  const root = world.host.kernel.root;
  const bridge = root.linkByName(world.params.bridge);
  const names = new Set<string>([world.params.bridge]);
  for (const pod of [podA(world.params), podB(world.params)]) {
    const end = hostEnd(world, pod);
    if (end) names.add(end.name);
  }
  if (bridge?.kind === 'bridge') for (const port of root.bridgePorts(bridge)) names.add(port.name);
  return names;
}

function capturedEcho(world: W, type: 0 | 8): boolean {
  const root = world.host.kernel.root;
  const path = bridgePath(world);
  const [a] = podAddresses(world, podA(world.params));
  const [b] = podAddresses(world, podB(world.params));
  if (a === undefined || b === undefined) return false;
  return world.observed.captures.some(
    (capture) =>
      capture.ns === root &&
      printedEcho(capture, type) &&
      capture.frames.some(({ link, frame }) => path.has(link.name) && isEchoBetween(frame, a, b, type)),
  );
}

export const tasks: Task<NetnsVethParams>[] = [
  {
    id: 'pod-ip',
    checks: [
      {
        id: 'looked',
        kind: 'observe',
        points: 1,
        hint: 0,
        holds: (world) =>
          ranInPod(
            world,
            podA(world.params),
            (argv, ip) =>
              (ip !== undefined && isIpShow(ip, 'address')) ||
              argv[0] === 'ifconfig' ||
              (argv[0] === 'hostname' && argv.includes('-I')),
          ),
      },
      {
        id: 'answer',
        kind: 'answer',
        compare: 'ipv4',
        points: 2,
        hint: 1,
        expected: (world) => podAddresses(world, podA(world.params)),
      },
    ],
  },
  {
    id: 'host-veth',
    checks: [
      {
        id: 'looked',
        kind: 'observe',
        points: 1,
        hint: 0,
        holds: (world) =>
          ranInPod(
            world,
            podB(world.params),
            (_argv, ip) => ip !== undefined && (isIpShow(ip, 'link') || isIpShow(ip, 'address')),
          ),
      },
      {
        id: 'answer',
        kind: 'answer',
        compare: 'ifname',
        points: 2,
        hint: 1,
        expected: (world) => {
          const end = hostEnd(world, podB(world.params));
          return end ? [end.name] : [];
        },
      },
    ],
  },
  {
    id: 'default-route',
    checks: [
      {
        id: 'looked',
        kind: 'observe',
        points: 1,
        hint: 0,
        holds: (world) =>
          ranInPod(
            world,
            podA(world.params),
            (argv, ip) =>
              (ip !== undefined && isIpShow(ip, 'route')) ||
              argv[0] === 'route' ||
              (argv[0] === 'netstat' && argv.some((a) => /^-\w*r/.test(a))),
          ),
      },
      {
        id: 'answer',
        kind: 'answer',
        compare: 'ipv4',
        points: 1,
        hint: 1,
        expected: (world) => {
          const main = nsOf(world, podA(world.params))?.table(RT_TABLE.main);
          const route = main?.routes.find((r) => r.dst === 0 && r.len === 0 && r.gateway !== undefined);
          return route?.gateway !== undefined ? [formatIpv4(route.gateway)] : [];
        },
      },
    ],
  },
  {
    id: 'connect',
    checks: [
      {
        id: 'enslaved',
        kind: 'state',
        points: 1,
        hint: 0,
        holds: (world) => {
          const end = hostEnd(world, detachedPod(world.params));
          const bridge = world.host.kernel.root.linkByName(world.params.bridge);
          return end !== undefined && bridge !== undefined && end.master === bridge.ifindex;
        },
      },
      {
        id: 'up',
        kind: 'state',
        points: 1,
        hint: 1,
        holds: (world) => hostEnd(world, detachedPod(world.params))?.adminUp === true,
      },
      {
        id: 'ping',
        kind: 'state',
        points: 2,
        hint: 2,
        holds: (world) => {
          const from = nsOf(world, podA(world.params));
          const [to] = podAddresses(world, podB(world.params));
          if (from === undefined || to === undefined) return false;
          return world.host.run(['ping', '-c', '1', '-W', '1', to], from).exitCode === 0;
        },
      },
    ],
  },
  {
    id: 'capture',
    checks: [
      { id: 'request', kind: 'observe', points: 1, hint: 0, holds: (world) => capturedEcho(world, 8) },
      { id: 'reply', kind: 'observe', points: 1, hint: 1, holds: (world) => capturedEcho(world, 0) },
    ],
  },
  {
    id: 'why-index',
    checks: [
      {
        id: 'choice',
        kind: 'choice',
        points: 2,
        hint: 0,
        choices: (params) => params.choiceOrder,
        correct: 'unique-in-root',
      },
    ],
  },
];
