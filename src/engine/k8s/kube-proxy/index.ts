import { proxierConfig } from './config.ts';
import { renderCurrent } from './render-current.ts';
import { renderLegacy } from './render-legacy.ts';
import { sortRestoreText } from './restore-sort.ts';
import { buildEndpointsMap, buildServicePorts } from './service-ports.ts';
import type { KubeProxyInput } from './types.ts';

export { sortRestoreText } from './restore-sort.ts';
export type * from './types.ts';

/**
 * Which kube-proxy rule layout a Kubernetes version writes:
 * - `xlb` (1.19, 1.20): KUBE-XLB chains, masquerade rules in KUBE-SERVICES/KUBE-NODEPORTS;
 * - `ext` (1.27 and later): KUBE-EXT/KUBE-SVL chains, filter KUBE-PROXY-FIREWALL, KUBE-FIREWALL copy.
 * The versions between changed the rules step by step and are not modelled.
 */
export type RuleLayout = 'xlb' | 'ext';

export function ruleLayoutFor(kubernetesVersion: string): RuleLayout {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$/.exec(kubernetesVersion.trim());
  if (!m) throw new Error(`kube-proxy: cannot read Kubernetes version "${kubernetesVersion}" (expected e.g. v1.31.0)`);
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (major === 1 && (minor === 19 || minor === 20)) return 'xlb';
  if (major > 1 || minor >= 27) return 'ext';
  throw new Error(
    `kube-proxy: rules of Kubernetes ${kubernetesVersion} are not modelled (supported: 1.19-1.20 and 1.27 or later)`,
  );
}

/**
 * The iptables-restore text one full sync of kube-proxy (iptables mode) writes for these objects,
 * with its rules in kube-proxy's own order (services in name order where kube-proxy's is random).
 */
export function renderKubeProxyRestore(input: KubeProxyInput): string {
  const layout = ruleLayoutFor(input.kubernetesVersion);
  const config = proxierConfig(input.settings);
  const ports = buildServicePorts(input.services, config.ipFamily);
  const endpoints = buildEndpointsMap(input.endpointSlices, ports, {
    ipFamily: config.ipFamily,
    nodeName: config.nodeName,
    legacy: layout === 'xlb',
  });
  return layout === 'xlb' ? renderLegacy(config, ports, endpoints) : renderCurrent(config, ports, endpoints);
}

/** The same text in the canonical order kube-proxy's unit tests compare it in. */
export function renderKubeProxySorted(input: KubeProxyInput): string {
  return sortRestoreText(renderKubeProxyRestore(input));
}
