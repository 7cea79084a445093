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

  it('needs exactly one of -c and --script', async () => {
    const { code, stderr } = await run('exec');
    expect(code).toBe(2);
    expect(stderr).toContain('exactly one of');
  });
});
