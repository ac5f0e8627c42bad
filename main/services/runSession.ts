/**
 * One training run in flight: launches its host, turns the host's messages
 * into database writes and events, and makes sure the run always ends with a
 * terminal status, whatever happens to the host.
 */
import * as path from 'node:path';
import type { Store } from '../../db/storeTypes';
import type { RunProgress, RunStatus } from '../common/domain';
import type { DatasetEntry } from '../../workers/common/datasets';
import type { BackendChoice, CheckpointRef, StartMessage, WorkerToMain } from '../../workers/common/protocol';
import { CHECKPOINT_KIND, descriptorOf, type RunConfig } from '../../workers/common/families/registry';
import type { EventBus } from './eventBus';
import { toArtifactInfo } from './artifactService';
import { launchHost, type HostKind, type HostLauncher, type TrainingHost } from './trainingHost';

export interface SessionOptions {
  store: Store;
  events: EventBus;
  dataDir: string;
  runId: number;
  hostKind: HostKind;
  backend: BackendChoice;
  resumeFrom?: CheckpointRef;
  /** The run's dataset, resolved by the services: the host registers it (imported sets live only in the app's database). */
  datasetEntry?: DatasetEntry;
  /** A text corpus's file by id (the corpus service's fileOf); undefined when the corpus is gone. */
  corpusFile?: (id: string) => string | undefined;
  /** Called after the run reached a terminal status and the host is gone. */
  onEnd: (runId: number, status: RunStatus) => void;
  /** Called whenever the summary may have changed. */
  onChange: (runId: number) => void;
  /** Milliseconds to wait for a cancelled host before killing it. */
  cancelGraceMs?: number;
  /** Starts the host (launchHost unless a test drives a fake one). */
  launch?: HostLauncher;
}

export class RunSession {
  private host: TrainingHost | undefined;
  private ended = false;
  private terminal: { status: RunStatus; error: string | null } | undefined;
  private cancelRequested = false;
  private cancelTimer: NodeJS.Timeout | undefined;
  private progressState: RunProgress | null = null;
  private startTime = 0;
  private startStep: number | undefined;

  constructor(private readonly o: SessionOptions) {}

  get progress(): RunProgress | null {
    return this.progressState;
  }

  start(): void {
    const { store, runId } = this.o;
    const run = store.getRun(runId);
    if (!run) throw new Error(`run ${runId} vanished`);
    if (run.config === null) {
      this.finish('failed', run.configError ?? `Run ${runId}'s stored config cannot be read`);
      return;
    }
    const corpus = this.corpusOf(run.config);
    if (typeof corpus === 'string') {
      this.finish('failed', corpus);
      return;
    }
    const runDir = path.join(this.o.dataDir, 'runs', String(runId));
    const message: StartMessage = {
      type: 'start',
      runId,
      config: run.config,
      architecture: run.architecture,
      backend: this.o.backend,
      runDir,
      cacheDir: path.join(this.o.dataDir, 'cache'),
      ...(this.o.resumeFrom ? { resumeFrom: this.o.resumeFrom } : {}),
      ...(this.o.datasetEntry ? { datasetEntry: this.o.datasetEntry } : {}),
      ...(corpus ? { corpus } : {}),
    };
    this.startTime = Date.now();
    try {
      this.host = (this.o.launch ?? launchHost)(this.o.hostKind);
    } catch (e) {
      this.finish('failed', `Could not start the training worker: ${(e as Error).message}`);
      return;
    }
    this.host.onMessage((m) => this.handle(m));
    this.host.onExit((exit) => {
      if (!this.terminal) {
        const why = exit.error ? exit.error.message : exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
        if (this.cancelRequested) this.terminal = { status: 'cancelled', error: null };
        else this.terminal = { status: 'failed', error: `The training worker stopped unexpectedly (${why}). Metrics recorded so far are kept.` };
      }
      this.finish(this.terminal.status, this.terminal.error);
    });
    this.host.send(message);
  }

  cancel(): void {
    if (this.ended || !this.host) return;
    this.cancelRequested = true;
    this.host.send({ type: 'cancel' });
    this.cancelTimer = setTimeout(() => this.host?.kill(), this.o.cancelGraceMs ?? 15_000);
    this.cancelTimer.unref();
  }

  /** Stop now (app shutdown, or a test killing a worker). */
  kill(): void {
    this.host?.kill();
  }

  private handle(m: WorkerToMain): void {
    const { store, events, runId } = this.o;
    if (this.ended) return;
    switch (m.type) {
      case 'ready':
        store.markRunStarted(runId, m.backend, Date.now());
        this.log('info', `Training on backend ${m.backend} (${this.o.hostKind === 'process' ? 'child process' : 'worker thread'})`);
        this.o.onChange(runId);
        break;
      case 'metrics':
        if (m.points.length === 0) break;
        store.appendMetrics(runId, m.points);
        events.emit('runs.onDidLogMetrics', { runId, points: m.points });
        break;
      case 'progress': {
        this.startStep ??= m.step > 0 ? m.step - 1 : 0;
        const done = m.step - this.startStep;
        const elapsed = Date.now() - this.startTime;
        const etaMs = done > 0 ? Math.round((elapsed / done) * (m.totalSteps - m.step)) : null;
        this.progressState = { epoch: m.epoch, epochs: m.epochs, step: m.step, totalSteps: m.totalSteps, etaMs };
        events.emit('runs.onDidProgress', { runId, progress: this.progressState });
        break;
      }
      case 'log':
        this.log(m.level, m.message);
        break;
      case 'checkpoint': {
        const rel = path.relative(this.o.dataDir, m.checkpoint.dir);
        store.addArtifact(runId, CHECKPOINT_KIND, m.checkpoint.step, rel, { epoch: m.checkpoint.epoch, step: m.checkpoint.step });
        break;
      }
      case 'sample': {
        const rel = path.relative(this.o.dataDir, m.path);
        const artifact = store.addArtifact(runId, m.kind, m.step, rel, m.meta ?? {});
        events.emit('artifacts.onDidAdd', toArtifactInfo(artifact));
        break;
      }
      case 'done':
        this.terminal = { status: 'done', error: null };
        break;
      case 'failed':
        this.terminal = { status: 'failed', error: m.error };
        break;
      case 'cancelled':
        this.terminal = { status: 'cancelled', error: null };
        break;
    }
  }

  /**
   * The run's text corpus for the worker (the descriptor's corpusOf), none
   * when it trains on no corpus, or why it cannot start: the corpus was
   * removed after the run was queued.
   */
  private corpusOf(config: RunConfig): { id: string; file: string } | undefined | string {
    const use = descriptorOf(config.family).corpusOf?.(config);
    if (use === undefined) return undefined;
    const file = this.o.corpusFile?.(use.id);
    return file === undefined ? `Text corpus "${use.id}" no longer exists (it was removed before this run started)` : { id: use.id, file };
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    const line = this.o.store.appendLog(this.o.runId, level, message, Date.now());
    this.o.events.emit('runs.onDidLog', line);
  }

  private finish(status: RunStatus, error: string | null): void {
    if (this.ended) return;
    this.ended = true;
    if (this.cancelTimer) clearTimeout(this.cancelTimer);
    const { store, runId } = this.o;
    if (status === 'failed' && error) this.log('error', error);
    if (status === 'cancelled') this.log('info', 'Run cancelled');
    if (status === 'done') this.log('info', 'Run finished');
    store.setRunStatus(runId, status, error, Date.now());
    this.progressState = null;
    this.o.onEnd(runId, status);
  }
}
