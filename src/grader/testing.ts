/** Helpers for the grader's and the labs' tests: a submission from a log, graded in-process. */
import type { AnyLab, LogEvent } from '../../exercises/types.ts';
import { type GradeResult, gradeText } from './grade.ts';
import { type Instance, instanceParams } from './instance.ts';
import { makeSubmission } from './submission.ts';

export const TEST_ENGINE = '0.1.0';

export function submissionText(lab: AnyLab, instance: Instance, log: LogEvent[]): string {
  return JSON.stringify(makeSubmission({ lab: lab.id, engine: TEST_ENGINE, instance, log }));
}

/** The lab's reference log for an instance. */
export function referenceLog(lab: AnyLab, instance: Instance): LogEvent[] {
  return lab.solution(instanceParams(lab, instance));
}

export function gradeLog(lab: AnyLab, instance: Instance, log: LogEvent[]): Promise<GradeResult> {
  return gradeText('test.json', submissionText(lab, instance, log), { engine: TEST_ENGINE });
}

/** Points per `task/check`, for comparing two gradings. */
export function pointsByCheck(result: GradeResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const task of result.tasks) for (const check of task.checks) out[`${task.id}/${check.id}`] = check.points;
  return out;
}
