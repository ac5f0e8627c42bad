/**
 * Runs: create, queue, train (through RunSession), cancel, resume, and read
 * back as domain objects. Training happens in workers; this only schedules
 * and records.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compileRunFilter } from '../../db/queries/runFilter';
import { RunTagError, type RunListRecord, type RunRecord, type Store } from '../../db/storeTypes';
import type { RewindReport } from '../../db/queries/metricRewind';
import { ApiError } from '../common/api';
import { filterMentions, parseRunFilter, RunFilterError, type RunFilterAst } from '../common/runFilter';
import type { LogLine, MetricSeries, ParamValue, RunDeletion, RunDetail, RunStatus, RunSummary } from '../common/domain';
import { terminalStatuses } from '../common/domain';
import { downsampleMetricSeries, type StepRange } from '../common/series';
import type { CheckpointRef } from '../../workers/common/protocol';
import type { DatasetEntry } from '../../workers/common/datasets';
import { chosenOnValidation } from './validationChoice';
import { diffArchitectures, formatArchitectureDiff } from '../../workers/common/architectureDiff';
import { descriptorOf, familyDescriptors, headlineMetricKeys, isFamily, metricSpec, runConfigSchema, type RunConfig } from '../../workers/common/families/registry';
import type { Architecture } from '../../workers/common/graph';
import type { DataShape } from '../../workers/common/families/descriptor';
import { formatIssue, type Issue } from '../../workers/common/runConfigBase';
import { resolveArchitecture } from './architectureResolver';
import { appVersion } from './appInfo';
import { isNative, expectedBackend } from './backendProbe';
import { checkParallelReplicas } from './parallelReplicasCheck';
import { checkReplicasWithThreads, replicasWithThreadsProblem, WASM_THREADS_ENV } from './wasmThreadsCheck';
import type { CorpusService } from './corpusService';
import type { DatasetService } from './datasetService';
import type { EventBus } from './eventBus';
import { takenOverMessage } from './runFence';
import { RunSession } from './runSession';
import { launchHost, type HostEnv, type HostKind, type HostLauncher, type TrainingHost } from './trainingHost';
import { describeOwner } from '../../db/runOwner';
import type { SettingsService } from './settingsService';

export interface RunServiceDeps {
  store: Store;
  events: EventBus;
  datasets: DatasetService;
  /** Text corpora (the sequence family's text source); without it a run on a corpus is refused. */
  corpora?: CorpusService;
  settings: SettingsService;
  dataDir: string;
  /**
   * 'process' runs every run in its own child process (what native backends
   * always get); 'auto' uses worker threads for wasm and cpu.
   */
  hostMode?: 'auto' | 'process';
  /** Starts each run's host (launchHost unless a test drives a fake one). */
  launchHost?: HostLauncher;
}

/** The metrics whose best value each run summary carries: every family's headline metrics (the runs table's "best" column). */
const headlineMetrics = headlineMetricKeys();

interface QueueEntry { runId: number; resumeFrom?: CheckpointRef }

/** Hyperparameters flattened to typed key/values, for the params table. */
export function flattenParams(config: RunConfig): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = { family: config.family, dataset: config.dataset.id };
  if (config.dataset.trainSize !== undefined) out['trainSize'] = config.dataset.trainSize;
  if (config.dataset.testSize !== undefined) out['testSize'] = config.dataset.testSize;
  if ('architecture' in config) {
    const arch = config.architecture;
    out['architecture'] = 'template' in arch ? arch.template : 'graph' in arch ? arch.graph.name : 'model' in arch ? arch.model.name : `#${arch.architectureId}`;
  }
  // What a run trains on beyond the dataset (a sequence run's corpus and window, or its task and length), by leaf name.
  if ('data' in config) addPrimitives(out, config.data);
  for (const [k, v] of Object.entries(config.hyper)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/** The number, text and yes/no values of an object and of the objects in it, by their own key ({task: {task, length}} → task, length). */
function addPrimitives(out: Record<string, ParamValue>, o: object): void {
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'object' && v !== null && !Array.isArray(v)) addPrimitives(out, v);
  }
}

