/**
 * Runs a dataset import's heavy part (workers/data/importJob.ts) where it
 * cannot hold the server: in a worker thread, `dist/workers/import/importWorker.js`.
 * One thread per import; it ends when it answers, and `stop()` terminates it
 * (the service stops every running one at close, and a failed import's thread
 * has already ended). A refusal of the source comes back as a
 * DatasetFormatError with the worker's message, so the service words it as
 * it always has. Unit tests pass `inProcessImport` instead (no build there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { runImportJob, type ImportEvent, type ImportJob, type ImportSummary } from '../../workers/data/importJob';
import { DatasetFormatError } from '../../workers/data/importedDataset';
import type { ImportWorkerMessage } from '../../workers/data/importProtocol';
import { appRoot } from './appInfo';

/** A running import: its answer, and a way to end it now (the answer is then a refusal saying so). */
export interface RunningImport {
  result: Promise<ImportSummary>;
  stop(reason: string): void;
}

/** Starts one import job; `onEvent` hears its progress. */
export type ImportRunner = (job: ImportJob, onEvent: (e: ImportEvent) => void) => RunningImport;

export function importWorkerEntry(): string {
  return path.join(appRoot, 'dist', 'workers', 'import', 'importWorker.js');
}

/** The app's runner: a worker thread per import. */
export const threadImport: ImportRunner = (job, onEvent) => {
  const entry = importWorkerEntry();
  if (!fs.existsSync(entry)) {
    return { result: Promise.reject(new Error(`The import worker is not built: ${entry} is missing (run npm run build)`)), stop: () => undefined };
  }
  const worker = new Worker(entry, { stdout: false, stderr: false });
  let stopped: string | undefined;
  const result = new Promise<ImportSummary>((resolve, reject) => {
    let answer: ImportWorkerMessage | undefined;
    let failure: Error | undefined;
    worker.on('message', (m: ImportWorkerMessage) => {
      if (m.type === 'event') onEvent(m.event);
      else answer = m;
    });
    worker.on('error', (e) => { failure ??= e; });
    worker.on('exit', (code) => {
      if (stopped !== undefined) reject(new Error(stopped));
      else if (answer?.type === 'done') resolve(answer.summary);
      else if (answer?.type === 'failed') reject(answer.format ? new DatasetFormatError(answer.message) : new Error(answer.message));
      else reject(new Error(`The import worker stopped without an answer (${failure ? failure.message : `exit code ${code}`})`));
    });
  });
  worker.postMessage(job);
  return {
    result,
    stop: (reason) => {
      stopped ??= reason;
      void worker.terminate();
    },
  };
};

/** The job on this thread: for unit tests, which run without a build. Stopping it is not possible. */
export const inProcessImport: ImportRunner = (job, onEvent) => ({ result: runImportJob(job, onEvent), stop: () => undefined });
