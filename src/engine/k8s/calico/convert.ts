/**
 * Kubernetes NetworkPolicy → Calico policy, as libcalico-go does it (k8s/conversion
 * K8sNetworkPolicyToCalico, then the syncer's update processor, which folds each rule's namespace
 * and pod selectors into one selector). The result keeps raw selector text; felix.ts parses it.
 */
import { parseSelector, prefixLabels, selectorString } from './selector.ts';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from './types.ts';

export type CalicoPort = { kind: 'range'; first: number; last: number } | { kind: 'named'; name: string };

export interface CalicoRule {
  protocol?: 'tcp' | 'udp' | 'sctp';
  /** Combined selector text ('' when the rule has none). */
  srcSelector: string;
  dstSelector: string;
  srcNets: string[];
  notSrcNets: string[];
  dstNets: string[];
  notDstNets: string[];
  dstPorts: CalicoPort[];
}

export interface CalicoPolicy {
  namespace: string;
  /** The Kubernetes name. */
  name: string;
  /** The Calico name: `knp.default.<name>`. */
  calicoName: string;
  /** The policy's own selector, its namespace included. */
  selector: string;
  ingress: boolean;
  egress: boolean;
  inbound: CalicoRule[];
  outbound: CalicoRule[];
}

const ORCHESTRATOR = "projectcalico.org/orchestrator == 'k8s'";
export const NAMESPACE_LABEL = 'projectcalico.org/namespace';
export const NAMESPACE_LABEL_PREFIX = 'pcns.';