/** A subset larger than the dataset's split is refused before anything is queued. */
function checkSubsetSizes(config: RunConfig, entry: DatasetEntry): void {
  const issues: Issue[] = [];
  const { trainSize, testSize } = config.dataset;
  if (trainSize !== undefined && trainSize > entry.trainSize) issues.push({ path: ['dataset', 'trainSize'], message: `${entry.name} has ${entry.trainSize} training examples; trainSize must be at most that (it is ${trainSize})` });
  if (testSize !== undefined && testSize > entry.testSize) issues.push({ path: ['dataset', 'testSize'], message: `${entry.name} has ${entry.testSize} test examples; testSize must be at most that (it is ${testSize})` });
  if (issues.length > 0) throw new ApiError('bad-request', `Invalid request for runs.start: ${issues.map(formatIssue).join('; ')}`, issues);
}

/**
 * The origin's config for its reproduction: as stored, but a saved
 * architecture is pinned to the exact version the origin trained (a spec
 * without a version means the latest, which may have moved on since).
 */
function pinnedConfig(config: RunConfig, origin: RunRecord): RunConfig {
  if (origin.architectureId === null || origin.architectureVersion === null || !('architecture' in config)) return config;
  // Parsed again rather than spread, so the result is a RunConfig of the same family without a cast.
  return runConfigSchema.parse({ ...config, architecture: { architectureId: origin.architectureId, version: origin.architectureVersion } });
}

/** The resume log's note on what a rewind removed: ": 12 points past it removed (loss 10, test_accuracy 2) and 3 files". */
function rewoundNote(removed: RewindReport, files: number): string {
  const entries = Object.entries(removed);
  const total = entries.reduce((n, [, c]) => n + c, 0);
  const parts = [
    ...(total > 0 ? [`${total} point${total === 1 ? '' : 's'} (${entries.map(([k, c]) => `${k} ${c}`).join(', ')})`] : []),
    ...(files > 0 ? [`${files} file${files === 1 ? '' : 's'}`] : []),
  ];
  return parts.length === 0 ? '' : `: ${parts.join(' and ')} logged past it removed, to be trained again`;
}

/** A runs filter parsed for runs.list, or the bad request that points at its fault. */
function parseFilter(text: string): RunFilterAst {
  try {
    return parseRunFilter(text);
  } catch (e) {
    if (!(e instanceof RunFilterError)) throw e;
    throw new ApiError('bad-request', `Invalid filter: ${e.message}`, [{ path: ['filter'], message: e.message, span: { start: e.start, end: e.end } }]);
  }
}

export class RunService {
  private readonly sessions = new Map<number, RunSession>();
  private readonly queue: QueueEntry[] = [];
  private readonly endWaiters = new Map<number, ((s: RunStatus) => void)[]>();
  private closed = false;
  /** Slots held by analyses (shareSlots); none until wired. */
  private othersActive: () => number = () => 0;

  constructor(private readonly d: RunServiceDeps) {}

  start(experimentId: number, config: RunConfig): RunSummary {
    return this.queueNew(experimentId, config, {});
  }

  /**
   * A new run in the origin's experiment that repeats it: the same config
   * (seed included), the same saved architecture version (pinned, even when
   * the origin asked for the latest), template or inline document, on the
   * same dataset with the same content hash. Refused, saying why, when the
   * dataset is gone or changed, or when a template now builds another
   * architecture than the origin trained. The new run records its origin.
   */
  reproduce(id: number): RunSummary {
    const origin = this.mustGet(id);
    const why = `Run ${id} cannot be reproduced`;
    if (origin.config === null) throw new ApiError('conflict', `${why}: ${origin.configError ?? 'its stored config cannot be read'}`);
    const entry = this.d.datasets.find(origin.datasetId);
    if (!entry) throw new ApiError('conflict', `${why}: it trained on dataset "${origin.datasetId}", which has been removed`);
    const hash = this.d.datasets.hash(entry);
    if (hash !== origin.datasetHash) {
      throw new ApiError('conflict', `${why}: dataset "${entry.name}" (${entry.id}) has changed since it trained (its hash is ${hash} now, was ${origin.datasetHash})`);
    }
    const config = pinnedConfig(origin.config, origin);
    const name = `${origin.name} (reproduction)`.slice(0, 200);
    return this.queueNew(origin.experimentId, config, { name, originRunId: id, expected: origin.architecture });
  }
  /**
   * Resume must never start a second trainer on a run (issue 16, point 2):
   * not while this process still has a session or a queue entry for it, and
   * not while another live process owns it — a run another process trains
   * stays 'running', and one an older build's sweep marked interrupted while
   * its owner lived is still being trained there.
   */
  private refuseOwnedElsewhere(id: number, status: RunStatus): void {
    if (this.sessions.has(id) || this.queue.some((q) => q.runId === id)) {
      throw new ApiError('conflict', `Run ${id} is still ${this.sessions.has(id) ? 'training' : 'queued'} in this process: cancel it, or wait for it to end, before resuming`);
    }
    const owner = this.d.store.runLease(id)?.owner ?? null;
    // The owner's lease (0014): a fresh heartbeat, and on this host a live pid (db/runOwner.ts ownerRule).
    if (owner === null || owner === this.d.store.owner || this.d.store.ownerRule()(owner)) return;
    if (status === 'running' || status === 'queued' || status === 'interrupted') {
      throw new ApiError('conflict', `Run ${id} is owned by ${describeOwner(owner)}, which is still running: resume it there, or stop that process first`);
    }
  }

