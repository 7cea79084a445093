/**
 * The socket tools of a host: clients and servers that run over virtual time (curl, nc,
 * python3 -m http.server) and the views of sockets and processes (ss, netstat, ps). Servers are
 * processes in the kernel's table; their pids continue after the host's own processes.
 */
import { curlProgram } from '../commands/curl.ts';
import { ncProgram } from '../commands/nc.ts';
import { runNetstat } from '../commands/netstat.ts';
import { type PsEntry, runPs } from '../commands/ps.ts';
import { type ProcessSpawner, python3Program } from '../commands/python3.ts';
import { runSs } from '../commands/ss.ts';
import type { ProgramEntry } from './programs.ts';
import type { Tool, ToolEnv } from './tools.ts';

/** Spawns a tool's process in the caller's namespace, with the next pid neither table has used. */
function spawner(env: ToolEnv): ProcessSpawner {
  return {
    spawn: (argv) => {
      const kernel = env.host.kernel;
      const used = [...env.host.processes.keys(), ...kernel.processes.list().map((p) => p.pid)];
      // Its parent is the login shell when the host has one (a session), else init.
      const shell = [...env.host.processes.values()].find((p) => p.command === '-bash');
      return kernel.processes.spawn(argv, env.netns, {
        pid: Math.max(0, ...used) + 1,
        ppid: shell?.pid ?? 1,
        tty: 'pts/0',
      });
    },
  };
}

/** Every process for ps: the host's (init, shells, pause) and the kernel's (servers, clients). */
function psEntries(env: ToolEnv): PsEntry[] {
  const kernel = env.host.kernel;
  const entries: PsEntry[] = kernel.processes.list().map((p) => ({
    pid: p.pid,
    ppid: p.ppid,
    user: p.user,
    startMicros: p.startMicros,
    tty: p.tty,
    cmd: p.argv.join(' '),
    comm: p.comm,
  }));
  for (const p of env.host.processes.values()) {
    if (entries.some((e) => e.pid === p.pid)) continue;
    entries.push({
      pid: p.pid,
      ppid: p.pid === 1 ? 0 : 1,
      user: 'root',
      startMicros: kernel.bootMicros,
      tty: p.command === '-bash' ? 'pts/0' : '?',
      cmd: p.command,
      comm: (p.command.split(' ')[0] ?? '').split('/').pop()?.replace(/^-/, '') ?? '',
    });
  }
  return entries;
}

export function netPrograms(): [string, ProgramEntry][] {
  return [
    ['curl', { start: (args, env, emit) => curlProgram(args, env.host.kernel, env.netns, emit), client: true }],
    [
      'nc',
      {
        start: (args, env, emit) => ncProgram(args, env.host.kernel, env.netns, emit, env.stdin, spawner(env)),
        client: true,
      },
    ],
    [
      'python3',
      {
        start: (args, env, emit) => python3Program(args, env.host.kernel, env.netns, emit, spawner(env)),
        catches: ['INT'],
      },
    ],
  ];
}

export function netTools(): [string, Tool][] {
  return [
    ['ss', (args, env) => runSs(args, env.netns)],
    ['netstat', (args, env) => runNetstat(args, env.netns)],
    ['ps', (args, env) => runPs(args, psEntries(env), env.host.kernel.clock.micros)],
  ];
}
