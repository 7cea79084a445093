import { cidrContains, type IpAddr, type IpNet, parseIpSloppy } from './ip.ts';
import { nodePortNets } from './service-ports.ts';
import type { IpFamily, NodeInterface, ProxierSettings } from './types.ts';

/** ProxierSettings with defaults applied and the derived values both rule layouts need. */
export interface ProxierConfig {
  ipFamily: IpFamily;
  family: 4 | 6;
  nodeName: string;
  nodeIP: IpAddr | null;
  interfaces: readonly NodeInterface[];
  /** Arguments matching pod traffic and non-pod traffic; null without a local-traffic detector. */
  detector: { ifLocal: string; ifNotLocal: string } | null;
  masqueradeAll: boolean;
  mark: string;
  /** After NewProxier's rule: only IPv4, and only if `--nodeport-addresses` admits 127.0.0.1. */
  localhostNodePorts: boolean;
  /** null = NodePorts on every local address. */
  nodePortNets: IpNet[] | null;
  nfacct: boolean;
  randomFully: boolean;
  conntrackTCPLiberal: boolean;
}

/** Go's %#08x: "0x" and at least six hex digits. */
export function formatMark(bit: number): string {
  return `0x${(2 ** bit).toString(16).padStart(6, '0')}`;
}

function detectorArgs(settings: ProxierSettings): ProxierConfig['detector'] {
  const detector =
    settings.localDetector ??
    (settings.clusterCIDR ? { mode: 'ClusterCIDR' as const, cidr: settings.clusterCIDR } : { mode: 'None' as const });
  switch (detector.mode) {
    case 'ClusterCIDR':
    case 'NodeCIDR':
      return { ifLocal: `-s ${detector.cidr}`, ifNotLocal: `! -s ${detector.cidr}` };
    case 'BridgeInterface':
      return { ifLocal: `-i ${detector.bridge}`, ifNotLocal: `! -i ${detector.bridge}` };
    case 'InterfaceNamePrefix':
      return { ifLocal: `-i ${detector.prefix}+`, ifNotLocal: `! -i ${detector.prefix}+` };
    case 'None':
      return null;
  }
}

const LOOPBACK = parseIpSloppy('127.0.0.1') as IpAddr;

export function proxierConfig(settings: ProxierSettings): ProxierConfig {
  const ipFamily = settings.ipFamily ?? 'IPv4';
  const family = ipFamily === 'IPv6' ? 6 : 4;
  const nets = nodePortNets(settings.nodePortAddresses, family);
  const admitsLoopback = nets === null || nets.some((net) => cidrContains(net, LOOPBACK));
  const firstIP = settings.nodeIPs[0];
  return {
    ipFamily,
    family,
    nodeName: settings.nodeName,
    nodeIP: firstIP === undefined ? null : parseIpSloppy(firstIP),
    interfaces: settings.nodeInterfaces ?? [],
    detector: detectorArgs(settings),
    masqueradeAll: settings.masqueradeAll ?? false,
    mark: settings.masqueradeMark ?? formatMark(settings.masqueradeBit ?? 14),
    localhostNodePorts: family === 4 && (settings.localhostNodePorts ?? true) && admitsLoopback,
    nodePortNets: nets,
    nfacct: settings.nfacct ?? true,
    randomFully: settings.randomFully ?? true,
    conntrackTCPLiberal: settings.conntrackTCPLiberal ?? false,
  };
}
