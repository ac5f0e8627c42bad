/**
 * The owner_leases table (0014): one row per open store that queues or
 * trains runs, its heartbeat renewed every few seconds (db/ownerLease.ts).
 * The rule that reads it is db/runOwner.ts ownerRule.
 */
import type { OwnerLease } from '../storeTypes';
import type { Db } from '../sqlite';
import { statement } from './statements';

interface LeaseRow { owner: string; host: string; pid: number; started_at: number; heartbeat_at: number }

const toLease = (r: LeaseRow): OwnerLease => ({ owner: r.owner, host: r.host, pid: r.pid, startedAt: r.started_at, heartbeatAt: r.heartbeat_at });

/** Inserts the lease, or renews it as new when another process had removed it (it took this owner for gone). */
export function putLease(db: Db, lease: OwnerLease): void {
  statement<[string, string, number, number, number]>(db, `
    INSERT INTO owner_leases (owner, host, pid, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (owner) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`)
    .run(lease.owner, lease.host, lease.pid, lease.startedAt, lease.heartbeatAt);
}

/** Renews the heartbeat; false when there was no row to renew (another process removed it). */
export function renewLease(db: Db, owner: string, at: number): boolean {
  return statement<[number, string]>(db, 'UPDATE owner_leases SET heartbeat_at = ? WHERE owner = ?').run(at, owner).changes > 0;
}

/** Every lease, oldest first. */
export function listLeases(db: Db): OwnerLease[] {
  return statement<[], LeaseRow>(db, 'SELECT owner, host, pid, started_at, heartbeat_at FROM owner_leases ORDER BY started_at, owner').all().map(toLease);
}

/** Deletes the leases of these owners; returns how many there were. */
export function deleteLeases(db: Db, owners: readonly string[]): number {
  const del = statement<[string]>(db, 'DELETE FROM owner_leases WHERE owner = ?');
  return db.transaction(() => owners.reduce((n, o) => n + del.run(o).changes, 0))();
}
