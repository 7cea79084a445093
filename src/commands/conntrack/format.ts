/**
 * How conntrack-tools (libnetfilter_conntrack) and /proc/net/nf_conntrack print an entry: the
 * protocol padded to eight columns, the remaining timeout, the TCP state, both tuples with
 * [UNREPLIED]/[ASSURED], mark, zone and use.
 */
import type { CtEntry, CtEvent, CtTuple } from '../../engine/linux/netfilter/conntrack/conntrack-table.ts';
import { formatIpv4 } from '../../engine/wire/addr.ts';

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp' };

/** Seconds left as a listing shows them: a listing comes a moment after the packet it reflects. */
export function listedTimeout(e: CtEntry, now: number): number {
  return Math.max(0, Math.floor((e.expires - now - 1) / 1000));
}

function tupleText(t: CtTuple): string {
  let text = `src=${formatIpv4(t.src)} dst=${formatIpv4(t.dst)} `;
  if (t.proto === 6 || t.proto === 17) text += `sport=${t.sport} dport=${t.dport} `;
  else if (t.proto === 1) text += `type=${t.dport >> 8} code=${t.dport & 0xff} id=${t.sport} `;
  return text;
}

export interface EntryStyle {
  /** The "ipv4     2 " prefix (-o extended and /proc). */
  family: boolean;
  /** /proc/net/nf_conntrack: zone always, use=2. */
  proc: boolean;
  /** Events leave out mark (unless set) and use. */
  event: boolean;
  /** -o id */
  id: boolean;
}

export function entryText(e: CtEntry, timeout: number, style: EntryStyle): string {
  const name = PROTO_NAMES[e.orig.proto] ?? 'unknown';
  let text = style.family ? 'ipv4     2 ' : '';
  text += `${name.padEnd(8)} ${e.orig.proto} ${timeout} `;
  if (e.tcpState) text += `${e.tcpState} `;
  text += tupleText(e.orig);
  if (!e.seenReply) text += '[UNREPLIED] ';
  text += tupleText(e.reply);
  if (e.assured) text += '[ASSURED] ';
  if (style.event) {
    if (e.mark !== 0) text += `mark=${e.mark} `;
    if (e.zone !== 0) text += `zone=${e.zone} `;
    return text.trimEnd();
  }
  text += `mark=${e.mark} `;
  if (style.proc || e.zone !== 0) text += `zone=${e.zone} `;
  text += `use=${style.proc ? 2 : 1}`;
  if (style.id) text += ` id=${e.id}`;
  return text;
}

const EVENT_LABELS = { NEW: '[NEW]', UPDATE: '[UPDATE]', DESTROY: '[DESTROY]' };

/** One line of `conntrack -E`. */
export function formatEvent(ev: CtEvent): string {
  const style = { family: false, proc: false, event: true, id: false };
  return `${EVENT_LABELS[ev.type].padStart(9)} ${entryText(ev.entry, ev.timeout, style)}`;
}

/** The text of /proc/net/nf_conntrack. */
export function procNfConntrack(entries: CtEntry[], now: number): string {
  const style = { family: true, proc: true, event: false, id: false };
  return entries.map((e) => `${entryText(e, listedTimeout(e, now), style)}\n`).join('');
}
