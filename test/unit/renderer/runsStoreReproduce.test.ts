/** The runs store's reproduceRun: the new run is cached at once, and the origin's loaded detail is refetched so it lists the reproduction. */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail, RunSummary } from '../../../main/common/domain';
import { setApiClient } from '../../../renderer/api';
import { useRunsStore } from '../../../renderer/stores/runsStore';
import { classifierTemplate } from '../../../workers/common/families/classifier/templates';
import { runConfigSchema } from '../../../workers/common/families/registry';
import { runSummary } from '../../helpers/runFixtures';
import { fakeClient } from './fakeClient';

function summary(id: number, more: Partial<RunSummary> = {}): RunSummary {
  return runSummary({ id, seed: 5, createdAt: id, startedAt: id, endedAt: id + 1, ...more });
}

function detail(id: number, reproductionIds: number[]): RunDetail {
  return {
    ...summary(id), config: runConfigSchema.parse({ family: 'classifier' }), architecture: classifierTemplate('mlp', [28, 28, 1], 10),
    architectureId: null, architectureVersion: null, datasetHash: 'h', appVersion: '0', checkpoint: null, resumable: false, reproductionIds,
  };
}

describe('runs store: reproduce', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('caches the new run with its origin and refreshes the origin\'s reproductions', async () => {
    let reproduced: number[] = [];
    const f = fakeClient({
      'runs.get': async (req) => detail(req.id, reproduced),
      'runs.reproduce': async (req) => { reproduced = [7]; return summary(7, { originRunId: req.id, status: 'queued' }); },
    });
    setApiClient(f.client);
    const runs = useRunsStore();
    await runs.fetchRun(3);
    expect(runs.details[3]?.reproductionIds).toEqual([]);
    const copy = await runs.reproduceRun(3);
    expect(copy).toMatchObject({ id: 7, originRunId: 3 });
    expect(runs.summaries[7]).toMatchObject({ originRunId: 3, status: 'queued' });
    expect(f.calls.find(([m]) => m === 'runs.reproduce')).toEqual(['runs.reproduce', { id: 3 }]);
    await expect.poll(() => runs.details[3]?.reproductionIds).toEqual([7]);
  });
});
