/**
 * Rewinding a run's metrics to its checkpoint before a resume (issue 16):
 * the points an interrupted trainer logged past the checkpoint go, the
 * summaries are rebuilt from what remains, and the resumed trainer's points
 * then give one row per (key, step). Real SQLite; expectations by hand.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../db/openStore';
import type { Store } from '../../../db/storeTypes';
import type { MetricKey, MetricPoint } from '../../../workers/common/protocol';
import { removeTempDirs, sampleRun, tempDir } from './helpers';

let store: Store;
beforeEach(() => { store = openStore(path.join(tempDir(), 'rewind.db'), { appVersion: 'test' }); });
afterEach(() => { store.close(); removeTempDirs(); });

const pt = (key: MetricKey, step: number, value: number): MetricPoint => ({ key, step, value, wallTime: 1000 + step });
const isEpochKey = (key: string): boolean => key === 'test_accuracy';

/** The steps of a key as getMetrics returns them (a repeated step merged: the counts in the summaries catch repeats). */
function rowsPerStep(runId: number, key: string): number[] {
  const series = store.getMetrics(runId, [key])[0];
  return series === undefined ? [] : series.steps;
}

describe('rewindMetrics', () => {
  it('removes the points past the checkpoint, by steps or by epochs, and rebuilds the summaries', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id)).id;
    // 4 steps an epoch; the checkpoint is after epoch 2 (step 8); the trainer died at step 11 of epoch 3.
    store.appendMetrics(run, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((s) => pt('loss', s, 12 - s)));
    store.appendMetrics(run, [pt('test_accuracy', 1, 0.5), pt('test_accuracy', 2, 0.7)]);

    const removed = store.rewindMetrics(run, { epoch: 2, step: 8 }, isEpochKey);
    expect(removed).toEqual({ loss: 3 });
    expect(rowsPerStep(run, 'loss')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(rowsPerStep(run, 'test_accuracy')).toEqual([1, 2]);
    // loss 11..4 over steps 1..8: the minimum 4 at step 8 is the latest point.
    expect(store.metricSummaries([run]).get(run)?.['loss']).toEqual({ last: 4, lastStep: 8, min: 4, max: 11, count: 8, nonFinite: 0, minStep: 8, maxStep: 1 });

    // The resumed trainer logs steps 9.. again (other values): one point per step, the new ones.
    store.appendMetrics(run, [9, 10, 11, 12].map((s) => pt('loss', s, 1 / s)));
    store.appendMetrics(run, [pt('test_accuracy', 3, 0.8)]);
    expect(rowsPerStep(run, 'loss')).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(store.metricSummaries([run]).get(run)?.['loss']?.count).toBe(12);
    expect(store.getMetrics(run, ['loss'])[0]?.values[8]).toBe(1 / 9);

    // Killed again during epoch 3's evaluation: its test_accuracy (epoch 3) is past the same checkpoint.
    expect(store.rewindMetrics(run, { epoch: 2, step: 8 }, isEpochKey)).toEqual({ loss: 4, test_accuracy: 1 });
    expect(store.metricSummaries([run]).get(run)?.['test_accuracy']).toMatchObject({ last: 0.7, lastStep: 2, count: 2, max: 0.7, maxStep: 2 });
  });

  it('leaves a run with nothing past its checkpoint as it is', () => {
    const run = store.createRun(sampleRun(store.ensureExperiment('Default').id)).id;
    store.appendMetrics(run, [pt('loss', 1, 3), pt('loss', 2, 2)]);
    const before = store.metricSummaries([run]).get(run);
    expect(store.rewindMetrics(run, { epoch: 1, step: 2 }, isEpochKey)).toEqual({});
    expect(store.metricSummaries([run]).get(run)).toEqual(before);
  });
});
