/**
 * The fuzzer's engine: run generated lines against a host with the fuzz topology, judge every
 * result (nothing thrown, a well-formed CommandOutput, no JavaScript error text or values printed,
 * no call that takes seconds), and shrink each distinct failure to a short script that replays it
 * on a fresh host.
 */
import type { CommandOutput } from '../../src/commands/types.ts';
import { LinuxHost } from '../../src/machine/host.ts';
import { generate, grammarFor, Picker } from './grammar.ts';
import { tooLong } from './hazards.ts';
import { NAMESPACES, runStep, type Step, topologySteps } from './topology.ts';

export type FindingKind = 'throw' | 'shape' | 'internal' | 'leak' | 'slow' | 'nondeterministic';

export interface Verdict {
  kind: FindingKind;
  /** What makes two failures the same bug: the kind and where it came from. */
  signature: string;
  detail: string;
}

export interface Finding extends Verdict {
  tool: string;
  seed: number;
  /** A script from a fresh `new LinuxHost({ seed })` whose last step fails. */
  steps: Step[];
}

/** A call taking this long is a hang for a terminal in a browser tab. */
const SLOW_MS = 2000;

/** Text a tool prints only when a JavaScript error or value leaked through its formatting. */
const JS_ERROR = [
  /internal error/,
  /Cannot read properties of/,
  /Cannot set properties of/,
  /is not a function/,
  /is not iterable/,
  /is not defined/,
  /Maximum call stack/,
  /Invalid (typed )?array length/,
  /\b(TypeError|RangeError|ReferenceError)\b/,
];
const JS_VALUE = [/\bundefined\b/, /\bNaN\b/, /\[object \w+\]/, /\[native code\]/, /\bInfinity\b/];

function firstFrame(stack: string | undefined): string {
  const frame = stack?.split('\n').find((line) => line.includes('/src/')) ?? stack?.split('\n')[1] ?? '';
  return frame
    .replace(/^\s*at\s+/, '')
    .replace(/^.*\/(src\/)/, '$1')
    .replace(/\)$/, '');
}

/** Everything typed into a host so far: a value printed back from it is an echo, not a leak. */
export function typed(steps: readonly Step[]): string {
  return steps.map((step) => `${step.argv.join(' ')}\n${step.stdin ?? ''}`).join('\n');
}

/**
 * Runs one step and judges its result: its verdict when it misbehaved, else its exit status.
 * `before` is what was typed into this host earlier (see `typed`).
 */
export function attempt(host: LinuxHost, step: Step, before: string): { verdict?: Verdict; result?: CommandOutput } {
  const verdict = (v: Verdict) => ({ verdict: v });
  let result: CommandOutput;
  const start = performance.now();
  try {
    result = runStep(host, step);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const where = firstFrame(err.stack);
    return verdict({
      kind: 'throw',
      signature: `${err.name} at ${where}`,
      detail: `${err.name}: ${err.message.slice(0, 300)}\n${(err.stack ?? '').split('\n').slice(1, 5).join('\n')}`,
    });
  }
  const ms = performance.now() - start;
  if (
    typeof result !== 'object' ||
    result === null ||
    typeof result.stdout !== 'string' ||
    typeof result.stderr !== 'string' ||
    !Number.isInteger(result.exitCode) ||
    result.exitCode < 0 ||
    result.exitCode > 255
  ) {
    return verdict({
      kind: 'shape',
      signature: 'not a CommandOutput',
      detail: JSON.stringify(result)?.slice(0, 300) ?? String(result),
    });
  }
  const text = `${result.stdout}\n${result.stderr}`;
  const input = `${before}\n${typed([step])}`;
  for (const pattern of JS_ERROR) {
    const match = pattern.exec(text);
    if (match && !input.includes(match[0])) {
      const line = text.split('\n').find((l) => l.includes(match[0])) ?? '';
      return verdict({
        kind: 'internal',
        signature: `${step.argv[0]}: ${line.replace(/\d+/g, 'N').slice(0, 120)}`,
        detail: line.slice(0, 300),
      });
    }
  }
  for (const pattern of JS_VALUE) {
    const match = pattern.exec(text);
    if (match && !input.includes(match[0])) {
      const line = text.split('\n').find((l) => l.includes(match[0])) ?? '';
      return verdict({ kind: 'leak', signature: `${step.argv[0]} prints ${match[0]}`, detail: line.slice(0, 300) });
    }
  }
  if (ms > SLOW_MS)
    return verdict({
      kind: 'slow',
      signature: `${step.argv[0]} ran over ${SLOW_MS} ms`,
      detail: `${Math.round(ms)} ms`,
    });
  return { result };
}

