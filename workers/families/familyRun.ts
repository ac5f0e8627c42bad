/**
 * What every family's worker provides and its run function takes and
 * returns: one shape, so the registry (registry.ts) and the host treat the
 * families alike.
 */
import type { ConfigOf, Family, FamilyArtifactMeta, FamilyMetricKey } from '../common/families/registry';
import { isModelDocument, type Architecture, type GraphDocument, type ModelDocument } from '../common/graph';
import type { CheckpointRef } from '../common/protocol';
import type { ImageDataset } from '../data/mnist';
import type { FamilyAnalysis } from '../engine/analysis';
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
export type FamilyContext<F extends Family> = TrainerContext<FamilyMetricKey<F>, FamilyArtifactMeta<F>>;

/** A family's session for the trainer. */
export type FamilySession<F extends Family> = TrainSession<FamilyMetricKey<F>>;

/** A run as the host hands it to a family (from its start message). */
export interface FamilyStart<F extends Family> {
  config: ConfigOf<F>;
  /** The resolved architecture: the family checks it is the kind it trains. */
  architecture: Architecture;
  sink: FamilySink<F>;
  isCancelled: () => boolean;
  runDir: string;
  resumeFrom?: CheckpointRef;
  /** Where the app keeps caches shared by runs (a GAN's reference classifier). */
  cacheDir?: string;
  /** The text corpus a language model trains on, as the services resolved it (its file is read by the family). */
  corpus?: { id: string; file: string };
}

/** One family's entry in the worker registry. */
export interface FamilyWorker<F extends Family> {
  /** Train (or fit) a run. */
  run(start: FamilyStart<F>): Promise<FamilyRunResult>;
  /** What the family lends the on-demand analyses its descriptor lists (engine/analysis.ts). */
  analysis: FamilyAnalysis<ConfigOf<F>>;
}

/** The architecture as one graph; throws `message` for a model of parts. */
export function requireGraph(architecture: Architecture, message: string): GraphDocument {
  if (isModelDocument(architecture)) throw new Error(message);
  return architecture;
}

/** The architecture as a model of parts; throws `message` for a single graph. */
export function requireModel(architecture: Architecture, message: string): ModelDocument {
  if (!isModelDocument(architecture)) throw new Error(message);
  return architecture;
}

/** The start message's options every run function takes. */
export function runOptions<F extends Family>(s: FamilyStart<F>): FamilyRunOptions<F> {
  return { config: s.config, sink: s.sink, isCancelled: s.isCancelled, runDir: s.runDir, ...(s.resumeFrom ? { resumeFrom: s.resumeFrom } : {}) };
}
