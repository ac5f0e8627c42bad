/**
 * Saved views: each runs page's named views (an experiment's, or the
 * all-runs page's under the key 'all'), fetched when the page opens and kept
 * in step with what the page saves and deletes.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SavedView } from '../../main/common/domain';
import type { SavedViewState } from '../../main/common/savedView';
import { getApiClient } from '../api';

/** The cache key of a scope: the experiment id, or 'all' for the all-runs page. */
export function viewScopeKey(experimentId: number | null): string {
  return experimentId === null ? 'all' : String(experimentId);
}

export const useSavedViewsStore = defineStore('savedViews', () => {
  const client = getApiClient();
  /** Each scope's views by name, as the server lists them. */
  const byScope = ref<Record<string, SavedView[]>>({});

  function viewsOf(experimentId: number | null): SavedView[] {
    return byScope.value[viewScopeKey(experimentId)] ?? [];
  }

  async function fetchViews(experimentId: number | null): Promise<SavedView[]> {
    const list = await client.call('views.list', { experimentId });
    byScope.value[viewScopeKey(experimentId)] = list;
    return list;
  }

  function remember(view: SavedView): SavedView {
    const key = viewScopeKey(view.experimentId);
    const others = (byScope.value[key] ?? []).filter((v) => v.id !== view.id);
    byScope.value[key] = [...others, view].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
    return view;
  }

  /** Saves the state under the name (replacing the state of the scope's view of that name). */
  async function saveView(experimentId: number | null, name: string, state: SavedViewState): Promise<SavedView> {
    return remember(await client.call('views.save', { experimentId, name, state }));
  }

  async function deleteView(view: SavedView): Promise<void> {
    await client.call('views.delete', { id: view.id });
    const key = viewScopeKey(view.experimentId);
    byScope.value[key] = (byScope.value[key] ?? []).filter((v) => v.id !== view.id);
  }

  /** One view by id, whatever its scope (the compare view knows only the id); undefined when it is gone. */
  async function findView(id: number): Promise<SavedView | undefined> {
    const all = await client.call('views.list', {});
    return all.find((v) => v.id === id);
  }

  /**
   * Replaces a view's compare settings (the compare view's "save to view"),
   * keeping its filter and table; refuses when the view is gone.
   */
  async function saveCompareSettings(id: number, compare: Record<string, string>): Promise<SavedView> {
    const view = await findView(id);
    if (!view) throw new Error(`The saved view ${id} no longer exists`);
    return saveView(view.experimentId, view.name, { ...view.state, compare });
  }

  return { byScope, viewsOf, fetchViews, saveView, deleteView, findView, saveCompareSettings };
});
