import { describe, expect, it, vi } from 'vitest';
import type { MetricPoint } from '../../../workers/common/protocol';
import { MetricBatcher } from '../../../workers/engine/metricBatcher';
import { deriveSeed, mulberry32, permutation } from '../../../workers/engine/prng';
import { Throttle } from '../../../workers/engine/throttle';
import { LossNotFiniteError, trainLoop } from '../../../workers/engine/trainLoop';
import { availableBackends } from '../../../workers/engine/backend';

describe('engine pieces', () => {
  it('mulberry32 is reproducible and resumable from its state', () => {
    const a = mulberry32(42);
    const first = [a(), a(), a()];
    expect(mulberry32(42)()).toBe(first[0]);
    const b = mulberry32(42);
    b(); b();
    const resumed = mulberry32(b.state());
    expect(resumed()).toBe(first[2]);
    expect(Array.from(permutation(10, 3))).toEqual(Array.from(permutation(10, 3)));
    expect(Array.from(permutation(10, 3)).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 1));
  });

  it('MetricBatcher flushes at 256 points, after 250 ms, and on finish', () => {
    vi.useFakeTimers();
    try {
      const batches: MetricPoint[][] = [];
      const b = new MetricBatcher((p) => batches.push(p));
      for (let i = 0; i < 300; i++) b.add('loss', i + 1, i);
      expect(batches.map((x) => x.length)).toEqual([256]);
      vi.advanceTimersByTime(249);
      expect(batches).toHaveLength(1);
      vi.advanceTimersByTime(2);
      expect(batches.map((x) => x.length)).toEqual([256, 44]);
      b.add('accuracy', 1, 0.5);
      b.finish();
      expect(batches.at(-1)).toEqual([expect.objectContaining({ key: 'accuracy', step: 1, value: 0.5 })]);
      vi.advanceTimersByTime(1000);
      expect(batches).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('Throttle passes at most one value per interval and flushes the last', () => {
    let now = 0;
    const out: number[] = [];
    const t = new Throttle<number>((v) => out.push(v), 100, () => now);
    for (let i = 0; i < 10; i++) { t.push(i); now += 30; }
    t.flush();
    expect(out).toEqual([0, 4, 8, 9]);
  });

  it('trainLoop runs epochs, resumes, and stops on a non-finite loss', async () => {
    const seen: string[] = [];
    const r = await trainLoop({
      epochs: 3, stepsPerEpoch: 2, startEpoch: 1, startStep: 2, isCancelled: () => false,
      runBatch: ({ epoch, batchIndex, step }) => { seen.push(`${epoch}.${batchIndex}@${step}`); return { loss: 1 }; },
    });
    expect(r).toEqual({ status: 'completed', epochsDone: 3, step: 6 });
    expect(seen).toEqual(['2.0@3', '2.1@4', '3.0@5', '3.1@6']);
    const bad = trainLoop({ epochs: 2, stepsPerEpoch: 40, learningRate: 10, isCancelled: () => false, runBatch: ({ step }) => ({ loss: step === 37 ? NaN : 1 }) });
    await expect(bad).rejects.toThrow(new LossNotFiniteError(NaN, 1, 37, 10).message);
    await expect(trainLoop({ epochs: 1, stepsPerEpoch: 1, isCancelled: () => false, runBatch: () => ({ loss: Infinity }) })).rejects.toThrow('Loss became Infinity at epoch 1, step 1');
  });

  it('lists backends without loading native modules', () => {
    const list = availableBackends();
    expect(list.map((b) => b.backend)).toEqual(['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
    expect(list.find((b) => b.backend === 'wasm')!.available).toBe(true);
    expect(list.find((b) => b.backend === 'cpu')!.available).toBe(true);
  });
});
