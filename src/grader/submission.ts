/**
 * The submission file: which lab and instance, the engine version that recorded it, and the full
 * log of what the learner did (commands per pane and Ctrl-C with virtual timestamps, answers, hints
 * revealed). It carries no trusted score: `claimed` is what the page showed and is only compared
 * with the replay. `parseSubmission` says precisely why a file cannot be replayed.
 */

import { findLab } from '../../exercises/index.ts';
import type { LogEvent } from '../../exercises/types.ts';
import { type Instance, instanceSeed } from './instance.ts';

export const SUBMISSION_FORMAT = 'packet-lab/submission';
export const SUBMISSION_VERSION = 1;

/** Limits that keep a replay bounded; a file beyond them is reported, not replayed. */
export const LIMITS = {
  bytes: 2 * 1024 * 1024,
  events: 5000,
  lineChars: 4096,
  answerChars: 1024,
  panes: 8,
  /** A session's virtual length (24 h). */
  micros: 24 * 3600 * 1_000_000,
  idChars: 200,
};

export interface Submission {
  format: typeof SUBMISSION_FORMAT;
  version: typeof SUBMISSION_VERSION;
  lab: string;
  /** package.json's version of the engine that recorded the log. */
  engine: string;
  instance: 'canonical' | 'personal';
  assignment?: string;
  student?: string;
  /** The instance's seed as the page computed it (0 for canonical); the grader recomputes it. */
  seed: number;
  /** How many events `log` holds, to tell a cut-off file from a short session. */
  events: number;
  log: LogEvent[];
  /** The score the page showed; never trusted. */
  claimed?: { points: number; max: number };
}

export type Parsed = { ok: true; submission: Submission; instance: Instance } | { ok: false; reason: string };

export function makeSubmission(fields: {
  lab: string;
  engine: string;
  instance: Instance;
  log: LogEvent[];
  claimed?: { points: number; max: number };
}): Submission {
  const { instance } = fields;
  return {
    format: SUBMISSION_FORMAT,
    version: SUBMISSION_VERSION,
    lab: fields.lab,
    engine: fields.engine,
    instance: instance.kind,
    ...(instance.kind === 'personal' ? { assignment: instance.assignment, student: instance.student } : {}),
    seed: instanceSeed(instance),
    events: fields.log.length,
    log: fields.log,
    ...(fields.claimed ? { claimed: fields.claimed } : {}),
  };
}

function major(version: string): string | undefined {
  return /^(\d+)\.\d+\.\d+/.exec(version)?.[1];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number =>
  Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= LIMITS.micros;
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isPane = (v: unknown): v is string => typeof v === 'string' && /^[\w.-]{1,32}$/.test(v);

/** Checks one log event's shape; returns what is wrong with it, or undefined. */
function eventProblem(event: unknown): string | undefined {
  if (!isObject(event)) return 'is not an object';
  if (!isTime(event.t)) return `has no valid time "t" (whole microseconds, 0 to ${LIMITS.micros})`;
  switch (event.type) {
    case 'command':
      if (!isPane(event.pane)) return 'has no valid pane name';
      if (!isText(event.line, LIMITS.lineChars)) return `has no command line of at most ${LIMITS.lineChars} characters`;
      return undefined;
    case 'interrupt':
      return isPane(event.pane) ? undefined : 'has no valid pane name';
    case 'answer':
      if (!isText(event.task, 100) || !isText(event.check, 100)) return 'does not name its task and check';
      return isText(event.value, LIMITS.answerChars)
        ? undefined
        : `has no answer of at most ${LIMITS.answerChars} characters`;
    case 'hint':
      return isText(event.task, 100) && Number.isSafeInteger(event.index)
        ? undefined
        : 'does not name its task and hint';
    default:
      return `has an unknown type ${JSON.stringify(event.type)}`;
  }
}

/** Parses a submission file and checks it can be replayed by this grader (engine `engine`). */
export function parseSubmission(text: string, engine: string): Parsed {
  const fail = (reason: string): Parsed => ({ ok: false, reason });
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > LIMITS.bytes) return fail(`oversized: ${bytes} bytes, the limit is ${LIMITS.bytes}`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const trimmed = text.trimEnd();
    const cut =
      /end of (JSON )?input|Unterminated/i.test(message) || (trimmed.startsWith('{') && !trimmed.endsWith('}'));
    return fail(cut ? `truncated: the file ends in the middle of the JSON (${message})` : `malformed JSON: ${message}`);
  }
  if (!isObject(data) || data.format !== SUBMISSION_FORMAT)
    return fail(`malformed: not a Packet Lab submission (expected "format": "${SUBMISSION_FORMAT}")`);
  if (data.version !== SUBMISSION_VERSION)
    return fail(
      `unsupported submission version ${JSON.stringify(data.version)}; this grader reads version ${SUBMISSION_VERSION}`,
    );
  if (typeof data.lab !== 'string') return fail('malformed: no "lab"');
  if (!findLab(data.lab)) return fail(`unknown lab "${data.lab}"`);
  if (typeof data.engine !== 'string' || major(data.engine) === undefined)
    return fail('malformed: no engine version ("engine": "MAJOR.MINOR.PATCH")');
  if (major(data.engine) !== major(engine))
    return fail(`recorded with engine ${data.engine}; this grader runs engine ${engine} (a different major version)`);
  let instance: Instance;
  if (data.instance === 'canonical') instance = { kind: 'canonical' };
  else if (data.instance === 'personal') {
    const { assignment, student } = data;
    if (!isText(assignment, LIMITS.idChars) || assignment === '' || !isText(student, LIMITS.idChars) || student === '')
      return fail('malformed: a personal instance needs "assignment" and "student" ids');
    instance = { kind: 'personal', assignment, student };
  } else return fail('malformed: "instance" must be "canonical" or "personal"');
  if (!Number.isSafeInteger(data.seed)) return fail('malformed: no "seed"');
  if (!Array.isArray(data.log)) return fail('malformed: no "log" array');
  if (data.log.length > LIMITS.events)
    return fail(`oversized: ${data.log.length} events, the limit is ${LIMITS.events}`);
  if (data.events !== data.log.length)
    return fail(`truncated: the log holds ${data.log.length} of the ${String(data.events)} events it declares`);
  const panes = new Set<string>();
  let previous = 0;
  for (const [i, event] of data.log.entries()) {
    const problem = eventProblem(event);
    if (problem) return fail(`malformed: log event ${i} ${problem}`);
    const { t, pane } = event as { t: number; pane?: string };
    if (t < previous) return fail(`malformed: log event ${i} is earlier than the one before it`);
    previous = t;
    if (pane !== undefined) panes.add(pane);
    if (panes.size > LIMITS.panes) return fail(`oversized: more than ${LIMITS.panes} panes`);
  }
  const claimed = data.claimed;
  if (
    claimed !== undefined &&
    !(isObject(claimed) && typeof claimed.points === 'number' && typeof claimed.max === 'number')
  )
    return fail('malformed: "claimed" must be { points, max }');
  return { ok: true, submission: data as unknown as Submission, instance };
}
