import type { Kernel } from '../../engine/linux/kernel.ts';
import type { NetNs } from '../../engine/linux/netns.ts';
import type { CommandOutput } from '../types.ts';

/** What iproute2 (and the other node tools) see: the kernel, the caller's namespace, and a way to
 * run another command in a namespace (for `ip netns exec`). */
export interface NetContext {
  kernel: Kernel;
  netns: NetNs;
  /** Namespace names this process sees under /run/netns. */
  named: Map<string, NetNs>;
  exec?: (argv: string[], netns: NetNs) => CommandOutput;
}

/** Output collected line by line, with the exit status; iproute2 errors go to stderr. */
export class Out {
  stdout = '';
  stderr = '';

  line(text: string): void {
    this.stdout += `${text}\n`;
  }

  write(text: string): void {
    this.stdout += text;
  }

  err(text: string): void {
    this.stderr += `${text}\n`;
  }

  done(exitCode: number): CommandOutput {
    return { stdout: this.stdout, stderr: this.stderr, exitCode };
  }
}

/** iproute2's `matches()`: the word is a prefix of the keyword. */
export function matches(word: string | undefined, keyword: string): boolean {
  return word !== undefined && word.length > 0 && keyword.startsWith(word);
}
