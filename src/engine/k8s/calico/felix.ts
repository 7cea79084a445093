/**
 * What Calico felix (iptables dataplane, IPIP, no host endpoints, kube-proxy in iptables mode)
 * programs on one node for a set of Kubernetes objects: the filter and nat rules as
 * iptables-restore text with felix's own `cali:` hash comments, and the IP sets its rules use.
 *
 * The rule shapes follow felix/rules/{static,endpoints,dispatch,policy,nat}.go of the v3.26 era
 * (see calico_felix_render.py); rule text is felix's own rendering (`--jump`, `--set-mark 0/…`),
 * which iptables normalises on the way in.
 */
import { type CalicoPolicy, type CalicoRule, k8sNetworkPolicyToCalico, NAMESPACE_LABEL } from './convert.ts';
import {
  appendsHashChain,
  dispatchChildChain,
  dispatchGroups,
  endpointChainName,
  FROM_WORKLOAD_DISPATCH,
  ipsetName,
  k8sPolicyId,
  namedPortSetId,
  namespaceProfile,
  policyChainName,
  profileChainName,
  ruleHashes,
  serviceAccountProfile,
  TO_WORKLOAD_DISPATCH,
  vethNameForWorkload,
} from './names.ts';
import { evaluateSelector, parseSelector, type SelectorNode, selectorString, selectorUniqueId } from './selector.ts';
import type { FelixInput, FelixOutput, IpsetSpec, Pod, WorkloadEndpoint } from './types.ts';

export const MARK_ACCEPT = 0x10000;
export const MARK_PASS = 0x20000;
export const MARK_SCRATCH0 = 0x40000;
export const MARK_SCRATCH1 = 0x80000;
/** accept | pass | scratch0 | scratch1 with the default IptablesMarkMask 0xffff0000. */
const ALL_MARKS = 0xf0000;
const VXLAN_PORT = 4789;
const IPSET_MAX_SIZE = 1048576;

/** One rule as felix builds it: extra comments, match fragments in builder order, the action. */
export interface FelixRule {
  comments?: string[];
  match?: string[];
  action?: string;
}

export interface FelixChain {
  name: string;
  rules: FelixRule[];
}

const hexMark = (mark: number): string => `0x${mark.toString(16)}`;
/** Go's %#x prints zero as 0x0. */
const goHex = (n: number): string => (n === 0 ? '0x0' : hexMark(n));

const markSet = (mark: number): string => `-m mark --mark ${hexMark(mark)}/${hexMark(mark)}`;
const markClear = (mark: number): string => `-m mark --mark 0/${hexMark(mark)}`;
const setMark = (mark: number): string => `--jump MARK --set-mark ${hexMark(mark)}/${hexMark(mark)}`;
const clearMark = (mark: number): string => `--jump MARK --set-mark 0/${hexMark(mark)}`;
const setMaskedMark = (mark: number, mask: number): string => `--jump MARK --set-mark ${goHex(mark)}/${goHex(mask)}`;

/** escapeComment + truncateComment (felix/iptables/rules.go). */
function commentFragment(text: string): string {
  return `-m comment --comment "${text.replace(/[^A-Za-z0-9_ @%+=:,./-]/g, '_').slice(0, 256)}"`;
}

/** Rule.renderInner without the leading `-A <chain>`: what the hash covers and what follows the hash comment. */
export function renderFelixRule(rule: FelixRule): string {
  const parts = (rule.comments ?? []).map(commentFragment);
  if (rule.match && rule.match.length > 0) parts.push(rule.match.join(' '));
  if (rule.action) parts.push(rule.action);
  return parts.join(' ');
}

/** Restore lines for a chain: each rule with its `cali:` hash comment first. */
export function renderChainLines(chain: FelixChain, op = '-A', hashChain = chain.name): string[] {
  const texts = chain.rules.map(renderFelixRule);
  const hashes = ruleHashes(hashChain, texts);
  return texts.map((text, i) =>
    `${op} ${chain.name} -m comment --comment "cali:${hashes[i] as string}" ${text}`.replace(/ +$/, ''),
  );
}

// ---------------------------------------------------------------------------------------------
// Policy rules (felix/rules/policy.go ProtoRuleToIptablesRules and CalculateRuleMatch).

interface PortRange {
  first: number;
  last: number;
}

