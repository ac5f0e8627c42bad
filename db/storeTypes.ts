/**
 * The store interface: every read and write the services make. SQL lives
 * only behind it (db/), and rows never leave it: they come back as domain objects.
 */
import type { BundleImportPlan, BundleImportResult, RunExport, UnfinishedRun } from './queries/bundles';
import type { ChangeCursor, StoreChanges } from './queries/changes';
import type {
  ArchitectureFamily, ArchitectureInfo, ArchitectureRef, ArchitectureVersionInfo, Experiment, LogLine, MetricSeries, MetricSummary, ParamValue, RunStatus, SavedView,
} from '../main/common/domain';
import type { SavedViewState } from '../main/common/savedView';
import type { StepRange } from '../main/common/series/metricSeriesDownsample';
import type { Architecture } from '../workers/common/graph';
import type { BackendName, CheckpointRef, MetricPoint } from '../workers/common/protocol';
import type { Family, RunConfig } from '../workers/common/runConfig';
import type { CompiledRunFilter } from './queries/runFilter';
import type { RunLoss } from './queries/runs';
import type { SelectedValues } from './queries/metrics';
import type { RewindPoint, RewindReport } from './queries/metricRewind';
import type { ValidationChoice } from '../workers/common/families/descriptor';

export interface RunRecord {
  id: number;
  experimentId: number;
  name: string;
  family: Family;
  status: RunStatus;
  error: string | null;
  /**
   * The run's config, upgraded and parsed when read; null when the stored
   * one cannot be read (configError says why). Such a run is still listed,
   * with its status and records, but cannot be resumed or analysed.
   */
  config: RunConfig | null;
  configError: string | null;
  architecture: Architecture;
  architectureId: number | null;
  architectureVersion: number | null;
  seed: number;
  datasetId: string;
  datasetHash: string;
  backend: BackendName | null;
  /** XNNPACK threads the wasm backend used (issue 17); null for another backend or a run recorded before they were. */
  wasmThreads: number | null;
  appVersion: string;
  createdAt: number;
  startedAt: number | null;
  endedAt: number | null;
  /** The researcher's notes (markdown as written); '' when none. */
  notes: string;
  starred: boolean;
  archived: boolean;
  /** The run this one reproduces (runs.reproduce); null for a run started otherwise, or once its origin is deleted. */
  originRunId: number | null;
}

/** A run as a runs table lists it (Store.listRunSummaries): no config or architecture document, but the document's name. */
export type RunListRecord = Omit<RunRecord, 'config' | 'architecture'> & { architectureName: string };

/** What updateRun changes: only the fields given. */
export interface RunUpdate {
  name?: string;
  notes?: string;
  starred?: boolean;
  archived?: boolean;
}

/** Which runs listRuns returns: all, one experiment's, and/or those a compiled runs filter keeps. */
export interface RunListFilter {
  experimentId?: number;
  /** Leave out archived runs (the runs table's default view). */
  excludeArchived?: boolean;
  /** compileRunFilter's output: a boolean expression over `runs r` and its bound values. */
  where?: CompiledRunFilter;
  /** At most this many runs, the first of the same order. */
  limit?: number;
}

export interface NewRun {
  experimentId: number;
  name: string;
  family: Family;
  config: RunConfig;
  architecture: Architecture;
  architectureId?: number | null;
  architectureVersion?: number | null;
  seed: number;
  datasetId: string;
  datasetHash: string;
  appVersion: string;
  /** Typed hyperparameters, stored one row each for filtering and comparison. */
  params: Record<string, ParamValue>;
  /** The run this one reproduces (runs.reproduce). */
  originRunId?: number | null;
}

export interface ArtifactRecord {
  id: number;
  runId: number;
  kind: string;
  step: number;
  /** Path relative to the data directory. */
  path: string;
  meta: Record<string, unknown>;
  createdAt: number;
}

/** A new version of a saved architecture (version 1 when the name is new). */
export interface NewArchitectureVersion {
  name: string;
  family: ArchitectureFamily;
  /** A GraphDocument for classifiers, a ModelDocument with the family's parts for the others (the caller checks the fit). */
  architecture: Architecture;
  /** The version's commit message (at most 500 characters); blank means none. */
  note?: string | null;
  /** The version this one is a fork of; it must exist. */
  forkOf?: ArchitectureRef | null;
}

/**
 * Why saveArchitecture refused: the family is not one with saved
 * architectures ('unknown-family'), the name exists with another family
 * ('family-mismatch'), or forkOf names no version ('no-fork-parent'). The
 * message says so in words a researcher can act on.
 */
export class ArchitectureSaveError extends Error {
  constructor(readonly reason: 'unknown-family' | 'family-mismatch' | 'no-fork-parent', message: string) {
    super(message);
    this.name = 'ArchitectureSaveError';
  }
}

