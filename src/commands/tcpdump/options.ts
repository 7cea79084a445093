/**
 * tcpdump's command line, read the way glibc's getopt reads it: flags may be combined (`-nne`),
 * an option's argument may be attached (`-c5`, `-ieth0`) or follow, options and expression words
 * may be interleaved, and `--` ends the options. The expression is the remaining words joined by
 * spaces. Errors come back as the real tool's stderr and exit status.
 */
import type { CommandOutput } from '../types.ts';
import { DEFAULT_PRINT_FLAGS, type PrintFlags } from './format.ts';

export interface TcpdumpOptions {
  /** -i; undefined lets the caller pick the default device, as tcpdump does. */
  interface?: string;
  /** -c: stop after this many packets. */
  count?: number;
  /** -l: line-buffered stdout (no visible difference here). */
  lineBuffered: boolean;
  print: PrintFlags;
  /** The filter expression (empty: every packet). */
  expression: string;
}

export type OptionsResult =
  | { kind: 'capture'; options: TcpdumpOptions }
  /** --version / -h: print this and exit. */
  | { kind: 'exit'; output: CommandOutput };

export type ParsedOptions = OptionsResult | { kind: 'error'; output: CommandOutput };

export const VERSION_TEXT =
  'tcpdump version 4.99.3\nlibpcap version 1.10.3 (with TPACKET_V3)\nOpenSSL 3.0.19 27 Jan 2026\n';

export const USAGE_TEXT = `Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]
\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]
\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]
\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]
\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]
\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]
\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]
\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]
`;

/** Options of the real tool that take an argument (so `-w` needs one before we can reject it). */
const WITH_ARGUMENT = new Set('BcCEFGiIjMQrsTVwWyzZ');
/** Options of the real tool that take none. */
const WITHOUT_ARGUMENT = new Set('AbdDefhHIJKlLnNOpqStuUvxX#');
/** tcpdump's -T packet types; only vxlan is decoded here. */
const PACKET_TYPES = new Set([
  'aodv',
  'arista',
  'carp',
  'cnfp',
  'domain',
  'lmp',
  'pgm',
  'pgm_zmtp1',
  'radius',
  'resp',
  'rpc',
  'rtcp',
  'rtp',
  'snmp',
  'someip',
  'tftp',
  'vat',
  'vxlan',
  'wb',
  'zmtp1',
]);

function usageError(message: string): ParsedOptions {
  return {
    kind: 'error',
    output: { stdout: '', stderr: `tcpdump: ${message}\n${VERSION_TEXT}${USAGE_TEXT}`, exitCode: 1 },
  };
}

function error(message: string): ParsedOptions {
  return { kind: 'error', output: { stdout: '', stderr: `tcpdump: ${message}\n`, exitCode: 1 } };
}

function unsupported(option: string): ParsedOptions {
  return error(`${option} is not supported in this lab`);
}

export function parseTcpdumpArgs(args: readonly string[]): ParsedOptions {
  const print: PrintFlags = { ...DEFAULT_PRINT_FLAGS };
  const options: TcpdumpOptions = { lineBuffered: false, print, expression: '' };
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      words.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const name = arg.slice(2).split('=')[0] ?? '';
      if (name === 'version') return { kind: 'exit', output: { stdout: VERSION_TEXT, stderr: '', exitCode: 0 } };
      if (name === 'help')
        return { kind: 'exit', output: { stdout: VERSION_TEXT + USAGE_TEXT, stderr: '', exitCode: 0 } };
      if (name === 'immediate-mode' || name === 'print') continue;
      return usageError(`unrecognized option '${arg}'`);
    }
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] ?? '';
      if (WITH_ARGUMENT.has(letter)) {
        let value = arg.slice(j + 1);
        if (value === '') {
          if (i + 1 >= args.length) return usageError(`option requires an argument -- '${letter}'`);
          value = args[++i] ?? '';
        }
        const failure = applyWithArgument(options, letter, value);
        if (failure) return failure;
        break;
      }
      if (!WITHOUT_ARGUMENT.has(letter)) return usageError(`invalid option -- '${letter}'`);
      switch (letter) {
        case 'n':
          print.numeric++;
          break;
        case 'e':
          print.linkHeader = true;
          break;
        case 't':
          print.noTimestamp = true;
          break;
        case 'v':
          print.verbose++;
          break;
        case 'S':
          print.absoluteSeq = true;
          break;
        case 'l':
          options.lineBuffered = true;
          break;
        case 'h':
          return { kind: 'exit', output: { stdout: VERSION_TEXT + USAGE_TEXT, stderr: '', exitCode: 0 } };
        case 'p':
        case 'U':
          break;
        default:
          return unsupported(`-${letter}`);
      }
    }
  }
  options.expression = words.join(' ');
  return { kind: 'capture', options };
}

function applyWithArgument(options: TcpdumpOptions, letter: string, value: string): ParsedOptions | null {
  switch (letter) {
    case 'i':
      options.interface = value;
      return null;
    case 'c': {
      const count = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
      if (!(count > 0)) return error(`invalid packet count ${value}`);
      options.count = count;
      return null;
    }
    case 'T':
      if (!PACKET_TYPES.has(value)) return error(`unknown packet type \`${value}'`);
      if (value !== 'vxlan') return unsupported(`-T ${value}`);
      options.print.vxlanAll = true;
      return null;
    case 'w':
      return error('writing capture files (-w) is not supported in this lab; print packets instead');
    case 'r':
      return error('reading capture files (-r) is not supported in this lab');
    default:
      return unsupported(`-${letter}`);
  }
}
