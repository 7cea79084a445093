/**
 * What a pod's image does once it runs, as far as the labs need it: the servers listen on the pod's
 * ports and answer HTTP, each seeing the client's address after kube-proxy's DNAT (so a Service's
 * load balancing shows up in what comes back). traefik/whoami echoes the request, mendhak's
 * http-https-echo answers JSON, nginx serves its welcome page. Client images (netshoot, busybox)
 * run no server: their tools are the machine's.
 */
import type { Kernel } from '../../linux/kernel.ts';
import type { NetNs } from '../../linux/netns.ts';
import type { Process } from '../../linux/processes.ts';
import {
  type HttpHandler,
  type HttpRequest,
  httpDate,
  listenFor,
  nginxHandler,
  serveHttp,
} from '../../linux/servers.ts';
import type { TcpSocket } from '../../linux/tcp.ts';
import { formatIpv4 } from '../../wire/addr.ts';

/** What a handler knows about the pod it serves. */
export interface WorkloadPod {
  name: string;
  netns: NetNs;
}

interface Workload {
  /** The ports the image listens on (on every address). */
  ports: number[];
  handler(pod: WorkloadPod): HttpHandler;
}

const encoder = new TextEncoder();

const byteLength = (text: string) => encoder.encode(text).length;

function header(request: HttpRequest, name: string): string | undefined {
  return request.headers.find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
}

/**
 * traefik/whoami: its hostname, every address of its interfaces, the client's address and the
 * request as Go's Request.Write prints it (Host, then User-Agent, then the other headers sorted).
 */
export function whoamiText(pod: WorkloadPod, request: HttpRequest): string {
  const lines = [`Hostname: ${pod.name}`];
  for (const a of pod.netns.addrs) lines.push(`IP: ${formatIpv4(a.local)}`);
  lines.push(`RemoteAddr: ${formatIpv4(request.client.addr)}:${request.client.port}`);
  const head = [`${request.method} ${request.path} ${request.version}`];
  head.push(`Host: ${header(request, 'Host') ?? formatIpv4(request.server.addr)}`);
  head.push(`User-Agent: ${header(request, 'User-Agent') ?? 'Go-http-client/1.1'}`);
  const rest = request.headers
    .filter(([k]) => !['host', 'user-agent', 'content-length', 'transfer-encoding'].includes(k.toLowerCase()))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of rest) head.push(`${k}: ${v}`);
  return `${lines.join('\n')}\n${head.join('\r\n')}\r\n\r\n`;
}

const whoami: Workload = {
  ports: [80],
  handler: (pod) => (request) => {
    const body = whoamiText(pod, request);
    return {
      status: 200,
      reason: 'OK',
      headers: [
        ['Date', httpDate(request.time)],
        ['Content-Length', String(byteLength(body))],
        ['Content-Type', 'text/plain; charset=utf-8'],
      ],
      body,
      keepAlive: true,
    };
  },
};

/** mendhak/http-https-echo: the request as JSON, with the pod's hostname and the client's address. */
export function echoJson(pod: WorkloadPod, request: HttpRequest): string {
  const headers: Record<string, string> = {};
  for (const [k, v] of request.headers) headers[k.toLowerCase()] = v;
  const host = (header(request, 'Host') ?? formatIpv4(request.server.addr)).replace(/:\d+$/, '');
  const [path = '/', query = ''] = request.path.split('?');
  const queries: Record<string, string> = {};
  for (const pair of query.split('&').filter(Boolean)) {
    const [k = '', v = ''] = pair.split('=');
    queries[k] = v;
  }
  return JSON.stringify({
    path,
    headers,
    method: request.method,
    body: '',
    fresh: false,
    hostname: host,
    ip: `::ffff:${formatIpv4(request.client.addr)}`,
    ips: [],
    protocol: 'http',
    query: queries,
    subdomains: [],
    xhr: false,
    os: { hostname: pod.name },
    connection: {},
  });
}

const httpHttpsEcho: Workload = {
  ports: [8080],
  handler: (pod) => (request) => {
    const body = echoJson(pod, request);
    return {
      status: 200,
      reason: 'OK',
      headers: [
        ['X-Powered-By', 'Express'],
        ['Content-Type', 'application/json; charset=utf-8'],
        ['Content-Length', String(byteLength(body))],
        ['Date', httpDate(request.time)],
        ['Connection', 'keep-alive'],
        ['Keep-Alive', 'timeout=5'],
      ],
      body,
      keepAlive: true,
    };
  },
};

const nginx: Workload = { ports: [80], handler: () => nginxHandler };

/** The image's repository without registry, tag or digest: `docker.io/traefik/whoami:v1.10` → `traefik/whoami`. */
export function imageRepository(image: string): string {
  return image
    .replace(/^docker\.io\//, '')
    .replace(/@.*$/, '')
    .replace(/:[^/]*$/, '')
    .replace(/^library\//, '');
}

/** outgrow0905/hostname (seed 000): a Node.js server on 8080 answering `You've hit <hostname>`. */
const youveHit: Workload = {
  ports: [8080],
  handler: (pod) => (request) => {
    const body = `You've hit ${pod.name}\n`;
    return {
      status: 200,
      reason: 'OK',
      headers: [
        ['Date', httpDate(request.time)],
        ['Connection', 'keep-alive'],
        ['Keep-Alive', 'timeout=5'],
        ['Content-Length', String(byteLength(body))],
      ],
      body,
      keepAlive: true,
    };
  },
};

const WORKLOADS: Record<string, Workload> = {
  'outgrow0905/hostname': youveHit,
  'traefik/whoami': whoami,
  'mendhak/http-https-echo': httpHttpsEcho,
  nginx,
};

/** The ports an image serves on (empty for client images). */
export function workloadPorts(image: string): number[] {
  return WORKLOADS[imageRepository(image)]?.ports ?? [];
}

/** Starts the image's servers in the pod's namespace, owned by `process`; returns their listening sockets. */
export function startWorkload(kernel: Kernel, pod: WorkloadPod, image: string, process?: Process): TcpSocket[] {
  const workload = WORKLOADS[imageRepository(image)];
  if (!workload) return [];
  const handler = workload.handler(pod);
  const listeners: TcpSocket[] = [];
  for (const port of workload.ports) {
    const listener = listenFor(kernel, { ns: pod.netns, addr: 0, port, ...(process ? { process } : {}) });
    if (typeof listener === 'string') continue;
    serveHttp(listener, handler);
    listeners.push(listener);
  }
  return listeners;
}
