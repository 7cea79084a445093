/**
 * Masks what is truly random in a rendered transcript, so that two runs of one script (on the real
 * kernel twice, or kernel and engine) can be compared as text.
 *
 * Rules are data: a pattern whose capturing groups mark the random values (the text around them is
 * kept) and a token to put in their place. A token with `#` is numbered: each distinct value gets
 * the next number in order of first appearance within the transcript, so "the same MAC in two
 * places" stays visible as `<mac2>` twice. Rules sharing a pool share numbers (a MAC and the EUI-64
 * link-local address built from it). Rules apply in order, each over the whole text.
 *
 * Deliberately NOT masked, because the kernel is deterministic about them in a fresh namespace and
 * the engine must match: ifindex numbers (`veth0@if2`, `2: eth0`; allocated per namespace from 1,
 * lowest free, and a veth's peer is allocated before the device itself), `link-netnsid N`
 * (allocated per namespace in order of first need), tcpdump's packet counts, route and neighbour
 * states, MACs that the script itself sets.
 */

import { type Entry, renderTranscript } from './transcript.ts';

export interface MaskContext {
  /** Lower-case MACs written in the script: chosen, not random, so they are kept. */
  scriptMacs: ReadonlySet<string>;
}

export interface MaskRule {
  name: string;
  /** Why the value is random. */
  why: string;
  /** Each capturing group marks one random value. */
  pattern: RegExp;
  /** What replaces the value; `#` becomes the value's number in the rule's pool. */
  token: string;
  /** Numbering pool (defaults to the rule name). */
  pool?: string;
  /** Turns a matched value into its pool key (default: the value itself); sees the pool's keys so far. */
  key?: (value: string, known: ReadonlyMap<string, number>, context: MaskContext) => string;
  /** Values to leave as they are. */
  keep?: (key: string, context: MaskContext) => boolean;
}

const MAC = /\b([0-9a-f]{2}(?::[0-9a-f]{2}){5})\b/g;

/** All-zero, broadcast and multicast MACs are fixed by the protocol; MACs from the script were chosen. */
function fixedMac(mac: string, context: MaskContext): boolean {
  const first = Number.parseInt(mac.slice(0, 2), 16);
  return mac === '00:00:00:00:00:00' || (first & 1) === 1 || context.scriptMacs.has(mac);
}

/** `b03c:12ff:fee9:a6db` (an EUI-64 interface id) → `b2:3c:12:e9:a6:db`. */
export function eui64ToMac(interfaceId: string): string {
  const groups = interfaceId.split(':');
  while (groups.length < 4) groups.unshift('0');
  const hex = groups.map((group) => group.padStart(4, '0')).join('');
  const bytes = [
    hex.slice(0, 2),
    hex.slice(2, 4),
    hex.slice(4, 6),
    hex.slice(10, 12),
    hex.slice(12, 14),
    hex.slice(14),
  ];
  bytes[0] = (Number.parseInt(bytes[0] ?? '00', 16) ^ 2).toString(16).padStart(2, '0');
  return bytes.join(':');
}

/**
 * A TCP timestamp a few milliseconds from one already seen is the same clock (offsets are random
 * 32-bit numbers per connection): a busy machine may put a handshake's last ACK a tick later.
 */
function sameTsClock(value: string, known: ReadonlyMap<string, number>): string {
  const n = Number(value);
  for (const key of known.keys()) if (Math.abs(Number(key) - n) <= 10) return key;
  return value;
}

function ephemeralPort(port: string): boolean {
  const n = Number(port);
  return n >= 32768 && n <= 60999;
}

