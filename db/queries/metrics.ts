/**
 * Metric points and the latest-metrics table, which also holds each (run,
 * key)'s summary of its points (0005). SQLite stores NaN as NULL, so a NULL
 * value reads back as NaN; ±Infinity is stored and read as is.
 */
import type { MetricSeries, MetricSummary } from '../../main/common/domain';
import type { StepRange } from '../../main/common/series/metricSeriesDownsample';
import type { ValidationChoice } from '../../workers/common/families/descriptor';
import type { MetricPoint } from '../../workers/common/protocol';
import type { Db } from '../sqlite';
import { decodeColumns, ensureColumnAggregate } from './metricColumns';
import { statement } from './statements';

interface ColumnsRow {
  key: string;
  cols: Uint8Array;
}

interface LatestRow {
  run_id: number;
  key: string;
  value: number | null;
}

function fromColumn(value: number | null): number {
  return value ?? Number.NaN;
}

interface SummaryParams {
  runId: number;
  key: string;
  step: number;
  value: number;
  /** The value when finite, else null: only finite values enter min and max. */
  finite: number | null;
  nonFinite: 0 | 1;
  wallTime: number;
  /** The step when the value is finite, else null (where min and max were first reached). */
  finiteStep: number | null;
}

/**
 * One point's effect on its latest_metrics row. The SET expressions read the
 * row as it was (SQLite evaluates them all before assigning): step and value
 * move to the point when its step is at least the stored one (ties: the newest
 * write wins), the summary takes in every point, and min_step / max_step move
 * to the point's step when it sets a new extreme (or equals it at a lower step). SQLite's min()/max() of
 * several arguments are NULL when one is, hence the coalesce.
 */
const UPSERT_SUMMARY = `
  INSERT INTO latest_metrics (run_id, key, step, value, min_value, max_value, count, nonfinite_count, first_wall_time, last_wall_time, min_step, max_step)
  VALUES (@runId, @key, @step, @value, @finite, @finite, 1, @nonFinite, @wallTime, @wallTime, @finiteStep, @finiteStep)
  ON CONFLICT (run_id, key) DO UPDATE SET
    step = CASE WHEN excluded.step >= step THEN excluded.step ELSE step END,
    min_step = CASE WHEN excluded.min_value IS NOT NULL AND (min_value IS NULL OR excluded.min_value < min_value
      OR (excluded.min_value = min_value AND excluded.min_step < min_step)) THEN excluded.min_step ELSE min_step END,
    max_step = CASE WHEN excluded.max_value IS NOT NULL AND (max_value IS NULL OR excluded.max_value > max_value
      OR (excluded.max_value = max_value AND excluded.max_step < max_step)) THEN excluded.max_step ELSE max_step END,
    value = CASE WHEN excluded.step >= step THEN excluded.value ELSE value END,
    min_value = coalesce(min(min_value, excluded.min_value), min_value, excluded.min_value),
    max_value = coalesce(max(max_value, excluded.max_value), max_value, excluded.max_value),
    count = count + 1,
    nonfinite_count = nonfinite_count + excluded.nonfinite_count,
    first_wall_time = coalesce(min(first_wall_time, excluded.first_wall_time), excluded.first_wall_time),
    last_wall_time = coalesce(max(last_wall_time, excluded.last_wall_time), excluded.last_wall_time)`;

/**
 * All points in one transaction. latest_metrics keeps, per (run, key), the
 * highest step (ties: the newest write) and the summary of every point
 * written: min and max of the finite values, the count of points and of
 * non-finite ones, the earliest and latest wall time. A step re-logged by a
 * resumed run counts again, as the metrics table keeps both points.
 */
export function appendMetrics(db: Db, runId: number, points: readonly MetricPoint[]): void {
  if (points.length === 0) return;
  const insert = statement<[number, string, number, number, number]>(db,
    'INSERT INTO metrics (run_id, key, step, value, wall_time) VALUES (?, ?, ?, ?, ?)');
  const upsertSummary = statement<[SummaryParams]>(db, UPSERT_SUMMARY);
  db.transaction(() => {
    for (const p of points) {
      insert.run(runId, p.key, p.step, p.value, p.wallTime);
      const finite = Number.isFinite(p.value) ? p.value : null;
      upsertSummary.run({
        runId, key: p.key, step: p.step, value: p.value, finite, nonFinite: finite === null ? 1 : 0, wallTime: p.wallTime, finiteStep: finite === null ? null : p.step,
      });
    }
  }).immediate();
}

