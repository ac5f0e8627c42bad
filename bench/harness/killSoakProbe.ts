/**
 * What the kill soak reads of a data folder from its own SQLite connection,
 * as any other process would (bench/harness/killSoak.ts): the run's state, to
 * aim a kill at a phase and to name the phase it hit; the acknowledged points
 * (every (key, step) committed and visible from outside just before a kill);
 * and, after a kill, the integrity check, lost points, repeated steps and gaps.
 */
import Database from 'better-sqlite3';

/** The moments a kill is aimed at. */
export const PHASES = ['start', 'mid-epoch', 'evaluation', 'checkpoint'] as const;
export type Phase = (typeof PHASES)[number];

/** A run's progress as committed: what the phase of a kill is read from. */
export interface RunState {
  /** Points with a wall time at or after `since` (the killed process's own). */
  newPoints: number;
  /** The highest loss step (0 without one). */
  lossStep: number;
  /** The highest epoch with a test_accuracy point (0 without one). */
  evaluatedEpoch: number;
  /** The epoch of the newest checkpoint artifact (0 without one). */
  checkpointEpoch: number;
  /** The pid of the run's child-process host, when it has one. */
  hostPid: number | null;
}

/**
 * The phase a process was in when its run showed `s`: before its first point
 * (start); the epoch's last step committed and its test metrics not yet
 * (evaluation: the trainer flushes its batch before evaluating); the test
 * metrics committed and the checkpoint not yet (checkpoint write); else within
 * an epoch (its galleries included). `perEpoch` is the steps of one epoch.
 */
export function phaseOf(s: RunState, perEpoch: number): Phase {
  if (s.newPoints === 0) return 'start';
  const epochEnded = s.lossStep > 0 && s.lossStep % perEpoch === 0;
  const epoch = s.lossStep / perEpoch;
  if (epochEnded && s.evaluatedEpoch < epoch) return 'evaluation';
  if (epochEnded && s.evaluatedEpoch === epoch && s.checkpointEpoch < epoch) return 'checkpoint';
  return 'mid-epoch';
}

/** One (key, step) as text, for sets. */
const pointId = (key: string, step: number): string => `${key}@${step}`;

/** What a kill did to the run's records. */
export interface AfterKill {
  integrity: string;
  /** Acknowledged points no longer stored. */
  lost: number;
  /** Rows beyond the first for a (key, step). */
  duplicated: number;
  /** Steps missing between 1 and each key's highest (loss counted in steps, the rest in epochs). */
  gaps: number;
  status: string;
}

/** A read connection on the data folder's database, kept open through the soak. */
export class SoakProbe {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 5000');
  }

  close(): void { this.db.close(); }

  /** Steps of one epoch, from the worker's "N batches of B per epoch" log line; null before it. */
  stepsPerEpoch(runId: number): number | null {
    const row = this.db.prepare<[number], { message: string }>(
      `SELECT message FROM logs WHERE run_id = ? AND message LIKE '%batches of%per epoch%' ORDER BY id DESC LIMIT 1`).get(runId);
    const m = row ? /(\d+) batches of \d+ per epoch/.exec(row.message) : null;
    return m ? Number(m[1]) : null;
  }

  state(runId: number, since: number): RunState {
    const one = (sql: string, ...args: (number | string)[]): number =>
      Number((this.db.prepare(sql).get(...args) as { v: number | null } | undefined)?.v ?? 0);
    const ckpt = this.db.prepare<[number], { meta_json: string }>(
      `SELECT meta_json FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' ORDER BY id DESC LIMIT 1`).get(runId);
    const epoch = ckpt ? Number((JSON.parse(ckpt.meta_json) as { epoch?: number }).epoch ?? 0) : 0;
    const pid = this.db.prepare<[number], { host_pid: number | null }>('SELECT host_pid FROM runs WHERE id = ?').get(runId)?.host_pid ?? null;
    return {
      newPoints: one('SELECT count(*) AS v FROM metrics WHERE run_id = ? AND wall_time >= ?', runId, since),
      lossStep: one(`SELECT max(step) AS v FROM metrics WHERE run_id = ? AND key = 'loss'`, runId),
      evaluatedEpoch: one(`SELECT max(step) AS v FROM metrics WHERE run_id = ? AND key = 'test_accuracy'`, runId),
      checkpointEpoch: epoch,
      hostPid: pid,
    };
  }

  /** The step of the newest checkpoint artifact (0 without one): where a resume continues from. */
  checkpointStep(runId: number): number {
    const row = this.db.prepare<[number], { meta_json: string; step: number }>(
      `SELECT meta_json, step FROM artifacts WHERE run_id = ? AND kind = 'checkpoint' ORDER BY id DESC LIMIT 1`).get(runId);
    return row ? Number((JSON.parse(row.meta_json) as { step?: number }).step ?? row.step) : 0;
  }

  /** The first loss step a process logged (wall time at or after `since`), or null before its first. */
  firstLossStepSince(runId: number, since: number): number | null {
    const row = this.db.prepare<[number, number], { v: number | null }>(
      `SELECT min(step) AS v FROM metrics WHERE run_id = ? AND key = 'loss' AND wall_time >= ?`).get(runId, since);
    return row?.v ?? null;
  }

  /** Every committed (key, step) of the run. */
  points(runId: number): Set<string> {
    const rows = this.db.prepare<[number], { key: string; step: number }>('SELECT key, step FROM metrics WHERE run_id = ?').all(runId);
    return new Set(rows.map((r) => pointId(r.key, r.step)));
  }

  /** The checks after a kill, against the points acknowledged before it. */
  afterKill(runId: number, acknowledged: ReadonlySet<string>): AfterKill {
    const integrity = (this.db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
    const now = this.points(runId);
    let lost = 0;
    for (const p of acknowledged) if (!now.has(p)) lost++;
    const perKey = this.db.prepare<[number], { key: string; n: number; distinct_steps: number; top: number }>(
      'SELECT key, count(*) AS n, count(DISTINCT step) AS distinct_steps, max(step) AS top FROM metrics WHERE run_id = ? GROUP BY key').all(runId);
    let duplicated = 0;
    let gaps = 0;
    for (const k of perKey) {
      duplicated += k.n - k.distinct_steps;
      gaps += k.top - k.distinct_steps;
    }
    const status = this.db.prepare<[number], { status: string }>('SELECT status FROM runs WHERE id = ?').get(runId)?.status ?? 'missing';
    return { integrity, lost, duplicated, gaps, status };
  }
}
