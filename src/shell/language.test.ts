/** The language itself: parsing, expansion, builtins and error messages beyond the differential cases. */
import { describe, expect, it } from 'vitest';
import { type ParseError, parse } from './parser.ts';
import { Shell } from './shell.ts';

async function out(script: string): Promise<string> {
  return (await new Shell().exec(script)).stdout;
}

describe('parser', () => {
  it('builds pipelines, and-or lists and background items', () => {
    const list = parse('a | b |& c && ! d || e &');
    const item = list.items[0];
    expect(item?.background).toBe(true);
    expect(item?.text).toBe('a | b |& c && ! d || e');
    expect(item?.andOr.first.commands).toHaveLength(3);
    expect(item?.andOr.first.pipeStderr).toEqual([false, true]);
    expect(item?.andOr.rest.map((r) => [r.op, r.pipeline.negate])).toEqual([
      ['&&', true],
      ['||', false],
    ]);
  });

  it('reports syntax errors the way bash words them', () => {
    const message = (src: string) => {
      try {
        parse(src);
        return 'parsed';
      } catch (e) {
        return (e as ParseError).message;
      }
    };
    expect(message('then')).toBe("syntax error near unexpected token `then'");
    expect(message('echo a )')).toBe("syntax error near unexpected token `)'");
    expect(message('if true; then echo; fi fi')).toBe("syntax error near unexpected token `fi'");
    expect(message('while true')).toBe('syntax error: unexpected end of file');
    expect(message('a &&& b')).toBe("syntax error near unexpected token `&'");
  });
});

describe('expansion', () => {
  it('keeps "$@" fields and drops empty unquoted ones', async () => {
    expect(await out('set -- "a b" "" c; printf "[%s]" "$@"; echo; printf "[%s]" $@; echo')).toBe(
      '[a b][][c]\n[a][b][c]\n',
    );
  });

  it('does not glob or split quoted text', async () => {
    expect(await out('cd /tmp; touch x1 x2; echo x* "x*" \'x*\' x\\*')).toBe('x1 x2 x* x* x*\n');
  });

  it('fails on a required parameter with its message', async () => {
    const r = await new Shell().exec(`echo \${nope:?must be set}; echo next`);
    expect(r.stderr).toBe('bash: nope: must be set\n');
    expect(r.stdout).toBe('next\n');
  });

  it('supports set -u', async () => {
    const r = await new Shell().exec('set -u; echo $undefined_var');
    expect(r.stderr).toBe('bash: undefined_var: unbound variable\n');
  });

  it('expands $$, $!, $RANDOM deterministically', async () => {
    expect(await out('echo $$; sleep 1 & echo $!; wait')).toBe('4242\n4243\n');
    expect(await out('echo $RANDOM')).toBe(await out('echo $RANDOM'));
  });
});

describe('builtins', () => {
  it('cd reports missing directories', async () => {
    const r = await new Shell().exec('cd /nope');
    expect(r).toEqual({ stdout: '', stderr: 'bash: cd: /nope: No such file or directory\n', exitCode: 1 });
  });

  it('lists and removes aliases', async () => {
    expect(await out("alias k=kubectl ll='ls -l'; alias; unalias k; alias")).toBe(
      "alias k='kubectl'\nalias ll='ls -l'\nalias ll='ls -l'\n",
    );
  });

  it('type and which describe each kind of name', async () => {
    expect(await out('alias k=kubectl; f() { :; }; type k f cd if grep; which grep cd; echo $?')).toBe(
      "k is aliased to `kubectl'\nf is a function\ncd is a shell builtin\nif is a shell keyword\ngrep is /usr/bin/grep\n/usr/bin/grep\n1\n",
    );
  });

  it('jobs lists running jobs with their marks', async () => {
    expect(await out('sleep 5 & sleep 6 & sleep 7 & jobs; kill %2 %3; wait; jobs')).toBe(
      '[1]   Running                 sleep 5 &\n[2]-  Running                 sleep 6 &\n[3]+  Running                 sleep 7 &\n',
    );
  });

  it('kill reports unknown jobs', async () => {
    const r = await new Shell().exec('kill %4');
    expect(r.stderr).toBe('bash: kill: %4: no such job\n');
  });

  it('read -p prompts on stderr', async () => {
    const r = await new Shell().exec('read -p "name? " n; echo "hi $n"', { stdin: 'ada\n' });
    expect(r).toEqual({ stdout: 'hi ada\n', stderr: 'name? ', exitCode: 0 });
  });

  it('sleep rejects bad intervals like coreutils', async () => {
    const r = await new Shell().exec('sleep abc');
    expect(r.stderr).toBe("sleep: invalid time interval 'abc'\nTry 'sleep --help' for more information.\n");
    expect(r.exitCode).toBe(1);
  });

  it('break leaves nested loops', async () => {
    expect(await out('for i in 1 2; do while true; do echo $i; break 2; done; done; echo end')).toBe('1\nend\n');
  });

  it('exit inside a subshell or pipeline stage does not end the session', async () => {
    const sh = new Shell();
    expect((await sh.exec('(exit 3); echo $?; echo x | exit 4; echo $?')).stdout).toBe('3\n4\n');
    expect(sh.exited).toBe(false);
  });
});

describe('tools beyond the differential cases', () => {
  it('grep -r walks directories', async () => {
    expect(await out('mkdir -p /tmp/g/s; echo needle > /tmp/g/s/f; echo hay > /tmp/g/h; grep -r needle /tmp/g')).toBe(
      '/tmp/g/s/f:needle\n',
    );
  });

  it('sed -i keeps a backup with a suffix', async () => {
    expect(await out('cd /tmp; echo a > f; sed -i.bak s/a/b/ f; cat f f.bak')).toBe('b\na\n');
  });

  it('awk prints into a pipe and runs system()', async () => {
    expect(await out('awk \'BEGIN { print "b"; print "a" | "sort"; print "c" | "sort"; system("echo sys") }\'')).toBe(
      'b\nsys\na\nc\n',
    );
  });

  it('jq handles kubectl-shaped documents', async () => {
    const pods = JSON.stringify({
      items: [
        { metadata: { name: 'web-1', labels: { app: 'web' } }, status: { podIP: '10.244.1.5', phase: 'Running' } },
        { metadata: { name: 'db-1', labels: { app: 'db' } }, status: { podIP: '10.244.2.7', phase: 'Pending' } },
      ],
    });
    const sh = new Shell();
    sh.fs.writeFile('/tmp/pods.json', pods);
    const r = await sh.exec(
      `jq -r '.items[] | select(.status.phase == "Running") | "\\(.metadata.name) \\(.status.podIP)"' /tmp/pods.json; jq -r '.items[].metadata.labels.app' /tmp/pods.json | sort | tr '\\n' ' '; jq '.items | length' /tmp/pods.json`,
    );
    expect(r.stdout).toBe('web-1 10.244.1.5\ndb web 2\n');
  });

  it('xargs reports a missing command with 127', async () => {
    const r = await new Shell().exec('echo a | xargs nosuch');
    expect(r.exitCode).toBe(127);
  });

  it('date follows the virtual clock', async () => {
    expect(await out('date')).toBe('Thu Jan  1 00:00:00 UTC 1970\n');
  });
});