export const MASK_RULES: readonly MaskRule[] = [
  {
    name: 'nftrace-mac',
    why: 'xtables-monitor prints MACSRC/MACDST with ether_ntoa (bytes not zero-padded); numbered first so padded and unpadded forms agree',
    pattern: /\bMAC(?:SRC|DST)=([0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5})\b/g,
    token: '<mac#>',
    pool: 'mac',
    key: (value) =>
      value
        .split(':')
        .map((byte) => byte.padStart(2, '0'))
        .join(':'),
    keep: fixedMac,
  },
  {
    name: 'mac',
    why: 'the kernel gives new veth, bridge and vxlan devices random locally administered MACs',
    pattern: MAC,
    token: '<mac#>',
    keep: fixedMac,
  },
  {
    name: 'bridge-id-unpadded',
    why: '`ip -d link` prints bridge_id and designated_root as the bridge MAC with unpadded bytes (8000.e:14:16:a2:d5:bd)',
    pattern: /\b(?:bridge_id|designated_root) [0-9a-f]{4}\.([0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5})\b/g,
    token: '<mac#>',
    pool: 'mac',
    key: (value) =>
      value
        .split(':')
        .map((byte) => byte.padStart(2, '0'))
        .join(':'),
    keep: fixedMac,
  },
  {
    name: 'nftrace-id',
    why: 'the kernel gives each traced packet a random nftrace id',
    pattern: /^ ?(?:PACKET|TRACE): 2 ([0-9a-f]{8}) /gm,
    token: '<trace-id#>',
  },
  {
    name: 'nftrace-ip-id',
    why: 'xtables-monitor prints the IP identification, which the kernel picks at random per packet',
    pattern: /\bTTL=\d+ ID=(\d+)\b/g,
    token: '<ip-id>',
  },
  {
    name: 'bridge-id',
    why: 'a bridge id (brctl show) is the priority and the bridge MAC without colons',
    pattern: /\b[0-9a-f]{4}\.([0-9a-f]{12})\b/g,
    token: '<mac#>',
    pool: 'mac',
    key: (value) => value.match(/../g)?.join(':') ?? value,
    keep: fixedMac,
  },
  {
    name: 'link-local',
    why: 'IPv6 link-local addresses are built from the (random) MAC by EUI-64',
    // A leading zero group is swallowed by `::` (fe80::ff:fe00:13 is MAC 02:00:00:00:00:13).
    pattern: /\bfe80::((?:[0-9a-f]{1,4}:)?[0-9a-f]{0,2}ff:fe[0-9a-f]{2}:[0-9a-f]{1,4})\b/g,
    token: '<mac#-eui64>',
    pool: 'mac',
    key: eui64ToMac,
    keep: fixedMac,
  },
  {
    name: 'solicited-node-mac',
    why: 'the solicited-node multicast MAC 33:33:ff:xx:xx:xx carries the low 24 bits of a (random) MAC',
    pattern: /\b33:33:ff:([0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2})\b/g,
    token: '<mac#-low24>',
    pool: 'mac',
    key: (low, known, context) =>
      [...context.scriptMacs, ...known.keys()].find((mac) => mac.endsWith(`:${low}`)) ?? `??:??:??:${low}`,
    keep: (mac, context) => context.scriptMacs.has(mac),
  },
  {
    name: 'clock',
    why: 'tcpdump prints the wall-clock time of each packet',
    pattern: /\b(\d\d:\d\d:\d\d\.\d{6})\b/g,
    token: '<time>',
  },
  {
    name: 'rtt',
    why: 'round-trip times depend on scheduling',
    pattern: /\btime=(\d+(?:\.\d+)?) ms\b/g,
    token: '<rtt>',
  },
  {
    name: 'rtt-summary',
    why: 'round-trip statistics depend on scheduling',
    pattern: /^rtt min\/avg\/max\/mdev = (\d+\.\d+\/\d+\.\d+\/\d+\.\d+\/\d+\.\d+) ms$/gm,
    token: '<rtt>',
  },
  {
    name: 'ping-total-time',
    why: 'the total time of a ping run depends on scheduling',
    pattern: /\bpacket loss, time (\d+)ms\b/g,
    token: '<ms>',
  },
  {
    name: 'icmp-echo-id',
    why: 'ping picks its ICMP identifier from its pid (raw socket) or the kernel picks it (ping socket)',
    pattern: /\bICMP echo (?:request|reply), id (\d+)\b/g,
    token: '<icmp-id#>',
  },
  {
    name: 'conntrack-icmp-id',
    why: 'conntrack shows the same ping identifier in its ICMP tuples',
    pattern: /\btype=(?:0|8) code=0 id=(\d+)\b/g,
    token: '<icmp-id#>',
  },
  {
    name: 'ip-id',
    why: 'IPv4 identification fields are drawn from a keyed hash or per-socket counters',
    pattern: /\bid (\d+), offset\b/g,
    token: '<ip-id>',
  },
  {
    name: 'tcp-isn',
    why: 'TCP initial sequence numbers are random (shown absolute on SYN and SYN-ACK)',
    pattern: /\bFlags \[S\.?E?W?\], seq (\d+)/g,
    token: '<isn#>',
  },
  {
    name: 'tcp-isn-ack',
    why: 'the ACK of a SYN is the peer ISN + 1',
    pattern: /\bFlags \[S\.E?W?\], seq \S+, ack (\d+)/g,
    token: '<isn-ack#>',
  },
  {
    name: 'tcp-ts-val',
    why: 'TCP timestamps start at a random per-connection offset',
    pattern: /\bTS val (\d+)/g,
    token: '<ts#>',
    pool: 'tcp-ts',
    key: sameTsClock,
  },
  {
    name: 'tcp-ts-ecr',
    why: 'the echoed timestamp is the peer TS val (0 on a SYN is kept)',
    pattern: /\becr ([1-9]\d*)/g,
    token: '<ts#>',
    pool: 'tcp-ts',
    key: sameTsClock,
  },
  {
    name: 'ephemeral-port',
    why: 'clients (and VXLAN source ports, a hash with a boot-time seed) pick ports in ip_local_port_range',
    pattern: /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}[.:](\d{5})\b/g,
    token: '<port#>',
    keep: (port) => !ephemeralPort(port),
  },
  {
    name: 'conntrack-port',
    why: 'conntrack prints client-chosen ports as sport=/dport=',
    pattern: /\b[sd]port=(\d{5})\b/g,
    token: '<port#>',
    pool: 'ephemeral-port',
    keep: (port) => !ephemeralPort(port),
  },
  {
    name: 'address-lifetime',
    why: 'finite address lifetimes count down',
    pattern: /\bvalid_lft (\d+sec) preferred_lft (\d+sec)/g,
    token: '<lft>',
  },
  {
    name: 'conntrack-timeout',
    why: 'conntrack entry timeouts count down',
    pattern: /\b(?:tcp|udp|icmp|sctp) +\d+ (\d+) /g,
    token: '<timeout>',
  },
  {
    name: 'veth-queues',
    why: 'a veth gets one queue per possible CPU of the host (2 on the reference machines), not a fixed number',
    pattern: /\bveth addrgenmode \S+ numtxqueues (\d+) numrxqueues (\d+)/g,
    token: '<ncpu>',
  },
  {
    name: 'ifconfig-counters',
    why: 'links that are up carry IPv6 autoconfiguration traffic (MLD reports, DAD, router solicitations) sent after random delays, so packet counts vary',
    pattern: /\b[RT]X packets (\d+) {2}bytes (\d+ \([\d.]+ [KMGT]?i?B\))/g,
    token: '<n>',
  },
  {
    name: 'ifconfig-short-counters',
    why: 'the RX-OK and TX-OK columns of `ifconfig -s` count the same random IPv6 traffic',
    pattern: /^\S+ +\d+ +(\d+) +\d+ +\d+ +\d+ +(\d+) +\d+ +\d+ +\d+ +[A-Za-z]+$/gm,
    token: '<n>',
  },
  {
    name: 'pid',
    why: 'pids count the processes a run forked before (ss -p shows pid=N, netstat -p N/name)',
    pattern: /\bpid=(\d+),fd=|^(?:tcp|udp) .* (\d+)\/[\w.-]+ *$/gm,
    token: '<pid#>',
  },
  {
    name: 'socket-table-padding',
    why: 'ss and netstat pad their last column (the process) to the longest pid, whose length varies with the pids',
    pattern:
      /^(?:Netid|State|Proto Recv-Q|LISTEN|ESTAB|TIME-WAIT|UNCONN|SYN-SENT|SYN-RECV|FIN-WAIT-[12]|CLOSE-WAIT|LAST-ACK|CLOSING|tcp|udp)\b[^\n]*?( +)$/gm,
    token: '',
  },
  {
    name: 'curl-elapsed',
    why: 'curl reports how long connecting took, which depends on scheduling',
    pattern: /\bafter (\d+) (?:ms|milliseconds)\b/g,
    token: '<ms>',
  },
  {
    name: 'http-server-log-time',
    why: "python's http.server logs each request with the wall-clock time",
    pattern: /^\S+ - - \[(\d\d\/\w{3}\/\d{4} \d\d:\d\d:\d\d)\] /gm,
    token: '<date>',
  },
  {
    name: 'bridge-gc-timer',
    why: 'the bridge garbage-collection timer counts down',
    pattern: /\bgc_timer +(\d+\.\d+)/g,
    token: '<timer>',
  },
];