/**
 * Why setRunTags refused: a tag blank once trimmed ('empty-tag'), longer than
 * 64 characters once trimmed ('tag-too-long'), or no run with that id
 * ('no-run'). Nothing was changed; the message names the problem.
 */
export class RunTagError extends Error {
  constructor(readonly reason: 'empty-tag' | 'tag-too-long' | 'no-run', message: string) {
    super(message);
    this.name = 'RunTagError';
  }
}

export interface ArchitectureFilter {
  family?: ArchitectureFamily;
}

export type ImportedDatasetKind = 'idx' | 'image-folder';

/** An imported dataset (its files are in <data>/datasets/<id>/). */
export interface DatasetRecord {
  id: string;
  name: string;
  kind: ImportedDatasetKind;
  sourcePath: string;
  /** [height, width, channels]. */
  inputShape: [number, number, number];
  numClasses: number;
  classNames: string[];
  trainSize: number;
  testSize: number;
  contentHash: string;
  testFraction: number | null;
  splitSeed: number | null;
  notes: string;
  createdAt: number;
}

export type NewDataset = Omit<DatasetRecord, 'createdAt'>;

/** An imported text corpus (its decoded text is <data>/corpora/<id>.txt). */
export interface CorpusRecord {
  id: string;
  name: string;
  /** The file it was imported from (absolute). */
  sourcePath: string;
  /** Code points of the decoded text. */
  characters: number;
  /** Distinct code points (the char vocabulary without the reserved tokens). */
  distinctCharacters: number;
  /** sha256 of the stored text's UTF-8 bytes, 'sha256:<hex>'. */
  contentHash: string;
  /** What the import noted (BOM dropped, line endings replaced), one note per line. */
  notes: string;
  createdAt: number;
}

export type NewCorpus = Omit<CorpusRecord, 'createdAt'>;

/** Who holds a run (db/queries/runLeases.ts): its owning process and the child process training it. */
export interface RunLease {
  runId: number;
  /** '<host>:<pid>:<nonce>' (db/runOwner.ts); null for runs from before 0012 and imported runs. */
  owner: string | null;
  /** The training child's pid; null for a worker thread or a run from before 0013. */
  hostPid: number | null;
}

/** An open store's lease (0014, db/queries/ownerLeases.ts): alive while its heartbeat is fresh. */
export interface OwnerLease {
  /** '<host>:<pid>:<nonce>', as in runs.owner. */
  owner: string;
  host: string;
  pid: number;
  /** When the store opened, ms since the epoch. */
  startedAt: number;
  /** The owner's last renewal, ms since the epoch on the owner's clock. */
  heartbeatAt: number;
}

/** Why a run is no longer this store's to write (db/queries/runs.ts runLoss). */
export type { RunLoss };

/** A write guarded by the run's ownership: done (with its value), or not done because the run was lost. */
export type OwnedWrite<T> = { ok: true; value: T } | { ok: false; loss: RunLoss };

/** Whether a run's owner (runs.owner; null before 0012) is gone: db/runOwner.ts ownerRule. */
export type OwnerGone = (owner: string | null) => boolean;

export interface Store {
  readonly path: string;
  /** This store's process identity, recorded as the owner of the runs it queues and trains (db/runOwner.ts). */
  readonly owner: string;
  /** Current schema version (number of the last applied migration). */
  schemaVersion(): number;

  createExperiment(name: string, description: string): Experiment;
  listExperiments(): Experiment[];
  getExperiment(id: number): Experiment | undefined;
  /** The experiment with this name, created when missing (the CLI's "Default"). */
  ensureExperiment(name: string): Experiment;
  /** Undefined when there is no such experiment; throws on an empty or taken name. */
  updateExperiment(id: number, change: { name?: string; description?: string }): Experiment | undefined;
  /** Deletes the experiment with its runs' rows and saved views (not the runs' folders: the service removes those). */
  deleteExperiment(id: number): boolean;