  cancel(id: number): RunSummary {
    const run = this.mustGet(id);
    const session = this.sessions.get(id);
    if (session) {
      session.cancel();
    } else if (run.status === 'queued') {
      const i = this.queue.findIndex((q) => q.runId === id);
      if (i >= 0) this.queue.splice(i, 1);
      this.d.store.setRunStatus(id, 'cancelled', null, Date.now());
      this.d.store.appendLog(id, 'info', 'Run cancelled before it started', Date.now());
      this.changed(id);
      this.notifyEnd(id, 'cancelled');
    } else {
      throw new ApiError('conflict', `Run ${id} is ${run.status}; only queued or running runs can be cancelled`);
    }
    return this.summary(id);
  }

  resume(id: number): RunSummary {
    const run = this.mustGet(id);
    this.refuseOwnedElsewhere(id, run.status);
    if (!(['cancelled', 'interrupted', 'failed'] as RunStatus[]).includes(run.status)) {
      throw new ApiError('conflict', `Run ${id} is ${run.status}; only cancelled, interrupted or failed runs can be resumed`);
    }
    if (run.config === null) throw new ApiError('conflict', run.configError ?? `Run ${id}'s stored config cannot be read`);
    const ckpt = this.d.store.latestCheckpoint(id);
    if (!ckpt) throw new ApiError('conflict', `Run ${id} has no checkpoint to resume from (checkpoints are written at the end of each epoch)`);
    if (!this.d.datasets.find(run.datasetId)) {
      throw new ApiError('conflict', `Run ${id} trained on dataset "${run.datasetId}", which has been removed: it cannot be resumed (its records are kept)`);
    }
    const settings = this.d.settings.get();
    checkReplicasWithThreads(run.config, expectedBackend(settings.backend), settings.wasmThreads); // before its records are rewound
    const resumeFrom: CheckpointRef = { dir: path.resolve(this.d.dataDir, ckpt.dir), epoch: ckpt.epoch, step: ckpt.step };
    // The steps past the checkpoint are trained again: their old points go, so no (key, step) is written twice.
    const rewound = this.d.store.rewindMetrics(id, ckpt, (key) => metricSpec(run.family, key)?.x === 'epoch');
    // And the images and documents it wrote past the checkpoint: the resumed trainer writes them again.
    const dropped = this.d.store.rewindArtifacts(id, ckpt.step);
    for (const rel of dropped) fs.rmSync(path.resolve(this.d.dataDir, rel), { recursive: true, force: true });
    this.d.store.setRunStatus(id, 'queued', null);
    this.d.store.appendLog(id, 'info', `Resuming from the checkpoint after epoch ${ckpt.epoch}${rewoundNote(rewound, dropped.length)}`, Date.now());
    this.queue.push({ runId: id, resumeFrom });
    this.changed(id);
    this.pump();
    return this.summary(id);
  }

