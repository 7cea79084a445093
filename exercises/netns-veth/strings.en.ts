import type { LabStrings } from '../types.ts';

export const en: LabStrings = {
  title: "Inside a pod's network namespace",
  summary:
    'Find a pod’s address and route from inside its namespace, pair its eth0 with the host’s veth, repair a pod that is off the bridge, and watch a ping cross {bridge}.',
  tasks: {
    'pod-ip': {
      title: 'A pod’s address',
      prompt: 'Pod {podA} runs as process {pidA} (its pause container). What is its IP address?',
      hints: [
        'A pod’s network namespace is the one its pause process holds: `nsenter -t {pidA} -n COMMAND` runs COMMAND in it.',
        'Inside the pod, `ip addr` lists eth0 with an `inet` line. Type the address without the `/24`.',
      ],
      checks: {
        looked: {
          what: 'You listed the addresses inside {podA}’s namespace (ip addr, ifconfig or hostname -I there).',
          fail: 'No address listing ran inside {podA}’s namespace; on the host you only see the host’s own addresses.',
        },
        answer: {
          what: 'Your answer is the IPv4 address on eth0 inside {podA}’s namespace.',
          fail: 'That is not an address of {podA}: read the `inet` line of eth0 inside its namespace.',
        },
      },
    },
    'host-veth': {
      title: 'The other end of eth0',
      prompt:
        'Pod {podB} runs as process {pidB}. Its eth0 is one end of a veth pair. Which device in the root namespace is the other end?',
      hints: [
        'Inside {podB}’s namespace, `ip link` shows eth0 as `eth0@ifN`: N is the ifindex of its peer, counted in the peer’s namespace.',
        'On the host, `ip link` starts each device’s line with its index; the line that starts with `N:` is the peer. Type its name (the part before `@`).',
      ],
      checks: {
        looked: {
          what: 'You listed the links inside {podB}’s namespace, where eth0 shows its peer’s index.',
          fail: 'Nothing listed the links inside {podB}’s namespace, so the `@ifN` of its eth0 was never on screen.',
        },
        answer: {
          what: 'Your answer is the name of the root-namespace device paired with {podB}’s eth0.',
          fail: 'That device is not the peer of {podB}’s eth0: match the number after `@if` with the host’s interface indexes.',
        },
      },
    },
    'default-route': {
      title: 'The pod’s way out',
      prompt: 'Show {podA}’s routing table. Which address is its default gateway?',
      hints: [
        'Run `ip route` inside {podA}’s namespace, through `nsenter -t {pidA} -n` or `ip netns exec`.',
        'The gateway is the address after `via` on the `default` line. Compare it with the address of {bridge} on the host.',
      ],
      checks: {
        looked: {
          what: 'You printed the routing table inside {podA}’s namespace (ip route, route or netstat -r there).',
          fail: 'No route listing ran inside {podA}’s namespace; the host’s own table has a different default route.',
        },
        answer: {
          what: 'Your answer is the gateway of the default route inside {podA}’s namespace.',
          fail: 'That is not the gateway of {podA}’s default route: look for `default via …` inside the pod.',
        },
      },
    },
    connect: {
      title: 'Put the pod back on the bridge',
      prompt:
        'A ping from {podA} to {podB} gets no answer: one of the two pods’ host-side veths is down and not attached to {bridge}. Find it and attach it, so the ping works.',
      hints: [
        '`ip -br link` on the host shows every veth with its state; `ip link show master {bridge}` lists the bridge’s ports. Which pod’s veth is missing?',
        '`ip link set DEV master {bridge}` makes DEV a port of the bridge; `ip link set DEV up` brings it up (both fit in one command).',
        'Check with `nsenter -t {pidA} -n ping -c 1 ADDRESS`, using {podB}’s address.',
      ],
      checks: {
        enslaved: {
          what: 'The host end of the detached pod’s veth is a port of {bridge}.',
          fail: 'The detached pod’s host-side veth is still not a port of {bridge}.',
        },
        up: {
          what: 'The host end of the detached pod’s veth is up.',
          fail: 'The detached pod’s host-side veth is still down.',
        },
        ping: {
          what: 'A ping from {podA} to {podB}, sent by the grader, gets a reply.',
          fail: 'The grader’s ping from {podA} to {podB} got no reply.',
        },
      },
    },
    capture: {
      title: 'Watch the ping cross the bridge',
      prompt:
        'In the root namespace, capture a ping between {podA} and {podB} where it crosses the bridge: on {bridge} or on one of its ports (a pod’s host-side veth).',
      hints: [
        'Start `tcpdump -n -i DEVICE icmp` in a second terminal (or with `&`) before you ping, then stop it with Ctrl-C.',
        'A ping that gets through shows both an `ICMP echo request` and an `ICMP echo reply`; if you only see requests, the previous task is not done.',
      ],
      checks: {
        request: {
          what: 'A capture of yours on {bridge} or one of its ports printed an ICMP echo request between the two pods.',
          fail: 'None of your captures on {bridge} or its ports printed an echo request between {podA} and {podB}.',
        },
        reply: {
          what: 'A capture of yours on {bridge} or one of its ports printed the ICMP echo reply.',
          fail: 'None of your captures on {bridge} or its ports printed an echo reply between the pods.',
        },
      },
    },
    'why-index': {
      title: 'Why the index matters',
      prompt:
        'In {podA}, eth0 reads `eth0@if{hostIndexA}`; on the host, every pod’s veth reads `veth…@if{podIndex}`. Which statement explains why the pod’s side identifies the pair?',
      hints: [
        'Interface indexes are counted per network namespace. Compare the indexes of eth0 in two different pods.',
        'On the host, look at the number after `@if` on each pod’s veth: do the numbers differ?',
      ],
      checks: {
        choice: {
          what: 'You picked the statement that matches how Linux numbers interfaces.',
          fail: 'That statement does not hold; think about which namespace each number is counted in.',
        },
      },
      choices: {
        'unique-in-root':
          'Indexes are counted per namespace: every pod’s eth0 is {podIndex} in its own namespace, so `@if{podIndex}` on the host fits every pod, while {hostIndexA} names exactly one device in the root namespace.',
        pid: '{hostIndexA} is the PID of the pod’s pause process, which `nsenter -t` needs.',
        'global-index':
          'Interface indexes are unique across the whole host, so `@if{podIndex}` on the host already names exactly one pod.',
        'bridge-port':
          '{hostIndexA} is the number of the pod’s port on {bridge}, which decides where the bridge forwards frames.',
      },
    },
  },
};