  createRun(run: NewRun): RunRecord;
  getRun(id: number): RunRecord | undefined;
  /** Newest first, in one query (the filter applied in SQL, never after loading). */
  listRuns(filter?: RunListFilter): RunRecord[];
  /** The same runs as listRuns, as a runs table needs them (no documents parsed). */
  listRunSummaries(filter?: RunListFilter): RunListRecord[];
  /** Each run's family by id (for the metric directions); unknown ids are absent. */
  runFamilies(runIds: readonly number[]): Map<number, string>;
  /** `wasmThreads`: XNNPACK threads in use when the backend is wasm (omitted/null otherwise). */
  markRunStarted(id: number, backend: BackendName, at: number, wasmThreads?: number | null): void;
  /** Sets status (and error, ended time for terminal statuses). */
  setRunStatus(id: number, status: RunStatus, error?: string | null, at?: number): void;
  /**
   * Runs left 'running' or 'queued' by a crash become 'interrupted'; returns
   * their ids. With `ownerGone` (db/runOwner.ts), only runs whose owner is no
   * longer running: a live process's runs on the same folder are left alone.
   */
  interruptStaleRuns(at: number, ownerGone?: OwnerGone): number[];
  /**
   * Registers this store's owner lease and starts renewing its heartbeat (an
   * unref'd timer). Idempotent; creating, queueing or starting a run calls it,
   * so read-only users of the store never hold one. Never throws: a failed
   * write is logged and retried at the next heartbeat.
   */
  holdLease(): void;
  /** Every owner lease on the folder (this store's included once held). */
  ownerLeases(): OwnerLease[];
  /**
   * The rule of db/runOwner.ts at time `at` (default now) over the lease
   * table, read at the rule's first call (so inside interruptStaleRuns's
   * transaction, after the runs it judges were read).
   */
  ownerRule(at?: number): OwnerGone;
  /** Deletes the leases whose owner the rule finds gone at `at`; returns their owners. */
  forgetGoneLeases(at?: number): string[];
  /**
   * The fence (issue 16): runs `write` in one immediate transaction only
   * while this store holds the run (runs.owner is this store's owner and the
   * run is queued or running); otherwise writes nothing and says why. The
   * check is one primary-key read inside the write's own transaction, so
   * another process cannot take the run between them. `write` may throw
   * (a full disk): the transaction is rolled back and the error rethrown.
   */
  writeIfOwned<T>(runId: number, write: () => T): OwnedWrite<T>;
  /**
   * Calls `listener` when this store's heartbeat found its lease removed by
   * another process (it took this one for gone: a heartbeat more than the
   * expiry late); returns the unsubscribe. db/ownerLease.ts.
   */
  onLeaseLost(listener: () => void): () => void;
  /** The run's owner and training child (undefined: no such run). */
  runLease(id: number): RunLease | undefined;
  /** The leases of runs left 'running' or 'queued'. */
  activeRunLeases(): RunLease[];
  /** Records the pid of the child process that trains the run (null: a worker thread). */
  setRunHostPid(id: number, pid: number | null): void;
  /** Sets the given fields of a run (name, notes, starred, archived); false when there is no such run. */
  updateRun(id: number, change: RunUpdate): boolean;
  /**
   * Deletes the run and every row that names it (params, metrics, summaries,
   * artifacts, logs, tags) in one statement; false when there was none. The
   * run's files are the caller's to remove.
   */
  deleteRun(id: number): boolean;
  /** The runs that reproduce this one (origin_run_id = id), oldest first. */
  reproductionsOf(id: number): number[];

  getParams(runId: number): Record<string, ParamValue>;
  /** Several runs' params in one query. */
  paramsOf(runIds: readonly number[]): Map<number, Record<string, ParamValue>>;

  /** Appends points in one transaction and updates the latest-metrics table. */
  appendMetrics(runId: number, points: readonly MetricPoint[]): void;
  /** Each key's series; with `range`, only the steps in it and the nearest beyond each edge (db/queries/metrics.ts). */
  getMetrics(runId: number, keys?: readonly string[], range?: StepRange): MetricSeries[];
  /** Deletes the points past a checkpoint before a resume retrains them (db/queries/metricRewind.ts); the points removed per key. */
  rewindMetrics(runId: number, to: RewindPoint, isEpochKey: (key: string) => boolean): RewindReport;
  /** Deletes the trainer's artifacts past a checkpoint's step before a resume writes them again (db/queries/artifacts.ts); the files no artifact names any more. */
  rewindArtifacts(runId: number, step: number): string[];
  /** Latest value per key for each run. */
  latestMetrics(runIds: readonly number[]): Map<number, Record<string, number>>;
  /** Best value per key for each run: max or min over all its points (NaN ignored). */
  bestMetrics(runIds: readonly number[], keys: readonly { key: string; mode: 'max' | 'min' }[]): Map<number, Record<string, number>>;
  /**
   * Each run's summary of each metric (of `keys` only, when given), kept up to
   * date by appendMetrics: an empty record for a run without points. One
   * query; never reads the points.
   */
  /** For runs with a finite value of the validation metric: the step where it was best and the selected metrics' values there. */
  selectedValues(runIds: readonly number[], choice: ValidationChoice): Map<number, SelectedValues>;
  /** Each run's first logged value of one metric (the divergence rule's starting loss). */
  firstValues(runIds: readonly number[], key: string): Map<number, number>;
  metricSummaries(runIds: readonly number[], keys?: readonly string[]): Map<number, Record<string, MetricSummary>>;

