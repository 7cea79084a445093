/**
 * The reference session, typed on the lab machine as seed 002 does it: kubectl for the objects,
 * `docker exec` into the client's node for iptables and conntrack, `kubectl exec` into the client
 * pod for the requests. Chain names and probabilities are what kube-proxy derives from the
 * Service's names and endpoints; the conntrack answer is a web pod the 100 requests reached.
 */
import { endpointChain, serviceChains, servicePortName } from '../../src/engine/k8s/kube-proxy/names.ts';
import type { LogEvent } from '../types.ts';
import { type ClusterIpParams, jumpProbability, type PodPlace, TARGET_PORT } from './params.ts';

const SECOND = 1_000_000;

export function chainNames(params: ClusterIpParams): { svc: string; sep: (pod: PodPlace) => string } {
  const portName = servicePortName('default', params.service, params.portName);
  return {
    svc: serviceChains(portName, 'tcp').cluster,
    sep: (pod) => endpointChain(portName, 'tcp', `${pod.ip}:${TARGET_PORT}`),
  };
}

/** The seed's loop: 100 requests from the client pod, counted per answering pod. */
export function loopLine(params: ClusterIpParams): string {
  return `kubectl exec -it ${params.client.name} -- zsh -c "for i in {1..100}; do curl -s ${params.clusterIP}:${params.port} | grep Hostname; done | sort | uniq -c | sort -nr"`;
}

export function solution(params: ClusterIpParams): LogEvent[] {
  const events: LogEvent[] = [];
  const chains = chainNames(params);
  const asked = params.web[params.ipPod] as PodPlace;
  const sepPod = params.web[params.sepPod] as PodPlace;
  const node = params.client.node;
  let t = 0;
  const run = (line: string, after = 3) => {
    t += after * SECOND;
    events.push({ t, type: 'command', pane: 'lab', line });
  };
  const answer = (task: string, check: string, value: string) => {
    t += 2 * SECOND;
    events.push({ t, type: 'answer', task, check, value });
  };
  run('kubectl get pod -owide');
  answer('pod-ip', 'ip', asked.ip);
  answer('pod-ip', 'node', asked.node);
  run(`kubectl get svc ${params.service} -owide`);
  run(`docker exec ${node} iptables -t nat -S KUBE-SERVICES`);
  answer('svc-chain', 'answer', chains.svc);
  params.web.forEach((pod, i) => {
    answer('probability', `web${i + 1}`, jumpProbability(params, pod));
  });
  run(`docker exec ${node} iptables -v --numeric --table nat --list ${chains.svc}`);
  run(`docker exec ${node} iptables -t nat -S ${chains.sep(sepPod)}`);
  answer('sep-chain', 'answer', chains.sep(sepPod));
  run(loopLine(params));
  run(`docker exec ${node} conntrack -L --src ${params.client.ip}`, 60);
  answer('conntrack', 'answer', `${(params.web[0] as PodPlace).ip}:${TARGET_PORT}`);
  run(`kubectl patch svc ${params.service} -p '{"spec":{"sessionAffinity":"ClientIP"}}'`);
  run(loopLine(params));
  run(`docker exec ${node} iptables -t nat -S | grep recent`, 60);
  answer('why-vip', 'choice', 'nat-only');
  return events;
}
