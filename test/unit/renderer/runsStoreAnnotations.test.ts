/** The runs store's annotations: starred runs first, rename/notes/star/archive through runs.update, the archived toggle, and deletion (own or another window's). */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../main/common/domain';
import { setApiClient } from '../../../renderer/api';
import { useRunsStore } from '../../../renderer/stores/runsStore';
import { runSummary } from '../../helpers/runFixtures';
import { fakeClient } from './fakeClient';

function summary(id: number, more: Partial<RunSummary> = {}): RunSummary {
  return runSummary({ id, seed: id, createdAt: id, startedAt: id, endedAt: id + 1, ...more });
}

describe('runs store: annotations', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists starred runs first, then newest first', async () => {
    setApiClient(fakeClient({ 'runs.list': async () => [summary(3), summary(2, { starred: true }), summary(1)] }).client);
    const runs = useRunsStore();
    await runs.fetchRuns(1);
    expect(runs.runsForExperiment(1).map((r) => r.id)).toEqual([2, 3, 1]);
  });

  it('sends only the fields changed and shows the answer; a starred run moves up', async () => {
    const f = fakeClient({
      'runs.list': async () => [summary(2), summary(1)],
      'runs.update': async (req) => summary(req.id, { name: req.name ?? `r${req.id}`, notes: req.notes ?? '', starred: req.starred ?? false }),
    });
    setApiClient(f.client);
    const runs = useRunsStore();
    await runs.fetchRuns(1);
    await runs.updateRun(1, { starred: true });
    expect(f.calls.at(-1)).toEqual(['runs.update', { id: 1, starred: true }]);
    expect(runs.runsForExperiment(1).map((r) => r.id)).toEqual([1, 2]);
    await runs.updateRun(2, { name: 'renamed', notes: 'line 1\nline 2' });
    expect(runs.summaries[2]).toMatchObject({ name: 'renamed', notes: 'line 1\nline 2' });
  });

  it('drops a run archived while archived runs are hidden, and lists archived runs once asked', async () => {
    let archived = false;
    const f = fakeClient({
      'runs.list': async (req) => (req.includeArchived || !archived ? [summary(2, { archived }), summary(1)] : [summary(1)]),
      'runs.update': async (req) => { archived = req.archived ?? archived; return summary(req.id, { archived }); },
    });
    setApiClient(f.client);
    const runs = useRunsStore();
    await runs.fetchRuns(1);
    await runs.updateRun(2, { archived: true });
    expect(runs.runsForExperiment(1).map((r) => r.id)).toEqual([1]);
    await runs.setShowArchived(1, true);
    expect(f.calls.at(-1)).toEqual(['runs.list', { experimentId: 1, includeArchived: true }]);
    expect(runs.runsForExperiment(1).map((r) => [r.id, r.archived])).toEqual([[2, true], [1, false]]);
    await runs.updateRun(2, { archived: false });
    await runs.setShowArchived(1, false);
    expect(f.calls.at(-1)).toEqual(['runs.list', { experimentId: 1 }]);
    expect(runs.runsForExperiment(1).map((r) => r.id)).toEqual([2, 1]);
  });

  it('forgets a deleted run, whether this window deleted it or another did', async () => {
    const f = fakeClient({
      'runs.list': async () => [summary(3), summary(2), summary(1)],
      'runs.delete': async ({ id }) => ({ id, folder: `/data/runs/${id}` }),
    });
    setApiClient(f.client);
    const runs = useRunsStore();
    await runs.fetchRuns(1);
    expect(await runs.deleteRun(2)).toEqual({ id: 2, folder: '/data/runs/2' });
    expect(runs.runsForExperiment(1).map((r) => r.id)).toEqual([3, 1]);
    expect(runs.run(2)).toBeUndefined();
    f.emit('runs.onDidDelete', { id: 3 });
    expect(runs.runsForExperiment(1).map((r) => r.id)).toEqual([1]);
  });
});
