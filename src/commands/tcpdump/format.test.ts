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

const CASES: [string, string][] = [];
for (const capture of ['node-eth0', 'node-any', 'pod-eth0', 'raw']) {
  for (const variant of ['n', 'nn', 'ne', 'nv', 'nvv', 'ntS', 'names', 'e']) CASES.push([capture, variant]);
}
CASES.push(['node-eth0', 'nTvxlan'], ['node-eth0', 'nevv'], ['node-any', 'nevv']);

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
