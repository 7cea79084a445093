/**
 * Scores a replayed session: every check of every task, each with the one sentence saying what it
 * checks, whether it passed, its points, and when it failed the feedback and the hint it points to.
 * Observation checks run before state checks, because a state check may probe the engine (send a
 * ping) and so change what later checks would see.
 */
import type { AnyLab, Check, LabStrings, Vars } from '../../exercises/types.ts';
import type { Locale } from '../ui/i18n/t.ts';
import { messages } from './messages.ts';
import type { Replayed } from './replay.ts';

export interface CheckResult {
  id: string;
  kind: Check<unknown>['kind'];
  /** What the check looks at, in one sentence. */
  what: string;
  ok: boolean;
  points: number;
  max: number;
  /** When it failed: what went wrong, and the hint that helps. */
  feedback?: string;
  hint?: { index: number; text: string };
  /** An answer check: what the learner gave (absent when they gave none). */
  answer?: string;
}

export interface TaskResult {
  id: string;
  title: string;
  points: number;
  max: number;
  checks: CheckResult[];
}

/** Fills `{name}` placeholders from the instance's values; unknown names stay as they are. */
export function fill(template: string, vars: Vars): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export function labStrings(lab: AnyLab, locale: Locale): LabStrings {
  return lab.strings[locale] ?? lab.strings.en;
}

/** The lab's maximum score. */
export function maxPoints(lab: AnyLab): number {
  return lab.tasks.reduce((sum, task) => sum + task.checks.reduce((s, c) => s + c.points, 0), 0);
}

function decide(
  check: Check<unknown>,
  taskId: string,
  replayed: Replayed,
): { ok: boolean; answer?: string; error?: string } {
  try {
    switch (check.kind) {
      case 'answer':
      case 'choice': {
        const given = replayed.answers.get(`${taskId}/${check.id}`);
        return given ? { ok: given.ok, answer: given.value } : { ok: false };
      }
      case 'observe':
      case 'state':
        return { ok: check.holds(replayed.world) };
    }
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

export function evaluate(lab: AnyLab, replayed: Replayed, locale: Locale): TaskResult[] {
  const strings = labStrings(lab, locale);
  const vars = lab.vars(replayed.world.params);
  const order = (check: Check<unknown>) => (check.kind === 'state' ? 1 : 0);
  const decided = new Map<Check<unknown>, ReturnType<typeof decide>>();
  const all = lab.tasks.flatMap((task) => task.checks.map((check) => ({ task, check })));
  for (const { task, check } of [...all].sort((x, y) => order(x.check) - order(y.check)))
    decided.set(check, decide(check, task.id, replayed));
  return lab.tasks.map((task) => {
    const text = strings.tasks[task.id];
    const checks = task.checks.map((check): CheckResult => {
      const { ok, answer, error } = decided.get(check) ?? { ok: false };
      const words = text?.checks[check.id];
      const result: CheckResult = {
        id: check.id,
        kind: check.kind,
        what: fill(words?.what ?? check.id, vars),
        ok,
        points: ok ? check.points : 0,
        max: check.points,
      };
      if (answer !== undefined) result.answer = answer;
      if (!ok) {
        const missing = (check.kind === 'answer' || check.kind === 'choice') && answer === undefined;
        result.feedback = error
          ? fill(messages[locale].checkError, { error })
          : missing
            ? messages[locale].noAnswer
            : fill(words?.fail ?? '', vars);
        const hint = text?.hints[check.hint];
        if (hint !== undefined) result.hint = { index: check.hint, text: fill(hint, vars) };
      }
      return result;
    });
    return {
      id: task.id,
      title: fill(text?.title ?? task.id, vars),
      points: checks.reduce((s, c) => s + c.points, 0),
      max: checks.reduce((s, c) => s + c.max, 0),
      checks,
    };
  });
}
