/**
 * Issue 16, point 10: the trainer flushes the host's metric batch before
 * long work — galleries, the epoch's evaluation, the checkpoint write — so a
 * crash during it (the event loop busy, the batch timer unable to fire)
 * loses none of the points computed before it. The sink here batches as
 * the host's does (a real MetricBatcher whose timer never fires in the test);
 * each hook notes which steps had been handed on when it started.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../workers/common/protocol';
import { selectBackend } from '../../../workers/engine/backend';
import { MetricBatcher } from '../../../workers/engine/metricBatcher';
import type { TrainingSink } from '../../../workers/engine/sink';
import { train, type TrainSession } from '../../../workers/engine/trainer';

const tmp = mkdtempSync(join(tmpdir(), 'lw-flush-'));
beforeAll(async () => { expect(await selectBackend('cpu')).toBe('cpu'); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A sink that batches like the host's, and the points it has handed on. */
function batchingSink(): { sink: TrainingSink; delivered: MetricPoint[] } {
  const delivered: MetricPoint[] = [];
  // The interval is never reached here: only explicit flushes hand points on.
  const batcher = new MetricBatcher((points) => delivered.push(...points), { intervalMs: 1e9, maxPoints: 1e6 });
  const sink: TrainingSink = {
    metric: (key, step, value) => batcher.add(key, step, value),
    progress: () => undefined,
    log: () => undefined,
    checkpoint: () => undefined,
    sample: () => undefined,
    flush: () => batcher.flush(),
  };
  return { sink, delivered };
}

describe('metric flushes before long work', () => {
  it('hands on every step\'s loss before the galleries and the evaluation, and the evaluation\'s metric before the checkpoint write', async () => {
    const { sink, delivered } = batchingSink();
    const seen: { hook: string; epoch: number; steps: string[] }[] = [];
    const note = (hook: string, epoch: number): void => { seen.push({ hook, epoch, steps: delivered.map((p) => `${p.key}@${p.step}`) }); };
    let epoch = 0;
    const session: TrainSession<'loss' | 'test_accuracy'> = {
      parts: [],
      optimizers: [],
      epochs: 2,
      stepsPerEpoch: 2,
      startEpoch: (e) => { epoch = e; },
      step: (info) => Promise.resolve({ values: { loss: info.step / 10 }, checked: [{ value: info.step / 10 }] }),
      galleries: (_step, e) => { note('galleries', e); return Promise.resolve(); },
      endEpoch: (e) => { note('evaluation', e); return Promise.resolve({ metrics: { test_accuracy: e / 4 } }); },
      // Called right before the checkpoint is written.
      extraState: () => { note('checkpoint', epoch); return {}; },
      dispose: () => undefined,
    };
    const result = await train({ sink, isCancelled: () => false, runDir: join(tmp, 'run') }, () => session);
    expect(result.status).toBe('done');
    // Steps 1-2 are epoch 1, steps 3-4 epoch 2; test_accuracy is recorded at step = epoch.
    expect(seen).toEqual([
      { hook: 'galleries', epoch: 1, steps: ['loss@1', 'loss@2'] },
      { hook: 'evaluation', epoch: 1, steps: ['loss@1', 'loss@2'] },
      { hook: 'checkpoint', epoch: 1, steps: ['loss@1', 'loss@2', 'test_accuracy@1'] },
      { hook: 'galleries', epoch: 2, steps: ['loss@1', 'loss@2', 'test_accuracy@1', 'loss@3', 'loss@4'] },
      { hook: 'evaluation', epoch: 2, steps: ['loss@1', 'loss@2', 'test_accuracy@1', 'loss@3', 'loss@4'] },
      { hook: 'checkpoint', epoch: 2, steps: ['loss@1', 'loss@2', 'test_accuracy@1', 'loss@3', 'loss@4', 'test_accuracy@2'] },
    ]);
  });
});
