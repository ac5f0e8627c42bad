/**
 * How fast a long run's thinned series leaves the database (issue 17: "the
 * 200k-point page is now limited by the database read"). In this process, on
 * one 200,000-point run (bench/longRunSeed.ts), RunService.metrics' read with
 * maxPoints 2,000 (getMetrics, then downsampleMetricSeries per key) is timed
 * four ways, interleaved (A, B, C, D, A, …):
 *   rows           the read before this change: one JS object per row (.all())
 *   columns        getMetrics now: an aggregate streams each key's points into number columns
 *   rows_covering / columns_covering  the same on a copy whose (run_id, key, step) index is
 *                  replaced by a covering (run_id, key, step, value, wall_time), option (a) of the task
 * plus the unthinned read (full_rows vs full_columns), a zoom to the middle fifth
 * of the steps with maxPoints (zoom_rows: the whole read, the window cut in JS,
 * as before; zoom_columns: getMetrics reads the window), and what the covering index costs:
 * store.appendMetrics' rate with and without it (alternating batches) and the
 * database size.
 *
 *   npm run build && node dist/bench/longRunMetrics.js [--steps 200000] [--repeats 15]
 *
 * Standalone it merges its compare.ui_speed.long_run_* keys into
 * bench/results/compare.json; compare.ts section (g) runs it too.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { getMetrics } from '../db/queries/metrics';
import type { Db } from '../db/sqlite';
import type { MetricSeries } from '../main/common/domain';
import { downsampleMetricSeries, type StepRange } from '../main/common/series/metricSeriesDownsample';
import { appRoot } from '../main/services/appInfo';
import { openStore } from '../db';
import type { MetricPoint } from '../workers/common/protocol';
import { createRuns, databaseMb, INGEST_BATCH } from './compareSeed';
import { ensureLongRun } from './longRunSeed';

/** What the run page asks for (renderer/stores/runsStore.ts RUN_PAGE_MAX_POINTS). */
const MAX_POINTS = 2000;
/** Option (a) as a migration would do it: the covering index replaces (run_id, key, step), whose every use it serves. */
/** Points each database takes in the alternating ingest comparison. */
const INGEST_POINTS = 100_000;
const COVERING = 'CREATE INDEX metrics_covering ON metrics (run_id, key, step, value, wall_time); DROP INDEX metrics_run_key_step';

interface Row {
  key: string;
  step: number;
  value: number | null;
  wall_time: number;
}

/** getMetrics as it was before the column aggregate: one object per row, folded into series. */
function readByRows(db: Db, runId: number): MetricSeries[] {
  const rows = db.prepare<[number], Row>('SELECT key, step, value, wall_time FROM metrics WHERE run_id = ? ORDER BY key, step, id').all(runId);
  const series: MetricSeries[] = [];
  let current: MetricSeries | undefined;
  for (const row of rows) {
    if (current?.key !== row.key) {
      current = { key: row.key, steps: [], values: [], wallTimes: [] };
      series.push(current);
    }
    const last = current.steps.length - 1;
    const value = row.value ?? Number.NaN;
    if (last >= 0 && current.steps[last] === row.step) {
      current.values[last] = value;
      current.wallTimes[last] = row.wall_time;
    } else {
      current.steps.push(row.step);
      current.values.push(value);
      current.wallTimes.push(row.wall_time);
    }
  }
  return series;
}

type Reader = (db: Db, runId: number) => MetricSeries[];

/** RunService.metrics with maxPoints: the read, then each series thinned. */
function thinned(read: Reader): Reader {
  return (db, runId) => read(db, runId).map((s) => downsampleMetricSeries(s, { maxPoints: MAX_POINTS }));
}

/** A zoom (RunService.metrics with maxPoints and a range): before, the whole read then the window cut in JS; now the window read. */
function zoomed(range: StepRange, windowRead: boolean): Reader {
  const view = { maxPoints: MAX_POINTS, range };
  return windowRead
    ? (db, runId) => getMetrics(db, runId, undefined, range).map((s) => downsampleMetricSeries(s, view))
    : (db, runId) => readByRows(db, runId).map((s) => downsampleMetricSeries(s, view));
}

interface Seeded {
  file: string;
  runId: number;
  /** The template run: the ingest comparison appends its points there. */
  templateId: number;
  dbMb: number;
}

/** A fresh database with one template run and the long run, the covering index created first when asked. */
function seedLongRun(dir: string, steps: number, covering: boolean): Seeded {
  const file = join(dir, covering ? 'covering.sqlite' : 'plain.sqlite');
  const [template] = createRuns(file, { runs: 1, experiments: 1, points: 0 });
  if (!template) throw new Error('createRuns made no run');
  if (covering) {
    const db = new Database(file);
    db.exec(COVERING);
    db.close();
  }
  const runId = ensureLongRun(file, template.id, steps);
  return { file, runId, templateId: template.id, dbMb: databaseMb(file) };
}

/**
 * store.appendMetrics' rate (points/s) into each database, batches of
 * INGEST_BATCH alternating between them (A, B, A, …) so load from other jobs
 * falls on both: `points` val_loss points into each template run (after the sizes were taken).
 */
function ingestRates(files: readonly Seeded[], points: number): number[] {
  const stores = files.map((f) => openStore(f.file, { appVersion: 'bench' }));
  const ns = files.map(() => 0n);
  try {
    for (let start = 1; start <= points; start += INGEST_BATCH) {
      const batch: MetricPoint[] = [];
      for (let step = start; step < start + INGEST_BATCH && step <= points; step++) batch.push({ key: 'val_loss', step, value: 1 / step, wallTime: step });
      stores.forEach((store, i) => {
        const t0 = process.hrtime.bigint();
        store.appendMetrics(files[i]?.templateId ?? 0, batch);
        ns[i] = (ns[i] ?? 0n) + process.hrtime.bigint() - t0;
      });
    }
  } finally {
    for (const store of stores) store.close();
  }
  return ns.map((n) => Math.round(points / (Number(n) / 1e9)));
}

