import type { Ref, WatchSource } from 'vue';
import { useRunsStore } from '../stores/runsStore';
import { useWatched } from './useWatched';

/** Keeps the run with the given id loaded and live while the calling component lives. */
export function useRunWatch(id: WatchSource<number | null>): { loading: Ref<boolean>; error: Ref<string | null> } {
  const runs = useRunsStore();
  const { loading, error } = useWatched(id, (runId) => runs.watchRun(runId));
  return { loading, error };
}
