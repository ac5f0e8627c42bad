/**
 * One training run in flight: launches its host, turns the host's messages
 * into database writes and events, and makes sure the run always ends with a
 * terminal status, whatever happens to the host.
 */
import * as path from 'node:path';
import type { OwnedWrite, RunLoss, Store } from '../../db/storeTypes';
import type { RunProgress, RunStatus } from '../common/domain';
import type { DatasetEntry } from '../../workers/common/datasets';
import type { BackendChoice, CheckpointRef, StartMessage, WorkerToMain } from '../../workers/common/protocol';
import { CHECKPOINT_KIND, descriptorOf, type RunConfig } from '../../workers/common/families/registry';
import type { EventBus } from './eventBus';
import { toArtifactInfo } from './artifactService';
import { diskFullMessage, isDiskFull, type WrittenSoFar } from './diskFull';
import { takenOverMessage } from './runFence';
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
  /** Set when storing one of the host's messages failed: the host is being stopped and nothing more it sends is stored. */
  private writeFailed = false;
  private readonly written: WrittenSoFar = { points: 0, artifacts: 0, lastStep: null };
  /**
   * Set when the run was found no longer this process's (the write fence):
   * the host is killed and nothing more is written into the run, not even
   * its end.
   */
  private loss: RunLoss | undefined;

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
    // A listener that throws would be an uncaught exception that takes every run and the server down: it fails this run instead.
    this.host.onMessage((m) => this.guarded(() => this.handle(m), m));
    this.host.onExit((exit) => this.guarded(() => {
      if (!this.terminal) {
        const why = exit.error ? exit.error.message : exit.signal ? `signal ${exit.signal}` : `exit code ${String(exit.code)}`;
        if (this.cancelRequested) this.terminal = { status: 'cancelled', error: null };
        else this.terminal = { status: 'failed', error: `The training worker stopped unexpectedly (${why}). Metrics recorded so far are kept.` };
      }
      this.finish(this.terminal.status, this.terminal.error);
    }));
    this.host.send(message);
  }

  cancel(): void {
    if (this.ended || !this.host) return;
    this.cancelRequested = true;
    this.host.send({ type: 'cancel' });
    this.cancelTimer = setTimeout(() => this.host?.kill(), this.o.cancelGraceMs ?? 15_000);
    this.cancelTimer.unref();
  }

  /** Whether the run was found taken over by another process (its session then wrote nothing more into it). */
  get takenOver(): boolean {
    return this.loss !== undefined;
  }

  /**
   * Whether the run is still this process's, asked now rather than at the
   * next write (the lease keeper found the lease removed); when it is not,
   * the session stops as at a fenced write.
   */
  checkOwnership(): boolean {
    if (this.ended || this.loss) return this.loss === undefined;
    return this.owned(() => undefined).ok;
  }

  /** Stop now (app shutdown, or a test killing a worker). */
  kill(): void {
    this.host?.kill();
  }

  /**
   * Runs a host listener's work; a failure (SQLITE_FULL, ENOSPC, or any
   * other) becomes this run's failure: the message is kept as its terminal
   * status, the host is stopped, and the run ends when the host has gone.
   */
  private guarded(work: () => void, m?: WorkerToMain): void {
    try {
      work();
    } catch (e) {
      this.failOnWriteError(e, m);
    }
  }

  private failOnWriteError(e: unknown, m: WorkerToMain | undefined): void {
    const what = m ? whatFailed(m) : 'the run\'s end';
    const error = isDiskFull(e)
      ? diskFullMessage(this.o.dataDir, what, this.written)
      : `Could not record ${what}: ${e instanceof Error ? e.message : String(e)}. Training was stopped; metrics recorded so far are kept.`;
    if (this.ended) {
      // The run has ended (its status is kept by the store even on a full disk): nothing left to stop.
      console.error(`Run ${this.o.runId}: ${error}`);
      return;
    }
    const first = !this.writeFailed;
    this.writeFailed = true;
    this.terminal = { status: 'failed', error };
    if (!this.host || !m) {
      this.finish('failed', error);
      return;
    }
    if (first) this.stopHost();
  }

  /** No use training into a full disk: ask the host to stop, and kill it if it has not within the grace period. */
  private stopHost(): void {
    this.host?.send({ type: 'cancel' });
    this.cancelTimer ??= setTimeout(() => this.host?.kill(), this.o.cancelGraceMs ?? 15_000);
    this.cancelTimer.unref();
  }

  /**
   * Runs one write only while this process holds the run (Store.writeIfOwned:
   * one primary-key read in the write's own transaction: about 3 µs on a
   * ~90 µs batch of 8 points, README "Several processes"). When another process has
   * taken the run, nothing is written and the host is killed.
   */
  private owned<T>(write: () => T): OwnedWrite<T> {
    const r = this.o.store.writeIfOwned(this.o.runId, write);
    if (!r.ok) this.lose(r.loss);
    return r;
  }

  /** The run is another process's now: say so once, and kill the host without a word more into the run. */
  private lose(loss: RunLoss): void {
    if (this.loss) return;
    this.loss = loss;
    console.warn(takenOverMessage(this.o.runId, loss));
    this.host?.kill();
  }

  private handle(m: WorkerToMain): void {
    const { store, events, runId } = this.o;
    if (this.ended || this.writeFailed || this.loss) return;
    switch (m.type) {
      case 'ready':
        if (!this.owned(() => {
          store.markRunStarted(runId, m.backend, Date.now(), m.wasmThreads ?? null);
          // Named only when the pool is on (the run page shows the count either way).
          const threads = m.wasmThreads !== undefined && m.wasmThreads > 1 ? `, ${m.wasmThreads} XNNPACK threads` : '';
          this.log('info', `Training on backend ${m.backend} (${this.o.hostKind === 'process' ? 'child process' : 'worker thread'}${threads})`);
        }).ok) break;
        this.o.onChange(runId);
        break;
      case 'metrics':
        if (m.points.length === 0) break;
        if (!this.owned(() => store.appendMetrics(runId, m.points)).ok) break;
        this.written.points += m.points.length;
        this.written.lastStep = Math.max(this.written.lastStep ?? 0, ...m.points.map((p) => p.step));
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
        this.owned(() => this.log(m.level, m.message));
        break;
      case 'checkpoint': {
        const rel = path.relative(this.o.dataDir, m.checkpoint.dir);
        if (!this.owned(() => store.addArtifact(runId, CHECKPOINT_KIND, m.checkpoint.step, rel, { epoch: m.checkpoint.epoch, step: m.checkpoint.step })).ok) break;
        this.written.artifacts++;
        break;
      }
      case 'sample': {
        const rel = path.relative(this.o.dataDir, m.path);
        const added = this.owned(() => store.addArtifact(runId, m.kind, m.step, rel, m.meta ?? {}));
        if (!added.ok) break;
        this.written.artifacts++;
        events.emit('artifacts.onDidAdd', toArtifactInfo(added.value));
        break;
      }
      case 'done':
        this.terminal = { status: 'done', error: null };
        break;
      case 'failed':
        // The host could not write a checkpoint or an image (ENOSPC): the same words as a full database.
        this.terminal = { status: 'failed', error: isDiskFull(m.error) ? `${diskFullMessage(this.o.dataDir, 'a checkpoint or sample image', this.written)} (The worker said: ${m.error})` : m.error };
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
    try {
      // A run taken over gets no end from this process: the other process's status and log stand.
      if (!this.loss) {
        this.owned(() => {
          this.finalLog(status, error);
          store.setRunStatus(runId, status, error, Date.now());
        });
      }
    } catch (e) {
      // The store keeps a status a full disk refused (pendingStatus.ts); anything else is reported, and the run still ends here.
      console.error(`Run ${runId}: could not record its ${status} status: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.progressState = null;
      // For this process's waiters the run ended here as interrupted (the run's own status is the other process's).
      this.o.onEnd(runId, this.loss ? 'interrupted' : status);
    }
  }

  /** The run's last log line; on a full disk it is dropped: the status carries the same message. */
  private finalLog(status: RunStatus, error: string | null): void {
    try {
      if (status === 'failed' && error) this.log('error', error);
      if (status === 'cancelled') this.log('info', 'Run cancelled');
      if (status === 'done') this.log('info', 'Run finished');
    } catch (e) {
      if (!isDiskFull(e)) throw e;
    }
  }
}

/** The write a host message asked for, named for a disk-full message. */
function whatFailed(m: WorkerToMain): string {
  switch (m.type) {
    case 'metrics': return `a batch of ${m.points.length} metric points`;
    case 'checkpoint': return `the record of the checkpoint at step ${m.checkpoint.step}`;
    case 'sample': return `the record of a ${m.kind} image`;
    case 'log': return 'a log line';
    case 'ready': return 'the run\'s start';
    default: return `the run's ${m.type} message`;
  }
}
