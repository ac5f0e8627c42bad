/**
 * The compare view's parallel-coordinates chart and scatter, as data: which
 * axes (the hyperparameters that differ among the runs, or all of them, and a
 * metric summary), what kind each axis is (categorical for strings and
 * booleans, logarithmic when every value is positive and they span two
 * decades or more, else linear), each run's value on each, and which runs a
 * brush keeps. The brush lives in the URL (`pbrush`), so it is parsed and
 * written here too. Axes and values are named by savedView.ts's column ids
 * (`params.<key>`, `metrics.<key>.<agg>`), the filter language's field names.
 */
import type { ParamValue, RunMetricSummaries } from '../../main/common/domain';
import { paramRows, recordedValue } from '../../main/common/runColumns';
import { metricAggregates, parseRunColumn, type MetricAggregate } from '../../main/common/savedView';
import { familyDescriptors, isFamily } from '../../workers/common/families/registry';

export type AxisKind = 'linear' | 'log' | 'category';

/** A run as the charts need it. */
export interface ChartRun {
  id: number;
  family: string;
  params: Readonly<Record<string, ParamValue>>;
}

/** One axis: its column id, kind, and each run's value in the runs' order (a category's index on a categorical axis; null: the run has none). */
export interface ParallelAxis {
  id: string;
  kind: AxisKind;
  /** The categories in axis order (sorted), on a categorical axis; [] otherwise. */
  categories: string[];
  values: (number | null)[];
  /** The extent of the values (indices on a categorical axis), so the axis spans exactly the runs. */
  min: number;
  max: number;
}

export interface ParallelModel {
  runIds: number[];
  axes: ParallelAxis[];
}

/** Values that span at least this ratio (two decades) get a log axis, when all are positive. */
const LOG_RATIO = 100;

/**
 * A column's value for one run as a chart places it: runColumns' value of a
 * hyperparameter or metric summary (the only columns the charts offer), and
 * null for a value no axis can place (a non-finite number) or an attribute.
 */
export function chartValue(columnId: string, run: ChartRun, summaries: ReadonlyMap<number, RunMetricSummaries>): ParamValue | null {
  const c = parseRunColumn(columnId);
  if (c === null || c.kind === 'attribute') return null;
  const v = recordedValue(run.params, summaries.get(run.id)?.metrics, c);
  return typeof v === 'number' && !Number.isFinite(v) ? null : v;
}

/** The kind of axis for these values: categorical if any is text or a boolean, log if all are positive over ≥ 2 decades. */
export function axisKind(values: readonly (ParamValue | null)[]): AxisKind {
  const present = values.filter((v): v is ParamValue => v !== null);
  if (present.some((v) => typeof v !== 'number')) return 'category';
  const nums = present.filter((v): v is number => typeof v === 'number');
  if (nums.length === 0 || nums.some((v) => !(v > 0))) return 'linear';
  return Math.max(...nums) / Math.min(...nums) >= LOG_RATIO ? 'log' : 'linear';
}

/** An axis from one column's values across the runs. */
export function buildAxis(id: string, raw: readonly (ParamValue | null)[]): ParallelAxis {
  const kind = axisKind(raw);
  if (kind === 'category') {
    const categories = [...new Set(raw.filter((v): v is ParamValue => v !== null).map(String))].sort();
    const values = raw.map((v) => (v === null ? null : categories.indexOf(String(v))));
    return { id, kind, categories, values, min: 0, max: Math.max(0, categories.length - 1) };
  }
  const values = raw.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
  const nums = values.filter((v): v is number => v !== null);
  return { id, kind, categories: [], values, min: nums.length ? Math.min(...nums) : 0, max: nums.length ? Math.max(...nums) : 1 };
}

/**
 * The metric summary a chart starts with: the first headline metric (its
 * best) of the runs' families that some run has a summary of, else the first
 * metric any run has (its last value), else null.
 */
export function defaultMetricColumn(families: readonly string[], available: readonly string[]): string | null {
  for (const f of new Set(families)) {
    if (!isFamily(f)) continue;
    const h = familyDescriptors[f].headline.find((m) => available.includes(m.key));
    if (h) return `metrics.${h.key}.best`;
  }
  return available[0] === undefined ? null : `metrics.${available[0]}.last`;
}

/** The column ids the scatter and the metric picker offer: every hyperparameter any run has, then each metric's four summaries. */
export function chartColumns(runs: readonly ChartRun[], metricKeys: readonly string[]): string[] {
  const params = paramRows(runs, true).map((r) => `params.${r.key}`);
  const metrics = metricKeys.flatMap((k) => metricAggregates.map((a: MetricAggregate) => `metrics.${k}.${a}`));
  return [...params, ...metrics].filter((id) => parseRunColumn(id) !== null);
}

/** The chart: an axis per hyperparameter that differs (every one with `showAll`), then the metric's (when chosen). */
export function parallelModel(runs: readonly ChartRun[], summaries: readonly RunMetricSummaries[], showAll: boolean, metric: string | null): ParallelModel {
  const byRun = new Map(summaries.map((s) => [s.runId, s]));
  const ids = paramRows(runs, showAll).map((r) => `params.${r.key}`);
  if (metric !== null && parseRunColumn(metric)?.kind === 'metric') ids.push(metric);
  const axes = ids.filter((id) => parseRunColumn(id) !== null).map((id) => buildAxis(id, runs.map((r) => chartValue(id, r, byRun))));
  return { runIds: runs.map((r) => r.id), axes };
}

/** A brush: per axis id, the intervals kept (data values; category indices on a categorical axis). */
export type Brush = Record<string, [number, number][]>;

/**
 * The runs every brushed axis keeps (a run is kept by an axis when its value
 * lies in one of the axis's intervals, ends included; a run without a value
 * there is not). Axes not in the model, or with no interval, do not filter.
 * Null when nothing is brushed.
 */
export function brushedRunIds(model: ParallelModel, brush: Brush): number[] | null {
  const active = model.axes.filter((a) => (brush[a.id]?.length ?? 0) > 0);
  if (active.length === 0) return null;
  return model.runIds.filter((_, i) => active.every((a) => {
    const v = a.values[i];
    return v !== null && v !== undefined && brush[a.id]!.some(([lo, hi]) => v >= Math.min(lo, hi) && v <= Math.max(lo, hi));
  }));
}

/** A brush edge in the URL: six significant digits are finer than a pixel of any axis. */
function short(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/** The brush as the URL's `pbrush` holds it: `<axis>~<lo>~<hi>[~<lo>~<hi>…]`, axes joined by commas; undefined when empty. */
export function brushQuery(brush: Brush): string | undefined {
  const parts = Object.entries(brush).filter(([, iv]) => iv.length > 0)
    .map(([id, iv]) => [id, ...iv.flatMap(([lo, hi]) => [short(lo), short(hi)])].join('~'));
  return parts.length ? parts.join(',') : undefined;
}

/** The brush a `pbrush` value holds; malformed parts are dropped. */
export function parseBrush(query: unknown): Brush {
  const brush: Brush = {};
  if (typeof query !== 'string') return brush;
  for (const part of query.split(',')) {
    const [id, ...nums] = part.split('~');
    const values = nums.map(Number);
    if (!id || parseRunColumn(id) === null || values.length === 0 || values.length % 2 !== 0 || values.some((v) => !Number.isFinite(v))) continue;
    const intervals: [number, number][] = [];
    for (let i = 0; i < values.length; i += 2) intervals.push([values[i]!, values[i + 1]!]);
    brush[id] = intervals;
  }
  return brush;
}