/** Outputs whose line order is random (they walk a hash table with a random seed), sorted before masking. */
export interface UnorderedRule {
  name: string;
  why: string;
  /** Matches the whole command line. */
  command: RegExp;
  /** Leading lines (headers) kept in place. */
  header: number;
}

const IN_NETNS = String.raw`^(?:ip netns exec \S+ )?`;

export const UNORDERED_RULES: readonly UnorderedRule[] = [
  {
    name: 'ip-neigh',
    why: 'the neighbour table is a hash table keyed with a random seed; dumps follow bucket order',
    command: new RegExp(
      `${IN_NETNS}ip (?:-n \\S+ )?(?:-4 )?n(?:e|ei|eig|eigh|eighbor|eighbour)?(?: show| list| ls)?(?: dev \\S+)?$`,
    ),
    header: 0,
  },
  {
    name: 'socket-tables',
    why: 'ss and /proc/net/tcp walk the socket hash tables, whose buckets depend on a per-boot random seed',
    command: new RegExp(`${IN_NETNS}ss(?: -[a-rt-zA-Z]+)*$`),
    header: 1,
  },
  {
    name: 'netstat-sockets',
    why: 'netstat reads /proc/net/tcp and /proc/net/udp, which walk the same hash tables as ss',
    command: new RegExp(`${IN_NETNS}netstat -[a-hj-qs-zA-Z]*[tu][a-hj-qs-zA-Z]*$`),
    header: 2,
  },
  {
    name: 'arp',
    why: '/proc/net/arp walks the same hash table as ip neigh',
    command: new RegExp(`${IN_NETNS}arp -n(?: -i \\S+)?$`),
    header: 1,
  },
];

