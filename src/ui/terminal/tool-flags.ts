/**
 * What Tab offers after a tool's name: its options when the word starts with `-`, and the next
 * keyword where the tool has a grammar of words (`ip link set`, `iptables -t nat`). Only the common
 * ones; anything else completes as a file name.
 */

import type { CompletionProvider } from './completion.ts';
import type { CompletionItem } from './line-editor.ts';

const FLAGS: Record<string, string[]> = {
  tcpdump: [
    '-A',
    '-c',
    '-D',
    '-e',
    '-i',
    '-l',
    '-n',
    '-nn',
    '-q',
    '-r',
    '-S',
    '-s',
    '-t',
    '-tt',
    '-v',
    '-vv',
    '-vvv',
    '-w',
    '-X',
    '-XX',
    '--help',
    '--version',
  ],
  ping: ['-4', '-6', '-c', '-D', '-f', '-I', '-i', '-n', '-q', '-s', '-t', '-W', '-w', '-V'],
  ip: [
    '-4',
    '-6',
    '-br',
    '-brief',
    '-c',
    '-color',
    '-d',
    '-details',
    '-j',
    '-json',
    '-n',
    '-netns',
    '-o',
    '-oneline',
    '-p',
    '-pretty',
    '-s',
    '-statistics',
    '-V',
    '-h',
  ],
  iptables: [
    '-A',
    '-C',
    '-D',
    '-F',
    '-I',
    '-L',
    '-N',
    '-P',
    '-R',
    '-S',
    '-t',
    '-v',
    '-n',
    '-x',
    '-j',
    '-p',
    '-s',
    '-d',
    '-i',
    '-o',
    '-m',
    '--line-numbers',
    '--dport',
    '--sport',
    '--to-destination',
    '--to-source',
    '--list',
    '--append',
    '--insert',
    '--delete',
    '--flush',
    '--new-chain',
    '--policy',
    '--table',
    '--jump',
  ],
  'iptables-save': ['-c', '-t', '--counters', '--table'],
  'iptables-restore': ['-c', '-n', '-t', '-T', '--counters', '--noflush', '--test', '--table'],
  ipset: [
    'create',
    'add',
    'del',
    'test',
    'destroy',
    'list',
    'save',
    'restore',
    'flush',
    'rename',
    'swap',
    'help',
    'version',
    '-exist',
    '-output',
    '-quiet',
    '-resolve',
    '-sorted',
    '-name',
    '-terse',
    '-file',
  ],
  conntrack: [
    '-L',
    '-G',
    '-D',
    '-I',
    '-U',
    '-E',
    '-F',
    '-C',
    '-S',
    '-s',
    '-d',
    '-p',
    '-n',
    '-g',
    '-o',
    '--src',
    '--dst',
    '--proto',
    '--dport',
    '--sport',
    '--output',
    '--zone',
    '--mark',
    '--count',
    '--stats',
  ],
  sysctl: ['-a', '-w', '-n', '-N', '-q', '-e', '-p', '--all', '--write', '--values', '--names', '--load'],
  bridge: ['-s', '-d', '-j', '-p', '-n', '-c', '-o', '-statistics', '-details', '-json', '-netns'],
  ifconfig: ['-a', '-s', 'up', 'down', 'netmask', 'broadcast', 'mtu', 'hw'],
  route: ['-n', '-e', '-ee', '-v', '-A', 'add', 'del', '-net', '-host', 'netmask', 'gw', 'dev', 'metric'],
  arp: ['-a', '-n', '-e', '-i', '-v', '-d', '-s'],
  nsenter: [
    '-a',
    '-t',
    '-m',
    '-u',
    '-i',
    '-n',
    '-p',
    '-U',
    '-C',
    '-T',
    '-r',
    '-w',
    '-F',
    '--all',
    '--target',
    '--mount',
    '--uts',
    '--ipc',
    '--net',
    '--pid',
    '--user',
    '--help',
  ],
  hostname: ['-I', '-i', '-s', '-f', '-A', '--all-ip-addresses', '--ip-address', '--short', '--fqdn'],
};

const IP_OBJECTS = ['address', 'link', 'neighbour', 'netns', 'route', 'rule', 'help'];

/** `ip OBJECT <Tab>`: the commands of each object. */
const IP_COMMANDS: Record<string, string[]> = {
  address: ['add', 'change', 'del', 'flush', 'replace', 'show', 'help'],
  link: ['add', 'delete', 'set', 'show', 'help'],
  neighbour: ['add', 'change', 'del', 'flush', 'get', 'replace', 'show', 'help'],
  netns: ['add', 'attach', 'delete', 'exec', 'identify', 'list', 'list-id', 'pids', 'set', 'help'],
  route: ['add', 'append', 'change', 'del', 'flush', 'get', 'replace', 'show', 'help'],
  rule: ['add', 'del', 'flush', 'list', 'show'],
};

/** `ip link add … type <Tab>`. */
const LINK_TYPES = ['bridge', 'dummy', 'ipip', 'veth', 'vlan', 'vxlan'];

const IPTABLES_TABLES = ['filter', 'nat', 'mangle', 'raw', 'security'];

/** The object an abbreviated `ip` word names (`a` → address, `n` → neighbour). */
export function ipObject(word: string | undefined): string | undefined {
  if (word === undefined) return undefined;
  if (word === 'neigh' || word === 'neighbor') return 'neighbour';
  return IP_OBJECTS.find((o) => o.startsWith(word) && o !== 'help');
}

/** The words of an `ip` command after its options (`ip -br -n red link` → ['link']). */
export function ipWords(words: readonly string[]): string[] {
  const rest: string[] = [];
  for (let i = 1; i < words.length; i++) {
    const w = words[i] as string;
    if (rest.length === 0 && w.startsWith('-')) {
      if (w === '-n' || w === '-netns' || w === '-f' || w === '-family') i++;
      continue;
    }
    rest.push(w);
  }
  return rest;
}

const items = (values: readonly string[]): CompletionItem[] => values.map((value) => ({ value, suffix: ' ' }));

/** Options and keywords of the network tools. */
export const toolWords: CompletionProvider = ({ words, word, command }) => {
  if (command || words.length === 0) return undefined;
  const tool = (words[0] as string).replace(/^.*\//, '');
  const previous = words[words.length - 1];
  if (tool.startsWith('iptables') && (previous === '-t' || previous === '--table')) return items(IPTABLES_TABLES);
  const base = tool.replace(/^(iptables)-(?:nft|legacy)/, '$1');
  if (word.startsWith('-')) return FLAGS[base] ? items(FLAGS[base]) : undefined;
  if (base === 'ip') {
    const rest = ipWords(words);
    if (rest.length === 0) return items(IP_OBJECTS);
    const object = ipObject(rest[0]);
    if (rest.length === 1 && object) return items(IP_COMMANDS[object] ?? []);
    if (object === 'link' && previous === 'type') return items(LINK_TYPES);
    if (object === 'link' && rest[1] === 'set' && rest.length >= 3)
      return items(['up', 'down', 'master', 'nomaster', 'netns', 'name', 'mtu', 'address']);
  }
  if (base === 'ipset' && words.length === 1) return items((FLAGS.ipset ?? []).filter((f) => !f.startsWith('-')));
  return undefined;
};
