/**
 * Saved views: a runs page's view (filter, table, compare settings) kept by
 * name per experiment, or for the all-runs page (experimentId null). The API
 * has validated the state with savedViewStateSchema and trimmed the name.
 */
import type { Store } from '../../db/storeTypes';
import { ApiError } from '../common/api';
import type { SavedView } from '../common/domain';
import type { SavedViewState } from '../common/savedView';

export class SavedViewService {
  constructor(private readonly store: Store) {}

  /** One experiment's views, the all-runs page's (null), or every view (undefined); by name. */
  list(experimentId: number | null | undefined): SavedView[] {
    if (typeof experimentId === 'number') this.requireExperiment(experimentId);
    return this.store.listSavedViews(experimentId);
  }

  /** Saves under the name: a new view, or the state of the scope's view of that name replaced. */
  save(experimentId: number | null, name: string, state: SavedViewState): SavedView {
    if (experimentId !== null) this.requireExperiment(experimentId);
    return this.store.saveView(experimentId, name, state);
  }

  delete(id: number): { id: number } {
    if (!this.store.deleteSavedView(id)) throw new ApiError('not-found', `Saved view ${id} does not exist`);
    return { id };
  }

  private requireExperiment(id: number): void {
    if (!this.store.getExperiment(id)) throw new ApiError('not-found', `Experiment ${id} does not exist`);
  }
}
