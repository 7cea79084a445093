import { describe, expect, it } from 'vitest';
import { Shell } from './shell.ts';

async function run(script: string, shell = new Shell()) {
  return shell.exec(script);
}

describe('scripts of one command per line', () => {
  it('runs lines, skips comments, redirects and cats', async () => {
    const r = await run('# set up\necho hello > /tmp/a   # trailing comment\necho world >> /tmp/a\ncat /tmp/a\n');
    expect(r).toEqual({ stdout: 'hello\nworld\n', stderr: '', exitCode: 0 });
  });

  it('runs background jobs and waits for them', async () => {
    const r = await run('(sleep 2; echo late) &\n(sleep 1; echo early) &\necho now\nwait\necho done');
    expect(r.stdout).toBe('now\nearly\nlate\ndone\n');
  });

  it('writes background output to files', async () => {
    const sh = new Shell();
    const r = await run('echo one > /tmp/o &\nwait\ncat /tmp/o', sh);
    expect(r.stdout).toBe('one\n');
  });

  it('keeps state between runs', async () => {
    const sh = new Shell();
    await sh.exec('x=42; cd /tmp; alias hi="echo hi"; f() { echo "f:$1"; }');
    const r = await sh.exec('echo $x; pwd; hi there; f arg');
    expect(r.stdout).toBe('42\n/tmp\nhi there\nf:arg\n');
  });

  it('reports unknown commands like bash, sh and zsh', async () => {
    expect(await run('nosuch')).toEqual({ stdout: '', stderr: 'bash: nosuch: command not found\n', exitCode: 127 });
    expect((await new Shell({ dialect: 'sh' }).exec('nosuch')).stderr).toBe('sh: nosuch: not found\n');
    expect((await new Shell({ dialect: 'zsh' }).exec('nosuch')).stderr).toBe('zsh: command not found: nosuch\n');
  });

  it('reports syntax errors and stops there', async () => {
    const r = await run('echo before\nfi\necho after');
    expect(r.stdout).toBe('before\n');
    expect(r.stderr).toBe("bash: syntax error near unexpected token `fi'\n");
    expect(r.exitCode).toBe(2);
    expect((await run('echo >')).stderr).toBe("bash: syntax error near unexpected token `newline'\n");
  });

  it('stops runaway loops with the step budget', async () => {
    const r = await new Shell({ maxSteps: 1000 }).exec('while true; do :; done; echo unreachable');
    expect(r.exitCode).toBe(124);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/step limit/);
  });

  it('caps output', async () => {
    const r = await new Shell({ maxOutput: 100 }).exec('while true; do echo xxxxxxxxxx; done');
    expect(r.stdout.length).toBeLessThanOrEqual(100);
    expect(r.stderr).toMatch(/output limit/);
  });

  it('stops on Ctrl-C', async () => {
    const sh = new Shell();
    const controller = new AbortController();
    const pending = sh.run('sleep infinity; echo no', { signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    expect(await pending).toBe(130);
  });

  it('remembers exit', async () => {
    const sh = new Shell();
    const r = await sh.exec('echo a; exit 3; echo b');
    expect(r).toEqual({ stdout: 'a\n', stderr: '', exitCode: 3 });
    expect(sh.exited).toBe(true);
  });
});
