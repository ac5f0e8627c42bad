/**
 * Grouping the runs table by one or two hyperparameters: the rows become a
 * flat list (what the virtual window slices) of group headers, each with its
 * run count and the mean ± std of a chosen metric column, followed by its
 * runs (or its subgroups) in the table's sort order.
 */
import type { RunSummary } from '../../../main/common/domain';
import { parseRunColumn, type RunColumn } from '../../../main/common/savedView';
import { compareColumnValues } from '../../../main/common/runColumns';
import { cellValue, type CellContext, type CellValue } from './columns';

export interface GroupRow {
  kind: 'group';
  /** Unique among the rows: the values of the enclosing groups and this one. */
  key: string;
  depth: number;
  column: string;
  value: CellValue;
  count: number;
  /** Mean and (population) standard deviation of the group metric over the runs that have a finite value; null when none has. */
  mean: number | null;
  std: number | null;
  /** How many runs the mean is over. */
  n: number;
}

export interface RunRow {
  kind: 'run';
  key: string;
  depth: number;
  run: RunSummary;
}

export type TableRow = GroupRow | RunRow;

/** Mean and population standard deviation of the finite numbers among the values (the compare view's bands use the same). */
export function meanStd(values: readonly CellValue[]): { mean: number | null; std: number | null; n: number } {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
  return { mean, std, n: xs.length };
}

const runRows = (runs: readonly RunSummary[], depth: number): RunRow[] => runs.map((run) => ({ kind: 'run', key: `r${run.id}`, depth, run }));

function groupLevel(runs: readonly RunSummary[], cols: readonly { id: string; col: RunColumn }[], depth: number, prefix: string, metric: RunColumn | null, ctx: CellContext): TableRow[] {
  const level = cols[depth];
  if (!level) return runRows(runs, depth);
  const buckets = new Map<string, { value: CellValue; runs: RunSummary[] }>();
  for (const run of runs) {
    const value = cellValue(run, level.col, ctx);
    const k = JSON.stringify(value);
    const b = buckets.get(k);
    if (b) b.runs.push(run);
    else buckets.set(k, { value, runs: [run] });
  }
  const ordered = [...buckets.values()].sort((a, b) => compareColumnValues(a.value, b.value, 'asc'));
  const out: TableRow[] = [];
  for (const b of ordered) {
    const key = `${prefix}/${JSON.stringify(b.value)}`;
    const stats = metric ? meanStd(b.runs.map((r) => cellValue(r, metric, ctx))) : { mean: null, std: null, n: 0 };
    out.push({ kind: 'group', key: `g${key}`, depth, column: level.id, value: b.value, count: b.runs.length, ...stats });
    out.push(...groupLevel(b.runs, cols, depth + 1, key, metric, ctx));
  }
  return out;
}

/**
 * The table's rows: the (sorted, searched) runs, under group headers when
 * groupBy names columns (unknown ids are skipped). Groups are in ascending
 * order of their value, missing values last; runs keep their order inside.
 */
export function groupRows(runs: readonly RunSummary[], groupBy: readonly string[], groupMetric: string | null, ctx: CellContext): TableRow[] {
  const cols = groupBy.flatMap((id) => {
    const col = parseRunColumn(id);
    return col ? [{ id, col }] : [];
  }).slice(0, 2);
  const metric = groupMetric === null ? null : parseRunColumn(groupMetric);
  return groupLevel(runs, cols, 0, '', metric, ctx);
}
