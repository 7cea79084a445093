/**
 * Grades one submission: parse it, rebuild its instance from the lab and the ids (never from the
 * file's own seed), replay the log on a fresh engine and evaluate every check. The score is what
 * the replay earns; what the file claims is only compared with it. A file that cannot be replayed
 * gets a reason instead of a score.
 */
import { findLab } from '../../exercises/index.ts';
import type { Locale } from '../ui/i18n/t.ts';
import { evaluate, labStrings, maxPoints, type TaskResult } from './evaluate.ts';
import { instanceSeed, openLab } from './instance.ts';
import { replay } from './replay.ts';
import { parseSubmission } from './submission.ts';

export interface GradeResult {
  /** Where the submission came from (a file name). */
  source: string;
  status: 'graded' | 'unreplayable';
  reason?: string;
  lab?: string;
  labTitle?: string;
  instance?: 'canonical' | 'personal';
  assignment?: string;
  student?: string;
  seed?: number;
  points: number;
  max: number;
  tasks: TaskResult[];
  hintsRevealed: number;
  /** Things an instructor should know (a claimed score that the replay does not reproduce…). */
  notes: string[];
}

export interface GradeOptions {
  /** This grader's engine version (package.json). */
  engine: string;
  locale?: Locale;
}

export async function gradeText(source: string, text: string, options: GradeOptions): Promise<GradeResult> {
  const locale = options.locale ?? 'en';
  const parsed = parseSubmission(text, options.engine);
  if (!parsed.ok)
    return {
      source,
      status: 'unreplayable',
      reason: parsed.reason,
      points: 0,
      max: 0,
      tasks: [],
      hintsRevealed: 0,
      notes: [],
    };
  const { submission, instance } = parsed;
  const lab = findLab(submission.lab);
  if (!lab) throw new Error(`unknown lab ${submission.lab}`);
  const seed = instanceSeed(instance);
  const base = {
    source,
    lab: lab.id,
    labTitle: labStrings(lab, locale).title,
    instance: instance.kind,
    ...(instance.kind === 'personal' ? { assignment: instance.assignment, student: instance.student } : {}),
    seed,
  };
  const notes: string[] = [];
  if (submission.seed !== seed)
    notes.push(`the file's seed ${submission.seed} is not this instance's seed ${seed}; graded on ${seed}`);
  const opened = await openLab(lab, instance);
  const replayed = await replay(opened, submission.log);
  const tasks = evaluate(lab, replayed, locale);
  const points = tasks.reduce((sum, task) => sum + task.points, 0);
  const max = maxPoints(lab);
  const claimed = submission.claimed;
  if (claimed && (claimed.points !== points || claimed.max !== max))
    notes.push(`the file claims ${claimed.points}/${claimed.max}; the replay earns ${points}/${max}`);
  return { ...base, status: 'graded', points, max, tasks, hintsRevealed: replayed.hints, notes };
}
