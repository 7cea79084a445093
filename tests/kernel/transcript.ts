/**
 * The transcript format shared by the real kernel side and the engine side of the differential
 * suite: a script is parsed into steps, running it yields one entry per step, and both sides render
 * their entries with the same function so the texts can be compared line by line.
 *
 * Script grammar (one command per line):
 * - blank lines and lines whose first non-blank character is `#` are ignored;
 * - `cmd … &` starts `cmd …` in the background; its output is collected on its own and printed at
 *   its own entry, never interleaved with what ran meanwhile;
 * - `wait` waits for every background job started so far;
 * - `sleep N` sleeps N seconds (the engine advances its virtual clock);
 * - anything else runs in the foreground, stdin empty, stdout and stderr merged in write order.
 * Background jobs still running when the script ends get SIGINT (like Ctrl-C) and are then waited
 * for, so a `tcpdump` without `-c` still prints its statistics.
 */

export type StepKind = 'run' | 'wait' | 'sleep';

/** One parsed script line. */
export interface Step {
  /** 1-based line number in the script, for messages. */
  line: number;
  /** The command without a trailing `&`, trimmed. */
  command: string;
  background: boolean;
  kind: StepKind;
  /** For `sleep N`: N in seconds. */
  seconds?: number;
}

/** What one step printed and how it ended. */
export interface Entry {
  /** The command as written, without a trailing `&`. */
  command: string;
  background: boolean;
  /** Combined standard output and standard error, in write order. */
  output: string;
  /** Exit status (128 + signal number when killed by a signal). */
  status: number;
}

const SLEEP = /^sleep\s+(\d+(?:\.\d+)?)$/;

/** Parses a script into steps; throws with the line number on a line the grammar does not allow. */
export function parseScript(text: string): Step[] {
  const steps: Step[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const background = /(^|[^&])&$/.test(trimmed);
    const command = background ? trimmed.slice(0, -1).trimEnd() : trimmed;
    if (command === '') throw new Error(`line ${line}: "&" without a command`);
    if (command === 'wait') {
      if (background) throw new Error(`line ${line}: "wait &" is not supported`);
      steps.push({ line, command, background, kind: 'wait' });
      return;
    }
    const sleep = SLEEP.exec(command);
    if (sleep?.[1] !== undefined && !background) {
      steps.push({ line, command, background, kind: 'sleep', seconds: Number(sleep[1]) });
      return;
    }
    steps.push({ line, command, background, kind: 'run' });
  });
  return steps;
}

/**
 * Prints entries as `$ command` (with ` &` for background jobs), the output verbatim, then
 * `[exit N]`. Output that does not end in a newline gets one plus a `[no newline at end]` line, so
 * the difference stays visible.
 */
export function renderTranscript(entries: readonly Entry[]): string {
  let text = '';
  for (const entry of entries) {
    text += `$ ${entry.command}${entry.background ? ' &' : ''}\n`;
    if (entry.output !== '') {
      text += entry.output;
      if (!entry.output.endsWith('\n')) text += '\n[no newline at end]\n';
    }
    text += `[exit ${entry.status}]\n`;
  }
  return text;
}
