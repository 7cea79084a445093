/** The names and version strings of the iptables programs, and how their failures are printed. */
import { XtablesError } from '../../engine/linux/netfilter/types.ts';
import type { CommandOutput } from '../types.ts';
import { fail } from '../types.ts';

export const VERSION = '1.8.9';

/** `(nf_tables)` for the nft variant (the node default), `(legacy)` for iptables-legacy*. */
export function variant(program: string): string {
  return program.includes('legacy') ? 'legacy' : 'nf_tables';
}

export function versionTag(program: string): string {
  return `v${VERSION} (${variant(program)})`;
}

/** The output of an XtablesError from `iptables` (program name `iptables` whatever was invoked). */
export function iptablesFailure(err: XtablesError, program: string): CommandOutput {
  const help = err.help ? "Try `iptables -h' or 'iptables --help' for more information.\n" : '';
  if (err.bare) return fail(`${err.message}\n${help}`, err.status);
  if (err.status === 1 && !err.versioned) return fail(`iptables: ${err.message}\n`, 1);
  if (err.status === 3) {
    return fail(
      `iptables ${versionTag(program)}: ${err.message}\nPerhaps iptables or your kernel needs to be upgraded.\n`,
      3,
    );
  }
  return fail(`iptables ${versionTag(program)}: ${err.message}\n${help}`, err.status);
}

export function isXtablesError(err: unknown): err is XtablesError {
  return err instanceof XtablesError;
}
