/**
 * The runs table's column model over main/common/savedView's column ids: a
 * run's value in a column, how it reads, the order a sort puts values in, and
 * the columns the chooser offers. Pure: the table component and the tests
 * share it.
 */
import type { RunMetricSummary, RunSummary } from '../../../main/common/domain';
import { metricAggregates, parseRunColumn, runAttributeColumns, type RunColumn } from '../../../main/common/savedView';
import { formatDateTime, formatDuration, formatNumber, runDurationMs } from '../format';

/** A cell's value: what sorting, grouping and aggregates read (null: the run has none). */
export type CellValue = number | string | boolean | null;

/** What a cell needs beyond the run: metric summaries (runs.summaries), experiment names, the clock for running durations. */
export interface CellContext {
  metrics: (runId: number) => Readonly<Record<string, RunMetricSummary>> | undefined;
  experimentName: (experimentId: number) => string | undefined;
  now: number;
}

const attributeLabels: Record<(typeof runAttributeColumns)[number], string> = {
  name: 'Run', status: 'Status', family: 'Family', backend: 'Backend', dataset: 'Dataset', architecture: 'Architecture',
  started: 'Started', duration: 'Duration', tags: 'Tags', created: 'Created', seed: 'Seed', id: 'Id', experiment: 'Experiment',
};

/** A column's header text: the attribute's name, the hyperparameter key, or `metric (last|best|min|max)`. */
export function columnLabel(id: string): string {
  const c = parseRunColumn(id);
  if (!c) return id;
  if (c.kind === 'attribute') return attributeLabels[c.name];
  if (c.kind === 'param') return c.key;
  return `${c.key} (${c.agg})`;
}

/** The architecture as the table shows it: the document's name, and the saved version when it is one. */
export function architectureText(run: RunSummary): string {
  const a = run.architectureRef;
  return a.version === null ? a.name : `${a.name} v${a.version}`;
}

function attributeValue(run: RunSummary, name: (typeof runAttributeColumns)[number], ctx: CellContext): CellValue {
  switch (name) {
    case 'name': return run.name || `run ${run.id}`;
    case 'status': return run.status;
    case 'family': return run.family;
    case 'backend': return run.backend;
    case 'dataset': return run.datasetId;
    case 'architecture': return architectureText(run);
    case 'started': return run.startedAt;
    case 'duration': return runDurationMs(run, ctx.now);
    case 'tags': return run.tags.length ? run.tags.join(', ') : null;
    case 'created': return run.createdAt;
    case 'seed': return run.seed;
    case 'id': return run.id;
    case 'experiment': return ctx.experimentName(run.experimentId) ?? `#${run.experimentId}`;
  }
}

/** A run's value in a parsed column; null when it has none (no such param, no points of that metric). */
export function cellValue(run: RunSummary, col: RunColumn, ctx: CellContext): CellValue {
  if (col.kind === 'attribute') return attributeValue(run, col.name, ctx);
  if (col.kind === 'param') return run.params[col.key] ?? null;
  const s = ctx.metrics(run.id)?.[col.key];
  return s ? s[col.agg] : null;
}

/** A cell's text: times as dates, durations as durations, numbers compact, nothing as a dash. */
export function formatCell(col: RunColumn, v: CellValue): string {
  if (v === null) return '—';
  if (col.kind === 'attribute' && typeof v === 'number') {
    if (col.name === 'started' || col.name === 'created') return formatDateTime(v);
    if (col.name === 'duration') return formatDuration(v);
  }
  return formatNumber(v);
}

/** Whether a column's values are numbers (right-aligned). */
export function isNumericColumn(col: RunColumn): boolean {
  if (col.kind === 'metric') return true;
  return col.kind === 'attribute' && ['started', 'duration', 'created', 'seed', 'id'].includes(col.name);
}

/** A value that sorts: not null, not NaN. */
const present = (v: CellValue): v is number | string | boolean => v !== null && !(typeof v === 'number' && Number.isNaN(v));
const rank = (v: number | string | boolean): number => (typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : 2);
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Ascending order of two present values: numbers, then booleans, then text (natural order: run 2 before run 10). */
function compareAsc(a: number | string | boolean, b: number | string | boolean): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'string' && typeof b === 'string') return collator.compare(a, b);
  return Number(a) - Number(b);
}

/**
 * The sort order of two cells. Missing values (null, NaN) go last whichever
 * the direction: a descending sort by accuracy must still open on the best
 * runs, not on the runs that have no accuracy.
 */
export function compareCells(a: CellValue, b: CellValue, dir: 'asc' | 'desc'): number {
  if (!present(a) || !present(b)) return present(a) === present(b) ? 0 : present(a) ? -1 : 1;
  const c = compareAsc(a, b);
  return dir === 'asc' ? c : -c;
}

/**
 * The runs sorted by one column (stable: equal values keep the given order,
 * the store's starred-then-newest). Each value is read once, not per comparison.
 */
export function sortRuns(runs: readonly RunSummary[], sort: { column: string; dir: 'asc' | 'desc' } | null, ctx: CellContext): RunSummary[] {
  const col = sort ? parseRunColumn(sort.column) : null;
  if (!sort || !col) return [...runs];
  const keyed = runs.map((run, i) => ({ run, i, v: cellValue(run, col, ctx) }));
  keyed.sort((a, b) => compareCells(a.v, b.v, sort.dir) || a.i - b.i);
  return keyed.map((k) => k.run);
}

/** What the column chooser offers: every attribute, every hyperparameter key of the runs, every metric key × last/best/min/max. */
export interface ChooserColumns {
  attributes: string[];
  params: string[];
  metrics: string[];
}

/** Metric keys come from each run's `latest` (it holds every key the run logged), so listing them costs no request. */
export function chooserColumns(runs: readonly RunSummary[]): ChooserColumns {
  const params = new Set<string>();
  const metricKeys = new Set<string>();
  for (const r of runs) {
    for (const k of Object.keys(r.params)) params.add(k);
    for (const k of Object.keys(r.latest)) metricKeys.add(k);
  }
  const byName = (a: string, b: string): number => collator.compare(a, b);
  return {
    attributes: [...runAttributeColumns],
    params: [...params].sort(byName).map((k) => `params.${k}`).filter((id) => parseRunColumn(id) !== null),
    metrics: [...metricKeys].sort(byName).flatMap((k) => metricAggregates.map((agg) => `metrics.${k}.${agg}`)).filter((id) => parseRunColumn(id) !== null),
  };
}

/** The metric keys some shown column (or the group metric) reads: what runs.summaries must be asked for. */
export function metricKeysOf(columnIds: readonly (string | null)[]): string[] {
  const keys = new Set<string>();
  for (const id of columnIds) {
    const c = id === null ? null : parseRunColumn(id);
    if (c?.kind === 'metric') keys.add(c.key);
  }
  return [...keys].sort();
}

/** A column's width before the user drags it: wide enough for its usual content. */
export function defaultColumnWidth(col: RunColumn): number {
  if (col.kind === 'metric') return 130;
  if (col.kind === 'param') return 100;
  switch (col.name) {
    case 'name': return 240;
    case 'tags': return 180;
    case 'architecture': case 'experiment': return 150;
    case 'started': case 'created': return 135;
    case 'status': case 'dataset': return 100;
    case 'id': case 'seed': return 70;
    default: return 90;
  }
}
