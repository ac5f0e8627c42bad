import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref, type WatchSource } from 'vue';
import type { ArtifactInfo } from '../../main/common/domain';
import { errorMessage } from '../api';
import { useArtifactsStore } from '../stores/artifactsStore';

/** Keeps a run's artifact list loaded and live while the calling component lives. */
export function useRunArtifacts(runId: WatchSource<number | null>): { artifacts: ComputedRef<ArtifactInfo[]>; loading: Ref<boolean>; error: Ref<string | null> } {
  const store = useArtifactsStore();
  const current = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let release: (() => void) | null = null;
  let generation = 0;

  watch(runId, (next) => {
    release?.();
    release = null;
    error.value = null;
    current.value = next;
    const mine = ++generation;
    if (next === null) return;
    const watched = store.watchRun(next);
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

  const artifacts = computed(() => (current.value === null ? [] : store.list(current.value)));
  return { artifacts, loading, error };
}