/** A Calico rule with its selectors and named ports replaced by IP set names (calc.ParsedRule). */
interface ParsedRule {
  protocol?: string;
  srcNets: string[];
  notSrcNets: string[];
  dstNets: string[];
  notDstNets: string[];
  srcIpSets: string[];
  dstIpSets: string[];
  dstPorts: PortRange[];
  dstNamedPortIpSets: string[];
}

/** SplitPortList: at most 15 multiport slots per group; a range takes two. */
export function splitPortList(ports: readonly PortRange[]): PortRange[][] {
  const splits: PortRange[][] = [];
  let split: PortRange[] = [];
  let slots = 15;
  for (const p of ports) {
    const need = p.first === p.last ? 1 : 2;
    if (slots < need) {
      splits.push(split);
      split = [];
      slots = 15;
    }
    split.push(p);
    slots -= need;
  }
  if (split.length > 0) splits.push(split);
  return splits;
}

const multiport = (ports: readonly PortRange[]): string =>
  ports.map((p) => (p.first === p.last ? `${p.first}` : `${p.first}:${p.last}`)).join(',');

class MatchBlocks {
  using = false;
  doneFirstPositive = false;
  readonly rules: FelixRule[] = [];

  initial(bits: number): void {
    if (this.using) return;
    this.rules.push({ action: setMaskedMark(bits, MARK_SCRATCH0 | MARK_SCRATCH1) });
    this.using = true;
  }
  positiveMark(): number {
    return this.doneFirstPositive ? MARK_SCRATCH1 : MARK_SCRATCH0;
  }
  finishPositive(): void {
    if (!this.doneFirstPositive) {
      this.doneFirstPositive = true;
      return;
    }
    this.rules.push({ match: [markClear(MARK_SCRATCH1)], action: clearMark(MARK_SCRATCH0) });
  }
  dstPortBlock(protocol: string | undefined, splits: PortRange[][], namedSets: string[]): void {
    this.initial(0);
    const mark = this.positiveMark();
    for (const split of splits) {
      const match = protocol ? [`-p ${protocol}`] : [];
      match.push(`-m multiport --destination-ports ${multiport(split)}`);
      this.rules.push({ match, action: setMark(mark) });
    }
    for (const set of namedSets)
      this.rules.push({ match: [`-m set --match-set ${set} dst,dst`], action: setMark(mark) });
    this.finishPositive();
  }
  cidrBlock(cidrs: string[], dir: 'src' | 'dst'): void {
    this.initial(0);
    const mark = this.positiveMark();
    for (const cidr of cidrs) this.rules.push({ match: [netMatch(dir, cidr)], action: setMark(mark) });
    this.finishPositive();
  }
  negatedCidrBlock(cidrs: string[], dir: 'src' | 'dst'): void {
    this.initial(MARK_SCRATCH0);
    for (const cidr of cidrs) this.rules.push({ match: [netMatch(dir, cidr)], action: clearMark(MARK_SCRATCH0) });
  }
}

const netMatch = (dir: 'src' | 'dst', cidr: string): string =>
  dir === 'src' ? `--source ${cidr}` : `--destination ${cidr}`;

function ruleMatch(r: ParsedRule): string[] {
  const m: string[] = [];
  if (r.protocol) m.push(`-p ${r.protocol}`);
  if (r.srcNets.length === 1) m.push(netMatch('src', r.srcNets[0] as string));
  for (const set of r.srcIpSets) m.push(`-m set --match-set ${set} src`);
  if (r.dstNets.length === 1) m.push(netMatch('dst', r.dstNets[0] as string));
  for (const set of r.dstIpSets) m.push(`-m set --match-set ${set} dst`);
  if (r.dstPorts.length > 0) m.push(`-m multiport --destination-ports ${multiport(r.dstPorts)}`);
  for (const set of r.dstNamedPortIpSets) m.push(`-m set --match-set ${set} dst,dst`);
  if (r.notSrcNets.length === 1) m.push(`! ${netMatch('src', r.notSrcNets[0] as string)}`);
  if (r.notDstNets.length === 1) m.push(`! ${netMatch('dst', r.notDstNets[0] as string)}`);
  return m;
}

