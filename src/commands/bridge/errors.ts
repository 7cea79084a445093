import type { NetNs } from '../../engine/linux/netns.ts';
import type { NetContext, Out } from '../ip/context.ts';

/** A failure `bridge` reports on stderr; iproute2's bridge exits 255 (`exit(-1)`) for nearly all. */
export class BridgeError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode = 255) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface BridgeRun {
  ctx: NetContext;
  ns: NetNs;
  args: string[];
  out: Out;
  details: boolean;
}

/** NEXT_ARG(): the value after a keyword, or iproute2's incomplete-command error. */
export function needArg(args: string[], i: number): string {
  const value = args[i];
  if (value === undefined) throw new BridgeError('Command line is not complete. Try option "help"');
  return value;
}
