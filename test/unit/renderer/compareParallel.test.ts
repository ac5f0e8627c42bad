/**
 * The compare view's parallel coordinates and scatter as data: axis kinds
 * (categorical, log from two decades of positive values, linear), the axes
 * (only differing hyperparameters unless all, then the metric), brushing to
 * run ids, the brush's URL form, the scatter's points and log offers, and the
 * shared zoom (its URL form, and zoomed points joined into the whole series).
 */
import { describe, expect, it } from 'vitest';
import type { CompareSeries, RunMetricSummaries, RunMetricSummary } from '../../../main/common/domain';
import {
  axisKind, brushedRunIds, brushQuery, chartColumns, defaultMetricColumn, parallelModel, parseBrush, type ChartRun,
} from '../../../renderer/lib/compareParallel';
import { pickColumn, scatterModel } from '../../../renderer/lib/compareScatter';
import { mergeZoomed, parseZoom, zoomQuery } from '../../../renderer/lib/compareZoom';
import { metricSummary } from '../../helpers/runFixtures';

const summary = (best: number, last = best): RunMetricSummary => metricSummary({ last, lastStep: 3, min: best, max: best, count: 3, best, minStep: 3, maxStep: 3 });
const runs: ChartRun[] = [
  { id: 1, family: 'classifier', params: { learningRate: 0.1, seed: 1, optimizer: 'adam', epochs: 2 } },
  { id: 2, family: 'classifier', params: { learningRate: 0.001, seed: 2, optimizer: 'sgd', epochs: 2 } },
  { id: 3, family: 'classifier', params: { learningRate: 0.01, seed: 3, optimizer: 'adam', epochs: 2 } },
];
const sums: RunMetricSummaries[] = [
  { runId: 1, metrics: { test_accuracy: summary(0.9) } },
  { runId: 2, metrics: { test_accuracy: summary(0.5) } },
  { runId: 3, metrics: { test_accuracy: summary(0.95) } },
];

describe('axis kinds', () => {
  it('is categorical for text and booleans, log for positive values over two decades, else linear', () => {
    expect(axisKind(['adam', 'sgd'])).toBe('category');
    expect(axisKind([true, false])).toBe('category');
    expect(axisKind([1, 'x'])).toBe('category');
    expect(axisKind([0.001, 0.1])).toBe('log');
    expect(axisKind([0.001, 0.05])).toBe('linear');
    expect(axisKind([0, 0.001, 10])).toBe('linear');
    expect(axisKind([-1, 1000])).toBe('linear');
    expect(axisKind([null, 0.001, 0.1])).toBe('log');
    expect(axisKind([null])).toBe('linear');
  });
});

describe('the parallel-coordinates model', () => {
  it('has an axis per differing hyperparameter (all with the toggle), then the metric, values in the runs\' order', () => {
    const m = parallelModel(runs, sums, false, 'metrics.test_accuracy.best');
    expect(m.runIds).toEqual([1, 2, 3]);
    expect(m.axes.map((a) => [a.id, a.kind])).toEqual([
      ['params.learningRate', 'log'], ['params.optimizer', 'category'], ['params.seed', 'linear'], ['metrics.test_accuracy.best', 'linear'],
    ]);
    const opt = m.axes[1]!;
    expect(opt.categories).toEqual(['adam', 'sgd']);
    expect(opt.values).toEqual([0, 1, 0]);
    expect(m.axes[0]).toMatchObject({ values: [0.1, 0.001, 0.01], min: 0.001, max: 0.1 });
    expect(parallelModel(runs, sums, true, null).axes.map((a) => a.id)).toEqual(['params.epochs', 'params.learningRate', 'params.optimizer', 'params.seed']);
  });

  it('starts on the families\' headline metric (best), else the first metric\'s last value', () => {
    expect(defaultMetricColumn(['classifier'], ['loss', 'test_accuracy'])).toBe('metrics.test_accuracy.best');
    expect(defaultMetricColumn(['classifier'], ['loss'])).toBe('metrics.loss.last');
    expect(defaultMetricColumn(['nope'], [])).toBeNull();
  });

  it('keeps the runs inside every brushed axis\'s intervals; none brushed is null', () => {
    const m = parallelModel(runs, sums, false, 'metrics.test_accuracy.best');
    expect(brushedRunIds(m, {})).toBeNull();
    expect(brushedRunIds(m, { 'params.learningRate': [] })).toBeNull();
    expect(brushedRunIds(m, { 'params.learningRate': [[0.005, 0.2]] })).toEqual([1, 3]);
    // Ends included, intervals either way round, several per axis.
    expect(brushedRunIds(m, { 'params.learningRate': [[0.2, 0.1], [0.001, 0.001]] })).toEqual([1, 2]);
    // Two axes: both must keep the run; a categorical axis brushes category indices.
    expect(brushedRunIds(m, { 'params.learningRate': [[0.005, 0.2]], 'metrics.test_accuracy.best': [[0.92, 1]] })).toEqual([3]);
    expect(brushedRunIds(m, { 'params.optimizer': [[0.6, 1.2]] })).toEqual([2]);
    // An axis the chart no longer has does not filter.
    expect(brushedRunIds(m, { 'params.gone': [[0, 1]] })).toBeNull();
  });

  it('writes the brush to the URL and reads it back, dropping malformed parts', () => {
    const q = brushQuery({ 'params.learningRate': [[0.005, 0.2]], 'metrics.test_accuracy.best': [[0.1234567891, 1], [0, 0.05]], 'params.x': [] });
    expect(q).toBe('params.learningRate~0.005~0.2,metrics.test_accuracy.best~0.123457~1~0~0.05');
    expect(parseBrush(q)).toEqual({ 'params.learningRate': [[0.005, 0.2]], 'metrics.test_accuracy.best': [[0.123457, 1], [0, 0.05]] });
    expect(brushQuery({})).toBeUndefined();
    expect(parseBrush('bogus~1~2,params.a~1,params.b~x~2,params.c~1~2')).toEqual({ 'params.c': [[1, 2]] });
    expect(parseBrush(undefined)).toEqual({});
  });
});

