import { ref, watch, type Ref, type WatchSource } from 'vue';
import type { ArtifactInfo } from '../../main/common/domain';
import type { ClassHistogramData } from '../../workers/common/gallery';
import { errorMessage } from '../api';
import { parseClassHistogram } from '../lib/classHistogram';
import { useArtifactsStore } from '../stores/artifactsStore';

/** Parsed documents kept for moving back and forth between steps (each is well under a kB). */
const CACHE_LIMIT = 100;

/**
 * The parsed document of one 'class-histogram' artifact, loaded when the
 * source names another one. `shown` keeps the previous document until the
 * next has loaded (no flicker while stepping); `error` says why one failed.
 */
export function useClassHistogram(source: WatchSource<ArtifactInfo | undefined>): {
  shown: Ref<{ artifact: ArtifactInfo; data: ClassHistogramData } | null>;
  error: Ref<string | null>;
} {
  const store = useArtifactsStore();
  const cache = new Map<number, ClassHistogramData>();
  const shown = ref<{ artifact: ArtifactInfo; data: ClassHistogramData } | null>(null);
  const error = ref<string | null>(null);
  let wanted: number | null = null;

  watch(source, (a) => {
    wanted = a?.id ?? null;
    if (!a) {
      shown.value = null;
      return;
    }
    if (shown.value?.artifact.id === a.id) return;
    const hit = cache.get(a.id);
    if (hit) {
      error.value = null;
      shown.value = { artifact: a, data: hit };
      return;
    }
    store.readJson(a.id)
      .then((raw) => {
        const data = parseClassHistogram(raw);
        cache.set(a.id, data);
        if (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value!);
        if (wanted !== a.id) return;
        error.value = null;
        shown.value = { artifact: a, data };
      })
      .catch((err: unknown) => {
        if (wanted === a.id) error.value = errorMessage(err);
      });
  }, { immediate: true });

  return { shown, error };
}
