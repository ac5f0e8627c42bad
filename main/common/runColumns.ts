/**
 * A run's value in a column and sorting runs by a column: the column ids of
 * ./savedView.ts read from a run summary and its metric summaries, and the
 * hyperparameter diff. The single column model of the CLI's `runs list
 * --columns/--sort` and `runs compare`, the runs table
 * (renderer/lib/runsTable) and the compare view's charts
 * (renderer/lib/compareParallel.ts); they add only presentation (text,
 * labels, widths, axis kinds). Pure.
 */
import type { ParamValue, RunMetricSummary, RunSummary } from './domain';
import type { RunColumn } from './savedView';

/** A column's value: text, a number, a flag, or null when the run has none. */
export type ColumnValue = string | number | boolean | null;

/** What a column can read of a run. */
export type ColumnRun = Pick<RunSummary,
  'id' | 'experimentId' | 'name' | 'status' | 'family' | 'backend' | 'datasetId' | 'seed' | 'createdAt' | 'startedAt' | 'endedAt' | 'tags' | 'params' | 'architectureRef'>;

/** A run's metric summaries by key (runs.summaries' `metrics`). */
export type ColumnMetrics = Readonly<Record<string, RunMetricSummary>>;

/**
 * What a reader beyond the run may know. The runs table knows the
 * experiments' names (the experiment column then holds the name, else the
 * id) and the clock (a running run's duration is then its time so far; a
 * snapshot such as the CLI's has no duration for a run not yet ended). Read
 * only by those columns, so a lazy `now` getter costs nothing elsewhere.
 */
export interface ColumnView {
  experimentName?: (experimentId: number) => string | undefined;
  now?: number;
}

/** A run's name as every list shows it: its name, or `run <id>` for one without. */
export function runName(r: Pick<RunSummary, 'id' | 'name'>): string {
  return r.name || `run ${r.id}`;
}

/** The architecture as a column holds it: the document's name, and the saved version when it is one. */
export function architectureText(r: Pick<RunSummary, 'architectureRef'>): string {
  const a = r.architectureRef;
  return a.version === null ? a.name : `${a.name} v${a.version}`;
}

function durationValue(r: ColumnRun, view: ColumnView): number | null {
  if (r.startedAt === null) return null;
  if (r.endedAt !== null) return r.endedAt - r.startedAt;
  return view.now === undefined ? null : view.now - r.startedAt;
}

function attributeValue(r: ColumnRun, name: Extract<RunColumn, { kind: 'attribute' }>['name'], view: ColumnView): ColumnValue {
  switch (name) {
    case 'id': return r.id;
    case 'experiment': return view.experimentName ? view.experimentName(r.experimentId) ?? `#${r.experimentId}` : r.experimentId;
    case 'name': return runName(r);
    case 'status': return r.status;
    case 'family': return r.family;
    case 'backend': return r.backend;
    case 'dataset': return r.datasetId;
    case 'seed': return r.seed;
    case 'created': return r.createdAt;
    case 'started': return r.startedAt;
    case 'duration': return durationValue(r, view);
    case 'tags': return r.tags.length > 0 ? r.tags.join(', ') : null;
    // What the run trained as the run records it (a saved architecture's name and version),
    // not params.architecture, which for a saved one is only `#<id>`.
    case 'architecture': return architectureText(r);
  }
}

/**
 * A hyperparameter or metric-summary column's value, from the run's params
 * and metric summaries alone (all the compare view's charts read). Own keys
 * only: `params.constructor` is no hyperparameter.
 */
export function recordedValue(params: Readonly<Record<string, ParamValue>>, metrics: ColumnMetrics | undefined, c: Exclude<RunColumn, { kind: 'attribute' }>): ColumnValue {
  if (c.kind === 'param') return Object.hasOwn(params, c.key) ? params[c.key]! : null;
  return metrics !== undefined && Object.hasOwn(metrics, c.key) ? metrics[c.key]![c.agg] : null;
}

/** The column's value for the run (metric aggregates from its summaries; null without one). */
export function columnValue(r: ColumnRun, metrics: ColumnMetrics | undefined, c: RunColumn, view: ColumnView = {}): ColumnValue {
  return c.kind === 'attribute' ? attributeValue(r, c.name, view) : recordedValue(r.params, metrics, c);
}

function typeRank(v: string | number | boolean): number {
  return typeof v === 'boolean' ? 0 : typeof v === 'number' ? 1 : 2;
}

/** A fixed locale, so a sort is the same on every machine; numeric, so `run 2` comes before `run 10`. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Ascending order of two present values: numbers by value, text in natural
 * order (`run 2` before `run 10`, case ignored, ties by code point so the
 * order is total), false before true; across types (a param that is a number
 * in one run and text in another) booleans, then numbers, then text.
 */
export function compareValues(a: string | number | boolean, b: string | number | boolean): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank;
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
  return Number(a) - Number(b);
}

/** A value a sort can place: not null, not NaN. */
function present(v: ColumnValue): v is string | number | boolean {
  return v !== null && !(typeof v === 'number' && Number.isNaN(v));
}

/**
 * The sort order of two values in a direction. Missing values (null, NaN) go
 * last whichever the direction, as a spreadsheet does: a descending sort by
 * accuracy must still open on the best runs, not on those without one.
 */
export function compareColumnValues(a: ColumnValue, b: ColumnValue, dir: 'asc' | 'desc'): number {
  if (!present(a) || !present(b)) return present(a) === present(b) ? 0 : present(a) ? -1 : 1;
  const c = compareValues(a, b);
  return dir === 'asc' ? c : -c;
}

/**
 * The runs sorted by the column, in the direction given, runs without a value
 * last either way; ties keep the runs' given order. Each value is read once,
 * not per comparison.
 */
export function sortRuns<R extends ColumnRun>(runs: readonly R[], metricsOf: (id: number) => ColumnMetrics | undefined, c: RunColumn, dir: 'asc' | 'desc', view: ColumnView = {}): R[] {
  const keyed = runs.map((r, i) => ({ r, i, v: columnValue(r, metricsOf(r.id), c, view) }));
  keyed.sort((x, y) => compareColumnValues(x.v, y.v, dir) || x.i - y.i);
  return keyed.map((k) => k.r);
}

/** The metric keys the columns read, each once, sorted: the only summaries worth fetching. */
export function columnMetricKeys(columns: readonly (RunColumn | null)[]): string[] {
  return [...new Set(columns.flatMap((c) => (c?.kind === 'metric' ? [c.key] : [])))].sort();
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
 * values differ unless `showAll`: the compare view's table and charts and
 * the CLI's `runs compare`.
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

/**
 * Which of a row's cells differ from the reference run's (the column at
 * `refIndex`, pinned in the compare view): the reference's own cell never
 * does, a missing value differs from a present one.
 */
export function changedFromReference(row: ParamRow, refIndex: number): boolean[] {
  const ref = row.values[refIndex];
  return row.values.map((v, i) => i !== refIndex && !Object.is(v, ref));
}
