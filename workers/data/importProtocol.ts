/**
 * What the import worker (workers/import/importWorker.ts) says to the
 * service that started it (main/services/importWorkerHost.ts): progress
 * events, then one answer. A refusal of the source (DatasetFormatError) is
 * told apart from other failures, so the service words it as before:
 * `Cannot import "<name>": <message>`.
 */
import type { ImportEvent, ImportSummary } from './importJob';

export type ImportWorkerMessage =
  | { type: 'event'; event: ImportEvent }
  | { type: 'done'; summary: ImportSummary }
  | { type: 'failed'; message: string; format: boolean };