/**
 * One series per key (sorted by key), ordered by step. When a step was logged
 * more than once (a run resumed from an earlier checkpoint), the newest point wins.
 * Each key's points stream through an aggregate into number columns
 * (metricColumns.ts): a third of the time of building one object per row on a
 * 200,000-point run, which is what a run page's thinned read waits for.
 *
 * With `range` (a zoomed chart's window, both ends inclusive), only the points
 * in it and the nearest point beyond each edge are read: the superset
 * sliceRange (main/common/series/downsample.ts) cuts the window from, so a
 * zoom reads its window's rows, not the run's.
 */
export function getMetrics(db: Db, runId: number, keys?: readonly string[], range?: StepRange): MetricSeries[] {
  const collect = ensureColumnAggregate(db);
  if (range !== undefined) return getMetricsInRange(db, collect, runId, keys, range);
  const select = `SELECT key, ${collect}(step, value, wall_time, id) AS cols FROM metrics WHERE run_id = ?`;
  const rows = keys === undefined
    ? statement<[number], ColumnsRow>(db, `${select} GROUP BY key ORDER BY key`).all(runId)
    : statement<[number, string], ColumnsRow>(db,
      `${select} AND key IN (SELECT value FROM json_each(?)) GROUP BY key ORDER BY key`).all(runId, JSON.stringify(keys));
  return rows.map((row) => ({ key: row.key, ...decodeColumns(row.cols) }));
}

/**
 * The run's keys found by skipping through the (run, key, step) index one key
 * at a time (a probe per key, not a scan of the run's points), each key's
 * window widened to the nearest step beyond either edge (two more probes), then
 * that step range read.
 */
