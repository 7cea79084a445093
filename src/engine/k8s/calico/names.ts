/**
 * Calico's names: the host-side veth of a workload (CNI plugin), felix's chain names (policy,
 * profile, endpoint, dispatch), IP set names, and the `cali:` rule-hash comments. Each follows
 * the upstream algorithm named in its comment (see cni-node-networking.md section 2.3).
 */
import { sha256 } from '../../digest/sha2.ts';
import { base64UrlNoPad, hex, sha1, sha224, utf8 } from './digest.ts';
import { makeUniqueId, selectorUniqueId } from './selector.ts';

export { makeUniqueId, selectorUniqueId };

/** iptables.MaxChainNameLength. */
export const MAX_CHAIN_NAME_LENGTH = 28;
/** ipsets.MaxIPSetNameLength. */
export const MAX_IPSET_NAME_LENGTH = 31;

/** VethNameForWorkload: prefix + the first 11 hex digits of sha1("<namespace>.<pod>"). */
export function vethNameForWorkload(namespace: string, pod: string, prefix = 'cali'): string {
  return prefix + hex(sha1(utf8(`${namespace}.${pod}`))).slice(0, 11);
}

/** hashutils.GetLengthLimitedID: the suffix as is when it fits, else `_` + its SHA-256 in base64url. */
export function lengthLimitedId(prefix: string, suffix: string, maxLength: number): string {
  const total = prefix.length + suffix.length;
  if (total > maxLength || (total === maxLength && suffix.startsWith('_'))) {
    const hash = base64UrlNoPad(sha256(utf8(suffix)));
    return `${prefix}_${hash.slice(0, maxLength - 1 - prefix.length)}`;
  }
  return prefix + suffix;
}

/** NameForMainIPSet: `cali<ipVersion>0` + set ID, cut to 31 characters. */
export function ipsetName(setId: string, ipVersion: 4 | 6 = 4): string {
  return `cali${ipVersion}0${setId}`.slice(0, MAX_IPSET_NAME_LENGTH);
}

/** The IP set a selector needs, straight from its canonical text. */
export function selectorIpsetName(canonicalSelector: string, ipVersion: 4 | 6 = 4): string {
  return ipsetName(selectorUniqueId(canonicalSelector), ipVersion);
}

/** A named-port IP set's ID: MakeUniqueID("n", selectorID + "," + protocol + "," + portName). */
export function namedPortSetId(selectorId: string, protocol: 'tcp' | 'udp' | 'sctp', portName: string): string {
  return makeUniqueId('n', `${selectorId},${protocol},${portName}`);
}

export type PolicyDirection = 'pi' | 'po';
export type ProfileDirection = 'pri' | 'pro';

/** PolicyChainName: `cali-pi-` / `cali-po-` + the policy ID string (see k8sPolicyId). */
export function policyChainName(direction: PolicyDirection, policyId: string): string {
  return lengthLimitedId(`cali-${direction}-`, policyId, MAX_CHAIN_NAME_LENGTH);
}

/** ProfileChainName: `cali-pri-` / `cali-pro-` + the profile name (kns.<ns>, ksa.<ns>.<sa>). */
export function profileChainName(direction: ProfileDirection, profile: string): string {
  return lengthLimitedId(`cali-${direction}-`, profile, MAX_CHAIN_NAME_LENGTH);
}

/** EndpointChainName: `cali-tw-` / `cali-fw-` + the interface name. */
export function endpointChainName(prefix: 'cali-tw-' | 'cali-fw-', iface: string): string {
  return lengthLimitedId(prefix, iface, MAX_CHAIN_NAME_LENGTH);
}

export function namespaceProfile(namespace: string): string {
  return `kns.${namespace}`;
}

export function serviceAccountProfile(namespace: string, serviceAccount: string): string {
  return `ksa.${namespace}.${serviceAccount}`;
}

/**
 * The policy ID string felix puts in a Kubernetes NetworkPolicy's chain names, by Calico era:
 * - `v3.28` (up to v3.28): `<ns>/knp.default.<name>` (also the "Policy … ingress" comment text);
 * - `v3.31` (v3.29 to v3.31): `<tier>/<ns>/knp.default.<name>` with tier `default`;
 * - `v3.32` (v3.32 on): `knp/<ns>/<name>`.
 */
export function k8sPolicyId(namespace: string, name: string, era: 'v3.28' | 'v3.31' | 'v3.32' = 'v3.28'): string {
  if (era === 'v3.32') return `knp/${namespace}/${name}`;
  const id = `${namespace}/knp.default.${name}`;
  return era === 'v3.31' ? `default/${id}` : id;
}

export const FROM_WORKLOAD_DISPATCH = 'cali-from-wl-dispatch';
export const TO_WORKLOAD_DISPATCH = 'cali-to-wl-dispatch';

export interface DispatchGroup {
  /** The interface prefix of this group (`cali1` …), or the single interface's full name. */
  prefix: string;
  names: string[];
  /** The child chain's suffix (the character after the common prefix) when the group has 2+ names. */
  childSuffix?: string;
}

/**
 * sortAndDivideEndpointNamesToPrefixTree (felix/rules/dispatch.go): interface names sorted and
 * de-duplicated, binned by the character after their common prefix. A bin of two or more names
 * becomes a child chain `<root>-<char>` reached by `<prefix>+`.
 */
export function dispatchGroups(interfaceNames: readonly string[]): DispatchGroup[] {
  const names = [...new Set(interfaceNames)].sort();
  let common = names[0] ?? '';
  for (const name of names) {
    let i = 0;
    while (i < common.length && i < name.length && common[i] === name[i]) i++;
    common = common.slice(0, i);
  }
  const groups: DispatchGroup[] = [];
  const byPrefix = new Map<string, DispatchGroup>();
  for (const name of names) {
    const prefix = name.length > common.length ? name.slice(0, common.length + 1) : common;
    let group = byPrefix.get(prefix);
    if (!group) {
      group = { prefix, names: [] };
      byPrefix.set(prefix, group);
      groups.push(group);
    }
    group.names.push(name);
  }
  for (const group of groups) if (group.names.length > 1) group.childSuffix = group.prefix.slice(common.length);
  return groups;
}

/** The dispatch child chain for a group: `cali-from-wl-dispatch-1`, `cali-to-wl-dispatch-a` … */
export function dispatchChildChain(root: string, childSuffix: string): string {
  return `${root}-${childSuffix}`;
}

/** felix's own hash chain name for rules appended to a kernel chain (FORWARD's tail rules). */
export function appendsHashChain(chain: string): string {
  return `${chain}*appends*`;
}

/**
 * Chain.RuleHashes (felix/iptables/rules.go): h0 = sha224(chain); hᵢ = sha224(hᵢ₋₁ ‖ "-A <chain> HASH
 * <rule>"), where <rule> is felix's own rendering (comments, matches, action); the comment is the
 * first 16 characters of base64url(hᵢ). Each hash depends on every rule above it.
 */
export function ruleHashes(chain: string, felixRules: readonly string[]): string[] {
  let h = sha224(utf8(chain));
  const out: string[] = [];
  for (const rule of felixRules) {
    // Go joins the fragments with spaces, so an empty rule leaves no trailing space.
    const text = utf8(rule === '' ? `-A ${chain} HASH` : `-A ${chain} HASH ${rule}`);
    const buf = new Uint8Array(h.length + text.length);
    buf.set(h);
    buf.set(text, h.length);
    h = sha224(buf);
    out.push(base64UrlNoPad(h).slice(0, 16));
  }
  return out;
}
