import { describe, expect, it } from 'vitest';
import { lineDiff } from './diff.ts';
import { parseScript, renderTranscript } from './transcript.ts';

describe('parseScript', () => {
  it('skips comments and blank lines and keeps line numbers', () => {
    const steps = parseScript('# setup\n\nip link set lo up\n  # indented comment\nip -br a\n');
    expect(steps).toEqual([
      { line: 3, command: 'ip link set lo up', background: false, kind: 'run' },
      { line: 5, command: 'ip -br a', background: false, kind: 'run' },
    ]);
  });

  it('recognises background jobs, wait and sleep', () => {
    const steps = parseScript('tcpdump -n -i veth0 -c 4 &\nsleep 1\nping -c 2 10.0.0.2\nwait\nsleep 0.5 &');
    expect(steps.map((step) => [step.kind, step.command, step.background, step.seconds])).toEqual([
      ['run', 'tcpdump -n -i veth0 -c 4', true, undefined],
      ['sleep', 'sleep 1', false, 1],
      ['run', 'ping -c 2 10.0.0.2', false, undefined],
      ['wait', 'wait', false, undefined],
      ['run', 'sleep 0.5', true, undefined],
    ]);
  });

  it('does not take "&&" or a redirection for a background job', () => {
    expect(parseScript('true &&')[0]?.background).toBe(false);
    expect(parseScript('ip a 2>&1')[0]?.background).toBe(false);
  });

  it('rejects a lone "&" and "wait &" with the line number', () => {
    expect(() => parseScript('ip a\n&')).toThrow('line 2');
    expect(() => parseScript('wait &')).toThrow('line 1');
  });
});

describe('renderTranscript', () => {
  it('prints each command, its output and its exit status', () => {
    const text = renderTranscript([
      { command: 'ip -br a', background: false, output: 'lo               DOWN           \n', status: 0 },
      { command: 'tcpdump -n -i lo -c 1', background: true, output: '', status: 0 },
      { command: 'printf x', background: false, output: 'x', status: 1 },
    ]);
    expect(text).toBe(
      '$ ip -br a\nlo               DOWN           \n[exit 0]\n' +
        '$ tcpdump -n -i lo -c 1 &\n[exit 0]\n' +
        '$ printf x\nx\n[no newline at end]\n[exit 1]\n',
    );
  });
});

describe('lineDiff', () => {
  it('is empty for equal texts', () => {
    expect(lineDiff('a\nb\n', 'a\nb\n')).toBe('');
  });

  it('shows changed lines with context and visible trailing spaces', () => {
    const diff = lineDiff('1\n2\n3\n4\n5\n6\n7\n8\n', '1\n2\n3\n4\nfive \n6\n7\n8\n', 1);
    expect(diff).toBe('@@ -4 +4 @@\n 4\n-5\n+five·\n 6');
  });

  it('handles insertions and deletions', () => {
    expect(lineDiff('a\nb\nc', 'a\nc\nd', 0)).toBe('@@ -2 +2 @@\n-b\n@@ -4 +3 @@\n+d');
  });
});
