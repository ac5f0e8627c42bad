/**
 * The runs store's part in the runs table: the all-experiments list (runs.list
 * without an experiment, kept live by new runs of any experiment), and metric
 * summaries for the table's columns fetched in batches of at most 1,000 runs.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { RunSummary } from '../../../main/common/domain';
import type { ApiRequest } from '../../../main/common/api';
import { setApiClient } from '../../../renderer/api';
import { ALL_RUNS, useRunsStore } from '../../../renderer/stores/runsStore';
import { metricSummary, runSummary } from '../../helpers/runFixtures';
import { fakeClient } from './fakeClient';

function summary(id: number, experimentId: number): RunSummary {
  return runSummary({ id, experimentId, seed: id, createdAt: id, startedAt: id, endedAt: id + 1 });
}

describe('runs store: the runs table', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('opens a long list with its first 200 runs, then the rest, again in one call, and a short one in one call', async () => {
    const all = Array.from({ length: 250 }, (_, i) => summary(250 - i, 1 + (i % 3)));
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const f = fakeClient({
      'runs.list': async (req) => {
        if (req.limit !== undefined) return all.slice(0, req.limit);
        await gate;
        return all;
      },
    });
    setApiClient(f.client);
    const store = useRunsStore();
    const opened = store.openRuns(ALL_RUNS);
    await expect.poll(() => store.runsForExperiment(ALL_RUNS).length).toBe(200);
    expect(store.partial[ALL_RUNS]).toBe(true);
    release();
    await opened;
    expect(store.runsForExperiment(ALL_RUNS).map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(store.partial[ALL_RUNS]).toBe(false);
    expect(f.calls).toEqual([['runs.list', { limit: 200 }], ['runs.list', {}]]);
    // Opened again (back-navigation): the whole list stays drawn and is refreshed in one call, never cut to 200.
    const drawn: number[] = [];
    const again = store.openRuns(ALL_RUNS);
    drawn.push(store.runsForExperiment(ALL_RUNS).length);
    await again;
    drawn.push(store.runsForExperiment(ALL_RUNS).length);
    expect(drawn).toEqual([250, 250]);
    expect(f.calls.slice(2)).toEqual([['runs.list', {}]]);

    const g = fakeClient({ 'runs.list': async () => all.slice(0, 3) });
    setApiClient(g.client);
    setActivePinia(createPinia());
    await useRunsStore().openRuns(7);
    expect(g.calls).toEqual([['runs.list', { experimentId: 7, limit: 200 }]]);
  });

  it('lists every experiment\'s runs under ALL_RUNS, and a new run of any experiment joins it', async () => {
    const f = fakeClient({ 'runs.list': async () => [summary(2, 2), summary(1, 1)] });
    setApiClient(f.client);
    const store = useRunsStore();
    await store.fetchRuns(ALL_RUNS);
    expect(f.calls[0]).toEqual(['runs.list', {}]);
    expect(store.runsForExperiment(ALL_RUNS).map((r) => r.id)).toEqual([2, 1]);
    f.emit('runs.onDidChange', summary(3, 5));
    expect(store.runsForExperiment(ALL_RUNS).map((r) => r.id)).toEqual([3, 2, 1]);
  });

  it('fetches metric summaries in batches of 1,000 runs and merges keys per run', async () => {
    const asked: ApiRequest<'runs.summaries'>[] = [];
    const f = fakeClient({
      'runs.summaries': async (req) => {
        asked.push(req);
        return req.ids.map((runId) => ({ runId, metrics: Object.fromEntries((req.keys ?? []).map((k) => [k, metricSummary({ last: runId, min: 0, max: runId, best: runId })])) }));
      },
    });
    setApiClient(f.client);
    const store = useRunsStore();
    const ids = Array.from({ length: 2500 }, (_, i) => i + 1);
    await store.fetchTableMetrics(ids, ['loss']);
    expect(asked.map((r) => r.ids.length)).toEqual([1000, 1000, 500]);
    await store.fetchTableMetrics([7], ['acc']);
    expect(Object.keys(store.tableMetrics.get(7) ?? {}).sort()).toEqual(['acc', 'loss']);
    expect(store.tableMetrics.get(2500)?.['loss']?.max).toBe(2500);
    await store.fetchTableMetrics([], ['loss']);
    await store.fetchTableMetrics([1], []);
    expect(asked).toHaveLength(4);
  });
});
