/**
 * Argument grammars for the command fuzzer: plausible words for each tool (real options, objects,
 * verbs, the topology's devices and addresses, valid and broken values), so that generated lines
 * get past the first parse error and reach the code behind it. Tools without a grammar of their own
 * get a generic one built from every pool here.
 */
import { Rng } from '../../src/engine/sim.ts';
import { DEVICES, NAMESPACES } from './topology.ts';

/** A seeded picker over the engine's own generator, so a seed replays the same words. */
export class Picker {
  readonly rng: Rng;

  constructor(seed: number) {
    this.rng = new Rng(seed);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  int(min: number, max: number): number {
    return this.rng.int(min, max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.rng.int(0, items.length - 1)] as T;
  }
}

/** A generator of words; a string is a literal word and an array is a choice of literal words. */
export type Gen = (p: Picker) => string[];
export type Part = string | readonly string[] | Gen;

function run(part: Part, p: Picker): string[] {
  if (typeof part === 'string') return [part];
  if (typeof part === 'function') return part(p);
  return [p.pick(part)];
}

export const seq =
  (...parts: Part[]): Gen =>
  (p) =>
    parts.flatMap((part) => run(part, p));

export const alt =
  (...parts: Part[]): Gen =>
  (p) =>
    run(p.pick(parts), p);

export const opt =
  (part: Part, chance = 0.5): Gen =>
  (p) =>
    p.chance(chance) ? run(part, p) : [];

/** Up to `max` of the given options, each at most once, in random order (option lists). */
export const some =
  (max: number, ...parts: Part[]): Gen =>
  (p) => {
    const left = [...parts];
    const out: string[] = [];
    for (let n = p.int(0, Math.min(max, left.length)); n > 0; n--) {
      const i = p.int(0, left.length - 1);
      out.push(...run(left[i] as Part, p));
      left.splice(i, 1);
    }
    return out;
  };

// ---- shared pools -------------------------------------------------------------------------------

const LONG = 'a'.repeat(5000);

// No 'NaN', 'Infinity' or 'undefined' here: '1e400' and 'abc' reach the same conversions, and the
// leak check can then flag every such word in the output.
export const ODD: readonly string[] = [
  '',
  ' ',
  '-',
  '--',
  '\t',
  '\n',
  '"',
  "'",
  '\\',
  'a b',
  '$(reboot)',
  '`id`',
  ';',
  '|',
  '&',
  '*',
  '?',
  '한국어',
  '\u0000',
  '\u202e',
  '💥',
  LONG,
  'x'.repeat(16),
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  'valueOf',
  'null',
  'true',
  '%s%n',
  '../../etc/passwd',
  '/dev/null',
];

export const NUMBERS: readonly string[] = [
  '0',
  '1',
  '2',
  '3',
  '7',
  '42',
  '-1',
  '-0',
  '00',
  '08',
  '0x10',
  '1e3',
  '1.5',
  '.5',
  '+1',
  ' 1',
  '1 ',
  '255',
  '256',
  '1280',
  '1500',
  '9000',
  '65535',
  '65536',
  '2147483647',
  '2147483648',
  '4294967295',
  '4294967296',
  '9223372036854775807',
  '99999999999999999999',
  '1e400',
  'abc',
  '12abc',
  '',
];

export const GOOD_ADDRS: readonly string[] = [
  '10.0.0.1',
  '10.0.0.2',
  '10.0.0.3',
  '10.0.0.255',
  '10.0.0.0',
  '10.244.1.0',
  '10.244.1.5',
  '10.244.0.0',
  '192.168.1.0',
  '192.168.1.1',
  '192.168.9.9',
  '172.18.0.2',
  '127.0.0.1',
  '127.1.2.3',
  '0.0.0.0',
  '255.255.255.255',
  '224.0.0.1',
  '169.254.1.1',
  '8.8.8.8',
];

export const BAD_ADDRS: readonly string[] = [
  '10.0.0.300',
  '10.0.0',
  '10.0.0.1.1',
  '10..0.1',
  '1.2.3.-4',
  '01.02.03.04',
  '0x0a.0.0.1',
  '10.0.0.1/24',
  '::1',
  'fe80::1',
  '2001:db8::1',
  'localhost',
  'example.com',
  '999.999.999.999',
  '10.0.0.1 ',
  '',
];

export const PREFIXES: readonly string[] = [
  '10.0.0.0/24',
  '10.0.0.9/24',
  '10.0.0.4/32',
  '10.0.1.0/24',
  '10.1.0.0/16',
  '10.244.1.0/24',
  '10.244.2.0/24',
  '10.96.0.0/12',
  '10.0.0.0/8',
  '0.0.0.0/0',
  '192.168.1.0/31',
  '192.168.5.5/31',
  '172.16.0.1/30',
  '127.0.0.2/8',
  '224.0.0.0/4',
  '255.255.255.255/32',
  'default',
  'all',
  'any',
  '10.0.0.0/33',
  '10.0.0.0/-1',
  '10.0.0.0/',
  '10.0.0.0/024',
  '10.0.0.0/1e1',
  '10.0.0.300/24',
  '10.0.0.0/8/8',
  '/24',
];

export const MACS: readonly string[] = [
  '02:00:00:00:00:01',
  '0a:58:0a:f4:01:01',
  'ee:ee:ee:ee:ee:ee',
  '00:00:00:00:00:00',
  'ff:ff:ff:ff:ff:ff',
  '1:2:3:4:5:6',
  'AA:BB:CC:DD:EE:FF',
  '01:00:5e:00:00:01',
  'zz:00:00:00:00:00',
  '02:00:00:00:00',
  '02:00:00:00:00:00:00',
  '0200.0000.0001',
  '',
];

export const DEVS: readonly string[] = [
  ...DEVICES,
  'eth9',
  'nosuch',
  'eth0:1',
  'br0@if2',
  'x'.repeat(15),
  'x'.repeat(16),
];
export const NSES: readonly string[] = [...NAMESPACES, 'nosuchns', 'new0', 'new1', ''];

const addr = alt(GOOD_ADDRS, GOOD_ADDRS, BAD_ADDRS);
const prefix = alt(PREFIXES, PREFIXES, GOOD_ADDRS, BAD_ADDRS);
const num = alt(NUMBERS);
const dev = alt(DEVS, DEVICES, DEVICES);
const netnsName = alt(NSES, NAMESPACES);
const mac = alt(MACS);
const newName = alt(['v0', 'v1', 'br1', 'vx1', 'tun1', 'd0', 'eth0', 'lo'], DEVS, ODD);

// ---- ip ------------------------------------------------------------------------------------------

/** A prefix of a keyword, the way iproute2 accepts abbreviations ("a", "ad", "add"). */
const abbrev =
  (word: string): Gen =>
  (p) =>
    p.chance(0.7) ? [word] : [word.slice(0, p.int(1, word.length))];

const ipGlobal = alt(
  seq(),
  seq(),
  seq(),
  some(
    2,
    [
      '-4',
      '-0',
      '-d',
      '-details',
      '-s',
      '-statistics',
      '-br',
      '-brief',
      '-o',
      '-oneline',
      '-c',
      '-color=never',
      '-N',
      '-r',
    ],
    seq(['-n', '-netns'], netnsName),
  ),
  some(
    3,
    ['-4', '-6', '-0'],
    ['-d', '-details', '--details', '-det'],
    ['-s', '-stats', '-statistics', '-s'],
    ['-br', '-brief', '--brief', '-b'],
    ['-o', '-oneline'],
    ['-j', '-json', '-p', '-pretty', '-c', '-color', '-color=never', '-t', '-N', '-r', '-a', '-h', '-V', '-X', '-'],
    seq(['-n', '-netns', '--netns'], netnsName),
    seq(['-f', '-family'], ['inet', 'inet6', 'link', 'bridge', 'mpls', 'bogus']),
  ),
);

const linkType = alt(
  seq(
    'veth',
    opt(
      seq(
        'peer',
        some(4, seq('name', newName), seq('netns', netnsName), seq('mtu', num), seq('address', mac), newName),
      ),
    ),
  ),
  'bridge',
  seq(
    'vxlan',
    some(
      7,
      seq(['id', 'vni'], alt(['1', '42', '16777215', '16777216'], num)),
      seq('local', addr),
      seq(['remote', 'group'], addr),
      seq('dev', dev),
      seq('dstport', alt(['8472', '4789'], num)),
      ['nolearning', 'learning', 'udpcsum', 'noudpcsum'],
      seq(['ttl', 'tos', 'ageing'], num),
      seq('srcport', num, num),
    ),
  ),
  seq('ipip', some(2, seq('local', alt(addr, ['any'])), seq('remote', alt(addr, ['any'])))),
  'dummy',
  ['macvlan', 'vlan', 'geneve', 'gre', 'bogus', ''],
);

const linkAttrs = some(
  5,
  seq('mtu', num),
  seq('address', mac),
  seq('netns', netnsName),
  seq(['txqueuelen', 'qlen', 'numtxqueues'], num),
  ['up', 'down'],
  seq('master', dev),
  'nomaster',
);

const ipLink = alt(
  seq(
    opt(['show', 'list', 'lst', 'sh', 's']),
    some(
      3,
      seq('dev', dev),
      seq('type', ['veth', 'bridge', 'vxlan', 'ipip', 'dummy', '']),
      'up',
      seq('master', dev),
      dev,
    ),
  ),
  seq(abbrev('add'), opt(['name', 'dev'], 0.3), newName, linkAttrs, 'type', linkType),
  seq(abbrev('add'), linkAttrs, opt(newName), opt(seq('type', linkType))),
  seq(
    ['set', 'change', 's'],
    opt('dev', 0.3),
    dev,
    some(
      4,
      ['up', 'down', 'nomaster'],
      seq('mtu', num),
      seq('address', mac),
      seq('name', newName),
      seq('master', dev),
      seq('netns', netnsName),
      seq(['promisc', 'arp', 'multicast', 'allmulticast'], ['on', 'off', 'maybe']),
      seq(['txqueuelen', 'qlen'], num),
      seq('alias', ODD),
    ),
  ),
  seq(['delete', 'del', 'd'], opt('dev', 0.5), dev, opt(seq('type', ['veth', 'bridge']), 0.2)),
  ['help', 'bogus', 'xstats', 'afstats'],
);

const scope = alt(['global', 'link', 'host', 'site', 'nowhere', '0', '253', '254', '255', '256', 'bogus', '-1']);
const table = alt([
  'main',
  'local',
  'default',
  'all',
  '0',
  '100',
  '254',
  '255',
  '4294967295',
  '4294967296',
  'cache',
  'bogus',
  '-1',
]);
const proto = alt(['kernel', 'boot', 'static', 'dhcp', 'bird', 'redirect', '99', '255', '256', 'bogus', '-1']);

const ipAddr = alt(
  seq(opt(['show', 'list', 'sh', 's']), some(3, seq('dev', dev), 'up', seq('label', ODD), seq('scope', scope), dev)),
  seq(
    ['add', 'a', 'replace', 'change', 'del', 'delete', 'd'],
    opt('local', 0.2),
    prefix,
    some(
      5,
      seq('dev', dev),
      seq(['broadcast', 'brd'], alt(['+', '-'], addr)),
      seq('scope', scope),
      seq('label', alt(['eth0:1', 'br0:x', 'lo:0', 'eth0', 'bad'], ODD)),
      seq(['peer', 'remote'], prefix),
      'noprefixroute',
      seq(['valid_lft', 'preferred_lft'], ['forever', '0', '100', 'bogus']),
      seq('metric', num),
    ),
  ),
  seq(['flush', 'f'], some(2, seq('dev', dev), dev, 'up', seq('scope', scope))),
  ['help', 'bogus'],
);

const routeType = alt([
  'unicast',
  'local',
  'broadcast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'nat',
  'multicast',
]);
const routeSpec = some(
  7,
  seq('via', alt(addr, ['inet', '10.0.0.1'])),
  seq(['dev', 'oif'], dev),
  seq('table', table),
  seq(['proto', 'protocol'], proto),
  seq('scope', scope),
  seq('src', addr),
  seq(['metric', 'priority', 'preference'], num),
  'onlink',
  seq(['tos', 'dsfield'], num),
  seq(['mtu', 'advmss', 'weight', 'realm'], num),
  seq('to', prefix),
  seq('nexthop', 'via', addr),
);

const ipRoute = alt(
  seq(
    opt(['show', 'list', 'sh', 's']),
    some(4, seq('table', table), seq('dev', dev), seq('proto', proto), seq('scope', scope), prefix, routeType),
  ),
  seq(
    ['get', 'g'],
    opt('to', 0.2),
    addr,
    some(
      3,
      seq('from', addr),
      seq(['oif', 'dev', 'iif'], dev),
      seq(['mark', 'uid', 'tos', 'ipproto', 'sport', 'dport'], num),
      ['fibmatch', 'connected'],
    ),
  ),
  seq(['add', 'a', 'del', 'delete', 'replace', 'append', 'change', 'prepend'], opt(routeType, 0.3), prefix, routeSpec),
  seq(['add', 'replace'], routeSpec, prefix),
  seq(['flush', 'f'], some(3, seq('dev', dev), seq('table', table), seq('proto', proto), prefix, 'cache')),
  ['help', 'bogus', 'save', 'restore', 'showdump'],
);

const nud = alt([
  'permanent',
  'noarp',
  'reachable',
  'stale',
  'delay',
  'probe',
  'failed',
  'incomplete',
  'none',
  'all',
  'PERMANENT',
  'bogus',
]);
const ipNeigh = alt(
  seq(opt(['show', 'list', 'sh']), some(3, seq('dev', dev), 'proxy', seq('nud', nud), addr)),
  seq(
    ['add', 'replace', 'change', 'del', 'delete', 'a'],
    opt('to', 0.2),
    addr,
    some(5, seq('lladdr', mac), seq('dev', dev), seq('nud', nud), 'proxy', 'router', 'extern_learn'),
  ),
  seq(['flush', 'f'], some(3, seq('dev', dev), seq('nud', nud), 'all', addr)),
  ['help', 'bogus'],
);

/** Another tool's command line, for `ip netns exec` (filled in once every grammar exists). */
let nestedCommand: Gen = () => [];

const ipNetns = alt(
  seq(opt(['list', 'show', 'ls', 'l'])),
  seq(['add', 'a', 'delete', 'del', 'd'], opt(netnsName, 0.95)),
  seq('exec', netnsName, (p) => nestedCommand(p)),
  seq(['identify', 'pids', 'set', 'monitor', 'list-id', 'attach', 'bogus'], opt(netnsName), opt(num)),
);

const ipObjects = alt(
  seq(alt(abbrev('link'), ['l', 'li']), ipLink),
  seq(alt(abbrev('address'), ['a', 'addr']), ipAddr),
  seq(alt(abbrev('route'), ['r', 'ro']), ipRoute),
  seq(alt(abbrev('neighbour'), abbrev('neighbor'), ['n', 'neigh']), ipNeigh),
  seq(['netns'], ipNetns),
  seq(
    [
      'rule',
      'addrlabel',
      'maddress',
      'tunnel',
      'monitor',
      'xfrm',
      'nexthop',
      'help',
      'stats',
      'vrf',
      'bogus',
      'n',
      'm',
      't',
    ],
    opt(ODD),
  ),
);

const ip = seq(ipGlobal, opt(ipObjects, 0.97));

// ---- sysctl ---------------------------------------------------------------------------------------

const sysctlKeyBase = alt(
  ['net.ipv4.ip_forward', 'net/ipv4/ip_forward', 'net.netfilter.nf_conntrack_max', 'net.ipv4.neigh.default.gc_thresh1'],
  [
    'kernel.hostname',
    'vm.swappiness',
    'net.ipv6.conf.all.disable_ipv6',
    'net.bridge.bridge-nf-call-iptables',
    'net',
    '.',
    '..',
    'net..ipv4',
  ],
  seq((p) => [
    `net.ipv4.conf.${p.pick(['all', 'default', ...DEVS, '*', '__proto__'])}.${p.pick([
      'forwarding',
      'proxy_arp',
      'rp_filter',
      'accept_local',
      'route_localnet',
      'mc_forwarding',
      'bogus',
      '__proto__',
      'constructor',
      'toString',
    ])}`,
  ]),
  ODD,
);
const sysctlValue = alt(['0', '1', '2', '-1', '', ' 1', 'abc', '1 2'], NUMBERS);
const sysctlItem = alt(
  sysctlKeyBase,
  seq((p) => [`${run(sysctlKeyBase, p).join('')}=${run(sysctlValue, p).join('')}`]),
);
const sysctl = seq(
  some(3, [
    '-w',
    '-n',
    '-q',
    '-e',
    '-N',
    '-b',
    '-a',
    '-A',
    '-X',
    '-wn',
    '-nq',
    '-p',
    '-r',
    '-h',
    '-V',
    '-x',
    '-o',
    '-Z',
  ]),
  some(2, ['--write', '--values', '--quiet', '--all', '--names', '--system', '--help', '--bogus']),
  some(3, sysctlItem, sysctlItem, sysctlItem),
);

// ---- ping -----------------------------------------------------------------------------------------

const pingTarget = alt(GOOD_ADDRS, GOOD_ADDRS, GOOD_ADDRS, BAD_ADDRS, ODD);
const pingCount = alt(['1', '2', '3'], ['1', '2', '3', '0', '-1', '1.5', 'abc', '']);
const pingOpts = some(
  4,
  seq('-c', pingCount),
  (p) => [`-c${run(pingCount, p).join('')}`],
  seq('-i', alt(['0.2', '1', '0.5'], ['0', '0.002', '0.2', '1', '-1', 'abc', ''])),
  seq(['-W', '-w'], alt(['1', '2'], ['0', '1', '2', '-1', '0.5', 'abc', '1e400', ''])),
  seq(
    '-s',
    alt(
      ['0', '56', '1472'],
      ['0', '8', '56', '1472', '1473', '65507', '65508', '70000', '-1', '1.5', '1e16', 'abc', ''],
    ),
  ),
  seq('-t', alt(['1', '2', '64'], ['0', '1', '2', '64', '255', '256', '-1', 'abc'])),
  seq('-I', dev),
  ['-q', '-n', '-4', '-D', '-O'],
  ['-6', '-b', '-f', '-h', '-V', '-R', '-Z', '-', '--', '-qc1', '-nq', '-c'],
);
const ping = alt(
  seq(pingOpts, pingTarget, opt(pingOpts, 0.3)),
  seq(pingOpts, pingTarget),
  seq(pingTarget, pingOpts),
  pingOpts,
);

// ---- tools registered later (iptables, ipset, conntrack, tcpdump, bridge, nsenter) ---------------

const chain = alt(
  ['INPUT', 'FORWARD', 'OUTPUT', 'PREROUTING', 'POSTROUTING', 'KUBE-SERVICES', 'FUZZ', 'input', ''],
  ODD,
);
const iptTable = alt(['filter', 'nat', 'mangle', 'raw', 'security', 'bogus']);
const target = alt([
  'ACCEPT',
  'DROP',
  'REJECT',
  'RETURN',
  'MASQUERADE',
  'DNAT',
  'SNAT',
  'MARK',
  'LOG',
  'FUZZ',
  'KUBE-SERVICES',
  'bogus',
]);
const port = alt(['80', '8080', '53', '0', '65535', '65536', '1:1024', '-1', 'http', 'bogus']);
const matchSpec = some(
  6,
  seq(['-s', '--source', '!'], prefix),
  seq(['-d', '--destination'], prefix),
  seq(['-p', '--protocol'], ['tcp', 'udp', 'icmp', 'all', 'sctp', '6', '300', 'bogus']),
  seq(['-i', '-o', '--in-interface'], alt(dev, ['eth+', 'veth+', '+'])),
  seq(['--dport', '--sport'], port),
  seq('-m', ['comment', 'conntrack', 'state', 'mark', 'addrtype', 'set', 'statistic', 'multiport', 'tcp', 'bogus']),
  seq('--comment', ODD),
  seq(['--ctstate', '--state'], ['NEW', 'ESTABLISHED', 'RELATED,ESTABLISHED', 'INVALID', 'bogus']),
  seq('--mark', ['0x4000/0x4000', '1', 'bogus']),
  seq(['--dst-type', '--src-type'], ['LOCAL', 'bogus']),
  seq('--match-set', ['KUBE-SET', 'nosuch'], ['src', 'dst', 'src,dst', 'bogus']),
  seq(['--mode', '--probability', '--every'], ['random', '0.5', '2', 'bogus']),
  seq('--dports', ['80,443', '1:2,3', 'bogus']),
  seq(['-j', '-g', '--jump'], target),
  seq(['--to-destination', '--to-source', '--to'], ['10.0.0.2:80', '10.0.0.2', '10.0.0.300', 'bogus']),
  seq(['--set-xmark', '--set-mark'], ['0x4000/0x4000', 'bogus']),
  ['--random-fully', '--reject-with', '-f', '!'],
);
const iptables = seq(
  opt(seq(['-t', '--table'], iptTable), 0.5),
  alt(
    seq(['-A', '-I', '-C', '-D', '--append', '--insert'], chain, opt(num, 0.2), matchSpec),
    seq(['-D', '-R', '-I'], chain, num, matchSpec),
    seq(
      ['-L', '-S', '-F', '-Z', '-X', '--list', '--flush'],
      opt(chain),
      some(3, ['-n', '-v', '-x', '--line-numbers', '-w', '--numeric']),
    ),
    seq(['-N', '-X', '--new-chain'], chain),
    seq(['-E'], chain, chain),
    seq(['-P', '--policy'], chain, ['ACCEPT', 'DROP', 'RETURN', 'bogus']),
    seq(['-V', '-h', '--help', '--version', '-nvL', '-vnL', '-Lnv']),
  ),
  opt(seq(['-w', '-W', '--wait'], opt(num)), 0.1),
);
const iptablesSave = some(3, ['-t', '-c', '--counters', '-M', '--modprobe', '-h', '-V'], iptTable, ODD);
const restoreLines: Gen = (p) => {
  const lines: string[] = [];
  for (let n = p.int(0, 8); n > 0; n--) {
    lines.push(
      p.pick([
        `*${run(iptTable, p).join('')}`,
        `:${run(chain, p).join('')} ${p.pick(['ACCEPT', 'DROP', '-', 'bogus'])} [0:0]`,
        `-A ${run(chain, p).join('')} ${run(matchSpec, p).join(' ')}`,
        'COMMIT',
        '# comment',
        '',
        p.pick(ODD),
      ]),
    );
  }
  return [lines.join('\n')];
};
const iptablesRestore = some(
  3,
  ['-n', '--noflush', '-c', '-t', '-T', '--table', '-w', '-v', '-h', 'nat', '/dev/stdin'],
  ODD,
);

const setType = alt(
  ['hash:ip', 'hash:net', 'hash:ip,port', 'bitmap:port', 'list:set'],
  ['hash:ip,port,ip', 'hash:ip,port,net', 'hash:net,port', 'bitmap:ip', 'hash:mac', 'bogus'],
);
const setName = alt(
  ['KUBE-SET', 'S1', 'S2', 'nosuch', 'x'.repeat(32)],
  ['KUBE-SET', 'S1', 'S2'],
  ['KUBE-SET', 'S1'],
  ODD,
);
const element = alt(
  GOOD_ADDRS,
  PREFIXES,
  [
    '10.0.0.2,tcp:80',
    '10.0.0.2,udp:53,10.0.0.3',
    '10.0.0.0/24,tcp:80',
    '80',
    'tcp:80-90',
    '10.0.0.1-10.0.0.5',
    'S1',
    '02:00:00:00:00:01',
  ],
  BAD_ADDRS,
);
const ipsetOpts = some(
  4,
  seq(['timeout', 'maxelem', 'hashsize', 'netmask', 'size'], num),
  seq('range', ['1-1024', '10.0.0.0/24', 'bogus']),
  [
    'counters',
    'comment',
    'skbinfo',
    'forceadd',
    'nomatch',
    '-exist',
    '-!',
    '-q',
    '-n',
    '-t',
    '-o',
    'save',
    'xml',
    'plain',
  ],
  seq('family', ['inet', 'inet6', 'bogus']),
  seq(['before', 'after'], setName),
  seq('comment', ODD),
);
const ipset = seq(
  alt(
    seq(['create', 'n', '-N'], setName, setType, ipsetOpts),
    seq(['add', 'del', 'test', '-A', '-D', '-T'], setName, element, ipsetOpts),
    seq(['list', 'save', 'flush', 'destroy', '-L', '-S', '-F', '-X', 'x'], opt(setName), ipsetOpts),
    seq(['rename', 'swap', '-E', '-W'], setName, setName),
    seq(['restore', '-R', 'version', '-v', 'help', 'bogus', '-f'], opt(ODD)),
  ),
);
const ipsetLines: Gen = (p) => {
  const lines: string[] = [];
  for (let n = p.int(0, 6); n > 0; n--) lines.push(ipset(p).join(' '));
  return [lines.join('\n')];
};

const conntrack = seq(
  alt([
    '-L',
    '-L',
    '-D',
    '-E',
    '-F',
    '-C',
    '-S',
    '-I',
    '-I',
    '-U',
    '-G',
    '--dump',
    '--delete',
    '--flush',
    '--count',
    '--stats',
    '-h',
    '-V',
    'bogus',
  ]),
  opt(seq(['-p', '--proto'], ['tcp', 'udp', 'icmp', 'tcp', 'udp']), 0.7),
  some(
    5,
    seq(['-p', '--proto'], ['tcp', 'udp', 'icmp', '6', 'bogus']),
    seq(['-s', '-d', '--src', '--dst', '--orig-src', '--reply-src', '-r', '-q'], addr),
    seq(['--sport', '--dport', '--orig-port-dst'], port),
    seq(['-o', '--output'], ['extended', 'xml', 'id', 'timestamp', 'bogus']),
    seq(['-f', '--family'], ['ipv4', 'ipv6', 'bogus']),
    seq(
      ['-m', '--mark', '-t', '--timeout', '-u', '--status', '-w', '--zone'],
      alt(num, ['ASSURED', 'SEEN_REPLY', 'bogus']),
    ),
    seq('--state', ['ESTABLISHED', 'SYN_SENT', 'TIME_WAIT', 'CLOSE', 'bogus']),
    seq(['--icmp-type', '--icmp-code', '--icmp-id'], num),
    seq(['-l', '--label', '-c', '-b', '-e', '--event-mask'], ['NEW', 'ALL', 'foo', '1']),
    ['-n', '-g', '-j', '--any-nat', '-z', '--zero'],
  ),
);

const filterWord = alt(
  [
    'host',
    'net',
    'port',
    'src',
    'dst',
    'icmp',
    'tcp',
    'udp',
    'arp',
    'ip',
    'ip6',
    'and',
    'or',
    'not',
    '(',
    ')',
    'and not',
    'vlan',
    'portrange',
    'less',
    'greater',
  ],
  [
    'tcp[tcpflags] & tcp-syn != 0',
    'icmp[icmptype] == icmp-echo',
    'ip[9] = 1',
    'ether host',
    'proto',
    '[',
    ']',
    '==',
    '!=',
  ],
  GOOD_ADDRS,
  PREFIXES,
  port,
  BAD_ADDRS,
);
const tcpdump = seq(
  some(
    6,
    seq('-i', alt(dev, ['any'])),
    seq('-c', ['0', '1', '2', '5', '-1', 'abc']),
    seq(['-s', '-C', '-W', '-G'], num),
    seq('-T', ['vxlan', 'otv', 'bogus']),
    seq(['-w', '-r', '-F'], ['/tmp/x.pcap', '-', '']),
    [
      '-n',
      '-nn',
      '-e',
      '-v',
      '-vv',
      '-vvv',
      '-q',
      '-t',
      '-tt',
      '-ttt',
      '-tttt',
      '-x',
      '-X',
      '-XX',
      '-A',
      '-l',
      '-p',
      '-D',
      '-Q',
      'in',
      '-#',
      '-h',
      '--version',
      '-Z',
    ],
  ),
  some(6, filterWord, filterWord, filterWord, filterWord, filterWord, filterWord),
);

const procPath = alt(
  [
    '/proc/sys/net/ipv4/ip_forward',
    '/proc/net/nf_conntrack',
    '/proc/sys/net/netfilter/nf_conntrack_max',
    '/proc/sys/',
    '/proc/sys',
    '/proc/net/arp',
    '/etc/passwd',
    '-',
    '-n',
    '--help',
  ],
  (p) => [
    `/proc/sys/net/ipv4/conf/${p.pick([...DEVS, 'all', 'default', '..'])}/${p.pick(['forwarding', 'proxy_arp', 'rp_filter', 'toString', '__proto__', ''])}`,
  ],
  ODD,
);
const cat = some(3, procPath, procPath, procPath);

// net-tools: the display forms first (what labs type), then the changes and the rarer options.
const netToolsFlags = some(
  3,
  ['-n', '-e', '-v', '-4', '-ne', '-nv', '-ee', '-A', 'inet'],
  ['-n', '-e', '-a', '-an', '-x', '-N', '-h', '-V', '-F', '-C'],
);
const arp = alt(
  netToolsFlags,
  netToolsFlags,
  seq(netToolsFlags, addr),
  seq(
    some(2, seq('-i', dev), seq('-H', ['ether', 'arcnet', 'bogus'])),
    alt(
      seq(['-d', '--delete'], addr),
      seq(['-s', '--set'], addr, mac, opt(['temp', 'pub', 'netmask'], 0.3)),
      seq(['-f', '--file'], ['/etc/ethers', '/dev/null', '']),
    ),
  ),
);

const netmask = alt(
  ['255.255.255.0', '255.255.0.0', '255.255.255.255', '0.0.0.0', '255.0.255.0', '255.255.255.256'],
  BAD_ADDRS,
);
const route = seq(
  some(
    3,
    ['-n', '-n', '-e', '-ee', '-v', '-F', '-C', '-h', '-V', '--numeric', '--extend'],
    seq('-A', ['inet', 'inet6', 'bogus']),
  ),
  opt(
    seq(
      ['add', 'del', 'delete', 'bogus'],
      opt(['-net', '-host'], 0.7),
      alt(prefix, addr, ['default']),
      some(
        5,
        seq('netmask', netmask),
        seq(['gw', 'gateway'], addr),
        seq(['metric', 'mss', 'window', 'irtt'], num),
        ['reject', 'mod', 'dyn', 'reinstate'],
        seq('dev', dev),
        dev,
      ),
    ),
    0.2,
  ),
);

const bridge = seq(
  some(2, ['-d', '-s', '-j', '-c', '-n', '-4', '-br', '-bogus']),
  alt(
    seq(
      'fdb',
      alt(
        seq(
          ['add', 'append', 'del', 'replace'],
          mac,
          some(
            5,
            seq('dev', dev),
            seq('dst', addr),
            ['self', 'master', 'permanent', 'static', 'dynamic'],
            seq('vni', num),
          ),
        ),
        seq(opt(['show', 'list']), opt(seq(['dev', 'br'], dev))),
      ),
    ),
    seq(
      'link',
      opt(
        alt(
          seq(['show', 'list'], opt(seq('dev', dev))),
          seq('set', 'dev', dev, some(2, seq(['hairpin', 'learning', 'flood'], ['on', 'off']), seq('cost', num))),
        ),
      ),
    ),
    seq(['vlan', 'mdb', 'monitor', 'help', 'bogus'], opt(ODD)),
  ),
);

const brctl = alt(
  seq('show', some(2, dev, ['br0', 'cni0', 'bogus'])),
  seq(['addbr', 'delbr', 'showmacs', 'showstp'], alt(dev, ['br0', 'br1', 'cni0'])),
  seq(['addif', 'delif'], alt(dev, ['br0', 'br1']), dev),
  seq('hairpin', alt(dev, ['br0']), dev, ['on', 'off', 'bogus']),
  seq(['setageing', 'setfd', 'sethello', 'setmaxage', 'setbridgeprio'], alt(dev, ['br0']), num),
  seq(['stp'], alt(dev, ['br0']), ['on', 'off']),
  opt(ODD, 0.3),
);

const ifconfig = seq(
  some(2, ['-a', '-s', '-v', '-x']),
  opt(
    seq(
      dev,
      some(4, alt(addr, prefix), seq(['netmask', 'broadcast'], addr), seq('mtu', num), ['up', 'down', 'up', 'down']),
    ),
    0.8,
  ),
);

const nsenter = seq(
  some(3, seq(['-t', '--target'], num), (p) => [`--net=/run/netns/${p.pick(NSES)}`], seq('-n', opt(netnsName, 0.3)), [
    '-m',
    '-u',
    '-i',
    '-p',
    '-U',
    '-a',
    '-h',
    '-V',
  ]),
  opt((p) => nestedCommand(p), 0.8),
);

// ---- the table ----------------------------------------------------------------------------------

export interface Grammar {
  args: Gen;
  /** Standard input for tools that read it (restore scripts). */
  stdin?: Gen;
  /**
   * Whether a call got past argument parsing into the tool's real work (the depth the test asks of
   * the grammar). Exit 0 by default; clients whose normal end here is a refused connection, and
   * monitors that only end on Ctrl-C, say so.
   */
  deep?: (result: { exitCode: number; stdout: string; stderr: string }) => boolean;
}

// ---- clients, servers and monitors (programs that run over virtual time) ------------------------

const tcpPort = alt(['80', '8080', '8000', '9000', '22', '1', '65535'], ['0', '65536', '-1', 'http', 'abc', '']);
const urlTarget = alt(
  seq(alt(GOOD_ADDRS), ':', tcpPort),
  (p: Picker) => [
    `http://${p.pick(GOOD_ADDRS)}:${p.pick(['80', '8000', '9000', '1'])}/${p.pick(['', 'index.html', 'hostname', '?a=1'])}`,
  ],
  (p: Picker) => [`${p.pick(GOOD_ADDRS)}:${p.pick(['80', '8000', '9000'])}`],
  alt(GOOD_ADDRS, BAD_ADDRS, ODD, ['localhost', 'https://10.0.0.2/', 'ftp://x', 'http://', '']),
);
const curlOpts = some(
  5,
  '-s',
  '-v',
  '-sv',
  '-I',
  '-i',
  '-f',
  '-S',
  seq('-m', alt(['1', '2', '0.5', '0', '-1', 'abc'])),
  seq('--connect-timeout', alt(['1', '3', '0', 'abc'])),
  seq('-o', alt(['/dev/null', '/tmp/out', ''])),
  seq('-w', alt(['%{http_code}', '%{remote_ip}\\n', '%{bogus}'])),
  seq('-X', alt(['GET', 'POST', 'HEAD', 'PUT'])),
  seq('-H', alt(['Host: x', 'X-A: b', ''])),
);
const curl = alt(seq(curlOpts, urlTarget), seq(curlOpts, urlTarget, urlTarget), ['--version'], ['--help'], ['-V']);

const nc = alt(
  seq(alt(['-zv', '-z', '-vz', '-v', '-zvn', '-zv -w 1']), alt(GOOD_ADDRS, BAD_ADDRS), tcpPort),
  seq('-w', alt(['1', '2', '0', 'abc']), alt(GOOD_ADDRS), tcpPort),
  seq(alt(['-l', '-lk', '-lv']), opt(seq('-p', tcpPort)), opt(tcpPort)),
  seq('-u', alt(['-zv', '-z', '-v']), alt(GOOD_ADDRS), tcpPort),
  alt(['-h'], ['-N'], ['-n'], ODD),
);

const python3 = alt(
  seq('-m', 'http.server', opt(tcpPort, 0.7), opt(seq('--bind', alt(GOOD_ADDRS, BAD_ADDRS)), 0.4)),
  seq('-m', alt(['http.server', 'SimpleHTTPServer', 'json.tool', 'nosuchmodule', ''])),
  alt(['-V'], ['--version'], ['-c'], ['-c', 'print(1)'], ['script.py'], ODD),
);

const xtablesMonitor = alt(['--trace'], ['-t'], ['-t', '-4'], ['-4', '--trace'], ['-e'], ['-6'], ['-h'], ODD);

const GRAMMARS: [RegExp, Grammar][] = [
  [/^ip$/, { args: ip }],
  [/^sysctl$/, { args: sysctl }],
  [/^ping$/, { args: ping }],
  [/^ip6?tables.*-save$/, { args: iptablesSave }],
  [/^ip6?tables.*-restore$/, { args: iptablesRestore, stdin: restoreLines }],
  [/^ip6?tables/, { args: iptables }],
  [/^ipset$/, { args: ipset, stdin: ipsetLines }],
  [/^conntrack$/, { args: conntrack }],
  [/^tcpdump$/, { args: tcpdump }],
  [/^bridge$/, { args: bridge }],
  [/^brctl$/, { args: brctl }],
  [/^ifconfig$/, { args: ifconfig }],
  [/^arp$/, { args: arp }],
  [/^route$/, { args: route }],
  [/^cat$/, { args: cat, stdin: (p) => [p.pick(ALL_WORDS)] }],
  [/^nsenter$/, { args: nsenter }],
  [/^curl$/, { args: curl, deep: (r) => r.exitCode === 0 || r.exitCode === 7 || r.exitCode === 28 }],
  [/^nc$/, { args: nc, deep: (r) => r.exitCode === 0 || /connect to .* (failed|succeeded)/.test(r.stderr) }],
  [/^python3$/, { args: python3, deep: (r) => /Serving HTTP on/.test(r.stdout + r.stderr) }],
  [/^xtables-monitor$/, { args: xtablesMonitor, deep: (r) => r.exitCode === 130 }],
];

const GENERIC_WORDS: readonly string[] = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0'.split('').map((c) => `-${c}`),
  '--help',
  '--version',
  '--list',
  '--all',
  '--verbose',
  'show',
  'list',
  'add',
  'del',
  'set',
  'get',
  'help',
  'dev',
  'type',
  'to',
  'from',
  'via',
];

