/**
 * The netfilter state of a kind node before kube-proxy's first sync, and what iptables-save prints
 * after kube-proxy loads its restore text into it: kubelet's chains (KUBE-IPTABLES-HINT, the
 * canaries, KUBE-FIREWALL and its jumps), then kube-proxy's own (-N, and -C/-I of each jump from a
 * built-in chain, as its EnsureChain and EnsureRule(Prepend) do), then `iptables-restore --noflush
 * --counters` of the text, all in iptables 1.8.9 (nf_tables) as kind runs it.
 */
import { addNfacctObject, createNetfilterState } from '../../engine/linux/netfilter/state.ts';
import type { NetfilterState } from '../../engine/linux/netfilter/types.ts';
import { runIptables } from './iptables.ts';
import { runIptablesRestore } from './restore.ts';
import { runIptablesSave } from './save.ts';

/** kube-proxy's jumps from built-in chains: table, from, to, and the ctstate and comment of the rule. */
const JUMPS: [string, string[], string, string, string][] = [
  ['filter', ['INPUT', 'FORWARD'], 'KUBE-EXTERNAL-SERVICES', 'NEW', 'kubernetes externally-visible service portals'],
  ['filter', ['INPUT'], 'KUBE-NODEPORTS', '', 'kubernetes health check service ports'],
  ['filter', ['FORWARD', 'OUTPUT'], 'KUBE-SERVICES', 'NEW', 'kubernetes service portals'],
  ['filter', ['FORWARD'], 'KUBE-FORWARD', '', 'kubernetes forwarding rules'],
  ['filter', ['INPUT', 'OUTPUT', 'FORWARD'], 'KUBE-PROXY-FIREWALL', 'NEW', 'kubernetes load balancer firewall'],
  ['nat', ['OUTPUT', 'PREROUTING'], 'KUBE-SERVICES', '', 'kubernetes service portals'],
  ['nat', ['POSTROUTING'], 'KUBE-POSTROUTING', '', 'kubernetes postrouting rules'],
];

/** The nfacct objects kube-proxy creates when its metrics can use them. */
const NFACCT_OBJECTS = ['ct_state_invalid_dropped_pkts', 'localhost_nps_accepted_pkts'];

function ipt(state: NetfilterState, now: number, ...args: string[]): number {
  return runIptables(['iptables', ...args], state, { now }).exitCode;
}

/** kube-proxy's EnsureRule(Prepend): -C, then -I when the rule is missing. */
function ensurePrepend(state: NetfilterState, now: number, table: string, chain: string, rule: string[]): void {
  if (ipt(state, now, '-t', table, '-C', chain, ...rule) !== 0) ipt(state, now, '-t', table, '-I', chain, ...rule);
}

/** A node's netfilter state as kubelet and kube-proxy leave it before the first sync (IPv4). */
export function kindNodeState(options: { nfacct: boolean; now: number }): NetfilterState {
  const { now } = options;
  const state = createNetfilterState();
  if (options.nfacct) for (const name of NFACCT_OBJECTS) addNfacctObject(state, name);
  ipt(state, now, '-t', 'mangle', '-N', 'KUBE-IPTABLES-HINT');
  for (const t of ['mangle', 'nat', 'filter']) ipt(state, now, '-t', t, '-N', 'KUBE-KUBELET-CANARY');
  ipt(state, now, '-N', 'KUBE-FIREWALL');
  ipt(
    state,
    now,
    ...['-A', 'KUBE-FIREWALL', '-m', 'comment', '--comment', 'block incoming localnet connections'],
    ...['--dst', '127.0.0.0/8', '!', '--src', '127.0.0.0/8'],
    ...['-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP'],
  );
  ipt(state, now, '-I', 'INPUT', '-j', 'KUBE-FIREWALL');
  ipt(state, now, '-I', 'OUTPUT', '-j', 'KUBE-FIREWALL');
  for (const t of ['mangle', 'nat', 'filter']) ipt(state, now, '-t', t, '-N', 'KUBE-PROXY-CANARY');
  for (const [table, from, to, ctstate, comment] of JUMPS) {
    ipt(state, now, '-t', table, '-N', to);
    for (const chain of from) {
      const ct = ctstate ? ['-m', 'conntrack', '--ctstate', ctstate] : [];
      ensurePrepend(state, now, table, chain, [...ct, '-m', 'comment', '--comment', comment, '-j', to]);
    }
  }
  for (const chain of ['INPUT', 'OUTPUT']) ensurePrepend(state, now, 'filter', chain, ['-j', 'KUBE-FIREWALL']);
  return state;
}

/**
 * `iptables-nft-save` on a kind node after kube-proxy loaded `restore`; throws with
 * iptables-restore's message when the text does not load.
 */
export function kindNodeSave(restore: string, options: { nfacct: boolean; now: number }): string {
  const state = kindNodeState(options);
  const env = { now: options.now };
  const loaded = runIptablesRestore(['iptables-nft-restore', '--noflush', '--counters'], restore, state, env);
  if (loaded.exitCode !== 0) throw new Error(`iptables-restore failed:\n${loaded.stderr}${loaded.stdout}`);
  return runIptablesSave(['iptables-nft-save'], state, env).stdout;
}
