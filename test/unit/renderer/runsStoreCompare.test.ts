/**
 * The runs store's calls for finding and comparing runs: a filter narrows an
 * experiment's list, a refused one keeps the last good list and carries the
 * server's span, a late answer to an older filter does not replace a newer
 * one, tags update the cached summary, and runs are fetched by id through
 * the filter language.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import type { RunSummary } from '../../../main/common/domain';
import type { ApiRequest } from '../../../main/common/api';
import { ApiCallError, setApiClient } from '../../../renderer/api';
import { useRunsStore } from '../../../renderer/stores/runsStore';
import { runSummary } from '../../helpers/runFixtures';
import { fakeClient } from './fakeClient';

function summary(id: number, more: Partial<RunSummary> = {}): RunSummary {
  return runSummary({ id, seed: id, createdAt: id, startedAt: id, endedAt: id + 1, ...more });
}

const all = [summary(1), summary(2), summary(3)];

function badFilter(message: string, start: number, end: number): ApiCallError {
  return new ApiCallError('runs.list', 'bad-request', `Invalid filter: ${message}`, [{ path: ['filter'], message, span: { start, end } }]);
}

describe('runs store: filter, tags and runs by id', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists through the filter, and keeps the last good list with the span when a filter is refused', async () => {
    const f = fakeClient({
      'runs.list': async (req: ApiRequest<'runs.list'>) => {
        if (req.filter === 'id > 1') return all.slice(1);
        if (req.filter === 'id >') throw badFilter('expected a value after >', 4, 4);
        return all;
      },
    });
    setApiClient(f.client);
    const store = useRunsStore();
    await store.fetchRuns(1);
    expect(store.runsForExperiment(1).map((r) => r.id)).toEqual([3, 2, 1]);

    await store.applyFilter(1, ' id > 1 ');
    expect(f.calls.at(-1)).toEqual(['runs.list', { experimentId: 1, filter: 'id > 1' }]);
    expect(store.runsForExperiment(1).map((r) => r.id)).toEqual([3, 2]);
    expect(store.filterErrors[1]).toBeNull();

    await store.applyFilter(1, 'id >');
    expect(store.filterErrors[1]).toEqual({ filter: 'id >', message: 'expected a value after >', start: 4, end: 4 });
    expect(store.runsForExperiment(1).map((r) => r.id)).toEqual([3, 2]);

    await store.applyFilter(1, '');
    expect(f.calls.at(-1)).toEqual(['runs.list', { experimentId: 1 }]);
    expect(store.filterErrors[1]).toBeNull();
    expect(store.runsForExperiment(1)).toHaveLength(3);
  });

  it('rethrows errors that are not about the filter', async () => {
    setApiClient(fakeClient({ 'runs.list': async () => { throw new ApiCallError('runs.list', 'internal', 'disk full'); } }).client);
    await expect(useRunsStore().applyFilter(1, 'id > 1')).rejects.toThrow('disk full');
  });

  it('drops an older filter\'s answer that arrives after a newer one', async () => {
    const waiting: ((list: RunSummary[]) => void)[] = [];
    setApiClient(fakeClient({ 'runs.list': () => new Promise((resolve) => { waiting.push(resolve); }) }).client);
    const store = useRunsStore();
    const older = store.applyFilter(1, 'id = 1');
    const newer = store.applyFilter(1, 'id = 2');
    waiting[1]!([summary(2)]);
    await newer;
    waiting[0]!([summary(1)]);
    await older;
    expect(store.runsForExperiment(1).map((r) => r.id)).toEqual([2]);
  });

  it('saves tags and shows the server\'s answer in the cached summary', async () => {
    const f = fakeClient({
      'runs.list': async () => all,
      'runs.setTags': async (req: ApiRequest<'runs.setTags'>) => summary(req.id, { tags: [...req.tags].sort() }),
    });
    setApiClient(f.client);
    const store = useRunsStore();
    await store.fetchRuns(1);
    await store.setTags(2, ['sweep', 'baseline']);
    expect(f.calls.at(-1)).toEqual(['runs.setTags', { id: 2, tags: ['sweep', 'baseline'] }]);
    expect(store.runsForExperiment(1).find((r) => r.id === 2)!.tags).toEqual(['baseline', 'sweep']);
  });

  it('with a filter set, asks the server again when a run appears or changes instead of listing it blindly', async () => {
    const f = fakeClient({ 'runs.list': async (req: ApiRequest<'runs.list'>) => (req.filter ? [all[0]!] : all) });
    setApiClient(f.client);
    const store = useRunsStore();
    await store.applyFilter(1, 'status = "done"');
    const before = f.calls.length;
    f.emit('runs.onDidChange', summary(9, { status: 'running' }));
    expect(f.calls.length).toBe(before + 1);
    expect(f.calls.at(-1)).toEqual(['runs.list', { experimentId: 1, filter: 'status = "done"' }]);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.runsForExperiment(1).map((r) => r.id)).toEqual([1]);
  });

  it('fetches runs by id through the filter language, in the order asked, skipping missing ones, archived ones included', async () => {
    const f = fakeClient({ 'runs.list': async () => [summary(3), summary(1)] });
    setApiClient(f.client);
    const found = await useRunsStore().fetchRunsByIds([1, 7, 3]);
    expect(f.calls).toEqual([['runs.list', { filter: 'id = 1 or id = 7 or id = 3', includeArchived: true }]]);
    expect(found.map((r) => r.id)).toEqual([1, 3]);
  });
});
