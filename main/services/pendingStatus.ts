/**
 * A run's status must not be lost because the disk filled: when
 * setRunStatus fails on a full disk, the status and its message are kept in
 * memory, shown in place of the stored ones (getRun, listRuns,
 * listRunSummaries: every summary and detail the UI and the CLI read), and
 * written again — on a timer with backoff (1 s doubling to a minute) and
 * before the store's next write of any kind — until it lands.
 *
 * `keepStatusesOnFullDisk(store)` wraps a Store so; every other error
 * still throws.
 */
import type { RunStatus } from '../common/domain';
import type { Store } from '../../db/storeTypes';
import { isDiskFull, retryDelayMs } from './diskFull';

interface PendingStatus {
  status: RunStatus;
  error: string | null;
  at: number;
}

export interface PendingStatusOptions {
  /** First retry delay (default 1 s); doubled per failed attempt. */
  firstDelayMs?: number;
  /** Longest delay between retries (default 60 s). */
  maxDelayMs?: number;
}

type StatusWrite = (id: number, status: RunStatus, error: string | null, at: number) => void;

/** The statuses a full disk kept from SQLite, and their retries. */
export class PendingStatuses {
  private readonly pending = new Map<number, PendingStatus>();
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly write: StatusWrite, private readonly o: PendingStatusOptions = {}) {}

  /** Writes the status (after any pending ones); on a full disk keeps it and schedules a retry instead of throwing. */
  set(id: number, status: RunStatus, error: string | null, at: number): void {
    this.pending.delete(id);
    this.flush();
    if (this.pending.size > 0) {
      this.keep(id, { status, error, at });
      return;
    }
    try {
      this.write(id, status, error, at);
    } catch (e) {
      if (!isDiskFull(e)) throw e;
      this.keep(id, { status, error, at });
    }
  }

  /** Tries every kept status once, oldest first; true when none is left. Errors other than a full disk throw. */
  flush(): boolean {
    for (const [id, p] of this.pending) {
      try {
        this.write(id, p.status, p.error, p.at);
      } catch (e) {
        if (!isDiskFull(e)) throw e;
        this.schedule();
        return false;
      }
      this.pending.delete(id);
    }
    this.attempt = 0;
    this.cancelTimer();
    return true;
  }

  /** The run as stored, with a kept status and message in place of the stored ones. */
  overlay<T extends { id: number; status: RunStatus; error: string | null; endedAt: number | null }>(run: T): T {
    const p = this.pending.get(run.id);
    if (!p) return run;
    const terminal = p.status === 'done' || p.status === 'failed' || p.status === 'cancelled' || p.status === 'interrupted';
    return { ...run, status: p.status, error: p.error, endedAt: terminal ? p.at : run.endedAt };
  }

  /** The run ids whose status is only in memory (tests, diagnostics). */
  ids(): number[] {
    return [...this.pending.keys()];
  }

  /** Stops the retry timer (the store is closing). */
  close(): void {
    this.closed = true;
    this.cancelTimer();
  }

  private keep(id: number, p: PendingStatus): void {
    this.pending.set(id, p);
    this.schedule();
  }

  private schedule(): void {
    if (this.closed || this.timer) return;
    const delay = retryDelayMs(this.attempt, this.o.firstDelayMs, this.o.maxDelayMs);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch {
        // Not a full disk: the next write attempt will raise it where it can be reported.
        this.schedule();
      }
    }, delay);
    this.timer.unref();
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** `store` whose status writes survive a full disk (see the module comment); `pendingStatuses` exposes the kept ones. */
export function keepStatusesOnFullDisk(store: Store, o: PendingStatusOptions = {}): Store & { pendingStatuses: PendingStatuses } {
  const pending = new PendingStatuses((id, status, error, at) => store.setRunStatus(id, status, error, at), o);
  const retried = <A extends unknown[], R>(write: (...a: A) => R) => (...a: A): R => {
    pending.flush();
    return write(...a);
  };
  return {
    ...store,
    pendingStatuses: pending,
    setRunStatus: (id, status, error, at) => pending.set(id, status, error ?? null, at ?? Date.now()),
    getRun: (id) => {
      const run = store.getRun(id);
      return run && pending.overlay(run);
    },
    listRuns: (filter) => store.listRuns(filter).map((r) => pending.overlay(r)),
    listRunSummaries: (filter) => store.listRunSummaries(filter).map((r) => pending.overlay(r)),
    createRun: retried(store.createRun),
    markRunStarted: retried(store.markRunStarted),
    appendMetrics: retried(store.appendMetrics),
    appendLog: retried(store.appendLog),
    addArtifact: retried(store.addArtifact),
    close: () => {
      pending.close();
      try {
        pending.flush();
      } finally {
        store.close();
      }
    },
  };
}
