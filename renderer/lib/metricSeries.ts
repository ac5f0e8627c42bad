/**
 * The per-run metric cache: one sorted (step, value) column pair per key.
 * Plain arrays, deliberately outside Vue's reactivity (thousands of points);
 * the runs store bumps a version number when they change.
 */
import type { MetricSeries } from '../../main/common/domain';
import type { MetricPoint } from '../../workers/common/protocol';

export interface SeriesData {
  steps: number[];
  values: number[];
  /** Set when the server thinned the fetched series (runs.metrics maxPoints): its points at full resolution then. */
  totalPoints?: number;
}
export type RunSeries = Map<string, SeriesData>;

export function seriesFromResponse(list: readonly MetricSeries[]): RunSeries {
  const out: RunSeries = new Map();
  for (const s of list) {
    const data: SeriesData = s.totalPoints === undefined ? { steps: [], values: [] } : { steps: [], values: [], totalPoints: s.totalPoints };
    const n = Math.min(s.steps.length, s.values.length);
    for (let i = 0; i < n; i++) insertPoint(data, s.steps[i]!, s.values[i]!);
    out.set(s.key, data);
  }
  return out;
}

/** Keep steps sorted; a repeated step replaces its value (a resumed run re-logging a step). */
export function insertPoint(data: SeriesData, step: number, value: number): void {
  const { steps, values } = data;
  const n = steps.length;
  if (n === 0 || step > steps[n - 1]!) {
    steps.push(step);
    values.push(value);
    return;
  }
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid]! < step) lo = mid + 1;
    else hi = mid;
  }
  if (steps[lo] === step) {
    values[lo] = value;
  } else {
    steps.splice(lo, 0, step);
    values.splice(lo, 0, value);
  }
}

/** Merge live points; returns whether anything was added. */
export function appendPoints(series: RunSeries, points: readonly MetricPoint[]): boolean {
  let changed = false;
  for (const p of points) {
    if (typeof p.step !== 'number' || typeof p.value !== 'number') continue;
    let data = series.get(p.key);
    if (!data) {
      data = { steps: [], values: [] };
      series.set(p.key, data);
    }
    insertPoint(data, p.step, p.value);
    changed = true;
  }
  return changed;
}

/**
 * The whole series with a zoomed window's points in place of its own over the
 * window's span (first to last step of `window`, which the server extends one
 * point beyond each edge of the asked range): a thinned series drawn at full
 * resolution where the chart is zoomed, thinned elsewhere so panning still
 * has a line to show. Both inputs are sorted by step; the result is new arrays.
 */
export function spliceWindow(whole: SeriesData, window: SeriesData): SeriesData {
  const first = window.steps[0];
  const last = window.steps[window.steps.length - 1];
  if (first === undefined || last === undefined) return whole;
  const before = whole.steps.findIndex((x) => x >= first);
  const cut = before === -1 ? whole.steps.length : before;
  const after = whole.steps.findIndex((x) => x > last);
  const from = after === -1 ? whole.steps.length : after;
  return {
    steps: [...whole.steps.slice(0, cut), ...window.steps, ...whole.steps.slice(from)],
    values: [...whole.values.slice(0, cut), ...window.values, ...whole.values.slice(from)],
  };
}