/** k8sSelectorToCalico: pod selectors always carry the orchestrator term, even when nil. */
export function k8sSelectorToCalico(s: LabelSelector | undefined, type: 'pod' | 'namespace'): string {
  const parts: string[] = type === 'pod' ? [ORCHESTRATOR] : [];
  if (s === undefined) return parts.join(' && ');
  const labels = s.matchLabels ?? {};
  const exprs = s.matchExpressions ?? [];
  if (type === 'namespace' && Object.keys(labels).length === 0 && exprs.length === 0) return 'all()';
  for (const key of Object.keys(labels).sort()) parts.push(`${key} == '${labels[key]}'`);
  for (const e of exprs) {
    const values = (e.values ?? []).join("', '");
    if (e.operator === 'In') parts.push(`${e.key} in { '${values}' }`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} not in { '${values}' }`);
    else if (e.operator === 'Exists') parts.push(`has(${e.key})`);
    else if (e.operator === 'DoesNotExist') parts.push(`! has(${e.key})`);
  }
  return parts.join(' && ');
}

/** getEndpointSelector (update processor): the namespace part ANDed with the rule's selector. */
export function entityRuleSelector(namespaceSelector: string, selector: string, policyNamespace: string): string {
  let nsSelector = '';
  if (namespaceSelector !== '') {
    nsSelector = selectorString(prefixLabels(parseSelector(namespaceSelector), NAMESPACE_LABEL_PREFIX))
      .replaceAll('all()', `has(${NAMESPACE_LABEL})`)
      .replaceAll('global()', `!has(${NAMESPACE_LABEL})`);
  } else if (policyNamespace !== '') {
    nsSelector = `${NAMESPACE_LABEL} == '${policyNamespace}'`;
  }
  if (nsSelector !== '' && (selector !== '' || namespaceSelector !== '')) {
    return selector !== '' ? `(${nsSelector}) && (${selector})` : nsSelector;
  }
  return selector;
}

/** cnet.ParseCIDR + String(): the network address with its prefix length. */
export function normaliseCidr(cidr: string): string {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const bits = m ? Number(m[5]) : -1;
  if (!m || octets.some((o) => o > 255) || bits > 32) {
    throw new Error(`calico: invalid CIDR address: ${cidr} (expected an IPv4 network like 10.0.0.0/8)`);
  }
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const net = (value & mask) >>> 0;
  return `${[net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join('.')}/${bits}`;
}

function portFromK8s(port: NetworkPolicyPort): CalicoPort[] {
  if (port.port === undefined) return [];
  const text = String(port.port);
  if (/^\d+$/.test(text)) {
    const first = Number(text);
    const last = port.endPort ?? first;
    if (first < 1 || first > 65535 || last < first || last > 65535) {
      throw new Error(`calico: invalid port ${text}${port.endPort === undefined ? '' : `:${port.endPort}`}`);
    }
    return [{ kind: 'range', first, last }];
  }
  return [{ kind: 'named', name: text }];
}

/** SimplifyPorts: numeric ports sorted and merged into ranges, after the named ones. */
export function simplifyPorts(ports: CalicoPort[]): CalicoPort[] {
  if (ports.length <= 1) return ports;
  const numeric: number[] = [];
  const out: CalicoPort[] = [];
  for (const p of ports) {
    if (p.kind === 'named') out.push(p);
    else for (let i = p.first; i <= p.last; i++) numeric.push(i);
  }
  if (numeric.length <= 1) return ports;
  numeric.sort((a, b) => a - b);
  let i = 0;
  while (i < numeric.length) {
    const first = numeric[i] as number;
    let last = first;
    i++;
    while (i < numeric.length && (numeric[i] as number) <= last + 1) {
      last = numeric[i] as number;
      i++;
    }
    out.push({ kind: 'range', first, last });
  }
  return out;
}

function peerFields(peer: NetworkPolicyPeer | undefined, namespace: string) {
  if (peer === undefined) return { selector: '', nets: [] as string[], notNets: [] as string[] };
  if (peer.ipBlock) {
    return {
      selector: '',
      nets: [normaliseCidr(peer.ipBlock.cidr)],
      notNets: (peer.ipBlock.except ?? []).map(normaliseCidr),
    };
  }
  const selector = k8sSelectorToCalico(peer.podSelector, 'pod');
  const nsSelector = k8sSelectorToCalico(peer.namespaceSelector, 'namespace');
  return { selector: entityRuleSelector(nsSelector, selector, namespace), nets: [], notNets: [] };
}

/** k8sRuleToCalico: one rule per protocol (sorted) and peer, each holding all its ports. */
function k8sRuleToCalico(
  peers: NetworkPolicyPeer[] | undefined,
  ports: NetworkPolicyPort[] | undefined,
  namespace: string,
  ingress: boolean,
): CalicoRule[] {
  const peerList: (NetworkPolicyPeer | undefined)[] = peers && peers.length > 0 ? peers : [undefined];
  let byProtocol = new Map<string, CalicoPort[] | null>();
  if (!ports || ports.length === 0) {
    byProtocol = new Map([['', null]]);
  } else {
    for (const port of ports) {
      const protocol = port.protocol ?? 'TCP';
      const calicoPorts = portFromK8s(port);
      if (calicoPorts.length === 0) byProtocol.set(protocol, null);
      else {
        const existing = byProtocol.get(protocol);
        if (existing === undefined) byProtocol.set(protocol, [...calicoPorts]);
        else if (existing !== null && existing.length > 0) existing.push(...calicoPorts);
      }
    }
  }
  const rules: CalicoRule[] = [];
  for (const protocol of [...byProtocol.keys()].sort()) {
    const dstPorts = simplifyPorts(byProtocol.get(protocol) ?? []);
    for (const peer of peerList) {
      const f = peerFields(peer, namespace);
      const rule: CalicoRule = {
        srcSelector: ingress ? f.selector : '',
        dstSelector: ingress ? '' : f.selector,
        srcNets: ingress ? f.nets : [],
        notSrcNets: ingress ? f.notNets : [],
        dstNets: ingress ? [] : f.nets,
        notDstNets: ingress ? [] : f.notNets,
        dstPorts,
      };
      if (protocol !== '') rule.protocol = protocol.toLowerCase() as 'tcp' | 'udp' | 'sctp';
      rules.push(rule);
    }
  }
  return rules;
}

export function k8sNetworkPolicyToCalico(np: NetworkPolicy): CalicoPolicy {
  const namespace = np.metadata.namespace ?? 'default';
  const inbound = (np.spec.ingress ?? []).flatMap((r) => k8sRuleToCalico(r.from, r.ports, namespace, true));
  const outbound = (np.spec.egress ?? []).flatMap((r) => k8sRuleToCalico(r.to, r.ports, namespace, false));
  // The API server defaults policyTypes: Ingress, plus Egress when the policy has egress rules.
  const types = np.spec.policyTypes ?? ((np.spec.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  const egress = types.includes('Egress');
  const ingress = types.includes('Ingress') || !egress;
  return {
    namespace,
    name: np.metadata.name,
    calicoName: `knp.default.${np.metadata.name}`,
    selector: `(${NAMESPACE_LABEL} == '${namespace}') && (${k8sSelectorToCalico(np.spec.podSelector, 'pod')})`,
    ingress,
    egress,
    inbound,
    outbound,
  };
}
