/**
 * What every family does with its training data before the step: load the
 * run's dataset, hold out a validation split, and order each epoch's
 * examples from the seed (the same order whether or not the run was resumed).
 */
import { getDatasetEntry } from '../common/datasets';
import type { DatasetSpec } from '../common/runConfigBase';
import { loadImageDataset, type ImageDataset } from '../data/mnist';
import { deriveSeed, permutation } from './prng';

export interface Split {
  /** Indices into the training arrays used for training. */
  train: Int32Array;
  /** Indices held out for validation (the end of the training subset, as Keras does). */
  validation: Int32Array;
}

/** 0, 1, …, n − 1. */
export function range(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

export function splitTrainValidation(n: number, validationSplit: number): Split {
  const nVal = Math.floor(n * validationSplit);
  const all = range(n);
  return { train: all.slice(0, n - nVal), validation: all.slice(n - nVal) };
}

/** The training examples' order for an epoch: the same whether or not the run was resumed. */
export function epochOrder(train: Int32Array, seed: number, epoch: number): Int32Array {
  return permutation(train.length, deriveSeed(seed, epoch, 0x5eed)).map((i) => train[i]!);
}

/** The run's dataset, as its config names it (first trainSize / testSize examples). */
export function loadRunDataset(config: { dataset: DatasetSpec }): ImageDataset {
  const opts: { trainSize?: number; testSize?: number } = {};
  if (config.dataset.trainSize !== undefined) opts.trainSize = config.dataset.trainSize;
  if (config.dataset.testSize !== undefined) opts.testSize = config.dataset.testSize;
  return loadImageDataset(getDatasetEntry(config.dataset.id), opts);
}
