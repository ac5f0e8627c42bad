/**
 * The worker message protocol, between the training service (main side) and a
 * training host (worker thread or child process). Plain structured-clone data.
 */
import type { ImageDatasetEntry } from './datasets';
import type { Architecture } from './graph';
import type { AnalysisRequest } from './gallery';
import type { ArtifactKind, MetricKey, RunConfig } from './families/registry';

/**
 * The catalogues on the wire: metric keys and artifact kinds are the
 * families' (workers/common/families/<family>/index.ts), typed by family.
 */
export type { ArtifactKind, ArtifactMeta, ConfigOf, Family, FamilyArtifactKind, FamilyArtifactMeta, FamilyMetricKey, MetricKey, RunConfig } from './families/registry';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
/** The order in which backends are tried when none is forced. */
export const backendPreference: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
export type BackendChoice = BackendName | 'auto';

export interface MetricPoint {
  /** One of the families' catalogued keys (a worker cannot record another). */
  key: MetricKey;
  step: number;
  value: number;
  /** Milliseconds since the epoch when the value was measured. */
  wallTime: number;
}

export interface CheckpointRef {
  /** Directory holding the checkpoint files. */
  dir: string;
  /** Epochs completed when it was written. */
  epoch: number;
  /** Global step (batches seen) when it was written. */
  step: number;
}

export interface StartMessage {
  type: 'start';
  runId: number;
  config: RunConfig;
  /** The resolved architecture (templates and saved versions already looked up). */
  architecture: Architecture;
  backend: BackendChoice;
  /** Directory where the run may write its checkpoints and artifacts. */
  runDir: string;
  /** Resume from this checkpoint instead of starting fresh. */
  resumeFrom?: CheckpointRef;
  /** Where the app keeps caches shared by runs (reference classifiers): `<data>/cache`. */
  cacheDir?: string;
  /**
   * The run's dataset as the services resolved it (an imported one with the
   * folder of its IDX files): the host registers it before running, so
   * getDatasetEntry(config.dataset.id) finds it.
   */
  datasetEntry?: ImageDatasetEntry;
  /**
   * The text corpus the run trains on (the sequence family's text source),
   * as the services resolved `config.data.corpus`: the worker reads `file`
   * (an absolute path) with loadCorpusText (workers/data/textCorpus.ts).
   */
  corpus?: { id: string; file: string };
}

export interface CancelMessage { type: 'cancel' }

/**
 * Load a run's model from a checkpoint and compute one analysis (an
 * interpolation, latent arithmetic, a projected scatter, a re-evaluation). The host answers
 * with one 'sample' message for the artifact it wrote, then 'done' (or 'failed').
 */
export interface AnalyzeMessage {
  type: 'analyze';
  runId: number;
  config: RunConfig;
  architecture: Architecture;
  backend: BackendChoice;
  runDir: string;
  /** The checkpoint to load the model from (every analysis but nearest-neighbours, which needs no model). */
  checkpoint?: CheckpointRef;
  request: AnalysisRequest;
  /** Step recorded on the artifact (the checkpoint's step). */
  step: number;
  /** nearest-neighbours: the samples grid the clicked cell is in (absolute path, and its recorded meta). */
  source?: { path: string; meta: Record<string, unknown> };
  /** The run's dataset as the services resolved it; registered before the analysis runs (see StartMessage). */
  datasetEntry?: ImageDatasetEntry;
  /** re-evaluate: where the reference classifier is cached (`<data>/cache`, as for the run). */
  cacheDir?: string;
}

export type MainToWorker = StartMessage | CancelMessage | AnalyzeMessage;

/** `wasmThreads`: the XNNPACK threads the wasm backend runs with (absent for other backends), recorded on the run. */
export interface ReadyMessage { type: 'ready'; backend: BackendName; wasmThreads?: number }
export interface MetricsMessage { type: 'metrics'; points: MetricPoint[] }
export interface ProgressMessage {
  type: 'progress';
  epoch: number;
  epochs: number;
  /** Global step (batches done so far, over all epochs). */
  step: number;
  totalSteps: number;
}
export interface LogMessage { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
export interface CheckpointMessage { type: 'checkpoint'; checkpoint: CheckpointRef }
export interface SampleMessage {
  type: 'sample';
  step: number;
  /** A kind of some family's artifact catalogue. */
  kind: ArtifactKind;
  /** File written by the worker under runDir. */
  path: string;
  meta?: Record<string, unknown>;
}
export interface DoneMessage { type: 'done'; final: Record<string, number> }
export interface FailedMessage { type: 'failed'; error: string }
export interface CancelledMessage { type: 'cancelled' }

export type WorkerToMain =
  | ReadyMessage
  | MetricsMessage
  | ProgressMessage
  | LogMessage
  | CheckpointMessage
  | SampleMessage
  | DoneMessage
  | FailedMessage
  | CancelledMessage;