function getMetricsInRange(db: Db, collect: string, runId: number, keys: readonly string[] | undefined, range: StepRange): MetricSeries[] {
  if (!(range.min <= range.max)) throw new RangeError(`need xMin ≤ xMax, got [${range.min}, ${range.max}]`);
  const rows = statement<[{ runId: number; keys: string | null; min: number; max: number }], ColumnsRow>(db, `
    WITH RECURSIVE run_keys(key) AS (
      SELECT min(key) FROM metrics WHERE run_id = @runId
      UNION ALL
      SELECT (SELECT min(m.key) FROM metrics m WHERE m.run_id = @runId AND m.key > run_keys.key) FROM run_keys WHERE run_keys.key IS NOT NULL
    ), bounds AS (
      SELECT key,
        coalesce((SELECT max(m.step) FROM metrics m WHERE m.run_id = @runId AND m.key = run_keys.key AND m.step < @min), @min) AS lo,
        coalesce((SELECT min(m.step) FROM metrics m WHERE m.run_id = @runId AND m.key = run_keys.key AND m.step > @max), @max) AS hi
      FROM run_keys WHERE key IS NOT NULL AND (@keys IS NULL OR key IN (SELECT value FROM json_each(@keys)))
    )
    SELECT b.key AS key, ${collect}(m.step, m.value, m.wall_time, m.id) AS cols
    FROM bounds b JOIN metrics m ON m.run_id = @runId AND m.key = b.key AND m.step BETWEEN b.lo AND b.hi
    GROUP BY b.key ORDER BY b.key`)
    .all({ runId, keys: keys === undefined ? null : JSON.stringify(keys), min: range.min, max: range.max });
  return rows.map((row) => ({ key: row.key, ...decodeColumns(row.cols) }));
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

/**
 * Best value per requested key for each run: the maximum for keys that grow
 * when the model gets better (accuracy, elbo, …), the minimum for the rest,
 * over the finite points. Read from the summaries latest_metrics keeps as
 * points arrive (one row per run and key), never from the metrics table:
 * listing thousands of runs must not scan millions of points.
 */
export function bestMetrics(db: Db, runIds: readonly number[], keys: readonly { key: string; mode: 'max' | 'min' }[]): Map<number, Record<string, number>> {
  const result = new Map<number, Record<string, number>>();
  for (const id of runIds) result.set(id, {});
  if (runIds.length === 0 || keys.length === 0) return result;
  const modes = new Map(keys.map((k) => [k.key, k.mode]));
  const rows = statement<[string, string], { run_id: number; key: string; min_value: number | null; max_value: number | null }>(db, `
    SELECT run_id, key, min_value, max_value FROM latest_metrics
    WHERE run_id IN (SELECT value FROM json_each(?)) AND key IN (SELECT value FROM json_each(?))`).all(JSON.stringify(runIds), JSON.stringify([...modes.keys()]));
  for (const row of rows) {
    const best = modes.get(row.key) === 'max' ? row.max_value : row.min_value;
    const record = result.get(row.run_id);
    if (record && best !== null) record[row.key] = best;
  }
  return result;
}

interface SummaryRow {
  run_id: number;
  key: string;
  step: number;
  value: number | null;
  min_value: number | null;
  max_value: number | null;
  count: number;
  nonfinite_count: number;
  min_step: number | null;
  max_step: number | null;
}

/**
 * Each requested run's metric summaries by key (all keys, or only `keys`),
 * read from latest_metrics in one query: an empty record for a run without
 * points. The metrics table is not read.
 */
export function metricSummaries(db: Db, runIds: readonly number[], keys?: readonly string[]): Map<number, Record<string, MetricSummary>> {
  const result = new Map<number, Record<string, MetricSummary>>();
  for (const id of runIds) result.set(id, {});
  if (runIds.length === 0 || keys?.length === 0) return result;
  const select = `
    SELECT run_id, key, step, value, min_value, max_value, count, nonfinite_count, min_step, max_step FROM latest_metrics
    WHERE run_id IN (SELECT value FROM json_each(?))`;
  const ids = JSON.stringify(runIds);
  const rows = keys === undefined
    ? statement<[string], SummaryRow>(db, `${select} ORDER BY run_id, key`).all(ids)
    : statement<[string, string], SummaryRow>(db, `${select} AND key IN (SELECT value FROM json_each(?)) ORDER BY run_id, key`)
      .all(ids, JSON.stringify(keys));
  for (const row of rows) {
    const record = result.get(row.run_id);
    if (!record) continue;
    record[row.key] = {
      last: fromColumn(row.value),
      lastStep: row.step,
      min: row.min_value,
      max: row.max_value,
      count: row.count,
      nonFinite: row.nonfinite_count,
      minStep: row.min_step,
      maxStep: row.max_step,
    };
  }
  return result;
}

/** For one run: the step the validation metric chose and each selected metric's value there. */
export interface SelectedValues {
  step: number;
  values: Record<string, number>;
}

/**
 * For each run that has a finite value of the validation metric: the step
 * where it was best (the first such step) and each selected metric's value at
 * the latest point at or before that step (test metrics may be logged less
 * often); NaN reads back as NaN. One query: the step comes from
 * latest_metrics, each value from one probe of the (run, key, step) index.
 */
export function selectedValues(db: Db, runIds: readonly number[], choice: ValidationChoice): Map<number, SelectedValues> {
  const result = new Map<number, SelectedValues>();
  if (runIds.length === 0 || choice.selects.length === 0) return result;
  const stepColumn = choice.mode === 'max' ? 'max_step' : 'min_step';
  const rows = statement<[string, string, string], { run_id: number; step: number; key: string | null; value: number | null; found: number | null }>(db, `
    SELECT v.run_id, v.${stepColumn} AS step, k.value AS key,
      (SELECT m.value FROM metrics m WHERE m.run_id = v.run_id AND m.key = k.value AND m.step <= v.${stepColumn} ORDER BY m.step DESC, m.id DESC LIMIT 1) AS value,
      (SELECT 1 FROM metrics m WHERE m.run_id = v.run_id AND m.key = k.value AND m.step <= v.${stepColumn} LIMIT 1) AS found
    FROM latest_metrics v JOIN json_each(?) k
    WHERE v.run_id IN (SELECT value FROM json_each(?)) AND v.key = ? AND v.${stepColumn} IS NOT NULL`)
    .all(JSON.stringify(choice.selects), JSON.stringify(runIds), choice.key);
  for (const row of rows) {
    const entry = result.get(row.run_id) ?? { step: row.step, values: {} };
    result.set(row.run_id, entry);
    if (row.key !== null && row.found === 1) entry.values[row.key] = fromColumn(row.value);
  }
  return result;
}

/**
 * For each run: the first logged value of `key` (lowest step, first written),
 * NaN read back as NaN; runs without the key are absent. One query over the
 * (run, key, step) index: the divergence rule compares a finished run's
 * final loss with it (workers/common/families/divergence.ts).
 */
export function firstValues(db: Db, runIds: readonly number[], key: string): Map<number, number> {
  const result = new Map<number, number>();
  if (runIds.length === 0) return result;
  const rows = statement<[string, string], { run_id: number; value: number | null }>(db, `
    SELECT v.run_id, (SELECT m.value FROM metrics m WHERE m.run_id = v.run_id AND m.key = v.key ORDER BY m.step, m.id LIMIT 1) AS value
    FROM latest_metrics v WHERE v.run_id IN (SELECT value FROM json_each(?)) AND v.key = ?`)
    .all(JSON.stringify(runIds), key);
  for (const row of rows) result.set(row.run_id, fromColumn(row.value));
  return result;
}
