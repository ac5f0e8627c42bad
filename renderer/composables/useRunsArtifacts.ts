import { computed, onScopeDispose, ref, watch, type ComputedRef, type Ref } from 'vue';
import type { ArtifactInfo } from '../../main/common/domain';
import { errorMessage } from '../api';
import { useArtifactsStore } from '../stores/artifactsStore';

/**
 * Keeps several runs' artifact lists loaded and live (the store's
 * subscription per run, as useRunArtifacts keeps one) while the calling
 * component lives: runs that join the ids are subscribed, runs that leave
 * released. Only the lists (artifacts.list); no bytes are read here.
 */
export function useRunsArtifacts(ids: () => readonly number[]): { lists: ComputedRef<ArtifactInfo[][]>; loading: ComputedRef<boolean>; error: Ref<string | null> } {
  const store = useArtifactsStore();
  const releases = new Map<number, () => void>();
  const pending = ref(0);
  const error = ref<string | null>(null);

  watch(() => ids().join(','), () => {
    const want = new Set(ids());
    for (const [id, release] of releases) {
      if (want.has(id)) continue;
      release();
      releases.delete(id);
    }
    for (const id of want) {
      if (releases.has(id)) continue;
      const w = store.watchRun(id);
      releases.set(id, w.release);
      pending.value++;
      w.ready
        .catch((err: unknown) => { if (releases.has(id)) error.value = `run ${id}: ${errorMessage(err)}`; })
        .finally(() => { pending.value--; });
    }
  }, { immediate: true });

  onScopeDispose(() => {
    for (const release of releases.values()) release();
    releases.clear();
  });

  const lists = computed(() => ids().map((id) => store.list(id)));
  return { lists, loading: computed(() => pending.value > 0), error };
}
