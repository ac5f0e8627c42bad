import { computed, ref, watch, type ComputedRef, type Ref, type WatchSource } from 'vue';
import type { ArtifactInfo } from '../../main/common/domain';
import { clampIndex, nextPlayIndex, selectIndex } from '../lib/gallery';
import { useArtifactDocument } from './useArtifactDocument';
import { useStepPlayback } from './useStepPlayback';

export interface SteppedArtifact<T> {
  /** Where the slider stands in `list` (-1 when empty). */
  index: ComputedRef<number>;
  /** The document shown (the previous one stays until the next has loaded) and why one failed. */
  shown: Ref<{ artifact: ArtifactInfo; data: T } | null>;
  error: Ref<string | null>;
  playing: Readonly<Ref<boolean>>;
  /** Show the artifact at a slider position (stops playback). */
  select: (i: number) => void;
  togglePlay: () => void;
}

/**
 * A step slider with play over a run's data artifacts of one kind (`list`,
 * in step order) and the parsed document at the chosen step, as the GAN's
 * toy density panel does it: the newest is shown, and followed while the run
 * trains, until the viewer picks another; play runs to the newest and
 * prefetches one ahead; a new run starts again at the newest.
 */
export function useSteppedArtifact<T>(
  list: ComputedRef<ArtifactInfo[]>, runId: WatchSource<number>, parse: (raw: unknown) => T, options: { intervalMs?: number; cacheLimit?: number } = {},
): SteppedArtifact<T> {
  /** The artifact the viewer chose (by id: it keeps its place as others arrive), and whether they follow the newest. */
  const chosen = ref<{ id: number | null; follow: boolean }>({ id: null, follow: true });
  const index = computed(() => selectIndex(list.value, chosen.value.id, chosen.value.follow));
  const current = computed<ArtifactInfo | undefined>(() => list.value[index.value]);
  const { shown, error, prefetch } = useArtifactDocument(current, parse, options.cacheLimit ?? 100);
  const { playing, stop, toggle } = useStepPlayback(advance, options.intervalMs ?? 400);

  watch(runId, () => {
    stop();
    chosen.value = { id: null, follow: true };
  });

  function choose(i: number): void {
    const at = clampIndex(i, list.value.length);
    if (at < 0) return;
    chosen.value = { id: list.value[at]!.id, follow: at === list.value.length - 1 && !playing.value };
  }

  function advance(): boolean {
    const next = nextPlayIndex(index.value, list.value.length);
    if (next === null) {
      chosen.value = { id: null, follow: true };
      return false;
    }
    choose(next);
    const ahead = list.value[next + 1];
    if (ahead) prefetch(ahead);
    return true;
  }

  return {
    index, shown, error, playing,
    select: (i) => {
      stop();
      choose(i);
    },
    togglePlay: () => toggle(list.value.length, index.value, () => choose(0)),
  };
}
