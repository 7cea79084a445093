/**
 * The kernel's TCP connection-tracking state machine (nf_conntrack_proto_tcp.c): a table indexed
 * by direction, the packet's flag class and the current state, and the default timeout of every
 * state (net.netfilter.nf_conntrack_tcp_timeout_*).
 */

export type TcpState =
  | 'NONE'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'ESTABLISHED'
  | 'FIN_WAIT'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'SYN_SENT2';

/** A table cell: a next state, "invalid" (drop from tracking) or "ignore" (leave as is). */
export type TcpNext = TcpState | 'INVALID' | 'IGNORE';

export type TcpFlagClass = 'syn' | 'synack' | 'fin' | 'ack' | 'rst' | 'none';

const ORDER: TcpState[] = [
  'NONE',
  'SYN_SENT',
  'SYN_RECV',
  'ESTABLISHED',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSE',
  'SYN_SENT2',
];

const sSS = 'SYN_SENT';
const sSR = 'SYN_RECV';
const sES = 'ESTABLISHED';
const sFW = 'FIN_WAIT';
const sCW = 'CLOSE_WAIT';
const sLA = 'LAST_ACK';
const sTW = 'TIME_WAIT';
const sCL = 'CLOSE';
const sS2 = 'SYN_SENT2';
const sIV = 'INVALID';
const sIG = 'IGNORE';

// Columns follow ORDER: sNO sSS sSR sES sFW sCW sLA sTW sCL sS2.
const TABLE: Record<'original' | 'reply', Record<TcpFlagClass, TcpNext[]>> = {
  original: {
    syn: [sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2],
    synack: [sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR],
    fin: [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    ack: [sES, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV],
    rst: [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    none: [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  },
  reply: {
    syn: [sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sIV, sS2],
    synack: [sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR],
    fin: [sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV],
    ack: [sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG],
    rst: [sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL],
    none: [sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV],
  },
};

export interface TcpFlagBits {
  syn?: boolean;
  ack?: boolean;
  fin?: boolean;
  rst?: boolean;
}

/** get_conntrack_index: RST wins, then SYN (with or without ACK), FIN, ACK. */
export function flagClass(f: TcpFlagBits): TcpFlagClass {
  if (f.rst) return 'rst';
  if (f.syn) return f.ack ? 'synack' : 'syn';
  if (f.fin) return 'fin';
  if (f.ack) return 'ack';
  return 'none';
}

export function nextTcpState(dir: 'original' | 'reply', flags: TcpFlagBits, state: TcpState): TcpNext {
  return TABLE[dir][flagClass(flags)][ORDER.indexOf(state)] ?? 'INVALID';
}

/** The sysctl defaults, in seconds. */
export interface ConntrackTimeouts {
  tcp_timeout_syn_sent: number;
  tcp_timeout_syn_recv: number;
  tcp_timeout_established: number;
  tcp_timeout_fin_wait: number;
  tcp_timeout_close_wait: number;
  tcp_timeout_last_ack: number;
  tcp_timeout_time_wait: number;
  tcp_timeout_close: number;
  udp_timeout: number;
  udp_timeout_stream: number;
  icmp_timeout: number;
  generic_timeout: number;
}

export const DEFAULT_TIMEOUTS: ConntrackTimeouts = {
  tcp_timeout_syn_sent: 120,
  tcp_timeout_syn_recv: 60,
  tcp_timeout_established: 432000,
  tcp_timeout_fin_wait: 120,
  tcp_timeout_close_wait: 60,
  tcp_timeout_last_ack: 30,
  tcp_timeout_time_wait: 120,
  tcp_timeout_close: 10,
  udp_timeout: 30,
  udp_timeout_stream: 120,
  icmp_timeout: 30,
  generic_timeout: 600,
};

export function tcpStateTimeout(state: TcpState, t: ConntrackTimeouts): number {
  switch (state) {
    case 'SYN_SENT':
    case 'SYN_SENT2':
      return t.tcp_timeout_syn_sent;
    case 'SYN_RECV':
      return t.tcp_timeout_syn_recv;
    case 'ESTABLISHED':
      return t.tcp_timeout_established;
    case 'FIN_WAIT':
      return t.tcp_timeout_fin_wait;
    case 'CLOSE_WAIT':
      return t.tcp_timeout_close_wait;
    case 'LAST_ACK':
      return t.tcp_timeout_last_ack;
    case 'TIME_WAIT':
      return t.tcp_timeout_time_wait;
    default:
      return t.tcp_timeout_close;
  }
}
