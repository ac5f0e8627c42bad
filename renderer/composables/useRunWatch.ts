import { onScopeDispose, ref, watch, type Ref, type WatchSource } from 'vue';
import { errorMessage } from '../api';
import { useRunsStore } from '../stores/runsStore';

/** Keeps the run with the given id loaded and live while the calling component lives. */
export function useRunWatch(id: WatchSource<number | null>): { loading: Ref<boolean>; error: Ref<string | null> } {
  const runs = useRunsStore();
  const loading = ref(false);
  const error = ref<string | null>(null);
  let release: (() => void) | null = null;
  let generation = 0;

  watch(id, (next) => {
    release?.();
    release = null;
    error.value = null;
    const mine = ++generation;
    if (next === null) return;
    const watched = runs.watchRun(next);
    release = watched.release;
    loading.value = true;
    watched.ready
      .catch((err: unknown) => { if (mine === generation) error.value = errorMessage(err); })
      .finally(() => { if (mine === generation) loading.value = false; });
  }, { immediate: true });

  onScopeDispose(() => {
    generation++;
    release?.();
    release = null;
  });

  return { loading, error };
}
