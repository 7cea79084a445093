// Grading throughput: 1,000 generated netns-veth submissions (one per student of a made-up class,
// each a personal instance; a quarter with wrong answers, a quarter with a skipped repair), graded
// in this thread and then with worker threads from files. Reports submissions per second and the
// per-submission p50/p99 (wall clock, including the instance's setup and the replay).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { netnsVeth } from '../../exercises/netns-veth/lab.ts';
import type { LogEvent } from '../../exercises/types.ts';
import { gradeFiles } from '../../src/grader/batch.ts';
import { gradeText } from '../../src/grader/grade.ts';
import { instanceParams } from '../../src/grader/instance.ts';
import { makeSubmission } from '../../src/grader/submission.ts';
import { engineVersion } from '../../src/grader/version.ts';
import type { BenchContext } from './run.ts';

const SUBMISSIONS = 1000;

function variant(log: LogEvent[], i: number): LogEvent[] {
  if (i % 4 === 1) return log.map((e) => (e.type === 'answer' ? { ...e, value: `${e.value}x` } : e));
  if (i % 4 === 2) return log.filter((e) => !(e.type === 'command' && e.line.includes(' master ')));
  return log;
}

export default async function bench(ctx: BenchContext): Promise<void> {
  const engine = engineVersion();
  const texts = Array.from({ length: SUBMISSIONS }, (_, i) => {
    const instance = { kind: 'personal', assignment: 'bench', student: `student-${i}` } as const;
    const log = variant(netnsVeth.solution(instanceParams(netnsVeth, instance)), i);
    return JSON.stringify(makeSubmission({ lab: netnsVeth.id, engine, instance, log }));
  });

  const times: number[] = [];
  let points = 0;
  const started = performance.now();
  for (const [i, text] of texts.entries()) {
    const t0 = performance.now();
    const result = await gradeText(`s${i}.json`, text, { engine });
    times.push(performance.now() - t0);
    points += result.points;
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  ctx.report('grade, one thread', SUBMISSIONS / seconds, 'submissions/s', `${SUBMISSIONS} in ${seconds.toFixed(1)} s`);
  ctx.report('grade, p50 per submission', times[Math.floor(times.length * 0.5)] ?? 0, 'ms');
  ctx.report('grade, p99 per submission', times[Math.floor(times.length * 0.99)] ?? 0, 'ms');
  ctx.report('mean points (max 16)', points / SUBMISSIONS, 'points');

  const dir = mkdtempSync(join(tmpdir(), 'packet-lab-bench-'));
  try {
    const files = texts.map((text, i) => {
      const file = join(dir, `s${i}.json`);
      writeFileSync(file, text);
      return file;
    });
    const jobs = Math.max(2, Math.min(8, availableParallelism()));
    const t0 = performance.now();
    await gradeFiles(files, { engine, locale: 'en', jobs });
    const parallel = (performance.now() - t0) / 1000;
    ctx.report(`grade, ${jobs} worker threads`, SUBMISSIONS / parallel, 'submissions/s', `${parallel.toFixed(1)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
