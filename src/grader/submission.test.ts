/** Submission files: what makes one unreplayable, and the reason the report gives. */
import { describe, expect, it } from 'vitest';
import { netnsVeth } from '../../exercises/netns-veth/lab.ts';
import { instanceSeed, personalSeed } from './instance.ts';
import { LIMITS, makeSubmission, parseSubmission } from './submission.ts';
import { referenceLog, submissionText, TEST_ENGINE } from './testing.ts';

const instance = { kind: 'personal', assignment: 'hw1', student: 's1' } as const;
const good = () => JSON.parse(submissionText(netnsVeth, instance, referenceLog(netnsVeth, instance)));
const reason = (value: unknown) => {
  const parsed = parseSubmission(typeof value === 'string' ? value : JSON.stringify(value), TEST_ENGINE);
  return parsed.ok ? 'ok' : parsed.reason;
};

describe('parseSubmission', () => {
  it('reads a well-formed file', () => {
    const parsed = parseSubmission(JSON.stringify(good()), TEST_ENGINE);
    expect(parsed.ok && parsed.instance).toEqual(instance);
  });

  it('derives a stable seed from the assignment and student ids', () => {
    expect(personalSeed('hw1', 's1')).toBe(personalSeed('hw1', 's1'));
    expect(personalSeed('hw1', 's1')).not.toBe(personalSeed('hw1', 's2'));
    expect(personalSeed('hw1', 's1')).not.toBe(personalSeed('hw2', 's1'));
    expect(instanceSeed({ kind: 'canonical' })).toBe(0);
    expect(good().seed).toBe(personalSeed('hw1', 's1'));
  });

  it.each([
    ['not JSON', 'hello', /^malformed JSON: /],
    ['cut off', JSON.stringify(good()).slice(0, 300), /^truncated: the file ends in the middle of the JSON/],
    ['another format', { format: 'pka' }, /^malformed: not a Packet Lab submission/],
    ['a newer format', { ...good(), version: 2 }, /^unsupported submission version 2/],
    ['an unknown lab', { ...good(), lab: 'bgp-peering' }, /^unknown lab "bgp-peering"/],
    [
      'another engine major',
      { ...good(), engine: '1.0.0' },
      /^recorded with engine 1\.0\.0; this grader runs engine 0\.1\.0/,
    ],
    ['no engine', { ...good(), engine: 'latest' }, /^malformed: no engine version/],
    ['no student', { ...good(), student: '' }, /needs "assignment" and "student"/],
    [
      'a log cut at an event boundary',
      { ...good(), log: good().log.slice(0, 3) },
      /^truncated: the log holds 3 of the 14 events/,
    ],
    ['an event out of order', { ...good(), log: [...good().log].reverse() }, /is earlier than the one before it/],
    ['an unknown event', { ...good(), events: 1, log: [{ t: 0, type: 'keystroke' }] }, /unknown type "keystroke"/],
    ['a negative time', { ...good(), events: 1, log: [{ t: -1, type: 'interrupt', pane: 'a' }] }, /valid time/],
    ['a bad claim', { ...good(), claimed: 16 }, /"claimed" must be/],
  ])('rejects %s', (_name, value, expected) => {
    expect(reason(value)).toMatch(expected);
  });

  it('rejects oversized files and logs', () => {
    expect(reason(`${JSON.stringify(good())}${' '.repeat(LIMITS.bytes)}`)).toMatch(/^oversized: \d+ bytes/);
    const many = Array.from({ length: LIMITS.events + 1 }, () => ({ t: 0, type: 'hint', task: 'pod-ip', index: 0 }));
    expect(reason({ ...good(), events: many.length, log: many })).toMatch(/^oversized: 5001 events/);
    const line = { t: 0, type: 'command', pane: 'a', line: 'x'.repeat(LIMITS.lineChars + 1) };
    expect(reason({ ...good(), events: 1, log: [line] })).toMatch(/no command line of at most 4096/);
    const panes = Array.from({ length: LIMITS.panes + 1 }, (_, i) => ({ t: 0, type: 'interrupt', pane: `p${i}` }));
    expect(reason({ ...good(), events: panes.length, log: panes })).toMatch(/more than 8 panes/);
  });

  it('makes canonical submissions without ids', () => {
    const file = makeSubmission({ lab: 'netns-veth', engine: TEST_ENGINE, instance: { kind: 'canonical' }, log: [] });
    expect(file).toMatchObject({ instance: 'canonical', seed: 0, events: 0 });
    expect(file).not.toHaveProperty('student');
  });
});
