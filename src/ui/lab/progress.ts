/**
 * A lab's progress in localStorage, one key per lab and instance: the submission log (commands,
 * Ctrl-C, answers, hints with virtual times), the answers as judged when given, what the fields
 * hold, hints revealed and the last Check of each task. The terminal keeps its own state (its log,
 * history, scrollback) under its own key; an export file carries both, so an import restores both.
 */
import type { LogEvent } from '../../../exercises/types.ts';
import type { GivenAnswer } from '../../grader/answers.ts';
import type { TaskResult } from '../../grader/evaluate.ts';
import type { Instance } from '../../grader/instance.ts';
import type { KeyValueStore, SavedTerminal } from '../terminal/persistence.ts';

export interface SavedLab {
  version: 1;
  lab: string;
  instance: Instance;
  log: LogEvent[];
  answers: Record<string, GivenAnswer>;
  /** What each answer field holds, typed or picked, checked or not. */
  drafts: Record<string, string>;
  /** Hints revealed per task. */
  hints: Record<string, number>;
  /** Each task's last Check. */
  results: Record<string, TaskResult>;
}

export const PROGRESS_FORMAT = 'packet-lab/progress';

export interface ProgressFile {
  format: typeof PROGRESS_FORMAT;
  version: 1;
  lab: SavedLab;
  terminal: SavedTerminal | null;
}

export function emptyProgress(lab: string, instance: Instance): SavedLab {
  return { version: 1, lab, instance, log: [], answers: {}, drafts: {}, hints: {}, results: {} };
}

/** The instance's name in storage keys: `canonical`, or the personal seed. */
export function instanceKey(instance: Instance, seed: number): string {
  return instance.kind === 'canonical' ? 'canonical' : `s${seed}`;
}

export function progressKey(lab: string, instance: string): string {
  return `packet-lab:lab:${lab}:${instance}`;
}

/** Which instance the learner last chose for a lab. */
export function choiceKey(lab: string): string {
  return `packet-lab:lab:${lab}:instance`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isInstance(v: unknown): v is Instance {
  if (!isObject(v)) return false;
  if (v.kind === 'canonical') return true;
  return v.kind === 'personal' && typeof v.assignment === 'string' && typeof v.student === 'string';
}

export function isSavedLab(v: unknown): v is SavedLab {
  return (
    isObject(v) &&
    v.version === 1 &&
    typeof v.lab === 'string' &&
    isInstance(v.instance) &&
    Array.isArray(v.log) &&
    isObject(v.answers) &&
    isObject(v.drafts) &&
    isObject(v.hints) &&
    isObject(v.results)
  );
}

export function sameInstance(a: Instance, b: Instance): boolean {
  if (a.kind === 'canonical' || b.kind === 'canonical') return a.kind === b.kind;
  return a.assignment === b.assignment && a.student === b.student;
}

export function loadProgress(store: KeyValueStore, key: string, lab: string, instance: Instance): SavedLab | null {
  try {
    const raw = store.getItem(key);
    if (raw === null) return null;
    const value: unknown = JSON.parse(raw);
    return isSavedLab(value) && value.lab === lab && sameInstance(value.instance, instance) ? value : null;
  } catch {
    return null;
  }
}

export function saveProgress(store: KeyValueStore, key: string, progress: SavedLab): boolean {
  try {
    store.setItem(key, JSON.stringify(progress));
    return true;
  } catch {
    return false;
  }
}

/** Reads an exported progress file for `lab`; a reason when it is not one. */
export function parseProgress(
  text: string,
  lab: string,
): { ok: true; file: ProgressFile } | { ok: false; reason: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `malformed JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!isObject(data) || data.format !== PROGRESS_FORMAT)
    return { ok: false, reason: `not a Packet Lab progress file (expected "format": "${PROGRESS_FORMAT}")` };
  if (data.version !== 1) return { ok: false, reason: `unsupported progress version ${JSON.stringify(data.version)}` };
  if (!isSavedLab(data.lab)) return { ok: false, reason: 'malformed: no lab progress' };
  if (data.lab.lab !== lab) return { ok: false, reason: `progress for lab "${data.lab.lab}", not "${lab}"` };
  if (data.terminal !== null && !isObject(data.terminal)) return { ok: false, reason: 'malformed: no terminal state' };
  return { ok: true, file: data as unknown as ProgressFile };
}

/** The instance a course link names (`?assignment=…&student=…`), if it names one. */
export function instanceFromQuery(search: string): Instance | undefined {
  const params = new URLSearchParams(search);
  const assignment = params.get('assignment')?.trim();
  const student = params.get('student')?.trim();
  return assignment && student ? { kind: 'personal', assignment, student } : undefined;
}
