/**
 * The compare view's scatter of one column against another (hyperparameters
 * or metric summaries, by savedView.ts's column ids), one point per run: the
 * choice from and to the URL (`sx`, `sy`, `slogx`, `slogy`), and the points.
 * A log axis is offered only where every value is positive; a text or boolean
 * column is a categorical axis.
 */
import type { RunMetricSummaries } from '../../main/common/domain';
import { parseRunColumn } from '../../main/common/savedView';
import { buildAxis, chartValue, type ChartRun, type ParallelAxis } from './compareParallel';

export interface ScatterPoint {
  runId: number;
  x: number;
  y: number;
}

export interface ScatterModel {
  x: ParallelAxis;
  y: ParallelAxis;
  /** Runs with a value on both axes (a category's index on a categorical axis). */
  points: ScatterPoint[];
  /** Whether a log axis can show every value (all positive numbers). */
  logXAllowed: boolean;
  logYAllowed: boolean;
}

function positive(a: ParallelAxis): boolean {
  return a.kind !== 'category' && a.values.some((v) => v !== null) && a.values.every((v) => v === null || v > 0);
}

export function scatterModel(runs: readonly ChartRun[], summaries: readonly RunMetricSummaries[], xId: string, yId: string): ScatterModel {
  const byRun = new Map(summaries.map((s) => [s.runId, s]));
  const x = buildAxis(xId, runs.map((r) => chartValue(xId, r, byRun)));
  const y = buildAxis(yId, runs.map((r) => chartValue(yId, r, byRun)));
  const points = runs.flatMap((r, i): ScatterPoint[] => {
    const xv = x.values[i];
    const yv = y.values[i];
    return xv !== null && xv !== undefined && yv !== null && yv !== undefined ? [{ runId: r.id, x: xv, y: yv }] : [];
  });
  return { x, y, points, logXAllowed: positive(x), logYAllowed: positive(y) };
}

/** A column id from the URL when it names one of `columns`, else the fallback. */
export function pickColumn(query: unknown, columns: readonly string[], fallback: string | null): string | null {
  return typeof query === 'string' && parseRunColumn(query) !== null && columns.includes(query) ? query : fallback;
}
