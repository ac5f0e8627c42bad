/**
 * The runs table's presentation of main/common/runColumns' column model:
 * labels, how a value reads, alignment, widths, and the columns the chooser
 * offers. A run's value in a column and the sort order are runColumns' (the
 * CLI's `runs list` reads and sorts the same). Pure: the table component and
 * the tests share it.
 */
import type { RunSummary } from '../../../main/common/domain';
import {
  columnMetricKeys, columnValue, compareValues, sortRuns as sortByColumn, type ColumnMetrics, type ColumnValue, type ColumnView,
} from '../../../main/common/runColumns';
import { metricAggregates, parseRunColumn, runAttributeColumns, type RunColumn } from '../../../main/common/savedView';
import { formatDateTime, formatDuration, formatNumber } from '../format';

/** A cell's value: what sorting, grouping and aggregates read (null: the run has none). */
export type CellValue = ColumnValue;

/** What a cell needs beyond the run: metric summaries (runs.summaries), experiment names, the clock for running durations. */
export interface CellContext extends ColumnView {
  metrics: (runId: number) => ColumnMetrics | undefined;
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

/** A run's value in a parsed column (runColumns' columnValue); null when it has none (no such param, no points of that metric). */
export function cellValue(run: RunSummary, col: RunColumn, ctx: CellContext): CellValue {
  return columnValue(run, ctx.metrics(run.id), col, ctx);
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

/**
 * The runs sorted by the table's sort (stable: equal values keep the given
 * order, the store's starred-then-newest; missing values last either way).
 */
export function sortRuns(runs: readonly RunSummary[], sort: { column: string; dir: 'asc' | 'desc' } | null, ctx: CellContext): RunSummary[] {
  const col = sort ? parseRunColumn(sort.column) : null;
  if (!sort || !col) return [...runs];
  return sortByColumn(runs, ctx.metrics, col, sort.dir, ctx);
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
  return {
    attributes: [...runAttributeColumns],
    params: [...params].sort(compareValues).map((k) => `params.${k}`).filter((id) => parseRunColumn(id) !== null),
    metrics: [...metricKeys].sort(compareValues).flatMap((k) => metricAggregates.map((agg) => `metrics.${k}.${agg}`)).filter((id) => parseRunColumn(id) !== null),
  };
}

/** The metric keys some shown column (or the group metric) reads: what runs.summaries must be asked for. */
export function metricKeysOf(columnIds: readonly (string | null)[]): string[] {
  return columnMetricKeys(columnIds.map((id) => (id === null ? null : parseRunColumn(id))));
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
