/** `packet-lab grade`, `assign` and `exec --lab` through the CLI, on files in a temporary directory. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { netnsVeth } from '../../exercises/netns-veth/lab.ts';
import { personalSeed } from '../grader/instance.ts';
import { makeSubmission } from '../grader/submission.ts';
import { referenceLog } from '../grader/testing.ts';
import { engineVersion } from '../grader/version.ts';
import { assignLinks, parseCsv, personalLink } from './assign.ts';
import { runCli } from './program.ts';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

function submissions(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'packet-lab-grade-'));
  const files: string[] = [];
  for (const student of ['ana', 'bo']) {
    const instance = { kind: 'personal', assignment: 'lab1', student } as const;
    const log = referenceLog(netnsVeth, instance).filter((e) => student === 'ana' || e.type !== 'answer');
    const file = join(dir, `${student}.json`);
    writeFileSync(file, JSON.stringify(makeSubmission({ lab: netnsVeth.id, engine: engineVersion(), instance, log })));
    files.push(file);
  }
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"format":"packet-lab/submission","version":1,"lab":"netns-veth","engine":"9.0.0"}');
  files.push(broken);
  return files;
}

describe('packet-lab grade', () => {
  it('grades a batch, reports the unreplayable file and exits 1', async () => {
    const files = submissions();
    const { code, stdout, stderr } = await run('grade', ...files);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/ana\.json +lab1 +ana +16\/16/);
    expect(stdout).toMatch(/bo\.json +lab1 +bo +9\/16/);
    expect(stdout).toMatch(/broken\.json +recorded with engine 9\.0\.0; this grader runs engine \d+\.\d+\.\d+/);
    expect(code).toBe(1);
  });

  it('exits 0 when every file was graded, and writes --out', async () => {
    const [ana] = submissions();
    const out = join(mkdtempSync(join(tmpdir(), 'packet-lab-out-')), 'report.xml');
    const { code, stdout } = await run('grade', '--format', 'junit', '--out', out, ana as string);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toContain('tests="12" failures="0" errors="0"');
  });

  it('grades in worker threads with --jobs, in the order given', async () => {
    const files = submissions();
    const { stdout } = await run('grade', '--jobs', '2', '--format', 'csv', ...files);
    const rows = stdout.split('\r\n').slice(1, 4);
    expect(rows.map((row) => row.split(',').slice(4, 10).join(','))).toEqual([
      `ana,${personalSeed('lab1', 'ana')},graded,,16,16`,
      `bo,${personalSeed('lab1', 'bo')},graded,,9,16`,
      ',,unreplayable,recorded with engine 9.0.0; this grader runs engine 0.1.0 (a different major version),,',
    ]);
  }, 60_000);

  it('reports files it cannot read', async () => {
    const { code, stdout } = await run('grade', '--format', 'csv', '/nonexistent/x.json');
    expect(code).toBe(1);
    expect(stdout).toContain('/nonexistent/x.json,,,,,,unreplayable,cannot read: ENOENT');
  });

  it('rejects bad options', async () => {
    expect((await run('grade', '--format', 'xml', 'x')).stderr).toBe(
      'packet-lab grade: --format must be one of table, csv, json, junit, not "xml"\n',
    );
    expect((await run('grade', '--jobs', '0', 'x')).code).toBe(2);
    expect((await run('grade', '--locale', 'fr', 'x')).stderr).toContain('--locale must be en or ko');
  });
});

describe('packet-lab assign', () => {
  it('writes one personal link per student', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'packet-lab-assign-'));
    const roster = join(dir, 'roster.csv');
    writeFileSync(roster, 'Student,Name\r\ns001,"Kim, Ji-woo"\ns002,Lee\n\n');
    const { code, stdout } = await run(
      'assign',
      '--lab',
      'netns-veth',
      '--assignment',
      'net101 lab1',
      '--roster',
      roster,
      '--base-url',
      'https://labs.example.edu',
    );
    expect(code).toBe(0);
    expect(stdout).toBe(
      'Student,Name,seed,link\r\n' +
        `s001,"Kim, Ji-woo",${personalSeed('net101 lab1', 's001')},https://labs.example.edu/chapters/netns-veth/?assignment=net101+lab1&student=s001\r\n` +
        `s002,Lee,${personalSeed('net101 lab1', 's002')},https://labs.example.edu/chapters/netns-veth/?assignment=net101+lab1&student=s002\r\n`,
    );
  });

  it('says what is wrong with a roster', () => {
    expect(() => assignLinks('name\nKim\n', 'netns-veth', 'a', 'https://x/')).toThrow(
      /needs a "student" \(or "id"\) column/,
    );
    expect(() => assignLinks('id\ns1\ns1\n', 'netns-veth', 'a', 'https://x/')).toThrow(
      'roster line 3: student "s1" appears twice',
    );
    expect(() => assignLinks('id\ns1\n', 'nope', 'a', 'https://x/')).toThrow(/unknown lab "nope"/);
  });

  it('rejects a base URL that is not http(s)', async () => {
    const { code, stderr } = await run(
      'assign',
      '--lab',
      'netns-veth',
      '--assignment',
      'a',
      '--roster',
      'r.csv',
      '--base-url',
      'labs',
    );
    expect(code).toBe(2);
    expect(stderr).toBe('packet-lab assign: --base-url must be an http(s) URL, not "labs"\n');
  });

  it('parses quoted CSV fields', () => {
    expect(parseCsv('a,"b ""c""",d\r\n"e\nf",,\n')).toEqual([
      ['a', 'b "c"', 'd'],
      ['e\nf', '', ''],
    ]);
    expect(personalLink('https://x/site/', 'netns-veth', 'a&b', 'é')).toBe(
      'https://x/site/chapters/netns-veth/?assignment=a%26b&student=%C3%A9',
    );
  });
});

describe('packet-lab exec --lab', () => {
  it('runs on the canonical instance after its setup', async () => {
    const { code, stdout } = await run('exec', '--lab', 'netns-veth', '-c', 'nsenter -t 20999 -n ip -br a show eth0');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^eth0@if81 +UP +10\.244\.0\.12\/24 /);
  });

  it('runs on a personal instance', async () => {
    const { stdout } = await run(
      'exec',
      '--lab',
      'netns-veth',
      '--assignment',
      'a',
      '--student',
      's',
      '-c',
      'ip netns | wc -l',
    );
    expect(Number(stdout)).toBeGreaterThanOrEqual(3);
  });

  it('says what is wrong', async () => {
    expect((await run('exec', '--lab', 'nope', '-c', 'true')).stderr).toBe(
      'packet-lab exec: unknown lab "nope" (see packet-lab labs)\n',
    );
    expect((await run('exec', '--lab', 'netns-veth', '--student', 's', '-c', 'true')).stderr).toBe(
      'packet-lab exec: a personal instance needs --assignment and --student\n',
    );
  });
});