/** A copy of `entries` with the outputs of unordered commands sorted (headers kept first). */
export function sortUnordered(entries: readonly Entry[], rules: readonly UnorderedRule[] = UNORDERED_RULES): Entry[] {
  return entries.map((entry) => {
    if (!rules.some((rule) => rule.command.test(entry.command))) return entry;
    const header = rules.find((rule) => rule.command.test(entry.command))?.header ?? 0;
    const lines = entry.output.split('\n');
    const last = lines.pop() ?? '';
    const sorted = [...lines.slice(0, header), ...lines.slice(header).sort()];
    return { ...entry, output: [...sorted, last].join('\n') };
  });
}

/** Renders entries and masks the result: what the differential suite compares. */
export function maskedTranscript(entries: readonly Entry[], script: string): string {
  return maskTranscript(renderTranscript(sortUnordered(entries)), script);
}

/** Lower-case MACs that appear in a script. */
export function macsIn(script: string): Set<string> {
  return new Set([...script.toLowerCase().matchAll(MAC)].map((match) => match[1] ?? ''));
}

/** Applies `rules` to `text`; `script` is the script that produced it (its MACs are kept). */
export function maskTranscript(text: string, script: string, rules: readonly MaskRule[] = MASK_RULES): string {
  const context: MaskContext = { scriptMacs: macsIn(script) };
  const pools = new Map<string, Map<string, number>>();
  let result = text;
  for (const rule of rules) {
    const flags = new Set([...rule.pattern.flags, 'g', 'd']);
    const pattern = new RegExp(rule.pattern.source, [...flags].join(''));
    const poolName = rule.pool ?? rule.name;
    const pool = pools.get(poolName) ?? new Map<string, number>();
    pools.set(poolName, pool);
    let out = '';
    let last = 0;
    for (const match of result.matchAll(pattern)) {
      const indices = match.indices ?? [];
      for (let group = 1; group < match.length; group++) {
        const value = match[group];
        const span = indices[group];
        if (value === undefined || span === undefined) continue;
        const key = rule.key ? rule.key(value, pool, context) : value;
        if (rule.keep?.(key, context)) continue;
        let token = rule.token;
        if (token.includes('#')) {
          const n = pool.get(key) ?? pool.size + 1;
          pool.set(key, n);
          token = token.replace('#', String(n));
        }
        out += result.slice(last, span[0]) + token;
        last = span[1];
      }
    }
    result = out + result.slice(last);
  }
  return result;
}
