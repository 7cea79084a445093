/**
 * Grades submission files: one after another in this thread, or spread over worker threads
 * (`jobs` > 1), each submission on its own fresh engine, results in the order the files were given.
 * A file that cannot be read, or whose replay throws, is reported with a reason; the batch goes on.
 */
import { readFileSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Locale } from '../ui/i18n/t.ts';
import { type GradeResult, gradeText } from './grade.ts';
import { LIMITS } from './submission.ts';

export interface BatchOptions {
  engine: string;
  locale: Locale;
  jobs: number;
  onProgress?: (done: number, total: number) => void;
}

function unreplayable(source: string, reason: string): GradeResult {
  return { source, status: 'unreplayable', reason, points: 0, max: 0, tasks: [], hintsRevealed: 0, notes: [] };
}

/** Reads and grades one file; never throws. */
export async function gradeFile(path: string, engine: string, locale: Locale): Promise<GradeResult> {
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > LIMITS.bytes) return unreplayable(path, `oversized: ${size} bytes, the limit is ${LIMITS.bytes}`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return unreplayable(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return await gradeText(path, text, { engine, locale });
  } catch (error) {
    return unreplayable(path, `grader error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export interface WorkRequest {
  index: number;
  path: string;
  engine: string;
  locale: Locale;
}

export interface WorkReply {
  index: number;
  result: GradeResult;
}

export async function gradeFiles(paths: readonly string[], options: BatchOptions): Promise<GradeResult[]> {
  const results: GradeResult[] = new Array(paths.length);
  let done = 0;
  const report = () => options.onProgress?.(done, paths.length);
  if (options.jobs <= 1 || paths.length <= 1) {
    for (const [index, path] of paths.entries()) {
      results[index] = await gradeFile(path, options.engine, options.locale);
      done++;
      report();
    }
    return results;
  }
  let next = 0;
  const workers = Array.from(
    { length: Math.min(options.jobs, paths.length) },
    () => new Worker(new URL('./worker.ts', import.meta.url)),
  );
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= paths.length) return resolve();
              const index = next++;
              const request: WorkRequest = {
                index,
                path: paths[index] as string,
                engine: options.engine,
                locale: options.locale,
              };
              worker.postMessage(request);
            };
            worker.on('message', ({ index, result }: WorkReply) => {
              results[index] = result;
              done++;
              report();
              send();
            });
            worker.on('error', reject);
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
  return results;
}