/** Every word any grammar could produce, for tools nobody wrote a grammar for yet and for mutation. */
export const ALL_WORDS: readonly string[] = [
  ...GENERIC_WORDS,
  ...ODD,
  ...NUMBERS,
  ...GOOD_ADDRS,
  ...BAD_ADDRS,
  ...PREFIXES,
  ...MACS,
  ...DEVS,
  ...NSES,
];

const generic: Grammar = {
  args: (p) => Array.from({ length: p.int(0, 8) }, () => p.pick(ALL_WORDS)),
  stdin: (p) => [Array.from({ length: p.int(0, 4) }, () => p.pick(ALL_WORDS)).join(p.pick([' ', '\n']))],
};

export function grammarFor(tool: string): Grammar {
  return GRAMMARS.find(([pattern]) => pattern.test(tool))?.[1] ?? generic;
}

/** Builds `ip netns exec`/`nsenter` payloads from the tools the host really has. */
export function setNestedTools(tools: readonly string[]): void {
  let depth = 0;
  nestedCommand = (p) => {
    if (depth >= 2) return [p.pick(tools)];
    depth++;
    try {
      const name = p.chance(0.9) ? p.pick(tools) : p.pick(['true', 'bash', 'nosuchtool', '', ...ODD]);
      return [name, ...grammarFor(name).args(p)];
    } finally {
      depth--;
    }
  };
}

