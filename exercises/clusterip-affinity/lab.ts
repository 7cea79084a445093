/**
 * clusterip-affinity: the ClusterIP part of seed 002 on a kind cluster. Three whoami pods sit behind
 * a ClusterIP Service; from a netshoot pod the learner finds a pod's address and node, walks
 * kube-proxy's nat chains from KUBE-SERVICES to the KUBE-SEP chain that DNATs to a pod, reads the
 * jump probabilities, finds the translation in conntrack, counts 100 requests per pod, turns on
 * ClientIP session affinity and watches the spread collapse, and says why no interface holds the
 * Service's address.
 */
import type { Lab } from '../types.ts';
import { type ClusterIpParams, canonical, randomise } from './params.ts';
import { scenario } from './scenario.ts';
import { solution } from './solution.ts';
import { en } from './strings.en.ts';
import { ko } from './strings.ko.ts';
import { tasks } from './tasks.ts';

export const clusterIpAffinity: Lab<ClusterIpParams> = {
  id: 'clusterip-affinity',
  title: { en: en.title, ko: ko.title },
  seeds: ['002_e22ae9a170072dc7'],
  chapter: 'clusterip-affinity',
  canonical,
  randomise,
  scenario,
  vars: (params) => ({
    service: params.service,
    clusterIP: params.clusterIP,
    port: params.port,
    targetPort: 80,
    app: params.app,
    client: params.client.name,
    clientIP: params.client.ip,
    clientNode: params.client.node,
    ipPod: params.web[params.ipPod]?.name ?? '',
    sepPod: params.web[params.sepPod]?.name ?? '',
    web1: params.web[0].name,
    web2: params.web[1].name,
    web3: params.web[2].name,
  }),
  tasks,
  strings: { en, ko },
  solution,
};
