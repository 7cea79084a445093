/**
 * curl, nc, ss and netstat against the same two namespaces the real tools were recorded in
 * (fixtures/sockets/make.sh): each case's output, after masking what is random (pids, ports,
 * dates, timings), must equal Debian 12's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { maskTranscript } from '../../tests/kernel/mask.ts';
import { runOnEngine } from '../machine/script.ts';

interface Case {
  ns: string;
  command: string;
  output: string;
  status: number;
}

function readCases(): Case[] {
  const text = readFileSync(new URL('./fixtures/sockets/cases.txt', import.meta.url), 'utf8');
  const cases: Case[] = [];
  const parts = text.split(/^### (?=\w\w )/m).filter((p) => p !== '');
  for (const part of parts) {
    const newline = part.indexOf('\n');
    const head = part.slice(0, newline);
    const body = part.slice(newline + 1);
    const exit = /^### exit (\d+)\n$/m.exec(body);
    cases.push({
      ns: head.slice(0, 2),
      command: head.slice(3),
      output: body.slice(0, exit?.index ?? body.length),
      status: Number(exit?.[1] ?? -1),
    });
  }
  return cases;
}

const SETUP = `
ip netns add hT-sc
ip netns add hT-ss
ip netns exec hT-sc sysctl -q -w net.ipv4.tcp_rmem="4096 131072 6291456"
ip netns exec hT-ss sysctl -q -w net.ipv4.tcp_rmem="4096 131072 6291456"
ip -n hT-sc link set lo up
ip -n hT-ss link set lo up
ip -n hT-sc link add veth0 type veth peer name eth0 netns hT-ss
ip -n hT-sc addr add 10.0.0.1/24 dev veth0
ip -n hT-ss addr add 10.0.0.2/24 dev eth0
ip -n hT-sc link set veth0 up
ip -n hT-ss link set eth0 up
ip -n hT-sc route add 10.9.0.0/24 via 10.0.0.2
sleep 2
ip netns exec hT-ss python3 -m http.server 8000 &
ip netns exec hT-ss python3 -m http.server 8080 --bind 127.0.0.1 &
ip netns exec hT-ss nc -l -p 9000 &
sleep 1
ip netns exec hT-sc nc 10.0.0.2 9000 &
sleep 1
`;

/** Random values masked as in the kernel suite, plus the HTTP Date header; socket rows sorted (hash order). */
function normalise(command: string, output: string): string {
  let text = output.replace(/^(< )?Date: .* GMT\r$/gm, '$1Date: <date>\r');
  if (/^(ss|netstat) /.test(command) && !command.includes('-s')) {
    const lines = text.split('\n');
    const header = command.startsWith('ss') ? 1 : 2;
    text = [...lines.slice(0, header), ...lines.slice(header, -1).sort(), ''].join('\n');
  }
  return maskTranscript(text, '');
}

/** Cases whose output is known to differ, with why. */
const KNOWN_GAPS: Record<string, string> = {
  'ss -s': 'the real totals count sockets of every namespace (tcp_sockets_allocated is global)',
};

const cases = readCases();
const script = SETUP + cases.map((c) => `ip netns exec hT-${c.ns} ${c.command}`).join('\n');
const results = (await runOnEngine(script, { seed: 7 })).slice(-cases.length);

describe('socket tools vs Debian 12', () => {
  it.each(cases.map((c, i) => ({ ...c, i })))('$ns: $command', ({ command, output, status, i }) => {
    const engine = results[i];
    if (engine === undefined) expect.fail('no engine entry');
    if (KNOWN_GAPS[command] !== undefined) return;
    expect(normalise(command, engine.output)).toBe(normalise(command, output));
    expect(engine.status).toBe(status);
  });
});
