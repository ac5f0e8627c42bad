/**
 * A runs table column's value for one run, and sorting runs by a column:
 * the column ids of ./savedView.ts read from a run summary and its metric
 * summaries, and the hyperparameter diff. The CLI's `runs list --columns/--sort`
 * and `runs compare` use them; pure, so the runs table can share them.
 */
import type { ParamValue, RunMetricSummary, RunSummary } from './domain';
import type { RunColumn } from './savedView';

/** A column's value: text, a number, a flag, or null when the run has none. */
export type ColumnValue = string | number | boolean | null;

/** What a column can read of a run. */
export type ColumnRun = Pick<RunSummary,
  'id' | 'experimentId' | 'name' | 'status' | 'family' | 'backend' | 'datasetId' | 'seed' | 'createdAt' | 'startedAt' | 'endedAt' | 'tags' | 'params'>;

/** A run's metric summaries by key (runs.summaries' `metrics`). */
export type ColumnMetrics = Readonly<Record<string, RunMetricSummary>>;

function attributeValue(r: ColumnRun, name: Extract<RunColumn, { kind: 'attribute' }>['name']): ColumnValue {
  switch (name) {
    case 'id': return r.id;
    case 'experiment': return r.experimentId;
    case 'name': return r.name;
    case 'status': return r.status;
    case 'family': return r.family;
    case 'backend': return r.backend;
    case 'dataset': return r.datasetId;
    case 'seed': return r.seed;
    case 'created': return r.createdAt;
    case 'started': return r.startedAt;
    // A run not yet ended has no duration (a running run's would change under the sort).
    case 'duration': return r.startedAt !== null && r.endedAt !== null ? r.endedAt - r.startedAt : null;
    case 'tags': return r.tags.length > 0 ? r.tags.join(', ') : null;
    // The flattened params name the architecture (a template, a document's name, or #id of a saved one).
    case 'architecture': return r.params['architecture'] ?? null;
  }
}

/** The column's value for the run (metric aggregates from its summaries; null without one). */
export function columnValue(r: ColumnRun, metrics: ColumnMetrics | undefined, c: RunColumn): ColumnValue {
  if (c.kind === 'attribute') return attributeValue(r, c.name);
  if (c.kind === 'param') return Object.hasOwn(r.params, c.key) ? r.params[c.key]! : null;
  return metrics?.[c.key]?.[c.agg] ?? null;
}

function typeRank(v: string | number | boolean): number {
  return typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2;
}

/**
 * Ascending order of two non-null values: numbers by value, text by code
 * point (the same on every machine, unlike a locale's collation), false
 * before true; across types (a param that is a number in one run and text in
 * another) booleans, then numbers, then text.
 */
export function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The runs sorted by the column, in the direction given, runs without a value
 * last either way (as a spreadsheet does); ties keep the runs' given order.
 */
export function sortRuns<R extends ColumnRun>(runs: readonly R[], metricsOf: (id: number) => ColumnMetrics | undefined, c: RunColumn, dir: 'asc' | 'desc'): R[] {
  const keyed = runs.map((r) => ({ r, v: columnValue(r, metricsOf(r.id), c) }));
  const sign = dir === 'asc' ? 1 : -1;
  keyed.sort((x, y) => {
    if (x.v === null || y.v === null) return (x.v === null ? 1 : 0) - (y.v === null ? 1 : 0);
    return sign * compareValues(x.v, y.v);
  });
  return keyed.map((k) => k.r);
}

/** One hyperparameter across runs, values in the runs' order (undefined where a run lacks the key). */
export interface ParamRow {
  key: string;
  values: (ParamValue | undefined)[];
  /** Not every run has the same value (a missing key counts as a value of its own). */
  differs: boolean;
}

/**
 * The hyperparameter diff: every key any run has, sorted; only the keys whose
 * values differ unless `showAll`. The same rule as the compare view's table
 * (renderer/lib/compare.ts), for the CLI's `runs compare`.
 */
export function paramRows(runs: readonly { params: Readonly<Record<string, ParamValue>> }[], showAll: boolean): ParamRow[] {
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.params)) keys.add(k);
  const rows: ParamRow[] = [];
  for (const key of [...keys].sort()) {
    const values = runs.map((r) => (Object.hasOwn(r.params, key) ? r.params[key] : undefined));
    const differs = values.some((v) => !Object.is(v, values[0]));
    if (differs || showAll) rows.push({ key, values, differs });
  }
  return rows;
}
