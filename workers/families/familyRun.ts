/**
 * What every family's run function takes and returns: one shape, so the
 * registry and the host treat them alike.
 */
import type { ConfigOf, Family, FamilyArtifactKind, FamilyMetricKey } from '../common/families/registry';
import type { CheckpointRef } from '../common/protocol';
import type { ImageDataset } from '../data/mnist';
import type { FamilySink } from '../engine/sink';
import type { TrainerContext, TrainResult, TrainSession } from '../engine/trainer';

export interface FamilyRunOptions<F extends Family> {
  config: ConfigOf<F>;
  sink: FamilySink<F>;
  isCancelled: () => boolean;
  /** Where checkpoints and galleries go (`${runDir}/checkpoints/epoch-NNNN`, `${runDir}/gallery/…`); none are written without it. */
  runDir?: string;
  resumeFrom?: CheckpointRef;
  /** Preloaded data (tests, benchmarks); loaded from the catalogue otherwise. */
  dataset?: ImageDataset;
}

export type FamilyRunResult = TrainResult;

/** The trainer's context as one family's session sees it: its own metric keys and artifact kinds. */
export type FamilyContext<F extends Family> = TrainerContext<FamilyMetricKey<F>, FamilyArtifactKind<F>>;

/** A family's session for the trainer. */
export type FamilySession<F extends Family> = TrainSession<FamilyMetricKey<F>>;
