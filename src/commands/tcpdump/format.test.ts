import { describe, expect, it } from 'vitest';
import { decodeRecord, readFixtureText, readIfNames, readPcap } from './fixtures/pcap.ts';
import { DEFAULT_PRINT_FLAGS, type PrintFlags, TcpdumpPrinter } from './format.ts';

/** The flag sets make.sh printed each capture with, by the name of the text file. */
const VARIANTS: Record<string, Partial<PrintFlags>> = {
  n: { numeric: 1 },
  nn: { numeric: 2 },
  ne: { numeric: 1, linkHeader: true },
  nv: { numeric: 1, verbose: 1 },
  nvv: { numeric: 1, verbose: 2 },
  ntS: { numeric: 1, noTimestamp: true, absoluteSeq: true },
  names: {},
  e: { linkHeader: true },
  nTvxlan: { numeric: 1, vxlanAll: true },
  nevv: { numeric: 1, linkHeader: true, verbose: 2 },
};

/** The (capture, flag set) pairs make.sh printed with the real tcpdump. */
const CASES: [string, string][] = [
  ...['n', 'nn', 'ne', 'nv', 'nvv', 'ntS', 'names', 'e', 'nTvxlan', 'nevv'].map((v): [string, string] => [
    'node-eth0',
    v,
  ]),
  ...['n', 'nn', 'ne', 'nv', 'nvv', 'ntS', 'names', 'e'].map((v): [string, string] => ['pod-eth0', v]),
  ...['n', 'ne', 'e', 'nevv', 'names'].map((v): [string, string] => ['node-any', v]),
  ...['n', 'ne', 'e', 'nv'].map((v): [string, string] => ['raw', v]),
];

/** Prints a fixture capture with our decoder and printer. */
function printCapture(capture: string, flags: Partial<PrintFlags>): string[] {
  const pcap = readPcap(`${capture}.pcap`);
  const ifNames = capture === 'node-any' ? readIfNames('node-any.ifnames') : undefined;
  const printer = new TcpdumpPrinter({ ...DEFAULT_PRINT_FLAGS, ...flags });
  return pcap.records.flatMap((record) => {
    const packet = decodeRecord(pcap.linkType, record.bytes, ifNames);
    if (packet === null) return [`<not decoded: ${record.bytes.length} bytes>`];
    return printer.format(record.timeUs, packet).slice(0, -1).split('\n');
  });
}

describe('tcpdump printing, against the real tcpdump -r of real captures', () => {
  it.each(CASES)('%s.%s', (capture, variant) => {
    const expected = readFixtureText(`${capture}.${variant}.txt`).split('\n').slice(0, -1);
    expect(printCapture(capture, VARIANTS[variant] ?? {})).toEqual(expected);
  });
});
