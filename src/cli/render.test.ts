import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './program.ts';

const caseFile = join(import.meta.dirname, '../engine/k8s/kube-proxy/cases/shared/current-overall-iptables-rules.json');

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

describe('packet-lab render kube-proxy', () => {
  it('prints the restore text, sorted like the case expects', async () => {
    const { code, stdout } = await run('render', 'kube-proxy', '--case', caseFile, '--sorted');
    expect(code).toBe(0);
    const expected = JSON.parse(readFileSync(caseFile, 'utf8')).expected_iptables_save as string;
    expect(stdout).toBe(expected);
  });

  it("prints kube-proxy's own order by default", async () => {
    const { code, stdout } = await run('render', 'kube-proxy', '--case', caseFile);
    expect(code).toBe(0);
    expect(stdout.startsWith('*filter\n:KUBE-SERVICES - [0:0]\n')).toBe(true);
  });

  it('says --format save is not available yet', async () => {
    const { code, stderr } = await run('render', 'kube-proxy', '--case', caseFile, '--format', 'save');
    expect(code).toBe(1);
    expect(stderr).toContain('--format save is not available yet');
  });

  it('names a missing case file', async () => {
    const { code, stderr } = await run('render', 'kube-proxy', '--case', '/nonexistent.json');
    expect(code).toBe(1);
    expect(stderr).toContain('cannot read case file /nonexistent.json');
  });
});
