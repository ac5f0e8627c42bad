/**
 * What other processes changed in the database since a cursor (0012): runs
 * by the global revision the triggers keep, deleted runs by their
 * tombstones, and metrics, logs and artifacts by their growing ids. A
 * process that watches the data folder (main/services/changeWatcher.ts) asks
 * this only when SQLite's data_version says another connection committed.
 */
import type { LogLine } from '../../main/common/domain';
import { metricSpecFor } from '../../workers/common/families/descriptor';
import { familyDescriptors, type MetricKey } from '../../workers/common/families/registry';
import type { MetricPoint } from '../../workers/common/protocol';
import type { ArtifactRecord } from '../storeTypes';
import type { Db } from '../sqlite';
import { parseRecord } from './json';
import { statement } from './statements';

/** Where a reader stands: the last run revision and the last metric, log and artifact ids it has seen. */
export interface ChangeCursor {
  revision: number;
  metricId: number;
  logId: number;
  artifactId: number;
}

/** One run's new points, in the order they were written. */
export interface RunPoints {
  runId: number;
  points: MetricPoint[];
}

export interface StoreChanges {
  /** Where the next read starts: every row up to here was seen (those skipped as the reader's own too). */
  cursor: ChangeCursor;
  /** Runs inserted or changed (status, times, annotations, tags) since the cursor, by id. */
  changedRuns: number[];
  /** Runs deleted since the cursor (an id SQLite reused after a delete is in both lists: forget it, then read it). */
  deletedRuns: number[];
  /** New points of runs another process owns, grouped by run. */
  metrics: RunPoints[];
  /** New log lines of runs another process owns, oldest first. */
  logs: LogLine[];
  /** New artifacts of runs another process owns, oldest first. */
  artifacts: ArtifactRecord[];
}

/** Whether a stored key is one a family records (a newer app's unknown key is left out of live points). */
export function isMetricKey(key: string): key is MetricKey {
  return Object.values(familyDescriptors).some((d) => metricSpecFor(d.metrics, key) !== undefined);
}

/** The connection's data_version: it changes when another connection commits (never for this one's own writes). */
export function dataVersion(db: Db): number {
  return Number(db.pragma('data_version', { simple: true }));
}

function maxId(db: Db, table: 'metrics' | 'logs' | 'artifacts'): number {
  return statement<[], { m: number | null }>(db, `SELECT max(id) AS m FROM ${table}`).get()?.m ?? 0;
}

function currentCursor(db: Db): ChangeCursor {
  const revision = statement<[], { value: number }>(db, 'SELECT value FROM change_counter WHERE id = 1').get()?.value ?? 0;
  return { revision, metricId: maxId(db, 'metrics'), logId: maxId(db, 'logs'), artifactId: maxId(db, 'artifacts') };
}

/** The cursor of everything committed so far: a watcher starts here, so it reports only what comes after. */
export function changeCursor(db: Db): ChangeCursor {
  return db.transaction(() => currentCursor(db))();
}

interface PointRow { id: number; run_id: number; key: string; step: number; value: number | null; wall_time: number }
interface LogRow { id: number; run_id: number; time: number; level: LogLine['level']; message: string }
interface ArtifactRow { id: number; run_id: number; kind: string; step: number; path: string; meta_json: string; created_at: number }

/** Rows of runs whose owner is not `owner` (NULL owners are someone else's). */
const FOREIGN = 'JOIN runs r ON r.id = x.run_id WHERE x.id > ? AND x.id <= ? AND r.owner IS NOT ?';

function pointsByRun(rows: readonly PointRow[]): RunPoints[] {
  const byRun = new Map<number, MetricPoint[]>();
  for (const row of rows) {
    if (!isMetricKey(row.key)) continue;
    const list = byRun.get(row.run_id) ?? [];
    // SQLite stores NaN as NULL (db/queries/metrics.ts).
    list.push({ key: row.key, step: row.step, value: row.value ?? Number.NaN, wallTime: row.wall_time });
    byRun.set(row.run_id, list);
  }
  return [...byRun].map(([runId, points]) => ({ runId, points }));
}

/**
 * Everything committed after `since`, read in one transaction so the new
 * cursor and the rows agree: rows of runs `owner` trains are skipped (that
 * process already told its windows) but counted as seen.
 */
export function changesSince(db: Db, since: ChangeCursor, owner: string): StoreChanges {
  return db.transaction((): StoreChanges => {
    const cursor = currentCursor(db);
    const changedRuns = statement<[number], { id: number }>(db, 'SELECT id FROM runs WHERE revision > ? ORDER BY revision').all(since.revision).map((r) => r.id);
    const deletedRuns = statement<[number], { run_id: number }>(db, 'SELECT run_id FROM run_deletions WHERE revision > ? ORDER BY revision').all(since.revision).map((r) => r.run_id);
    const points = statement<[number, number, string], PointRow>(db,
      `SELECT x.id, x.run_id, x.key, x.step, x.value, x.wall_time FROM metrics x ${FOREIGN} ORDER BY x.id`).all(since.metricId, cursor.metricId, owner);
    const logs = statement<[number, number, string], LogRow>(db,
      `SELECT x.id, x.run_id, x.time, x.level, x.message FROM logs x ${FOREIGN} ORDER BY x.id`).all(since.logId, cursor.logId, owner)
      .map((r): LogLine => ({ id: r.id, runId: r.run_id, time: r.time, level: r.level, message: r.message }));
    const artifacts = statement<[number, number, string], ArtifactRow>(db,
      `SELECT x.id, x.run_id, x.kind, x.step, x.path, x.meta_json, x.created_at FROM artifacts x ${FOREIGN} ORDER BY x.id`).all(since.artifactId, cursor.artifactId, owner)
      .map((r): ArtifactRecord => ({ id: r.id, runId: r.run_id, kind: r.kind, step: r.step, path: r.path, meta: parseRecord(r.meta_json, 'artifact meta'), createdAt: r.created_at }));
    return { cursor, changedRuns, deletedRuns, metrics: pointsByRun(points), logs, artifacts };
  })();
}
