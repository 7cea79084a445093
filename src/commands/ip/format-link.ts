/** `ip link` / `ip addr` header lines and `-d` details, as iproute2 6.1 prints them. */
import { gcTimerMicros } from '../../engine/linux/bridge.ts';
import type { Link } from '../../engine/linux/links.ts';
import type { NetNs } from '../../engine/linux/netns.ts';
import { formatIpv4 } from '../../engine/wire/addr.ts';
import type { NetContext } from './context.ts';

export interface ShowOptions {
  details: boolean;
  stats: boolean;
  brief: boolean;
  oneline: boolean;
  family: 'inet' | 'inet6' | 'all';
}

/** The peer part of `eth0@if5` / `a0@a1` / `tunl0@NONE`, or ''. */
export function linkSuffix(link: Link): string {
  if (link.kind === 'veth') {
    return link.peer.netns === link.netns ? `@${link.peer.name}` : `@if${link.peer.ifindex}`;
  }
  if (link.kind === 'ipip') return '@NONE';
  return '';
}

/** The iflink device, when iproute2 can look it up in the same namespace (for M-DOWN). */
function sameNsLower(link: Link): Link | undefined {
  return link.kind === 'veth' && link.peer.netns === link.netns ? link.peer : undefined;
}

export function linkFlags(ns: NetNs, link: Link): string {
  const carrier = ns.carrier(link);
  const flags: string[] = [];
  if (link.adminUp && !carrier) flags.push('NO-CARRIER');
  if (link.kind === 'loopback') flags.push('LOOPBACK');
  else if (link.kind === 'ipip') flags.push('NOARP');
  else flags.push('BROADCAST', 'MULTICAST');
  if (link.adminUp) flags.push('UP');
  if (carrier) flags.push('LOWER_UP');
  const lower = sameNsLower(link);
  if (lower && !lower.adminUp) flags.push('M-DOWN');
  return `<${flags.join(',')}>`;
}

/** The kernel's default_operstate, including its quirk of looking the peer's ifindex up locally. */
export function operstate(ns: NetNs, link: Link): string {
  if (link.kind !== 'veth') return ns.operstate(link);
  if (!link.adminUp) return 'DOWN';
  if (ns.carrier(link)) return 'UP';
  const iflink = link.peer.ifindex;
  if (iflink === link.ifindex) return 'DOWN';
  const local = ns.links.get(iflink);
  if (!local) return 'DOWN';
  return ns.carrier(local) || local.kind === 'loopback' ? 'DOWN' : 'LOWERLAYERDOWN';
}

export function qdisc(link: Link): string {
  return link.hasBeenUp ? link.qdiscWhenUp : 'noop';
}

/** `2: eth0@if5: <…> mtu 1500 qdisc noqueue [master cni0] state UP [mode DEFAULT] group default qlen 1000`. */
export function headerLine(link: Link, withMode: boolean): string {
  const ns = link.netns;
  const master = link.master !== undefined ? ns.links.get(link.master) : undefined;
  return [
    `${link.ifindex}: ${link.name}${linkSuffix(link)}: ${linkFlags(ns, link)} mtu ${link.mtu} qdisc ${qdisc(link)}`,
    master ? ` master ${master.name}` : '',
    ` state ${operstate(ns, link)}`,
    withMode ? ' mode DEFAULT' : '',
    ` group default qlen ${link.qlen}`,
  ].join('');
}

/** ` link-netns NAME` or ` link-netnsid N` for a veth whose peer lives elsewhere. */
export function netnsSuffix(ctx: NetContext, link: Link): string {
  if (link.kind !== 'veth' || link.peer.netns === link.netns) return '';
  const peerNs = link.peer.netns;
  for (const [name, ns] of ctx.named) if (ns === peerNs) return ` link-netns ${name}`;
  return ` link-netnsid ${link.netns.nsidOf(peerNs)}`;
}

/** The `    link/ether …` line. */
export function linkLayerLine(ctx: NetContext, link: Link): string {
  if (link.kind === 'loopback') return `    link/loopback ${link.mac} brd 00:00:00:00:00:00`;
  if (link.kind === 'ipip') {
    const local = link.local !== undefined ? formatIpv4(link.local) : '0.0.0.0';
    const remote = link.remote !== undefined ? formatIpv4(link.remote) : '0.0.0.0';
    return `    link/ipip ${local} ${link.remote !== undefined ? 'peer' : 'brd'} ${remote}`;
  }
  return `    link/ether ${link.mac} brd ff:ff:ff:ff:ff:ff${netnsSuffix(ctx, link)}`;
}

const TAIL = (link: Link) =>
  `addrgenmode eui64 numtxqueues ${link.numtxqueues} numrxqueues ${link.numrxqueues} gso_max_size 65536 gso_max_segs 65535 tso_max_size ${link.tsoMaxSize} tso_max_segs 65535 gro_max_size 65536 `;

