/**
 * The DNS message format (RFC 1035, EDNS0 of RFC 6891, COOKIE of RFC 7873): what a resolver and a
 * server put in a UDP datagram. Names are written uncompressed, as CoreDNS (miekg/dns without
 * Compress) writes them; the reader follows compression pointers.
 */

export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, ANY: 255 } as const;
export const CLASS_IN = 1;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

export const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(TYPE).map(([k, v]) => [v, k]));
export const RCODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(RCODE).map(([k, v]) => [v, k]));

export interface DnsQuestion {
  name: string;
  type: number;
  class: number;
}

export type RData =
  | { kind: 'A'; address: string }
  | { kind: 'PTR'; target: string }
  | { kind: 'SRV'; priority: number; weight: number; port: number; target: string }
  | {
      kind: 'SOA';
      mname: string;
      rname: string;
      serial: number;
      refresh: number;
      retry: number;
      expire: number;
      minimum: number;
    }
  | { kind: 'raw'; bytes: Uint8Array };

export interface DnsRecord {
  name: string;
  type: number;
  class: number;
  ttl: number;
  data: RData;
}

export interface DnsEdns {
  udpSize: number;
  version: number;
  /** The DO bit and the rest of the flags. */
  flags: number;
  /** Client cookie (8 bytes) and server cookie, when present. */
  cookie?: Uint8Array;
}

export interface DnsMessage {
  id: number;
  qr: boolean;
  opcode: number;
  aa: boolean;
  tc: boolean;
  rd: boolean;
  ra: boolean;
  ad: boolean;
  cd: boolean;
  rcode: number;
  questions: DnsQuestion[];
  answers: DnsRecord[];
  authority: DnsRecord[];
  additional: DnsRecord[];
  edns?: DnsEdns;
}

export function emptyMessage(id: number): DnsMessage {
  return {
    id,
    qr: false,
    opcode: 0,
    aa: false,
    tc: false,
    rd: false,
    ra: false,
    ad: false,
    cd: false,
    rcode: 0,
    questions: [],
    answers: [],
    authority: [],
    additional: [],
  };
}

