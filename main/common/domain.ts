/**
 * Domain objects that cross the API boundary. Rows never leave db/: the
 * store maps them to these.
 */
import type { Architecture } from '../../workers/common/graph';
import type { BackendChoice, BackendName } from '../../workers/common/protocol';
import type { ArchitectureFamily, Family, RunConfig } from '../../workers/common/families/registry';
import type { SavedViewState } from './savedView';
import type { ReferenceIdentity } from '../../workers/common/referenceIdentity';

export type { ArchitectureFamily } from '../../workers/common/families/registry';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled' | 'interrupted';
export const terminalStatuses: readonly RunStatus[] = ['done', 'failed', 'cancelled', 'interrupted'];

export interface Experiment {
  id: number;
  name: string;
  description: string;
  createdAt: number;
  runCount: number;
  /** The latest start, end or creation of any of its runs (ms); null without runs. */
  lastActivityAt: number | null;
  /** experiments.list only: its best final headline value (main/common/experimentBest.ts); null when no finished run has one. */
  best?: ExperimentBest | null;
}

/** The best final value of a family headline metric among an experiment's finished runs, and the run that has it. */
export interface ExperimentBest {
  runId: number;
  runName: string;
  key: string;
  /** The headline's short label ("test acc"). */
  label: string;
  format: 'percent' | 'number';
  value: number;
  /** The finished runs compared (those of the family with the metric). */
  of: number;
}

/** What deleting an experiment removes (experiments.deletionPlan before, experiments.delete after). */
export interface ExperimentDeletion {
  id: number;
  name: string;
  /** Its runs, deleted with it. */
  runs: number;
  /** The runs' folders on disk (checkpoints, galleries) removed with them. */
  folders: number;
  /** Queued or running runs: delete refuses while there are any. */
  activeRuns: number;
}

export type ParamValue = number | string | boolean;

export interface RunSummary {
  id: number;
  experimentId: number;
  name: string;
  family: Family;
  status: RunStatus;
  error: string | null;
  backend: BackendName | null;
  /** XNNPACK threads the wasm backend used (issue 17); absent for other backends and runs recorded before they were. */
  wasmThreads?: number;
  seed: number;
  datasetId: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** Flattened hyperparameters (hyper.learningRate → learningRate, …). */
  params: Record<string, ParamValue>;
  /** Latest value of every metric key. */
  latest: Record<string, number>;
  /**
   * Best value of the headline metrics (max accuracies, min losses) over the
   * whole run; a test metric of a family with a validation metric is instead
   * its value where that metric was best (chosenBy), never its own extreme.
   */
  best: Record<string, number>;
  /** The validation metric and step at which `best`'s test metrics were read; null when the run has none. */
  chosenBy: { key: string; step: number } | null;
  /**
   * The first logged value of the family's divergence loss (its descriptor's
   * `divergence.loss`), so the runs table and the CLI apply the whole rule
   * (workers/common/families/divergence.ts); absent for other families.
   */
  firstLoss?: number;
  /** Progress of a running run, when known. */
  progress: RunProgress | null;
  /** The run's tags, sorted (by code point). */
  tags: string[];
  /** The researcher's notes, markdown as written ('' when none); shown as plain text. */
  notes: string;
  /** Starred runs are listed first on the experiment page. */
  starred: boolean;
  /** Archived runs are left out of runs.list unless asked for (includeArchived, or a filter on archived). */
  archived: boolean;
  /** The run this one reproduces (runs.reproduce); null for a run started otherwise, or once its origin is deleted. */
  originRunId: number | null;
  /** What the run trained, for the runs table: its document's name, and the saved architecture and version (null for templates and inline documents). */
  architectureRef: RunArchitectureRef;
}

export interface RunArchitectureRef {
  id: number | null;
  version: number | null;
  name: string;
}

/** What runs.delete removed: the run's rows, and its folder on disk. */
export interface RunDeletion {
  id: number;
  /** The run's folder (checkpoints, galleries) removed with it; null when it had none. */
  folder: string | null;
}

