import type { MetricKey } from '../../../workers/common/families/registry';
import { describe, expect, it } from 'vitest';
import { appendPoints, seriesFromResponse } from '../../../renderer/lib/metricSeries';

const pt = (key: MetricKey, step: number, value: number) => ({ key, step, value, wallTime: 0 });

describe('metric series cache', () => {
  it('appends live points after the fetched ones and ignores repeats', () => {
    const s = seriesFromResponse([{ key: 'loss', steps: [1, 2], values: [0.9, 0.8], wallTimes: [0, 0] }]);
    expect(appendPoints(s, [pt('loss', 2, 0.8), pt('loss', 3, 0.7), pt('accuracy', 1, 0.5)])).toBe(true);
    expect(s.get('loss')).toEqual({ steps: [1, 2, 3], values: [0.9, 0.8, 0.7] });
    expect(s.get('accuracy')).toEqual({ steps: [1], values: [0.5] });
  });

  it('keeps steps sorted when points arrive out of order (resume)', () => {
    const s = seriesFromResponse([{ key: 'loss', steps: [1, 2, 5], values: [1, 2, 5], wallTimes: [0, 0, 0] }]);
    appendPoints(s, [pt('loss', 3, 3), pt('loss', 2, 2.5)]);
    expect(s.get('loss')).toEqual({ steps: [1, 2, 3, 5], values: [1, 2.5, 3, 5] });
  });
});
