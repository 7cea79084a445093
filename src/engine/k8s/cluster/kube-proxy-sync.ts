/**
 * kube-proxy (iptables mode) on a node: the chains and jumps kubelet and kube-proxy create with
 * single iptables calls before the first sync, then each sync's restore text (src/engine/k8s/
 * kube-proxy) with `--noflush`, plus the flush-and-delete lines kube-proxy writes for service
 * chains that are no longer needed. Loading the text is the caller's (it needs iptables-restore).
 */
import { type RuleLayout, renderKubeProxyRestore } from '../kube-proxy/index.ts';
import type { EndpointSlice, ProxierSettings, Service } from '../kube-proxy/types.ts';

/**
 * Restore text for kubelet's and kube-proxy's own chains and jumps (IPv4), in the order a node shows.
 * Kubelets of the `xlb` versions (1.19, 1.20) also own KUBE-MARK-DROP, which kube-proxy's KUBE-XLB
 * chains jump to, and drop what it marked in KUBE-FIREWALL.
 */
export function kubeBaseRestore(layout: RuleLayout = 'ext'): string {
  const legacy = layout === 'xlb';
  const portals = '-m comment --comment "kubernetes service portals"';
  const newPortals = `-m conntrack --ctstate NEW ${portals}`;
  const external = '-m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals"';
  const lbFirewall = '-m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall"';
  return `${[
    '*mangle',
    ':KUBE-IPTABLES-HINT - [0:0]',
    ':KUBE-KUBELET-CANARY - [0:0]',
    ':KUBE-PROXY-CANARY - [0:0]',
    'COMMIT',
    '*filter',
    ':KUBE-FIREWALL - [0:0]',
    ':KUBE-KUBELET-CANARY - [0:0]',
    ':KUBE-EXTERNAL-SERVICES - [0:0]',
    ':KUBE-NODEPORTS - [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-FORWARD - [0:0]',
    ':KUBE-PROXY-FIREWALL - [0:0]',
    ':KUBE-PROXY-CANARY - [0:0]',
    `-A INPUT ${lbFirewall} -j KUBE-PROXY-FIREWALL`,
    '-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
    `-A INPUT ${external} -j KUBE-EXTERNAL-SERVICES`,
    '-A INPUT -j KUBE-FIREWALL',
    `-A FORWARD ${lbFirewall} -j KUBE-PROXY-FIREWALL`,
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    `-A FORWARD ${newPortals} -j KUBE-SERVICES`,
    `-A FORWARD ${external} -j KUBE-EXTERNAL-SERVICES`,
    `-A OUTPUT ${lbFirewall} -j KUBE-PROXY-FIREWALL`,
    `-A OUTPUT ${newPortals} -j KUBE-SERVICES`,
    '-A OUTPUT -j KUBE-FIREWALL',
    ...(legacy
      ? [
          '-A KUBE-FIREWALL -m comment --comment "kubernetes firewall for dropping marked packets" -m mark --mark 0x8000/0x8000 -j DROP',
        ]
      : []),
    '-A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
    'COMMIT',
    '*nat',
    ':KUBE-KUBELET-CANARY - [0:0]',
    ...(legacy ? [':KUBE-MARK-DROP - [0:0]'] : []),
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-POSTROUTING - [0:0]',
    ':KUBE-PROXY-CANARY - [0:0]',
    `-A PREROUTING ${portals} -j KUBE-SERVICES`,
    `-A OUTPUT ${portals} -j KUBE-SERVICES`,
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    ...(legacy ? ['-A KUBE-MARK-DROP -j MARK --set-xmark 0x8000/0x8000'] : []),
    'COMMIT',
  ].join('\n')}\n`;
}

const SERVICE_CHAIN = /^KUBE-(SVC|SVL|EXT|FW|SEP|XLB)-/;

/** The chains a restore text declares, per table. */
function declaredChains(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  let table = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1);
      if (!out.has(table)) out.set(table, new Set());
    } else if (line.startsWith(':')) out.get(table)?.add(line.slice(1).split(' ')[0] ?? '');
  }
  return out;
}

/**
 * The text to restore after `previous` was loaded: `next`, with the service chains `previous`
 * declared and `next` does not flushed and deleted in their table, as kube-proxy's sync does.
 */
export function withStaleChainsDeleted(previous: string, next: string): string {
  const before = declaredChains(previous);
  const after = declaredChains(next);
  const out: string[] = [];
  let table = '';
  for (const line of next.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1);
    if (line === 'COMMIT') {
      const stale = [...(before.get(table) ?? [])].filter((c) => SERVICE_CHAIN.test(c) && !after.get(table)?.has(c));
      const at = out.findIndex((l, i) => i > out.lastIndexOf(`*${table}`) && l.startsWith('-A'));
      const chainLines = stale.map((c) => `:${c} - [0:0]`);
      if (at < 0) out.push(...chainLines);
      else out.splice(at, 0, ...chainLines);
      out.push(...stale.map((c) => `-X ${c}`));
    }
    out.push(line);
  }
  return out.join('\n');
}

export interface KubeProxyNodeInput {
  kubernetesVersion: string;
  settings: ProxierSettings;
  services: readonly Service[];
  endpointSlices: readonly EndpointSlice[];
}

/** One node's kube-proxy: remembers what it last wrote so unchanged syncs write nothing. */
export class KubeProxyNode {
  #last = '';

  /** The restore text this sync must load, or undefined when the rules did not change. */
  sync(input: KubeProxyNodeInput): string | undefined {
    const text = renderKubeProxyRestore(input);
    if (text === this.#last) return undefined;
    const load = this.#last === '' ? text : withStaleChainsDeleted(this.#last, text);
    this.#last = text;
    return load;
  }
}