/** One allow rule: any match blocks, the match setting the accept mark, then RETURN on it. */
function parsedRuleToFelix(input: ParsedRule): FelixRule[] {
  const r = { ...input };
  const blocks = new MatchBlocks();
  const splits = splitPortList(r.dstPorts);
  if (splits.length + r.dstNamedPortIpSets.length > 1) {
    blocks.dstPortBlock(r.protocol, splits, r.dstNamedPortIpSets);
    r.dstPorts = [];
    r.dstNamedPortIpSets = [];
  }
  if (r.srcNets.length > 1) {
    blocks.cidrBlock(r.srcNets, 'src');
    r.srcNets = [];
  }
  if (r.dstNets.length > 1) {
    blocks.cidrBlock(r.dstNets, 'dst');
    r.dstNets = [];
  }
  if (r.srcNets.length + r.notSrcNets.length > 1) {
    blocks.negatedCidrBlock(r.notSrcNets, 'src');
    r.notSrcNets = [];
  }
  if (r.dstNets.length + r.notDstNets.length > 1) {
    blocks.negatedCidrBlock(r.notDstNets, 'dst');
    r.notDstNets = [];
  }
  const match = ruleMatch(r);
  if (blocks.using) match.push(markSet(MARK_SCRATCH0));
  return [
    ...blocks.rules,
    { match, action: setMark(MARK_ACCEPT) },
    { match: [markSet(MARK_ACCEPT)], action: '--jump RETURN' },
  ];
}

/** ProtoRulesToIptablesRules: the chain comment goes on the first rule (a bare rule if there is none). */
function rulesWithChainComment(rules: FelixRule[], comment: string | undefined): FelixRule[] {
  if (comment === undefined) return rules;
  const out = rules.length === 0 ? [{}] : [...rules];
  const first = out[0] as FelixRule;
  out[0] = { ...first, comments: [...(first.comments ?? []), comment] };
  return out;
}

// ---------------------------------------------------------------------------------------------
// Endpoints and IP set membership.

interface Endpoint {
  namespace: string;
  pod: string;
  iface: string;
  ip: string;
  node: string;
  labels: Record<string, string>;
  serviceAccount: string;
  namedPorts: { name: string; protocol: string; port: number }[];
}

