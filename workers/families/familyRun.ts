/**
 * What every family's run function takes and returns, and where its
 * checkpoints go: one shape, so the registry and the host treat them alike.
 */
import { join } from 'node:path';
import type { CheckpointRef } from '../common/protocol';
import type { ImageDataset } from '../data/mnist';
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
