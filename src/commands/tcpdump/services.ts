/**
 * The port and protocol names tcpdump prints without -n. tcpdump reads them from the system's
 * /etc/services and /etc/protocols; these are Debian 12's entries for the ports a cluster uses.
 */

const TCP_SERVICES: ReadonlyMap<number, string> = new Map([
  [20, 'ftp-data'],
  [21, 'ftp'],
  [22, 'ssh'],
  [23, 'telnet'],
  [25, 'smtp'],
  [53, 'domain'],
  [80, 'http'],
  [110, 'pop3'],
  [143, 'imap2'],
  [161, 'snmp'],
  [179, 'bgp'],
  [389, 'ldap'],
  [443, 'https'],
  [514, 'shell'],
  [636, 'ldaps'],
  [873, 'rsync'],
  [2049, 'nfs'],
  [3306, 'mysql'],
  [5432, 'postgresql'],
  [6379, 'redis'],
  [8080, 'http-alt'],
  [8081, 'tproxy'],
]);

const UDP_SERVICES: ReadonlyMap<number, string> = new Map([
  [21, 'fsp'],
  [53, 'domain'],
  [67, 'bootps'],
  [68, 'bootpc'],
  [69, 'tftp'],
  [123, 'ntp'],
  [161, 'snmp'],
  [389, 'ldap'],
  [443, 'https'],
  [514, 'syslog'],
  [636, 'ldaps'],
  [2049, 'nfs'],
  [5353, 'mdns'],
]);

const PROTOCOLS: ReadonlyMap<number, string> = new Map([
  [2, 'igmp'],
  [47, 'gre'],
  [50, 'esp'],
  [51, 'ah'],
  [132, 'sctp'],
]);

export function tcpPortName(port: number): string | undefined {
  return TCP_SERVICES.get(port);
}

export function udpPortName(port: number): string | undefined {
  return UDP_SERVICES.get(port);
}

export function protocolName(protocol: number): string | undefined {
  return PROTOCOLS.get(protocol);
}

const ALIASES: ReadonlyMap<string, number> = new Map([
  ['www', 80],
  ['webcache', 8080],
]);

/** Service name → port, for filters such as `port http`; TCP names first, as libpcap does. */
export function portByName(name: string): number | undefined {
  const alias = ALIASES.get(name);
  if (alias !== undefined) return alias;
  for (const table of [TCP_SERVICES, UDP_SERVICES]) {
    for (const [port, service] of table) if (service === name) return port;
  }
  return undefined;
}
