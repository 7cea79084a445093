/**
 * `python3` (3.11) as far as labs use it: `python3 -m http.server [PORT] [--bind ADDR]`, a process
 * whose listening socket serves an empty directory and logs each request to stderr, until Ctrl-C.
 */
import { ERRNO } from '../engine/linux/errors.ts';
import type { Kernel } from '../engine/linux/kernel.ts';
import type { NetNs } from '../engine/linux/netns.ts';
import type { Process } from '../engine/linux/processes.ts';
import { listenFor, pythonAccessLog, pythonHttpHandler, serveHttp } from '../engine/linux/servers.ts';
import { formatIpv4, parseIpv4 } from '../engine/wire/addr.ts';
import type { ToolEmit, ToolProgram } from './types.ts';

const USAGE = `usage: server.py [-h] [--cgi] [--bind ADDRESS] [--directory DIRECTORY]
                 [--protocol VERSION]
                 [port]
`;

const ERRNO_NUMBER: Record<string, number> = { EADDRINUSE: 98, EADDRNOTAVAIL: 99 };

export interface ProcessSpawner {
  /** Creates the process for this program (the host picks its pid and parent). */
  spawn(argv: readonly string[]): Process;
}

export function* python3Program(
  args: string[],
  kernel: Kernel,
  ns: NetNs,
  emit: ToolEmit,
  spawner: ProcessSpawner,
): ToolProgram {
  if (args[0] === '--version' || args[0] === '-V') {
    emit('stdout', 'Python 3.11.2\n');
    return 0;
  }
  if (args[0] !== '-m' || args[1] !== 'http.server') {
    emit('stderr', `python3: only \`python3 -m http.server\` runs here\n`);
    return 2;
  }
  let port = 8000;
  let bind: string | undefined;
  const rest = args.slice(2);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === '--bind' || arg === '-b') bind = rest[++i];
    else if (arg.startsWith('--bind=')) bind = arg.slice('--bind='.length);
    else if (arg === '--directory' || arg === '-d' || arg === '--protocol' || arg === '-p') i++;
    else if (arg === '--cgi') continue;
    else if (/^\d+$/.test(arg)) port = Number(arg);
    else {
      emit('stderr', `${USAGE}server.py: error: argument port: invalid int value: '${arg}'\n`);
      return 2;
    }
  }
  const addr = bind === undefined ? 0 : parseIpv4(bind);
  if (addr === null) {
    emit('stderr', `socket.gaierror: [Errno -2] Name or service not known\n`);
    return 1;
  }
  const process = spawner.spawn(['python3', '-m', 'http.server', ...rest]);
  const listener = listenFor(kernel, { ns, addr, port, process, backlog: 5 });
  if (typeof listener === 'string') {
    kernel.processes.exit(process, 1);
    emit(
      'stderr',
      `Traceback (most recent call last):\nOSError: [Errno ${ERRNO_NUMBER[listener] ?? 22}] ${ERRNO[listener]}\n`,
    );
    return 1;
  }
  const shown = formatIpv4(addr);
  emit('stdout', `Serving HTTP on ${shown} port ${port} (http://${shown}:${port}/) ...\n`);
  serveHttp(listener, pythonHttpHandler, (request, response) => emit('stderr', pythonAccessLog(request, response)));
  try {
    yield { until: Number.POSITIVE_INFINITY, wake: () => process.exitCode !== undefined, daemon: true };
    if (process.exitCode !== undefined) return process.exitCode;
    emit('stdout', '\nKeyboard interrupt received, exiting.\n');
    return 0;
  } finally {
    listener.close();
    kernel.processes.exit(process, 0);
  }
}
