/**
 * Every lab, as data: its strings are complete in every locale with the same placeholders, and its
 * reference solution, replayed on a fresh engine, earns every point on the canonical instance and
 * on 50 personal instances.
 */
import { describe, expect, it } from 'vitest';
import { maxPoints } from '../src/grader/evaluate.ts';
import { gradeLog, referenceLog } from '../src/grader/testing.ts';
import { labDefinitions, labs } from './index.ts';
import type { LabStrings } from './types.ts';

const PERSONAL_SEEDS = 50;

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string).sort();
}

/** Every string with its path, to compare locales key by key. */
function flatten(strings: LabStrings): Map<string, string> {
  const out = new Map<string, string>([
    ['title', strings.title],
    ['summary', strings.summary],
  ]);
  for (const [id, task] of Object.entries(strings.tasks)) {
    out.set(`${id}.title`, task.title);
    out.set(`${id}.prompt`, task.prompt);
    for (const [i, hint] of task.hints.entries()) out.set(`${id}.hints.${i}`, hint);
    for (const [check, words] of Object.entries(task.checks)) {
      out.set(`${id}.checks.${check}.what`, words.what);
      out.set(`${id}.checks.${check}.fail`, words.fail);
    }
    for (const [choice, text] of Object.entries(task.choices ?? {})) out.set(`${id}.choices.${choice}`, text);
  }
  return out;
}

describe.each(labDefinitions.map((lab) => [lab.id, lab] as const))('lab %s', (_id, lab) => {
  it('is listed with its chapter and seeds', () => {
    expect(labs.find((l) => l.id === lab.id)).toEqual({
      id: lab.id,
      title: lab.title,
      seeds: lab.seeds,
      chapter: lab.chapter,
    });
  });

  it('has a prompt, hints, and what/fail strings for every check in every locale', () => {
    const vars = lab.vars(lab.canonical);
    for (const strings of Object.values(lab.strings)) {
      for (const task of lab.tasks) {
        const text = strings.tasks[task.id];
        expect(text, task.id).toBeDefined();
        expect(text?.hints.length, task.id).toBeGreaterThan(0);
        for (const check of task.checks) {
          expect(text?.checks[check.id], `${task.id}/${check.id}`).toBeDefined();
          expect(check.hint).toBeLessThan(text?.hints.length ?? 0);
          if (check.kind === 'choice')
            for (const choice of check.choices(lab.canonical)) expect(text?.choices?.[choice]).toBeDefined();
        }
      }
      for (const [key, value] of flatten(strings))
        for (const name of placeholders(value)) expect(vars, `${key} uses {${name}}`).toHaveProperty(name);
    }
  });

  it('has the same strings, with the same placeholders, in every locale', () => {
    const en = flatten(lab.strings.en);
    const ko = flatten(lab.strings.ko);
    expect([...ko.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, text] of en) expect(placeholders(ko.get(key) ?? ''), key).toEqual(placeholders(text));
  });

  it('earns every point with its reference solution on the canonical instance', async () => {
    const instance = { kind: 'canonical' } as const;
    const result = await gradeLog(lab, instance, referenceLog(lab, instance));
    expect(result.status).toBe('graded');
    expect(result.tasks.flatMap((t) => t.checks.filter((c) => !c.ok).map((c) => `${t.id}/${c.id}`))).toEqual([]);
    expect(result.points).toBe(maxPoints(lab));
  });

  it(`earns every point with its reference solution on ${PERSONAL_SEEDS} personal instances`, async () => {
    for (let i = 0; i < PERSONAL_SEEDS; i++) {
      const instance = { kind: 'personal', assignment: 'solutions', student: `student-${i}` } as const;
      const result = await gradeLog(lab, instance, referenceLog(lab, instance));
      const failed = result.tasks.flatMap((t) => t.checks.filter((c) => !c.ok).map((c) => `${t.id}/${c.id}`));
      expect(failed, `student-${i} (seed ${result.seed})`).toEqual([]);
      expect(result.points).toBe(maxPoints(lab));
    }
  }, 120_000);
});