/** The `-d` details: appended to the link/ether line, then a kind line. */
export function detailLines(link: Link): { sameLine: string; more: string[] } {
  const allmulti = link.master !== undefined ? 1 : 0;
  const sameLine = ` promiscuity ${link.promiscuity}  allmulti ${allmulti} minmtu ${link.minmtu} maxmtu ${link.maxmtu} `;
  const kindLine = (() => {
    switch (link.kind) {
      case 'loopback':
        return '';
      case 'veth':
        return 'veth ';
      case 'bridge':
        return `bridge forward_delay 1500 hello_time 200 max_age 2000 ageing_time ${link.ageingTime} stp_state 0 priority 32768 vlan_filtering 0 bridge_id ${bridgeId(link)} designated_root ${bridgeId(link)} root_port 0 root_path_cost 0 topology_change 0 topology_change_detected 0 hello_timer    0.00 tcn_timer    0.00 topology_change_timer    0.00 gc_timer ${timer(gcTimerMicros(link, link.netns.kernel.clock.micros))} group_fwd_mask 0 group_address 01:80:c2:00:00:00 mcast_snooping 1 no_linklocal_learn 0 mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 mcast_hash_elasticity 16 mcast_hash_max 4096 mcast_last_member_count 2 mcast_startup_query_count 2 mcast_last_member_interval 100 mcast_membership_interval 26000 mcast_querier_interval 25500 mcast_query_interval 12500 mcast_query_response_interval 1000 mcast_startup_query_interval 3124 mcast_stats_enabled 0 mcast_igmp_version 2 mcast_mld_version 1 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 `;
      case 'vxlan': {
        const parts = [`vxlan id ${link.vni}`];
        if (link.remote !== undefined) parts.push(`remote ${formatIpv4(link.remote)}`);
        if (link.local !== undefined) parts.push(`local ${formatIpv4(link.local)}`);
        if (link.dev !== undefined) {
          const dev = link.netns.links.get(link.dev);
          if (dev) parts.push(`dev ${dev.name}`);
        }
        parts.push('srcport 0 0', `dstport ${link.dstport}`);
        if (!link.learning) parts.push('nolearning');
        parts.push('ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx ');
        return parts.join(' ');
      }
      case 'ipip':
        return `ipip ${link.remote !== undefined ? `remote ${formatIpv4(link.remote)}` : 'remote any'} ${link.local !== undefined ? `local ${formatIpv4(link.local)}` : 'local any'} ttl inherit nopmtudisc `;
      case 'dummy':
        return 'dummy ';
      case 'ether':
        return '';
    }
  })();
  const slave = link.master !== undefined ? bridgeSlaveDetails(link) : '';
  return { sameLine, more: [`    ${kindLine}${slave}${TAIL(link)}`] };
}

/** As iproute2's br_dump_bridge_id: two priority bytes, then ether_ntoa (no zero padding). */
function bridgeId(bridge: Link): string {
  return `8000.${shortMac(bridgeIdMac(bridge))}`;
}

/** The MAC in the bridge id: zero until a port joins or the MAC is set. */
export function bridgeIdMac(bridge: Link): string {
  return bridge.kind === 'bridge' && !bridge.hadPorts && !bridge.macFixed ? '00:00:00:00:00:00' : bridge.mac;
}

/** iproute2's print_timer: `%4i.%.2i` seconds and hundredths. */
function timer(micros: number): string {
  const centis = Math.floor(micros / 10_000);
  return `${String(Math.floor(centis / 100)).padStart(4)}.${String(centis % 100).padStart(2, '0')}`;
}

function shortMac(mac: string): string {
  return mac
    .split(':')
    .map((p) => Number.parseInt(p, 16).toString(16))
    .join(':');
}

function bridgeSlaveDetails(link: Link): string {
  const master = link.master !== undefined ? link.netns.links.get(link.master) : undefined;
  const ports = master && master.kind === 'bridge' ? link.netns.bridgePorts(master) : [];
  const portNo = ports.indexOf(link) + 1;
  const id = master ? bridgeId(master) : '8000.0:0:0:0:0:0';
  const state = link.netns.carrier(link) ? 'forwarding' : 'disabled';
  return `\n    bridge_slave state ${state} priority 32 cost 2 hairpin ${link.hairpin ? 'on' : 'off'} guard off root_block off fastleave off learning on flood on port_id 0x${(0x8000 + portNo).toString(16)} port_no 0x${portNo.toString(16)} designated_port ${0x8000 + portNo} designated_cost 0 designated_bridge ${id} designated_root ${id} hold_timer    0.00 message_age_timer    0.00 forward_delay_timer    0.00 topology_change_ack 0 config_pending 0 proxy_arp off proxy_arp_wifi off mcast_router 1 mcast_fast_leave off mcast_flood on bcast_flood on mcast_to_unicast off neigh_suppress off group_fwd_mask 0 group_fwd_mask_str 0x0 vlan_tunnel off isolated off locked off `;
}

/** `ip -s link` counters, right-aligned as iproute2 prints them. */
export function statsLines(link: Link): string[] {
  const s = link.stats;
  const row = (values: number[]) => `    ${values.map((v, i) => String(v).padStart(i === 0 ? 10 : 7)).join(' ')} `;
  return [
    '    RX:  bytes packets errors dropped  missed   mcast           ',
    row([s.rxBytes, s.rxPackets, 0, s.rxDropped, 0, 0]),
    '    TX:  bytes packets errors dropped carrier collsns           ',
    row([s.txBytes, s.txPackets, 0, s.txDropped, 0, 0]),
  ];
}
