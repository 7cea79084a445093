/** kind clusters on the engine, built from scenario files: what the machine layer imports. */
export { Docker, type DockerContainer, type DockerEndpoint, type DockerNetwork } from './docker.ts';
export {
  KindCluster,
  type KindHooks,
  type KindNode,
  type PodContainer,
  type PodRuntime,
  scenarioTimes,
} from './kind.ts';
export { kindMasqRestore, kindnetConflist, type PodSandbox } from './kindnet.ts';
export { KubeProxyNode, kubeBaseRestore, withStaleChainsDeleted } from './kube-proxy-sync.ts';
export { clusterDnsIp } from './kube-system.ts';
export { kindNodeNames, parseDuration, parseScenario, type Scenario, ScenarioError } from './scenario.ts';
export { echoJson, imageRepository, startWorkload, whoamiText, workloadPorts } from './workloads.ts';
