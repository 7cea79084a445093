/** Control flow that unwinds the interpreter: thrown, caught where bash would stop it. */

/** `exit`, or `set -e` after a failure. */
export class ExitSignal {
  readonly status: number;
  constructor(status: number) {
    this.status = status;
  }
}

/** `return` from a function or a sourced file. */
export class ReturnSignal {
  readonly status: number;
  constructor(status: number) {
    this.status = status;
  }
}

/** `break n` / `continue n`. */
export class LoopSignal {
  readonly levels: number;
  readonly isContinue: boolean;
  constructor(levels: number, isContinue: boolean) {
    this.levels = levels;
    this.isContinue = isContinue;
  }
}

/** Ctrl-C or `kill`: unwinds to the top of the job. */
export class InterruptSignal {
  readonly status: number;
  constructor(status: number) {
    this.status = status;
  }
}

/** The step budget ran out (a loop that never ends). */
export class BudgetSignal {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}
