/** A grading worker thread: grades the files `gradeFiles` sends it, one at a time. */
import { parentPort } from 'node:worker_threads';
import { gradeFile, type WorkReply, type WorkRequest } from './batch.ts';

parentPort?.on('message', async (request: WorkRequest) => {
  const reply: WorkReply = {
    index: request.index,
    result: await gradeFile(request.path, request.engine, request.locale),
  };
  parentPort?.postMessage(reply);
});
