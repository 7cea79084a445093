/**
 * Grading recomputes the score from the replay: a file's claimed score, edited answers or edited
 * seed change nothing but what the replay earns, and the report says what did not match.
 */
import { describe, expect, it } from 'vitest';
import { netnsVeth } from '../../exercises/netns-veth/lab.ts';
import { compareAnswer } from './answers.ts';
import { gradeText } from './grade.ts';
import { referenceLog, submissionText, TEST_ENGINE } from './testing.ts';

const instance = { kind: 'personal', assignment: 'hw1', student: 'park' } as const;
const file = () => JSON.parse(submissionText(netnsVeth, instance, referenceLog(netnsVeth, instance)));
const grade = (data: unknown) => gradeText('park.json', JSON.stringify(data), { engine: TEST_ENGINE });

describe('tampered submissions', () => {
  it('get the score their replay earns, whatever they claim', async () => {
    const data = file();
    data.log = data.log.filter((e: { type: string }) => e.type !== 'answer');
    data.events = data.log.length;
    data.claimed = { points: 16, max: 16 };
    const result = await grade(data);
    expect(result.status).toBe('graded');
    expect(result.points).toBe(9);
    expect(result.notes).toEqual(['the file claims 16/16; the replay earns 9/16']);
  });

  it('with edited answers are judged on the edited answers', async () => {
    const data = file();
    for (const event of data.log) if (event.type === 'answer' && event.task === 'pod-ip') event.value = '10.0.0.1';
    const result = await grade(data);
    expect(result.points).toBe(14);
    expect(result.tasks.find((t) => t.id === 'pod-ip')?.checks.find((c) => c.id === 'answer')).toMatchObject({
      ok: false,
      answer: '10.0.0.1',
      feedback: expect.stringContaining('That is not an address of'),
      hint: { index: 1 },
    });
  });

  it("with another student's seed are replayed on their own instance", async () => {
    const data = file();
    data.seed = 12345;
    const result = await grade(data);
    expect(result.seed).not.toBe(12345);
    expect(result.points).toBe(16);
    expect(result.notes[0]).toMatch(/^the file's seed 12345 is not this instance's seed \d+; graded on \d+$/);
  });

  it('ignore answers to checks the lab does not have', async () => {
    const data = file();
    data.log.push({ t: data.log.at(-1).t, type: 'answer', task: 'bonus', check: 'x', value: '1' });
    data.events++;
    expect((await grade(data)).points).toBe(16);
  });

  it('whose log lost events without its count are reported as truncated', async () => {
    const data = file();
    data.log.pop();
    expect((await grade(data)).reason).toBe('truncated: the log holds 13 of the 14 events it declares');
  });

  it('report unreplayable files with their reason and no score', async () => {
    const result = await gradeText('bad.json', '{"format":', { engine: TEST_ENGINE });
    expect(result).toMatchObject({ status: 'unreplayable', points: 0, tasks: [] });
    expect(result.reason).toMatch(/^truncated/);
  });

  it('give feedback in Korean on request', async () => {
    const data = file();
    data.log = data.log.filter((e: { type: string }) => e.type !== 'answer');
    data.events = data.log.length;
    const result = await gradeText('park.json', JSON.stringify(data), { engine: TEST_ENGINE, locale: 'ko' });
    const check = result.tasks[0]?.checks.find((c) => c.id === 'answer');
    expect(check?.feedback).toBe('답을 입력하지 않았습니다.');
    expect(check?.what).toMatch(/네임스페이스/);
  });

  it('replay the same file to the same result', async () => {
    const data = file();
    expect(JSON.stringify(await grade(data))).toBe(JSON.stringify(await grade(data)));
  });
});

describe('compareAnswer', () => {
  it.each([
    ['ipv4', '10.244.0.12', ['10.244.0.12'], true],
    ['ipv4', ' 10.244.0.12/24 ', ['10.244.0.12'], true],
    ['ipv4', 'default via 10.244.0.1 dev eth0', ['10.244.0.1'], true],
    ['ipv4', '10.244.0.12 or 10.244.0.13', ['10.244.0.12'], false],
    ['ipv4', '10.244.000.12', ['10.244.0.12'], true],
    ['ipv4', '10.244.0.300', ['10.244.0.12'], false],
    ['ipv4', '10.244.0.12', [], false],
    ['ifname', 'veth9d5e266c', ['veth9d5e266c'], true],
    ['ifname', 'veth9d5e266c@if3:', ['veth9d5e266c'], true],
    ['ifname', 'VETH9D5E266C', ['veth9d5e266c'], false],
    ['ifname', '81', ['veth9d5e266c'], false],
  ] as const)('%s %j against %j is %s', (kind, value, expected, ok) => {
    expect(compareAnswer(kind, value, expected)).toBe(ok);
  });
});
