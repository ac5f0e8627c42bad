/**
 * What a dataset import produces, whatever its source: both splits as bytes
 * (n × h × w × c, row-major, 0–255) with uint8 labels, the class names, and
 * notes for the user. writeImportedDataset stores it as the four IDX files
 * every dataset is read from (workers/data/mnist.ts), so one reader serves all.
 *
 * Node only (fs), no tfjs: the services run the import, the workers read the result.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importedDatasetFiles, type IdxFileSet } from '../common/datasets';
import { encodeIdxUint8 } from './idx';

/** A problem with the data being imported (a file, a folder, a size): the message says which and what. */
export class DatasetFormatError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatasetFormatError';
  }
}

export interface ImportedSplit {
  /** count × height × width × channels bytes. */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface ImportedData {
  train: ImportedSplit;
  test: ImportedSplit;
  height: number;
  width: number;
  channels: 1 | 3;
  classNames: string[];
  /** An image folder without train/ and test/: how its split was drawn (else null: the source gave the split). */
  split: { testFraction: number; seed: number } | null;
  /** Things the user should know (files ignored, how the split was made). */
  notes: string[];
}

/**
 * How far a source has been read: `done` of `total` units (bytes of an IDX
 * set's files, images of an image folder). Called with done rising to total.
 */
export type ReadProgress = (done: number, total: number, unit: 'bytes' | 'files') => void;

/** The largest number of values one IDX file may hold (what the reader accepts). */
export const MAX_IDX_VALUES = 2 ** 31 - 1;

/** Most classes an import accepts: labels are stored as one byte. */
export const MAX_CLASSES = 256;

/** Writes the four IDX files into `dir` (which must exist); returns their names. */
export async function writeImportedDataset(dir: string, data: ImportedData): Promise<IdxFileSet> {
  const f = importedDatasetFiles;
  const imageDims = (n: number): number[] => (data.channels === 1 ? [n, data.height, data.width] : [n, data.height, data.width, data.channels]);
  await writeFile(join(dir, f.trainImages), encodeIdxUint8(imageDims(data.train.count), data.train.images));
  await writeFile(join(dir, f.trainLabels), encodeIdxUint8([data.train.count], data.train.labels));
  await writeFile(join(dir, f.testImages), encodeIdxUint8(imageDims(data.test.count), data.test.images));
  await writeFile(join(dir, f.testLabels), encodeIdxUint8([data.test.count], data.test.labels));
  return { ...f };
}
