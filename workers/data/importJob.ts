/**
 * One dataset import's heavy part, as a job the import worker runs off the
 * main thread (workers/import/importWorker.ts): read and decode the source
 * (an IDX set, streamed and capped at its headers' sizes; or an image folder,
 * each image's size checked from its header before decoding), write the four
 * IDX files into the staging folder the service made and marked, and hash
 * them. Only the summary goes back: the pixel buffers (up to 2 GiB) never
 * reach the main thread. Progress is told as events, already thinned to at
 * most one per percent so the main thread gets a few hundred messages at most.
 */
import { join } from 'node:path';
import { z } from 'zod';
import type { IdxFileSet } from '../common/datasets';
import { hashFiles } from './contentHash';
import { readIdxSource } from './idxSource';
import { readImageFolder } from './imageFolder';
import { writeImportedDataset, type ImportedData, type ReadProgress } from './importedDataset';

export type ImportSourceKind = 'idx' | 'image-folder';

export interface ImportJob {
  kind: ImportSourceKind;
  /** The source folder, absolute. */
  source: string;
  /** Image folders without train/ and test/: the test fraction and seed of the split. */
  testFraction: number;
  seed: number;
  /** The staging folder to write the IDX files into (created and marked by the service). */
  outDir: string;
}

/** What was imported, without its bytes (they are in `outDir`). */
export interface ImportSummary {
  files: IdxFileSet;
  contentHash: string;
  height: number;
  width: number;
  channels: 1 | 3;
  classNames: string[];
  trainCount: number;
  testCount: number;
  split: ImportedData['split'];
  notes: string[];
}

export type ImportEvent =
  | { stage: 'read'; done: number; total: number; unit: 'bytes' | 'files' }
  | { stage: 'convert' }
  | { stage: 'checksum' };

const importJobSchema = z.object({
  kind: z.enum(['idx', 'image-folder']),
  source: z.string(),
  testFraction: z.number(),
  seed: z.number(),
  outDir: z.string(),
});

/** The job in a message, or null when it is not one (what the worker receives is checked, not trusted). */
export function parseImportJob(v: unknown): ImportJob | null {
  const r = importJobSchema.safeParse(v);
  return r.success ? r.data : null;
}

/** Passes on a read's progress: the first, the last, and one per percent between. */
function thinned(onEvent: (e: ImportEvent) => void): ReadProgress {
  let last = -1;
  return (done, total, unit) => {
    const step = total > 0 ? total / 100 : 1 << 20;
    if (last >= 0 && done !== total && done - last < step) return;
    last = done;
    onEvent({ stage: 'read', done, total, unit });
  };
}

/** Reads, converts and hashes one import; a DatasetFormatError names what is wrong with the source. */
export async function runImportJob(job: ImportJob, onEvent: (e: ImportEvent) => void): Promise<ImportSummary> {
  const onRead = thinned(onEvent);
  const data = job.kind === 'idx'
    ? await readIdxSource(job.source, onRead)
    : await readImageFolder(job.source, { testFraction: job.testFraction, seed: job.seed }, onRead);
  onEvent({ stage: 'convert' });
  const files = await writeImportedDataset(job.outDir, data);
  onEvent({ stage: 'checksum' });
  const contentHash = hashFiles(Object.values(files).map((f) => join(job.outDir, f)));
  return {
    files, contentHash, height: data.height, width: data.width, channels: data.channels, classNames: data.classNames,
    trainCount: data.train.count, testCount: data.test.count, split: data.split, notes: data.notes,
  };
}
