/**
 * Grading in the page, as the learner works: the same observation of the session, the same
 * answer judging and the same check evaluation as a replay, on the live instance. Nothing here
 * reaches Node; `batch.ts` and `version.ts` are the grader's only Node-only modules.
 */
import type { AnyLab, Observations, World } from '../../exercises/types.ts';
import type { Locale } from '../ui/i18n/t.ts';
import { type GivenAnswer, judgeAnswer } from './answers.ts';
import { evaluate, type TaskResult } from './evaluate.ts';
import type { OpenedLab } from './instance.ts';
import { observe } from './observe.ts';

export class LiveGrading {
  readonly lab: AnyLab;
  readonly world: World<unknown>;
  readonly observed: Observations;
  /** The last answer per `task/check`, judged when it was given. */
  readonly answers = new Map<string, GivenAnswer>();
  hints = 0;
  readonly #opened: OpenedLab;

  /** Starts watching the session; call it before the learner's first command runs. */
  constructor(opened: OpenedLab) {
    this.#opened = opened;
    this.lab = opened.lab;
    this.observed = observe(opened.session, opened.start);
    this.world = { params: opened.params, host: opened.session.host, observed: this.observed };
    if (opened.cluster) this.world.cluster = opened.cluster;
  }

  /** Virtual microseconds since the lab started, as a submission's log counts them. */
  now(): number {
    return this.#opened.session.clock.micros - this.#opened.start;
  }

  /** Judges an answer against the engine as it is now and keeps it; undefined for an unknown check. */
  answer(task: string, check: string, value: string): GivenAnswer | undefined {
    const given = judgeAnswer(this.lab, this.world, task, check, value);
    if (given) this.answers.set(`${task}/${check}`, given);
    return given;
  }

  /** Evaluates one task's checks on the live engine (a state check may probe it, e.g. send a ping). */
  check(task: string, locale: Locale): TaskResult | undefined {
    const found = this.lab.tasks.find((t) => t.id === task);
    if (!found) return undefined;
    const one: AnyLab = { ...this.lab, tasks: [found] };
    return evaluate(one, { world: this.world, answers: this.answers, hints: this.hints }, locale)[0];
  }
}