/** Replays a script on a fresh host; the verdict of its last step. */
function replay(seed: number, steps: readonly Step[]): Verdict | undefined {
  const host = new LinuxHost({ seed });
  for (const step of steps.slice(0, -1)) {
    try {
      runStep(host, step);
    } catch {
      // An earlier crash is a finding of its own; here only the last step is being replayed.
    }
  }
  const last = steps.at(-1);
  return last ? attempt(host, last, typed(steps.slice(0, -1))).verdict : undefined;
}

/** Removes steps and words while the same failure still happens, within a budget of replays. */
export function shrink(finding: Finding, budget = 400): Finding {
  let tries = 0;
  const same = (steps: Step[]) => {
    tries++;
    const verdict = replay(finding.seed, steps);
    return verdict !== undefined && verdict.kind === finding.kind && verdict.signature === finding.signature;
  };
  let steps = finding.steps;
  const last = steps.at(-1) as Step;
  const topology = topologySteps(new Set(new LinuxHost().tools.keys()));
  if (same([last])) steps = [last];
  else if (same([...topology, last])) steps = [...topology, last];

  // Drop chunks of the prefix, halving the chunk size down to single steps.
  for (let size = Math.max(1, (steps.length - 1) >> 1); size >= 1 && tries < budget; size >>= 1) {
    for (let at = 0; at < steps.length - 1 && tries < budget; ) {
      const candidate = [...steps.slice(0, at), ...steps.slice(at + size)];
      if (candidate.length >= 1 && at + size <= steps.length - 1 && same(candidate)) steps = candidate;
      else at += size;
    }
  }

  // Then the failing line itself: its namespace, its stdin, its words one by one.
  let line = steps.at(-1) as Step;
  const prefix = steps.slice(0, -1);
  const tryLine = (candidate: Step) => {
    if (tries < budget && same([...prefix, candidate])) {
      line = candidate;
      return true;
    }
    return false;
  };
  if (line.ns !== undefined) tryLine({ ...line, ns: undefined });
  if (line.stdin) {
    if (!tryLine({ ...line, stdin: '' })) {
      const lines = line.stdin.split('\n');
      for (let i = lines.length - 1; i >= 0; i--) {
        tryLine({ ...line, stdin: [...lines.slice(0, i), ...lines.slice(i + 1)].join('\n') });
      }
    }
  }
  // Words go one at a time, then in pairs (an option and its value).
  for (let changed = true; changed && tries < budget; ) {
    changed = false;
    for (const width of [1, 2]) {
      for (let i = line.argv.length - width; i >= 1; i--) {
        if (tryLine({ ...line, argv: [...line.argv.slice(0, i), ...line.argv.slice(i + width)] })) changed = true;
      }
    }
  }
  return { ...finding, steps: [...prefix, line] };
}

export interface FuzzReport {
  tool: string;
  calls: number;
  succeeded: number;
  /** How often each exit status and first stderr line came back, to see what the grammar reaches. */
  outcomes: Map<string, number>;
  findings: Finding[];
}

export interface FuzzOptions {
  tool: string;
  seed: number;
  calls: number;
  /** Calls between fresh hosts: long enough for state to pile up, short enough to stay small. */
  batch: number;
  /** Distinct failures to shrink; the rest are reported as found. */
  maxShrunk: number;
}

/** A fresh host with the fuzz topology, and the steps that built it (the start of every replay). */
function freshHost(seed: number): { host: LinuxHost; history: Step[] } {
  const host = new LinuxHost({ seed });
  const history = topologySteps(new Set(host.tools.keys()));
  for (const step of history) runStep(host, step);
  return { host, history };
}

