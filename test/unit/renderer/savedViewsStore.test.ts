/** The saved views store: lists per scope (an experiment's, the all-runs page's), keeps saves and deletes in its list by name, and saves compare settings into a view without touching its filter or table. */
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SavedView } from '../../../main/common/domain';
import { defaultRunsTableState, type SavedViewState } from '../../../main/common/savedView';
import { setApiClient } from '../../../renderer/api';
import { useSavedViewsStore } from '../../../renderer/stores/savedViewsStore';
import { fakeClient } from './fakeClient';

const state = (filter: string, compare: Record<string, string> = {}): SavedViewState => ({ version: 1, filter, table: defaultRunsTableState(), compare });
const view = (id: number, experimentId: number | null, name: string, s = state('')): SavedView => ({ id, experimentId, name, state: s, createdAt: 1, updatedAt: 1 });

describe('saved views store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('keeps each scope apart and its list by name through saves and deletes', async () => {
    const f = fakeClient({
      'views.list': async (req) => (req.experimentId === null ? [view(9, null, 'all')] : [view(1, 1, 'b'), view(2, 1, 'd')]),
      'views.save': async (req) => view(req.name === 'b' ? 1 : 3, req.experimentId ?? null, req.name, req.state),
      'views.delete': async (req) => ({ id: req.id }),
    });
    setApiClient(f.client);
    const store = useSavedViewsStore();
    await store.fetchViews(1);
    await store.fetchViews(null);
    await store.saveView(1, 'c', state('x'));
    await store.saveView(1, 'b', state('y'));
    expect(store.viewsOf(1).map((v) => [v.name, v.state.filter])).toEqual([['b', 'y'], ['c', 'x'], ['d', '']]);
    expect(store.viewsOf(null).map((v) => v.name)).toEqual(['all']);
    await store.deleteView(view(2, 1, 'd'));
    expect(store.viewsOf(1).map((v) => v.id)).toEqual([1, 3]);
    expect(f.calls.at(-1)).toEqual(['views.delete', { id: 2 }]);
  });

  it("replaces only a view's compare settings, and refuses a view that is gone", async () => {
    const kept = state('params.lr < 0.1', { smooth: '0.2' });
    const f = fakeClient({
      'views.list': async () => [view(5, 2, 'sweep', kept)],
      'views.save': async (req) => view(5, req.experimentId ?? null, req.name, req.state),
    });
    setApiClient(f.client);
    const store = useSavedViewsStore();
    const saved = await store.saveCompareSettings(5, { smooth: '0.8', group: 'seed' });
    expect(f.calls.at(-1)).toEqual(['views.save', { experimentId: 2, name: 'sweep', state: { ...kept, compare: { smooth: '0.8', group: 'seed' } } }]);
    expect(saved.state.filter).toBe('params.lr < 0.1');
    await expect(store.saveCompareSettings(6, {})).rejects.toThrow('The saved view 6 no longer exists');
  });
});
