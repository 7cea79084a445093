/**
 * Servers as processes that own listening sockets: an HTTP/1.x server around a handler (python3's
 * http.server, nginx's welcome page, or any function, such as a Kubernetes workload that wants to
 * see the client's address) and an echo server. Each accepted connection is served inside kernel
 * events; the server writes its log lines through `log`.
 */
import { formatIpv4, type Ipv4 } from '../wire/addr.ts';
import type { Errno } from './errors.ts';
import type { Kernel } from './kernel.ts';
import type { NetNs } from './netns.ts';
import type { Process } from './processes.ts';
import type { TcpSocket } from './tcp.ts';

export interface HttpRequest {
  method: string;
  /** The request target as sent ("/", "/healthz?x=1"). */
  path: string;
  version: string;
  headers: [string, string][];
  client: { addr: Ipv4; port: number };
  server: { addr: Ipv4; port: number };
  /** Virtual time (µs) the request arrived. */
  time: number;
}

export interface HttpResponse {
  status: number;
  reason: string;
  /** The status line's version; python's http.server answers HTTP/1.0. */
  version?: string;
  headers: [string, string][];
  body: string;
  /** Keep the connection open after the response (HTTP/1.1 keep-alive); default closes. */
  keepAlive?: boolean;
}

export type HttpHandler = (request: HttpRequest) => HttpResponse;

/** Where a server writes: its log lines (stderr for python, an access log elsewhere). */
export type ServerLog = (stream: 'stdout' | 'stderr', text: string) => void;

export interface ListenOptions {
  ns: NetNs;
  addr: Ipv4;
  port: number;
  /** The process that owns the socket (ss -p names it); its fds get the listener. */
  process?: Process;
  backlog?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** socket + bind + listen for a process; the errno when the port is taken or the address is not local. */
export function listenFor(kernel: Kernel, options: ListenOptions): TcpSocket | Errno {
  const socket = kernel.sockets.listenTcp(options.ns, options.addr, options.port, options.backlog ?? 511);
  if (typeof socket === 'string') return socket;
  if (options.process) kernel.processes.addFd(options.process, socket);
  return socket;
}

/** Serves HTTP on a listening socket: each request goes to `handler`, `onRequest` logs it. */
export function serveHttp(
  listener: TcpSocket,
  handler: HttpHandler,
  onRequest?: (request: HttpRequest, response: HttpResponse) => void,
): void {
  const kernel = listener.ns.kernel;
  listener.callbacks.onAccept = (conn) => {
    let buffer = '';
    const handle = (chunk: Uint8Array) => {
      buffer += decoder.decode(chunk);
      const end = buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      const [requestLine = '', ...lines] = head.split('\r\n');
      const [method = '', path = '', version = 'HTTP/1.0'] = requestLine.split(' ');
      const headers = lines.map((line): [string, string] => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).trim()];
      });
      const request: HttpRequest = {
        method,
        path,
        version,
        headers,
        client: { addr: conn.remoteAddr, port: conn.remotePort },
        server: { addr: conn.localAddr, port: conn.localPort },
        time: kernel.clock.micros,
      };
      const response = handler(request);
      onRequest?.(request, response);
      const statusLine = `${response.version ?? 'HTTP/1.1'} ${response.status} ${response.reason}\r\n`;
      const head2 = `${statusLine}${response.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
      conn.send(encoder.encode(head2));
      if (method !== 'HEAD' && response.body !== '') conn.send(encoder.encode(response.body));
      if (!response.keepAlive) conn.close();
    };
    conn.callbacks = { onData: handle, onEof: () => conn.close() };
    for (const chunk of conn.takeUnread()) handle(chunk);
  };
}

/** An echo server: every byte that arrives goes back (like `ncat -e /bin/cat` or an echo pod). */
export function serveEcho(listener: TcpSocket): void {
  listener.callbacks.onAccept = (conn) => {
    conn.callbacks = {
      onData: (data) => conn.send(data),
      onEof: () => conn.close(),
    };
  };
}

// ---- python3 -m http.server ----------------------------------------------------------------------

const PYTHON_SERVER = 'SimpleHTTP/0.6 Python/3.11.2';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

const pad = (n: number) => String(n).padStart(2, '0');

/** An HTTP Date header (RFC 7231) for virtual time `micros`. */
export function httpDate(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`;
}

