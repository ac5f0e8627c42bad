import { computed, type ComputedRef, type Ref, type WatchSource } from 'vue';
import type { ArtifactInfo } from '../../main/common/domain';
import { useArtifactsStore } from '../stores/artifactsStore';
import { useWatched } from './useWatched';

/** Keeps a run's artifact list loaded and live while the calling component lives. */
export function useRunArtifacts(runId: WatchSource<number | null>): { artifacts: ComputedRef<ArtifactInfo[]>; loading: Ref<boolean>; error: Ref<string | null> } {
  const store = useArtifactsStore();
  const { loading, error, current } = useWatched(runId, (id) => store.watchRun(id));
  const artifacts = computed(() => (current.value === null ? [] : store.list(current.value)));
  return { artifacts, loading, error };
}
