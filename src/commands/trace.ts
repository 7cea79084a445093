/**
 * The packet trace as text: every hop of a packet's walk (device, direction, headers as they are
 * there) and every decision (rules hit, NAT rewrites, routing, drops), one line each, time relative
 * to the first step. Headers are printed by tcpdump's printer, so they read like `tcpdump -nn`.
 */
import type { NetNs } from '../engine/linux/netns.ts';
import type { TraceStep } from '../engine/linux/stack.ts';
import { DEFAULT_PRINT_FLAGS, TcpdumpPrinter } from './tcpdump/format.ts';

/** A label for a namespace: its /run/netns name, `root` for the kernel's first one, else its inode. */
export type NamespaceLabel = (ns: NetNs) => string;

export function formatTrace(steps: readonly TraceStep[], label: NamespaceLabel): string {
  if (steps.length === 0) return '';
  const printer = new TcpdumpPrinter({ ...DEFAULT_PRINT_FLAGS, numeric: 2, noTimestamp: true });
  const start = steps[0]?.time ?? 0;
  const rows = steps.map((step) => {
    const elapsed = ((step.time - start) / 1e6).toFixed(6);
    const what = step.frame ? printer.format(0, step.frame).trimEnd() : step.what;
    return [elapsed, label(step.ns), step.where, step.kind, what];
  });
  const widths = [0, 1, 2, 3].map((col) => Math.max(...rows.map((row) => row[col]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, col) =>
          col === 0 ? cell.padStart(widths[0] ?? 0) : col < 4 ? cell.padEnd(widths[col] ?? 0) : cell,
        )
        .join('  '),
    )
    .map((line) => `${line}\n`)
    .join('');
}
