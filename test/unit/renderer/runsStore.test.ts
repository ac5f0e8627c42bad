/**
 * The runs store's metric cache: points fetched with runs.metrics and points
 * pushed live by runs.onDidLogMetrics meet in one series per key — nothing
 * logged while the fetch is on its way is lost, nothing is counted twice,
 * a resumed run starts again from the stored series, and an unwatched run
 * keeps nothing.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { MetricSeries, RunDetail, RunStatus, RunSummary } from '../../../main/common/domain';
import type { MetricPoint } from '../../../workers/common/protocol';
import { runConfigSchema } from '../../../workers/common/families/registry';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { setApiClient } from '../../../renderer/api';
import { useRunsStore } from '../../../renderer/stores/runsStore';
import { runSummary } from '../../helpers/runFixtures';
import { fakeClient } from './fakeClient';

function summary(status: RunStatus = 'running'): RunSummary {
  return runSummary({ name: 'r', status, seed: 42, endedAt: null });
}

function detail(status: RunStatus = 'running'): RunDetail {
  return {
    ...summary(status), config: runConfigSchema.parse({ family: 'classifier' }), architecture: classifierTemplate('mlp', [28, 28, 1], 10),
    architectureId: null, architectureVersion: null, datasetHash: 'h', appVersion: '0', checkpoint: null, resumable: false, reproductionIds: [],
  };
}

const loss = (steps: number[], values: number[]): MetricSeries => ({ key: 'loss', steps, values, wallTimes: steps.map(() => 0) });
const points = (...pairs: [number, number][]): MetricPoint[] => pairs.map(([step, value]) => ({ key: 'loss', step, value, wallTime: 0 }));

/** A runs.metrics answer the test releases when it wants. */
function deferredMetrics(): { answer: () => Promise<MetricSeries[]>; release: (list: MetricSeries[]) => void; calls: () => number } {
  const waiting: ((list: MetricSeries[]) => void)[] = [];
  let calls = 0;
  return {
    answer: () => { calls++; return new Promise((resolve) => { waiting.push(resolve); }); },
    release: (list) => { waiting.shift()?.(list); },
    calls: () => calls,
  };
}

describe('runs store: fetched and live metric points', () => {
  beforeEach(() => setActivePinia(createPinia()));

  function setup(status: RunStatus = 'running') {
    const metrics = deferredMetrics();
    const f = fakeClient({ 'runs.get': async () => detail(status), 'runs.metrics': metrics.answer, 'runs.logs': async () => [] });
    setApiClient(f.client);
    return { f, metrics, store: useRunsStore() };
  }

  it('keeps points that arrive live while the stored series is being fetched, without counting a step twice', async () => {
    const { f, metrics, store } = setup();
    const watched = store.watchRun(1);
    // Steps 3 and 4 are logged while the fetch is on its way; the answer already holds step 3.
    f.emit('runs.onDidLogMetrics', { runId: 1, points: points([3, 0.7], [4, 0.6]) });
    metrics.release([loss([1, 2, 3], [0.9, 0.8, 0.7])]);
    await watched.ready;
    expect(store.getSeries(1, 'loss')).toEqual({ steps: [1, 2, 3, 4], values: [0.9, 0.8, 0.7, 0.6] });
    const version = store.metricsVersion[1];
    f.emit('runs.onDidLogMetrics', { runId: 1, points: points([5, 0.5]) });
    expect(store.getSeries(1, 'loss')?.steps).toEqual([1, 2, 3, 4, 5]);
    expect(store.metricsVersion[1]).toBeGreaterThan(version ?? 0);
    expect(store.metricKeys(1)).toEqual(['loss']);
  });

  it('refetches the stored series when a finished run is resumed, and a re-logged step replaces its value', async () => {
    const { f, metrics, store } = setup('cancelled');
    const watched = store.watchRun(1);
    metrics.release([loss([1, 2, 3], [0.9, 0.8, 0.7])]);
    await watched.ready;
    expect(metrics.calls()).toBe(1);
    f.emit('runs.onDidChange', summary('running'));
    expect(metrics.calls()).toBe(2);
    // The resumed run starts again after its checkpoint (step 2) and logs step 3 anew.
    f.emit('runs.onDidLogMetrics', { runId: 1, points: points([3, 0.65]) });
    metrics.release([loss([1, 2], [0.9, 0.8])]);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getSeries(1, 'loss')).toEqual({ steps: [1, 2, 3], values: [0.9, 0.8, 0.65] });
  });

  it('keeps no points of a run nothing watches, and drops a run’s series when the last watcher leaves', async () => {
    const { f, metrics, store } = setup();
    f.emit('runs.onDidLogMetrics', { runId: 1, points: points([1, 0.9]) });
    expect(store.getSeries(1, 'loss')).toBeUndefined();
    const a = store.watchRun(1);
    const b = store.watchRun(1);
    metrics.release([loss([1], [0.9])]);
    await Promise.all([a.ready, b.ready]);
    a.release();
    expect(store.getSeries(1, 'loss')?.steps).toEqual([1]);
    b.release();
    expect(store.getSeries(1, 'loss')).toBeUndefined();
    expect(metrics.calls()).toBe(1);
  });
});