  /**
   * Replaces the run's tags: each trimmed, duplicates dropped, 1 to 64
   * characters. Returns the stored tags, sorted. Throws RunTagError (and
   * changes nothing) on a refused tag or an unknown run.
   */
  setRunTags(runId: number, tags: readonly string[]): string[];
  /** Each run's tags, sorted; an empty list for a run without any. */
  runTags(runIds: readonly number[]): Map<number, string[]>;

  addArtifact(runId: number, kind: string, step: number, path: string, meta?: Record<string, unknown>): ArtifactRecord;
  listArtifacts(runId: number, kind?: string): ArtifactRecord[];
  getArtifact(id: number): ArtifactRecord | undefined;

  /** Checkpoints are artifacts of kind 'checkpoint'; this returns the newest as a ref. */
  latestCheckpoint(runId: number): (CheckpointRef & { artifactId: number }) | undefined;

  appendLog(runId: number, level: LogLine['level'], message: string, at: number): LogLine;
  getLogs(runId: number, afterId?: number): LogLine[];

  /**
   * Saves a new version of the named architecture (version 1 when the name is
   * new). Throws ArchitectureSaveError when the name exists with another
   * family, or when forkOf names a version that does not exist.
   */
  saveArchitecture(a: NewArchitectureVersion): ArchitectureInfo;
  /** One version (the latest when version is omitted), with its document. */
  getArchitecture(id: number, version?: number): ArchitectureInfo | undefined;
  /** The latest version of each architecture (of one family, when given), by name. */
  listArchitectures(filter?: ArchitectureFilter): ArchitectureInfo[];
  /** Every version of one architecture, newest first, without documents ([] when there is none). */
  listArchitectureVersions(id: number): ArchitectureVersionInfo[];

  /** Records an imported dataset; throws when the id or (case-insensitively) the name is taken. */
  createDataset(dataset: NewDataset): DatasetRecord;
  getDataset(id: string): DatasetRecord | undefined;
  /** Every imported dataset, oldest first. */
  listDatasets(): DatasetRecord[];
  /** Deletes the row (runs that used it keep their records); false when there was none. */
  deleteDataset(id: string): boolean;
  /** Replaces an imported dataset's class names; false when there is no such dataset. */
  setDatasetClassNames(id: string, classNames: readonly string[]): boolean;
  /** The runs that name this dataset id, with their status. */
  runsUsingDataset(id: string): { id: number; status: RunStatus }[];

  /** Records an imported text corpus; throws when the id or (case-insensitively) the name is taken. */
  createCorpus(corpus: NewCorpus): CorpusRecord;
  getCorpus(id: string): CorpusRecord | undefined;
  /** Every imported corpus, oldest first. */
  listCorpora(): CorpusRecord[];
  /** Deletes the row (runs that named it keep their configs); false when there was none. */
  deleteCorpus(id: string): boolean;

  /**
   * Saved views of one scope: an experiment's (its id), the all-runs page's
   * (null), or every view (undefined); by name. A view whose stored state
   * this app cannot read is left out.
   */
  listSavedViews(experimentId: number | null | undefined): SavedView[];
  getSavedView(id: number): SavedView | undefined;
  /** Saves the state under the (trimmed) name in the scope, replacing the state of a view of that name. */
  saveView(experimentId: number | null, name: string, state: SavedViewState): SavedView;
  /** False when there was no such view. */
  deleteSavedView(id: number): boolean;

  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;

  /** One run's rows as a bundle carries them (db/queries/bundles.ts); undefined when there is no such run. */
  exportRunForBundle(runId: number): RunExport | UnfinishedRun | undefined;
  /** An imported dataset's row for a bundle (undefined for a built-in set). */
  datasetRowForBundle(id: string): Record<string, string | number | null> | undefined;
  /** Imports a bundle's rows in one transaction, calling moveFiles inside it (db/queries/bundles.ts importBundle). */
  importBundle(plan: BundleImportPlan, moveFiles: (added: ReadonlyMap<string, number>, datasetsAdded: readonly string[]) => void): BundleImportResult;
  /** A run's stable uuid (0011). */
  runUuid(runId: number): string | undefined;

  /** SQLite's data_version on this connection: it changes only when another connection commits. */
  dataVersion(): number;
  /** Where a change reader starts: everything committed so far. */
  changeCursor(): ChangeCursor;
  /** What was committed after the cursor; rows of runs this store owns are skipped (db/queries/changes.ts). */
  changesSince(cursor: ChangeCursor): StoreChanges;

  /** Checkpoints the WAL (TRUNCATE) so it does not grow without bound. */
  checkpointWal(): void;
  close(): void;
}
