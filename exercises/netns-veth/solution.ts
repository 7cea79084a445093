/**
 * The reference session: what a learner who knows the material types, in two terminals, with
 * virtual timestamps. The capture runs in its own pane and is stopped with Ctrl-C after the ping.
 */
import type { LogEvent } from '../types.ts';
import { detachedPod, type NetnsVethParams, podA, podB } from './params.ts';

const SECOND = 1_000_000;

export function solution(params: NetnsVethParams): LogEvent[] {
  const a = podA(params);
  const b = podB(params);
  const detached = detachedPod(params);
  const gateway = `${params.podNet}.1`;
  const events: LogEvent[] = [];
  let t = 0;
  const run = (line: string, pane = 'host') => {
    t += 3 * SECOND;
    events.push({ t, type: 'command', pane, line });
  };
  const answer = (task: string, check: string, value: string) => {
    t += 2 * SECOND;
    events.push({ t, type: 'answer', task, check, value });
  };
  run(`nsenter -t ${a.pid} -n ip addr`);
  answer('pod-ip', 'answer', a.ip);
  run(`nsenter -t ${b.pid} -n ip link show eth0`);
  run(`ip -o link | grep '^${b.hostIndex}:'`);
  answer('host-veth', 'answer', b.veth);
  run(`ip netns exec ${a.netns} ip route`);
  answer('default-route', 'answer', gateway);
  run(`ip -br link | grep DOWN`);
  run(`ip link set ${detached.veth} master ${params.bridge} up`);
  run(`nsenter -t ${a.pid} -n ping -c 1 ${b.ip}`);
  run(`tcpdump -n -i ${a.veth} icmp`, 'capture');
  run(`nsenter -t ${a.pid} -n ping -c 2 ${b.ip}`);
  t += 4 * SECOND;
  events.push({ t, type: 'interrupt', pane: 'capture' });
  answer('why-index', 'choice', 'unique-in-root');
  return events;
}