/** Lower-case, absolute (trailing dot) form of a name. */
export function fqdn(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

class Writer {
  readonly bytes: number[] = [];
  u8(v: number): void {
    this.bytes.push(v & 0xff);
  }
  u16(v: number): void {
    this.bytes.push((v >>> 8) & 0xff, v & 0xff);
  }
  u32(v: number): void {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }
  name(name: string): void {
    for (const label of name.split('.').filter((l) => l !== '')) {
      const enc = new TextEncoder().encode(label);
      this.u8(enc.length);
      for (const b of enc) this.u8(b);
    }
    this.u8(0);
  }
  raw(b: Uint8Array): void {
    for (const x of b) this.u8(x);
  }
}

function rdata(data: RData): Uint8Array {
  const w = new Writer();
  if (data.kind === 'A') for (const part of data.address.split('.')) w.u8(Number(part));
  else if (data.kind === 'PTR') w.name(data.target);
  else if (data.kind === 'SRV') {
    w.u16(data.priority);
    w.u16(data.weight);
    w.u16(data.port);
    w.name(data.target);
  } else if (data.kind === 'SOA') {
    w.name(data.mname);
    w.name(data.rname);
    for (const v of [data.serial, data.refresh, data.retry, data.expire, data.minimum]) w.u32(v);
  } else w.raw(data.bytes);
  return Uint8Array.from(w.bytes);
}

export function encodeMessage(m: DnsMessage): Uint8Array {
  const w = new Writer();
  w.u16(m.id);
  const flags =
    (m.qr ? 0x8000 : 0) |
    ((m.opcode & 0xf) << 11) |
    (m.aa ? 0x400 : 0) |
    (m.tc ? 0x200 : 0) |
    (m.rd ? 0x100 : 0) |
    (m.ra ? 0x80 : 0) |
    (m.ad ? 0x20 : 0) |
    (m.cd ? 0x10 : 0) |
    (m.rcode & 0xf);
  w.u16(flags);
  w.u16(m.questions.length);
  w.u16(m.answers.length);
  w.u16(m.authority.length);
  w.u16(m.additional.length + (m.edns ? 1 : 0));
  for (const q of m.questions) {
    w.name(q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  for (const r of [...m.answers, ...m.authority, ...m.additional]) {
    w.name(r.name);
    w.u16(r.type);
    w.u16(r.class);
    w.u32(r.ttl);
    const d = rdata(r.data);
    w.u16(d.length);
    w.raw(d);
  }
  if (m.edns) {
    w.u8(0);
    w.u16(TYPE.OPT);
    w.u16(m.edns.udpSize);
    w.u32(((m.rcode >>> 4) << 24) | (m.edns.version << 16) | m.edns.flags);
    const opts = new Writer();
    if (m.edns.cookie) {
      opts.u16(10);
      opts.u16(m.edns.cookie.length);
      opts.raw(m.edns.cookie);
    }
    w.u16(opts.bytes.length);
    w.raw(Uint8Array.from(opts.bytes));
  }
  return Uint8Array.from(w.bytes);
}

export class DnsFormatError extends Error {}

export function decodeMessage(bytes: Uint8Array): DnsMessage {
  let at = 0;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new DnsFormatError('short message');
  };
  const u8 = () => {
    need(1);
    return bytes[at++] as number;
  };
  const u16 = () => (u8() << 8) | u8();
  const u32 = () => ((u16() << 16) | u16()) >>> 0;
  const nameAt = (start: number): { name: string; end: number } => {
    const labels: string[] = [];
    let p = start;
    let end = -1;
    for (let hops = 0; hops < 64; hops++) {
      if (p >= bytes.length) throw new DnsFormatError('bad name');
      const len = bytes[p] as number;
      if (len === 0) {
        if (end < 0) end = p + 1;
        return { name: labels.length === 0 ? '.' : `${labels.join('.')}.`, end };
      }
      if ((len & 0xc0) === 0xc0) {
        if (end < 0) end = p + 2;
        p = ((len & 0x3f) << 8) | (bytes[p + 1] as number);
        continue;
      }
      labels.push(new TextDecoder().decode(bytes.subarray(p + 1, p + 1 + len)));
      p += 1 + len;
    }
    throw new DnsFormatError('name loop');
  };
  const name = () => {
    const r = nameAt(at);
    at = r.end;
    return r.name;
  };
  const m = emptyMessage(u16());
  const flags = u16();
  m.qr = (flags & 0x8000) !== 0;
  m.opcode = (flags >>> 11) & 0xf;
  m.aa = (flags & 0x400) !== 0;
  m.tc = (flags & 0x200) !== 0;
  m.rd = (flags & 0x100) !== 0;
  m.ra = (flags & 0x80) !== 0;
  m.ad = (flags & 0x20) !== 0;
  m.cd = (flags & 0x10) !== 0;
  m.rcode = flags & 0xf;
  const [qd, an, ns, ar] = [u16(), u16(), u16(), u16()];
  for (let i = 0; i < qd; i++) m.questions.push({ name: name(), type: u16(), class: u16() });
  const record = (): DnsRecord | DnsEdns => {
    const n = name();
    const type = u16();
    const cls = u16();
    const ttl = u32();
    const len = u16();
    need(len);
    const start = at;
    at += len;
    if (type === TYPE.OPT) {
      const edns: DnsEdns = { udpSize: cls, version: (ttl >>> 16) & 0xff, flags: ttl & 0xffff };
      m.rcode |= ((ttl >>> 24) & 0xff) << 4;
      let p = start;
      while (p + 4 <= start + len) {
        const code = ((bytes[p] as number) << 8) | (bytes[p + 1] as number);
        const olen = ((bytes[p + 2] as number) << 8) | (bytes[p + 3] as number);
        if (code === 10) edns.cookie = bytes.slice(p + 4, p + 4 + olen);
        p += 4 + olen;
      }
      return edns;
    }
    let data: RData;
    if (type === TYPE.A && len === 4)
      data = { kind: 'A', address: Array.from(bytes.subarray(start, start + 4)).join('.') };
    else if (type === TYPE.PTR) data = { kind: 'PTR', target: nameAt(start).name };
    else if (type === TYPE.SRV) {
      const v = (o: number) => ((bytes[start + o] as number) << 8) | (bytes[start + o + 1] as number);
      data = { kind: 'SRV', priority: v(0), weight: v(2), port: v(4), target: nameAt(start + 6).name };
    } else if (type === TYPE.SOA) {
      const mname = nameAt(start);
      const rname = nameAt(mname.end);
      const v = (o: number) =>
        (((bytes[o] as number) << 24) |
          ((bytes[o + 1] as number) << 16) |
          ((bytes[o + 2] as number) << 8) |
          (bytes[o + 3] as number)) >>>
        0;
      const b = rname.end;
      data = {
        kind: 'SOA',
        mname: mname.name,
        rname: rname.name,
        serial: v(b),
        refresh: v(b + 4),
        retry: v(b + 8),
        expire: v(b + 12),
        minimum: v(b + 16),
      };
    } else data = { kind: 'raw', bytes: bytes.slice(start, start + len) };
    return { name: n, type, class: cls, ttl, data };
  };
  for (let i = 0; i < an; i++) m.answers.push(record() as DnsRecord);
  for (let i = 0; i < ns; i++) m.authority.push(record() as DnsRecord);
  for (let i = 0; i < ar; i++) {
    const r = record();
    if ('udpSize' in r) m.edns = r;
    else m.additional.push(r);
  }
  return m;
}

/** The record's data as dig prints it. */
export function formatRData(data: RData): string {
  if (data.kind === 'A') return data.address;
  if (data.kind === 'PTR') return data.target;
  if (data.kind === 'SRV') return `${data.priority} ${data.weight} ${data.port} ${data.target}`;
  if (data.kind === 'SOA')
    return `${data.mname} ${data.rname} ${data.serial} ${data.refresh} ${data.retry} ${data.expire} ${data.minimum}`;
  return `\\# ${data.bytes.length} ${Array.from(data.bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** `10.10.1.3` → `3.1.10.10.in-addr.arpa.` */
export function reverseName(ip: string): string {
  return `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}
