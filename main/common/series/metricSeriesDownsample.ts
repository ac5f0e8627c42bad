/**
 * A run's metric series thinned for a chart (runs.metrics with `maxPoints`, the
 * run page's first paint): a 200,000-step loss sent whole is megabytes of JSON
 * for a chart a thousand pixels wide. The thinning is the compare view's min/max
 * per bucket (downsample.ts, not LTTB: LTTB keeps one point per bucket and can
 * drop the lower of two nearby extremes, min/max keeps both), so a loss spike,
 * the lowest loss and every NaN survive, and the first and last points are kept
 * (each is its bucket's first or last). An optional step range (sliceRange) is
 * what a zoomed chart asks for: the window at full resolution once it holds
 * few enough points.
 *
 * Pure: used by RunService.metrics; tested in test/unit/main/metricSeriesDownsample.test.ts.
 */
import type { MetricSeries } from '../domain';
import { downsampleMinMax, sliceRange } from './downsample';

/** Each bucket keeps up to four finite points (first, last, min, max): buckets = ⌊maxPoints / 4⌋. */
const POINTS_PER_BUCKET = 4;

/** A step range, both ends inclusive (a zoomed chart's window). */
export interface StepRange {
  min: number;
  max: number;
}

function pickColumns(s: MetricSeries, indices: readonly number[]): MetricSeries {
  return {
    key: s.key,
    steps: indices.map((i) => s.steps[i] ?? NaN),
    values: indices.map((i) => s.values[i] ?? NaN),
    wallTimes: indices.map((i) => s.wallTimes[i] ?? NaN),
  };
}

/**
 * The series' points in `range` (plus the nearest point beyond each edge, so the
 * line reaches the window's border), then, when more than `maxPoints` remain,
 * min/max-downsampled to at most `maxPoints` finite points plus every non-finite
 * one, with `totalPoints` saying how many there were. Without maxPoints, or
 * with few enough points, the points are returned whole and `totalPoints` is
 * not set. Steps must be ascending (getMetrics reads them in step order).
 *
 * @param maxPoints a whole number ≥ 4; throws RangeError otherwise.
 */
export function downsampleMetricSeries(s: MetricSeries, opts: { maxPoints?: number | undefined; range?: StepRange | undefined }): MetricSeries {
  const { maxPoints, range } = opts;
  if (maxPoints !== undefined && !(Number.isInteger(maxPoints) && maxPoints >= POINTS_PER_BUCKET)) {
    throw new RangeError(`maxPoints must be a whole number ≥ ${POINTS_PER_BUCKET}, got ${maxPoints}`);
  }
  const windowed = range === undefined ? s : pickColumns(s, sliceRange(s.steps, s.values, range.min, range.max).indices);
  const n = windowed.steps.length;
  if (maxPoints === undefined || n <= maxPoints) return windowed;
  const picked = downsampleMinMax(windowed.steps, windowed.values, Math.floor(maxPoints / POINTS_PER_BUCKET));
  return { ...pickColumns(windowed, picked.indices), totalPoints: n };
}
