/**
 * Live across processes (issue 15): the app, a second `serve`, the CLI and a
 * sweep may all write one data folder's SQLite. Each process's windows must
 * see every run live, whichever process trains it. SQLite is the shared
 * truth: every `intervalMs` this reads the connection's data_version, which
 * changes only when another connection committed; then it reads what changed
 * since its cursor (db/queries/changes.ts) and emits the same events the
 * local trainer emits, so windows and `runs --watch` need no other path.
 *
 * Never twice: points, logs and artifacts of runs this process owns are left
 * out by the query (the local RunSession sent them); a run change is sent
 * only when what a window shows of it differs from the last summary any
 * emitter sent for it; a log line or artifact this process already sent is
 * skipped by id.
 */
import type { Store } from '../../db/storeTypes';
import type { ChangeCursor, StoreChanges } from '../../db/queries/changes';
import type { RunSummary } from '../common/domain';
import { CHECKPOINT_KIND } from '../../workers/common/families/registry';
import { toArtifactInfo } from './artifactService';
import type { EventBus } from './eventBus';

export const DEFAULT_WATCH_INTERVAL_MS = 500;

export interface ChangeWatcherOptions {
  store: Store;
  events: EventBus;
  /** The run's summary as the services build it (RunService.summary); undefined when it is gone. */
  summaryOf: (id: number) => RunSummary | undefined;
  /** How often data_version is read; a look costs one PRAGMA when nothing changed. */
  intervalMs?: number;
  /** Told once when a look fails (default: one line on stderr); looks go on. */
  onError?: (error: unknown) => void;
}

/** What a window shows of a run's record: a change here is a change worth sending (metrics and progress have their own events). */
function fingerprint(s: RunSummary): string {
  return JSON.stringify([s.experimentId, s.name, s.status, s.error, s.backend, s.startedAt, s.endedAt, s.notes, s.starred, s.archived, s.tags]);
}

const DELETED = 'deleted';

export class ChangeWatcher {
  private timer: NodeJS.Timeout | undefined;
  private cursor: ChangeCursor | undefined;
  private version = 0;
  /** The fingerprint of the last summary sent per run, by anyone in this process (or DELETED). */
  private readonly lastSent = new Map<number, string>();
  /** Ids of log lines and artifacts this process sent itself that the cursor has not passed yet. */
  private readonly sentLogs = new Set<number>();
  private readonly sentArtifacts = new Set<number>();
  private emitting = false;
  private reportedError = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: ChangeWatcherOptions) {}

  /** Starts watching from now: only what other processes commit after this is reported. */
  start(): void {
    if (this.timer) return;
    const { events } = this.o;
    // What this process sends itself (the watcher's own sends are skipped while `emitting`).
    const offs = [
      events.on('runs.onDidChange', (s) => { if (!this.emitting) this.lastSent.set(s.id, fingerprint(s)); }),
      events.on('runs.onDidDelete', ({ id }) => { if (!this.emitting) this.lastSent.set(id, DELETED); }),
      events.on('runs.onDidLog', (line) => { if (!this.emitting) this.sentLogs.add(line.id); }),
      events.on('artifacts.onDidAdd', (a) => { if (!this.emitting) this.sentArtifacts.add(a.id); }),
    ];
    this.unsubscribe = () => { for (const off of offs) off(); };
    this.version = this.o.store.dataVersion();
    this.cursor = this.o.store.changeCursor();
    this.timer = setInterval(() => this.look(), this.o.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS);
    // Watching never keeps a process alive (the CLI's one-shot commands exit as before).
    this.timer.unref();
  }

  get watching(): boolean {
    return this.timer !== undefined;
  }

  /** Stops the timer; safe to call twice. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** One look: when another connection committed, send what it changed. Returns whether anything was read. */
  look(): boolean {
    if (!this.timer || !this.cursor) return false;
    try {
      const version = this.o.store.dataVersion();
      if (version === this.version) {
        this.passOwnRows(version);
        return false;
      }
      this.version = version;
      const changes = this.o.store.changesSince(this.cursor);
      this.cursor = changes.cursor;
      this.send(changes);
      return true;
    } catch (e) {
      if (!this.reportedError) (this.o.onError ?? reportToStderr)(e);
      this.reportedError = true;
      return false;
    }
  }

  /**
   * Nobody else committed since the last look, so every row past the cursor
   * is this process's own: move the cursor past them, which keeps the sets of
   * sent ids small while this process trains alone. Skipped when another
   * commit lands while the cursor is read (the next look reads it).
   */
  private passOwnRows(version: number): void {
    if (this.sentLogs.size === 0 && this.sentArtifacts.size === 0) return;
    const cursor = this.o.store.changeCursor();
    if (this.o.store.dataVersion() !== version) return;
    this.cursor = cursor;
    prune(this.sentLogs, cursor.logId);
    prune(this.sentArtifacts, cursor.artifactId);
  }

  private send(c: StoreChanges): void {
    this.emitting = true;
    try {
      this.sendRuns(c);
      for (const { runId, points } of c.metrics) this.o.events.emit('runs.onDidLogMetrics', { runId, points });
      for (const line of c.logs) if (!this.sentLogs.has(line.id)) this.o.events.emit('runs.onDidLog', line);
      for (const a of c.artifacts) {
        // The local trainer sends no event for checkpoints either (they are not gallery images).
        if (a.kind !== CHECKPOINT_KIND && !this.sentArtifacts.has(a.id)) this.o.events.emit('artifacts.onDidAdd', toArtifactInfo(a));
      }
    } finally {
      this.emitting = false;
    }
    prune(this.sentLogs, c.cursor.logId);
    prune(this.sentArtifacts, c.cursor.artifactId);
  }

  /** Deletions first: an id SQLite reused for a new run is forgotten, then read again. */
  private sendRuns(c: StoreChanges): void {
    for (const id of c.deletedRuns) {
      if (this.lastSent.get(id) === DELETED) continue;
      this.lastSent.set(id, DELETED);
      this.o.events.emit('runs.onDidDelete', { id });
    }
    for (const id of c.changedRuns) {
      const summary = this.o.summaryOf(id);
      if (!summary) continue;
      const print = fingerprint(summary);
      if (this.lastSent.get(id) === print) continue;
      this.lastSent.set(id, print);
      this.o.events.emit('runs.onDidChange', summary);
    }
  }
}

/** Ids the cursor has passed can never be read again. */
function prune(ids: Set<number>, upTo: number): void {
  for (const id of ids) if (id <= upTo) ids.delete(id);
}

function reportToStderr(e: unknown): void {
  process.stderr.write(`latent: watching the data folder for other processes' runs failed (${e instanceof Error ? e.message : String(e)}); this window shows them after a reload\n`);
}