  /**
   * Newest first: all runs, one experiment's, and those a runs filter keeps
   * (parsed here, applied in SQL in the same query). A filter that does not
   * parse is a bad request whose issue underlines the token at fault.
   * Archived runs are left out unless includeArchived is true or the filter
   * names `archived` (then it decides: `archived = true` lists only them).
   */
  list(opts: { experimentId?: number | undefined; filter?: string | undefined; includeArchived?: boolean | undefined; limit?: number | undefined } = {}): RunSummary[] {
    const where = opts.filter === undefined ? undefined : parseFilter(opts.filter);
    const excludeArchived = opts.includeArchived !== true && (where === undefined || !filterMentions(where, 'archived'));
    const runs = this.d.store.listRunSummaries({
      excludeArchived,
      ...(opts.limit === undefined ? {} : { limit: opts.limit }),
      ...(opts.experimentId === undefined ? {} : { experimentId: opts.experimentId }),
      ...(where === undefined || where.kind === 'all' ? {} : { where: compileRunFilter(where) }),
    });
    return this.summaries(runs);
  }

  summary(id: number): RunSummary {
    const r = this.mustGet(id);
    const [s] = this.summaries([{ ...r, architectureName: r.architecture.name }]);
    if (!s) throw new ApiError('not-found', `Run ${id} does not exist`);
    return s;
  }

  /**
   * The runs' summaries with a fixed number of queries: params, latest
   * values, the headline metrics' best (test metrics read where validation
   * chose, when the family has a validation metric) and tags.
   */
  private summaries(runs: readonly RunListRecord[]): RunSummary[] {
    const { store } = this.d;
    const ids = runs.map((r) => r.id);
    const params = store.paramsOf(ids);
    const latest = store.latestMetrics(ids);
    const best = store.bestMetrics(ids, headlineMetrics);
    const chosen = chosenOnValidation(store, runs);
    const tags = store.runTags(ids);
    const firstLoss = firstLosses(store, runs);
    return runs.map((r) => {
      const c = chosen.get(r.id);
      const b = { ...best.get(r.id), ...c?.values };
      const summary = this.toSummary(r, params.get(r.id) ?? {}, latest.get(r.id) ?? {}, b, c ? { key: c.key, step: c.step } : null, tags.get(r.id) ?? []);
      const first = firstLoss.get(r.id);
      return first === undefined ? summary : { ...summary, firstLoss: first };
    });
  }

  /** Replaces the run's tags (trimmed, each once; none clears them) and tells every window. */
  setTags(id: number, tags: readonly string[]): RunSummary {
    try {
      this.d.store.setRunTags(id, tags);
    } catch (e) {
      if (!(e instanceof RunTagError)) throw e;
      if (e.reason === 'no-run') throw new ApiError('not-found', e.message);
      throw new ApiError('bad-request', `Invalid tags: ${e.message}`, [{ path: ['tags'], message: e.message }]);
    }
    this.changed(id);
    return this.summary(id);
  }

  /** Renames, annotates, stars or archives a run (only the fields given) and tells every window. */
  update(id: number, change: { name?: string | undefined; notes?: string | undefined; starred?: boolean | undefined; archived?: boolean | undefined }): RunSummary {
    const ok = this.d.store.updateRun(id, {
      ...(change.name === undefined ? {} : { name: change.name }),
      ...(change.notes === undefined ? {} : { notes: change.notes }),
      ...(change.starred === undefined ? {} : { starred: change.starred }),
      ...(change.archived === undefined ? {} : { archived: change.archived }),
    });
    if (!ok) throw new ApiError('not-found', `Run ${id} does not exist`);
    this.changed(id);
    return this.summary(id);
  }

  /**
   * Deletes a run that is not training: its rows first (params, metrics,
   * artifacts, logs and tags cascade), then its folder `<data>/runs/<id>/`
   * (checkpoints, galleries), so a failure to remove files never leaves rows
   * pointing at half-deleted ones. Refused while it is queued or running:
   * cancel it first.
   */
  delete(id: number): RunDeletion {
    const run = this.mustGet(id);
    if (run.status === 'queued' || run.status === 'running' || this.sessions.has(id) || this.queue.some((q) => q.runId === id)) {
      throw new ApiError('conflict', `Run ${id} is ${run.status}; cancel it before deleting it`);
    }
    if (!this.d.store.deleteRun(id)) throw new ApiError('not-found', `Run ${id} does not exist`);
    const dir = path.join(this.d.dataDir, 'runs', String(id));
    const existed = fs.existsSync(dir);
    fs.rmSync(dir, { recursive: true, force: true });
    this.d.events.emit('runs.onDidDelete', { id });
    return { id, folder: existed ? dir : null };
  }