/** BaseHTTPRequestHandler.log_date_time_string: "23/Nov/2026 00:03:46". */
export function pythonLogDate(micros: number): string {
  const d = new Date(Math.floor(micros / 1000));
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const EMPTY_LISTING = (path: string) =>
  `<!DOCTYPE HTML>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Directory listing for ${path}</title>\n</head>\n<body>\n<h1>Directory listing for ${path}</h1>\n<hr>\n<ul>\n</ul>\n<hr>\n</body>\n</html>\n`;

const ERROR_PAGE = (code: number, message: string, explain: string) =>
  `<!DOCTYPE HTML>\n<html lang="en">\n    <head>\n        <meta charset="utf-8">\n        <title>Error response</title>\n    </head>\n    <body>\n        <h1>Error response</h1>\n        <p>Error code: ${code}</p>\n        <p>Message: ${message}.</p>\n        <p>Error code explanation: ${code} - ${explain}.</p>\n    </body>\n</html>\n`;

function pythonError(time: number, code: number, message: string, explain: string): HttpResponse {
  const body = ERROR_PAGE(code, message, explain);
  return {
    status: code,
    reason: message,
    version: 'HTTP/1.0',
    headers: [
      ['Server', PYTHON_SERVER],
      ['Date', httpDate(time)],
      ['Connection', 'close'],
      ['Content-Type', 'text/html;charset=utf-8'],
      ['Content-Length', String(encoder.encode(body).length)],
    ],
    body,
  };
}

/** SimpleHTTPRequestHandler serving an empty directory: a listing for "/", 404 elsewhere. */
export const pythonHttpHandler: HttpHandler = (request) => {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return pythonError(
      request.time,
      501,
      `Unsupported method ('${request.method}')`,
      'Server does not support this operation',
    );
  const path = request.path.split('?')[0] ?? '/';
  if (path !== '/') return pythonError(request.time, 404, 'File not found', 'Nothing matches the given URI');
  const body = EMPTY_LISTING('/');
  return {
    status: 200,
    reason: 'OK',
    version: 'HTTP/1.0',
    headers: [
      ['Server', PYTHON_SERVER],
      ['Date', httpDate(request.time)],
      ['Content-type', 'text/html; charset=utf-8'],
      ['Content-Length', String(encoder.encode(body).length)],
    ],
    body,
  };
};

/** The lines python's http.server writes to stderr for one request. */
export function pythonAccessLog(request: HttpRequest, response: HttpResponse): string {
  const prefix = `${formatIpv4(request.client.addr)} - - [${pythonLogDate(request.time)}] `;
  const error = response.status >= 400 ? `${prefix}code ${response.status}, message ${response.reason}\n` : '';
  return `${error}${prefix}"${request.method} ${request.path} ${request.version}" ${response.status} -\n`;
}

// ---- nginx ---------------------------------------------------------------------------------------

const NGINX_SERVER = 'nginx/1.27.3';
const NGINX_WELCOME = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** nginx's default server: the welcome page at "/", its 404 page elsewhere. */
export const nginxHandler: HttpHandler = (request) => {
  const found = request.path === '/' || request.path === '/index.html';
  const body = found
    ? NGINX_WELCOME
    : `<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>${NGINX_SERVER}</center>\r\n</body>\r\n</html>\r\n`;
  const headers: [string, string][] = [
    ['Server', NGINX_SERVER],
    ['Date', httpDate(request.time)],
    ['Content-Type', 'text/html'],
    ['Content-Length', String(encoder.encode(body).length)],
  ];
  if (found) headers.push(['Last-Modified', 'Tue, 26 Nov 2024 15:55:00 GMT']);
  headers.push(['Connection', 'keep-alive']);
  if (found) headers.push(['ETag', '"6745ef54-267"'], ['Accept-Ranges', 'bytes']);
  return { status: found ? 200 : 404, reason: found ? 'OK' : 'Not Found', headers, body, keepAlive: true };
};
