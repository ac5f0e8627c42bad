import { describe, expect, it } from 'vitest';
import type { MetricSeries } from '../../../main/common/domain';
import { downsampleMetricSeries } from '../../../main/common/series';

/** Steps 1…12, wall time 1000·step: a falling loss with a spike (9 at step 6) and a NaN at step 10. */
const VALUES = [5, 4, 3, 2, 1, 9, 0.5, 0.4, 0.3, NaN, 0.2, 0.1];
function series(values: readonly number[] = VALUES): MetricSeries {
  const steps = values.map((_, i) => i + 1);
  return { key: 'loss', steps, values: [...values], wallTimes: steps.map((s) => 1000 * s) };
}

describe('downsampleMetricSeries (min/max per bucket, buckets = ⌊maxPoints/4⌋)', () => {
  it('returns a series that fits whole, without totalPoints', () => {
    const s = series();
    expect(downsampleMetricSeries(s, { maxPoints: 12 })).toEqual(s);
    expect(downsampleMetricSeries(s, {})).toEqual(s);
  });

  it('keeps, in one bucket, the first, the spike, the NaN and the last (= lowest) point', () => {
    // maxPoints 4 → 1 bucket over steps 1…12: first = step 1, max = step 6 (9), min = last = step 12 (0.1), NaN at step 10.
    expect(downsampleMetricSeries(series(), { maxPoints: 4 })).toEqual({
      key: 'loss', steps: [1, 6, 10, 12], values: [5, 9, NaN, 0.1], wallTimes: [1000, 6000, 10000, 12000], totalPoints: 12,
    });
  });

  it('splits two buckets at step 6.5 and keeps each one\'s first, last, min, max and NaN', () => {
    // bucket = ⌊(step − 1)/11 · 2⌋: steps 1…6 → 0 (first 1, min 5 (1), max = last 6 (9)); 7…12 → 1 (first = max 7, NaN 10, min = last 12).
    const out = downsampleMetricSeries(series(), { maxPoints: 8 });
    expect(out.steps).toEqual([1, 5, 6, 7, 10, 12]);
    expect(out.values).toEqual([5, 1, 9, 0.5, NaN, 0.1]);
    expect(out.wallTimes).toEqual([1000, 5000, 6000, 7000, 10000, 12000]);
    expect(out.totalPoints).toBe(12);
  });

  it('cuts a step range with one point beyond each edge, whole when it fits', () => {
    const out = downsampleMetricSeries(series(), { range: { min: 3.5, max: 6.5 }, maxPoints: 8 });
    expect(out).toEqual({ key: 'loss', steps: [3, 4, 5, 6, 7], values: [3, 2, 1, 9, 0.5], wallTimes: [3000, 4000, 5000, 6000, 7000] });
  });

  it('thins a range that is still too long, counting the range\'s points in totalPoints', () => {
    // Steps 2…11 (range [2.5, 10.5] plus one point each side), one bucket: first 2 (4), max 6 (9), NaN 10, min = last 11 (0.2).
    const out = downsampleMetricSeries(series(), { range: { min: 2.5, max: 10.5 }, maxPoints: 4 });
    expect(out.steps).toEqual([2, 6, 10, 11]);
    expect(out.totalPoints).toBe(10);
  });

  it('keeps 200,000 points to at most maxPoints finite ones, with the first, last and a lone spike', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => (i === 123_457 ? 50 : 1 / (1 + i)));
    const out = downsampleMetricSeries(series(values), { maxPoints: 2000 });
    expect(out.steps.length).toBeLessThanOrEqual(2000);
    expect(out.steps[0]).toBe(1);
    expect(out.steps[out.steps.length - 1]).toBe(200_000);
    expect(out.values).toContain(50);
    expect(out.totalPoints).toBe(200_000);
  });

  it('refuses a maxPoints below one bucket\'s four points', () => {
    expect(() => downsampleMetricSeries(series(), { maxPoints: 3 })).toThrow(RangeError);
    expect(() => downsampleMetricSeries(series(), { maxPoints: 10.5 })).toThrow(RangeError);
  });
});
