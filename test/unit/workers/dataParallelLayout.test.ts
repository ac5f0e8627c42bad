import { describe, expect, it } from 'vitest';
import { allocateExchange, averageRows, exchangeViews, partRange } from '../../../workers/engine/dataParallel/layout';
import { abortBarrier, barrierAsync, barrierSync, ReplicaAbortedError } from '../../../workers/engine/dataParallel/barrier';

describe('data-parallel shared memory', () => {
  it('splits a batch into contiguous shards differing by at most one', () => {
    expect([0, 1].map((i) => partRange(63, 2, i))).toEqual([[0, 31], [31, 63]]);
    expect([0, 1, 2].map((i) => partRange(64, 3, i))).toEqual([[0, 21], [21, 42], [42, 64]]);
  });

  it('averages shard gradients weighted by shard size', () => {
    // Batch 3 over 2 replicas: shards of 1 and 2 examples. Row 0 = [3, 6], row 1 = [0, 3]:
    // (1/3)·3 + (2/3)·0 = 1 and (1/3)·6 + (2/3)·3 = 4 — the mean over the 3 examples.
    const sizes = { replicas: 2, params: 2, features: 1, maxBatch: 3 };
    const v = exchangeViews(allocateExchange(sizes), sizes);
    v.gradients.set([3, 6, 0, 3]);
    averageRows(v, 3, 0, 1);
    averageRows(v, 3, 1, 2);
    expect(Array.from(v.average)).toEqual([1, 4]);
  });

  it('lays the regions out without overlap', () => {
    const sizes = { replicas: 3, params: 5, features: 7, maxBatch: 9 };
    const v = exchangeViews(allocateExchange(sizes), sizes);
    const regions = [v.control, v.results, v.inputs, v.labels, v.gradients, v.average].map((a) => [a.byteOffset, a.byteOffset + a.byteLength]);
    for (let i = 1; i < regions.length; i++) expect(regions[i]![0]).toBeGreaterThanOrEqual(regions[i - 1]![1]!);
    expect(v.results.byteOffset % 8).toBe(0);
  });

  it('a barrier of one party passes; an aborted barrier throws for its waiters', async () => {
    const sizes = { replicas: 2, params: 1, features: 1, maxBatch: 2 };
    const v = exchangeViews(allocateExchange(sizes), sizes);
    barrierSync(v.control, 1);
    const waiting = barrierAsync(v.control, 2, () => undefined);
    abortBarrier(v.control);
    await expect(waiting).rejects.toBeInstanceOf(ReplicaAbortedError);
    expect(() => barrierSync(v.control, 2)).toThrow(ReplicaAbortedError);
  });
});
