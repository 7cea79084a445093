import type { EndpointSlice, KubeProxyInput, ProxierSettings, Service } from './types.ts';

/**
 * A golden case: upstream kube-proxy unit-test inputs as Kubernetes JSON plus the restore text the
 * test expects (whole, or only some chains) and, when it was loaded into real iptables, what
 * iptables printed back. The shape of /work/shared/reference/kube-proxy-cases/*.json.
 */
export interface KubeProxyCase {
  name: string;
  source?: string;
  description?: string;
  /** Absent in the shared cases, which are all current layout. */
  kubernetesVersion?: string;
  cluster: ProxierSettings;
  services: Service[];
  endpointSlices: EndpointSlice[];
  expected_iptables_save?: string;
  /** "table/CHAIN" → that chain's "-A" lines, when the test asserts only some chains. */
  expected_chains?: Record<string, string>;
  observed?: { iptables_save?: string; environment?: string };
}

export const DEFAULT_CASE_VERSION = 'v1.31.0';

/** Checks the parts the renderer needs and says what is missing. */
export function parseKubeProxyCase(json: unknown, origin: string): KubeProxyCase {
  if (typeof json !== 'object' || json === null) throw new Error(`${origin}: expected a JSON object`);
  const c = json as Partial<KubeProxyCase>;
  if (typeof c.cluster !== 'object' || c.cluster === null) throw new Error(`${origin}: missing "cluster" settings`);
  if (typeof c.cluster.nodeName !== 'string') throw new Error(`${origin}: missing "cluster.nodeName"`);
  if (!Array.isArray(c.cluster.nodeIPs)) throw new Error(`${origin}: missing "cluster.nodeIPs"`);
  return {
    ...c,
    name: c.name ?? origin,
    cluster: c.cluster,
    services: Array.isArray(c.services) ? c.services : [],
    endpointSlices: Array.isArray(c.endpointSlices) ? c.endpointSlices : [],
  };
}

export function caseInput(c: KubeProxyCase): KubeProxyInput {
  return {
    kubernetesVersion: c.kubernetesVersion ?? DEFAULT_CASE_VERSION,
    settings: c.cluster,
    services: c.services,
    endpointSlices: c.endpointSlices,
  };
}

/** The "-A" lines of one chain of one table in a restore text. */
export function chainRules(text: string, table: string, chain: string): string {
  let inTable = false;
  let out = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) inTable = line === `*${table}`;
    else if (inTable && line.startsWith(`-A ${chain} `)) out += `${line}\n`;
  }
  return out;
}
