/**
 * The compare view's pure parts: a colour per run id (stable, distinct for
 * neighbours), the selection in the URL, the metrics pre-selected from the
 * family catalogue, the diff table's "only the keys that differ", and chart
 * lines built from runs.compareSeries' wire format with smoothing per series.
 */
import { describe, expect, it } from 'vitest';
import type { CompareSeries, ParamValue } from '../../../main/common/domain';
import { paramRows } from '../../../main/common/runColumns';
import { emaDebiased } from '../../../main/common/series';
import { metricSummary } from '../../helpers/runFixtures';
import {
  compareLines, defaultCompareKeys, metricKeysOf, parseCompareX, parseRunIds, parseSmoothing, parseTagsText, runColor, runHue, serverAxis,
} from '../../../renderer/lib/compare';

/** The shorter way round the colour wheel between two hues, in degrees. */
const hueGap = (a: number, b: number): number => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe('run colours', () => {
  it('gives a run the same colour every time, from its id alone', () => {
    expect(runColor(7)).toBe(runColor(7));
    expect(runColor(7)).toMatch(/^hsl\(\d+(\.\d)?, 68%, (42|55)%\)$/);
  });

  it('keeps neighbouring ids far apart on the colour wheel', () => {
    for (let id = 1; id < 500; id++) {
      expect(hueGap(runHue(id), runHue(id + 1)), `ids ${id} and ${id + 1}`).toBeGreaterThan(100);
      expect(hueGap(runHue(id), runHue(id + 2)), `ids ${id} and ${id + 2}`).toBeGreaterThan(40);
    }
  });

  it('gives the first twenty runs twenty different colours', () => {
    const colours = new Set(Array.from({ length: 20 }, (_, i) => runColor(i + 1)));
    expect(colours.size).toBe(20);
  });
});

describe('the compare URL', () => {
  it('reads run ids in order, once each, skipping anything that is not an id', () => {
    expect(parseRunIds('3,1,2')).toEqual([3, 1, 2]);
    expect(parseRunIds(' 4 , 4,x,0,-2,5.5,6')).toEqual([4, 6]);
    expect(parseRunIds(['1,2', '3'])).toEqual([1, 2, 3]);
    expect(parseRunIds(undefined)).toEqual([]);
  });

  it('reads the smoothing and the x axis, falling back to none and steps', () => {
    expect(parseSmoothing('0.6')).toBe(0.6);
    expect(parseSmoothing('1')).toBe(0.99);
    expect(parseSmoothing('-1')).toBe(0);
    expect(parseSmoothing('abc')).toBe(0);
    expect(parseCompareX('wall')).toBe('wall');
    expect(parseCompareX('relative')).toBe('relative');
    expect(parseCompareX('epoch')).toBe('epoch');
    expect(parseCompareX('epochs')).toBe('step');
    expect(['step', 'epoch', 'wall', 'relative'].map((x) => serverAxis(parseCompareX(x)))).toEqual(['step', 'epoch', 'wall', 'wall']);
  });
});

describe('tags text', () => {
  it('splits on commas, trims, drops empties and repeats', () => {
    expect(parseTagsText(' baseline, lr-sweep ,,baseline, ')).toEqual(['baseline', 'lr-sweep']);
    expect(parseTagsText('')).toEqual([]);
  });
});

describe('metric keys', () => {
  const summary = (runId: number, keys: string[]) => ({
    runId,
    metrics: Object.fromEntries(keys.map((k) => [k, metricSummary()])),
  });

  it('offers the union of the runs\' keys, sorted', () => {
    expect(metricKeysOf([summary(1, ['loss', 'accuracy']), summary(2, ['loss', 'test_accuracy'])])).toEqual(['accuracy', 'loss', 'test_accuracy']);
  });

  it('pre-selects each family\'s per-step loss and headline metrics that some run has', () => {
    const have = ['accuracy', 'epoch_loss', 'loss', 'test_accuracy', 'test_loss', 'val_loss'];
    expect(defaultCompareKeys(['classifier', 'classifier'], have)).toEqual(['loss', 'test_accuracy', 'accuracy']);
    expect(defaultCompareKeys(['gan'], ['d_loss', 'g_loss', 'frechet_distance'])[0]).toBe('d_loss');
    expect(defaultCompareKeys(['no-such-family'], have)).toEqual([]);
  });
});