  detail(id: number): RunDetail {
    const r = this.mustGet(id);
    // Listed with its error, but there is no config to show (the metrics, logs and artifacts can still be read).
    if (r.config === null) throw new ApiError('conflict', r.configError ?? `Run ${id}'s stored config cannot be read`);
    const s = this.summary(id);
    const ckpt = this.d.store.latestCheckpoint(id);
    return {
      ...s,
      config: r.config,
      architecture: r.architecture,
      architectureId: r.architectureId,
      architectureVersion: r.architectureVersion,
      datasetHash: r.datasetHash,
      appVersion: r.appVersion,
      checkpoint: ckpt ? { epoch: ckpt.epoch, step: ckpt.step } : null,
      resumable: ckpt !== undefined && (['cancelled', 'interrupted', 'failed'] as RunStatus[]).includes(r.status),
      reproductionIds: this.d.store.reproductionsOf(id),
    };
  }

  /**
   * The run's series (all keys, or these), at full resolution unless
   * `maxPoints` asks for them thinned or `range` for a window of steps
   * (main/common/series/metricSeriesDownsample.ts): a 200,000-step run's
   * page paints from a few thousand points and asks for more when zoomed.
   * A zoom reads only its window's rows (plus the point beyond each edge).
   */
  metrics(id: number, keys?: string[], view: { maxPoints?: number | undefined; range?: StepRange | undefined } = {}): MetricSeries[] {
    this.mustGet(id);
    const series = this.d.store.getMetrics(id, keys, view.range);
    if (view.maxPoints === undefined && view.range === undefined) return series;
    return series.map((s) => downsampleMetricSeries(s, view));
  }

  logs(id: number, afterId?: number): LogLine[] {
    this.mustGet(id);
    return this.d.store.getLogs(id, afterId);
  }

  /** Resolves when the run reaches a terminal status. */
  waitForEnd(id: number): Promise<RunStatus> {
    const r = this.mustGet(id);
    if (terminalStatuses.includes(r.status) && !this.sessions.has(id) && !this.queue.some((q) => q.runId === id)) return Promise.resolve(r.status);
    return new Promise((resolve) => {
      const list = this.endWaiters.get(id) ?? [];
      list.push(resolve);
      this.endWaiters.set(id, list);
    });
  }

  /** Test and shutdown hook: kill a run's host as a crash would. */
  killHost(id: number): boolean {
    const s = this.sessions.get(id);
    if (!s) return false;
    s.kill();
    return true;
  }

  /** Runs training in this process now: each holds one of settings.maxConcurrentRuns' slots (analyses wait for a free one). */
  activeCount(): number {
    return this.sessions.size;
  }

  /**
   * Analyses share maxConcurrentRuns with runs: `othersActive` counts the
   * slots they hold, and the returned function starts queued runs when one
   * of theirs frees (queued runs go before waiting analyses).
   */
  shareSlots(othersActive: () => number): () => void {
    this.othersActive = othersActive;
    return () => this.pump();
  }

  /**
   * The lease keeper found this process's lease removed (another process
   * took it for gone): every session asks at once whether its run is still
   * this process's, and those taken over stop, writing nothing more (each
   * says so on the console; their windows get runs.onDidChange as they end).
   * Runs still held train on. Returns the runs stopped.
   */
  stopTakenOver(): number[] {
    return [...this.sessions].filter(([, s]) => !s.checkOwnership()).map(([id]) => id);
  }

  /** Stops every host; their runs become 'interrupted' (resumable from the last checkpoint), except those another process took over. */
  async close(): Promise<void> {
    this.closed = true;
    for (const q of this.queue.splice(0)) {
      this.d.store.writeIfOwned(q.runId, () => this.d.store.setRunStatus(q.runId, 'interrupted', 'The app stopped while this run was queued', Date.now()));
    }
    const pending = [...this.sessions].map(([id, session]) => {
      const p = this.waitForEnd(id);
      session.kill();
      return p.then(() => {
        if (!session.takenOver) this.d.store.setRunStatus(id, 'interrupted', 'The app stopped while this run was training', Date.now());
      });
    });
    await Promise.all(pending);
  }

