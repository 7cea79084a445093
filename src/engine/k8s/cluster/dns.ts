/**
 * CoreDNS with kind's Corefile (`kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure }`,
 * `ttl 30`): answers from the API server's Services, EndpointSlices and the `pods insecure` rule.
 * A for `<svc>.<ns>.svc.cluster.local` (the ClusterIP, or every ready endpoint of a headless
 * service), `<host>.<svc>.<ns>.svc…` for an endpoint, `<a-b-c-d>.<ns>.pod.cluster.local`; SRV for
 * a service's (named) ports; PTR for cluster IPs and endpoint addresses; NXDOMAIN with the zone's
 * SOA. Names outside the zones are forwarded upstream; the lab has no Internet: NXDOMAIN.
 */
import type { Kernel } from '../../linux/kernel.ts';
import type { NetNs } from '../../linux/netns.ts';
import type { UdpSocket } from '../../linux/udp.ts';
import {
  CLASS_IN,
  type DnsMessage,
  type DnsRecord,
  decodeMessage,
  emptyMessage,
  encodeMessage,
  fqdn,
  RCODE,
  TYPE,
} from '../../wire/dns.ts';
import type { Cluster } from '../api/cluster.ts';
import type { Service } from '../api/types.ts';

const ZONE = 'cluster.local.';
const TTL = 30;

interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean };
  hostname?: string;
}
interface Slice {
  metadata: { namespace?: string; labels?: Record<string, string> };
  endpoints: SliceEndpoint[] | null;
  ports: { name?: string; port: number; protocol?: string }[] | null;
}

/** Whether a pod's image is CoreDNS (registry.k8s.io/coredns/coredns:v1.11.3). */
export function isCoreDnsImage(image: string): boolean {
  return /(^|\/)coredns\/coredns(:|@|$)/.test(image);
}

const dashed = (ip: string) => ip.replaceAll('.', '-');

/** The zone's SOA, as CoreDNS's kubernetes plugin writes it (serial: the zone's last change). */
function soa(serial: number): DnsRecord {
  return {
    name: ZONE,
    type: TYPE.SOA,
    class: CLASS_IN,
    ttl: TTL,
    data: {
      kind: 'SOA',
      mname: 'ns.dns.cluster.local.',
      rname: 'hostmaster.cluster.local.',
      serial,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: TTL,
    },
  };
}

function isIpv4(text: string): boolean {
  return /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(text) && text.split('.').every((p) => Number(p) <= 255);
}

export class CoreDns {
  readonly api: Cluster;
  /** SOA serial: when the zone was created (seconds). */
  readonly serial: number;

  constructor(api: Cluster) {
    this.api = api;
    this.serial = Math.floor(api.clock.micros / 1e6) >>> 0;
  }