describe('the scatter', () => {
  it('offers every hyperparameter and each metric summary', () => {
    expect(chartColumns(runs, ['loss'])).toEqual([
      'params.epochs', 'params.learningRate', 'params.optimizer', 'params.seed', 'metrics.loss.last', 'metrics.loss.best', 'metrics.loss.min', 'metrics.loss.max',
    ]);
    expect(pickColumn('params.seed', ['params.seed'], null)).toBe('params.seed');
    expect(pickColumn('params.nope', ['params.seed'], 'params.seed')).toBe('params.seed');
  });

  it('puts a point per run with both values, and offers log axes only for positive numbers', () => {
    const m = scatterModel(runs, sums.slice(0, 2), 'params.learningRate', 'metrics.test_accuracy.best');
    expect(m.points).toEqual([{ runId: 1, x: 0.1, y: 0.9 }, { runId: 2, x: 0.001, y: 0.5 }]);
    expect([m.logXAllowed, m.logYAllowed]).toEqual([true, true]);
    const c = scatterModel(runs, sums, 'params.optimizer', 'params.seed');
    expect(c.points.map((p) => p.x)).toEqual([0, 1, 0]);
    expect(c.logXAllowed).toBe(false);
  });
});

describe('the shared zoom', () => {
  it('reads and writes the zoom query, refusing empty or malformed ranges', () => {
    expect(parseZoom('10,20')).toEqual({ min: 10, max: 20 });
    expect(parseZoom('20,10')).toBeNull();
    expect(parseZoom('5,5')).toBeNull();
    expect(parseZoom('1,x')).toBeNull();
    expect(parseZoom('1,2,3')).toBeNull();
    expect(zoomQuery({ min: 0.1 + 0.2, max: 2 })).toBe('0.3,2');
    expect(zoomQuery(null)).toBeUndefined();
  });

  it('puts the zoomed points in place of the whole series\' over the zoomed span', () => {
    const whole: CompareSeries[] = [
      { runId: 1, key: 'loss', xs: [1, 10, 20, 30, 40], ys: [5, 4, 3, 2, 1], total: 40 },
      { runId: 2, key: 'loss', xs: [1, 40], ys: [1, 2], total: 40 },
    ];
    const zoomed: CompareSeries[] = [{ runId: 1, key: 'loss', xs: [10, 11, 12, 13, 20], ys: [4, 'NaN', 3.8, 3.5, 3], total: 40 }];
    const [one, two] = mergeZoomed(whole, zoomed);
    expect(one).toMatchObject({ xs: [1, 10, 11, 12, 13, 20, 30, 40], ys: [5, 4, 'NaN', 3.8, 3.5, 3, 2, 1], total: 40 });
    expect(two).toBe(whole[1]);
    // An empty zoomed answer (no points in the range) leaves the series whole.
    expect(mergeZoomed(whole, [{ runId: 1, key: 'loss', xs: [], ys: [], total: 40 }])[0]).toBe(whole[0]);
  });
});
