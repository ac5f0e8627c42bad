import { ref, watch, type Ref } from 'vue';
import { defaultRunsTableState, type RunsTableState } from '../../main/common/savedView';
import { readTableState, tableStateKey } from '../lib/runsTable/tableState';

/** localStorage, when the page may use it (a sandboxed or private window may refuse). */
function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * A runs page's table state, remembered in localStorage per page (an
 * experiment's id, or 'all'): read back through runsTableStateSchema when the
 * page changes (an invalid copy gives the page's default), written on every change.
 * The page binds it to RunsTable's v-model; a saved view may replace it.
 */
export function useRunsTableState(page: () => number | 'all', defaults: () => RunsTableState = defaultRunsTableState): Ref<RunsTableState> {
  const read = (p: number | 'all'): RunsTableState => readTableState(storage()?.getItem(tableStateKey(p)) ?? null, defaults);
  const state = ref<RunsTableState>(read(page()));
  watch(page, (p) => { state.value = read(p); });
  watch(state, (s) => {
    try {
      storage()?.setItem(tableStateKey(page()), JSON.stringify(s));
    } catch {
      // Full or refused storage: the table still works, it just is not remembered.
    }
  }, { deep: true });
  return state;
}
