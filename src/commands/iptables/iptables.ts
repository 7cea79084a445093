/**
 * `iptables` (also invoked as iptables-nft or iptables-legacy): parses the command line, changes or
 * prints the namespace's netfilter tables, and reports failures in the real tool's words.
 */
import { ensureTable, isTableName, viewTable } from '../../engine/linux/netfilter/state.ts';
import type { NetfilterState } from '../../engine/linux/netfilter/types.ts';
import { XtablesError } from '../../engine/linux/netfilter/types.ts';
import type { CommandOutput } from '../types.ts';
import { ok } from '../types.ts';
import { execute } from './execute.ts';
import { IPTABLES_HELP } from './help.ts';
import { parseCommand } from './parse.ts';
import { iptablesFailure, versionTag } from './program.ts';

export interface IptablesEnv {
  /** Virtual time, ms since the epoch. */
  now: number;
}

/** `argv[0]` is the program name as invoked (iptables, iptables-nft, iptables-legacy). */
export function runIptables(argv: readonly string[], state: NetfilterState, _env: IptablesEnv): CommandOutput {
  const program = (argv[0] ?? 'iptables').split('/').pop() ?? 'iptables';
  try {
    const cmd = parseCommand(argv.slice(1), state);
    if (cmd.command === 'V') return ok(`iptables ${versionTag(program)}\n`);
    if (cmd.command === 'h') return ok(`iptables ${versionTag(program)}\n${IPTABLES_HELP}`);
    const tableName = cmd.table;
    if (!isTableName(tableName)) throw new XtablesError(`table '${tableName}' does not exist`, 3);
    return ok(
      execute(cmd, {
        view: () => viewTable(state, tableName),
        write: () => ensureTable(state, tableName),
      }),
    );
  } catch (err) {
    if (!(err instanceof XtablesError)) throw err;
    if (err.message === 'Bad policy name.') {
      return iptablesFailure(new XtablesError("Bad policy name. Run `dmesg' for more information.", 1), program);
    }
    return iptablesFailure(err, program);
  }
}
