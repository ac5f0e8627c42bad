/**
 * The sweep of runs whose owner is gone (issue 16, point 2): when a process
 * opens a data folder, and then every few seconds while it lives, so a
 * crashed process's runs (on this host or another sharing the folder) become
 * 'interrupted' without anyone restarting. A live owner's runs are left alone
 * (db/runOwner.ts ownerRule says which is which). Read-only commands never
 * sweep: they change no run's state.
 */
import type { Store } from '../../db/storeTypes';
import { stopOrphansAtStart } from './orphanHosts';

/**
 * Stops the training children gone owners left behind, marks those owners'
 * runs interrupted, and deletes their leases; returns the runs interrupted.
 */
export function sweepGoneOwners(store: Store, at: number = Date.now()): number[] {
  // A crashed owner's training child may still live: stop it first, so no orphan writes into a run marked interrupted.
  stopOrphansAtStart(store, store.ownerRule(at));
  const interrupted = store.interruptStaleRuns(at, store.ownerRule(at));
  store.forgetGoneLeases(at);
  return interrupted;
}

export interface OwnerSweepOptions {
  /** How often to sweep (ms). */
  everyMs: number;
  /** Told of the runs each sweep marked interrupted (to tell this process's windows). */
  interrupted: (ids: number[]) => void;
  /** Where a failed sweep is reported (default console.warn). */
  warn?: (message: string) => void;
}

/** Sweeps on an unref'd timer until the returned function is called; a failed sweep is logged, never thrown. */
export function startOwnerSweep(store: Store, o: OwnerSweepOptions): () => void {
  const timer = setInterval(() => {
    try {
      const ids = sweepGoneOwners(store);
      if (ids.length > 0) o.interrupted(ids);
    } catch (e) {
      (o.warn ?? console.warn)(`Could not look for runs whose process has gone: ${(e as Error).message}`);
    }
  }, o.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