export interface RunProgress {
  epoch: number;
  epochs: number;
  step: number;
  totalSteps: number;
  /** Estimated milliseconds left, from the rate so far. */
  etaMs: number | null;
}

export interface RunDetail extends RunSummary {
  config: RunConfig;
  architecture: Architecture;
  /** The saved architecture the run trained, and its exact version (null for templates and inline documents). */
  architectureId: number | null;
  architectureVersion: number | null;
  datasetHash: string;
  appVersion: string;
  /** Last checkpoint, when one was written: resume starts from it. */
  checkpoint: { epoch: number; step: number } | null;
  resumable: boolean;
  /** The runs that reproduce this one (runs.reproduce), oldest first. */
  reproductionIds: number[];
}

export interface MetricSeries {
  key: string;
  steps: number[];
  values: number[];
  wallTimes: number[];
  /**
   * Set only when the answer was thinned (runs.metrics with maxPoints): how many
   * points the series (or the asked range of it) holds at full resolution.
   */
  totalPoints?: number;
}

/**
 * A run's summary of one metric, kept by the store as points arrive (the runs
 * table reads it instead of the points). It covers every point stored: a step
 * re-logged after a resume counts again.
 */
export interface MetricSummary {
  /** The latest point's value (highest step, ties to the newest write); NaN when that point was NaN. */
  last: number;
  lastStep: number;
  /** Over the finite values only; null when there was none. */
  min: number | null;
  max: number | null;
  /** Points stored, the non-finite ones (NaN, ±Infinity) included. */
  count: number;
  /** How many of them were NaN or ±Infinity. */
  nonFinite: number;
  /** The first step at which min (max) was reached; null when there was no finite value. */
  minStep: number | null;
  maxStep: number | null;
}

/**
 * A metric summary as runs.summaries sends it. JSON has no NaN or ±Infinity,
 * so a non-finite `last` is null on both transports alike (`nonFinite` says
 * such points exist); min and max cover finite values only already.
 */
export interface RunMetricSummary extends Omit<MetricSummary, 'last'> {
  last: number | null;
  /**
   * The better end by the metric's direction in the run's family catalogue
   * (max when higher is better, min when lower is), else `last`; null when
   * there is no finite value to give. A test metric of a family with a
   * validation metric is the exception (selectedBy): its value where the
   * validation metric was best, as choosing on test would flatter the run.
   */
  best: number | null;
  /** Set when `best` was chosen on validation: the validation metric and the step it chose. */
  selectedBy: { key: string; step: number } | null;
}

/** One run's summaries of its metrics (runs.summaries), by key. */
export interface RunMetricSummaries {
  runId: number;
  metrics: Record<string, RunMetricSummary>;
}

/** A number on the wire where JSON cannot carry it: NaN and ±Infinity as strings. */
export type WireNumber = number | 'NaN' | 'Inf' | '-Inf';

export function encodeWireNumber(v: number): WireNumber {
  if (Number.isFinite(v)) return v;
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Inf' : '-Inf';
}

export function decodeWireNumber(v: WireNumber): number {
  switch (v) {
    case 'NaN': return Number.NaN;
    case 'Inf': return Number.POSITIVE_INFINITY;
    case '-Inf': return Number.NEGATIVE_INFINITY;
    default: return v;
  }
}

/** Steps, wall times, or epochs (a step metric's steps placed by the run's epoch ends: main/common/series/epochAxis.ts). */
export type CompareAxis = 'step' | 'wall' | 'epoch';

/**
 * One run's series of one metric for the compare view (runs.compareSeries),
 * cut to the requested x range and min/max-downsampled: every bucket's first,
 * last, lowest and highest point and every non-finite point are kept.
 */
export interface CompareSeries {
  runId: number;
  key: string;
  /** Steps, wall times (ms since the epoch) or epochs (fractional for step metrics), ascending. */
  xs: number[];
  ys: WireNumber[];
  /** Points in the run's whole series (a re-logged step once), before the range and downsampling. */
  total: number;
}

