import { onScopeDispose, ref, watch, type Ref, type WatchSource } from 'vue';
import { errorMessage } from '../api';

/** A store subscription: resolves when first loaded, and is released when no longer wanted. */
export interface Watched {
  ready: Promise<unknown>;
  release: () => void;
}

/**
 * Keeps the store's live subscription for the current id while the calling
 * component lives: re-subscribes when the id changes, releases on dispose,
 * and reports loading and the first error of the latest subscription only.
 */
export function useWatched(id: WatchSource<number | null>, subscribe: (id: number) => Watched): { loading: Ref<boolean>; error: Ref<string | null>; current: Ref<number | null> } {
  const loading = ref(false);
  const error = ref<string | null>(null);
  const current = ref<number | null>(null);
  let release: (() => void) | null = null;
  let generation = 0;

  watch(id, (next) => {
    release?.();
    release = null;
    error.value = null;
    current.value = next;
    const mine = ++generation;
    if (next === null) return;
    const watched = subscribe(next);
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

  return { loading, error, current };
}
