/**
 * What every simulated tool returns. A tool is a pure function of its arguments, its standard input
 * and the engine state it is handed; it formats that state (or asks the engine to change it) and
 * never keeps state of its own. It never throws: bad input gets the real tool's message and status.
 */
export interface CommandOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export function ok(stdout = ''): CommandOutput {
  return { stdout, stderr: '', exitCode: 0 };
}

export function fail(stderr: string, exitCode = 1, stdout = ''): CommandOutput {
  return { stdout, stderr, exitCode };
}
