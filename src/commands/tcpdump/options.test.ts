import { describe, expect, it } from 'vitest';
import { parseTcpdumpArgs, USAGE_TEXT, VERSION_TEXT } from './options.ts';

function capture(args: string[]) {
  const parsed = parseTcpdumpArgs(args);
  if (parsed.kind !== 'capture') throw new Error(parsed.output.stderr);
  return parsed.options;
}

describe('tcpdump command line', () => {
  it('reads combined flags, attached and separate arguments, and the expression', () => {
    const options = capture(['-nne', '-i', 'eth0', '-c5', '-vv', 'tcp', 'port', '80']);
    expect(options).toEqual({
      interface: 'eth0',
      count: 5,
      lineBuffered: false,
      expression: 'tcp port 80',
      print: { numeric: 2, linkHeader: true, verbose: 2, noTimestamp: false, absoluteSeq: false, vxlanAll: false },
    });
  });

  it('lets options and expression words interleave, as glibc getopt does', () => {
    const options = capture(['icmp', '-ieth0', '-l', 'or', 'arp', '-tS', '-T', 'vxlan']);
    expect(options.expression).toBe('icmp or arp');
    expect(options.interface).toBe('eth0');
    expect(options.lineBuffered).toBe(true);
    expect(options.print).toMatchObject({ noTimestamp: true, absoluteSeq: true, vxlanAll: true });
    expect(capture(['-n', '--', '-x']).expression).toBe('-x');
  });

  it('answers --version and -h on stdout', () => {
    expect(parseTcpdumpArgs(['--version'])).toEqual({
      kind: 'exit',
      output: { stdout: VERSION_TEXT, stderr: '', exitCode: 0 },
    });
    expect(parseTcpdumpArgs(['-h'])).toEqual({
      kind: 'exit',
      output: { stdout: VERSION_TEXT + USAGE_TEXT, stderr: '', exitCode: 0 },
    });
  });

  // Messages as tcpdump 4.99.3 prints them; getopt errors add the version and usage text.
  it.each([
    [['-i'], "tcpdump: option requires an argument -- 'i'\n", true],
    [['-i', 'lo', '-c'], "tcpdump: option requires an argument -- 'c'\n", true],
    [['-k'], "tcpdump: invalid option -- 'k'\n", true],
    [['--foo'], "tcpdump: unrecognized option '--foo'\n", true],
    [['-c', '0'], 'tcpdump: invalid packet count 0\n', false],
    [['-c', 'abc'], 'tcpdump: invalid packet count abc\n', false],
    [['-c', '-1'], 'tcpdump: invalid packet count -1\n', false],
    [['-T', 'foo'], "tcpdump: unknown packet type `foo'\n", false],
    [['-w'], "tcpdump: option requires an argument -- 'w'\n", true],
  ])('%j', (args, message, usage) => {
    const parsed = parseTcpdumpArgs(args);
    expect(parsed.kind).toBe('error');
    if (parsed.kind !== 'error') return;
    expect(parsed.output.stderr).toBe(usage ? message + VERSION_TEXT + USAGE_TEXT : message);
    expect(parsed.output.exitCode).toBe(1);
  });

  it('rejects writing a capture file cleanly', () => {
    const parsed = parseTcpdumpArgs(['-w', 'x.pcap', '-i', 'eth0']);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error')
      expect(parsed.output.stderr).toMatch(/^tcpdump: writing capture files \(-w\) is not supported/);
  });
});