export interface LogLine {
  id: number;
  runId: number;
  time: number;
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** Built in (MNIST, shipped with the app) or imported by the user from an IDX set or an image folder. */
export type DatasetKind = 'builtin' | 'idx' | 'image-folder';
export const importKinds = ['idx', 'image-folder'] as const;
export type ImportKind = (typeof importKinds)[number];

export interface DatasetInfo {
  id: string;
  name: string;
  description: string;
  kind: DatasetKind;
  trainSize: number;
  testSize: number;
  /** [height, width, channels]. */
  inputShape: number[];
  numClasses: number;
  /** Name of each class, by label. */
  classNames: string[];
  /** Imported sets: the folder it was imported from (else null). */
  sourcePath: string | null;
  /** Imported sets: sha256 of the converted files, as runs record it (else null). */
  contentHash: string | null;
  /** Imported sets: when (else null). */
  createdAt: number | null;
  /** Imported sets: how the split was drawn from a folder without train/ and test/ (else null). */
  split: { testFraction: number; seed: number } | null;
}

/** What datasets.remove did: the runs that trained on the set keep their records. */
export interface DatasetRemoval {
  id: string;
  name: string;
  /** Runs that trained on it: kept, but they can no longer be resumed or analysed. */
  runsKept: number[];
  message: string;
}

/** A text corpus for the sequence family: built in (shipped with the app) or imported from a UTF-8 file. */
export interface CorpusInfo {
  id: string;
  name: string;
  description: string;
  kind: 'builtin' | 'imported';
  /** Imported corpora: the file it was imported from (else null). */
  sourcePath: string | null;
  /** Code points of the text (an emoji counts once). */
  characters: number;
  /** Lines of the text (null when its file cannot be read: see `error`). */
  lines: number | null;
  /** Distinct characters in the text. */
  distinctCharacters: number;
  /** A char-level run's vocabulary size: the distinct characters and the 4 reserved tokens. */
  charVocabularySize: number;
  /** Unigram entropy of the characters, bits per character: what a char model must beat (null when its file cannot be read). */
  unigramBitsPerChar: number | null;
  /** sha256 of the text's UTF-8 bytes, 'sha256:<hex>'. */
  contentHash: string;
  /** What the import noted (BOM dropped, line endings replaced). */
  notes: string[];
  /** Imported corpora: when (else null). */
  createdAt: number | null;
  /** Why the text cannot be read right now (its file missing or damaged), else null. */
  error: string | null;
}

/** One reference classifier on disk: trained and cached by the app, or imported by the user. */
export interface ReferenceClassifierEntry {
  /** Its weights' sha256 ('' for a cache entry saved before hashes were recorded: computed when next used) and test accuracy. */
  identity: ReferenceIdentity;
  /** Its folder, relative to the data folder. */
  dir: string;
  createdAt: string;
  /** Imported ones: the model.json (or folder) it was copied from, else null. */
  importedFrom: string | null;
}

/**
 * Which classifier scores a dataset's generative runs (Inception-style
 * score, Fréchet distance, class coverage): its imported feature extractor
 * when it has one, else the classifier the app trains on first need (the
 * run's reference template and epochs) and caches. Scores are comparable
 * only between runs scored by the same hash.
 */
export interface ReferenceClassifierInfo {
  datasetId: string;
  datasetName: string;
  imported: ReferenceClassifierEntry | null;
  /** Classifiers the app trained for this dataset, one per template × epochs × training-set size. */
  trained: ReferenceClassifierEntry[];
}

/** What referenceClassifiers.remove did. */
export interface ReferenceClassifierRemoval {
  datasetId: string;
  message: string;
}

/** What corpora.remove did. Runs that named the corpus keep their configs and records. */
export interface CorpusRemoval {
  id: string;
  name: string;
  message: string;
}

export interface Settings {
  backend: BackendChoice;
  /** How many runs may train at once (one worker per core by default). */
  maxConcurrentRuns: number;
  /**
   * XNNPACK threads the wasm backend's matrix kernels use within one run
   * (1..cores; 1, the default, is single-threaded). Other backends ignore it.
   */
  wasmThreads: number;
}

export interface SystemInfo {
  appVersion: string;
  dataDir: string;
  /** Backends whose packages can be loaded on this machine, best first. */
  availableBackends: BackendName[];
  cpuCount: number;
  /** Why the data folder is open read-only (its disk was full at start), null when it is writable. */
  readOnly: string | null;
}

/** One version of a saved architecture: (id, version) addresses it. */
export interface ArchitectureRef {
  id: number;
  version: number;
}

/** A saved architecture version without its document (architectures.versions). */
export interface ArchitectureVersionInfo {
  id: number;
  name: string;
  family: ArchitectureFamily;
  version: number;
  createdAt: number;
  /** The version's commit message, or null. */
  note: string | null;
  /** The version this one was forked from (another architecture's, usually), or null. */
  forkOf: ArchitectureRef | null;
  /** Runs that trained exactly this version. */
  runCount: number;
}

/** A saved architecture version with its document (architectures.get/list/save). */
export interface ArchitectureInfo extends ArchitectureVersionInfo {
  /** A latent-graph document for classifiers; a latent-model with the family's parts for the others. */
  architecture: Architecture;
  /** How many versions the architecture has (this one is the latest when version === versionCount). */
  versionCount: number;
}

/** A file a run produced (an image grid, a scatter's data, a checkpoint), with its row. */
export interface ArtifactInfo {
  id: number;
  runId: number;
  /** One of the artifact catalogue's kinds (StoredArtifactKind: a family's, an analysis's, or 'checkpoint'). */
  kind: string;
  step: number;
  /** The artifact's meta: an ImageGridMeta for image kinds (workers/common/gallery.ts). */
  meta: Record<string, unknown>;
  createdAt: number;
  /** MIME type of the file (image/png, application/json, or inode/directory for checkpoints). */
  mime: string;
}

/** An artifact's bytes, base64-encoded, for both transports. */
export interface ArtifactContent {
  id: number;
  mime: string;
  base64: string;
}

/** One dataset image as a small PNG, for pickers. */
export interface DatasetImage {
  index: number;
  label: number;
  pngBase64: string;
}

/**
 * A runs page's view saved under a name: per experiment, or for the all-runs
 * page (experimentId null). The name is unique within that scope; saving
 * under a taken name replaces that view's state.
 */
/** A ready experiment a family offers (presets.list). */
export interface PresetInfo {
  id: string;
  family: string;
  title: string;
  description: string;
  /** The experiment it creates (a number is appended when the name is taken). */
  experiment: string;
  /** How many runs it queues. */
  runs: number;
}

/** What launching a ready experiment made. */
export interface PresetLaunch {
  experimentId: number;
  experiment: string;
  /** The saved view that shows the comparison. */
  viewId: number;
  runIds: number[];
}

export interface SavedView {
  id: number;
  experimentId: number | null;
  name: string;
  state: SavedViewState;
  createdAt: number;
  updatedAt: number;
}

/** The stages of a dataset or corpus import, in order; a download adds its own stage first. */
export const importStages = ['download', 'read', 'convert', 'checksum', 'done'] as const;
export type ImportStage = (typeof importStages)[number];

/**
 * How far an import (or a download, then its import) is: pushed as
 * datasets.onDidImportProgress. `done` of `total` rises within a stage and its
 * `detail` (one file of a download); 'done' comes once, after the record.
 */
export interface ImportProgress {
  target: 'dataset' | 'corpus';
  /** The name the import was asked with: unique among imports running at once. */
  name: string;
  stage: ImportStage;
  done: number;
  total: number;
  /** 'steps': a stage with nothing to count (0 of 1 when it starts, 1 of 1 when it ends). */
  unit: 'bytes' | 'files' | 'steps';
  /** What the stage works on ("train-images-idx3-ubyte.gz (1 of 4)"), or ''. */
  detail: string;
}