describe('hyperparameter diff', () => {
  const runs: { params: Record<string, ParamValue> }[] = [
    { params: { learningRate: 0.01, seed: 1, epochs: 1, optimizer: 'adam' } },
    { params: { learningRate: 0.001, seed: 2, epochs: 1, optimizer: 'adam' } },
    { params: { learningRate: 0.001, seed: 3, epochs: 1, optimizer: 'adam', beta: 0.5 } },
  ];

  it('lists only the keys whose values differ, a key some run lacks included', () => {
    const rows = paramRows(runs, false);
    expect(rows.map((r) => r.key)).toEqual(['beta', 'learningRate', 'seed']);
    expect(rows.find((r) => r.key === 'beta')!.values).toEqual([undefined, undefined, 0.5]);
    expect(rows.find((r) => r.key === 'learningRate')!.values).toEqual([0.01, 0.001, 0.001]);
  });

  it('lists every key when asked, marking which differ', () => {
    const rows = paramRows(runs, true);
    expect(rows.map((r) => [r.key, r.differs])).toEqual([
      ['beta', true], ['epochs', false], ['learningRate', true], ['optimizer', false], ['seed', true],
    ]);
  });

  it('treats values of different types as different (1 is not "1")', () => {
    expect(paramRows([{ params: { a: 1 } }, { params: { a: '1' } }], false).map((r) => r.key)).toEqual(['a']);
  });
});

describe('chart lines from the wire', () => {
  const wire: CompareSeries[] = [
    { runId: 1, key: 'loss', xs: [0, 1, 2, 3, 4], ys: [1, 0.8, 'NaN', 0.5, 0.4], total: 5 },
    { runId: 2, key: 'loss', xs: [0, 1, 2], ys: [2, 'Inf', 1], total: 9 },
  ];

  it('decodes non-finite values into gaps and counts them', () => {
    const [a, b] = compareLines(wire, 'step', 0);
    expect(a!.raw.map((p) => p[1])).toEqual([1, 0.8, NaN, 0.5, 0.4]);
    expect(a!.nonFinite).toBe(1);
    expect(b!.raw.map((p) => p[1])).toEqual([2, NaN, 1]);
    expect(b!.nonFinite).toBe(1);
    expect(b!.total).toBe(9);
    expect(a!.smoothed).toBeNull();
  });

  it('smooths each series on its own, keeping the NaN at its x', () => {
    const [a, b] = compareLines(wire, 'step', 0.6);
    expect(a!.smoothed!.map((p) => p[0])).toEqual([0, 1, 2, 3, 4]);
    const expectA = emaDebiased([1, 0.8, NaN, 0.5, 0.4], 0.6);
    expect(a!.smoothed!.map((p) => p[1])).toEqual(expectA);
    expect(Number.isNaN(a!.smoothed![2]![1])).toBe(true);
    // Debiased: the first point is the raw value; the second the weighted mean 0.6·1 + 1·0.8 over 1.6.
    expect(a!.smoothed![0]![1]).toBeCloseTo(1, 12);
    expect(a!.smoothed![1]![1]).toBeCloseTo((0.6 * 1 + 0.8) / 1.6, 12);
    // Run 2's smoothing starts from its own first value, not from run 1's state.
    expect(b!.smoothed![0]![1]).toBe(2);
    expect(b!.smoothed![2]![1]).toBeCloseTo((0.6 * 2 + 1) / 1.6, 12);
  });

  it('measures relative time in seconds from each run\'s first point', () => {
    const lines = compareLines([
      { runId: 1, key: 'loss', xs: [10_000, 12_500], ys: [1, 2], total: 2 },
      { runId: 2, key: 'loss', xs: [50_000, 51_000], ys: [1, 2], total: 2 },
    ], 'relative', 0);
    expect(lines.map((l) => l.raw.map((p) => p[0]))).toEqual([[0, 2.5], [0, 1]]);
  });
});
