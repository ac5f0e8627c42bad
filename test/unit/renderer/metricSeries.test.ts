import type { MetricKey } from '../../../workers/common/families/registry';
import { describe, expect, it } from 'vitest';
import { appendPoints, seriesFromResponse, spliceWindow } from '../../../renderer/lib/metricSeries';

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

describe('spliceWindow and thinned responses', () => {
  it('puts a zoomed window\'s points in place of the thinned ones over its span', () => {
    const whole = { steps: [1, 50, 100, 150, 200], values: [5, 4, 3, 2, 1] };
    // The server answered steps 49…101 (one point beyond each edge of [50, 100]).
    const window = { steps: [49, 50, 51, 100, 101], values: [4.1, 4, 3.9, 3, 2.9] };
    expect(spliceWindow(whole, window)).toEqual({ steps: [1, 49, 50, 51, 100, 101, 150, 200], values: [5, 4.1, 4, 3.9, 3, 2.9, 2, 1] });
  });

  it('keeps the whole series when the window is empty, and reaches the end when the window does', () => {
    const whole = { steps: [1, 2, 3], values: [1, 2, 3] };
    expect(spliceWindow(whole, { steps: [], values: [] })).toBe(whole);
    expect(spliceWindow(whole, { steps: [2, 3, 4], values: [20, 30, 40] })).toEqual({ steps: [1, 2, 3, 4], values: [1, 20, 30, 40] });
  });

  it('marks a series the server thinned with its full point count', () => {
    const s = seriesFromResponse([{ key: 'loss', steps: [1, 9], values: [2, 1], wallTimes: [0, 0], totalPoints: 9 }, { key: 'acc', steps: [1], values: [0.5], wallTimes: [0] }]);
    expect(s.get('loss')).toEqual({ steps: [1, 9], values: [2, 1], totalPoints: 9 });
    expect(s.get('acc')?.totalPoints).toBeUndefined();
  });
});
