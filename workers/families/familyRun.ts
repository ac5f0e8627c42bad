/**
 * What every family's run function takes and returns, and where its
 * checkpoints go: one shape, so the registry and the host treat them alike.
 */
import { join } from 'node:path';
import type { CheckpointRef } from '../common/protocol';
import { getDatasetEntry } from '../common/datasets';
import type { DatasetSpec } from '../common/runConfig';
import { loadImageDataset, type ImageDataset } from '../data/mnist';
import { deriveSeed, permutation } from '../engine/prng';
import type { TrainingSink } from '../engine/sink';

export interface FamilyRunOptions<C> {
  config: C;
  sink: TrainingSink;
  isCancelled: () => boolean;
  /** Where checkpoints and galleries go (`${runDir}/checkpoints/epoch-NNNN`, `${runDir}/gallery/…`); none are written without it. */
  runDir?: string;
  resumeFrom?: CheckpointRef;
  /** Preloaded data (tests, benchmarks); loaded from the catalogue otherwise. */
  dataset?: ImageDataset;
}

export type FamilyRunResult =
  | { status: 'done'; final: Record<string, number> }
  | { status: 'cancelled' };

export function checkpointDir(runDir: string, epoch: number): string {
  return join(runDir, 'checkpoints', `epoch-${String(epoch).padStart(4, '0')}`);
}

/** The run's dataset, as its config names it (first trainSize / testSize examples). */
export function loadRunDataset(config: { dataset: DatasetSpec }): ImageDataset {
  const opts: { trainSize?: number; testSize?: number } = {};
  if (config.dataset.trainSize !== undefined) opts.trainSize = config.dataset.trainSize;
  if (config.dataset.testSize !== undefined) opts.testSize = config.dataset.testSize;
  return loadImageDataset(getDatasetEntry(config.dataset.id), opts);
}

/** The training examples' order for an epoch: the same whether or not the run was resumed. */
export function epochOrder(train: Int32Array, seed: number, epoch: number): Int32Array {
  return permutation(train.length, deriveSeed(seed, epoch, 0x5eed)).map((i) => train[i]!);
}