  #services(): Service[] {
    return this.api.list('Service') as Service[];
  }

  #slices(svc: Service): Slice[] {
    const ns = svc.metadata.namespace ?? 'default';
    return (this.api.list('EndpointSlice', ns) as unknown as Slice[]).filter(
      (s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
    );
  }

  #ready(svc: Service): { ip: string; host: string; ports: Slice['ports'] }[] {
    const out: { ip: string; host: string; ports: Slice['ports'] }[] = [];
    for (const s of this.#slices(svc))
      for (const e of s.endpoints ?? []) {
        if (e.conditions?.ready === false) continue;
        for (const ip of e.addresses) out.push({ ip, host: e.hostname ?? dashed(ip), ports: s.ports });
      }
    return out;
  }

  /** Answers one query message; the reply mirrors its id, question, RD and EDNS (cookie echoed). */
  answer(query: DnsMessage): DnsMessage {
    const reply = emptyMessage(query.id);
    reply.qr = true;
    reply.rd = query.rd;
    reply.opcode = query.opcode;
    reply.questions = query.questions.slice(0, 1);
    if (query.edns)
      reply.edns = {
        udpSize: 1232,
        version: 0,
        flags: query.edns.flags & 0x8000,
        ...(query.edns.cookie ? { cookie: query.edns.cookie.slice(0, 8) } : {}),
      };
    const q = query.questions[0];
    if (!q || query.opcode !== 0) {
      reply.rcode = q ? RCODE.NOTIMP : RCODE.FORMERR;
      return reply;
    }
    const name = fqdn(q.name);
    if (name.endsWith('.in-addr.arpa.')) return this.#reverse(reply, name, q.type);
    if (name !== ZONE && !name.endsWith(`.${ZONE}`)) {
      // `forward . /etc/resolv.conf`: the lab has no Internet, so upstream knows no other name.
      reply.ra = true;
      reply.rcode = RCODE.NXDOMAIN;
      return reply;
    }
    reply.aa = true;
    const records = this.#lookup(name);
    if (records === undefined) {
      reply.rcode = RCODE.NXDOMAIN;
      reply.authority.push(soa(this.serial));
      return reply;
    }
    const matching = records.filter((r) => r.type === q.type || q.type === TYPE.ANY);
    if (matching.length === 0) {
      reply.authority.push(soa(this.serial));
      return reply;
    }
    reply.answers = matching;
    if (q.type === TYPE.SRV)
      for (const r of matching) {
        if (r.data.kind !== 'SRV') continue;
        const target = r.data.target;
        for (const a of this.#lookup(target) ?? [])
          if (a.type === TYPE.A && !reply.additional.some((x) => x.name === a.name && x.data === a.data))
            reply.additional.push(a);
      }
    return reply;
  }

  /** Every record a name owns in cluster.local; undefined when the name does not exist. */
  #lookup(name: string): DnsRecord[] | undefined {
    const labels = name.slice(0, -ZONE.length - 1).split('.');
    const rec = (type: number, data: DnsRecord['data']): DnsRecord => ({ name, type, class: CLASS_IN, ttl: TTL, data });
    const a = (ip: string) => rec(TYPE.A, { kind: 'A', address: ip });
    if (name === ZONE) return [soa(this.serial)];
    // <a-b-c-d>.<ns>.pod.cluster.local (pods insecure: any address answers, the namespace must exist).
    if (labels.length === 2 && labels[1] === 'pod') return this.#namespaceExists(labels[0] as string) ? [] : undefined;
    if (labels.length === 1 && (labels[0] === 'pod' || labels[0] === 'svc')) return [];
    if (labels.length === 3 && labels[2] === 'pod') {
      const ip = (labels[0] as string).replaceAll('-', '.');
      if (!isIpv4(ip) || !this.#namespaceExists(labels[1] as string)) return undefined;
      return [a(ip)];
    }
    if (labels.at(-1) !== 'svc') return undefined;
    const rest = labels.slice(0, -1);
    if (rest.length === 1) return this.#namespaceExists(rest[0] as string) ? [] : undefined;
    // _port._proto.svc.ns or host.svc.ns or svc.ns
    const [nsName, svcName] = [rest.at(-1) as string, rest.at(-2) as string];
    const svc = this.#services().find(
      (s) => s.metadata.name === svcName && (s.metadata.namespace ?? 'default') === nsName,
    );
    if (!svc) return undefined;
    const headless = svc.spec.clusterIP === 'None';
    const ready = headless ? this.#ready(svc) : [];
    const svcName_ = `${svcName}.${nsName}.svc.${ZONE}`;
    const prefix = rest.slice(0, -2);
    if (svc.spec.type === 'ExternalName') {
      if (prefix.length > 0) return undefined;
      return [rec(TYPE.CNAME, { kind: 'PTR', target: fqdn(svc.spec.externalName ?? '') })];
    }
    const srvFor = (ports: { name?: string; port: number; protocol?: string }[], filter?: [string, string]) => {
      const out: DnsRecord[] = [];
      const picked = ports.filter(
        (p) =>
          !filter ||
          ((filter[0] === '*' || `_${p.name ?? ''}` === filter[0]) &&
            (filter[1] === '*' || `_${(p.protocol ?? 'TCP').toLowerCase()}` === filter[1])),
      );
      if (headless) {
        const targets = ready.flatMap((e) =>
          (e.ports ?? [])
            .filter((p) => picked.some((x) => x.name === p.name))
            .map((p) => ({ port: p.port, target: `${e.host}.${svcName_}` })),
        );
        for (const t of targets)
          out.push(
            rec(TYPE.SRV, {
              kind: 'SRV',
              priority: 0,
              weight: Math.floor(100 / targets.length),
              port: t.port,
              target: t.target,
            }),
          );
      } else
        for (const p of picked)
          out.push(
            rec(TYPE.SRV, {
              kind: 'SRV',
              priority: 0,
              weight: Math.floor(100 / picked.length),
              port: p.port,
              target: svcName_,
            }),
          );
      return out;
    };
    const ports = (svc.spec.ports ?? []).map((p) => ({
      port: p.port,
      ...(p.name !== undefined ? { name: p.name } : {}),
      ...(p.protocol !== undefined ? { protocol: p.protocol } : {}),
    }));
    if (prefix.length === 0) {
      const addrs = headless ? ready.map((e) => a(e.ip)) : [a(svc.spec.clusterIP ?? '')];
      return [...addrs, ...srvFor(ports)];
    }
    if (prefix.length === 1 && headless) {
      const e = ready.filter((x) => x.host === prefix[0]);
      return e.length > 0 ? e.map((x) => a(x.ip)) : undefined;
    }
    if (prefix.length === 2 && prefix[0]?.startsWith('_') && prefix[1]?.startsWith('_')) {
      const srv = srvFor(
        ports.filter((p) => p.name !== undefined),
        [prefix[0], prefix[1]],
      );
      return srv.length > 0 ? srv : undefined;
    }
    return undefined;
  }

  #namespaceExists(ns: string): boolean {
    return this.api.get('Namespace', '', ns) !== undefined;
  }

  #reverse(reply: DnsMessage, name: string, type: number): DnsMessage {
    const ip = name.slice(0, -'.in-addr.arpa.'.length).split('.').reverse().join('.');
    reply.aa = true;
    const targets: string[] = [];
    if (isIpv4(ip)) {
      for (const svc of this.#services()) {
        const ns = svc.metadata.namespace ?? 'default';
        if (svc.spec.clusterIP === ip) targets.push(`${svc.metadata.name}.${ns}.svc.${ZONE}`);
      }
      if (targets.length === 0)
        for (const svc of this.#services()) {
          const ns = svc.metadata.namespace ?? 'default';
          for (const e of this.#ready(svc))
            if (e.ip === ip) targets.push(`${e.host}.${svc.metadata.name}.${ns}.svc.${ZONE}`);
        }
    }
    if (targets.length === 0) {
      reply.rcode = RCODE.NXDOMAIN;
      reply.authority.push({ ...soa(this.serial), name: 'in-addr.arpa.' });
      return reply;
    }
    if (type !== TYPE.PTR && type !== TYPE.ANY) {
      reply.authority.push(soa(this.serial));
      return reply;
    }
    reply.answers = targets.map((target) => ({
      name,
      type: TYPE.PTR,
      class: CLASS_IN,
      ttl: TTL,
      data: { kind: 'PTR', target },
    }));
    return reply;
  }
}

/** Starts CoreDNS's UDP listener on port 53 in a pod's namespace; returns the socket. */
export function startCoreDns(kernel: Kernel, netns: NetNs, server: CoreDns): UdpSocket | undefined {
  const socket = kernel.sockets.bindUdp(netns, 0, 53);
  if (typeof socket === 'string') return undefined;
  socket.callbacks.onMessage = (data, from, fromPort) => {
    let query: DnsMessage;
    try {
      query = decodeMessage(data);
    } catch {
      return;
    }
    if (query.qr) return;
    socket.sendTo(encodeMessage(server.answer(query)), from, fromPort);
  };
  return socket;
}
