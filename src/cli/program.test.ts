import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatLabList } from './labs.ts';
import { runCli } from './program.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('packet-lab CLI', () => {
  it('prints help listing the labs subcommand', async () => {
    const { code, stdout } = await run('--help');
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: packet-lab');
    expect(stdout).toContain('labs');
  });

  it('prints the package version', async () => {
    const { code, stdout } = await run('--version');
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects an unknown subcommand with a non-zero status', async () => {
    const { code, stderr } = await run('frobnicate');
    expect(code).not.toBe(0);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });

  it('lists labs, saying so when there are none', async () => {
    const { code, stdout } = await run('labs');
    expect(code).toBe(0);
    expect(stdout.length).toBeGreaterThan(0);
  });
});

describe('formatLabList', () => {
  it('says there are no labs', () => {
    expect(formatLabList([])).toBe('No labs yet.\n');
  });

  it('pads columns', () => {
    const text = formatLabList([
      { id: 'clusterip', title: { en: 'ClusterIP', ko: 'ClusterIP' }, seeds: ['002', '004'], chapter: 'clusterip' },
      { id: 'np', title: { en: 'NodePort traffic', ko: 'NodePort' }, seeds: ['000'], chapter: 'np' },
    ]);
    expect(text).toBe(
      'ID          TITLE              SEEDS\nclusterip   ClusterIP          002,004\nnp          NodePort traffic   000\n',
    );
  });
});

describe('packet-lab exec', () => {
  it('runs a command line on a fresh host and returns its status', async () => {
    const { code, stdout } = await run('exec', '-c', 'ip -br a');
    expect(code).toBe(0);
    expect(stdout).toBe('lo               DOWN           \n');
  });

  it('prints a transcript and ends with the last command status', async () => {
    const { code, stdout } = await run('exec', '--transcript', '-c', 'ip link set eth0 up');
    expect(code).toBe(1);
    expect(stdout).toBe('$ ip link set eth0 up\nCannot find device "eth0"\n[exit 1]\n');
  });

  it('runs a whole script through the shell: loops and here-documents span lines, stderr stays apart', async () => {
    const script = [
      'for ns in red blue; do',
      '  ip netns add "$ns"',
      'done',
      'cat <<EOF | sort',
      '$(ip netns list | wc -l) namespaces',
      'EOF',
      'ip link set nosuch up',
      'exit 3',
    ].join('\n');
    const { code, stdout, stderr } = await run('exec', '-c', script);
    expect(stdout).toBe('2 namespaces\n');
    expect(stderr).toBe('Cannot find device "nosuch"\n');
    expect(code).toBe(3);
  });

  it('reads --script from a file and stops captures left running with Ctrl-C', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packet-lab-exec-'));
    const file = join(dir, 'topo.sh');
    writeFileSync(
      file,
      'ip link set lo up\ntcpdump -n -i lo -c 1 > /tmp/cap &\nping -c 1 127.0.0.1 > /dev/null\nwait\ncat /tmp/cap\n',
    );
    const { code, stdout } = await run('exec', '--script', file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^\d\d:\d\d:\d\d\.\d+ IP 127\.0\.0\.1 > 127\.0\.0\.1: ICMP echo request/);
    const open = await run('exec', '-c', 'ip link set lo up; tcpdump -n -i lo &');
    expect(open.code).toBe(0);
    expect(open.stderr).toContain('0 packets captured');
  });

  it('needs exactly one of -c and --script', async () => {
    const { code, stderr } = await run('exec');
    expect(code).toBe(2);
    expect(stderr).toContain('exactly one of');
  });
});

describe('packet-lab exec --trace', () => {
  it('prints each hop of a ping after the output', async () => {
    const script = [
      'ip netns add a',
      'ip netns add b',
      'ip link add eth0 netns a type veth peer name eth0 netns b',
      'ip -n a addr add 10.0.0.1/24 dev eth0',
      'ip -n b addr add 10.0.0.2/24 dev eth0',
      'ip -n a link set eth0 up',
      'ip -n b link set eth0 up',
      'ip netns exec a ping -c 1 10.0.0.2 >/dev/null && echo reachable',
    ].join('\n');
    const { code, stdout, stderr } = await run('exec', '--trace', '-c', script);
    expect(code).toBe(0);
    expect(stdout).toBe('reachable\n');
    expect(stderr).toMatch(/ a {2}eth0 {2}tx +IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request/);
    expect(stderr).toMatch(/ b {2}eth0 {2}rx +IP 10\.0\.0\.1 > 10\.0\.0\.2: ICMP echo request/);
    expect(stderr).toMatch(/ a {2}eth0 {2}rx +IP 10\.0\.0\.2 > 10\.0\.0\.1: ICMP echo reply/);
  });
});
