/**
 * netns-veth: the network-namespace part of seed 003 on a plain node. Two pods (and a few others)
 * sit on a CNI bridge; the learner finds a pod's address and route from inside its namespace, pairs
 * its eth0 with the host's veth by interface index, reattaches a pod whose veth is off the bridge,
 * captures a ping on the bridge's path and says why the pod side's index identifies the pair.
 */
import type { Lab } from '../types.ts';
import { canonical, type NetnsVethParams, podA, podB, randomise } from './params.ts';
import { scenario } from './scenario.ts';
import { solution } from './solution.ts';
import { en } from './strings.en.ts';
import { ko } from './strings.ko.ts';
import { tasks } from './tasks.ts';

export const netnsVeth: Lab<NetnsVethParams> = {
  id: 'netns-veth',
  title: { en: en.title, ko: ko.title },
  seeds: ['003_5f495fd01f2ec2c4'],
  chapter: 'netns-veth',
  canonical,
  randomise,
  scenario,
  vars: (params) => {
    const a = podA(params);
    const b = podB(params);
    return {
      podA: a.name,
      pidA: a.pid,
      podB: b.name,
      pidB: b.pid,
      bridge: params.bridge,
      hostIndexA: a.hostIndex,
      podIndex: params.podIndex,
    };
  },
  tasks,
  strings: { en, ko },
  solution,
};