function nextStep(tool: string, picker: Picker): Step {
  for (;;) {
    const { args, stdin } = generate(tool, picker);
    const argv = [tool, ...args];
    if (tooLong(argv)) continue;
    const ns = picker.chance(0.25) ? picker.pick(NAMESPACES) : undefined;
    return { argv, ...(ns ? { ns } : {}), ...(stdin ? { stdin } : {}) };
  }
}

/** Runs `calls` generated lines of one tool, a fresh host every `batch` lines. */
export function fuzzTool(options: FuzzOptions): FuzzReport {
  const { tool, seed, calls, batch, maxShrunk } = options;
  const picker = new Picker(seed);
  const seen = new Map<string, Finding>();
  const outcomes = new Map<string, number>();
  let succeeded = 0;
  const deep = grammarFor(tool).deep ?? ((result: { exitCode: number }) => result.exitCode === 0);
  for (let done = 0, round = 0; done < calls; round++) {
    const hostSeed = seed + round;
    const { host, history } = freshHost(hostSeed);
    let before = typed(history);
    const batchSteps: Step[] = [];
    for (let i = 0; i < batch && done < calls; i++, done++) {
      const step = nextStep(tool, picker);
      const { verdict, result } = attempt(host, step, before);
      batchSteps.push(step);
      history.push(step);
      before += `\n${typed([step])}`;
      if (result) {
        if (deep(result)) succeeded++;
        const first = result.stderr.split('\n')[0]?.replace(/\d+/g, 'N').slice(0, 70) ?? '';
        outcomes.set(`${result.exitCode} ${first}`, (outcomes.get(`${result.exitCode} ${first}`) ?? 0) + 1);
      }
      if (!verdict) continue;
      const key = `${verdict.kind} ${verdict.signature}`;
      if (!seen.has(key)) seen.set(key, { ...verdict, tool, seed: hostSeed, steps: [...history] });
    }
    if (round === 0) {
      const verdict = checkDeterminism(hostSeed, [...topologySteps(new Set(host.tools.keys())), ...batchSteps]);
      if (verdict)
        seen.set(`${verdict.kind} ${verdict.signature}`, { ...verdict, tool, seed: hostSeed, steps: verdict.steps });
    }
  }
  const findings = [...seen.values()].map((finding, i) =>
    i < maxShrunk && finding.kind !== 'slow' && finding.kind !== 'nondeterministic' ? shrink(finding) : finding,
  );
  return { tool, calls, succeeded, outcomes, findings };
}

/** The same seed and lines must print the same text: two fresh hosts, step by step. */
function checkDeterminism(seed: number, steps: Step[]): (Verdict & { steps: Step[] }) | undefined {
  const a = new LinuxHost({ seed });
  const b = new LinuxHost({ seed });
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i] as Step;
    let left: string;
    let right: string;
    try {
      left = JSON.stringify(runStep(a, step));
      right = JSON.stringify(runStep(b, step));
    } catch {
      return undefined;
    }
    if (left !== right) {
      return {
        kind: 'nondeterministic',
        signature: `${step.argv[0]} differs between two runs`,
        detail: `${left.slice(0, 200)}\n${right.slice(0, 200)}`,
        steps: steps.slice(0, i + 1),
      };
    }
  }
  return undefined;
}

/** Shell-quotes a word the way splitWords reads it back. */
export function quote(word: string): string {
  if (/^[\w./:=@%+,-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function show(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max)}…(${text.length} chars)` : text;
}

/** A finding as the lead reads it: what failed, and the script that replays it. */
export function explain(finding: Finding): string {
  const lines = finding.steps.map((step) => {
    const prompt = step.ns === undefined ? '$' : `${step.ns}$`;
    const stdin = step.stdin ? ` <<< ${show(JSON.stringify(step.stdin))}` : '';
    return `    ${prompt} ${show(step.argv.map(quote).join(' '), 400)}${stdin}`;
  });
  return [
    `${finding.kind} in ${finding.tool}: ${finding.signature}`,
    ...finding.detail.split('\n').map((l) => `  ${l}`),
    `  replay on new LinuxHost({ seed: ${finding.seed} }) ("ns$" runs in that named namespace):`,
    ...lines,
  ].join('\n');
}