function timeOnce(read: Reader, db: Db, runId: number): { ms: number; points: number } {
  const t0 = process.hrtime.bigint();
  const series = read(db, runId);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, points: series.reduce((n, s) => n + s.steps.length, 0) };
}

const round = (x: number): number => Math.round(x * 10) / 10;

function minMedian(samples: readonly number[]): { min: number; median: number } {
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length / 2;
  const median = s.length % 2 ? (s[Math.floor(mid)] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
  return { min: round(s[0] ?? NaN), median: round(median) };
}

/** The variants, interleaved after one warm-up round; each sample is one call's wall time in ms. */
function timeVariants(variants: Record<string, { read: Reader; db: Db; runId: number }>, repeats: number): { ms: Record<string, number[]>; points: Record<string, number> } {
  const ms: Record<string, number[]> = {};
  const points: Record<string, number> = {};
  for (let round = 0; round <= repeats; round++) {
    for (const [name, v] of Object.entries(variants)) {
      const r = timeOnce(v.read, v.db, v.runId);
      points[name] = r.points;
      if (round > 0) (ms[name] ??= []).push(r.ms);
    }
  }
  return { ms, points };
}

/** The compare.ui_speed.long_run_* keys (a fresh temp folder, removed afterwards). */
export function measureLongRunMetrics(steps: number, repeats: number): Record<string, number | string> {
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-longrun-'));
  try {
    const plain = seedLongRun(dir, steps, false);
    const covering = seedLongRun(dir, steps, true);
    const ingest = ingestRates([plain, covering], INGEST_POINTS);
    const a = new Database(plain.file, { readonly: true });
    const b = new Database(covering.file, { readonly: true });
    try {
      const plan = b.prepare<[number], { detail: string }>('EXPLAIN QUERY PLAN SELECT key, step, value, wall_time FROM metrics WHERE run_id = ? ORDER BY key, step, id').all(covering.runId);
      const zoom = { min: Math.round(steps * 0.4), max: Math.round(steps * 0.6) };
      const { ms, points } = timeVariants({
        rows: { read: thinned(readByRows), db: a, runId: plain.runId },
        columns: { read: thinned(getMetrics), db: a, runId: plain.runId },
        rows_covering: { read: thinned(readByRows), db: b, runId: covering.runId },
        columns_covering: { read: thinned(getMetrics), db: b, runId: covering.runId },
        full_rows: { read: readByRows, db: a, runId: plain.runId },
        full_columns: { read: getMetrics, db: a, runId: plain.runId },
        zoom_rows: { read: zoomed(zoom, false), db: a, runId: plain.runId },
        zoom_columns: { read: zoomed(zoom, true), db: a, runId: plain.runId },
      }, repeats);
      const k = 'compare.ui_speed.long_run';
      const out: Record<string, number | string> = {
        [`${k}.steps`]: steps,
        [`${k}.repeats`]: repeats,
        [`${k}.max_points`]: MAX_POINTS,
        [`${k}.thinned_points`]: points['columns'] ?? 0,
        [`${k}.zoom_range`]: `${zoom.min}..${zoom.max}`,
        [`${k}.zoom_points`]: points['zoom_columns'] ?? 0,
        [`${k}.covering_plan`]: plan.map((p) => p.detail).join('; '),
        [`${k}.ingest_points`]: INGEST_POINTS,
        [`${k}.ingest_points_per_s`]: ingest[0] ?? 0,
        [`${k}.ingest_points_per_s_covering`]: ingest[1] ?? 0,
        [`${k}.db_mb`]: round(plain.dbMb),
        [`${k}.db_mb_covering`]: round(covering.dbMb),
        [`${k}.covering_mb_per_million_points`]: round(((covering.dbMb - plain.dbMb) / steps) * 1e6),
      };
      for (const [name, samples] of Object.entries(ms)) {
        const s = minMedian(samples);
        out[`compare.ui_speed.long_run_metrics_ms_${name}_min`] = s.min;
        out[`compare.ui_speed.long_run_metrics_ms_${name}_median`] = s.median;
      }
      return out;
    } finally {
      a.close();
      b.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Standalone: the keys replace their old values in compare.json; every other key stays. */
function mergeIntoCompare(fresh: Record<string, number | string>): string {
  const path = join(appRoot, 'bench', 'results', 'compare.json');
  const old = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) as { results?: Record<string, unknown> } & Record<string, unknown> : {};
  const kept = Object.entries(old.results ?? {}).filter(([key]) => !key.startsWith('compare.ui_speed.long_run'));
  writeFileSync(path, `${JSON.stringify({ ...old, results: Object.fromEntries([...kept, ...Object.entries(fresh)]) }, null, 2)}\n`);
  return path;
}

function main(): void {
  const { values } = parseArgs({ options: { steps: { type: 'string', default: '200000' }, repeats: { type: 'string', default: '15' } } });
  const steps = Number(values.steps);
  const repeats = Number(values.repeats);
  if (!Number.isInteger(steps) || steps < 10 * MAX_POINTS) throw new Error(`--steps must be a whole number ≥ ${10 * MAX_POINTS}`);
  if (!Number.isInteger(repeats) || repeats < 5) throw new Error('--repeats must be a whole number ≥ 5');
  const fresh = measureLongRunMetrics(steps, repeats);
  for (const [key, value] of Object.entries(fresh)) console.log(`${key}: ${value}`);
  console.log(`\nMerged into ${mergeIntoCompare(fresh)}`);
}

if (require.main === module) main();
