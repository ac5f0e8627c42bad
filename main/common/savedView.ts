/**
 * A runs page's view as one document: the filter, the quick search, the
 * table's columns (order and widths), its sort and grouping, and the compare
 * view's chart settings. The runs table keeps it (remembered per page), saved
 * views store it by name per experiment, and the CLI's `--columns` and
 * `--sort` read the same column ids.
 *
 * Column ids use the filter language's field names, so a column and a filter
 * clause name a value the same way: an attribute (`name`, `status`, …), a
 * hyperparameter (`params.learningRate`) or a metric summary
 * (`metrics.val_accuracy.best`, with `last`, `best`, `min` or `max`).
 */
import { z } from 'zod';

/** The attributes every run has, in the table's default order. */
export const runAttributeColumns = [
  'name', 'status', 'family', 'backend', 'dataset', 'architecture', 'started', 'duration', 'tags', 'created', 'seed', 'id', 'experiment',
] as const;
export type RunAttributeColumn = (typeof runAttributeColumns)[number];

export const metricAggregates = ['last', 'best', 'min', 'max'] as const;
export type MetricAggregate = (typeof metricAggregates)[number];

/** A column id parsed: an attribute, a hyperparameter, or one summary of one metric. */
export type RunColumn =
  | { kind: 'attribute'; name: RunAttributeColumn }
  | { kind: 'param'; key: string }
  | { kind: 'metric'; key: string; agg: MetricAggregate };

const PARAM_KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;
const METRIC_KEY = /^[A-Za-z0-9_./<>-]+$/;

/** A column id read, or null when it names nothing a run can have. */
export function parseRunColumn(id: string): RunColumn | null {
  if ((runAttributeColumns as readonly string[]).includes(id)) return { kind: 'attribute', name: id as RunAttributeColumn };
  if (id.startsWith('params.')) {
    const key = id.slice('params.'.length);
    return PARAM_KEY.test(key) ? { kind: 'param', key } : null;
  }
  if (id.startsWith('metrics.')) {
    const rest = id.slice('metrics.'.length);
    const dot = rest.lastIndexOf('.');
    const agg = rest.slice(dot + 1);
    const key = rest.slice(0, dot);
    if (dot <= 0 || !(metricAggregates as readonly string[]).includes(agg) || !METRIC_KEY.test(key)) return null;
    return { kind: 'metric', key, agg: agg as MetricAggregate };
  }
  return null;
}

/** The id of a parsed column (parseRunColumn's inverse). */
export function runColumnId(c: RunColumn): string {
  if (c.kind === 'attribute') return c.name;
  if (c.kind === 'param') return `params.${c.key}`;
  return `metrics.${c.key}.${c.agg}`;
}

const columnId = z.string().max(200).refine((s) => parseRunColumn(s) !== null, {
  message: 'a column is an attribute (name, status, …), params.<key> or metrics.<key>.<last|best|min|max>',
});

export const MAX_VIEW_COLUMNS = 60;
export const MIN_COLUMN_WIDTH = 40;
export const MAX_COLUMN_WIDTH = 1200;

export const runsTableStateSchema = z.object({
  /** Shown columns in order; width in CSS pixels (null: the column's natural width). */
  columns: z.array(z.object({
    id: columnId,
    width: z.number().int().min(MIN_COLUMN_WIDTH).max(MAX_COLUMN_WIDTH).nullable(),
  }).strict()).max(MAX_VIEW_COLUMNS, `at most ${MAX_VIEW_COLUMNS} columns`),
  sort: z.object({ column: columnId, dir: z.enum(['asc', 'desc']) }).strict().nullable(),
  /** Hyperparameter keys (params.<key> column ids) the rows are grouped by, at most two. */
  groupBy: z.array(columnId).max(2, 'group by at most two keys'),
  /** The metric column whose mean ± std each group shows (null: count only). */
  groupMetric: columnId.nullable(),
  /** Quick search: rows whose name, tags, notes, family or hyperparameter values contain it (case-insensitive). */
  search: z.string().max(200),
}).strict();
export type RunsTableState = z.infer<typeof runsTableStateSchema>;

export const savedViewStateSchema = z.object({
  version: z.literal(1),
  /** The filter expression ('' for none), as the filter box takes it. */
  filter: z.string().max(2000),
  table: runsTableStateSchema,
  /** The compare view's settings as its URL query holds them (without the runs): metrics, x, smooth, group, … */
  compare: z.record(z.string().max(40), z.string().max(2000)),
}).strict();
export type SavedViewState = z.infer<typeof savedViewStateSchema>;

/** The columns a runs table starts with. */
export const defaultRunColumns: readonly string[] = [
  'name', 'status', 'family', 'backend', 'dataset', 'architecture', 'params.learningRate', 'params.batchSize', 'params.epochs', 'duration', 'tags', 'started',
];

export function defaultRunsTableState(): RunsTableState {
  return { columns: defaultRunColumns.map((id) => ({ id, width: null })), sort: null, groupBy: [], groupMetric: null, search: '' };
}
