import { ref, watch, type Ref, type WatchSource } from 'vue';
import type { ArtifactInfo } from '../../main/common/domain';
import { errorMessage } from '../api';
import { useArtifactsStore } from '../stores/artifactsStore';

/**
 * The parsed JSON document of one data artifact (a class histogram, a toy
 * scatter), loaded when the source names another one. `shown` keeps the
 * previous document until the next has loaded (no flicker while stepping);
 * `error` says why one failed. Parsed documents are cached (the oldest go
 * past `cacheLimit`), and `prefetch` loads one ahead of time (playback).
 */
export function useArtifactDocument<T>(source: WatchSource<ArtifactInfo | undefined>, parse: (raw: unknown) => T, cacheLimit = 100): {
  shown: Ref<{ artifact: ArtifactInfo; data: T } | null>;
  error: Ref<string | null>;
  prefetch: (a: ArtifactInfo) => void;
} {
  const store = useArtifactsStore();
  const cache = new Map<number, T>();
  const pending = new Map<number, Promise<T>>();
  const shown = ref<{ artifact: ArtifactInfo; data: T } | null>(null) as Ref<{ artifact: ArtifactInfo; data: T } | null>;
  const error = ref<string | null>(null);
  let wanted: number | null = null;

  function load(a: ArtifactInfo): Promise<T> {
    const hit = cache.get(a.id);
    if (hit !== undefined) return Promise.resolve(hit);
    let p = pending.get(a.id);
    if (!p) {
      p = store.readJson(a.id)
        .then((raw) => {
          const data = parse(raw);
          cache.set(a.id, data);
          if (cache.size > cacheLimit) cache.delete(cache.keys().next().value!);
          return data;
        })
        .finally(() => pending.delete(a.id));
      pending.set(a.id, p);
    }
    return p;
  }

  watch(source, (a) => {
    wanted = a?.id ?? null;
    if (!a) {
      shown.value = null;
      return;
    }
    if (shown.value?.artifact.id === a.id) return;
    load(a)
      .then((data) => {
        if (wanted !== a.id) return;
        error.value = null;
        shown.value = { artifact: a, data };
      })
      .catch((err: unknown) => {
        if (wanted === a.id) error.value = errorMessage(err);
      });
  }, { immediate: true });

  return { shown, error, prefetch: (a) => { void load(a).catch(() => {}); } };
}
