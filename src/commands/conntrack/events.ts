/**
 * `conntrack -E`: streams connection-tracking events ([NEW], [UPDATE], [DESTROY]) as the table
 * produces them, until interrupted; then the count on stderr, as conntrack-tools 1.4.7 prints it.
 * Other conntrack commands complete at once through runConntrack.
 */
import type { ConntrackTable } from '../../engine/linux/netfilter/conntrack/conntrack-table.ts';
import type { ToolEmit, ToolProgram } from '../types.ts';
import { formatEvent } from './format.ts';
import { runConntrack } from './index.ts';

const EVENT_FLAGS = new Set(['-E', '--event']);

export function* conntrackProgram(
  args: string[],
  table: ConntrackTable,
  now: () => number,
  emit: ToolEmit,
): ToolProgram {
  if (!args.some((arg) => EVENT_FLAGS.has(arg))) {
    const result = runConntrack(args, { table, now: now() });
    if (result.stdout) emit('stdout', result.stdout);
    if (result.stderr) emit('stderr', result.stderr);
    return result.exitCode;
  }
  // Validate the command line the same way (unknown options, bad filters) before listening.
  const check = runConntrack(args, { table, now: now() });
  if (check.exitCode !== 0 || check.stderr !== '') {
    emit('stderr', check.stderr);
    return check.exitCode;
  }
  let shown = 0;
  const stop = table.onEvent((event) => {
    shown++;
    emit('stdout', `${formatEvent(event)}\n`);
  });
  try {
    yield { until: Number.POSITIVE_INFINITY };
  } finally {
    stop();
  }
  emit('stderr', `conntrack v1.4.7 (conntrack-tools): ${shown} flow events have been shown.\n`);
  return 0;
}
