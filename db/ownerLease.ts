/**
 * An open store's lease (0014) and its heartbeat: registered the first time
 * the store queues or trains a run, renewed on an unref'd timer, deleted when
 * the store closes. Other processes read it (db/runOwner.ts ownerRule) to tell
 * a live owner from a crashed one on any host sharing the data folder.
 *
 * Writes never throw out of here: a heartbeat runs on a timer, where a throw
 * would take the whole process down (a full disk, a locked database). A failed
 * write is logged once until one succeeds again, and retried at the next beat;
 * the lease may expire meanwhile, and then other processes take this one's
 * runs for a crash's — the same as if it had died, which is what the expiry
 * is for.
 *
 * A renewal that finds no row means another process took this one for gone
 * (a heartbeat that came too late: a suspended or hung process) and has
 * marked its runs interrupted; one of them may already be resumed elsewhere.
 * The lease is registered again (this process is alive and may train new
 * runs) and the `onLost` listeners are told, so the run service stops the
 * sessions whose runs were taken, at once rather than at their next write
 * (the write fence, Store.writeIfOwned, stops them in any case).
 */
import * as os from 'node:os';
import { deleteLeases, putLease, renewLease } from './queries/ownerLeases';
import { HEARTBEAT_MS, parseOwner } from './runOwner';
import type { Db } from './sqlite';

export interface OwnerLeaseOptions {
  /** How often the heartbeat is renewed (default HEARTBEAT_MS, 5 s). */
  heartbeatMs?: number;
  /** Clock (ms since the epoch). */
  now?: () => number;
  /** Where a failed write is reported (default console.warn). */
  warn?: (message: string) => void;
}

export class OwnerLeaseKeeper {
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private failing = false;
  private released = false;
  private readonly lostListeners = new Set<() => void>();

  constructor(private readonly db: Db, readonly owner: string, private readonly o: OwnerLeaseOptions = {}) {}

  /** Whether the lease is registered and beating. */
  get held(): boolean {
    return this.timer !== undefined;
  }

  /** Registers the lease and starts the heartbeat; nothing when already held or released. */
  hold(): void {
    if (this.timer || this.released) return;
    this.startedAt = this.now();
    this.write('register', () => this.put());
    this.timer = setInterval(() => this.beat(), this.o.heartbeatMs ?? HEARTBEAT_MS);
    this.timer.unref();
  }

  /** One renewal (the timer's tick; tests call it directly). */
  beat(): void {
    if (this.released || !this.db.open) return;
    let removed = false;
    this.write('renew', () => {
      // No row: another process took this owner for gone (a heartbeat that came too late) and removed it.
      if (!renewLease(this.db, this.owner, this.now())) {
        removed = true;
        this.put();
        this.warn(`Lease of ${this.owner} had been removed by another process (this process was taken for gone: its runs may have been marked interrupted); registered it again`);
      }
    });
    if (removed) this.lost();
  }

  /** Calls `listener` each time a renewal finds the lease removed by another process; returns the unsubscribe. */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  private lost(): void {
    for (const listener of [...this.lostListeners]) {
      // On the heartbeat's timer: a listener's throw must not take the process down.
      try {
        listener();
      } catch (e) {
        this.warn(`Lease of ${this.owner}: stopping the runs taken over failed: ${(e as Error).message}`);
      }
    }
  }

  /** Stops the heartbeat and deletes the lease (the store is closing). */
  release(): void {
    this.released = true;
    const held = this.timer !== undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    // A store that never held one (a read-only command, a read-only start) writes nothing.
    if (held && this.db.open) this.write('delete', () => deleteLeases(this.db, [this.owner]));
  }

  private put(): void {
    const parsed = parseOwner(this.owner);
    putLease(this.db, { owner: this.owner, host: parsed?.host ?? os.hostname(), pid: parsed?.pid ?? process.pid, startedAt: this.startedAt, heartbeatAt: this.now() });
  }

  private write(what: string, op: () => void): void {
    try {
      op();
      if (this.failing) this.warn(`Lease of ${this.owner}: writing works again`);
      this.failing = false;
    } catch (e) {
      if (!this.failing) this.warn(`Lease of ${this.owner}: could not ${what} it (${(e as Error).message}); retrying every heartbeat`);
      this.failing = true;
    }
  }

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  private warn(message: string): void {
    (this.o.warn ?? console.warn)(message);
  }
}
