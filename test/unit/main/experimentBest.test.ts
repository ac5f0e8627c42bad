import { describe, expect, it } from 'vitest';
import { experimentBest, type BestCandidate } from '../../../main/common/experimentBest';

const run = (id: number, family: string, status: BestCandidate['status'] = 'done'): BestCandidate => ({ id, name: `r${id}`, family, status, createdAt: id });

describe("an experiment's best result", () => {
  it("takes the best final headline value of the newest run's family among finished runs", () => {
    const runs = [run(1, 'classifier'), run(2, 'classifier'), run(3, 'classifier', 'failed'), run(4, 'classifier')];
    const latest = new Map<number, Record<string, number>>([[1, { test_accuracy: 0.91 }], [2, { test_accuracy: 0.97 }], [3, { test_accuracy: 0.99 }], [4, { test_accuracy: 0.95 }]]);
    expect(experimentBest(runs, latest)).toEqual({ runId: 2, runName: 'r2', key: 'test_accuracy', label: expect.any(String) as unknown, format: 'percent', value: 0.97, of: 3 });
  });

  it('minimises a loss-like headline, and leaves out other families and non-finite values', () => {
    const runs = [run(1, 'pca'), run(2, 'classifier'), run(3, 'pca'), run(4, 'pca')];
    const latest = new Map<number, Record<string, number>>([[1, { test_mse: 20 }], [2, { test_accuracy: 0.9 }], [3, { test_mse: 12.5 }], [4, { test_mse: Number.NaN }]]);
    expect(experimentBest(runs, latest)).toMatchObject({ runId: 3, key: 'test_mse', value: 12.5, of: 2 });
  });

  it('is null without a finished run, or for a family this version does not know', () => {
    expect(experimentBest([], new Map())).toBeNull();
    expect(experimentBest([run(1, 'classifier', 'running')], new Map([[1, { test_accuracy: 0.5 }]]))).toBeNull();
    expect(experimentBest([run(1, 'diffusion')], new Map())).toBeNull();
  });
});
