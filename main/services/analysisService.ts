/**
 * On-demand analyses: of a trained encoder/decoder run (interpolation, latent
 * arithmetic, a projected latent scatter), where a training host started in
 * analysis mode loads the run's last checkpoint, or, for a family that keeps
 * its model in the run folder (descriptor `runFolderModel`: PCA), that; and of any run's logged
 * samples grid (the nearest training images of one sample). The worker
 * writes the artifact and it is recorded like any other.
 *
 * Scheduling (issue 16 point 6): an analysis worker loads a model and data
 * like a training run (~100 MB each), so analyses take slots of the same
 * settings.maxConcurrentRuns as runs: one starts only while runs training in
 * this process plus analyses running are below the limit, else it waits in
 * FIFO order (queued runs go first when a slot frees). Each has a timeout
 * (ANALYSIS_TIMEOUT_MS unless told) after which its worker is terminated and
 * the call refused, saying so; close() terminates those running and refuses
 * those waiting.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ArtifactRecord, Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { ArtifactInfo } from '../common/domain';
import { descriptorOf, families, type Family } from '../../workers/common/families/registry';
import type { AnalysisKind, AnalysisRequest } from '../../workers/common/gallery';
import type { AnalyzeMessage, SampleMessage } from '../../workers/common/protocol';
import { toArtifactInfo } from './artifactService';
import { expectedBackend, isNative } from './backendProbe';
import { isDiskFull } from './diskFull';
import type { EventBus } from './eventBus';
import type { DatasetService } from './datasetService';
import type { SettingsService } from './settingsService';
import { launchHost, type HostLauncher, type TrainingHost } from './trainingHost';

/** How long one analysis may run before its worker is terminated: 5 minutes (the slowest, a re-evaluation of a scored GAN, takes well under one on a CPU). */
export const ANALYSIS_TIMEOUT_MS = 5 * 60 * 1000;

export interface AnalysisScheduling {
  /** Runs training in this process now (RunService.activeCount); default none. */
  activeRuns?: () => number;
  /** Overrides ANALYSIS_TIMEOUT_MS (tests set it tiny). */
  timeoutMs?: number;
  /** Called when an analysis frees its slot, before waiting analyses are admitted: queued runs start first (RunService.shareSlots). */
  slotFreed?: () => void;
}

/** Analyses running and waiting for a slot, in this process. */
export interface AnalysisQueueState {
  running: number;
  queued: number;
}

/** "5 minutes", "2 seconds", "50 ms": a timeout as the refusal states it. */
function durationText(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} minute${ms === 60_000 ? '' : 's'}`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000} second${ms === 1000 ? '' : 's'}`;
  return `${ms} ms`;
}

/**
 * Why an analysis failed on a full disk, in the words of a run's "Disk full"
 * (diskFull.ts): what could not be written, that nothing of the analysis was
 * kept and the run is as it was, and what to do.
 */
export function analysisDiskFullMessage(dataDir: string, kind: AnalysisKind, what: 'result file' | 'record in the database', cause: string): string {
  return `Disk full: the disk holding the data folder ${dataDir} has no space left, so the ${kind} analysis's ${what} could not be written (${cause}). `
    + 'Nothing of this analysis was kept; the run is unchanged. Free space on that disk and run the analysis again.';
}

/** What each analysis is, as the subject of the sentence that refuses it for a run of the wrong family. */
const analysisSubjects: Record<AnalysisKind, string> = {
  'nearest-neighbours': 'Nearest training neighbours are for generated samples, of',
  'latent-interpolation': 'Interpolating between samples is for',
  interpolation: 'Latent interpolation is for',
  arithmetic: 'Latent arithmetic is for',
  'latent-scatter': 'A latent scatter is for',
  're-evaluate': 'Re-evaluating sample scores is for',
  'feature-maps': 'Feature maps are for',
  reconstruction: 'Reconstructing chosen test images is for',
  traversal: 'A traversal along the code\'s axes is for',
};

/** A family's name in a sentence: its title, lower-cased unless it is an acronym ("GAN", "variational autoencoder"). */
function familyName(f: Family): string {
  const title = descriptorOf(f).title;
  return /^[A-Z]{2}/.test(title) ? title : title.charAt(0).toLowerCase() + title.slice(1);
}

/** "a" or "an", by how the word is spoken ("an autoencoder", "a GAN", "an RBM"). */
function article(word: string): string {
  return (/^[A-Z]{2}/.test(word) ? /^[AEFHILMNORSX]/ : /^[aeiou]/i).test(word) ? 'an' : 'a';
}

/** "x", "x or y", "x, y or z". */
function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

/**
 * Why a run cannot have this analysis: what the analysis is for, the
 * families whose descriptors list it, and the run's family.
 */
export function analysisRefusal(kind: AnalysisKind, runId: number, family: Family): string {
  const fit = families.filter((f) => descriptorOf(f).analyses.includes(kind)).map(familyName);
  const name = familyName(family);
  return `${analysisSubjects[kind]} ${fit.length > 0 ? `${orList(fit)} runs` : 'no family\'s runs'}; run ${runId} is ${article(name)} ${name} run`;
}