  /**
   * The one way a run is created (runs.start and runs.reproduce): checks the
   * experiment, the dataset and the subset sizes, resolves the architecture,
   * records the run and queues it. A reproduction passes the architecture
   * its origin trained, and is refused if the config resolves to another.
   */
  private queueNew(experimentId: number, config: RunConfig, o: { name?: string; originRunId?: number; expected?: Architecture }): RunSummary {
    const { store } = this.d;
    if (!store.getExperiment(experimentId)) throw new ApiError('not-found', `Experiment ${experimentId} does not exist`);
    const settings = this.d.settings.get();
    checkParallelReplicas(config, expectedBackend(settings.backend));
    checkReplicasWithThreads(config, expectedBackend(settings.backend), settings.wasmThreads);
    const entry = this.d.datasets.get(config.dataset.id);
    // A run that trains on something else than the dataset (a GAN's 2-D toy) uses none of its examples.
    const dataOverride = descriptorOf(config.family).dataOverride?.(config);
    if (dataOverride === undefined) checkSubsetSizes(config, entry);
    const arch = resolveArchitecture(store, config, this.dataShapeOf(config, entry));
    if (o.expected !== undefined && o.originRunId !== undefined) {
      const diff = diffArchitectures(o.expected, arch.architecture);
      if (!diff.same) {
        throw new ApiError('conflict', `Run ${o.originRunId} cannot be reproduced: its architecture spec now builds another architecture than it trained (${formatArchitectureDiff(diff).slice(1).map((l) => l.trim()).join('; ')})`);
      }
    }
    const run = store.createRun({
      experimentId,
      name: o.name ?? (config.name?.trim() || `${config.family}-${arch.architecture.name}`),
      family: config.family,
      config,
      architecture: arch.architecture,
      architectureId: arch.architectureId,
      architectureVersion: arch.architectureVersion,
      seed: config.hyper.seed,
      datasetId: entry.id,
      datasetHash: this.d.datasets.hash(entry),
      appVersion,
      params: flattenParams(config),
      originRunId: o.originRunId ?? null,
    });
    const what = o.originRunId === undefined ? 'Queued' : `Queued as a reproduction of run ${o.originRunId}:`;
    store.appendLog(run.id, 'info', `${what} ${config.family} run on ${dataOverride ?? entry.name}`, Date.now());
    this.queue.push({ runId: run.id });
    this.changed(run.id);
    this.pump();
    return this.summary(run.id);
  }

  /**
   * What the run's contract is built for: its dataset's shape and classes,
   * or, for a run on a text corpus (the descriptor's corpusOf), the window
   * length and the vocabulary the worker will build. An unknown corpus is
   * refused on data.corpus, naming the corpora there are.
   */
  private dataShapeOf(config: RunConfig, entry: DatasetEntry): DataShape {
    const corpus = descriptorOf(config.family).corpusOf?.(config);
    if (corpus === undefined) return entry;
    if (!this.d.corpora) throw new ApiError('bad-request', `This ${config.family} run trains on the text corpus "${corpus.id}", but text corpora are not available here`, [{ path: ['data', 'corpus'], message: 'text corpora are not available' }]);
    const numClasses = this.d.corpora.vocabularySize(corpus.id, corpus.level, corpus.vocabularyCap, corpus.maxCharacters);
    return { inputShape: [corpus.sequenceLength], numClasses };
  }