/** A random garbage word: printable ASCII, sometimes with a control or multi-byte character. */
function garbage(p: Picker): string {
  let word = '';
  for (let n = p.int(0, 12); n > 0; n--) word += String.fromCharCode(p.int(32, 126));
  if (p.chance(0.1)) word += p.pick(['\u0000', '\u00e9', '\u{1F4A5}', '\n']);
  return word;
}

/** Small edits to a good line: drop, repeat, swap, replace, insert, cut, glue, or upper-case a word. */
export function mutate(words: string[], p: Picker): string[] {
  const out = [...words];
  for (let n = p.int(1, 3); n > 0; n--) {
    const i = p.int(0, Math.max(0, out.length - 1));
    switch (p.int(0, 8)) {
      case 0:
        out.splice(i, 1);
        break;
      case 1:
        if (out[i] !== undefined) out.splice(i, 0, out[i] as string);
        break;
      case 2: {
        const j = p.int(0, Math.max(0, out.length - 1));
        if (out[i] !== undefined && out[j] !== undefined) [out[i], out[j]] = [out[j] as string, out[i] as string];
        break;
      }
      case 3:
        out[i] = p.pick(ALL_WORDS);
        break;
      case 4:
        out.splice(p.int(0, out.length), 0, p.chance(0.5) ? p.pick(ALL_WORDS) : garbage(p));
        break;
      case 5:
        out.length = p.int(0, out.length);
        break;
      case 6:
        if (out[i] !== undefined && out[i + 1] !== undefined)
          out.splice(i, 2, `${out[i]}${p.pick(['', '=', ',', '/'])}${out[i + 1]}`);
        break;
      case 7:
        if (out[i] !== undefined) out[i] = (out[i] as string).toUpperCase();
        break;
      default:
        if (out[i] !== undefined) out[i] = `${out[i]}${garbage(p)}`;
    }
  }
  return out;
}

/** One generated call: mostly grammar lines, some edited, some pure garbage. */
export function generate(tool: string, p: Picker): { args: string[]; stdin: string } {
  const grammar = grammarFor(tool);
  const roll = p.rng.next();
  let args: string[];
  if (roll < 0.6) args = grammar.args(p);
  else if (roll < 0.92) args = mutate(grammar.args(p), p);
  else args = Array.from({ length: p.int(0, 6) }, () => (p.chance(0.5) ? p.pick(ALL_WORDS) : garbage(p)));
  const stdin =
    grammar.stdin && p.chance(0.5)
      ? grammar.stdin(p).join('')
      : p.chance(0.05)
        ? (generic.stdin?.(p).join('') ?? '')
        : '';
  return { args, stdin };
}