export class AnalysisService {
  /** Hosts of analyses running now (each holds a slot). */
  private readonly hosts = new Set<TrainingHost>();
  /** Slots taken: analyses admitted, whose host may not be launched yet. */
  private held = 0;
  private readonly waiting: { admit: () => void; refuse: (e: ApiError) => void }[] = [];
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: Store,
    private readonly events: EventBus,
    private readonly settings: SettingsService,
    private readonly datasets: DatasetService,
    private readonly dataDir: string,
    /** Starts the analysis host (launchHost unless a test drives a fake one). */
    private readonly launch: HostLauncher = launchHost,
    private readonly scheduling: AnalysisScheduling = {},
  ) {
    // A run that ends frees a slot. Deferred so that RunService's own queue (pumped right after the event) goes first.
    this.unsubscribe = events.on('runs.onDidChange', () => { queueMicrotask(() => this.admitWaiting()); });
  }

  /** How many analyses are running and waiting, now. */
  queueState(): AnalysisQueueState {
    return { running: this.held, queued: this.waiting.length };
  }

  /** Terminates running analyses' workers (resolving once they have gone) and refuses waiting ones; later calls are refused. */
  close(): Promise<void> {
    this.closed = true;
    this.unsubscribe();
    for (const w of this.waiting.splice(0)) w.refuse(new ApiError('conflict', 'The app is stopping: the analysis was not started'));
    const gone = [...this.hosts].map((h) => new Promise<void>((done) => { h.onExit(() => done()); }));
    for (const h of this.hosts) h.kill();
    return Promise.all(gone).then(() => undefined);
  }

  private hasFreeSlot(): boolean {
    return (this.scheduling.activeRuns?.() ?? 0) + this.held < this.settings.get().maxConcurrentRuns;
  }

  private admitWaiting(): void {
    while (!this.closed && this.waiting.length > 0 && this.hasFreeSlot()) {
      this.held++;
      this.waiting.shift()!.admit();
    }
  }

  /** Takes a slot: at once when one is free (no await, so the host starts in the caller's tick), else in FIFO order. */
  private acquire(): Promise<void> | undefined {
    if (this.closed) throw new ApiError('conflict', 'The app is stopping: no new analysis starts');
    if (this.waiting.length === 0 && this.hasFreeSlot()) {
      this.held++;
      return undefined;
    }
    return new Promise((admit, refuse) => { this.waiting.push({ admit, refuse }); });
  }

  private release(): void {
    this.held--;
    this.scheduling.slotFreed?.();
    this.admitWaiting();
  }

  /** The generator kept at a scored step (the last one without a step): the re-evaluation's source and step. */
  private scoredGeneratorSource(runId: number, step: number | undefined): { step: number; source: { path: string; meta: Record<string, unknown> } } {
    // In record order: a resumed run that scores a step again rewrites its folder, and the later record is the one that holds.
    const kept = this.store.listArtifacts(runId, 'scored-generator');
    const chosen = step === undefined ? kept.at(-1) : kept.filter((a) => a.step === step).at(-1);
    if (!chosen) {
      if (kept.length === 0) throw new ApiError('conflict', `Run ${runId} kept no scored generator: a GAN run on images with evalSamples > 0 keeps one at each step it scores (runs from before this was recorded have none)`);
      throw new ApiError('not-found', `Run ${runId} has no scored generator at step ${String(step)}; it has them at steps ${kept.map((a) => a.step).join(', ')}`);
    }
    return { step: chosen.step, source: { path: path.resolve(this.dataDir, chosen.path), meta: chosen.meta } };
  }

  async analyze(runId: number, request: AnalysisRequest): Promise<ArtifactInfo> {
    const run = this.store.getRun(runId);
    if (!run) throw new ApiError('not-found', `Run ${runId} does not exist`);
    const config = run.config;
    if (config === null) throw new ApiError('conflict', run.configError ?? `Run ${runId}'s stored config cannot be read`);
    const family = descriptorOf(config.family);
    if (!family.analyses.includes(request.kind)) throw new ApiError('bad-request', analysisRefusal(request.kind, runId, config.family));
    const runDir = path.join(this.dataDir, 'runs', String(runId));
    const backend = this.settings.get().backend;
    // A run that trained on something else than its dataset (a GAN's 2-D toy) needs no dataset's images.
    const needsDataset = family.dataOverride?.(config) === undefined;
    const datasetEntry = needsDataset ? this.datasets.find(run.datasetId) : undefined;
    if (needsDataset && !datasetEntry) {
      throw new ApiError('conflict', `Run ${runId} trained on dataset "${run.datasetId}", which has been removed: analyses need its images`);
    }
    const base = {
      type: 'analyze' as const, runId, config, architecture: run.architecture, backend, runDir, request,
      ...(datasetEntry ? { datasetEntry } : {}),
    };
    let message: AnalyzeMessage;
    if (request.kind === 'nearest-neighbours') {
      const grid = this.store.listArtifacts(runId, 'samples').find((a) => a.step === request.step);
      if (!grid) throw new ApiError('not-found', `Run ${runId} has no samples grid at step ${request.step}`);
      message = { ...base, step: request.step, source: { path: path.resolve(this.dataDir, grid.path), meta: grid.meta } };
    } else if (request.kind === 're-evaluate') {
      message = { ...base, ...this.scoredGeneratorSource(runId, request.step), cacheDir: path.join(this.dataDir, 'cache') };
    } else if (request.kind === 'latent-interpolation') {
      const ckpt = this.store.latestCheckpoint(runId);
      if (!ckpt) throw new ApiError('conflict', `Run ${runId} has no checkpoint yet: the interpolation uses the generator saved at the end of an epoch`);
      // Every samples grid of a run draws the same fixed noise: any one gives the cells' z.
      const grid = this.store.listArtifacts(runId, 'samples').at(-1);
      if (!grid) throw new ApiError('conflict', `Run ${runId} has no samples grid yet`);
      message = {
        ...base, step: ckpt.step,
        checkpoint: { dir: path.resolve(this.dataDir, ckpt.dir), epoch: ckpt.epoch, step: ckpt.step },
        source: { path: path.resolve(this.dataDir, grid.path), meta: grid.meta },
      };
    } else if (family.runFolderModel) {
      // No checkpoint: the worker reads the model from the run folder (runDir), written when the run finished.
      if (run.status !== 'done') throw new ApiError('conflict', `Run ${runId} is ${run.status}: its analyses use ${family.runFolderModel.what}, which a finished run has`);
      message = { ...base, step: family.runFolderModel.step };
    } else {
      const ckpt = this.store.latestCheckpoint(runId);
      if (!ckpt) throw new ApiError('conflict', `Run ${runId} has no checkpoint yet: analyses use the model saved at the end of an epoch`);
      message = { ...base, checkpoint: { dir: path.resolve(this.dataDir, ckpt.dir), epoch: ckpt.epoch, step: ckpt.step }, step: ckpt.step };
    }
    const wait = this.acquire();
    if (wait) await wait;
    let sample: SampleMessage;
    try {
      sample = await this.runWorker(message, backend);
    } finally {
      this.release();
    }
    const info = toArtifactInfo(this.record(runId, request, sample));
    this.events.emit('artifacts.onDidAdd', info);
    return info;
  }

  /**
   * The artifact's row. On a full disk the row cannot be written: the file
   * the worker wrote is removed (no row would ever name it, and it takes
   * space the disk lacks) and the analysis is refused saying so.
   */
  private record(runId: number, request: AnalysisRequest, sample: SampleMessage): ArtifactRecord {
    try {
      return this.store.addArtifact(runId, sample.kind, sample.step, path.relative(this.dataDir, sample.path), { ...(sample.meta ?? {}), analysis: request });
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      fs.rmSync(sample.path, { force: true });
      throw new ApiError('conflict', analysisDiskFullMessage(this.dataDir, request.kind, 'record in the database', e instanceof Error ? e.message : String(e)));
    }
  }

  /** One analysis worker, from launch to its answer, terminated after the timeout or at close(). */
  /**
   * One analysis worker, from launch to its answer, terminated after the
   * timeout or at close(). What a listener throws fails this analysis (its
   * worker stopped, the call refused with the error) instead of leaving the
   * host's event as an uncaught exception that would stop the server.
   */
  private runWorker(message: AnalyzeMessage, backend: Parameters<typeof expectedBackend>[0]): Promise<SampleMessage> {
    if (this.closed) return Promise.reject(new ApiError('conflict', 'The app is stopping: no new analysis starts'));
    const host = this.launch(isNative(expectedBackend(backend)) ? 'process' : 'thread');
    this.hosts.add(host);
    const timeoutMs = this.scheduling.timeoutMs ?? ANALYSIS_TIMEOUT_MS;
    return new Promise<SampleMessage>((resolve, reject) => {
      const guarded = <T>(listener: (value: T) => void) => (value: T): void => {
        try {
          listener(value);
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
          host.kill();
        }
      };
      let got: SampleMessage | undefined;
      let error: string | undefined;
      let timedOut: string | undefined;
      const timer = setTimeout(() => {
        timedOut = `The analysis took longer than ${durationText(timeoutMs)} and was stopped (its worker was terminated); try fewer points or a smaller run`;
        host.kill();
      }, timeoutMs);
      host.onMessage(guarded((m) => {
        if (m.type === 'sample') got = m;
        else if (m.type === 'failed') error = m.error;
      }));
      host.onExit(guarded((exit) => {
        clearTimeout(timer);
        this.hosts.delete(host);
        if (got) resolve(got);
        else if (timedOut !== undefined) reject(new ApiError('conflict', timedOut));
        else if (this.closed && error === undefined) reject(new ApiError('conflict', 'The app stopped while the analysis was running'));
        else if (error !== undefined && isDiskFull(error)) reject(new ApiError('conflict', analysisDiskFullMessage(this.dataDir, message.request.kind, 'result file', error)));
        else reject(new ApiError('bad-request', error ?? `The analysis worker stopped without a result (${exit.error?.message ?? `exit code ${String(exit.code)}`})`));
      }));
      host.send(message);
    });
  }
}