  private pump(): void {
    if (this.closed) return;
    const settings = this.d.settings.get();
    while (this.sessions.size + this.othersActive() < settings.maxConcurrentRuns && this.queue.length > 0) {
      const next = this.queue.shift()!;
      // A run queued here that another process took over while it waited for a slot (this one was taken for gone) is not started.
      const mine = this.d.store.writeIfOwned(next.runId, () => this.d.store.setRunStatus(next.runId, 'running', null));
      if (!mine.ok) {
        console.warn(takenOverMessage(next.runId, mine.loss));
        this.changed(next.runId);
        this.notifyEnd(next.runId, 'interrupted');
        continue;
      }
      const backend = expectedBackend(settings.backend);
      const queued = this.d.store.getRun(next.runId);
      const datasetId = queued?.datasetId ?? '';
      const datasetEntry = this.d.datasets.find(datasetId);
      // The wasm threads setting may have changed while the run waited: refused again here, as at creation.
      const threadsProblem = queued?.config ? replicasWithThreadsProblem(queued.config, backend, settings.wasmThreads) : undefined;
      if (!datasetEntry || threadsProblem !== undefined) {
        const error = threadsProblem ?? `Dataset "${datasetId}" no longer exists (it was removed before this run started)`;
        this.d.store.setRunStatus(next.runId, 'failed', error, Date.now());
        this.d.store.appendLog(next.runId, 'error', error, Date.now());
        this.changed(next.runId);
        this.notifyEnd(next.runId, 'failed');
        continue;
      }
      const session = new RunSession({
        store: this.d.store,
        events: this.d.events,
        dataDir: this.d.dataDir,
        runId: next.runId,
        hostKind: isNative(backend) || this.d.hostMode === 'process' ? 'process' : 'thread',
        backend: settings.backend,
        datasetEntry,
        ...(this.d.corpora ? { corpusFile: (id: string) => this.d.corpora?.fileOf(id) } : {}),
        ...(next.resumeFrom ? { resumeFrom: next.resumeFrom } : {}),
        // The host alone sees the wasm threads (its own env): this process's environment is shared by every run.
        launch: (kind) => this.launchLeased(next.runId, kind, { [WASM_THREADS_ENV]: String(settings.wasmThreads) }),
        onChange: (id) => this.changed(id),
        onEnd: (id, status) => {
          this.sessions.delete(id);
          this.changed(id);
          this.notifyEnd(id, status);
          this.pump();
        },
      });
      this.sessions.set(next.runId, session);
      this.changed(next.runId);
      session.start();
    }
  }

  /** Starts a run's host and records its child's pid in the run's lease (none for a thread: it dies with this process). */
  private launchLeased(runId: number, kind: HostKind, env: HostEnv): TrainingHost {
    const host = (this.d.launchHost ?? launchHost)(kind, env);
    this.d.store.setRunHostPid(runId, host.pid ?? null);
    return host;
  }

  private notifyEnd(id: number, status: RunStatus): void {
    const waiters = this.endWaiters.get(id) ?? [];
    this.endWaiters.delete(id);
    for (const w of waiters) w(status);
  }

  private changed(id: number): void {
    // A run another process deleted while this one trained it (the fence stopped its session) has nothing to show.
    if (!this.d.store.getRun(id)) return;
    this.d.events.emit('runs.onDidChange', this.summary(id));
  }

  private mustGet(id: number): RunRecord {
    const r = this.d.store.getRun(id);
    if (!r) throw new ApiError('not-found', `Run ${id} does not exist`);
    return r;
  }

  private toSummary(
    r: RunListRecord, params: Record<string, ParamValue>, latest: Record<string, number>, best: Record<string, number>, chosenBy: RunSummary['chosenBy'], tags: string[],
  ): RunSummary {
    return {
      id: r.id,
      experimentId: r.experimentId,
      name: r.name,
      family: r.family,
      status: r.status,
      // A run whose stored config cannot be read keeps its status; the error says why it cannot be resumed.
      error: r.configError === null ? r.error : r.error ? `${r.configError}. ${r.error}` : r.configError,
      backend: r.backend,
      ...(r.wasmThreads !== null ? { wasmThreads: r.wasmThreads } : {}),
      seed: r.seed,
      datasetId: r.datasetId,
      createdAt: r.createdAt,
      startedAt: r.startedAt,
      endedAt: r.endedAt,
      params,
      latest,
      best,
      chosenBy,
      progress: this.sessions.get(r.id)?.progress ?? null,
      tags,
      notes: r.notes,
      starred: r.starred,
      archived: r.archived,
      originRunId: r.originRunId,
      // From the run's own row: the document it trained is stored with it, so no join is needed.
      architectureRef: { id: r.architectureId, version: r.architectureVersion, name: r.architectureName },
    };
  }
}

/** Each finished run's first value of its family's divergence loss: one query per loss key among the runs' families. */
function firstLosses(store: Store, runs: readonly RunListRecord[]): Map<number, number> {
  const byKey = new Map<string, number[]>();
  for (const r of runs) {
    const key = r.status === 'done' && isFamily(r.family) ? familyDescriptors[r.family].divergence?.loss : undefined;
    if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), r.id]);
  }
  const out = new Map<number, number>();
  for (const [key, ids] of byKey) for (const [id, v] of store.firstValues(ids, key)) out.set(id, v);
  return out;
}
