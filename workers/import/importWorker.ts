/**
 * The import worker's entry (`dist/workers/import/importWorker.js`), one
 * thread per import, started by main/services/importWorkerHost.ts: takes one
 * ImportJob, runs it (workers/data/importJob.ts) and answers once, so that
 * decoding thousands of images or inflating a gzip IDX set never holds the
 * server's event loop. The thread ends when the answer is sent.
 */
import { parentPort } from 'node:worker_threads';
import { parseImportJob, runImportJob } from '../data/importJob';
import { DatasetFormatError } from '../data/importedDataset';
import type { ImportWorkerMessage } from '../data/importProtocol';

const port = parentPort;
if (!port) throw new Error('importWorker.js runs as a worker thread (started by the dataset service)');
const post = (m: ImportWorkerMessage): void => port.postMessage(m);

port.once('message', (message: unknown) => {
  const job = parseImportJob(message);
  if (!job) {
    post({ type: 'failed', message: 'The import worker was sent something that is not an import job', format: false });
    port.close();
    return;
  }
  runImportJob(job, (event) => post({ type: 'event', event })).then(
    (summary) => post({ type: 'done', summary }),
    (e: unknown) => post({ type: 'failed', message: e instanceof Error ? e.message : String(e), format: e instanceof DatasetFormatError }),
  ).finally(() => port.close());
});
