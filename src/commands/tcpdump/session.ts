/**
 * One tcpdump run, from its command line to its closing summary. The engine (or the shell) owns the
 * capture: it offers every packet the device sees, with the virtual time, and stops the run on
 * Ctrl-C or when `finished` says the -c count was reached. This object only decides what to print.
 */
import type { CommandOutput } from '../types.ts';
import { compileFilter, type PacketFilter } from './filter.ts';
import {
  type CapturedPacket,
  type LinkType,
  noSuchDeviceMessage,
  startMessage,
  summaryMessage,
  TcpdumpPrinter,
} from './format.ts';
import { parseTcpdumpArgs, type TcpdumpOptions } from './options.ts';

export interface CaptureDevice {
  name: string;
  linkType: LinkType;
  up: boolean;
}

export type OpenResult =
  | { kind: 'capture'; session: TcpdumpSession; device: CaptureDevice }
  /** Nothing to capture: an error, --version, -h. */
  | { kind: 'exit'; output: CommandOutput };

/**
 * Parses the arguments and opens the device: `findDevice(undefined)` is the default device
 * (tcpdump's first usable interface), `findDevice(name)` a named one or null when there is none.
 */
export function openCapture(args: readonly string[], findDevice: (name?: string) => CaptureDevice | null): OpenResult {
  const parsed = parseTcpdumpArgs(args);
  if (parsed.kind !== 'capture') return { kind: 'exit', output: parsed.output };
  const { options } = parsed;
  const device = findDevice(options.interface);
  if (device === null) {
    const stderr = options.interface ? noSuchDeviceMessage(options.interface) : 'tcpdump: no suitable device found\n';
    return { kind: 'exit', output: { stdout: '', stderr, exitCode: 1 } };
  }
  if (!device.up) {
    return {
      kind: 'exit',
      output: { stdout: '', stderr: `tcpdump: ${device.name}: That device is not up\n`, exitCode: 1 },
    };
  }
  const filter = compileFilter(options.expression, device.linkType);
  if (!filter.ok) return { kind: 'exit', output: { stdout: '', stderr: `tcpdump: ${filter.error}\n`, exitCode: 1 } };
  return { kind: 'capture', session: new TcpdumpSession(options, device, filter.match), device };
}

export class TcpdumpSession {
  /** What tcpdump writes to stderr as it starts listening. */
  readonly startMessage: string;
  private readonly options: TcpdumpOptions;
  private readonly filter: PacketFilter;
  private readonly printer: TcpdumpPrinter;
  private captured = 0;
  private received = 0;

  constructor(options: TcpdumpOptions, device: CaptureDevice, filter: PacketFilter) {
    this.options = options;
    this.filter = filter;
    this.printer = new TcpdumpPrinter(options.print);
    this.startMessage = startMessage(device.name, device.linkType, options.print.verbose);
  }

  /** True once -c packets were printed: the run ends by itself. */
  get finished(): boolean {
    return this.options.count !== undefined && this.captured >= this.options.count;
  }

  /** Offers a packet seen on the device; returns what goes to stdout ('' when filtered out). */
  offer(timeUs: number, packet: CapturedPacket): string {
    if (!this.filter(packet)) return '';
    this.received++;
    if (this.finished) return '';
    this.captured++;
    return this.printer.format(timeUs, packet);
  }

  /**
   * Ends the run: the summary for stderr, and on an interrupt (Ctrl-C) the newline tcpdump writes
   * to stdout first. Exit status 0 either way.
   */
  stop(interrupted: boolean): CommandOutput {
    return {
      stdout: interrupted ? '\n' : '',
      stderr: summaryMessage(this.captured, this.received),
      exitCode: 0,
    };
  }
}
