/**
 * A run's lease: which process owns it (runs.owner, 0012) and which child
 * process trains it (runs.host_pid, 0013). Read by the start-up sweep (stop a
 * dead owner's still-living child before marking its run interrupted) and by
 * resume (refuse a run another live process owns).
 */
import type { RunLease } from '../storeTypes';
import type { Db } from '../sqlite';
import { statement } from './statements';

interface LeaseRow { id: number; owner: string | null; host_pid: number | null }

const toLease = (r: LeaseRow): RunLease => ({ runId: r.id, owner: r.owner, hostPid: r.host_pid });

/** The lease of one run; undefined when there is no such run. */
export function runLease(db: Db, id: number): RunLease | undefined {
  const row = statement<[number], LeaseRow>(db, 'SELECT id, owner, host_pid FROM runs WHERE id = ?').get(id);
  return row ? toLease(row) : undefined;
}

/** The leases of the runs left 'running' or 'queued' (the start-up sweep's candidates), by id. */
export function activeRunLeases(db: Db): RunLease[] {
  return statement<[], LeaseRow>(db,
    "SELECT id, owner, host_pid FROM runs WHERE status IN ('running', 'queued') ORDER BY id").all().map(toLease);
}

/** Records the child process that trains the run now (null: a worker thread). */
export function setRunHostPid(db: Db, id: number, pid: number | null): void {
  statement<[number | null, number]>(db, 'UPDATE runs SET host_pid = ? WHERE id = ?').run(pid, id);
}