function podIPv4(pod: Pod): string | undefined {
  const ips = [...(pod.status?.podIPs ?? []).map((p) => p.ip), pod.status?.podIP ?? ''];
  return ips.find((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
}

function workloadEndpoints(input: FelixInput): Endpoint[] {
  const nsLabels = new Map(input.namespaces.map((n) => [n.metadata.name, n.metadata.labels ?? {}]));
  const prefix = input.settings.interfacePrefix ?? 'cali';
  const out: Endpoint[] = [];
  for (const pod of input.pods) {
    const ip = podIPv4(pod);
    const phase = pod.status?.phase;
    if (ip === undefined || pod.spec?.hostNetwork || phase === 'Succeeded' || phase === 'Failed') continue;
    const namespace = pod.metadata.namespace ?? 'default';
    const serviceAccount = pod.spec?.serviceAccountName || 'default';
    // Profile labels (pcns.*, pcsa.*) are inherited; the endpoint's own labels win over them.
    const labels: Record<string, string> = { 'pcns.projectcalico.org/name': namespace };
    for (const [k, v] of Object.entries(nsLabels.get(namespace) ?? {})) labels[`pcns.${k}`] = v;
    labels['pcsa.projectcalico.org/name'] = serviceAccount;
    Object.assign(labels, pod.metadata.labels ?? {});
    labels[NAMESPACE_LABEL] = namespace;
    labels['projectcalico.org/orchestrator'] = 'k8s';
    labels['projectcalico.org/serviceaccount'] = serviceAccount;
    const namedPorts = (pod.spec?.containers ?? []).flatMap((c) =>
      (c.ports ?? [])
        .filter((p) => p.name)
        .map((p) => ({ name: p.name as string, protocol: (p.protocol ?? 'TCP').toLowerCase(), port: p.containerPort })),
    );
    out.push({
      namespace,
      pod: pod.metadata.name,
      iface: vethNameForWorkload(namespace, pod.metadata.name, prefix),
      ip,
      node: pod.spec?.nodeName ?? '',
      labels,
      serviceAccount,
      namedPorts,
    });
  }
  return out;
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

class IpsetRegistry {
  readonly sets = new Map<string, IpsetSpec>();
  readonly endpoints: Endpoint[];
  constructor(endpoints: Endpoint[]) {
    this.endpoints = endpoints;
  }
  /** The IP set of a selector, filled with the addresses of every endpoint it matches. */
  selector(node: SelectorNode): string {
    const name = ipsetName(selectorUniqueId(selectorString(node)));
    if (!this.sets.has(name)) {
      const members = this.endpoints.filter((e) => evaluateSelector(node, e.labels)).map((e) => e.ip);
      this.add({ name, type: 'hash:net', members: members.sort((a, b) => ipNumber(a) - ipNumber(b)) });
    }
    return name;
  }
  /** A named port's (IP, port) set, limited to the endpoints the selector matches. */
  namedPort(node: SelectorNode, protocol: 'tcp' | 'udp' | 'sctp', portName: string): string {
    const id = namedPortSetId(selectorUniqueId(selectorString(node)), protocol, portName);
    const name = ipsetName(id);
    if (!this.sets.has(name)) {
      const members: string[] = [];
      for (const e of this.endpoints) {
        if (!evaluateSelector(node, e.labels)) continue;
        for (const p of e.namedPorts) {
          if (p.name === portName && p.protocol === protocol) members.push(`${e.ip},${protocol}:${p.port}`);
        }
      }
      const ipOf = (m: string) => ipNumber(m.slice(0, m.indexOf(',')));
      this.add({ name, type: 'hash:ip,port', members: members.sort((a, b) => ipOf(a) - ipOf(b) || (a < b ? -1 : 1)) });
    }
    return name;
  }
  /** Members de-duplicated, in the order given. */
  add(spec: IpsetSpec): void {
    this.sets.set(spec.name, { ...spec, members: [...new Set(spec.members)] });
  }
}

/** ruleToParsedRule (felix/calc/rule_scanner.go): selectors and named ports become IP sets. */
function parseRule(rule: CalicoRule, sets: IpsetRegistry): ParsedRule {
  const src = rule.srcSelector === '' ? undefined : parseSelector(rule.srcSelector);
  const dst = rule.dstSelector === '' ? undefined : parseSelector(rule.dstSelector);
  const numeric = rule.dstPorts.flatMap((p) => (p.kind === 'range' ? [{ first: p.first, last: p.last }] : []));
  const named = rule.dstPorts.flatMap((p) => (p.kind === 'named' ? [p.name] : []));
  const namedProto = rule.protocol === 'udp' || rule.protocol === 'sctp' ? rule.protocol : 'tcp';
  const dstNamedPortIpSets = named.map((n) => sets.namedPort(dst ?? { kind: 'all' }, namedProto, n));
  const parsed: ParsedRule = {
    srcNets: rule.srcNets,
    notSrcNets: rule.notSrcNets,
    dstNets: rule.dstNets,
    notDstNets: rule.notDstNets,
    srcIpSets: src ? [sets.selector(src)] : [],
    // With only named ports the selector is already folded into their sets.
    dstIpSets: dst && (numeric.length > 0 || named.length === 0) ? [sets.selector(dst)] : [],
    dstPorts: numeric,
    dstNamedPortIpSets,
  };
  if (rule.protocol) parsed.protocol = rule.protocol;
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// The whole node.

function comment(text: string): string[] {
  return [text];
}

function staticFilterChains(ipip: boolean): FelixChain[] {
  const acceptedHere = {
    comments: comment('Host endpoint policy accepted packet.'),
    match: [markSet(MARK_ACCEPT)],
    action: '--jump ACCEPT',
  };
  const input: FelixRule[] = ipip
    ? [
        {
          comments: comment('Allow IPIP packets from Calico hosts'),
          match: ['-p 4', '-m set --match-set cali40all-hosts-net src', '-m addrtype --dst-type LOCAL'],
          action: '--jump ACCEPT',
        },
        { comments: comment('Drop IPIP packets from non-Calico hosts'), match: ['-p 4'], action: '--jump DROP' },
      ]
    : [];
  input.push(
    { match: ['--in-interface cali+'], action: '--goto cali-wl-to-host' },
    { match: [markSet(MARK_ACCEPT)], action: '--jump ACCEPT' },
    { action: clearMark(ALL_MARKS) },
    { action: '--jump cali-from-host-endpoint' },
    acceptedHere,
  );
  const output: FelixRule[] = [
    { match: [markSet(MARK_ACCEPT)], action: '--jump ACCEPT' },
    { match: ['--out-interface cali+'], action: '--jump RETURN' },
  ];
  if (ipip) {
    output.push({
      comments: comment('Allow IPIP packets to other Calico hosts'),
      match: ['-p 4', '-m set --match-set cali40all-hosts-net dst', '-m addrtype --src-type LOCAL'],
      action: '--jump ACCEPT',
    });
  }
  output.push(
    { action: clearMark(ALL_MARKS) },
    { match: ['-m conntrack ! --ctstate DNAT'], action: '--jump cali-to-host-endpoint' },
    acceptedHere,
  );
  return [
    {
      name: 'cali-FORWARD',
      rules: [
        { action: clearMark(0xe0000) },
        { match: [markClear(MARK_ACCEPT)], action: '--jump cali-from-hep-forward' },
        { match: ['--in-interface cali+'], action: `--jump ${FROM_WORKLOAD_DISPATCH}` },
        { match: ['--out-interface cali+'], action: `--jump ${TO_WORKLOAD_DISPATCH}` },
        { action: '--jump cali-to-hep-forward' },
        { action: '--jump cali-cidr-block' },
      ],
    },
    { name: 'cali-INPUT', rules: input },
    { name: 'cali-OUTPUT', rules: output },
    {
      name: 'cali-wl-to-host',
      rules: [
        { action: `--jump ${FROM_WORKLOAD_DISPATCH}` },
        { comments: comment('Configured DefaultEndpointToHostAction'), action: '--jump ACCEPT' },
      ],
    },
    ...[
      'cali-cidr-block',
      'cali-from-hep-forward',
      'cali-from-host-endpoint',
      'cali-to-hep-forward',
      'cali-to-host-endpoint',
    ].map((name) => ({ name, rules: [] })),
  ];
}

/** WorkloadDispatchChains: root then child chains, for both directions. */
function dispatchChains(ifaces: string[]): FelixChain[] {
  const groups = dispatchGroups(ifaces);
  const unknown: FelixRule = { comments: comment('Unknown interface'), action: '--jump DROP' };
  const chains: FelixChain[] = [];
  for (const [root, io, prefix] of [
    [FROM_WORKLOAD_DISPATCH, '--in-interface', 'cali-fw-'],
    [TO_WORKLOAD_DISPATCH, '--out-interface', 'cali-tw-'],
  ] as const) {
    const rules: FelixRule[] = [];
    const children: FelixChain[] = [];
    for (const g of groups) {
      if (g.childSuffix !== undefined) {
        const child = dispatchChildChain(root, g.childSuffix);
        rules.push({ match: [`${io} ${g.prefix}+`], action: `--goto ${child}` });
        children.push({
          name: child,
          rules: [
            ...g.names.map((n) => ({ match: [`${io} ${n}`], action: `--goto ${endpointChainName(prefix, n)}` })),
            unknown,
          ],
        });
      } else {
        const n = g.names[0] as string;
        rules.push({ match: [`${io} ${n}`], action: `--goto ${endpointChainName(prefix, n)}` });
      }
    }
    chains.push({ name: root, rules: [...rules, unknown] }, ...children);
  }
  return chains;
}

/** endpointIptablesChain (felix/rules/endpoints.go) for one direction of one workload. */
function endpointChain(
  name: string,
  policyChains: string[],
  profileChains: string[],
  dropEncap: boolean,
  legacy: boolean,
): FelixChain {
  const rules: FelixRule[] = [
    { match: ['-m conntrack --ctstate RELATED,ESTABLISHED'], action: '--jump ACCEPT' },
    { match: ['-m conntrack --ctstate INVALID'], action: '--jump DROP' },
    { action: clearMark(MARK_ACCEPT) },
  ];
  if (dropEncap) {
    const origin = legacy ? 'pods' : 'workloads';
    rules.push(
      {
        comments: comment(`Drop VXLAN encapped packets originating in ${origin}`),
        match: ['-p 17', `-m multiport --destination-ports ${VXLAN_PORT}`],
        action: '--jump DROP',
      },
      {
        comments: comment(`Drop IPinIP encapped packets originating in ${origin}`),
        match: ['-p 4'],
        action: '--jump DROP',
      },
    );
  }
  if (policyChains.length > 0) {
    rules.push({ comments: comment('Start of policies'), action: clearMark(MARK_PASS) });
    for (const chain of policyChains) {
      rules.push({ match: [markClear(MARK_PASS)], action: `--jump ${chain}` });
      rules.push({
        comments: comment('Return if policy accepted'),
        match: [markSet(MARK_ACCEPT)],
        action: '--jump RETURN',
      });
    }
    rules.push({
      comments: comment('Drop if no policies passed packet'),
      match: [markClear(MARK_PASS)],
      action: '--jump DROP',
    });
  }
  for (const chain of profileChains) {
    rules.push({ action: `--jump ${chain}` });
    rules.push({
      comments: comment('Return if profile accepted'),
      match: [markSet(MARK_ACCEPT)],
      action: '--jump RETURN',
    });
  }
  rules.push({ comments: comment('Drop if no profiles matched'), action: '--jump DROP' });
  return { name, rules };
}

function natChains(ipip: boolean, fullyRandom: boolean): FelixChain[] {
  const rf = fullyRandom ? ' --random-fully' : '';
  const post: FelixRule[] = [{ action: '--jump cali-fip-snat' }, { action: '--jump cali-nat-outgoing' }];
  if (ipip) {
    post.push({
      match: [
        '--out-interface tunl0',
        '-m addrtype ! --src-type LOCAL --limit-iface-out',
        '-m addrtype --src-type LOCAL',
      ],
      action: `--jump MASQUERADE${rf}`,
    });
  }
  return [
    { name: 'cali-PREROUTING', rules: [{ action: '--jump cali-fip-dnat' }] },
    { name: 'cali-POSTROUTING', rules: post },
    { name: 'cali-OUTPUT', rules: [{ action: '--jump cali-fip-dnat' }] },
    { name: 'cali-fip-dnat', rules: [] },
    { name: 'cali-fip-snat', rules: [] },
    {
      name: 'cali-nat-outgoing',
      rules: [
        {
          match: ['-m set --match-set cali40masq-ipam-pools src', '-m set ! --match-set cali40all-ipam-pools dst'],
          action: `--jump MASQUERADE${rf}`,
        },
      ],
    },
  ];
}

interface Hook {
  chain: string;
  target: string;
}

function renderRestore(table: string, hooks: Hook[], appends: FelixChain | null, chains: FelixChain[]): string {
  const lines = [`*${table}`, ...chains.map((c) => `:${c.name} - [0:0]`)];
  for (const h of hooks) {
    // Inserted at the top of the kernel chain, hashed under the kernel chain's own name.
    const text = renderFelixRule({ action: `--jump ${h.target}` });
    lines.push(`-I ${h.chain} 1 -m comment --comment "cali:${ruleHashes(h.chain, [text])[0] as string}" ${text}`);
  }
  if (appends) lines.push(...renderChainLines(appends, '-A', appendsHashChain(appends.name)));
  for (const c of chains) lines.push(...renderChainLines(c));
  lines.push('COMMIT');
  return `${lines.join('\n')}\n`;
}

function renderIpsetRestore(sets: IpsetSpec[]): string {
  const lines: string[] = [];
  for (const s of sets) {
    lines.push(`create ${s.name} ${s.type} family inet maxelem ${IPSET_MAX_SIZE}`);
    for (const m of s.members) lines.push(`add ${s.name} ${m}`);
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** The policy order within the default tier: by order (all 1000 for Kubernetes policies), then name. */
function comparePolicies(a: CalicoPolicy, b: CalicoPolicy): number {
  const ka = `${a.namespace}/${a.calicoName}`;
  const kb = `${b.namespace}/${b.calicoName}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Everything felix programs on `settings.nodeName` for these objects. */
export function renderFelix(input: FelixInput): FelixOutput {
  const { settings } = input;
  const ipip = settings.ipip ?? true;
  const legacy = settings.felixVersion === 'v3.16';
  const endpoints = workloadEndpoints(input);
  const local = endpoints
    .filter((e) => e.node === settings.nodeName)
    .sort((a, b) => (a.iface < b.iface ? -1 : a.iface > b.iface ? 1 : 0));
  const policies = input.networkPolicies.map(k8sNetworkPolicyToCalico).sort(comparePolicies);
  const policySelectors = policies.map((p) => parseSelector(p.selector));

  const sets = new IpsetRegistry(endpoints);
  const localNode = settings.nodes.find((n) => n.name === settings.nodeName);
  sets.add({ name: 'cali40all-hosts-net', type: 'hash:net', members: settings.nodes.map((n) => n.address) });
  sets.add({
    name: 'cali40masq-ipam-pools',
    type: 'hash:net',
    members: settings.ipPools.filter((p) => p.natOutgoing).map((p) => p.cidr),
  });
  sets.add({ name: 'cali40all-ipam-pools', type: 'hash:net', members: settings.ipPools.map((p) => p.cidr) });
  const thisHost = [localNode?.address, ipip ? localNode?.ipipTunnelAddress : undefined, '127.0.0.1'].filter(
    (a): a is string => a !== undefined,
  );
  sets.add({ name: 'cali40this-host', type: 'hash:ip', members: thisHost });

  const chains = staticFilterChains(ipip);
  chains.push(...dispatchChains(local.map((e) => e.iface)));

  const usedProfiles: string[] = [];
  const usedIn: CalicoPolicy[] = [];
  const usedOut: CalicoPolicy[] = [];
  const workloads: WorkloadEndpoint[] = [];
  for (const e of local) {
    const applying = policies.filter((_, i) => evaluateSelector(policySelectors[i] as SelectorNode, e.labels));
    const ingress = applying.filter((p) => p.ingress);
    const egress = applying.filter((p) => p.egress);
    const profiles = [namespaceProfile(e.namespace), serviceAccountProfile(e.namespace, e.serviceAccount)];
    const id = (p: CalicoPolicy) => k8sPolicyId(p.namespace, p.name);
    const pi = ingress.map((p) => policyChainName('pi', id(p)));
    const po = egress.map((p) => policyChainName('po', id(p)));
    chains.push(
      endpointChain(
        endpointChainName('cali-tw-', e.iface),
        pi,
        profiles.map((p) => profileChainName('pri', p)),
        false,
        legacy,
      ),
      endpointChain(
        endpointChainName('cali-fw-', e.iface),
        po,
        profiles.map((p) => profileChainName('pro', p)),
        true,
        legacy,
      ),
    );
    for (const p of profiles) if (!usedProfiles.includes(p)) usedProfiles.push(p);
    for (const p of ingress) if (!usedIn.includes(p)) usedIn.push(p);
    for (const p of egress) if (!usedOut.includes(p)) usedOut.push(p);
    workloads.push({
      namespace: e.namespace,
      pod: e.pod,
      iface: e.iface,
      ip: e.ip,
      ingressPolicies: pi,
      egressPolicies: po,
    });
  }

  for (const p of usedProfiles) {
    for (const [dir, word] of [
      ['pri', 'ingress'],
      ['pro', 'egress'],
    ] as const) {
      const rules: FelixRule[] = p.startsWith('kns.')
        ? [{ action: setMark(MARK_ACCEPT) }, { match: [markSet(MARK_ACCEPT)], action: '--jump RETURN' }]
        : [];
      chains.push({
        name: profileChainName(dir, p),
        rules: rulesWithChainComment(rules, legacy ? undefined : `Profile ${p} ${word}`),
      });
    }
  }
  for (const [list, dir, word] of [
    [usedIn, 'pi', 'ingress'],
    [usedOut, 'po', 'egress'],
  ] as const) {
    for (const p of list) {
      const id = k8sPolicyId(p.namespace, p.name);
      const calicoRules = dir === 'pi' ? p.inbound : p.outbound;
      const rules = calicoRules.flatMap((r) => parsedRuleToFelix(parseRule(r, sets)));
      chains.push({
        name: policyChainName(dir, id),
        rules: rulesWithChainComment(rules, legacy ? undefined : `Policy ${id} ${word}`),
      });
    }
  }

  const filterHooks: Hook[] = [
    { chain: 'INPUT', target: 'cali-INPUT' },
    { chain: 'FORWARD', target: 'cali-FORWARD' },
    { chain: 'OUTPUT', target: 'cali-OUTPUT' },
  ];
  const forwardAppends: FelixChain = {
    name: 'FORWARD',
    rules: [
      {
        comments: comment('Policy explicitly accepted packet.'),
        match: [markSet(MARK_ACCEPT)],
        action: '--jump ACCEPT',
      },
      { action: setMark(MARK_ACCEPT) },
    ],
  };
  const natHooks: Hook[] = [
    { chain: 'PREROUTING', target: 'cali-PREROUTING' },
    { chain: 'OUTPUT', target: 'cali-OUTPUT' },
    { chain: 'POSTROUTING', target: 'cali-POSTROUTING' },
  ];
  const ipsets = [...sets.sets.values()];
  return {
    filter: renderRestore('filter', filterHooks, forwardAppends, chains),
    nat: renderRestore('nat', natHooks, null, natChains(ipip, settings.masqueradeFullyRandom ?? true)),
    ipsets,
    ipsetRestore: renderIpsetRestore(ipsets),
    endpoints: workloads,
  };
}
