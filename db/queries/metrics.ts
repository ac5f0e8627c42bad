/**
 * Metric points and the latest-metrics table. SQLite stores NaN as NULL, so a
 * NULL value reads back as NaN; ±Infinity is stored and read as is.
 */
import type { MetricSeries } from '../../main/common/domain';
import type { MetricPoint } from '../../workers/common/protocol';
import type { Db } from '../sqlite';
import { statement } from './statements';

interface PointRow {
  key: string;
  step: number;
  value: number | null;
  wall_time: number;
}

interface LatestRow {
  run_id: number;
  key: string;
  value: number | null;
}

function fromColumn(value: number | null): number {
  return value ?? Number.NaN;
}

/** All points in one transaction; latest_metrics keeps the highest step (ties: the newest write). */
export function appendMetrics(db: Db, runId: number, points: readonly MetricPoint[]): void {
  if (points.length === 0) return;
  const insert = statement<[number, string, number, number, number]>(db,
    'INSERT INTO metrics (run_id, key, step, value, wall_time) VALUES (?, ?, ?, ?, ?)');
  const upsertLatest = statement<[number, string, number, number]>(db, `
    INSERT INTO latest_metrics (run_id, key, step, value) VALUES (?, ?, ?, ?)
    ON CONFLICT (run_id, key) DO UPDATE SET step = excluded.step, value = excluded.value
    WHERE excluded.step >= latest_metrics.step`);
  db.transaction(() => {
    for (const p of points) {
      insert.run(runId, p.key, p.step, p.value, p.wallTime);
      upsertLatest.run(runId, p.key, p.step, p.value);
    }
  }).immediate();
}

/**
 * One series per key (sorted by key), ordered by step. When a step was logged
 * more than once (a run resumed from an earlier checkpoint), the newest point wins.
 */
export function getMetrics(db: Db, runId: number, keys?: readonly string[]): MetricSeries[] {
  const order = 'ORDER BY key, step, id';
  const rows = keys === undefined
    ? statement<[number], PointRow>(db,
      `SELECT key, step, value, wall_time FROM metrics WHERE run_id = ? ${order}`).all(runId)
    : statement<[number, string], PointRow>(db,
      `SELECT key, step, value, wall_time FROM metrics
       WHERE run_id = ? AND key IN (SELECT value FROM json_each(?)) ${order}`).all(runId, JSON.stringify(keys));
  const series: MetricSeries[] = [];
  let current: MetricSeries | undefined;
  for (const row of rows) {
    if (current?.key !== row.key) {
      current = { key: row.key, steps: [], values: [], wallTimes: [] };
      series.push(current);
    }
    const last = current.steps.length - 1;
    if (last >= 0 && current.steps[last] === row.step) {
      current.values[last] = fromColumn(row.value);
      current.wallTimes[last] = row.wall_time;
    } else {
      current.steps.push(row.step);
      current.values.push(fromColumn(row.value));
      current.wallTimes.push(row.wall_time);
    }
  }
  return series;
}

/** Latest value per key for each requested run (an empty record for runs without metrics). */
export function latestMetrics(db: Db, runIds: readonly number[]): Map<number, Record<string, number>> {
  const result = new Map<number, Record<string, number>>();
  for (const id of runIds) result.set(id, {});
  if (runIds.length === 0) return result;
  const rows = statement<[string], LatestRow>(db, `
    SELECT run_id, key, value FROM latest_metrics
    WHERE run_id IN (SELECT value FROM json_each(?)) ORDER BY run_id, key`).all(JSON.stringify(runIds));
  for (const row of rows) {
    const record = result.get(row.run_id);
    if (record) record[row.key] = fromColumn(row.value);
  }
  return result;
}

interface BestRow {
  run_id: number;
  key: string;
  best: number | null;
}

/**
 * Best value per requested key for each run: the maximum for keys that grow
 * when the model gets better (accuracy, elbo, …), the minimum for the rest.
 * NaN points are ignored.
 */
export function bestMetrics(db: Db, runIds: readonly number[], keys: readonly { key: string; mode: 'max' | 'min' }[]): Map<number, Record<string, number>> {
  const result = new Map<number, Record<string, number>>();
  for (const id of runIds) result.set(id, {});
  if (runIds.length === 0 || keys.length === 0) return result;
  for (const mode of ['max', 'min'] as const) {
    const wanted = keys.filter((k) => k.mode === mode).map((k) => k.key);
    if (wanted.length === 0) continue;
    const rows = statement<[string, string], BestRow>(db, `
      SELECT run_id, key, ${mode}(value) AS best FROM metrics
      WHERE run_id IN (SELECT value FROM json_each(?)) AND key IN (SELECT value FROM json_each(?)) AND value IS NOT NULL
      GROUP BY run_id, key`).all(JSON.stringify(runIds), JSON.stringify(wanted));
    for (const row of rows) {
      const record = result.get(row.run_id);
      if (record && row.best !== null) record[row.key] = row.best;
    }
  }
  return result;
}
