/** The four report formats over one graded and one unreplayable submission. */
import { describe, expect, it } from 'vitest';
import { netnsVeth } from '../../exercises/netns-veth/lab.ts';
import type { GradeResult } from './grade.ts';
import { gradeText } from './grade.ts';
import { formatReport } from './report.ts';
import { referenceLog, submissionText, TEST_ENGINE } from './testing.ts';

async function batch(): Promise<GradeResult[]> {
  const instance = { kind: 'personal', assignment: 'hw,1', student: 'o"neil' } as const;
  const log = referenceLog(netnsVeth, instance).filter((e) => !(e.type === 'answer' && e.task === 'why-index'));
  const graded = await gradeText('a.json', submissionText(netnsVeth, instance, log), { engine: TEST_ENGINE });
  const bad = await gradeText('b.json', '{"format": "packet-lab/submission", "lab"', { engine: TEST_ENGINE });
  return [graded, bad];
}

describe('formatReport', () => {
  it('table: points per task, unreplayable files with their reason, feedback with its hint', async () => {
    const text = formatReport(await batch(), 'table', TEST_ENGINE);
    expect(text).toContain("netns-veth: Inside a pod's network namespace (16 points)\n");
    expect(text).toMatch(
      /SUBMISSION +ASSIGNMENT +STUDENT +POINTS +pod-ip +host-veth +default-route +connect +capture +why-index\n/,
    );
    expect(text).toMatch(/a\.json +hw,1 +o"neil +14\/16 +3\/3 +3\/3 +2\/2 +4\/4 +2\/2 +0\/2\n/);
    expect(text).toMatch(/Unreplayable\nSUBMISSION +REASON\nb\.json +truncated: /);
    expect(text).toContain(
      '  why-index/choice (0/2): You picked the statement that matches how Linux numbers interfaces.\n',
    );
    expect(text).toContain(
      '    No answer was given.\n    hint 1: Interface indexes are counted per network namespace.',
    );
  });

  it('csv: one row per submission, a column per task, quoted where needed', async () => {
    const rows = formatReport(await batch(), 'csv', TEST_ENGINE).split('\r\n');
    expect(rows[0]).toBe(
      'source,lab,instance,assignment,student,seed,status,reason,points,max,pod-ip,host-veth,default-route,connect,capture,why-index,feedback',
    );
    expect(rows[1]).toMatch(
      /^a\.json,netns-veth,personal,"hw,1","o""neil",\d+,graded,,14,16,3,3,2,4,2,0,why-index\/choice: No answer was given\.$/,
    );
    expect(rows[2]).toMatch(/^b\.json,,,,,,unreplayable,truncated: .*,,,,,,,,,$/);
    expect(rows[3]).toBe('');
  });

  it('json: every result with its checks', async () => {
    const data = JSON.parse(formatReport(await batch(), 'json', TEST_ENGINE));
    expect(data).toMatchObject({ engine: TEST_ENGINE, graded: 1, unreplayable: 1 });
    expect(data.results[0].tasks[5].checks[0]).toMatchObject({ id: 'choice', ok: false, points: 0, max: 2 });
  });

  it('junit: a suite per submission, a case per check, an error for the unreplayable one', async () => {
    const xml = formatReport(await batch(), 'junit', TEST_ENGINE);
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="packet-lab grade" tests="13" failures="1" errors="1">\n/,
    );
    expect(xml).toContain('<testsuite name="o&quot;neil netns-veth" tests="12" failures="1" errors="0">');
    expect(xml).toContain('<property name="points" value="14"/>');
    expect(xml).toMatch(
      /<testcase classname="netns-veth.why-index" name="choice: .*\(2 points\)">\n +<failure message="No answer was given.">hint 1: /,
    );
    expect(xml).toMatch(
      /<testsuite name="b.json" tests="1" failures="0" errors="1">\n +<testcase classname="submission" name="replay">\n +<error message="truncated: /,
    );
    expect(xml.endsWith('</testsuites>\n')).toBe(true);
  });

  it('says when there is nothing to report', () => {
    expect(formatReport([], 'table', TEST_ENGINE)).toBe('No submissions.\n');
  });
});
